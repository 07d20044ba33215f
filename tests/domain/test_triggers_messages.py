"""The custom message trigger for every message source, and the custom senders that
replace delivery."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from cogkit import Channel, Cognito, Purpose, UserStatus
from cogkit.domain import messages
from cogkit.errors import (
    ExpiredCodeError,
    InvalidLambdaResponseError,
    UserLambdaValidationError,
    UserNotFoundError,
)
from tests.conftest import Kit
from tests.helpers import NEW_PASSWORD, PASSWORD, Recorder, caller, raises

NO_MESSAGES = {"smsMessage": None, "emailMessage": None, "emailSubject": None}
CUSTOM = {
    "emailMessage": "Welcome aboard! Your code: {####}",
    "emailSubject": "Welcome",
    "smsMessage": "Code {####}",
}


def message_request(attributes: dict[str, str], *, username: bool = False) -> dict[str, Any]:
    return {
        "userAttributes": attributes,
        "codeParameter": "{####}",
        "linkParameter": "{##Click Here##}",
        "usernameParameter": "{username}" if username else None,
    }


def unconfirmed(kit: Kit) -> dict[str, str]:
    return {
        "sub": kit.pool.admin_get_user("ann").sub,
        "email": "ann@example.com",
        "cognito:user_status": "UNCONFIRMED",
    }


def confirmed(kit: Kit) -> dict[str, str]:
    return {**unconfirmed(kit), "email_verified": "true", "cognito:user_status": "CONFIRMED"}


# -- CustomMessage_SignUp --------------------------------------------------------------


def test_custom_message_receives_the_sign_up_event(kit: Kit) -> None:
    handler = kit.pool.trigger("CustomMessage", Recorder())
    kit.sign_up(client_metadata={"lang": "fr"})
    assert handler.event == {
        "version": "1",
        "triggerSource": "CustomMessage_SignUp",
        "region": "us-east-1",
        "userPoolId": kit.pool.id,
        "userName": "ann",
        "callerContext": caller(kit.client.id),
        "request": {**message_request(unconfirmed(kit)), "clientMetadata": {"lang": "fr"}},
        "response": NO_MESSAGES,
    }


def test_custom_message_writes_the_email(kit: Kit) -> None:
    kit.pool.trigger("CustomMessage", Recorder(CUSTOM))
    kit.sign_up()
    message = kit.svc.outbox.last(to="ann@example.com")
    assert message.text == f"Welcome aboard! Your code: {message.code}"
    assert message.subject == "Welcome"
    kit.auth.confirm_sign_up(kit.client.id, "ann", kit.code())


def test_an_empty_answer_keeps_the_pools_message(kit: Kit) -> None:
    kit.pool.trigger("CustomMessage", Recorder())
    kit.sign_up()
    message = kit.svc.outbox.last(to="ann@example.com")
    assert message.text == f"Your verification code is {message.code}. "
    assert message.subject == "Your verification code"


def test_a_message_without_the_code_placeholder_is_refused(kit: Kit) -> None:
    kit.pool.trigger("CustomMessage", Recorder({"emailMessage": "Welcome!"}))
    with raises(InvalidLambdaResponseError, "The CustomMessage emailMessage must contain {####}."):
        kit.sign_up()
    with raises(UserNotFoundError):
        kit.pool.admin_get_user("ann")
    assert len(kit.svc.outbox) == 0


def test_only_the_message_of_the_channel_used_must_hold_the_code(kit: Kit) -> None:
    kit.pool.trigger("CustomMessage", Recorder({"emailMessage": "{####}", "smsMessage": "hi"}))
    kit.sign_up()
    assert kit.code()


def test_a_raising_custom_message_leaves_no_user_and_no_code(kit: Kit) -> None:
    kit.pool.trigger("CustomMessage", Recorder(error=ValueError("template missing")))
    with raises(UserLambdaValidationError, "CustomMessage failed with error template missing."):
        kit.sign_up()
    with raises(UserNotFoundError):
        kit.pool.admin_get_user("ann")
    assert len(kit.svc.outbox) == 0


@pytest.mark.parametrize(
    "answer",
    [
        {"emailMessage": 5},
        {"emailSubject": ""},
        {"emailSubject": "x" * 141},
        {"emailMessage": "{####}" + "x" * 20000},
    ],
)
def test_malformed_messages_are_invalid_lambda_responses(kit: Kit, answer: Any) -> None:
    kit.pool.trigger("CustomMessage", Recorder(answer))
    with raises(InvalidLambdaResponseError):
        kit.sign_up()


def test_custom_message_writes_the_sms(svc: Cognito) -> None:
    pool = svc.create_user_pool("app", auto_verified_attributes=["phone_number"])
    client = pool.create_client("web")
    pool.trigger("CustomMessage", Recorder(CUSTOM))
    pool.auth.sign_up(client.id, "ann", PASSWORD, {"phone_number": "+15555550100"})
    message = svc.outbox.last(to="+15555550100")
    assert message.channel is Channel.SMS
    assert message.text == f"Code {message.code}" and message.subject is None


# -- the other sources -----------------------------------------------------------------


def test_resending_the_code_is_custom_message_resend_code(kit: Kit) -> None:
    kit.sign_up()
    handler = kit.pool.trigger("CustomMessage", Recorder(CUSTOM))
    kit.auth.resend_confirmation_code(kit.client.id, "ann", client_metadata={"k": "v"})
    assert handler.event["triggerSource"] == "CustomMessage_ResendCode"
    assert handler.event["request"] == {
        **message_request(unconfirmed(kit)),
        "clientMetadata": {"k": "v"},
    }
    assert kit.svc.outbox.last(purpose=Purpose.RESEND_CODE).subject == "Welcome"


def test_a_raising_resend_keeps_the_earlier_code(kit: Kit) -> None:
    kit.sign_up()
    code = kit.code()
    kit.pool.trigger("CustomMessage", Recorder(error=ValueError("no")))
    with raises(UserLambdaValidationError):
        kit.auth.resend_confirmation_code(kit.client.id, "ann")
    kit.auth.confirm_sign_up(kit.client.id, "ann", code)


def test_forgot_password_is_custom_message_forgot_password(kit: Kit) -> None:
    kit.confirmed()
    handler = kit.pool.trigger("CustomMessage", Recorder(CUSTOM))
    kit.auth.forgot_password(kit.client.id, "ann", client_metadata={"k": "v"})
    assert handler.event["triggerSource"] == "CustomMessage_ForgotPassword"
    assert handler.event["request"] == {
        **message_request(confirmed(kit)),
        "clientMetadata": {"k": "v"},
    }
    kit.auth.confirm_forgot_password(kit.client.id, "ann", kit.code(), NEW_PASSWORD)


def test_a_raising_forgot_password_message_stores_no_code(kit: Kit) -> None:
    kit.confirmed()
    kit.pool.trigger("CustomMessage", Recorder(error=ValueError("no")))
    with raises(UserLambdaValidationError):
        kit.auth.forgot_password(kit.client.id, "ann")
    with raises(ExpiredCodeError):
        kit.auth.confirm_forgot_password(kit.client.id, "ann", "123456", NEW_PASSWORD)


def test_updating_the_email_is_custom_message_update_user_attribute(kit: Kit) -> None:
    tokens = kit.session()
    handler = kit.pool.trigger("CustomMessage", Recorder(CUSTOM))
    kit.auth.update_user_attributes(
        tokens.access_token, {"email": "new@example.com"}, client_metadata={"k": "v"}
    )
    assert handler.event["triggerSource"] == "CustomMessage_UpdateUserAttribute"
    assert handler.event["callerContext"] == caller(kit.client.id)
    assert handler.event["request"] == {
        **message_request(
            {
                **confirmed(kit),
                "email": "new@example.com",
                "email_verified": "false",
            }
        ),
        "clientMetadata": {"k": "v"},
    }
    assert kit.svc.outbox.last(to="new@example.com").subject == "Welcome"


def test_a_raising_update_message_leaves_the_attributes_unchanged(kit: Kit) -> None:
    tokens = kit.session()
    kit.pool.trigger("CustomMessage", Recorder(error=ValueError("no")))
    with raises(UserLambdaValidationError):
        kit.auth.update_user_attributes(tokens.access_token, {"email": "new@example.com"})
    user = kit.pool.admin_get_user("ann")
    assert user["email"] == "ann@example.com" and user["email_verified"] == "true"


def test_asking_for_a_verification_code_is_custom_message_verify_user_attribute(
    kit: Kit,
) -> None:
    tokens = kit.session()
    handler = kit.pool.trigger("CustomMessage", Recorder(CUSTOM))
    kit.auth.get_user_attribute_verification_code(
        tokens.access_token, "email", client_metadata={"k": "v"}
    )
    assert handler.event["triggerSource"] == "CustomMessage_VerifyUserAttribute"
    assert handler.event["request"] == {
        **message_request(confirmed(kit)),
        "clientMetadata": {"k": "v"},
    }
    kit.auth.verify_user_attribute(tokens.access_token, "email", kit.code())


def test_codes_sent_for_sign_in_are_custom_message_authentication(kit: Kit) -> None:
    kit.confirmed()
    handler = kit.pool.trigger("CustomMessage", Recorder(CUSTOM))
    record = kit.svc.store.get_user(kit.pool.id, "ann")
    assert record is not None
    messages.send_code(
        kit.svc._rt,
        kit.pool.config,
        record,
        attribute="email",
        purpose=Purpose.AUTHENTICATION,
        store_purpose="mfa",
        ttl=180,
        client_id=kit.client.id,
    )
    assert handler.event["triggerSource"] == "CustomMessage_Authentication"
    assert kit.svc.outbox.last(purpose=Purpose.AUTHENTICATION).subject == "Welcome"


# -- CustomMessage_AdminCreateUser -----------------------------------------------------


def test_invitations_are_custom_message_admin_create_user(kit: Kit) -> None:
    handler = kit.pool.trigger(
        "CustomMessage",
        Recorder(
            {
                "emailMessage": "Hi {username}, sign in with {####}",
                "emailSubject": "Your account",
            }
        ),
    )
    kit.pool.admin_create_user(
        "bob",
        attributes={"email": "bob@example.com"},
        temporary_password="Temporary-pass-1",
        desired_delivery_mediums=["EMAIL"],
        client_metadata={"k": "v"},
    )
    assert handler.event == {
        "version": "1",
        "triggerSource": "CustomMessage_AdminCreateUser",
        "region": "us-east-1",
        "userPoolId": kit.pool.id,
        "userName": "bob",
        "callerContext": caller(None),
        "request": {
            **message_request(
                {
                    "sub": kit.pool.admin_get_user("bob").sub,
                    "email": "bob@example.com",
                    "cognito:user_status": "FORCE_CHANGE_PASSWORD",
                },
                username=True,
            ),
            "clientMetadata": {"k": "v"},
        },
        "response": NO_MESSAGES,
    }
    message = kit.svc.outbox.last(to="bob@example.com")
    assert message.text == "Hi bob, sign in with Temporary-pass-1"
    assert message.subject == "Your account"


def test_an_invitation_must_keep_the_username_placeholder(kit: Kit) -> None:
    kit.pool.trigger("CustomMessage", Recorder({"emailMessage": "Sign in with {####}"}))
    with raises(
        InvalidLambdaResponseError, "The CustomMessage emailMessage must contain {username}."
    ):
        kit.pool.admin_create_user(
            "bob", attributes={"email": "bob@example.com"}, desired_delivery_mediums=["EMAIL"]
        )
    with raises(UserNotFoundError):
        kit.pool.admin_get_user("bob")


def test_a_suppressed_invitation_runs_no_custom_message(kit: Kit) -> None:
    handler = kit.pool.trigger("CustomMessage", Recorder())
    kit.pool.admin_create_user(
        "bob", attributes={"email": "bob@example.com"}, message_action="SUPPRESS"
    )
    assert handler.events == []


def test_a_raising_custom_message_on_resend_keeps_the_old_temporary_password(kit: Kit) -> None:
    kit.pool.admin_create_user(
        "bob",
        attributes={"email": "bob@example.com"},
        temporary_password="Temporary-pass-1",
        message_action="SUPPRESS",
    )
    kit.pool.trigger("CustomMessage", Recorder(error=ValueError("no")))
    with raises(UserLambdaValidationError):
        kit.pool.admin_create_user(
            "bob", message_action="RESEND", desired_delivery_mediums=["EMAIL"]
        )
    result = kit.auth.initiate(
        kit.client.id, "USER_PASSWORD_AUTH", USERNAME="bob", PASSWORD="Temporary-pass-1"
    )
    assert result.challenge_name == "NEW_PASSWORD_REQUIRED"


# -- custom senders --------------------------------------------------------------------


def test_a_custom_email_sender_gets_the_code_instead_of_the_outbox(kit: Kit) -> None:
    sender = kit.pool.trigger("CustomEmailSender", Recorder())
    custom = kit.pool.trigger("CustomMessage", Recorder())
    kit.sign_up(client_metadata={"k": "v"})
    event = sender.event
    code = event["request"]["code"]
    assert event == {
        "version": "1",
        "triggerSource": "CustomEmailSender_SignUp",
        "region": "us-east-1",
        "userPoolId": kit.pool.id,
        "userName": "ann",
        "callerContext": caller(kit.client.id),
        "request": {
            "type": "customEmailSenderRequestV1",
            "code": code,
            "userAttributes": unconfirmed(kit),
            "clientMetadata": {"k": "v"},
        },
        "response": {},
    }
    assert len(kit.svc.outbox) == 0 and custom.events == []
    kit.auth.confirm_sign_up(kit.client.id, "ann", code)
    assert kit.pool.admin_get_user("ann").status is UserStatus.CONFIRMED


def test_a_custom_sms_sender_gets_sms_codes(svc: Cognito) -> None:
    pool = svc.create_user_pool("app", auto_verified_attributes=["phone_number"])
    client = pool.create_client("web")
    sms = pool.trigger("CustomSMSSender", Recorder())
    email = pool.trigger("CustomEmailSender", Recorder())
    pool.auth.sign_up(client.id, "ann", PASSWORD, {"phone_number": "+15555550100"})
    assert sms.event["triggerSource"] == "CustomSMSSender_SignUp"
    assert sms.event["request"]["type"] == "customSMSSenderRequestV1"
    assert email.events == [] and len(svc.outbox) == 0


@pytest.mark.parametrize(
    ("action", "source"),
    [
        ("forgot", "CustomEmailSender_ForgotPassword"),
        ("resend", "CustomEmailSender_ResendCode"),
        ("verify", "CustomEmailSender_VerifyUserAttribute"),
        ("update", "CustomEmailSender_UpdateUserAttribute"),
    ],
)
def test_every_code_goes_to_the_custom_sender(kit: Kit, action: str, source: str) -> None:
    if action == "resend":
        kit.sign_up()
    else:
        tokens = kit.session()
    sender = kit.pool.trigger("CustomEmailSender", Recorder())
    if action == "forgot":
        kit.auth.forgot_password(kit.client.id, "ann")
    elif action == "resend":
        kit.auth.resend_confirmation_code(kit.client.id, "ann")
    elif action == "verify":
        kit.auth.get_user_attribute_verification_code(tokens.access_token, "email")
    else:
        kit.auth.update_user_attributes(tokens.access_token, {"email": "new@example.com"})
    assert sender.sources == [source]


def test_the_custom_sender_gets_the_temporary_password_of_an_invitation(kit: Kit) -> None:
    sender = kit.pool.trigger("CustomEmailSender", Recorder())
    kit.pool.admin_create_user(
        "bob",
        attributes={"email": "bob@example.com"},
        temporary_password="Temporary-pass-1",
        desired_delivery_mediums=["EMAIL"],
    )
    assert sender.event["triggerSource"] == "CustomEmailSender_AdminCreateUser"
    assert sender.event["request"]["code"] == "Temporary-pass-1"
    assert sender.event["callerContext"] == caller(None)


def test_a_failing_custom_sender_does_not_fail_the_call(
    kit: Kit, caplog: pytest.LogCaptureFixture
) -> None:
    kit.pool.trigger("CustomEmailSender", Recorder(error=ValueError("SES down")))
    with caplog.at_level(logging.WARNING, logger="cogkit.triggers"):
        result = kit.sign_up()
    assert result.code_delivery is not None
    assert kit.pool.admin_get_user("ann").status is UserStatus.UNCONFIRMED
    assert "CustomEmailSender failed with error SES down." in caplog.text


def test_custom_senders_configured_by_arn_need_a_kms_key(svc: Cognito) -> None:
    arn = "arn:aws:lambda:us-east-1:123456789012:function:sender"
    sender = svc.register_lambda(arn, Recorder())
    pool = svc.create_user_pool(
        "app",
        auto_verified_attributes=["email"],
        lambda_config={
            "CustomEmailSender": arn,
            "kms_key_id": "arn:aws:kms:us-east-1:123456789012:key/k",
        },
    )
    client = pool.create_client("web")
    pool.auth.sign_up(client.id, "ann", PASSWORD, {"email": "ann@example.com"})
    assert sender.sources == ["CustomEmailSender_SignUp"]

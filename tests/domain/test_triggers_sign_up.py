"""The pre sign-up and post confirmation triggers: the events they receive, what their
answers change, and that a failing one leaves nothing behind."""

from __future__ import annotations

from typing import Any

import pytest

from cogkit import Cognito, UserStatus
from cogkit.errors import (
    InvalidLambdaResponseError,
    NotAuthorizedError,
    UserLambdaValidationError,
    UserNotFoundError,
)
from tests.conftest import Kit
from tests.helpers import NEW_PASSWORD, PASSWORD, Recorder, caller, raises

REGION = "us-east-1"
AUTO_FLAGS = {"autoConfirmUser": False, "autoVerifyEmail": False, "autoVerifyPhone": False}


def envelope(kit: Kit, source: str, username: str, client_id: str | None) -> dict[str, Any]:
    return {
        "version": "1",
        "triggerSource": source,
        "region": REGION,
        "userPoolId": kit.pool.id,
        "userName": username,
        "callerContext": caller(client_id),
    }


# -- PreSignUp_SignUp --------------------------------------------------------------------


def test_pre_sign_up_receives_the_sign_up_event(kit: Kit) -> None:
    handler = kit.pool.trigger("PreSignUp", Recorder())
    kit.sign_up(attributes={"name": "Ann"})
    assert handler.event == {
        **envelope(kit, "PreSignUp_SignUp", "ann", kit.client.id),
        "request": {
            "userAttributes": {"email": "ann@example.com", "name": "Ann"},
            "validationData": None,
        },
        "response": AUTO_FLAGS,
    }


def test_pre_sign_up_receives_validation_data_and_client_metadata(kit: Kit) -> None:
    handler = kit.pool.trigger("PreSignUp", Recorder())
    kit.sign_up(
        validation_data=[{"Name": "captcha", "Value": "ok"}], client_metadata={"source": "web"}
    )
    assert handler.event["request"] == {
        "userAttributes": {"email": "ann@example.com"},
        "validationData": {"captcha": "ok"},
        "clientMetadata": {"source": "web"},
    }


def test_pre_sign_up_sees_the_generated_username_in_email_username_pools(svc: Cognito) -> None:
    pool = svc.create_user_pool("app", username_attributes=["email"])
    client = pool.create_client("web")
    handler = pool.trigger("PreSignUp", Recorder())
    sub = pool.auth.sign_up(client.id, "ann@example.com", PASSWORD).user_sub
    assert handler.event["userName"] == sub
    assert handler.event["request"]["userAttributes"] == {"email": "ann@example.com"}


def test_pre_sign_up_runs_after_the_checks_of_the_call(kit: Kit) -> None:
    handler = kit.pool.trigger("PreSignUp", Recorder())
    with pytest.raises(Exception, match="Password did not conform"):
        kit.sign_up(password="weak")
    assert handler.events == []


def test_auto_confirm_user_confirms_and_sends_no_code(kit: Kit) -> None:
    kit.pool.trigger("PreSignUp", Recorder({"autoConfirmUser": True}))
    result = kit.sign_up()
    assert result.user_confirmed is True and result.code_delivery is None
    assert kit.pool.admin_get_user("ann").status is UserStatus.CONFIRMED
    assert len(kit.svc.outbox) == 0
    assert kit.sign_in().access_token


def test_auto_confirm_does_not_verify_the_email(kit: Kit) -> None:
    kit.pool.trigger("PreSignUp", Recorder({"autoConfirmUser": True}))
    kit.sign_up()
    assert kit.pool.admin_get_user("ann").get("email_verified") is None


def test_auto_verify_email_verifies_it_and_still_sends_the_code(kit: Kit) -> None:
    kit.pool.trigger("PreSignUp", Recorder({"autoVerifyEmail": True}))
    result = kit.sign_up()
    user = kit.pool.admin_get_user("ann")
    assert user["email_verified"] == "true"
    assert user.status is UserStatus.UNCONFIRMED
    assert result.code_delivery is not None and kit.code()


def test_auto_verify_phone_verifies_the_phone(kit: Kit) -> None:
    kit.pool.trigger("PreSignUp", Recorder({"autoConfirmUser": True, "autoVerifyPhone": True}))
    kit.sign_up(attributes={"phone_number": "+15555550100"})
    user = kit.pool.admin_get_user("ann")
    assert user["phone_number_verified"] == "true" and user.get("email_verified") is None


@pytest.mark.parametrize(("flag", "attribute"), [("autoVerifyPhone", "phone_number")])
def test_auto_verify_needs_the_attribute(kit: Kit, flag: str, attribute: str) -> None:
    kit.pool.trigger("PreSignUp", Recorder({flag: True}))
    with raises(InvalidLambdaResponseError) as info:
        kit.sign_up()
    assert attribute in info.value.message
    with raises(UserNotFoundError):
        kit.pool.admin_get_user("ann")


def test_auto_verify_email_needs_an_email(svc: Cognito) -> None:
    pool = svc.create_user_pool("app")
    client = pool.create_client("web")
    pool.trigger("PreSignUp", Recorder({"autoVerifyEmail": True}))
    with raises(InvalidLambdaResponseError):
        pool.auth.sign_up(client.id, "ann", PASSWORD, {"name": "Ann"})


def test_auto_verifying_an_alias_takes_it_from_its_holder(svc: Cognito) -> None:
    pool = svc.create_user_pool("app", alias_attributes=["email"])
    client = pool.create_client("web")
    pool.admin_create_user(
        "old",
        attributes={"email": "ann@example.com", "email_verified": "true"},
        message_action="SUPPRESS",
    )
    pool.trigger("PreSignUp", Recorder({"autoConfirmUser": True, "autoVerifyEmail": True}))
    pool.auth.sign_up(client.id, "ann", PASSWORD, {"email": "ann@example.com"})
    assert pool.admin_get_user("ann@example.com").username == "ann"
    assert pool.admin_get_user("old")["email_verified"] == "false"


def test_a_raising_pre_sign_up_refuses_the_user_and_sends_nothing(kit: Kit) -> None:
    kit.pool.trigger("PreSignUp", Recorder(error=ValueError("Domain not allowed")))
    with raises(UserLambdaValidationError, "PreSignUp failed with error Domain not allowed."):
        kit.sign_up()
    with raises(UserNotFoundError):
        kit.pool.admin_get_user("ann")
    assert len(kit.svc.outbox) == 0


@pytest.mark.parametrize("answer", [None, "yes", {"response": None}])
def test_junk_from_pre_sign_up_is_an_invalid_lambda_response(kit: Kit, answer: Any) -> None:
    kit.pool.trigger("PreSignUp", lambda event, context: answer)
    with raises(InvalidLambdaResponseError, "Unrecognizable lambda output"):
        kit.sign_up()
    with raises(UserNotFoundError):
        kit.pool.admin_get_user("ann")


def test_a_flag_that_is_not_a_boolean_is_an_invalid_lambda_response(kit: Kit) -> None:
    kit.pool.trigger("PreSignUp", Recorder({"autoConfirmUser": "true"}))
    with raises(InvalidLambdaResponseError):
        kit.sign_up()
    with raises(UserNotFoundError):
        kit.pool.admin_get_user("ann")


# -- PreSignUp_AdminCreateUser ---------------------------------------------------------


def test_pre_sign_up_receives_the_admin_create_user_event(kit: Kit) -> None:
    handler = kit.pool.trigger("PreSignUp", Recorder())
    kit.pool.admin_create_user(
        "bob",
        attributes={"email": "bob@example.com"},
        validation_data={"invited_by": "ops"},
        client_metadata={"batch": "7"},
        message_action="SUPPRESS",
    )
    assert handler.event == {
        **envelope(kit, "PreSignUp_AdminCreateUser", "bob", None),
        "request": {
            "userAttributes": {"email": "bob@example.com"},
            "validationData": {"invited_by": "ops"},
            "clientMetadata": {"batch": "7"},
        },
        "response": AUTO_FLAGS,
    }


def test_admin_create_user_ignores_auto_confirm_and_auto_verify(kit: Kit) -> None:
    kit.pool.trigger("PreSignUp", Recorder({"autoConfirmUser": True, "autoVerifyEmail": True}))
    user = kit.pool.admin_create_user(
        "bob", attributes={"email": "bob@example.com"}, message_action="SUPPRESS"
    )
    assert user.status is UserStatus.FORCE_CHANGE_PASSWORD
    assert user.get("email_verified") is None


def test_a_raising_pre_sign_up_refuses_the_admin_created_user(kit: Kit) -> None:
    kit.pool.trigger("PreSignUp", Recorder(error=RuntimeError("no")))
    with raises(UserLambdaValidationError, "PreSignUp failed with error no."):
        kit.pool.admin_create_user("bob", attributes={"email": "bob@example.com"})
    with raises(UserNotFoundError):
        kit.pool.admin_get_user("bob")
    assert len(kit.svc.outbox) == 0


def test_resending_an_invitation_does_not_run_pre_sign_up(kit: Kit) -> None:
    kit.pool.admin_create_user("bob", attributes={"email": "bob@example.com"})
    handler = kit.pool.trigger("PreSignUp", Recorder())
    kit.pool.admin_create_user("bob", message_action="RESEND", desired_delivery_mediums=["EMAIL"])
    assert handler.events == []


# -- PostConfirmation ------------------------------------------------------------------


def confirmed_attributes(kit: Kit, username: str = "ann") -> dict[str, str]:
    sub = kit.pool.admin_get_user(username).sub
    return {
        "sub": sub,
        "email": f"{username}@example.com",
        "email_verified": "true",
        "cognito:user_status": "CONFIRMED",
    }


def test_post_confirmation_receives_the_confirmed_user(kit: Kit) -> None:
    handler = kit.pool.trigger("PostConfirmation", Recorder())
    kit.sign_up()
    kit.auth.confirm_sign_up(kit.client.id, "ann", kit.code(), client_metadata={"k": "v"})
    assert handler.event == {
        **envelope(kit, "PostConfirmation_ConfirmSignUp", "ann", kit.client.id),
        "request": {"userAttributes": confirmed_attributes(kit), "clientMetadata": {"k": "v"}},
        "response": {},
    }


def test_a_raising_post_confirmation_leaves_the_user_unconfirmed_with_a_usable_code(
    kit: Kit,
) -> None:
    handler = kit.pool.trigger("PostConfirmation", Recorder(error=ValueError("db down")))
    kit.sign_up()
    code = kit.code()
    with raises(UserLambdaValidationError, "PostConfirmation failed with error db down."):
        kit.auth.confirm_sign_up(kit.client.id, "ann", code)
    user = kit.pool.admin_get_user("ann")
    assert user.status is UserStatus.UNCONFIRMED and user.get("email_verified") is None
    handler.error = None
    kit.auth.confirm_sign_up(kit.client.id, "ann", code)
    assert kit.pool.admin_get_user("ann").status is UserStatus.CONFIRMED


def test_post_confirmation_runs_after_auto_confirm(kit: Kit) -> None:
    kit.pool.trigger("PreSignUp", Recorder({"autoConfirmUser": True}))
    handler = kit.pool.trigger("PostConfirmation", Recorder())
    kit.sign_up(client_metadata={"k": "v"})
    sub = kit.pool.admin_get_user("ann").sub
    assert handler.event == {
        **envelope(kit, "PostConfirmation_ConfirmSignUp", "ann", kit.client.id),
        "request": {
            "userAttributes": {
                "sub": sub,
                "email": "ann@example.com",
                "cognito:user_status": "CONFIRMED",
            },
            "clientMetadata": {"k": "v"},
        },
        "response": {},
    }


def test_a_raising_post_confirmation_after_auto_confirm_leaves_no_user(kit: Kit) -> None:
    kit.pool.trigger("PreSignUp", Recorder({"autoConfirmUser": True}))
    kit.pool.trigger("PostConfirmation", Recorder(error=ValueError("no")))
    with raises(UserLambdaValidationError):
        kit.sign_up()
    with raises(UserNotFoundError):
        kit.pool.admin_get_user("ann")
    kit.pool.trigger("PostConfirmation", Recorder())
    assert kit.sign_up().user_confirmed is True


def test_post_confirmation_runs_for_admin_confirm_sign_up(kit: Kit) -> None:
    handler = kit.pool.trigger("PostConfirmation", Recorder())
    sub = kit.sign_up().user_sub
    kit.pool.admin_confirm_sign_up("ann", client_metadata={"by": "ops"})
    assert handler.event == {
        **envelope(kit, "PostConfirmation_ConfirmSignUp", "ann", None),
        "request": {
            "userAttributes": {
                "sub": sub,
                "email": "ann@example.com",
                "cognito:user_status": "CONFIRMED",
            },
            "clientMetadata": {"by": "ops"},
        },
        "response": {},
    }


def test_a_raising_post_confirmation_leaves_admin_confirm_undone(kit: Kit) -> None:
    kit.pool.trigger("PostConfirmation", Recorder(error=ValueError("no")))
    kit.sign_up()
    with raises(UserLambdaValidationError):
        kit.pool.admin_confirm_sign_up("ann")
    assert kit.pool.admin_get_user("ann").status is UserStatus.UNCONFIRMED


def test_post_confirmation_runs_when_a_password_reset_is_confirmed(kit: Kit) -> None:
    kit.confirmed()
    handler = kit.pool.trigger("PostConfirmation", Recorder())
    kit.auth.forgot_password(kit.client.id, "ann")
    kit.auth.confirm_forgot_password(
        kit.client.id, "ann", kit.code(), NEW_PASSWORD, client_metadata={"k": "v"}
    )
    assert handler.event == {
        **envelope(kit, "PostConfirmation_ConfirmForgotPassword", "ann", kit.client.id),
        "request": {"userAttributes": confirmed_attributes(kit), "clientMetadata": {"k": "v"}},
        "response": {},
    }


def test_a_raising_post_confirmation_leaves_the_old_password_and_the_code(kit: Kit) -> None:
    kit.confirmed()
    handler = kit.pool.trigger("PostConfirmation", Recorder(error=ValueError("no")))
    kit.auth.forgot_password(kit.client.id, "ann")
    code = kit.code()
    with raises(UserLambdaValidationError):
        kit.auth.confirm_forgot_password(kit.client.id, "ann", code, NEW_PASSWORD)
    assert kit.sign_in(password=PASSWORD).access_token
    handler.error = None
    kit.auth.confirm_forgot_password(kit.client.id, "ann", code, NEW_PASSWORD)
    assert kit.sign_in(password=NEW_PASSWORD).access_token


def test_post_confirmation_does_not_run_when_confirmation_fails(kit: Kit) -> None:
    handler = kit.pool.trigger("PostConfirmation", Recorder())
    kit.sign_up()
    kit.auth.confirm_sign_up(kit.client.id, "ann", kit.code())
    with raises(NotAuthorizedError):
        kit.auth.confirm_sign_up(kit.client.id, "ann", kit.code())
    assert len(handler.events) == 1

"""The user migration trigger: users created on the fly at sign-in and at password reset."""

from __future__ import annotations

from typing import Any

import pytest

from cogkit import Cognito, UserPool, UserStatus
from cogkit.errors import (
    InvalidLambdaResponseError,
    InvalidParameterError,
    PasswordResetRequiredError,
    UserLambdaValidationError,
    UserNotFoundError,
)
from cogkit.testing.srp import SrpClient
from tests.conftest import Kit
from tests.helpers import NEW_PASSWORD, Recorder, caller, raises

OLD_PASSWORD = "legacy"  # breaks the pool's policy: migrated passwords are kept anyway
MIGRATED = {
    "userAttributes": {"email": "ann@example.com", "email_verified": "true", "name": "Ann"},
    "finalUserStatus": "CONFIRMED",
    "messageAction": "SUPPRESS",
}
EMPTY_RESPONSE = {
    "userAttributes": None,
    "finalUserStatus": None,
    "messageAction": None,
    "desiredDeliveryMediums": None,
    "forceAliasCreation": None,
    "enableSMSMFA": None,
}


def sign_in(kit: Kit, username: str = "ann", **options: Any) -> Any:
    return kit.auth.initiate(
        kit.client.id,
        "USER_PASSWORD_AUTH",
        {"USERNAME": username, "PASSWORD": OLD_PASSWORD},
        **options,
    )


def no_user(pool: UserPool, username: str = "ann") -> bool:
    try:
        pool.admin_get_user(username)
    except UserNotFoundError:
        return True
    return False


# -- at sign-in ------------------------------------------------------------------------


def test_user_migration_receives_the_typed_name_and_password(kit: Kit) -> None:
    handler = kit.pool.trigger("UserMigration", Recorder(MIGRATED))
    sign_in(kit, client_metadata={"app": "web"})
    assert handler.event == {
        "version": "1",
        "triggerSource": "UserMigration_Authentication",
        "region": "us-east-1",
        "userPoolId": kit.pool.id,
        "userName": "ann",
        "callerContext": caller(kit.client.id),
        "request": {"password": OLD_PASSWORD, "validationData": {"app": "web"}},
        "response": EMPTY_RESPONSE,
    }


def test_a_migrated_user_is_signed_in_and_kept(kit: Kit) -> None:
    handler = kit.pool.trigger("UserMigration", Recorder(MIGRATED))
    result = sign_in(kit)
    assert result.tokens is not None
    user = kit.pool.admin_get_user("ann")
    assert user.status is UserStatus.CONFIRMED
    assert user.attributes == {
        "sub": user.sub,
        "email": "ann@example.com",
        "email_verified": "true",
        "name": "Ann",
    }
    assert sign_in(kit).tokens is not None
    assert len(handler.events) == 1


def test_without_final_user_status_the_user_is_confirmed(kit: Kit) -> None:
    kit.pool.trigger("UserMigration", Recorder({"userAttributes": {"email": "ann@example.com"}}))
    assert sign_in(kit).tokens is not None
    assert kit.pool.admin_get_user("ann").status is UserStatus.CONFIRMED


def test_reset_required_users_must_reset_their_password(kit: Kit) -> None:
    kit.pool.trigger("UserMigration", Recorder({**MIGRATED, "finalUserStatus": "RESET_REQUIRED"}))
    with raises(PasswordResetRequiredError):
        sign_in(kit)
    assert kit.pool.admin_get_user("ann").status is UserStatus.RESET_REQUIRED
    kit.auth.forgot_password(kit.client.id, "ann")
    kit.auth.confirm_forgot_password(kit.client.id, "ann", kit.code(), NEW_PASSWORD)
    assert kit.sign_in(password=NEW_PASSWORD).access_token


def test_a_welcome_message_goes_out_unless_suppressed(kit: Kit) -> None:
    kit.pool.trigger(
        "UserMigration",
        Recorder(
            {
                "userAttributes": {"email": "ann@example.com", "phone_number": "+15555550100"},
                "desiredDeliveryMediums": ["EMAIL", "SMS"],
            }
        ),
    )
    sign_in(kit)
    email = kit.svc.outbox.last(to="ann@example.com")
    sms = kit.svc.outbox.last(to="+15555550100")
    assert email.text == "Your username is ann and temporary password is . "
    assert email.code is None and sms.code is None


def test_the_welcome_message_goes_by_sms_by_default(kit: Kit) -> None:
    kit.pool.trigger(
        "UserMigration",
        Recorder({"userAttributes": {"email": "ann@example.com", "phone_number": "+15555550100"}}),
    )
    sign_in(kit)
    assert [m.to for m in kit.svc.outbox] == ["+15555550100"]


def test_a_suppressed_welcome_message_is_not_sent(kit: Kit) -> None:
    kit.pool.trigger("UserMigration", Recorder({**MIGRATED, "desiredDeliveryMediums": ["EMAIL"]}))
    sign_in(kit)
    assert len(kit.svc.outbox) == 0


def test_enable_sms_mfa_enables_it(kit: Kit) -> None:
    kit.pool.trigger(
        "UserMigration",
        Recorder(
            {
                "userAttributes": {"phone_number": "+15555550100"},
                "enableSMSMFA": True,
                "messageAction": "SUPPRESS",
            }
        ),
    )
    sign_in(kit)
    assert kit.pool.admin_get_user("ann").mfa_settings == ("SMS_MFA",)


def test_force_alias_creation_takes_the_alias(svc: Cognito) -> None:
    pool = svc.create_user_pool("app", alias_attributes=["email"])
    client = pool.create_client("web", explicit_auth_flows=["ALLOW_USER_PASSWORD_AUTH"])
    pool.admin_create_user(
        "old",
        attributes={"email": "ann@example.com", "email_verified": "true"},
        message_action="SUPPRESS",
    )
    pool.trigger("UserMigration", Recorder({**MIGRATED, "forceAliasCreation": True}))
    pool.auth.initiate(client.id, "USER_PASSWORD_AUTH", USERNAME="ann", PASSWORD=OLD_PASSWORD)
    assert pool.admin_get_user("ann@example.com").username == "ann"
    assert pool.admin_get_user("old")["email_verified"] == "false"


def test_in_email_username_pools_the_migrated_user_gets_a_uuid_name(svc: Cognito) -> None:
    pool = svc.create_user_pool("app", username_attributes=["email"])
    client = pool.create_client("web", explicit_auth_flows=["ALLOW_USER_PASSWORD_AUTH"])
    handler = pool.trigger("UserMigration", Recorder(MIGRATED))
    pool.auth.initiate(
        client.id, "USER_PASSWORD_AUTH", USERNAME="ann@example.com", PASSWORD=OLD_PASSWORD
    )
    user = pool.admin_get_user("ann@example.com")
    assert user.username == user.sub and handler.event["userName"] == "ann@example.com"


def test_signing_in_with_an_email_alias_migrates_under_a_generated_name(svc: Cognito) -> None:
    pool = svc.create_user_pool("app", alias_attributes=["email"])
    client = pool.create_client("web", explicit_auth_flows=["ALLOW_USER_PASSWORD_AUTH"])
    pool.trigger("UserMigration", Recorder(MIGRATED))
    pool.auth.initiate(
        client.id, "USER_PASSWORD_AUTH", USERNAME="ann@example.com", PASSWORD=OLD_PASSWORD
    )
    user = pool.admin_get_user("ann@example.com")
    assert user.username == user.sub


def test_a_raising_user_migration_creates_nobody(kit: Kit) -> None:
    kit.pool.trigger("UserMigration", Recorder(error=ValueError("Bad password")))
    with raises(UserLambdaValidationError, "UserMigration failed with error Bad password."):
        sign_in(kit)
    assert no_user(kit.pool)


@pytest.mark.parametrize(
    "answer",
    [
        {},
        {"userAttributes": ["email"]},
        {"userAttributes": {"nickname": 3}},
        {"userAttributes": {"sub": "x"}},
        {"userAttributes": {"custom:unknown": "x"}},
        {"userAttributes": {}, "finalUserStatus": "UNCONFIRMED"},
        {"userAttributes": {}, "messageAction": "SEND"},
        {"userAttributes": {}, "desiredDeliveryMediums": ["PIGEON"]},
        {"userAttributes": {}, "forceAliasCreation": "yes"},
    ],
)
def test_an_unusable_answer_is_an_invalid_lambda_response(kit: Kit, answer: Any) -> None:
    kit.pool.trigger("UserMigration", Recorder(answer))
    with raises(InvalidLambdaResponseError):
        sign_in(kit)
    assert no_user(kit.pool)


def test_pre_authentication_sees_the_migrated_user(kit: Kit) -> None:
    kit.pool.trigger("UserMigration", Recorder(MIGRATED))
    pre = kit.pool.trigger("PreAuthentication", Recorder())
    sign_in(kit)
    assert pre.event["request"]["userAttributes"]["name"] == "Ann"
    assert pre.event["request"]["userAttributes"]["cognito:user_status"] == "CONFIRMED"


def test_a_raising_pre_authentication_leaves_no_migrated_user(kit: Kit) -> None:
    kit.pool.trigger("UserMigration", Recorder(MIGRATED))
    kit.pool.trigger("PreAuthentication", Recorder(error=ValueError("no")))
    with raises(UserLambdaValidationError):
        sign_in(kit)
    assert no_user(kit.pool)


def test_admin_password_sign_in_migrates_too(kit: Kit) -> None:
    handler = kit.pool.trigger("UserMigration", Recorder(MIGRATED))
    kit.auth.admin_initiate(
        kit.client.id, "ADMIN_USER_PASSWORD_AUTH", USERNAME="ann", PASSWORD=OLD_PASSWORD
    )
    assert handler.sources == ["UserMigration_Authentication"]


def test_srp_sign_in_does_not_migrate(kit: Kit) -> None:
    handler = kit.pool.trigger("UserMigration", Recorder(MIGRATED))
    srp = SrpClient(kit.pool.id, "ann", OLD_PASSWORD)
    with raises(UserNotFoundError):
        kit.auth.initiate(kit.client.id, "USER_SRP_AUTH", USERNAME="ann", SRP_A=srp.start())
    assert handler.events == []


def test_known_users_are_not_migrated(kit: Kit) -> None:
    kit.confirmed()
    handler = kit.pool.trigger("UserMigration", Recorder(MIGRATED))
    kit.sign_in()
    assert handler.events == []


# -- at password reset -----------------------------------------------------------------


def test_forgot_password_migrates_an_unknown_user(kit: Kit) -> None:
    handler = kit.pool.trigger("UserMigration", Recorder(MIGRATED))
    delivery = kit.auth.forgot_password(kit.client.id, "ann", client_metadata={"k": "v"})
    assert handler.event == {
        "version": "1",
        "triggerSource": "UserMigration_ForgotPassword",
        "region": "us-east-1",
        "userPoolId": kit.pool.id,
        "userName": "ann",
        "callerContext": caller(kit.client.id),
        "request": {"validationData": None, "clientMetadata": {"k": "v"}},
        "response": EMPTY_RESPONSE,
    }
    assert delivery.destination == "a***@e***"
    assert kit.pool.admin_get_user("ann").status is UserStatus.RESET_REQUIRED
    kit.auth.confirm_forgot_password(kit.client.id, "ann", kit.code(), NEW_PASSWORD)
    assert kit.pool.admin_get_user("ann").status is UserStatus.CONFIRMED
    assert kit.sign_in(password=NEW_PASSWORD).access_token


def test_a_migrated_user_without_a_verified_channel_is_not_made(kit: Kit) -> None:
    kit.pool.trigger("UserMigration", Recorder({"userAttributes": {"email": "ann@example.com"}}))
    with raises(InvalidParameterError):
        kit.auth.forgot_password(kit.client.id, "ann")
    assert no_user(kit.pool)


def test_a_raising_migration_at_reset_creates_nobody(kit: Kit) -> None:
    kit.pool.trigger("UserMigration", Recorder(error=ValueError("unknown")))
    with raises(UserLambdaValidationError):
        kit.auth.forgot_password(kit.client.id, "ann")
    assert no_user(kit.pool)


def test_a_raising_reset_message_leaves_no_migrated_user(kit: Kit) -> None:
    kit.pool.trigger("UserMigration", Recorder(MIGRATED))
    kit.pool.trigger("CustomMessage", Recorder(error=ValueError("no")))
    with raises(UserLambdaValidationError):
        kit.auth.forgot_password(kit.client.id, "ann")
    assert no_user(kit.pool)

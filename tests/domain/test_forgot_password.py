"""ForgotPassword and ConfirmForgotPassword: recovery channels, codes, masking."""

from __future__ import annotations

from typing import Any

import pytest

from cogkit import Channel, Cognito, Purpose, UserStatus
from cogkit.errors import (
    CodeMismatchError,
    ExpiredCodeError,
    InvalidParameterError,
    InvalidPasswordError,
    LimitExceededError,
    NotAuthorizedError,
    UserNotFoundError,
)
from tests.conftest import Kit
from tests.helpers import NEW_PASSWORD, PASSWORD, PASSWORD_FLOWS, raises


def _kit(svc: Cognito, **config: Any) -> Kit:
    pool = svc.create_user_pool("recovery", auto_verified_attributes=["email"], **config)
    return Kit(svc, pool, pool.create_client("web", explicit_auth_flows=list(PASSWORD_FLOWS)))


def _hidden(kit: Kit) -> str:
    return kit.pool.create_client(
        "hidden", explicit_auth_flows=list(PASSWORD_FLOWS), prevent_user_existence_errors="ENABLED"
    ).id


def _reset_code(kit: Kit, to: str = "ann@example.com") -> str:
    code = kit.svc.outbox.last(to=to, purpose=Purpose.FORGOT_PASSWORD).code
    assert code is not None
    return code


def test_forgot_password_sends_a_code_to_the_verified_email(kit: Kit) -> None:
    kit.confirmed()
    delivery = kit.auth.forgot_password(kit.client.id, "ann")
    assert (delivery.destination, delivery.delivery_medium, delivery.attribute_name) == (
        "a***@e***",
        Channel.EMAIL,
        "email",
    )
    assert _reset_code(kit).isdigit()
    assert kit.pool.admin_get_user("ann").status is UserStatus.CONFIRMED


def test_confirm_forgot_password_sets_the_new_password(kit: Kit) -> None:
    kit.confirmed()
    kit.auth.forgot_password(kit.client.id, "ann")
    kit.auth.confirm_forgot_password(kit.client.id, "ann", _reset_code(kit), NEW_PASSWORD)
    with raises(NotAuthorizedError, "Incorrect username or password."):
        kit.sign_in()
    assert kit.sign_in(password=NEW_PASSWORD).access_token
    assert kit.pool.admin_get_user("ann").status is UserStatus.CONFIRMED


def test_a_reset_code_works_once(kit: Kit) -> None:
    kit.confirmed()
    kit.auth.forgot_password(kit.client.id, "ann")
    code = _reset_code(kit)
    kit.auth.confirm_forgot_password(kit.client.id, "ann", code, NEW_PASSWORD)
    with raises(ExpiredCodeError, "Invalid code provided, please request a code again."):
        kit.auth.confirm_forgot_password(kit.client.id, "ann", code, PASSWORD)


def test_a_reset_code_expires_after_an_hour(kit: Kit) -> None:
    kit.confirmed()
    kit.auth.forgot_password(kit.client.id, "ann")
    code = _reset_code(kit)
    kit.clock.advance(3600)
    with raises(ExpiredCodeError):
        kit.auth.confirm_forgot_password(kit.client.id, "ann", code, NEW_PASSWORD)
    assert kit.sign_in().access_token


def test_a_wrong_reset_code_is_code_mismatch_and_too_many_are_limit_exceeded(kit: Kit) -> None:
    kit.confirmed()
    kit.auth.forgot_password(kit.client.id, "ann")
    code = _reset_code(kit)
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(5):
        with raises(CodeMismatchError, "Invalid verification code provided, please try again."):
            kit.auth.confirm_forgot_password(kit.client.id, "ann", wrong, NEW_PASSWORD)
    with raises(LimitExceededError):
        kit.auth.confirm_forgot_password(kit.client.id, "ann", code, NEW_PASSWORD)


def test_confirm_without_a_requested_code_is_expired_code(kit: Kit) -> None:
    kit.confirmed()
    with raises(ExpiredCodeError):
        kit.auth.confirm_forgot_password(kit.client.id, "ann", "123456", NEW_PASSWORD)


def test_the_new_password_must_meet_the_policy_and_the_code_survives(kit: Kit) -> None:
    kit.confirmed()
    kit.auth.forgot_password(kit.client.id, "ann")
    code = _reset_code(kit)
    with raises(
        InvalidPasswordError,
        "Password did not conform with policy: Password must have numeric characters",
    ):
        kit.auth.confirm_forgot_password(kit.client.id, "ann", code, "No-Numbers-Here")
    kit.auth.confirm_forgot_password(kit.client.id, "ann", code, NEW_PASSWORD)


def test_confirm_forgot_password_clears_a_lockout(kit: Kit) -> None:
    kit.confirmed()
    for _ in range(5):
        with raises(NotAuthorizedError):
            kit.sign_in(password="Wrong-horse-1")
    kit.auth.forgot_password(kit.client.id, "ann")
    kit.auth.confirm_forgot_password(kit.client.id, "ann", _reset_code(kit), NEW_PASSWORD)
    assert kit.sign_in(password=NEW_PASSWORD).access_token


# -- which channel --------------------------------------------------------------------------


def _verified_both(kit: Kit) -> None:
    kit.confirmed(attributes={"phone_number": "+14325551212"})
    kit.pool.admin_update_user_attributes("ann", {"phone_number_verified": "true"})


def test_without_a_recovery_setting_sms_is_preferred(svc: Cognito) -> None:
    kit = _kit(svc)
    _verified_both(kit)
    delivery = kit.auth.forgot_password(kit.client.id, "ann")
    assert (delivery.delivery_medium, delivery.destination) == (Channel.SMS, "+*******1212")
    assert _reset_code(kit, to="+14325551212")


def test_the_recovery_setting_orders_the_channels(svc: Cognito) -> None:
    kit = _kit(
        svc,
        account_recovery=[
            {"name": "verified_email", "priority": 1},
            {"name": "verified_phone_number", "priority": 2},
        ],
    )
    _verified_both(kit)
    assert kit.auth.forgot_password(kit.client.id, "ann").delivery_medium is Channel.EMAIL


def test_an_unverified_channel_is_skipped(svc: Cognito) -> None:
    kit = _kit(
        svc,
        account_recovery=[
            {"name": "verified_email", "priority": 1},
            {"name": "verified_phone_number", "priority": 2},
        ],
    )
    _verified_both(kit)
    kit.pool.admin_update_user_attributes("ann", {"email_verified": "false"})
    assert kit.auth.forgot_password(kit.client.id, "ann").delivery_medium is Channel.SMS


def test_no_verified_channel_is_invalid_parameter(kit: Kit) -> None:
    kit.sign_up()
    kit.pool.admin_confirm_sign_up("ann")
    with raises(
        InvalidParameterError,
        "Cannot reset password for the user as there is no registered/verified email "
        "or phone_number",
    ):
        kit.auth.forgot_password(kit.client.id, "ann")


def test_no_verified_channel_is_simulated_when_existence_is_hidden(kit: Kit) -> None:
    kit.sign_up()
    kit.pool.admin_confirm_sign_up("ann")
    kit.svc.outbox.clear()
    delivery = kit.auth.forgot_password(_hidden(kit), "ann")
    assert delivery.delivery_medium is Channel.EMAIL
    assert len(kit.svc.outbox) == 0


def test_admin_only_recovery_refuses_self_service(svc: Cognito) -> None:
    kit = _kit(svc, account_recovery=[{"name": "admin_only", "priority": 1}])
    kit.confirmed()
    with raises(NotAuthorizedError, "Contact administrator to reset password."):
        kit.auth.forgot_password(kit.client.id, "ann")
    assert len(kit.svc.outbox.find(purpose=Purpose.FORGOT_PASSWORD)) == 0


def test_admin_only_recovery_answers_alike_for_unknown_users(svc: Cognito) -> None:
    # The answer depends on the pool only, so it tells nothing about who exists.
    kit = _kit(svc, account_recovery=[{"name": "admin_only", "priority": 1}])
    kit.confirmed()
    hidden = _hidden(kit)
    for username in ("ann", "nobody"):
        with raises(NotAuthorizedError, "Contact administrator to reset password."):
            kit.auth.forgot_password(hidden, username)


# -- unknown and disabled users -----------------------------------------------------------------


def test_an_unknown_user_is_user_not_found_by_default(kit: Kit) -> None:
    with raises(UserNotFoundError, "Username/client id combination not found."):
        kit.auth.forgot_password(kit.client.id, "nobody")
    with raises(UserNotFoundError, "Username/client id combination not found."):
        kit.auth.confirm_forgot_password(kit.client.id, "nobody", "123456", NEW_PASSWORD)


def test_an_unknown_user_is_masked_when_existence_is_hidden(kit: Kit) -> None:
    hidden = _hidden(kit)
    delivery = kit.auth.forgot_password(hidden, "nobody")
    assert delivery.delivery_medium is Channel.EMAIL and delivery.destination.endswith("***")
    assert len(kit.svc.outbox) == 0
    with raises(CodeMismatchError, "Invalid verification code provided, please try again."):
        kit.auth.confirm_forgot_password(hidden, "nobody", "123456", NEW_PASSWORD)


def test_masked_delivery_looks_like_a_phone_in_sms_only_pools(svc: Cognito) -> None:
    pool = svc.create_user_pool("sms", auto_verified_attributes=["phone_number"])
    client = pool.create_client("web", prevent_user_existence_errors="ENABLED")
    delivery = pool.auth.forgot_password(client.id, "nobody")
    assert delivery.delivery_medium is Channel.SMS and delivery.attribute_name == "phone_number"


def test_a_disabled_user_cannot_reset(kit: Kit) -> None:
    kit.confirmed()
    kit.auth.forgot_password(kit.client.id, "ann")
    code = _reset_code(kit)
    kit.pool.admin_disable_user("ann")
    with raises(NotAuthorizedError, "User is disabled."):
        kit.auth.forgot_password(kit.client.id, "ann")
    with raises(NotAuthorizedError, "User is disabled."):
        kit.auth.confirm_forgot_password(kit.client.id, "ann", code, NEW_PASSWORD)


def test_a_disabled_user_looks_unknown_when_existence_is_hidden(kit: Kit) -> None:
    kit.confirmed()
    hidden = _hidden(kit)
    kit.auth.forgot_password(hidden, "ann")
    code = _reset_code(kit)
    kit.pool.admin_disable_user("ann")
    kit.svc.outbox.clear()
    assert kit.auth.forgot_password(hidden, "ann").delivery_medium is Channel.EMAIL
    assert len(kit.svc.outbox) == 0
    with raises(CodeMismatchError):
        kit.auth.confirm_forgot_password(hidden, "ann", code, NEW_PASSWORD)


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda a, c: a.forgot_password(c, ""), "username"),
        (lambda a, c: a.confirm_forgot_password(c, "ann", "", NEW_PASSWORD), "confirmation_code"),
        (
            lambda a, c: a.confirm_forgot_password(c, "ann", "12 34", NEW_PASSWORD),
            "confirmation_code",
        ),
        (lambda a, c: a.confirm_forgot_password(c, "ann", "1234", None), "password"),
        (
            lambda a, c: a.forgot_password(c, "ann", client_metadata={"k": 1}),
            "client_metadata.value",
        ),
    ],
)
def test_bad_input_is_invalid_parameter(kit: Kit, call: Any, field: str) -> None:
    kit.confirmed()
    with raises(InvalidParameterError, field=field):
        call(kit.auth, kit.client.id)
    assert kit.sign_in().access_token


def _invited(kit: Kit) -> None:
    kit.pool.admin_create_user(
        "ann",
        attributes={"email": "ann@example.com", "email_verified": "true"},
        temporary_password="Temp-pass-123",
        message_action="SUPPRESS",
    )


def test_a_user_who_must_change_the_temporary_password_cannot_reset(kit: Kit) -> None:
    _invited(kit)
    with raises(NotAuthorizedError, "User password cannot be reset in the current state."):
        kit.auth.forgot_password(kit.client.id, "ann")
    assert len(kit.svc.outbox) == 0
    assert kit.pool.admin_get_user("ann").status is UserStatus.FORCE_CHANGE_PASSWORD


def test_that_refusal_is_masked_when_existence_is_hidden(kit: Kit) -> None:
    _invited(kit)
    delivery = kit.auth.forgot_password(_hidden(kit), "ann")
    assert delivery.delivery_medium is Channel.EMAIL
    assert len(kit.svc.outbox) == 0

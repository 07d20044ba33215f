"""The admin user API: create (invitations), get, delete, enable/disable, confirm, set
password, update attributes."""

from __future__ import annotations

from typing import Any

import pytest

from cogkit import Channel, Cognito, FixedCodes, Purpose, UserPool, UserStatus
from cogkit.domain.config import PasswordPolicy
from cogkit.errors import (
    AliasExistsError,
    InvalidParameterError,
    InvalidPasswordError,
    NotAuthorizedError,
    ResourceNotFoundError,
    UnsupportedUserStateError,
    UsernameExistsError,
    UserNotFoundError,
)
from cogkit.testing import make_cognito
from tests.conftest import Kit
from tests.helpers import NEW_PASSWORD, PASSWORD, PASSWORD_FLOWS, START, raises

TEMP = "Temp-pass-123"


def _invitation(svc: Cognito, to: str) -> str:
    message = svc.outbox.last(to=to, purpose=Purpose.ADMIN_CREATE_USER)
    assert message.temporary_password is not None and message.code == message.temporary_password
    return message.temporary_password


def _challenge_or_tokens(kit: Kit, username: str, password: str) -> Any:
    return kit.auth.admin_initiate(
        kit.client.id, "ADMIN_USER_PASSWORD_AUTH", USERNAME=username, PASSWORD=password
    )


# -- admin create user ---------------------------------------------------------------------


def test_admin_create_user_makes_a_force_change_password_user(kit: Kit) -> None:
    user = kit.pool.admin_create_user(
        "ann", attributes={"email": "ann@example.com", "name": "Ann"}, temporary_password=TEMP
    )
    assert user.username == "ann" and user.status is UserStatus.FORCE_CHANGE_PASSWORD
    assert user.enabled and user["name"] == "Ann"
    assert user.created_at.timestamp() == START
    assert kit.pool.admin_get_user("ann") == user


def test_the_generated_temporary_password_meets_a_strict_policy(svc: Cognito) -> None:
    policy = {"minimum_length": 20}
    pool = svc.create_user_pool("p", password_policy=policy)
    pool.admin_create_user(
        "ann", attributes={"email": "ann@example.com"}, desired_delivery_mediums=["EMAIL"]
    )
    temporary = _invitation(svc, "ann@example.com")
    assert len(temporary) >= 20
    assert PasswordPolicy(minimum_length=20).violation(temporary) is None


def test_generated_temporary_passwords_differ(svc: Cognito) -> None:
    pool = svc.create_user_pool("p")
    for name in ("ann", "bob"):
        pool.admin_create_user(
            name, attributes={"email": f"{name}@example.com"}, desired_delivery_mediums=["EMAIL"]
        )
    assert _invitation(svc, "ann@example.com") != _invitation(svc, "bob@example.com")


def test_the_invitation_names_the_user_and_carries_the_password(kit: Kit) -> None:
    kit.pool.admin_create_user(
        "ann",
        attributes={"email": "ann@example.com"},
        temporary_password=TEMP,
        desired_delivery_mediums=["EMAIL"],
    )
    message = kit.svc.outbox.last(to="ann@example.com")
    assert message.channel is Channel.EMAIL and message.purpose is Purpose.ADMIN_CREATE_USER
    assert message.text == f"Your username is ann and temporary password is {TEMP}. "
    assert message.subject == "Your temporary password"
    assert TEMP not in repr(message)


def test_the_invitation_follows_the_pools_template(svc: Cognito) -> None:
    pool = svc.create_user_pool(
        "p", invitation={"sms_message": "Hi {username}, sign in with {####}"}
    )
    pool.admin_create_user(
        "ann", attributes={"phone_number": "+14325551212"}, temporary_password=TEMP
    )
    assert svc.outbox.last(to="+14325551212").text == f"Hi ann, sign in with {TEMP}"


def test_sms_is_the_default_medium(kit: Kit) -> None:
    kit.pool.admin_create_user(
        "ann", attributes={"email": "ann@example.com", "phone_number": "+14325551212"}
    )
    assert [m.channel for m in kit.svc.outbox] == [Channel.SMS]


def test_both_mediums_send_two_invitations(kit: Kit) -> None:
    kit.pool.admin_create_user(
        "ann",
        attributes={"email": "ann@example.com", "phone_number": "+14325551212"},
        desired_delivery_mediums=["SMS", "EMAIL"],
    )
    assert sorted(m.channel for m in kit.svc.outbox) == [Channel.EMAIL, Channel.SMS]


def test_no_invitation_goes_by_a_medium_the_user_has_no_address_for(kit: Kit) -> None:
    kit.pool.admin_create_user("ann", attributes={"email": "ann@example.com"})
    assert len(kit.svc.outbox) == 0


def test_suppress_sends_nothing(kit: Kit) -> None:
    kit.pool.admin_create_user(
        "ann",
        attributes={"email": "ann@example.com"},
        message_action="SUPPRESS",
        desired_delivery_mediums=["EMAIL"],
    )
    assert len(kit.svc.outbox) == 0
    assert kit.pool.admin_get_user("ann").status is UserStatus.FORCE_CHANGE_PASSWORD


def test_resend_gives_a_new_temporary_password(kit: Kit) -> None:
    kit.pool.admin_create_user(
        "ann", attributes={"email": "ann@example.com"}, desired_delivery_mediums=["EMAIL"]
    )
    first = _invitation(kit.svc, "ann@example.com")
    kit.pool.admin_create_user("ann", message_action="RESEND", desired_delivery_mediums=["EMAIL"])
    second = _invitation(kit.svc, "ann@example.com")
    assert first != second
    with raises(NotAuthorizedError, "Incorrect username or password."):
        _challenge_or_tokens(kit, "ann", first)
    assert _challenge_or_tokens(kit, "ann", second).challenge_name == "NEW_PASSWORD_REQUIRED"


def test_resend_for_an_unknown_user_is_user_not_found(kit: Kit) -> None:
    with raises(UserNotFoundError):
        kit.pool.admin_create_user("nobody", message_action="RESEND")


def test_resend_for_a_confirmed_user_is_unsupported_user_state(kit: Kit) -> None:
    kit.confirmed()
    with raises(UnsupportedUserStateError):
        kit.pool.admin_create_user("ann", message_action="RESEND")


def test_creating_an_existing_user_is_username_exists(kit: Kit) -> None:
    kit.pool.admin_create_user("ann", temporary_password=TEMP)
    with raises(UsernameExistsError, "User already exists"):
        kit.pool.admin_create_user("ann", temporary_password=TEMP)


def test_a_given_temporary_password_must_meet_the_policy(kit: Kit) -> None:
    with raises(
        InvalidPasswordError, "Password did not conform with policy: Password not long enough"
    ):
        kit.pool.admin_create_user("ann", temporary_password="Sh0rt!")
    with raises(UserNotFoundError):
        kit.pool.admin_get_user("ann")


def test_required_attributes_may_be_left_for_later(svc: Cognito) -> None:
    pool = svc.create_user_pool("p", schema=[{"name": "name", "required": True}])
    assert pool.admin_create_user("ann", temporary_password=TEMP).get("name") is None


def test_admins_may_set_the_verified_flags(kit: Kit) -> None:
    user = kit.pool.admin_create_user(
        "ann", attributes={"email": "ann@example.com", "email_verified": "True"}
    )
    assert user["email_verified"] == "true"


def test_email_username_pools_give_admin_created_users_a_uuid(svc: Cognito) -> None:
    pool = svc.create_user_pool("p", username_attributes=["email"])
    user = pool.admin_create_user(
        "ann@example.com", temporary_password=TEMP, desired_delivery_mediums=["EMAIL"]
    )
    assert user.username == user.sub and user["email"] == "ann@example.com"
    assert "ann@example.com" in svc.outbox.last().text


def test_admin_create_user_with_a_taken_verified_alias_is_alias_exists(svc: Cognito) -> None:
    pool = svc.create_user_pool("p", alias_attributes=["email"])
    verified = {"email": "same@example.com", "email_verified": "true"}
    pool.admin_create_user("ann", attributes=verified, temporary_password=TEMP)
    with raises(AliasExistsError, "An account with the email already exists."):
        pool.admin_create_user("bob", attributes=verified, temporary_password=TEMP)
    with raises(UserNotFoundError):
        pool.admin_get_user("bob")


def test_force_alias_creation_moves_a_verified_alias(svc: Cognito) -> None:
    pool = svc.create_user_pool("p", alias_attributes=["email"])
    verified = {"email": "same@example.com", "email_verified": "true"}
    pool.admin_create_user("ann", attributes=verified, temporary_password=TEMP)
    pool.admin_create_user(
        "bob", attributes=verified, temporary_password=TEMP, force_alias_creation=True
    )
    assert pool.admin_get_user("same@example.com").username == "bob"
    assert pool.admin_get_user("ann")["email_verified"] == "false"
    assert pool.admin_get_user("bob")["email_verified"] == "true"


@pytest.mark.parametrize(
    ("arguments", "field"),
    [
        ({"message_action": "SHOUT"}, "message_action"),
        ({"desired_delivery_mediums": ["PIGEON"]}, "desired_delivery_mediums.member"),
        ({"desired_delivery_mediums": "EMAIL"}, "desired_delivery_mediums"),
        ({"attributes": {"email": "nope"}}, "email"),
        ({"attributes": {"custom:nope": "x"}}, "user_attributes"),
        ({"attributes": "email=ann@example.com"}, "user_attributes"),
        ({"temporary_password": " padded-Pass-1 "}, "temporary_password"),
        ({"force_alias_creation": "yes"}, "force_alias_creation"),
        ({"validation_data": {"k": 1}}, "validation_data.value"),
        ({"client_metadata": ["x"]}, "client_metadata"),
    ],
)
def test_admin_create_user_refuses_bad_input_and_creates_nothing(
    kit: Kit, arguments: dict[str, Any], field: str
) -> None:
    with raises(InvalidParameterError, field=field):
        kit.pool.admin_create_user("ann", **arguments)
    with raises(UserNotFoundError):
        kit.pool.admin_get_user("ann")
    assert len(kit.svc.outbox) == 0


# -- temporary password expiry ---------------------------------------------------------------


def test_a_temporary_password_expires_after_the_pools_validity(svc: Cognito) -> None:
    pool = svc.create_user_pool("p", password_policy={"temporary_password_validity_days": 1})
    kit = Kit(svc, pool, pool.create_client("w", explicit_auth_flows=list(PASSWORD_FLOWS)))
    pool.admin_create_user("ann", temporary_password=TEMP)
    kit.clock.advance(86400 - 1)
    assert _challenge_or_tokens(kit, "ann", TEMP).challenge is not None
    kit.clock.advance(1)
    with raises(
        NotAuthorizedError,
        "Temporary password has expired and must be reset by an administrator.",
    ):
        _challenge_or_tokens(kit, "ann", TEMP)


def test_the_default_temporary_password_validity_is_seven_days(kit: Kit) -> None:
    kit.pool.admin_create_user("ann", temporary_password=TEMP)
    kit.clock.advance(7 * 86400)
    with raises(
        NotAuthorizedError, "Temporary password has expired and must be reset by an administrator."
    ):
        _challenge_or_tokens(kit, "ann", TEMP)


def test_resend_restarts_the_temporary_password_clock(kit: Kit) -> None:
    kit.pool.admin_create_user("ann", attributes={"email": "ann@example.com"})
    kit.clock.advance(6 * 86400)
    kit.pool.admin_create_user("ann", message_action="RESEND", desired_delivery_mediums=["EMAIL"])
    kit.clock.advance(2 * 86400)
    assert _challenge_or_tokens(kit, "ann", _invitation(kit.svc, "ann@example.com")).challenge


# -- get, delete, enable, disable ---------------------------------------------------------------


def test_admin_get_user_finds_by_username_verified_alias_or_sub(svc: Cognito) -> None:
    pool = svc.create_user_pool("p", alias_attributes=["email"])
    user = pool.admin_create_user(
        "ann",
        attributes={"email": "ann@example.com", "email_verified": "true"},
        temporary_password=TEMP,
    )
    assert pool.admin_get_user("ann") == pool.admin_get_user("ann@example.com") == user
    assert pool.admin_get_user(user.sub) == user


def test_admin_get_user_of_an_unknown_user_is_user_not_found(kit: Kit) -> None:
    with raises(UserNotFoundError, "User does not exist."):
        kit.pool.admin_get_user("nobody")


def test_admin_calls_on_a_deleted_pool_are_resource_not_found(kit: Kit) -> None:
    kit.pool.delete()
    with raises(ResourceNotFoundError):
        kit.pool.admin_get_user("ann")
    with raises(ResourceNotFoundError):
        kit.pool.admin_create_user("ann")


def test_admin_delete_user_removes_the_user(kit: Kit) -> None:
    kit.confirmed()
    kit.pool.admin_delete_user("ann")
    with raises(UserNotFoundError):
        kit.pool.admin_get_user("ann")
    with raises(UserNotFoundError):
        kit.pool.admin_delete_user("ann")
    assert kit.svc.store.count_users(kit.pool.id) == 0


def test_disable_and_enable_flip_the_flag_and_are_idempotent(kit: Kit) -> None:
    kit.confirmed()
    kit.clock.advance(10)
    kit.pool.admin_disable_user("ann")
    kit.pool.admin_disable_user("ann")
    user = kit.pool.admin_get_user("ann")
    assert user.enabled is False and user.modified_at.timestamp() == START + 10
    kit.pool.admin_enable_user("ann")
    kit.pool.admin_enable_user("ann")
    assert kit.pool.admin_get_user("ann").enabled is True


def test_enable_and_disable_need_an_existing_user(kit: Kit) -> None:
    with raises(UserNotFoundError):
        kit.pool.admin_disable_user("nobody")
    with raises(UserNotFoundError):
        kit.pool.admin_enable_user("nobody")


# -- confirm and set password ------------------------------------------------------------------


def test_admin_confirm_sign_up_confirms_without_verifying(kit: Kit) -> None:
    kit.sign_up()
    kit.pool.admin_confirm_sign_up("ann")
    user = kit.pool.admin_get_user("ann")
    assert user.status is UserStatus.CONFIRMED and user.get("email_verified") is None
    assert kit.svc.store.get_code(kit.pool.id, "ann", "sign_up") is None
    assert kit.sign_in().access_token


def test_admin_confirm_of_a_confirmed_user_is_not_authorized(kit: Kit) -> None:
    kit.confirmed()
    with raises(NotAuthorizedError, "User cannot be confirmed. Current status is CONFIRMED"):
        kit.pool.admin_confirm_sign_up("ann")


def test_admin_confirm_of_an_unknown_user_is_user_not_found(kit: Kit) -> None:
    with raises(UserNotFoundError):
        kit.pool.admin_confirm_sign_up("nobody")


def test_a_permanent_password_confirms_the_user(kit: Kit) -> None:
    kit.sign_up()
    kit.pool.admin_set_user_password("ann", NEW_PASSWORD, permanent=True)
    assert kit.pool.admin_get_user("ann").status is UserStatus.CONFIRMED
    assert kit.sign_in(password=NEW_PASSWORD).access_token


def test_a_temporary_password_forces_a_change_at_sign_in(kit: Kit) -> None:
    kit.confirmed()
    kit.pool.admin_set_user_password("ann", TEMP)
    assert kit.pool.admin_get_user("ann").status is UserStatus.FORCE_CHANGE_PASSWORD
    assert _challenge_or_tokens(kit, "ann", TEMP).challenge_name == "NEW_PASSWORD_REQUIRED"


def test_set_password_enforces_the_policy(kit: Kit) -> None:
    kit.confirmed()
    with raises(InvalidPasswordError):
        kit.pool.admin_set_user_password("ann", "weakpassword", permanent=True)
    assert kit.sign_in().access_token


def test_set_password_lifts_a_lockout(kit: Kit) -> None:
    kit.confirmed()
    for _ in range(5):
        with raises(NotAuthorizedError):
            kit.sign_in(password="Wrong-horse-1")
    kit.pool.admin_set_user_password("ann", NEW_PASSWORD, permanent=True)
    assert kit.sign_in(password=NEW_PASSWORD).access_token


@pytest.mark.parametrize(
    ("arguments", "field"),
    [({"password": None}, "password"), ({"password": PASSWORD, "permanent": "yes"}, "permanent")],
)
def test_set_password_refuses_bad_input(kit: Kit, arguments: dict[str, Any], field: str) -> None:
    kit.confirmed()
    with raises(InvalidParameterError, field=field):
        kit.pool.admin_set_user_password("ann", **arguments)


# -- update attributes ----------------------------------------------------------------------


def test_admin_update_changes_attributes_and_unverifies_a_new_email(kit: Kit) -> None:
    kit.confirmed()
    kit.pool.admin_update_user_attributes("ann", {"email": "new@example.com", "name": "Ann"})
    user = kit.pool.admin_get_user("ann")
    assert user["email"] == "new@example.com" and user["email_verified"] == "false"
    assert user["name"] == "Ann"


def test_admin_update_may_verify_a_new_email_at_once(kit: Kit) -> None:
    kit.confirmed()
    kit.pool.admin_update_user_attributes(
        "ann",
        [
            {"Name": "email", "Value": "new@example.com"},
            {"Name": "email_verified", "Value": "true"},
        ],
    )
    assert kit.pool.admin_get_user("ann")["email_verified"] == "true"


def test_admin_update_ignores_client_permissions_but_not_the_schema(svc: Cognito) -> None:
    pool = svc.create_user_pool("p", schema=[{"name": "plan"}, {"name": "tier", "mutable": False}])
    pool.admin_create_user("ann", attributes={"custom:tier": "gold"}, temporary_password=TEMP)
    pool.admin_update_user_attributes("ann", {"custom:plan": "pro"})
    assert pool.admin_get_user("ann")["custom:plan"] == "pro"
    with raises(InvalidParameterError):
        pool.admin_update_user_attributes("ann", {"custom:tier": "silver"})


def test_admin_update_of_an_unknown_user_is_user_not_found(kit: Kit) -> None:
    with raises(UserNotFoundError):
        kit.pool.admin_update_user_attributes("nobody", {"name": "x"})


def test_admin_update_with_a_taken_alias_is_alias_exists(svc: Cognito) -> None:
    pool = svc.create_user_pool("p", alias_attributes=["preferred_username"])
    pool.admin_create_user(
        "ann", attributes={"preferred_username": "annie"}, temporary_password=TEMP
    )
    pool.admin_create_user("bob", temporary_password=TEMP)
    with raises(AliasExistsError):
        pool.admin_update_user_attributes("bob", {"preferred_username": "annie"})
    assert pool.admin_get_user("bob").get("preferred_username") is None


def test_user_repr_hides_attributes(kit: Kit) -> None:
    kit.confirmed(attributes={"name": "Private Name"})
    assert "Private Name" not in repr(kit.pool.admin_get_user("ann"))


def test_fixed_codes_make_admin_flows_predictable() -> None:
    svc = make_cognito(codes=FixedCodes("999999"))
    pool: UserPool = svc.create_user_pool("p", auto_verified_attributes=["email"])
    pool.auth.sign_up(pool.create_client("w").id, "ann", PASSWORD, {"email": "a@b.co"})
    assert svc.outbox.last().code == "999999"

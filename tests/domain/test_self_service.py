"""Calls a signed-in user makes with an access token: GetUser, UpdateUserAttributes,
attribute verification, ChangePassword, DeleteUser."""

from __future__ import annotations

from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization

from cogkit import Channel, Cognito, FixedCodes, Purpose, UserStatus
from cogkit.errors import (
    AliasExistsError,
    CodeMismatchError,
    ExpiredCodeError,
    InvalidParameterError,
    InvalidPasswordError,
    NotAuthorizedError,
    UserNotFoundError,
)
from cogkit.testing import make_cognito
from tests.conftest import Kit
from tests.helpers import NEW_PASSWORD, PASSWORD, PASSWORD_FLOWS, START, jwt_part, raises


@pytest.fixture
def fixed_kit() -> Kit:
    """A kit whose codes are known in advance: 111111, then 222222, and so on."""
    svc = make_cognito(codes=FixedCodes(["111111", "222222", "333333", "444444"]))
    pool = svc.create_user_pool("p", auto_verified_attributes=["email"])
    return Kit(svc, pool, pool.create_client("web", explicit_auth_flows=list(PASSWORD_FLOWS)))


# -- get user and the access-token gate -------------------------------------------------------


def test_get_user_returns_the_signed_in_user(kit: Kit) -> None:
    tokens = kit.session()
    user = kit.auth.get_user(tokens.access_token)
    assert user.username == "ann" and user.status is UserStatus.CONFIRMED
    assert user["email"] == "ann@example.com" and user["email_verified"] == "true"
    assert user["sub"] == user.sub
    assert user.get("phone_number") is None
    assert user.created_at.timestamp() == START


def test_an_expired_access_token_is_refused(kit: Kit) -> None:
    tokens = kit.session()
    kit.clock.advance(3600)
    with raises(NotAuthorizedError, "Access Token has expired"):
        kit.auth.get_user(tokens.access_token)


def test_an_id_token_is_not_an_access_token(kit: Kit) -> None:
    tokens = kit.session()
    with raises(NotAuthorizedError, "Invalid Access Token"):
        kit.auth.get_user(tokens.id_token)


@pytest.mark.parametrize("token", ["garbage", "a.b.c", "eyJ.eyJ.sig"])
def test_garbage_is_an_invalid_access_token(kit: Kit, token: str) -> None:
    with raises(NotAuthorizedError, "Invalid Access Token"):
        kit.auth.get_user(token)


@pytest.mark.parametrize("token", [None, 42, "", "not a token"])
def test_an_access_token_of_the_wrong_shape_is_invalid_parameter(kit: Kit, token: Any) -> None:
    with raises(InvalidParameterError, field="access_token"):
        kit.auth.get_user(token)


def test_a_token_from_another_pool_is_invalid(kit: Kit, svc: Cognito) -> None:
    other = svc.create_user_pool("other", auto_verified_attributes=["email"])
    tokens = Kit(
        svc, other, other.create_client("w", explicit_auth_flows=list(PASSWORD_FLOWS))
    ).session()
    with raises(NotAuthorizedError, "Invalid Access Token"):
        kit.auth.get_user(tokens.access_token)


def _resign(kit: Kit, token: str, **changes: Any) -> str:
    record = next(
        k for k in kit.svc.store.list_signing_keys(kit.pool.id) if k.use == "access" and k.active
    )
    key = serialization.load_pem_private_key(record.private_pem.encode(), None)
    claims = {**jwt_part(token, 1), **changes}
    return jwt.encode(claims, key, algorithm="RS256", headers={"kid": record.kid})  # type: ignore[arg-type]


def test_an_access_token_without_the_admin_scope_is_refused(kit: Kit) -> None:
    tokens = kit.session()
    narrow = _resign(kit, tokens.access_token, scope="openid email")
    with raises(NotAuthorizedError, "Access Token does not have required scopes"):
        kit.auth.get_user(narrow)


def test_a_token_of_a_deleted_client_is_invalid(kit: Kit) -> None:
    tokens = kit.session()
    kit.pool.delete_client(kit.client.id)
    with raises(NotAuthorizedError, "Invalid Access Token"):
        kit.auth.get_user(tokens.access_token)


def test_a_disabled_users_token_is_refused(kit: Kit) -> None:
    tokens = kit.session()
    kit.pool.admin_disable_user("ann")
    with raises(NotAuthorizedError, "User is disabled."):
        kit.auth.get_user(tokens.access_token)


def test_a_deleted_users_token_finds_no_user(kit: Kit) -> None:
    tokens = kit.session()
    kit.pool.admin_delete_user("ann")
    with raises(UserNotFoundError, "User does not exist."):
        kit.auth.get_user(tokens.access_token)


def test_a_new_user_of_the_same_name_does_not_inherit_old_tokens(kit: Kit) -> None:
    client = kit.pool.create_client(
        "norevoke", explicit_auth_flows=list(PASSWORD_FLOWS), enable_token_revocation=False
    )
    kit.confirmed()
    old = kit.sign_in(client=client)
    kit.pool.admin_delete_user("ann")
    kit.confirmed()
    with raises(UserNotFoundError, "User does not exist."):
        kit.auth.get_user(old.access_token)


# -- update attributes ---------------------------------------------------------------------


def test_update_user_attributes_changes_them(kit: Kit) -> None:
    tokens = kit.session()
    kit.clock.advance(5)
    deliveries = kit.auth.update_user_attributes(
        tokens.access_token, [{"Name": "name", "Value": "Annie"}]
    )
    user = kit.pool.admin_get_user("ann")
    assert deliveries == []
    assert user["name"] == "Annie"
    assert user.modified_at.timestamp() == START + 5


def test_a_new_email_is_unverified_and_gets_a_code(fixed_kit: Kit) -> None:
    tokens = fixed_kit.session()
    deliveries = fixed_kit.auth.update_user_attributes(
        tokens.access_token, {"email": "new@example.com"}
    )
    user = fixed_kit.pool.admin_get_user("ann")
    assert user["email"] == "new@example.com" and user["email_verified"] == "false"
    assert [(d.destination, d.delivery_medium, d.attribute_name) for d in deliveries] == [
        ("n***@e***", Channel.EMAIL, "email")
    ]
    message = fixed_kit.svc.outbox.last(to="new@example.com")
    assert message.purpose is Purpose.UPDATE_USER_ATTRIBUTE and message.code == "222222"
    fixed_kit.auth.verify_user_attribute(tokens.access_token, "email", "222222")
    assert fixed_kit.pool.admin_get_user("ann")["email_verified"] == "true"


def test_setting_the_same_email_keeps_it_verified(kit: Kit) -> None:
    tokens = kit.session()
    assert kit.auth.update_user_attributes(tokens.access_token, {"email": "ann@example.com"}) == []
    assert kit.pool.admin_get_user("ann")["email_verified"] == "true"


def test_a_new_email_without_auto_verification_is_just_unverified(svc: Cognito) -> None:
    pool = svc.create_user_pool("p")
    kit = Kit(svc, pool, pool.create_client("w", explicit_auth_flows=list(PASSWORD_FLOWS)))
    kit.sign_up()
    pool.admin_confirm_sign_up("ann")
    pool.admin_update_user_attributes("ann", {"email_verified": "true"})
    tokens = kit.sign_in()
    assert kit.auth.update_user_attributes(tokens.access_token, {"email": "new@example.com"}) == []
    assert pool.admin_get_user("ann")["email_verified"] == "false"


def test_verification_before_update_keeps_the_old_email_until_verified() -> None:
    svc = make_cognito(codes=FixedCodes(["111111", "222222"]))
    pool = svc.create_user_pool(
        "p",
        auto_verified_attributes=["email"],
        attributes_require_verification_before_update=["email"],
    )
    kit = Kit(svc, pool, pool.create_client("w", explicit_auth_flows=list(PASSWORD_FLOWS)))
    tokens = kit.session()
    kit.auth.update_user_attributes(tokens.access_token, {"email": "new@example.com"})
    user = pool.admin_get_user("ann")
    assert user["email"] == "ann@example.com" and user["email_verified"] == "true"
    assert svc.outbox.last().to == "new@example.com"
    kit.auth.verify_user_attribute(tokens.access_token, "email", "222222")
    user = pool.admin_get_user("ann")
    assert user["email"] == "new@example.com" and user["email_verified"] == "true"


def test_an_immutable_attribute_cannot_be_updated(svc: Cognito) -> None:
    pool = svc.create_user_pool(
        "p", auto_verified_attributes=["email"], schema=[{"name": "nickname", "mutable": False}]
    )
    kit = Kit(svc, pool, pool.create_client("w", explicit_auth_flows=list(PASSWORD_FLOWS)))
    kit.confirmed(attributes={"nickname": "annie"})
    with raises(
        InvalidParameterError,
        "Attributes did not conform to the schema: nickname: "
        "Attribute cannot be updated. (changing an immutable attribute)",
    ):
        kit.auth.update_user_attributes(kit.sign_in().access_token, {"nickname": "ann"})
    assert pool.admin_get_user("ann")["nickname"] == "annie"


def test_updating_an_unknown_attribute_is_refused(kit: Kit) -> None:
    tokens = kit.session()
    with raises(InvalidParameterError):
        kit.auth.update_user_attributes(tokens.access_token, {"custom:nope": "x"})


def test_updating_to_a_malformed_email_is_refused(kit: Kit) -> None:
    tokens = kit.session()
    with raises(InvalidParameterError, "Invalid email address format."):
        kit.auth.update_user_attributes(tokens.access_token, {"email": "nope"})
    assert kit.pool.admin_get_user("ann")["email"] == "ann@example.com"


def test_taking_another_users_email_in_an_email_username_pool_is_alias_exists(
    svc: Cognito,
) -> None:
    pool = svc.create_user_pool("p", username_attributes=["email"])
    client = pool.create_client("w", explicit_auth_flows=list(PASSWORD_FLOWS))
    for email in ("ann@example.com", "bob@example.com"):
        pool.auth.sign_up(client.id, email, PASSWORD)
        pool.admin_confirm_sign_up(email)
    tokens = pool.auth.initiate(
        client.id, "USER_PASSWORD_AUTH", USERNAME="ann@example.com", PASSWORD=PASSWORD
    ).tokens
    assert tokens is not None
    with raises(AliasExistsError, "An account with the given email already exists."):
        pool.auth.update_user_attributes(tokens.access_token, {"email": "bob@example.com"})
    assert pool.admin_get_user("ann@example.com")["email"] == "ann@example.com"


def test_a_changed_email_becomes_the_sign_in_name_of_an_email_username_pool(svc: Cognito) -> None:
    pool = svc.create_user_pool("p", username_attributes=["email"])
    client = pool.create_client("w", explicit_auth_flows=list(PASSWORD_FLOWS))
    pool.auth.sign_up(client.id, "ann@example.com", PASSWORD)
    pool.admin_confirm_sign_up("ann@example.com")
    tokens = pool.auth.initiate(
        client.id, "USER_PASSWORD_AUTH", USERNAME="ann@example.com", PASSWORD=PASSWORD
    ).tokens
    assert tokens is not None
    pool.auth.update_user_attributes(tokens.access_token, {"email": "annie@example.com"})
    with raises(UserNotFoundError):
        pool.admin_get_user("ann@example.com")
    result = pool.auth.initiate(
        client.id, "USER_PASSWORD_AUTH", USERNAME="annie@example.com", PASSWORD=PASSWORD
    )
    assert result.tokens is not None


# -- attribute verification ---------------------------------------------------------------


def test_a_verification_code_can_be_requested_again(fixed_kit: Kit) -> None:
    tokens = fixed_kit.session()
    fixed_kit.auth.update_user_attributes(tokens.access_token, {"email": "new@example.com"})
    delivery = fixed_kit.auth.get_user_attribute_verification_code(tokens.access_token, "email")
    assert delivery.destination == "n***@e***"
    message = fixed_kit.svc.outbox.last()
    assert (message.to, message.purpose, message.code) == (
        "new@example.com",
        Purpose.VERIFY_USER_ATTRIBUTE,
        "333333",
    )
    with raises(CodeMismatchError):
        fixed_kit.auth.verify_user_attribute(tokens.access_token, "email", "222222")
    fixed_kit.auth.verify_user_attribute(tokens.access_token, "email", "333333")
    assert fixed_kit.pool.admin_get_user("ann")["email_verified"] == "true"


def test_only_email_and_phone_can_be_verified(kit: Kit) -> None:
    tokens = kit.session()
    with raises(InvalidParameterError, field="attribute_name"):
        kit.auth.get_user_attribute_verification_code(tokens.access_token, "name")
    with raises(InvalidParameterError, field="attribute_name"):
        kit.auth.verify_user_attribute(tokens.access_token, "name", "123456")


def test_verifying_an_attribute_the_user_lacks_is_refused(kit: Kit) -> None:
    tokens = kit.session()
    with raises(InvalidParameterError, field="attribute_name"):
        kit.auth.get_user_attribute_verification_code(tokens.access_token, "phone_number")


def test_verifying_without_a_code_sent_is_expired_code(kit: Kit) -> None:
    tokens = kit.session()
    with raises(ExpiredCodeError):
        kit.auth.verify_user_attribute(tokens.access_token, "email", "123456")


def test_attribute_codes_expire_after_24_hours(fixed_kit: Kit) -> None:
    tokens = fixed_kit.session()
    fixed_kit.auth.get_user_attribute_verification_code(tokens.access_token, "email")
    fixed_kit.clock.advance(24 * 3600)
    refreshed = fixed_kit.auth.initiate(
        fixed_kit.client.id, "REFRESH_TOKEN_AUTH", REFRESH_TOKEN=tokens.refresh_token or ""
    ).tokens
    assert refreshed is not None
    with raises(ExpiredCodeError):
        fixed_kit.auth.verify_user_attribute(refreshed.access_token, "email", "222222")


# -- change password -------------------------------------------------------------------------


def test_change_password_replaces_the_password(kit: Kit) -> None:
    tokens = kit.session()
    kit.auth.change_password(tokens.access_token, NEW_PASSWORD, PASSWORD)
    with raises(NotAuthorizedError, "Incorrect username or password."):
        kit.sign_in()
    assert kit.sign_in(password=NEW_PASSWORD).access_token


def test_change_password_needs_the_current_password(kit: Kit) -> None:
    tokens = kit.session()
    with raises(NotAuthorizedError, "Incorrect username or password."):
        kit.auth.change_password(tokens.access_token, NEW_PASSWORD, "Wrong-horse-1")
    assert kit.sign_in().access_token


def test_wrong_current_passwords_count_toward_lockout(kit: Kit) -> None:
    tokens = kit.session()
    for _ in range(5):
        with raises(NotAuthorizedError, "Incorrect username or password."):
            kit.auth.change_password(tokens.access_token, NEW_PASSWORD, "Wrong-horse-1")
    with raises(NotAuthorizedError, "Password attempts exceeded"):
        kit.auth.change_password(tokens.access_token, NEW_PASSWORD, PASSWORD)


def test_change_password_enforces_the_policy(kit: Kit) -> None:
    tokens = kit.session()
    with raises(
        InvalidPasswordError, "Password did not conform with policy: Password not long enough"
    ):
        kit.auth.change_password(tokens.access_token, "Sh0rt!", PASSWORD)
    assert kit.sign_in().access_token


def test_change_password_without_the_previous_one_is_invalid_parameter(kit: Kit) -> None:
    tokens = kit.session()
    with raises(InvalidParameterError, field="previous_password"):
        kit.auth.change_password(tokens.access_token, NEW_PASSWORD)


def test_change_password_refuses_a_proposed_password_outside_the_model(kit: Kit) -> None:
    tokens = kit.session()
    with raises(InvalidParameterError, field="proposed_password"):
        kit.auth.change_password(tokens.access_token, " padded-Password-1 ", PASSWORD)


def test_existing_tokens_keep_working_after_a_password_change(kit: Kit) -> None:
    tokens = kit.session()
    kit.auth.change_password(tokens.access_token, NEW_PASSWORD, PASSWORD)
    assert kit.auth.get_user(tokens.access_token).username == "ann"


# -- delete user -----------------------------------------------------------------------------


def test_delete_user_removes_the_user_and_frees_the_name(kit: Kit) -> None:
    tokens = kit.session()
    kit.auth.delete_user(tokens.access_token)
    with raises(UserNotFoundError):
        kit.pool.admin_get_user("ann")
    with raises(UserNotFoundError, "User does not exist."):
        kit.auth.get_user(tokens.access_token)
    with raises(NotAuthorizedError, "Invalid Refresh Token"):
        kit.auth.initiate(
            kit.client.id, "REFRESH_TOKEN_AUTH", REFRESH_TOKEN=tokens.refresh_token or ""
        )
    kit.sign_up()
    assert kit.pool.admin_get_user("ann").status is UserStatus.UNCONFIRMED


@pytest.mark.parametrize(
    ("attribute", "message"),
    [("email", "Invalid email address format."), ("phone_number", "Invalid phone number format.")],
)
def test_an_empty_email_or_phone_is_not_an_address(kit: Kit, attribute: str, message: str) -> None:
    tokens = kit.session()
    outbox = len(kit.svc.outbox)
    with raises(InvalidParameterError, message, field=attribute):
        kit.auth.update_user_attributes(tokens.access_token, {attribute: ""})
    with raises(InvalidParameterError, message, field=attribute):
        kit.pool.admin_update_user_attributes("ann", {attribute: ""})
    assert kit.pool.admin_get_user("ann")["email"] == "ann@example.com"
    assert len(kit.svc.outbox) == outbox

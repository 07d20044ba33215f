"""Custom attributes, attribute deletion, administrator password resets, tags, CSV header."""

from __future__ import annotations

import pytest

from cogkit import UserStatus
from cogkit.errors import (
    InvalidParameterError,
    NotAuthorizedError,
    PasswordResetRequiredError,
    UserNotFoundError,
)
from tests.conftest import Kit
from tests.helpers import NEW_PASSWORD, PASSWORD, raises


def test_custom_attributes_are_added_with_their_prefix(kit: Kit) -> None:
    kit.pool.add_custom_attributes([{"name": "plan", "max_length": 10}])
    added = kit.pool.config.attribute("custom:plan")
    assert added is not None
    assert added.max_length == 10
    assert added.required is False


def test_added_custom_attributes_can_be_written_by_admins(kit: Kit) -> None:
    kit.confirmed()
    kit.pool.add_custom_attributes([{"name": "plan"}])
    kit.pool.admin_update_user_attributes("ann", {"custom:plan": "pro"})
    assert kit.pool.admin_get_user("ann")["custom:plan"] == "pro"


def test_an_existing_name_cannot_be_added_again(kit: Kit) -> None:
    kit.pool.add_custom_attributes([{"name": "plan"}])
    with raises(InvalidParameterError, "Existing attribute already has name custom:plan."):
        kit.pool.add_custom_attributes([{"name": "plan"}])


def test_required_custom_attributes_are_refused(kit: Kit) -> None:
    with raises(InvalidParameterError, "Required custom attributes are not supported currently."):
        kit.pool.add_custom_attributes([{"name": "plan", "required": True}])
    assert kit.pool.config.attribute("custom:plan") is None


def test_at_most_fifty_custom_attributes(kit: Kit) -> None:
    kit.pool.add_custom_attributes([{"name": f"a{i}"} for i in range(25)])
    kit.pool.add_custom_attributes([{"name": f"b{i}"} for i in range(25)])
    with raises(InvalidParameterError, "A user pool can have at most 50 custom attributes."):
        kit.pool.add_custom_attributes([{"name": "one_more"}])


@pytest.mark.parametrize("count", [0, 26])
def test_one_call_adds_one_to_twenty_five(kit: Kit, count: int) -> None:
    with raises(InvalidParameterError, field="custom_attributes"):
        kit.pool.add_custom_attributes([{"name": f"a{i}"} for i in range(count)])


def test_duplicates_in_one_call_are_refused(kit: Kit) -> None:
    with raises(InvalidParameterError, "custom_attributes contains duplicates"):
        kit.pool.add_custom_attributes([{"name": "a"}, {"name": "a"}])


def test_custom_attributes_must_be_a_list(kit: Kit) -> None:
    with raises(InvalidParameterError, field="custom_attributes"):
        kit.pool.add_custom_attributes({"name": "a"})  # type: ignore[arg-type]


def test_csv_header_lists_the_schema_then_cognitos_columns(kit: Kit) -> None:
    kit.pool.add_custom_attributes([{"name": "plan"}])
    header = kit.pool.csv_header()
    assert header[0] == "name"
    assert "sub" not in header
    assert header[-3:] == ["custom:plan", "cognito:mfa_enabled", "cognito:username"]


def test_admin_deletes_attributes(kit: Kit) -> None:
    kit.confirmed(attributes={"name": "Ann"})
    kit.pool.admin_delete_user_attributes("ann", ["name"])
    assert kit.pool.admin_get_user("ann").get("name") is None


def test_deleting_email_drops_its_verified_flag_and_alias(kit: Kit) -> None:
    pool = kit.svc.create_user_pool(
        "aliases", alias_attributes=["email"], auto_verified_attributes=["email"]
    )
    client = pool.create_client("c", explicit_auth_flows=["ALLOW_USER_PASSWORD_AUTH"])
    pool.auth.sign_up(client.id, "ann", PASSWORD, {"email": "ann@example.com"})
    pool.auth.confirm_sign_up(client.id, "ann", kit.code())
    pool.admin_delete_user_attributes("ann", ["email"])
    user = pool.admin_get_user("ann")
    assert user.get("email") is None
    assert user.get("email_verified") is None
    with raises(UserNotFoundError):
        pool.admin_get_user("ann@example.com")


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("sub", "Cannot delete the required attribute sub."),
        (
            "custom:nope",
            "Attributes did not conform to the schema: custom:nope: Attribute does "
            "not exist in the schema.",
        ),
    ],
)
def test_some_attributes_cannot_be_deleted(kit: Kit, name: str, message: str) -> None:
    kit.confirmed()
    with raises(InvalidParameterError, message):
        kit.pool.admin_delete_user_attributes("ann", [name])


def test_required_attributes_cannot_be_deleted(kit: Kit) -> None:
    pool = kit.svc.create_user_pool("req", schema=[{"name": "name", "required": True}])
    pool.admin_create_user("ann", attributes={"name": "Ann"}, message_action="SUPPRESS")
    with raises(InvalidParameterError, "Cannot delete the required attribute name."):
        pool.admin_delete_user_attributes("ann", ["name"])


def test_the_sign_in_email_cannot_be_deleted(kit: Kit) -> None:
    pool = kit.svc.create_user_pool("emails", username_attributes=["email"])
    pool.admin_create_user("ann@example.com", message_action="SUPPRESS")
    with raises(InvalidParameterError, field="user_attribute_names"):
        pool.admin_delete_user_attributes("ann@example.com", ["email"])


def test_users_delete_their_own_attributes(kit: Kit) -> None:
    tokens = kit.session()
    kit.pool.admin_update_user_attributes("ann", {"name": "Ann"})
    kit.auth.delete_user_attributes(tokens.access_token, ["name"])
    assert kit.pool.admin_get_user("ann").get("name") is None


def test_users_cannot_delete_attributes_their_client_may_not_write(kit: Kit) -> None:
    kit.confirmed(attributes={"name": "Ann"})
    narrow = kit.pool.create_client(
        "narrow",
        explicit_auth_flows=["ALLOW_USER_PASSWORD_AUTH"],
        write_attributes=["email"],
        read_attributes=["email"],
    )
    tokens = kit.sign_in(client=narrow)
    with raises(NotAuthorizedError, "A client attempted to write unauthorized attribute"):
        kit.auth.delete_user_attributes(tokens.access_token, ["name"])
    assert kit.pool.admin_get_user("ann")["name"] == "Ann"


def test_admin_reset_requires_a_reset_and_sends_a_code(kit: Kit) -> None:
    kit.confirmed()
    kit.pool.admin_reset_user_password("ann")
    assert kit.pool.admin_get_user("ann").status is UserStatus.RESET_REQUIRED
    with raises(PasswordResetRequiredError, "Password reset required for the user"):
        kit.sign_in()
    code = kit.svc.outbox.last(to="ann@example.com", purpose="ForgotPassword").code
    assert code is not None
    kit.auth.confirm_forgot_password(kit.client.id, "ann", code, NEW_PASSWORD)
    assert kit.pool.admin_get_user("ann").status is UserStatus.CONFIRMED
    assert kit.sign_in(password=NEW_PASSWORD).access_token


def test_admin_reset_needs_a_verified_channel(kit: Kit) -> None:
    kit.pool.admin_create_user(
        "bob", attributes={"email": "bob@example.com"}, message_action="SUPPRESS"
    )
    with raises(InvalidParameterError, field="username"):
        kit.pool.admin_reset_user_password("bob")
    assert kit.pool.admin_get_user("bob").status is UserStatus.FORCE_CHANGE_PASSWORD


def test_admin_reset_is_refused_with_admin_only_recovery(kit: Kit) -> None:
    pool = kit.svc.create_user_pool(
        "admin-only", account_recovery=[{"name": "admin_only", "priority": 1}]
    )
    pool.admin_create_user(
        "ann",
        attributes={"email": "ann@example.com", "email_verified": "true"},
        message_action="SUPPRESS",
    )
    with pytest.raises(NotAuthorizedError):
        pool.admin_reset_user_password("ann")


def test_admin_reset_of_an_unknown_user_is_user_not_found(kit: Kit) -> None:
    with raises(UserNotFoundError, "User does not exist."):
        kit.pool.admin_reset_user_password("ghost")


def test_tags_are_added_replaced_and_removed(kit: Kit) -> None:
    kit.pool.tag({"team": "auth", "env": "dev"})
    kit.pool.tag({"env": "prod"})
    assert kit.pool.tags == {"team": "auth", "env": "prod"}
    kit.pool.untag(["team", "unknown"])
    assert kit.pool.tags == {"env": "prod"}


def test_at_most_fifty_tags(kit: Kit) -> None:
    kit.pool.tag({f"k{i}": "v" for i in range(50)})
    with raises(InvalidParameterError, "A user pool can have at most 50 tags"):
        kit.pool.tag({"one": "more"})


def test_delivery_configuration_is_kept(kit: Kit) -> None:
    pool = kit.svc.create_user_pool("ses", email_configuration={"EmailSendingAccount": "DEVELOPER"})
    assert pool.config.email_configuration == {"EmailSendingAccount": "DEVELOPER"}
    with raises(InvalidParameterError, field="sms_configuration"):
        kit.svc.create_user_pool("bad", sms_configuration="sns")

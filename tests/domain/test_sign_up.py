"""Sign-up, confirmation of sign-up and resending the confirmation code."""

from __future__ import annotations

import re
from typing import Any

import pytest

from cogkit import Channel, Cognito, Purpose, UserPool, UserStatus
from cogkit.errors import (
    AliasExistsError,
    CodeMismatchError,
    ExpiredCodeError,
    InvalidParameterError,
    InvalidPasswordError,
    LimitExceededError,
    NotAuthorizedError,
    UsernameExistsError,
    UserNotFoundError,
)
from tests.conftest import Kit
from tests.helpers import PASSWORD, PASSWORD_FLOWS, POLICY_VIOLATIONS, raises

# -- sign-up -------------------------------------------------------------------------------


def test_sign_up_creates_an_unconfirmed_user(kit: Kit) -> None:
    result = kit.sign_up(attributes={"name": "Ann"})
    user = kit.pool.admin_get_user("ann")
    assert result.user_confirmed is False
    assert result.user_sub == user.sub
    assert user.status is UserStatus.UNCONFIRMED and user.enabled
    assert user["email"] == "ann@example.com" and user["name"] == "Ann"


def test_sign_up_gives_every_user_a_uuid_sub(kit: Kit) -> None:
    first = kit.sign_up("ann").user_sub
    second = kit.sign_up("bob", email="bob@example.com").user_sub
    assert first != second
    assert re.fullmatch(
        r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", first
    )


def test_sign_up_sends_a_six_digit_code_to_the_auto_verified_email(kit: Kit) -> None:
    kit.sign_up()
    message = kit.svc.outbox.last(to="ann@example.com")
    assert message.channel is Channel.EMAIL and message.purpose is Purpose.SIGN_UP
    assert message.code is not None and re.fullmatch(r"\d{6}", message.code)
    assert message.code in message.text
    assert message.subject == "Your verification code"
    assert message.pool_id == kit.pool.id and message.username == "ann"


def test_code_delivery_details_are_masked(kit: Kit) -> None:
    delivery = kit.sign_up().code_delivery
    assert delivery is not None
    assert delivery.destination == "a***@e***"
    assert delivery.delivery_medium is Channel.EMAIL
    assert delivery.attribute_name == "email"


def test_sms_is_preferred_when_phone_and_email_are_auto_verified(svc: Cognito) -> None:
    pool = svc.create_user_pool("p", auto_verified_attributes=["email", "phone_number"])
    client = pool.create_client("web")
    result = pool.auth.sign_up(
        client.id, "ann", PASSWORD, {"email": "ann@example.com", "phone_number": "+14325551212"}
    )
    assert result.code_delivery is not None
    assert result.code_delivery.destination == "+*******1212"
    assert result.code_delivery.delivery_medium is Channel.SMS
    assert svc.outbox.last(to="+14325551212").channel is Channel.SMS


def test_without_auto_verification_no_code_is_sent(svc: Cognito) -> None:
    pool = svc.create_user_pool("p")
    result = pool.auth.sign_up(pool.create_client("web").id, "ann", PASSWORD, {"email": "a@b.co"})
    assert result.code_delivery is None
    assert len(svc.outbox) == 0


def test_sign_up_uses_the_pools_verification_template(svc: Cognito) -> None:
    pool = svc.create_user_pool(
        "p",
        auto_verified_attributes=["email"],
        verification={"email_message": "Welcome! Code {####}.", "email_subject": "Hello"},
    )
    pool.auth.sign_up(pool.create_client("web").id, "ann", PASSWORD, {"email": "a@b.co"})
    message = svc.outbox.last(to="a@b.co")
    assert message.text == f"Welcome! Code {message.code}."
    assert message.subject == "Hello"


def test_the_code_is_kept_only_as_a_digest(kit: Kit) -> None:
    kit.sign_up()
    code = kit.code()
    stored = kit.svc.store.get_code(kit.pool.id, "ann", "sign_up")
    assert stored is not None
    assert code not in repr(stored) and code not in stored.digest


def test_attributes_may_be_given_as_name_value_pairs(kit: Kit) -> None:
    kit.auth.sign_up(
        kit.client.id,
        "ann",
        PASSWORD,
        [{"Name": "email", "Value": "ann@example.com"}, {"name": "name", "value": "Ann"}],
    )
    assert kit.pool.admin_get_user("ann")["name"] == "Ann"


@pytest.mark.parametrize(("password", "message"), POLICY_VIOLATIONS)
def test_sign_up_enforces_the_password_policy_one_rule_at_a_time(
    kit: Kit, password: str, message: str
) -> None:
    with raises(InvalidPasswordError, message):
        kit.sign_up(password=password)
    with raises(UserNotFoundError):
        kit.pool.admin_get_user("ann")
    assert len(kit.svc.outbox) == 0


@pytest.mark.parametrize("password", [" Leading-space-1", "Trailing-space-1 ", "x" * 257, ""])
def test_sign_up_refuses_passwords_outside_the_model(kit: Kit, password: str) -> None:
    with raises(InvalidParameterError, field="password"):
        kit.sign_up(password=password)


def test_password_errors_never_echo_the_password(kit: Kit) -> None:
    with raises(InvalidParameterError) as info:
        kit.sign_up(password=" Secret-value-9")
    assert "Secret-value-9" not in info.value.message


@pytest.mark.parametrize(
    ("attributes", "message"),
    [
        ({"nickname": "x" * 2049}, None),
        (
            {"birthdate": "1990-1-1"},
            "Attributes did not conform to the schema: birthdate: "
            "String must be no fewer than 10 characters",
        ),
        (
            {"updated_at": "yesterday"},
            "Attributes did not conform to the schema: updated_at: Number is not valid",
        ),
        (
            {"favourite": "blue"},
            "Attributes did not conform to the schema: favourite: "
            "Attribute does not exist in the schema.",
        ),
        (
            {"sub": "mine"},
            "Attributes did not conform to the schema: sub: "
            "Attribute cannot be updated. (changing an immutable attribute)",
        ),
    ],
)
def test_sign_up_checks_attributes_against_the_schema(
    kit: Kit, attributes: dict[str, str], message: str | None
) -> None:
    with raises(InvalidParameterError, message):
        kit.sign_up(attributes=attributes)
    with raises(UserNotFoundError):
        kit.pool.admin_get_user("ann")


@pytest.mark.parametrize(
    "email", ["not-an-email", "two@@example.com", "a@b", "spaced out@example.com"]
)
def test_sign_up_refuses_a_malformed_email(kit: Kit, email: str) -> None:
    with raises(InvalidParameterError, "Invalid email address format.", field="email"):
        kit.sign_up(email=email)


@pytest.mark.parametrize("phone", ["4325551212", "+1 432 555 1212", "+1-432-555-1212", "+12"])
def test_sign_up_refuses_a_phone_number_not_in_e164(kit: Kit, phone: str) -> None:
    with raises(InvalidParameterError, "Invalid phone number format.", field="phone_number"):
        kit.sign_up(attributes={"phone_number": phone})


def test_sign_up_needs_every_required_attribute(svc: Cognito) -> None:
    pool = svc.create_user_pool("p", schema=[{"name": "name", "required": True}])
    client = pool.create_client("web")
    with raises(
        InvalidParameterError,
        "Attributes did not conform to the schema: name: The attribute is required",
    ):
        pool.auth.sign_up(client.id, "ann", PASSWORD, {"email": "a@b.co"})
    pool.auth.sign_up(client.id, "ann", PASSWORD, {"name": "Ann"})
    assert pool.admin_get_user("ann")["name"] == "Ann"


@pytest.mark.parametrize(
    ("schema", "attributes", "reason"),
    [
        (
            {"name": "plan", "min_length": 3},
            {"custom:plan": "ab"},
            "String must be no fewer than 3 characters",
        ),
        (
            {"name": "plan", "max_length": 3},
            {"custom:plan": "abcd"},
            "String must be no longer than 3 characters",
        ),
        (
            {"name": "age", "data_type": "Number", "min_value": 18},
            {"custom:age": "17"},
            "Number must be no less than 18",
        ),
        (
            {"name": "age", "data_type": "Number", "max_value": 99},
            {"custom:age": "100"},
            "Number must be no greater than 99",
        ),
        ({"name": "age", "data_type": "Number"}, {"custom:age": "12.5"}, "Number is not valid"),
        ({"name": "vip", "data_type": "Boolean"}, {"custom:vip": "yes"}, "Boolean is not valid"),
        (
            {"name": "joined", "data_type": "DateTime"},
            {"custom:joined": "last week"},
            "DateTime is not valid",
        ),
    ],
)
def test_custom_attribute_constraints_are_enforced(
    svc: Cognito, schema: dict[str, Any], attributes: dict[str, str], reason: str
) -> None:
    pool = svc.create_user_pool("p", schema=[schema])
    client = pool.create_client("web", write_attributes=list(attributes))
    name = next(iter(attributes))
    with raises(
        InvalidParameterError, f"Attributes did not conform to the schema: {name}: {reason}"
    ):
        pool.auth.sign_up(client.id, "ann", PASSWORD, attributes)


def test_custom_attribute_values_that_fit_are_stored_as_strings(svc: Cognito) -> None:
    pool = svc.create_user_pool(
        "p",
        schema=[
            {"name": "age", "data_type": "Number", "min_value": 0, "max_value": 150},
            {"name": "vip", "data_type": "Boolean"},
            {"name": "joined", "data_type": "DateTime"},
        ],
    )
    client = pool.create_client(
        "web", write_attributes=["custom:age", "custom:vip", "custom:joined"]
    )
    pool.auth.sign_up(
        client.id,
        "ann",
        PASSWORD,
        {"custom:age": "42", "custom:vip": "TRUE", "custom:joined": "2024-01-02T03:04:05Z"},
    )
    user = pool.admin_get_user("ann")
    assert (user["custom:age"], user["custom:vip"], user["custom:joined"]) == (
        "42",
        "true",
        "2024-01-02T03:04:05Z",
    )


def test_a_taken_username_is_username_exists(kit: Kit) -> None:
    kit.sign_up()
    with raises(UsernameExistsError, "User already exists"):
        kit.sign_up(email="other@example.com")


def test_usernames_are_case_sensitive_by_default(kit: Kit) -> None:
    kit.sign_up("ann")
    kit.sign_up("Ann", email="ann2@example.com")
    assert kit.pool.admin_get_user("Ann").username == "Ann"
    assert kit.pool.admin_get_user("ann").username == "ann"


def test_case_insensitive_pools_treat_usernames_alike(svc: Cognito) -> None:
    pool = svc.create_user_pool("p", case_sensitive=False)
    client = pool.create_client("web")
    pool.auth.sign_up(client.id, "Ann", PASSWORD)
    with raises(UsernameExistsError, "User already exists"):
        pool.auth.sign_up(client.id, "aNN", PASSWORD)
    assert pool.admin_get_user("ANN").username == "Ann"


def test_sign_up_is_refused_when_only_admins_may_create_users(svc: Cognito) -> None:
    pool = svc.create_user_pool("p", allow_admin_create_user_only=True)
    with raises(NotAuthorizedError, "SignUp is not permitted for this user pool"):
        pool.auth.sign_up(pool.create_client("web").id, "ann", PASSWORD)


@pytest.mark.parametrize("username", ["", "has space", "tab\there", "x" * 129, 42, None])
def test_usernames_are_1_to_128_printable_characters(kit: Kit, username: Any) -> None:
    with raises(InvalidParameterError, field="username"):
        kit.sign_up(username=username)


def test_usernames_may_use_any_script(kit: Kit) -> None:
    kit.sign_up("zoë_李", email="zoe@example.com")
    assert kit.pool.admin_get_user("zoë_李").username == "zoë_李"


# -- email as username ------------------------------------------------------------------------


@pytest.fixture
def email_pool(svc: Cognito) -> UserPool:
    return svc.create_user_pool(
        "email", username_attributes=["email"], auto_verified_attributes=["email"]
    )


def test_email_as_username_gives_the_user_a_uuid_username(email_pool: UserPool) -> None:
    client = email_pool.create_client("web")
    result = email_pool.auth.sign_up(client.id, "ann@example.com", PASSWORD)
    user = email_pool.admin_get_user("ann@example.com")
    assert user.username == user.sub == result.user_sub
    assert user["email"] == "ann@example.com"


def test_email_as_username_refuses_a_username_that_is_not_an_email(email_pool: UserPool) -> None:
    client = email_pool.create_client("web")
    with raises(InvalidParameterError, "Username should be an email.", field="username"):
        email_pool.auth.sign_up(client.id, "ann", PASSWORD)


def test_phone_as_username_refuses_an_email(svc: Cognito) -> None:
    pool = svc.create_user_pool("p", username_attributes=["phone_number"])
    with raises(InvalidParameterError, "Username should be a phone number."):
        pool.auth.sign_up(pool.create_client("web").id, "ann@example.com", PASSWORD)


def test_email_or_phone_as_username_accepts_either(svc: Cognito) -> None:
    pool = svc.create_user_pool("p", username_attributes=["email", "phone_number"])
    client = pool.create_client("web")
    pool.auth.sign_up(client.id, "+14325551212", PASSWORD)
    assert pool.admin_get_user("+14325551212")["phone_number"] == "+14325551212"
    with raises(InvalidParameterError, "Username should be either an email or a phone number."):
        pool.auth.sign_up(client.id, "ann", PASSWORD)


def test_email_as_username_refuses_a_different_email_attribute(email_pool: UserPool) -> None:
    client = email_pool.create_client("web")
    with raises(InvalidParameterError, field="user_attributes"):
        email_pool.auth.sign_up(client.id, "ann@example.com", PASSWORD, {"email": "b@example.com"})


def test_a_taken_email_username_is_username_exists_naming_the_email(email_pool: UserPool) -> None:
    client = email_pool.create_client("web")
    email_pool.auth.sign_up(client.id, "ann@example.com", PASSWORD)
    with raises(UsernameExistsError, "An account with the given email already exists."):
        email_pool.auth.sign_up(client.id, "ann@example.com", PASSWORD)


# -- alias pools ------------------------------------------------------------------------------


@pytest.fixture
def alias_pool(svc: Cognito) -> UserPool:
    return svc.create_user_pool(
        "alias",
        alias_attributes=["email", "phone_number", "preferred_username"],
        auto_verified_attributes=["email"],
    )


def test_alias_pools_refuse_usernames_that_look_like_an_email(alias_pool: UserPool) -> None:
    client = alias_pool.create_client("web")
    with raises(
        InvalidParameterError,
        "Username cannot be of email format, since user pool is configured for email alias.",
        field="username",
    ):
        alias_pool.auth.sign_up(client.id, "ann@example.com", PASSWORD)


def test_alias_pools_refuse_usernames_that_look_like_a_phone_number(alias_pool: UserPool) -> None:
    client = alias_pool.create_client("web")
    with raises(InvalidParameterError, field="username"):
        alias_pool.auth.sign_up(client.id, "+14325551212", PASSWORD)


def test_unverified_emails_may_be_shared_in_alias_pools(alias_pool: UserPool) -> None:
    client = alias_pool.create_client("web")
    alias_pool.auth.sign_up(client.id, "ann", PASSWORD, {"email": "same@example.com"})
    alias_pool.auth.sign_up(client.id, "bob", PASSWORD, {"email": "same@example.com"})
    assert alias_pool.admin_get_user("bob")["email"] == "same@example.com"


def test_a_preferred_username_alias_cannot_be_given_at_sign_up(alias_pool: UserPool) -> None:
    client = alias_pool.create_client("web")
    with raises(
        InvalidParameterError,
        "Preferred username cannot be provided for unconfirmed account, since user pool is "
        "configured for preferred username alias.",
        field="user_attributes",
    ):
        alias_pool.auth.sign_up(client.id, "ann", PASSWORD, {"preferred_username": "annie"})
    assert list(alias_pool.list_users()) == []


def test_a_preferred_username_alias_is_set_once_confirmed_and_is_unique(
    alias_pool: UserPool, svc: Cognito
) -> None:
    client = alias_pool.create_client("web", explicit_auth_flows=list(PASSWORD_FLOWS))
    for name in ("ann", "bob"):
        code = _alias_sign_up(alias_pool, svc, name, f"{name}@example.com")
        alias_pool.auth.confirm_sign_up(client.id, name, code)
    alias_pool.admin_update_user_attributes("ann", {"preferred_username": "annie"})
    with raises(AliasExistsError):
        alias_pool.admin_update_user_attributes("bob", {"preferred_username": "annie"})
    result = alias_pool.auth.initiate(
        client.id, "USER_PASSWORD_AUTH", USERNAME="annie", PASSWORD=PASSWORD
    )
    assert result.tokens is not None
    assert alias_pool.verify(result.tokens.access_token)["username"] == "ann"


# -- confirm sign-up --------------------------------------------------------------------------


def test_confirm_sign_up_confirms_and_verifies_the_email(kit: Kit) -> None:
    kit.sign_up()
    kit.auth.confirm_sign_up(kit.client.id, "ann", kit.code())
    user = kit.pool.admin_get_user("ann")
    assert user.status is UserStatus.CONFIRMED
    assert user["email_verified"] == "true"


def test_confirm_by_sms_code_verifies_the_phone(svc: Cognito) -> None:
    pool = svc.create_user_pool("p", auto_verified_attributes=["phone_number"])
    client = pool.create_client("web")
    pool.auth.sign_up(client.id, "ann", PASSWORD, {"phone_number": "+14325551212"})
    code = svc.outbox.last(to="+14325551212").code
    assert code is not None
    pool.auth.confirm_sign_up(client.id, "ann", code)
    assert pool.admin_get_user("ann")["phone_number_verified"] == "true"


def test_a_wrong_code_is_code_mismatch_and_changes_nothing(kit: Kit) -> None:
    kit.sign_up()
    wrong = "000000" if kit.code() != "000000" else "111111"
    with raises(CodeMismatchError, "Invalid verification code provided, please try again."):
        kit.auth.confirm_sign_up(kit.client.id, "ann", wrong)
    assert kit.pool.admin_get_user("ann").status is UserStatus.UNCONFIRMED


def test_the_code_expires_after_24_hours(kit: Kit) -> None:
    kit.sign_up()
    code = kit.code()
    kit.clock.advance(24 * 3600)
    with raises(ExpiredCodeError, "Invalid code provided, please request a code again."):
        kit.auth.confirm_sign_up(kit.client.id, "ann", code)


def test_the_code_still_works_just_before_24_hours(kit: Kit) -> None:
    kit.sign_up()
    code = kit.code()
    kit.clock.advance(24 * 3600 - 1)
    kit.auth.confirm_sign_up(kit.client.id, "ann", code)
    assert kit.pool.admin_get_user("ann").status is UserStatus.CONFIRMED


def test_too_many_wrong_codes_is_limit_exceeded_even_for_the_right_code(kit: Kit) -> None:
    kit.sign_up()
    code = kit.code()
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(5):
        with raises(CodeMismatchError):
            kit.auth.confirm_sign_up(kit.client.id, "ann", wrong)
    with raises(LimitExceededError, "Attempt limit exceeded, please try after some time."):
        kit.auth.confirm_sign_up(kit.client.id, "ann", code)
    assert kit.pool.admin_get_user("ann").status is UserStatus.UNCONFIRMED


def test_a_resent_code_resets_the_attempt_limit(kit: Kit) -> None:
    kit.sign_up()
    wrong = "000000" if kit.code() != "000000" else "111111"
    for _ in range(5):
        with raises(CodeMismatchError):
            kit.auth.confirm_sign_up(kit.client.id, "ann", wrong)
    kit.auth.resend_confirmation_code(kit.client.id, "ann")
    kit.auth.confirm_sign_up(kit.client.id, "ann", kit.code())
    assert kit.pool.admin_get_user("ann").status is UserStatus.CONFIRMED


def test_confirming_twice_is_not_authorized(kit: Kit) -> None:
    kit.confirmed()
    with raises(NotAuthorizedError, "User cannot be confirmed. Current status is CONFIRMED"):
        kit.auth.confirm_sign_up(kit.client.id, "ann", "123456")


def test_a_code_is_used_up_by_confirmation(kit: Kit) -> None:
    kit.sign_up()
    code = kit.code()
    kit.auth.confirm_sign_up(kit.client.id, "ann", code)
    assert kit.svc.store.get_code(kit.pool.id, "ann", "sign_up") is None


def test_confirming_an_unknown_user_is_user_not_found_by_default(kit: Kit) -> None:
    with raises(UserNotFoundError, "Username/client id combination not found."):
        kit.auth.confirm_sign_up(kit.client.id, "nobody", "123456")


def test_confirming_an_unknown_user_is_code_mismatch_when_existence_is_hidden(kit: Kit) -> None:
    client = kit.pool.create_client("web2", prevent_user_existence_errors="ENABLED")
    with raises(CodeMismatchError, "Invalid verification code provided, please try again."):
        kit.auth.confirm_sign_up(client.id, "nobody", "123456")


def test_confirming_without_a_code_ever_sent_is_expired_code(svc: Cognito) -> None:
    pool = svc.create_user_pool("p")
    client = pool.create_client("web")
    pool.auth.sign_up(client.id, "ann", PASSWORD)
    with raises(ExpiredCodeError):
        pool.auth.confirm_sign_up(client.id, "ann", "123456")


def test_confirm_in_email_username_pools_takes_the_email(
    email_pool: UserPool, svc: Cognito
) -> None:
    client = email_pool.create_client("web")
    email_pool.auth.sign_up(client.id, "ann@example.com", PASSWORD)
    code = svc.outbox.last(to="ann@example.com").code
    assert code is not None
    email_pool.auth.confirm_sign_up(client.id, "ann@example.com", code)
    assert email_pool.admin_get_user("ann@example.com").status is UserStatus.CONFIRMED


# -- aliases made by confirmation ---------------------------------------------------------------


def _alias_sign_up(pool: UserPool, svc: Cognito, username: str, email: str) -> str:
    client = pool.create_client(username)
    pool.auth.sign_up(client.id, username, PASSWORD, {"email": email})
    code = svc.outbox.last(username=username).code
    assert code is not None
    return code


def test_a_confirmed_email_becomes_a_sign_in_alias(alias_pool: UserPool, svc: Cognito) -> None:
    client = alias_pool.create_client("web", explicit_auth_flows=list(PASSWORD_FLOWS))
    alias_pool.auth.sign_up(client.id, "ann", PASSWORD, {"email": "ann@example.com"})
    with raises(UserNotFoundError):
        alias_pool.admin_get_user("ann@example.com")
    alias_pool.auth.confirm_sign_up(client.id, "ann", svc.outbox.last().code or "")
    assert alias_pool.admin_get_user("ann@example.com").username == "ann"
    result = alias_pool.auth.initiate(
        client.id, "USER_PASSWORD_AUTH", USERNAME="ann@example.com", PASSWORD=PASSWORD
    )
    assert result.tokens is not None


def test_confirming_an_email_another_user_verified_is_alias_exists(
    alias_pool: UserPool, svc: Cognito
) -> None:
    client = alias_pool.create_client("web")
    code = _alias_sign_up(alias_pool, svc, "ann", "same@example.com")
    alias_pool.auth.confirm_sign_up(client.id, "ann", code)
    code = _alias_sign_up(alias_pool, svc, "bob", "same@example.com")
    with raises(AliasExistsError, "An account with the email already exists."):
        alias_pool.auth.confirm_sign_up(client.id, "bob", code)
    assert alias_pool.admin_get_user("bob").status is UserStatus.UNCONFIRMED
    assert alias_pool.admin_get_user("same@example.com").username == "ann"


def test_force_alias_creation_moves_the_alias_and_unverifies_the_old_owner(
    alias_pool: UserPool, svc: Cognito
) -> None:
    client = alias_pool.create_client("web")
    code = _alias_sign_up(alias_pool, svc, "ann", "same@example.com")
    alias_pool.auth.confirm_sign_up(client.id, "ann", code)
    code = _alias_sign_up(alias_pool, svc, "bob", "same@example.com")
    alias_pool.auth.confirm_sign_up(client.id, "bob", code, force_alias_creation=True)
    assert alias_pool.admin_get_user("same@example.com").username == "bob"
    assert alias_pool.admin_get_user("ann")["email_verified"] == "false"
    assert alias_pool.admin_get_user("bob")["email_verified"] == "true"


# -- resend ------------------------------------------------------------------------------------


def test_resend_sends_a_new_code_and_the_old_one_stops_working(svc: Cognito) -> None:
    from cogkit import FixedCodes
    from cogkit.testing import make_cognito

    svc = make_cognito(codes=FixedCodes(["111111", "222222"]))
    pool = svc.create_user_pool("p", auto_verified_attributes=["email"])
    client = pool.create_client("web")
    pool.auth.sign_up(client.id, "ann", PASSWORD, {"email": "ann@example.com"})
    delivery = pool.auth.resend_confirmation_code(client.id, "ann")
    assert delivery.destination == "a***@e***" and delivery.attribute_name == "email"
    message = svc.outbox.last()
    assert (message.code, message.purpose) == ("222222", Purpose.RESEND_CODE)
    with raises(CodeMismatchError):
        pool.auth.confirm_sign_up(client.id, "ann", "111111")
    pool.auth.confirm_sign_up(client.id, "ann", "222222")


def test_resend_for_a_confirmed_user_is_refused(kit: Kit) -> None:
    kit.confirmed()
    with raises(InvalidParameterError, "User is already confirmed."):
        kit.auth.resend_confirmation_code(kit.client.id, "ann")


def test_resend_for_an_unknown_user_is_user_not_found_by_default(kit: Kit) -> None:
    with raises(UserNotFoundError, "Username/client id combination not found."):
        kit.auth.resend_confirmation_code(kit.client.id, "nobody")


def test_resend_for_an_unknown_user_is_simulated_when_existence_is_hidden(kit: Kit) -> None:
    client = kit.pool.create_client("web2", prevent_user_existence_errors="ENABLED")
    delivery = kit.auth.resend_confirmation_code(client.id, "nobody")
    assert delivery.delivery_medium is Channel.EMAIL
    assert delivery.destination.endswith("***")
    assert len(kit.svc.outbox) == 0


def test_resend_without_auto_verification_is_refused(svc: Cognito) -> None:
    pool = svc.create_user_pool("p")
    client = pool.create_client("web")
    pool.auth.sign_up(client.id, "ann", PASSWORD, {"email": "a@b.co"})
    with raises(
        InvalidParameterError, "Auto verification not turned on for the user's attributes."
    ):
        pool.auth.resend_confirmation_code(client.id, "ann")


def test_sign_up_result_reprs_carry_no_code(kit: Kit) -> None:
    result = kit.sign_up()
    assert kit.code() not in repr(result)


def test_datetime_attributes_take_iso_dates_or_epoch_seconds(svc: Cognito) -> None:
    pool = svc.create_user_pool("p", schema=[{"name": "joined", "data_type": "DateTime"}])
    client = pool.create_client("web", write_attributes=["custom:joined"])
    pool.auth.sign_up(client.id, "ann", PASSWORD, {"custom:joined": "1700000000"})
    pool.auth.sign_up(client.id, "bob", PASSWORD, {"custom:joined": "2024-02-29"})
    assert pool.admin_get_user("ann")["custom:joined"] == "1700000000"
    assert pool.admin_get_user("bob")["custom:joined"] == "2024-02-29"

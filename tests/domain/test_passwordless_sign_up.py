"""Passwordless sign-up: who may sign up without a password, and how such a user signs in,
gets a password and is handled by every path that knows passwords."""

from __future__ import annotations

import io

import pytest

from cogkit import AuthFactor, ChallengeName, Cognito, UserStatus
from cogkit.errors import (
    InvalidParameterError,
    InvalidPasswordError,
    NotAuthorizedError,
    UserNotFoundError,
)
from cogkit.stores import MemoryStore
from cogkit.stores.transfer import export_store, import_store
from cogkit.testing.srp import SrpClient
from tests.domain.conftest import PHONE, MfaKit, mfa_pool
from tests.helpers import NEW_PASSWORD, PASSWORD, Recorder, raises

EVERY_FACTOR = {"allowed_first_auth_factors": ["PASSWORD", "EMAIL_OTP", "SMS_OTP"]}
PASSWORD_ONLY = {"allowed_first_auth_factors": ["PASSWORD"]}
REFUSED = "Password is required for sign-up in this user pool."


@pytest.fixture
def pkit(svc: Cognito) -> MfaKit:
    """A pool allowing email and SMS codes as first factors (email auto-verified) and a
    client allowing USER_AUTH."""
    return mfa_pool(svc, sign_in_policy=EVERY_FACTOR)


def passwordless(kit: MfaKit, username: str = "ann") -> str:
    """Signs up and confirms a passwordless user; returns ConfirmSignUp's session."""
    kit.sign_up(username, None, email=f"{username}@example.com")
    return kit.auth.confirm_sign_up(kit.client.id, username, kit.code(f"{username}@example.com"))


def email_code_sign_in(kit: MfaKit, username: str = "ann") -> str:
    """Signs in with an emailed code; returns the access token."""
    started = kit.auth.initiate(
        kit.client.id, "USER_AUTH", USERNAME=username, PREFERRED_CHALLENGE="EMAIL_OTP"
    )
    assert started.challenge_name is ChallengeName.EMAIL_OTP
    done = kit.auth.respond(
        kit.client.id,
        "EMAIL_OTP",
        session=started.session,
        USERNAME=username,
        EMAIL_OTP_CODE=kit.code(f"{username}@example.com"),
    )
    assert done.tokens is not None
    return done.tokens.access_token


# -- who may sign up without a password ------------------------------------------------


def test_a_sign_up_without_a_password_makes_a_user_without_one(pkit: MfaKit) -> None:
    result = pkit.sign_up("ann", None)
    assert not result.user_confirmed
    assert result.code_delivery is not None
    stored = pkit.svc.store.get_user(pkit.pool.id, "ann")
    assert stored is not None
    assert stored.password_hash is None
    assert "srp" not in stored.extra


def test_a_blank_password_also_makes_a_passwordless_user(pkit: MfaKit) -> None:
    pkit.sign_up("ann", "")
    stored = pkit.svc.store.get_user(pkit.pool.id, "ann")
    assert stored is not None
    assert stored.password_hash is None


def test_a_phone_number_qualifies_where_sms_codes_are_allowed_and_phones_verified(
    svc: Cognito,
) -> None:
    kit = mfa_pool(
        svc,
        sign_in_policy={"allowed_first_auth_factors": ["PASSWORD", "SMS_OTP"]},
        auto_verified_attributes=["phone_number"],
    )
    result = kit.sign_up("ann", None, {"phone_number": PHONE}, email=None)
    assert result.code_delivery is not None
    assert result.code_delivery.attribute_name == "phone_number"


def test_passwordless_sign_up_is_refused_without_a_code_first_factor(svc: Cognito) -> None:
    kit = mfa_pool(svc, sign_in_policy=PASSWORD_ONLY)
    with raises(InvalidParameterError, REFUSED, field="password"):
        kit.sign_up("ann", None)
    with raises(UserNotFoundError):
        kit.pool.admin_get_user("ann")
    assert len(kit.svc.outbox) == 0


def test_passwordless_sign_up_is_refused_through_a_client_without_user_auth(
    pkit: MfaKit,
) -> None:
    client = pkit.pool.create_client("legacy", explicit_auth_flows=["ALLOW_USER_SRP_AUTH"])
    with raises(InvalidParameterError, REFUSED):
        pkit.sign_up("ann", None, client=client)
    with raises(UserNotFoundError):
        pkit.pool.admin_get_user("ann")


def test_passwordless_sign_up_needs_an_address_for_an_allowed_code_factor(
    pkit: MfaKit,
) -> None:
    with raises(InvalidParameterError, REFUSED):
        pkit.sign_up("ann", None, email=None)


def test_passwordless_sign_up_needs_the_address_to_be_auto_verified(svc: Cognito) -> None:
    # SMS codes are allowed but the pool verifies only emails: a phone number is no way in.
    kit = mfa_pool(svc, sign_in_policy={"allowed_first_auth_factors": ["PASSWORD", "SMS_OTP"]})
    with raises(InvalidParameterError, REFUSED):
        kit.sign_up("ann", None, {"phone_number": PHONE})


def test_pre_sign_up_gets_the_validation_data_of_a_passwordless_sign_up(pkit: MfaKit) -> None:
    handler = pkit.pool.trigger("PreSignUp", Recorder())
    pkit.sign_up("ann", None, validation_data={"captcha": "ok"})
    assert handler.event["request"]["validationData"] == {"captcha": "ok"}
    assert handler.event["request"]["userAttributes"] == {"email": "ann@example.com"}


def test_a_refused_passwordless_sign_up_runs_no_trigger(svc: Cognito) -> None:
    kit = mfa_pool(svc, sign_in_policy=PASSWORD_ONLY)
    handler = kit.pool.trigger("PreSignUp", Recorder())
    with raises(InvalidParameterError):
        kit.sign_up("ann", None)
    assert handler.events == []


def test_a_password_that_is_not_a_string_is_still_invalid(pkit: MfaKit) -> None:
    with raises(InvalidParameterError, field="password"):
        pkit.auth.sign_up(pkit.client.id, "ann", 5, {"email": "ann@example.com"})  # type: ignore[arg-type]


# -- signing in ------------------------------------------------------------------------


def test_a_passwordless_user_signs_in_with_an_emailed_code(pkit: MfaKit) -> None:
    passwordless(pkit)
    started = pkit.auth.initiate(pkit.client.id, "USER_AUTH", USERNAME="ann")
    assert started.challenge is not None
    assert started.challenge.available == (ChallengeName.EMAIL_OTP,)
    assert email_code_sign_in(pkit)


@pytest.mark.parametrize("flow", ["USER_PASSWORD_AUTH", "ADMIN_USER_PASSWORD_AUTH"])
def test_password_sign_in_fails_for_a_passwordless_user(pkit: MfaKit, flow: str) -> None:
    passwordless(pkit)
    initiate = pkit.auth.admin_initiate if flow.startswith("ADMIN") else pkit.auth.initiate
    with raises(NotAuthorizedError, "Incorrect username or password."):
        initiate(pkit.client.id, flow, USERNAME="ann", PASSWORD=PASSWORD)


def test_srp_sign_in_fails_for_a_passwordless_user_at_the_verifier(pkit: MfaKit) -> None:
    passwordless(pkit)
    srp = SrpClient(pkit.pool.id, "ann", PASSWORD)
    started = pkit.auth.initiate(pkit.client.id, "USER_SRP_AUTH", srp.auth_parameters())
    assert started.challenge is not None
    assert started.challenge_name is ChallengeName.PASSWORD_VERIFIER
    with raises(NotAuthorizedError, "Incorrect username or password."):
        pkit.auth.respond(
            pkit.client.id,
            "PASSWORD_VERIFIER",
            srp.respond(dict(started.challenge.parameters), pkit.clock.now()),
        )


def test_a_preferred_password_is_not_offered_to_a_passwordless_user(pkit: MfaKit) -> None:
    passwordless(pkit)
    started = pkit.auth.initiate(
        pkit.client.id,
        "USER_AUTH",
        USERNAME="ann",
        PREFERRED_CHALLENGE="PASSWORD",
        PASSWORD=PASSWORD,
    )
    assert started.challenge_name is ChallengeName.SELECT_CHALLENGE
    with raises(InvalidParameterError, field="ANSWER"):
        pkit.auth.respond(
            pkit.client.id,
            "SELECT_CHALLENGE",
            session=started.session,
            USERNAME="ann",
            ANSWER="PASSWORD",
            PASSWORD=PASSWORD,
        )


def test_user_auth_factors_of_a_passwordless_user_are_its_codes(pkit: MfaKit) -> None:
    passwordless(pkit)
    factors = pkit.auth.get_user_auth_factors(email_code_sign_in(pkit))
    assert factors.configured_factors == (AuthFactor.EMAIL_OTP,)


# -- getting a password ----------------------------------------------------------------


def test_change_password_without_a_previous_one_gives_a_passwordless_user_one(
    pkit: MfaKit,
) -> None:
    passwordless(pkit)
    access = email_code_sign_in(pkit)
    pkit.auth.change_password(access, NEW_PASSWORD)
    assert pkit.sign_in("ann", NEW_PASSWORD).access_token
    factors = pkit.auth.get_user_auth_factors(access).configured_factors
    assert factors == (AuthFactor.PASSWORD, AuthFactor.EMAIL_OTP)


def test_change_password_then_needs_the_previous_one(pkit: MfaKit) -> None:
    passwordless(pkit)
    access = email_code_sign_in(pkit)
    pkit.auth.change_password(access, PASSWORD)
    with raises(InvalidParameterError, field="previous_password"):
        pkit.auth.change_password(access, NEW_PASSWORD)
    assert pkit.sign_in("ann", PASSWORD).access_token


def test_change_password_with_a_previous_one_fails_for_a_passwordless_user(
    pkit: MfaKit,
) -> None:
    passwordless(pkit)
    access = email_code_sign_in(pkit)
    with raises(NotAuthorizedError, "Incorrect username or password."):
        pkit.auth.change_password(access, NEW_PASSWORD, PASSWORD)
    stored = pkit.svc.store.get_user(pkit.pool.id, "ann")
    assert stored is not None and stored.password_hash is None


def test_change_password_of_a_passwordless_user_keeps_the_policy(pkit: MfaKit) -> None:
    passwordless(pkit)
    access = email_code_sign_in(pkit)
    with raises(
        InvalidPasswordError, "Password did not conform with policy: Password not long enough"
    ):
        pkit.auth.change_password(access, "Sh0rt!")


def test_admin_set_user_password_gives_a_passwordless_user_one(pkit: MfaKit) -> None:
    passwordless(pkit)
    pkit.pool.admin_set_user_password("ann", PASSWORD, permanent=True)
    assert pkit.sign_in().access_token


def test_a_password_reset_gives_a_passwordless_user_one(pkit: MfaKit) -> None:
    passwordless(pkit)
    pkit.auth.forgot_password(pkit.client.id, "ann")
    pkit.auth.confirm_forgot_password(pkit.client.id, "ann", pkit.code(), PASSWORD)
    assert pkit.sign_in().access_token


# -- admin reads and store moves -------------------------------------------------------


def test_admin_get_user_and_list_users_show_a_passwordless_user(pkit: MfaKit) -> None:
    passwordless(pkit)
    user = pkit.pool.admin_get_user("ann")
    assert user.status is UserStatus.CONFIRMED
    assert user.attributes["email_verified"] == "true"
    assert [u.username for u in pkit.pool.list_users()] == ["ann"]


def test_a_passwordless_user_survives_an_export_and_import(pkit: MfaKit) -> None:
    passwordless(pkit)
    out = io.StringIO()
    export_store(pkit.svc.store, out)
    target = MemoryStore()
    import_store(target, out.getvalue().splitlines())
    moved = target.get_user(pkit.pool.id, "ann")
    assert moved is not None
    assert moved.password_hash is None
    assert moved == pkit.svc.store.get_user(pkit.pool.id, "ann")
    target.close()

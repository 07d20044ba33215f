"""USER_AUTH, choice-based sign-in: SELECT_CHALLENGE, a preferred challenge, passwords,
SRP and one-time codes by email or SMS as the first factor."""

from __future__ import annotations

import pytest

from cogkit import AuthResult, ChallengeName, Cognito
from cogkit.errors import (
    CodeMismatchError,
    InvalidParameterError,
    NotAuthorizedError,
    UserNotFoundError,
)
from cogkit.testing.srp import SrpClient
from tests.domain.conftest import PHONE, MfaKit, mfa_pool
from tests.helpers import PASSWORD, raises

EVERY_FACTOR = {"allowed_first_auth_factors": ["PASSWORD", "EMAIL_OTP", "SMS_OTP"]}


@pytest.fixture
def ukit(svc: Cognito) -> MfaKit:
    kit = mfa_pool(svc, sign_in_policy=EVERY_FACTOR)
    kit.confirmed()
    return kit


def _initiate(kit: MfaKit, username: str = "ann", **params: str) -> AuthResult:
    return kit.auth.initiate(kit.client.id, "USER_AUTH", USERNAME=username, **params)


def _respond(kit: MfaKit, result: AuthResult, username: str = "ann", **answers: str) -> AuthResult:
    assert result.challenge is not None
    return kit.auth.respond(
        kit.client.id, result.challenge.name, session=result.session, USERNAME=username, **answers
    )


def test_without_a_preference_the_user_selects_among_what_it_can_use(ukit: MfaKit) -> None:
    result = _initiate(ukit)
    assert result.challenge_name is ChallengeName.SELECT_CHALLENGE
    assert result.challenge is not None
    # ann has a password and a verified email, but no phone number.
    assert result.challenge.available == (
        ChallengeName.PASSWORD,
        ChallengeName.PASSWORD_SRP,
        ChallengeName.EMAIL_OTP,
    )


def test_a_verified_phone_adds_sms_codes(ukit: MfaKit) -> None:
    ukit.pool.admin_update_user_attributes(
        "ann", {"phone_number": PHONE, "phone_number_verified": "true"}
    )
    result = _initiate(ukit)
    assert result.challenge is not None
    assert ChallengeName.SMS_OTP in result.challenge.available


def test_only_the_pools_allowed_factors_are_offered(mfa: MfaKit) -> None:
    mfa.confirmed()
    result = _initiate(mfa)
    assert result.challenge is not None
    assert result.challenge.available == (ChallengeName.PASSWORD, ChallengeName.PASSWORD_SRP)


def test_the_preferred_password_with_the_password_signs_in(ukit: MfaKit) -> None:
    result = _initiate(ukit, PREFERRED_CHALLENGE="PASSWORD", PASSWORD=PASSWORD)
    assert result.tokens is not None


def test_the_preferred_password_with_a_wrong_one_is_refused(ukit: MfaKit) -> None:
    with raises(NotAuthorizedError, "Incorrect username or password."):
        _initiate(ukit, PREFERRED_CHALLENGE="PASSWORD", PASSWORD="Wrong-horse-1")


def test_the_preferred_password_without_it_asks_for_it(ukit: MfaKit) -> None:
    result = _initiate(ukit, PREFERRED_CHALLENGE="PASSWORD")
    assert result.challenge_name is ChallengeName.PASSWORD
    assert _respond(ukit, result, PASSWORD=PASSWORD).tokens is not None


def test_selecting_password_with_the_password_signs_in(ukit: MfaKit) -> None:
    result = _respond(ukit, _initiate(ukit), ANSWER="PASSWORD", PASSWORD=PASSWORD)
    assert result.tokens is not None


def test_selecting_password_srp_goes_on_to_the_password_verifier(ukit: MfaKit) -> None:
    srp = SrpClient(ukit.pool.id, "ann", PASSWORD)
    srp_a = srp.auth_parameters()["SRP_A"]
    result = _respond(ukit, _initiate(ukit), ANSWER="PASSWORD_SRP", SRP_A=srp_a)
    assert result.challenge_name is ChallengeName.PASSWORD_VERIFIER
    assert result.challenge is not None
    done = ukit.auth.respond(
        ukit.client.id,
        "PASSWORD_VERIFIER",
        srp.respond(result.challenge.parameters, ukit.clock.now()),
    )
    assert done.tokens is not None


def test_the_preferred_password_srp_without_srp_a_asks_for_it(ukit: MfaKit) -> None:
    srp = SrpClient(ukit.pool.id, "ann", PASSWORD)
    result = _initiate(ukit, PREFERRED_CHALLENGE="PASSWORD_SRP")
    assert result.challenge_name is ChallengeName.PASSWORD_SRP
    verifier = _respond(ukit, result, SRP_A=srp.auth_parameters()["SRP_A"])
    assert verifier.challenge_name is ChallengeName.PASSWORD_VERIFIER


def test_an_email_code_signs_in(ukit: MfaKit) -> None:
    result = _initiate(ukit, PREFERRED_CHALLENGE="EMAIL_OTP")
    assert result.challenge_name is ChallengeName.EMAIL_OTP
    assert result.challenge is not None
    assert result.challenge.parameters["CODE_DELIVERY_DESTINATION"] == "a***@e***"
    done = _respond(ukit, result, EMAIL_OTP_CODE=ukit.code())
    assert done.tokens is not None


def test_an_sms_code_signs_in(ukit: MfaKit) -> None:
    ukit.pool.admin_update_user_attributes(
        "ann", {"phone_number": PHONE, "phone_number_verified": "true"}
    )
    chosen = _respond(ukit, _initiate(ukit), ANSWER="SMS_OTP")
    assert chosen.challenge_name is ChallengeName.SMS_OTP
    done = _respond(ukit, chosen, SMS_OTP_CODE=ukit.code(PHONE))
    assert done.tokens is not None


def test_a_wrong_email_code_is_refused(ukit: MfaKit) -> None:
    result = _initiate(ukit, PREFERRED_CHALLENGE="EMAIL_OTP")
    code = ukit.code()
    with raises(CodeMismatchError):
        _respond(ukit, result, EMAIL_OTP_CODE="000000" if code != "000000" else "111111")
    assert _respond(ukit, result, EMAIL_OTP_CODE=code).tokens is not None


def test_wrong_email_codes_lock_the_user_out(ukit: MfaKit) -> None:
    for wrong_answers in (3, 2):
        result = _initiate(ukit, PREFERRED_CHALLENGE="EMAIL_OTP")
        code = ukit.code()
        for _attempt in range(wrong_answers):
            with raises(CodeMismatchError):
                _respond(ukit, result, EMAIL_OTP_CODE="000000" if code != "000000" else "111111")
    with raises(NotAuthorizedError, "Password attempts exceeded"):
        _initiate(ukit, PREFERRED_CHALLENGE="EMAIL_OTP")


def test_an_email_code_stands_in_for_mfa(ukit: MfaKit) -> None:
    ukit.with_totp()
    result = _initiate(ukit, PREFERRED_CHALLENGE="EMAIL_OTP")
    assert _respond(ukit, result, EMAIL_OTP_CODE=ukit.code()).tokens is not None


def test_a_password_is_followed_by_mfa(ukit: MfaKit) -> None:
    secret = ukit.with_totp()
    result = _initiate(ukit, PREFERRED_CHALLENGE="PASSWORD", PASSWORD=PASSWORD)
    assert result.challenge_name is ChallengeName.SOFTWARE_TOKEN_MFA
    assert ukit.answer_totp(result, secret).access_token


def test_a_preferred_challenge_the_user_cannot_use_falls_back_to_select(ukit: MfaKit) -> None:
    result = _initiate(ukit, PREFERRED_CHALLENGE="SMS_OTP")
    assert result.challenge_name is ChallengeName.SELECT_CHALLENGE


def test_an_unknown_preferred_challenge_is_refused(ukit: MfaKit) -> None:
    with raises(InvalidParameterError, field="PREFERRED_CHALLENGE"):
        _initiate(ukit, PREFERRED_CHALLENGE="CARRIER_PIGEON")


def test_selecting_a_challenge_not_offered_is_refused(ukit: MfaKit) -> None:
    with raises(InvalidParameterError, field="ANSWER"):
        _respond(ukit, _initiate(ukit), ANSWER="SMS_OTP")


def test_the_select_session_is_used_once(ukit: MfaKit) -> None:
    result = _initiate(ukit)
    _respond(ukit, result, ANSWER="PASSWORD", PASSWORD=PASSWORD)
    with raises(NotAuthorizedError, "Invalid session for the user."):
        _respond(ukit, result, ANSWER="PASSWORD", PASSWORD=PASSWORD)


def test_a_swapped_username_is_refused(ukit: MfaKit) -> None:
    ukit.confirmed("bob", email="bob@example.com")
    result = _initiate(ukit)
    with raises(NotAuthorizedError, "Invalid session for the user."):
        _respond(ukit, result, username="bob", ANSWER="PASSWORD", PASSWORD=PASSWORD)


def test_a_client_without_allow_user_auth_is_refused(ukit: MfaKit) -> None:
    client = ukit.pool.create_client("old", explicit_auth_flows=["ALLOW_USER_PASSWORD_AUTH"])
    with raises(InvalidParameterError, field="auth_flow"):
        ukit.auth.initiate(client.id, "USER_AUTH", USERNAME="ann")


def test_an_unknown_user_is_user_not_found(ukit: MfaKit) -> None:
    with raises(UserNotFoundError):
        _initiate(ukit, "ghost")


def test_an_unknown_user_hidden_by_the_client_fails_at_the_answer(ukit: MfaKit) -> None:
    ukit.pool.update_client(
        ukit.client.id,
        prevent_user_existence_errors="ENABLED",
        explicit_auth_flows=["ALLOW_USER_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    )
    result = _initiate(ukit, "ghost")
    assert result.challenge_name is ChallengeName.SELECT_CHALLENGE
    with raises(NotAuthorizedError, "Incorrect username or password."):
        _respond(ukit, result, username="ghost", ANSWER="PASSWORD", PASSWORD=PASSWORD)


def test_a_hidden_unknown_user_with_a_password_is_refused_like_a_wrong_one(ukit: MfaKit) -> None:
    ukit.pool.update_client(
        ukit.client.id,
        prevent_user_existence_errors="ENABLED",
        explicit_auth_flows=["ALLOW_USER_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    )
    with raises(NotAuthorizedError, "Incorrect username or password."):
        _initiate(ukit, "ghost", PREFERRED_CHALLENGE="PASSWORD", PASSWORD=PASSWORD)


def test_a_disabled_user_gets_no_code(ukit: MfaKit) -> None:
    ukit.pool.admin_disable_user("ann")
    sent = len(ukit.svc.outbox)
    with raises(NotAuthorizedError, "User is disabled."):
        _initiate(ukit, PREFERRED_CHALLENGE="EMAIL_OTP")
    assert len(ukit.svc.outbox) == sent


def test_user_auth_hands_out_new_device_metadata(svc: Cognito) -> None:
    kit = mfa_pool(
        svc,
        sign_in_policy=EVERY_FACTOR,
        device_configuration={"challenge_required_on_new_device": True},
    )
    kit.confirmed()
    result = _initiate(kit, PREFERRED_CHALLENGE="EMAIL_OTP")
    done = _respond(kit, result, EMAIL_OTP_CODE=kit.code())
    assert done.tokens is not None and done.tokens.new_device_metadata is not None


def test_a_hidden_unknown_user_choosing_srp_fails_at_the_verifier(ukit: MfaKit) -> None:
    ukit.pool.update_client(
        ukit.client.id,
        prevent_user_existence_errors="ENABLED",
        explicit_auth_flows=["ALLOW_USER_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    )
    srp = SrpClient(ukit.pool.id, "ghost", PASSWORD)
    result = _initiate(
        ukit, "ghost", PREFERRED_CHALLENGE="PASSWORD_SRP", SRP_A=srp.auth_parameters()["SRP_A"]
    )
    assert result.challenge_name is ChallengeName.PASSWORD_VERIFIER
    assert result.challenge is not None
    with raises(NotAuthorizedError, "Incorrect username or password."):
        ukit.auth.respond(
            ukit.client.id,
            "PASSWORD_VERIFIER",
            srp.respond(result.challenge.parameters, ukit.clock.now()),
        )

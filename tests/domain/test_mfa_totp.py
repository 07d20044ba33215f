"""Software-token (TOTP) MFA: associating and verifying a token, the SOFTWARE_TOKEN_MFA
challenge, skew, replays, lockout and the MFA_SETUP path."""

from __future__ import annotations

import json

import pytest

from cogkit import AuthResult, ChallengeName, Cognito, MfaFactor
from cogkit.errors import (
    CodeMismatchError,
    EnableSoftwareTokenMFAError,
    InvalidParameterError,
    NotAuthorizedError,
    ResourceNotFoundError,
    SoftwareTokenMFANotFoundError,
    UserNotFoundError,
)
from cogkit.testing.srp import SrpClient
from tests.domain.conftest import MfaKit, mfa_pool
from tests.helpers import PASSWORD, raises


def test_associate_gives_a_52_character_base32_secret(mfa: MfaKit) -> None:
    tokens = mfa.session()
    made = mfa.auth.associate_software_token(tokens.access_token)
    assert len(made.secret_code) == 52
    assert set(made.secret_code) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
    assert made.session is None
    assert made.secret_code not in repr(made)


def test_associate_in_a_pool_without_software_tokens_is_refused(svc: Cognito) -> None:
    kit = mfa_pool(svc, mfa_factors={"software_token": False})
    tokens = kit.session()
    with raises(
        SoftwareTokenMFANotFoundError, "Software Token MFA has not been enabled by the userPool"
    ):
        kit.auth.associate_software_token(tokens.access_token)


def test_associate_needs_exactly_one_of_token_and_session(mfa: MfaKit) -> None:
    with raises(InvalidParameterError):
        mfa.auth.associate_software_token()


def test_verify_with_the_current_code_succeeds(mfa: MfaKit) -> None:
    tokens = mfa.session()
    secret = mfa.auth.associate_software_token(tokens.access_token).secret_code
    done = mfa.auth.verify_software_token(
        mfa.totp(secret), access_token=tokens.access_token, friendly_device_name="phone"
    )
    assert done.status == "SUCCESS"
    assert done.session is None


def test_verifying_does_not_turn_totp_on(mfa: MfaKit) -> None:
    tokens = mfa.session()
    secret = mfa.auth.associate_software_token(tokens.access_token).secret_code
    mfa.auth.verify_software_token(mfa.totp(secret), access_token=tokens.access_token)
    assert mfa.pool.admin_get_user("ann").mfa_settings == ()
    assert mfa.start().tokens is not None


def test_verify_with_a_wrong_code_is_refused(mfa: MfaKit) -> None:
    tokens = mfa.session()
    secret = mfa.auth.associate_software_token(tokens.access_token).secret_code
    wrong = f"{(int(mfa.totp(secret)) + 1) % 1_000_000:06d}"
    with raises(EnableSoftwareTokenMFAError, "Code mismatch and fail enable Software Token MFA"):
        mfa.auth.verify_software_token(wrong, access_token=tokens.access_token)


def test_verify_without_an_associated_token_is_refused(mfa: MfaKit) -> None:
    tokens = mfa.session()
    with raises(SoftwareTokenMFANotFoundError):
        mfa.auth.verify_software_token("123456", access_token=tokens.access_token)


def test_a_user_code_must_be_six_digits(mfa: MfaKit) -> None:
    tokens = mfa.session()
    with raises(InvalidParameterError, field="user_code"):
        mfa.auth.verify_software_token("12345", access_token=tokens.access_token)


def test_enabling_totp_before_verifying_is_refused(mfa: MfaKit) -> None:
    tokens = mfa.session()
    mfa.auth.associate_software_token(tokens.access_token)
    with raises(InvalidParameterError, "User has not verified software token mfa"):
        mfa.auth.set_user_mfa_preference(tokens.access_token, software_token={"enabled": True})


def test_sign_in_with_totp_enabled_asks_for_the_code(mfa: MfaKit) -> None:
    mfa.session()
    tokens = mfa.sign_in()
    secret = mfa.auth.associate_software_token(tokens.access_token).secret_code
    mfa.auth.verify_software_token(
        mfa.totp(secret), access_token=tokens.access_token, friendly_device_name="phone"
    )
    mfa.auth.set_user_mfa_preference(tokens.access_token, software_token={"enabled": True})
    result = mfa.start()
    assert result.challenge_name is ChallengeName.SOFTWARE_TOKEN_MFA
    assert result.challenge is not None
    assert dict(result.challenge.parameters) == {
        "USER_ID_FOR_SRP": "ann",
        "FRIENDLY_DEVICE_NAME": "phone",
    }


def test_the_right_code_signs_in(mfa: MfaKit) -> None:
    mfa.session()
    secret = mfa.with_totp()
    tokens = mfa.answer_totp(mfa.start(), secret)
    assert mfa.pool.verify(tokens.access_token)["username"] == "ann"


def test_the_code_of_the_previous_step_is_accepted(mfa: MfaKit) -> None:
    mfa.session()
    secret = mfa.with_totp()
    mfa.clock.advance(30)
    result = mfa.start()
    answered = mfa.auth.respond(
        mfa.client.id,
        "SOFTWARE_TOKEN_MFA",
        session=result.session,
        USERNAME="ann",
        SOFTWARE_TOKEN_MFA_CODE=mfa.totp(secret, -30),
    )
    assert answered.tokens is not None


def test_a_code_two_steps_old_is_refused(mfa: MfaKit) -> None:
    mfa.session()
    secret = mfa.with_totp()
    mfa.clock.advance(60)
    result = mfa.start()
    with raises(CodeMismatchError, "Invalid code or auth state for the user."):
        mfa.auth.respond(
            mfa.client.id,
            "SOFTWARE_TOKEN_MFA",
            session=result.session,
            USERNAME="ann",
            SOFTWARE_TOKEN_MFA_CODE=mfa.totp(secret, -60),
        )


def test_a_code_is_never_accepted_twice(mfa: MfaKit) -> None:
    mfa.session()
    secret = mfa.with_totp()
    code = mfa.totp(secret)
    first = mfa.start()
    mfa.auth.respond(
        mfa.client.id,
        "SOFTWARE_TOKEN_MFA",
        session=first.session,
        USERNAME="ann",
        SOFTWARE_TOKEN_MFA_CODE=code,
    )
    second = mfa.start()
    with raises(CodeMismatchError):
        mfa.auth.respond(
            mfa.client.id,
            "SOFTWARE_TOKEN_MFA",
            session=second.session,
            USERNAME="ann",
            SOFTWARE_TOKEN_MFA_CODE=code,
        )


def test_the_code_that_verified_the_token_cannot_sign_in(mfa: MfaKit) -> None:
    mfa.session()
    tokens = mfa.sign_in()
    secret = mfa.auth.associate_software_token(tokens.access_token).secret_code
    code = mfa.totp(secret)
    mfa.auth.verify_software_token(code, access_token=tokens.access_token)
    mfa.auth.set_user_mfa_preference(tokens.access_token, software_token={"enabled": True})
    result = mfa.start()
    with raises(CodeMismatchError):
        mfa.auth.respond(
            mfa.client.id,
            "SOFTWARE_TOKEN_MFA",
            session=result.session,
            USERNAME="ann",
            SOFTWARE_TOKEN_MFA_CODE=code,
        )


def test_after_a_wrong_code_the_session_takes_the_right_one(mfa: MfaKit) -> None:
    mfa.session()
    secret = mfa.with_totp()
    result = mfa.start()
    with raises(CodeMismatchError):
        mfa.auth.respond(
            mfa.client.id,
            "SOFTWARE_TOKEN_MFA",
            session=result.session,
            USERNAME="ann",
            SOFTWARE_TOKEN_MFA_CODE="000000" if mfa.totp(secret) != "000000" else "111111",
        )
    assert mfa.answer_totp(result, secret).access_token


def test_the_session_is_used_once(mfa: MfaKit) -> None:
    mfa.session()
    secret = mfa.with_totp()
    result = mfa.start()
    mfa.answer_totp(result, secret)
    mfa.clock.advance(30)
    with raises(NotAuthorizedError, "Invalid session for the user."):
        mfa.answer_totp(result, secret)


def test_an_expired_session_is_refused(mfa: MfaKit) -> None:
    mfa.session()
    secret = mfa.with_totp()
    result = mfa.start()
    mfa.clock.advance(3 * 60 + 1)
    with raises(NotAuthorizedError, "Invalid session for the user, session is expired."):
        mfa.answer_totp(result, secret)


def test_a_swapped_username_is_refused(mfa: MfaKit) -> None:
    mfa.session()
    secret = mfa.with_totp()
    mfa.session("bob")
    result = mfa.start()
    with raises(NotAuthorizedError, "Invalid session for the user."):
        mfa.answer_totp(result, secret, username="bob")


def test_wrong_codes_lock_the_user_out(mfa: MfaKit) -> None:
    mfa.session()
    secret = mfa.with_totp()
    wrong = "000000" if mfa.totp(secret) != "000000" else "111111"
    for _ in range(5):
        result = mfa.start()
        with raises(CodeMismatchError):
            mfa.auth.respond(
                mfa.client.id,
                "SOFTWARE_TOKEN_MFA",
                session=result.session,
                USERNAME="ann",
                SOFTWARE_TOKEN_MFA_CODE=wrong,
            )
    with raises(NotAuthorizedError, "Password attempts exceeded"):
        mfa.start()


def test_a_locked_user_cannot_answer_an_open_totp_challenge(mfa: MfaKit) -> None:
    mfa.session()
    secret = mfa.with_totp()
    pending = mfa.start()
    for _ in range(5):
        with raises(NotAuthorizedError):
            mfa.start(password="Wrong-horse-1")
    with raises(NotAuthorizedError, "Password attempts exceeded"):
        mfa.answer_totp(pending, secret)


def test_a_new_association_leaves_the_verified_secret_in_force(mfa: MfaKit) -> None:
    mfa.session()
    secret = mfa.with_totp()
    tokens = mfa.answer_totp(mfa.start(), secret)
    mfa.auth.associate_software_token(tokens.access_token)
    mfa.clock.advance(30)
    assert mfa.answer_totp(mfa.start(), secret).access_token


def test_a_verified_replacement_takes_over(mfa: MfaKit) -> None:
    mfa.session()
    old = mfa.with_totp()
    tokens = mfa.answer_totp(mfa.start(), old)
    new = mfa.auth.associate_software_token(tokens.access_token).secret_code
    mfa.clock.advance(30)
    mfa.auth.verify_software_token(mfa.totp(new), access_token=tokens.access_token)
    mfa.clock.advance(30)
    result = mfa.start()
    with raises(CodeMismatchError):
        mfa.answer_totp(result, old)
    assert mfa.answer_totp(result, new).access_token


def test_srp_sign_in_goes_on_to_the_totp_challenge(mfa: MfaKit) -> None:
    mfa.session()
    secret = mfa.with_totp()
    srp = SrpClient(mfa.pool.id, "ann", PASSWORD)
    started = mfa.auth.initiate(mfa.client.id, "USER_SRP_AUTH", srp.auth_parameters())
    assert started.challenge is not None
    result = mfa.auth.respond(
        mfa.client.id,
        "PASSWORD_VERIFIER",
        srp.respond(started.challenge.parameters, mfa.clock.now()),
    )
    assert result.challenge_name is ChallengeName.SOFTWARE_TOKEN_MFA
    assert mfa.answer_totp(result, secret).access_token


# -- MFA_SETUP ----------------------------------------------------------------------------


@pytest.fixture
def required(svc: Cognito) -> MfaKit:
    return mfa_pool(svc, mfa_configuration="ON", mfa_factors={"software_token": True})


def _setup(kit: MfaKit) -> AuthResult:
    kit.confirmed()
    result = kit.start()
    assert result.challenge_name is ChallengeName.MFA_SETUP
    return result


def test_mfa_on_without_a_factor_asks_to_set_one_up(required: MfaKit) -> None:
    result = _setup(required)
    assert result.challenge is not None
    assert json.loads(result.challenge.parameters["MFAS_CAN_SETUP"]) == ["SOFTWARE_TOKEN_MFA"]


def test_mfa_setup_with_a_software_token_signs_in_and_enables_it(required: MfaKit) -> None:
    result = _setup(required)
    assert result.session is not None
    made = required.auth.associate_software_token(session=result.session)
    assert made.session is not None and made.session != result.session
    verified = required.auth.verify_software_token(
        required.totp(made.secret_code), session=made.session
    )
    assert verified.session is not None
    answered = required.auth.respond(
        required.client.id, "MFA_SETUP", session=verified.session, USERNAME="ann"
    )
    assert answered.tokens is not None
    user = required.pool.admin_get_user("ann")
    assert user.mfa_settings == (MfaFactor.SOFTWARE_TOKEN_MFA,)
    assert user.preferred_mfa == MfaFactor.SOFTWARE_TOKEN_MFA


def test_mfa_setup_answered_before_verifying_is_refused(required: MfaKit) -> None:
    result = _setup(required)
    assert result.session is not None
    made = required.auth.associate_software_token(session=result.session)
    with raises(SoftwareTokenMFANotFoundError):
        required.auth.respond(required.client.id, "MFA_SETUP", session=made.session, USERNAME="ann")


def test_a_setup_session_is_used_once_by_associate(required: MfaKit) -> None:
    result = _setup(required)
    required.auth.associate_software_token(session=result.session)
    with raises(NotAuthorizedError, "Invalid session for the user."):
        required.auth.associate_software_token(session=result.session)


def test_associate_refuses_a_session_of_another_challenge(mfa: MfaKit) -> None:
    mfa.session()
    secret = mfa.with_totp()
    result = mfa.start()
    assert result.challenge_name is ChallengeName.SOFTWARE_TOKEN_MFA
    with raises(NotAuthorizedError):
        mfa.auth.associate_software_token(session=result.session)
    assert mfa.answer_totp(result, secret).access_token


def test_an_invited_user_in_an_on_pool_sets_mfa_up_after_the_new_password(
    required: MfaKit,
) -> None:
    required.pool.admin_create_user(
        "bob", temporary_password="Temporary-pass-1", message_action="SUPPRESS"
    )
    first = required.start("bob", "Temporary-pass-1")
    assert first.challenge_name is ChallengeName.NEW_PASSWORD_REQUIRED
    result = required.auth.respond(
        required.client.id,
        "NEW_PASSWORD_REQUIRED",
        session=first.session,
        USERNAME="bob",
        NEW_PASSWORD=PASSWORD,
    )
    assert result.challenge_name is ChallengeName.MFA_SETUP


def test_admin_sign_in_in_an_on_pool_asks_to_set_mfa_up(required: MfaKit) -> None:
    required.confirmed()
    result = required.auth.admin_initiate(
        required.client.id, "ADMIN_USER_PASSWORD_AUTH", USERNAME="ann", PASSWORD=PASSWORD
    )
    assert result.challenge_name is ChallengeName.MFA_SETUP


@pytest.mark.parametrize("code", ["12345", "abcdef", "1234567"])
def test_a_totp_answer_that_is_not_six_digits_is_a_mismatch(mfa: MfaKit, code: str) -> None:
    mfa.session()
    mfa.with_totp()
    result = mfa.start()
    with raises(CodeMismatchError):
        mfa.auth.respond(
            mfa.client.id,
            "SOFTWARE_TOKEN_MFA",
            session=result.session,
            USERNAME="ann",
            SOFTWARE_TOKEN_MFA_CODE=code,
        )


def test_an_administrator_deletes_a_lost_authenticator(mfa: MfaKit) -> None:
    mfa.confirmed()
    old = mfa.with_totp()
    mfa.pool.admin_delete_software_token("ann")
    record = mfa.svc.store.get_user(mfa.pool.id, "ann")
    assert record is not None and "totp" not in record.extra
    factors = mfa.pool.admin_get_user_auth_factors("ann")
    assert (factors.preferred_mfa, factors.mfa_settings) == (None, ())
    tokens = mfa.start().tokens
    assert tokens is not None
    # The old secret proves nothing any more; a new one must be associated and verified.
    with raises(SoftwareTokenMFANotFoundError):
        mfa.auth.verify_software_token(mfa.totp(old), access_token=tokens.access_token)
    with raises(ResourceNotFoundError, "The user has no software token to delete."):
        mfa.pool.admin_delete_software_token("ann")


def test_deleting_a_pending_authenticator_drops_it(mfa: MfaKit) -> None:
    tokens = mfa.session()
    mfa.auth.associate_software_token(tokens.access_token)
    mfa.pool.admin_delete_software_token("ann")
    with raises(SoftwareTokenMFANotFoundError):
        mfa.auth.verify_software_token("123456", access_token=tokens.access_token)


def test_admin_auth_factors_match_the_users_own(mfa: MfaKit) -> None:
    mfa.confirmed()
    tokens = mfa.sign_in()
    mfa.with_totp()
    assert mfa.pool.admin_get_user_auth_factors("ann") == mfa.auth.get_user_auth_factors(
        tokens.access_token
    )
    assert mfa.pool.admin_get_user_auth_factors("ann").mfa_settings == (
        MfaFactor.SOFTWARE_TOKEN_MFA,
    )
    with raises(UserNotFoundError):
        mfa.pool.admin_get_user_auth_factors("nobody")

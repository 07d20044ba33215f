"""SMS and email MFA codes, the choice between factors and when MFA applies at all."""

from __future__ import annotations

import json

from cogkit import AuthResult, ChallengeName, Cognito, FixedCodes, MfaFactor, Purpose
from cogkit.errors import (
    CodeMismatchError,
    ExpiredCodeError,
    InvalidParameterError,
    MFAMethodNotFoundError,
    NotAuthorizedError,
)
from cogkit.testing import make_cognito
from cogkit.testing.srp import SrpClient
from tests.domain.conftest import PHONE, MfaKit, mfa_pool
from tests.helpers import PASSWORD, Recorder, raises


def _sms_user(kit: MfaKit, username: str = "ann") -> None:
    kit.phone_user(username)
    kit.pool.admin_set_user_mfa_preference(username, sms={"enabled": True})


def _sms_and_totp(kit: MfaKit, *, preferred: bool) -> str:
    """A user with SMS and TOTP enabled; returns the TOTP secret."""
    kit.phone_user()
    secret = kit.with_totp(preferred=preferred)
    kit.pool.admin_set_user_mfa_preference("ann", sms={"enabled": True})
    return secret


def _wrong(code: str) -> str:
    return "000000" if code != "000000" else "111111"


def _answer(kit: MfaKit, result: AuthResult, key: str, code: str, user: str = "ann") -> AuthResult:
    assert result.challenge is not None
    return kit.auth.respond(
        kit.client.id, result.challenge.name, session=result.session, USERNAME=user, **{key: code}
    )


def test_optional_mfa_without_an_enabled_factor_signs_straight_in(mfa: MfaKit) -> None:
    mfa.phone_user()
    assert mfa.start().tokens is not None


def test_mfa_off_ignores_enabled_factors(mfa: MfaKit) -> None:
    _sms_user(mfa)
    mfa.pool.update(mfa_configuration="OFF")
    assert mfa.start().tokens is not None


def test_sms_mfa_sends_a_code_and_names_the_masked_phone(mfa: MfaKit) -> None:
    _sms_user(mfa)
    result = mfa.start()
    assert result.challenge_name is ChallengeName.SMS_MFA
    assert result.challenge is not None
    assert dict(result.challenge.parameters) == {
        "USER_ID_FOR_SRP": "ann",
        "CODE_DELIVERY_DELIVERY_MEDIUM": "SMS",
        "CODE_DELIVERY_DESTINATION": "+*******1234",
    }
    message = mfa.svc.outbox.last(to=PHONE)
    assert message.purpose is Purpose.AUTHENTICATION
    assert message.text == f"Your authentication code is {message.code}. "


def test_the_sms_code_uses_the_pools_authentication_message(svc: Cognito) -> None:
    kit = mfa_pool(svc, sms_authentication_message="Sign-in code: {####}")
    _sms_user(kit)
    kit.start()
    message = kit.svc.outbox.last(to=PHONE)
    assert message.text == f"Sign-in code: {message.code}"


def test_custom_message_rewrites_the_sms_mfa_code_as_authentication(mfa: MfaKit) -> None:
    _sms_user(mfa)
    handler = mfa.pool.trigger("CustomMessage", Recorder({"smsMessage": "Code {####} for you"}))
    result = mfa.start()
    event = handler.event
    assert event["triggerSource"] == "CustomMessage_Authentication"
    assert event["callerContext"]["clientId"] == mfa.client.id
    assert event["request"]["codeParameter"] == "{####}"
    message = mfa.svc.outbox.last(to=PHONE)
    assert message.text == f"Code {message.code} for you"
    assert _answer(mfa, result, "SMS_MFA_CODE", message.code).tokens is not None


def test_a_custom_sms_sender_gets_the_mfa_code_instead_of_the_outbox(mfa: MfaKit) -> None:
    _sms_user(mfa)
    sender = mfa.pool.trigger("CustomSMSSender", Recorder())
    sent_before = len(mfa.svc.outbox)
    result = mfa.start()
    event = sender.event
    assert event["triggerSource"] == "CustomSMSSender_Authentication"
    assert event["callerContext"]["clientId"] == mfa.client.id
    assert len(mfa.svc.outbox) == sent_before
    assert _answer(mfa, result, "SMS_MFA_CODE", event["request"]["code"]).tokens is not None


def test_the_right_sms_code_signs_in_and_verifies_the_phone(mfa: MfaKit) -> None:
    _sms_user(mfa)
    assert mfa.pool.admin_get_user("ann").get("phone_number_verified") != "true"
    result = mfa.start()
    answered = _answer(mfa, result, "SMS_MFA_CODE", mfa.code(PHONE))
    assert answered.tokens is not None
    assert mfa.pool.admin_get_user("ann")["phone_number_verified"] == "true"


def test_a_wrong_sms_code_is_refused_and_the_right_one_still_works(mfa: MfaKit) -> None:
    _sms_user(mfa)
    result = mfa.start()
    code = mfa.code(PHONE)
    with raises(CodeMismatchError, "Invalid code or auth state for the user."):
        _answer(mfa, result, "SMS_MFA_CODE", _wrong(code))
    assert _answer(mfa, result, "SMS_MFA_CODE", code).tokens is not None


def test_three_wrong_codes_end_the_session(mfa: MfaKit) -> None:
    _sms_user(mfa)
    result = mfa.start()
    code = mfa.code(PHONE)
    for _ in range(3):
        with raises(CodeMismatchError):
            _answer(mfa, result, "SMS_MFA_CODE", _wrong(code))
    with raises(NotAuthorizedError, "Invalid session for the user."):
        _answer(mfa, result, "SMS_MFA_CODE", code)


def test_a_used_code_cannot_be_replayed(mfa: MfaKit) -> None:
    _sms_user(mfa)
    result = mfa.start()
    code = mfa.code(PHONE)
    _answer(mfa, result, "SMS_MFA_CODE", code)
    with raises(NotAuthorizedError, "Invalid session for the user."):
        _answer(mfa, result, "SMS_MFA_CODE", code)


def test_an_earlier_sign_ins_code_does_not_answer_a_later_one() -> None:
    # Codes in turn: sign-up confirmation, first sign-in, later sign-in.
    kit = mfa_pool(make_cognito(codes=FixedCodes(["111111", "222222", "333333"])))
    _sms_user(kit)
    kit.start()
    later = kit.start()
    with raises(CodeMismatchError):
        _answer(kit, later, "SMS_MFA_CODE", "222222")
    assert _answer(kit, later, "SMS_MFA_CODE", "333333").tokens is not None


def test_the_first_sign_ins_session_dies_with_its_replaced_code(mfa: MfaKit) -> None:
    _sms_user(mfa)
    first = mfa.start()
    code = mfa.code(PHONE)
    mfa.start()
    with raises(ExpiredCodeError):
        _answer(mfa, first, "SMS_MFA_CODE", code)


def test_sms_codes_expire_with_the_session(mfa: MfaKit) -> None:
    _sms_user(mfa)
    result = mfa.start()
    mfa.clock.advance(3 * 60)
    with raises(NotAuthorizedError, "Invalid session for the user, session is expired."):
        _answer(mfa, result, "SMS_MFA_CODE", mfa.code(PHONE))


def test_wrong_sms_codes_lock_the_user_out(mfa: MfaKit) -> None:
    _sms_user(mfa)
    for wrong_answers in (3, 2):
        result = mfa.start()
        code = mfa.code(PHONE)
        for _attempt in range(wrong_answers):
            with raises(CodeMismatchError):
                _answer(mfa, result, "SMS_MFA_CODE", _wrong(code))
    with raises(NotAuthorizedError, "Password attempts exceeded"):
        mfa.start()


def test_a_swapped_username_cannot_answer_sms_mfa(mfa: MfaKit) -> None:
    _sms_user(mfa)
    mfa.phone_user("bob", "+15550009999")
    result = mfa.start()
    with raises(NotAuthorizedError, "Invalid session for the user."):
        _answer(mfa, result, "SMS_MFA_CODE", mfa.code(PHONE), user="bob")


def test_email_mfa_sends_the_pools_email_template(svc: Cognito) -> None:
    kit = mfa_pool(
        svc,
        mfa_factors={
            "email": True,
            "email_message": "Your sign-in code: {####}",
            "email_subject": "Sign-in",
        },
    )
    kit.confirmed()
    kit.pool.admin_set_user_mfa_preference("ann", email={"enabled": True})
    result = kit.start()
    assert result.challenge_name is ChallengeName.EMAIL_OTP
    assert result.challenge is not None
    assert result.challenge.parameters["CODE_DELIVERY_DELIVERY_MEDIUM"] == "EMAIL"
    assert result.challenge.parameters["CODE_DELIVERY_DESTINATION"] == "a***@e***"
    message = kit.svc.outbox.last(to="ann@example.com")
    assert (message.subject, message.text) == ("Sign-in", f"Your sign-in code: {message.code}")
    assert _answer(kit, result, "EMAIL_OTP_CODE", kit.code()).tokens is not None


def test_a_wrong_email_code_is_refused(mfa: MfaKit) -> None:
    mfa.confirmed()
    mfa.pool.admin_set_user_mfa_preference("ann", email={"enabled": True})
    result = mfa.start()
    with raises(CodeMismatchError):
        _answer(mfa, result, "EMAIL_OTP_CODE", _wrong(mfa.code()))


def test_every_challenge_parameter_is_a_string(mfa: MfaKit) -> None:
    _sms_and_totp(mfa, preferred=True)
    result = mfa.auth.admin_initiate(
        mfa.client.id, "ADMIN_USER_PASSWORD_AUTH", USERNAME="ann", PASSWORD=PASSWORD
    )
    assert result.challenge is not None
    assert all(isinstance(v, str) for v in result.challenge.parameters.values())


# -- choosing a factor -------------------------------------------------------------------


def test_several_factors_without_a_preference_ask_to_choose(mfa: MfaKit) -> None:
    _sms_and_totp(mfa, preferred=False)
    result = mfa.start()
    assert result.challenge_name is ChallengeName.SELECT_MFA_TYPE
    assert result.challenge is not None
    choices = json.loads(result.challenge.parameters["MFAS_CAN_CHOOSE"])
    assert choices == ["SMS_MFA", "SOFTWARE_TOKEN_MFA"]


def test_choosing_sms_sends_the_code(mfa: MfaKit) -> None:
    _sms_and_totp(mfa, preferred=False)
    chosen = _answer(mfa, mfa.start(), "ANSWER", "SMS_MFA")
    assert chosen.challenge_name is ChallengeName.SMS_MFA
    assert _answer(mfa, chosen, "SMS_MFA_CODE", mfa.code(PHONE)).tokens is not None


def test_choosing_totp_asks_for_the_authenticator_code(mfa: MfaKit) -> None:
    secret = _sms_and_totp(mfa, preferred=False)
    chosen = _answer(mfa, mfa.start(), "ANSWER", "SOFTWARE_TOKEN_MFA")
    assert chosen.challenge_name is ChallengeName.SOFTWARE_TOKEN_MFA
    assert mfa.answer_totp(chosen, secret).access_token


def test_email_mfa_is_the_answer_for_email_otp(mfa: MfaKit) -> None:
    mfa.confirmed()
    mfa.with_totp(preferred=False)
    mfa.pool.admin_set_user_mfa_preference("ann", email={"enabled": True})
    chosen = _answer(mfa, mfa.start(), "ANSWER", "EMAIL_MFA")
    assert chosen.challenge_name is ChallengeName.EMAIL_OTP


def test_choosing_a_factor_not_offered_is_refused(mfa: MfaKit) -> None:
    _sms_and_totp(mfa, preferred=False)
    with raises(MFAMethodNotFoundError):
        _answer(mfa, mfa.start(), "ANSWER", "EMAIL_OTP")


def test_the_preferred_factor_is_asked_directly(mfa: MfaKit) -> None:
    _sms_and_totp(mfa, preferred=True)
    assert mfa.start().challenge_name is ChallengeName.SOFTWARE_TOKEN_MFA


def test_a_factor_the_pool_stopped_offering_is_skipped(mfa: MfaKit) -> None:
    _sms_user(mfa)
    mfa.pool.set_mfa_config(sms=False)
    assert mfa.start().tokens is not None


# -- MFA required ------------------------------------------------------------------------


def test_mfa_on_sends_sms_to_a_user_with_a_phone_and_no_settings(svc: Cognito) -> None:
    kit = mfa_pool(svc, mfa_configuration="ON", mfa_factors={"sms": True})
    kit.phone_user()
    assert kit.start().challenge_name is ChallengeName.SMS_MFA


def test_mfa_on_lists_every_factor_the_pool_offers_for_setup(svc: Cognito) -> None:
    kit = mfa_pool(
        svc,
        mfa_configuration="ON",
        mfa_factors={"sms": True, "software_token": True, "email": False},
    )
    kit.confirmed(email="ann@example.com")
    result = kit.start()
    assert result.challenge_name is ChallengeName.MFA_SETUP
    assert result.challenge is not None
    assert json.loads(result.challenge.parameters["MFAS_CAN_SETUP"]) == [
        "SMS_MFA",
        "SOFTWARE_TOKEN_MFA",
    ]


def test_mfa_setup_with_an_email_sets_email_mfa_up(svc: Cognito) -> None:
    kit = mfa_pool(svc, mfa_configuration="ON", mfa_factors={"sms": False, "email": True})
    kit.pool.admin_create_user("bob", message_action="SUPPRESS", temporary_password=PASSWORD)
    kit.pool.admin_set_user_password("bob", PASSWORD, permanent=True)
    result = kit.start("bob")
    assert result.challenge_name is ChallengeName.MFA_SETUP
    sent = kit.auth.respond(
        kit.client.id,
        "MFA_SETUP",
        session=result.session,
        USERNAME="bob",
        EMAIL="bob@example.com",
    )
    assert sent.challenge_name is ChallengeName.EMAIL_OTP
    done = _answer(kit, sent, "EMAIL_OTP_CODE", kit.code("bob@example.com"), user="bob")
    assert done.tokens is not None
    user = kit.pool.admin_get_user("bob")
    assert user["email"] == "bob@example.com" and user["email_verified"] == "true"
    assert user.mfa_settings == (MfaFactor.EMAIL_OTP,)


def test_admin_sign_in_answers_mfa_through_admin_respond(mfa: MfaKit) -> None:
    _sms_user(mfa)
    result = mfa.auth.admin_initiate(
        mfa.client.id, "ADMIN_USER_PASSWORD_AUTH", USERNAME="ann", PASSWORD=PASSWORD
    )
    assert result.challenge_name is ChallengeName.SMS_MFA
    answered = mfa.auth.admin_respond(
        mfa.client.id,
        "SMS_MFA",
        session=result.session,
        USERNAME="ann",
        SMS_MFA_CODE=mfa.code(PHONE),
    )
    assert answered.tokens is not None


def test_srp_sign_in_goes_on_to_sms_mfa(mfa: MfaKit) -> None:
    _sms_user(mfa)
    srp = SrpClient(mfa.pool.id, "ann", PASSWORD)
    started = mfa.auth.initiate(mfa.client.id, "USER_SRP_AUTH", srp.auth_parameters())
    assert started.challenge is not None
    result = mfa.auth.respond(
        mfa.client.id,
        "PASSWORD_VERIFIER",
        srp.respond(started.challenge.parameters, mfa.clock.now()),
    )
    assert result.challenge_name is ChallengeName.SMS_MFA
    assert _answer(mfa, result, "SMS_MFA_CODE", mfa.code(PHONE)).tokens is not None


def test_a_completed_sign_in_clears_the_failure_count(mfa: MfaKit) -> None:
    _sms_user(mfa)
    result = mfa.start()
    code = mfa.code(PHONE)
    with raises(CodeMismatchError):
        _answer(mfa, result, "SMS_MFA_CODE", _wrong(code))
    _answer(mfa, result, "SMS_MFA_CODE", code)
    record = mfa.svc.store.get_user(mfa.pool.id, "ann")
    assert record is not None and record.failed_attempts == 0


def test_mfa_setup_with_an_email_needs_email_mfa_in_the_pool(svc: Cognito) -> None:
    kit = mfa_pool(svc, mfa_configuration="ON", mfa_factors={"software_token": True})
    kit.confirmed()
    result = kit.start()
    assert result.challenge_name is ChallengeName.MFA_SETUP
    with raises(InvalidParameterError, field="EMAIL"):
        kit.auth.respond(
            kit.client.id,
            "MFA_SETUP",
            session=result.session,
            USERNAME="ann",
            EMAIL="ann@example.org",
        )

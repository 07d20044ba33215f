"""Users' MFA preferences: SetUserMFAPreference, its admin form, the legacy SetUserSettings,
and what GetUser and GetUserAuthFactors report."""

from __future__ import annotations

from cogkit import AuthFactor, Cognito, MfaFactor, MfaPreference
from cogkit.errors import InvalidParameterError, NotAuthorizedError, UserNotFoundError
from tests.domain.conftest import MfaKit, mfa_pool
from tests.helpers import raises


def test_enabling_sms_needs_a_phone_number(mfa: MfaKit) -> None:
    tokens = mfa.session()
    with raises(InvalidParameterError, "User does not have delivery config set to turn on SMS_MFA"):
        mfa.auth.set_user_mfa_preference(tokens.access_token, sms={"enabled": True})


def test_enabling_sms_with_a_phone_number_shows_in_get_user(mfa: MfaKit) -> None:
    mfa.phone_user()
    tokens = mfa.sign_in()
    mfa.auth.set_user_mfa_preference(
        tokens.access_token, sms=MfaPreference(enabled=True, preferred=True)
    )
    user = mfa.auth.get_user(tokens.access_token)
    assert user.mfa_settings == (MfaFactor.SMS_MFA,)
    assert user.preferred_mfa == MfaFactor.SMS_MFA


def test_enabling_email_mfa_needs_the_pool_to_offer_it(svc: Cognito) -> None:
    kit = mfa_pool(svc, mfa_factors={"email": False})
    tokens = kit.session()
    with raises(InvalidParameterError, field="email_mfa_settings"):
        kit.auth.set_user_mfa_preference(tokens.access_token, email={"enabled": True})


def test_only_one_factor_can_be_preferred(mfa: MfaKit) -> None:
    mfa.phone_user()
    mfa.with_totp(preferred=False)
    with raises(InvalidParameterError):
        mfa.pool.admin_set_user_mfa_preference(
            "ann",
            sms={"enabled": True, "preferred": True},
            software_token={"enabled": True, "preferred": True},
        )


def test_a_disabled_factor_cannot_be_preferred(mfa: MfaKit) -> None:
    mfa.phone_user()
    with raises(InvalidParameterError):
        mfa.pool.admin_set_user_mfa_preference("ann", sms={"enabled": False, "preferred": True})


def test_preferring_a_factor_enables_it(mfa: MfaKit) -> None:
    mfa.phone_user()
    mfa.pool.admin_set_user_mfa_preference("ann", sms={"preferred": True})
    user = mfa.pool.admin_get_user("ann")
    assert (user.mfa_settings, user.preferred_mfa) == ((MfaFactor.SMS_MFA,), MfaFactor.SMS_MFA)


def test_disabling_the_preferred_factor_clears_the_preference(mfa: MfaKit) -> None:
    mfa.phone_user()
    mfa.pool.admin_set_user_mfa_preference("ann", sms={"enabled": True, "preferred": True})
    mfa.pool.admin_set_user_mfa_preference("ann", sms={"enabled": False})
    user = mfa.pool.admin_get_user("ann")
    assert (user.mfa_settings, user.preferred_mfa) == ((), None)


def test_a_factor_not_given_stays_as_it_is(mfa: MfaKit) -> None:
    mfa.phone_user()
    mfa.with_totp(preferred=True)
    mfa.pool.admin_set_user_mfa_preference("ann", sms={"enabled": True})
    user = mfa.pool.admin_get_user("ann")
    assert user.mfa_settings == (MfaFactor.SMS_MFA, MfaFactor.SOFTWARE_TOKEN_MFA)
    assert user.preferred_mfa == MfaFactor.SOFTWARE_TOKEN_MFA


def test_not_preferring_the_preferred_factor_keeps_it_enabled(mfa: MfaKit) -> None:
    mfa.confirmed()
    mfa.with_totp(preferred=True)
    mfa.pool.admin_set_user_mfa_preference("ann", software_token={"preferred": False})
    user = mfa.pool.admin_get_user("ann")
    assert (user.mfa_settings, user.preferred_mfa) == ((MfaFactor.SOFTWARE_TOKEN_MFA,), None)


def test_an_on_pool_refuses_disabling_every_factor(svc: Cognito) -> None:
    kit = mfa_pool(svc, mfa_configuration="ON")
    kit.phone_user()
    kit.pool.admin_set_user_mfa_preference("ann", sms={"enabled": True})
    with raises(InvalidParameterError, field="mfa_settings"):
        kit.pool.admin_set_user_mfa_preference("ann", sms={"enabled": False})


def test_preference_settings_are_checked(mfa: MfaKit) -> None:
    mfa.phone_user()
    with raises(InvalidParameterError, field="sms_mfa_settings.enabled"):
        mfa.pool.admin_set_user_mfa_preference("ann", sms={"enabled": "yes"})
    with raises(InvalidParameterError, field="sms_mfa_settings.always"):
        mfa.pool.admin_set_user_mfa_preference("ann", sms={"always": True})


def test_admin_preference_for_an_unknown_user_is_user_not_found(mfa: MfaKit) -> None:
    with raises(UserNotFoundError):
        mfa.pool.admin_set_user_mfa_preference("ghost", sms={"enabled": True})


def test_a_revoked_token_cannot_set_preferences(mfa: MfaKit) -> None:
    tokens = mfa.session()
    mfa.auth.global_sign_out(tokens.access_token)
    with raises(NotAuthorizedError):
        mfa.auth.set_user_mfa_preference(tokens.access_token, sms={"enabled": False})


# -- legacy SetUserSettings ----------------------------------------------------------------


def test_set_user_settings_turns_sms_mfa_on_and_off(mfa: MfaKit) -> None:
    mfa.phone_user()
    tokens = mfa.sign_in()
    mfa.auth.set_user_settings(
        tokens.access_token, [{"DeliveryMedium": "SMS", "AttributeName": "phone_number"}]
    )
    assert mfa.pool.admin_get_user("ann").mfa_settings == (MfaFactor.SMS_MFA,)
    mfa.auth.set_user_settings(tokens.access_token, [])
    assert mfa.pool.admin_get_user("ann").mfa_settings == ()


def test_set_user_settings_configures_only_sms(mfa: MfaKit) -> None:
    mfa.phone_user()
    with raises(InvalidParameterError, field="mfa_options"):
        mfa.pool.admin_set_user_settings(
            "ann", [{"DeliveryMedium": "EMAIL", "AttributeName": "email"}]
        )


def test_admin_set_user_settings_needs_a_phone_number(mfa: MfaKit) -> None:
    mfa.confirmed()
    with raises(InvalidParameterError):
        mfa.pool.admin_set_user_settings(
            "ann", [{"DeliveryMedium": "SMS", "AttributeName": "phone_number"}]
        )


# -- GetUserAuthFactors ----------------------------------------------------------------------


def test_auth_factors_report_mfa_and_the_password(mfa: MfaKit) -> None:
    mfa.confirmed()
    secret = mfa.with_totp(preferred=True)
    tokens = mfa.answer_totp(mfa.start(), secret)
    factors = mfa.auth.get_user_auth_factors(tokens.access_token)
    assert factors.username == "ann"
    assert factors.preferred_mfa is MfaFactor.SOFTWARE_TOKEN_MFA
    assert factors.mfa_settings == (MfaFactor.SOFTWARE_TOKEN_MFA,)
    assert factors.configured_factors == (AuthFactor.PASSWORD,)


def test_auth_factors_include_passwordless_ones_the_pool_allows(svc: Cognito) -> None:
    kit = mfa_pool(
        svc,
        sign_in_policy={"allowed_first_auth_factors": ["PASSWORD", "EMAIL_OTP", "SMS_OTP"]},
    )
    tokens = kit.session()
    factors = kit.auth.get_user_auth_factors(tokens.access_token)
    # The email is verified (confirmed at sign-up); there is no phone number.
    assert factors.configured_factors == (AuthFactor.PASSWORD, AuthFactor.EMAIL_OTP)

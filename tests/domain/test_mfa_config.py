"""A pool's MFA configuration, device tracking and sign-in policy, and their rules."""

from __future__ import annotations

import pytest

from cogkit import (
    AuthFactor,
    Cognito,
    DeviceConfiguration,
    MfaFactor,
    MfaFactors,
    SignInPolicy,
)
from cogkit.domain.enums import MfaConfiguration
from cogkit.errors import FeatureUnavailableInTierError, InvalidParameterError
from cogkit.testing import make_cognito
from tests.domain.conftest import SES
from tests.helpers import raises


def test_a_new_pool_has_mfa_off_no_factors_and_no_device_tracking(svc: Cognito) -> None:
    config = svc.create_user_pool("app").config
    assert config.mfa_configuration is MfaConfiguration.OFF
    assert config.mfa_factors == MfaFactors()
    assert config.mfa_factors.enabled == ()
    assert config.device_configuration is None
    assert config.sign_in_policy == SignInPolicy((AuthFactor.PASSWORD,))


def test_mfa_on_needs_a_factor(svc: Cognito) -> None:
    with raises(InvalidParameterError, field="mfa_configuration"):
        svc.create_user_pool("app", mfa_configuration="ON")


def test_mfa_on_with_software_tokens_is_accepted(svc: Cognito) -> None:
    pool = svc.create_user_pool("app", mfa_configuration="ON", mfa_factors={"software_token": True})
    assert pool.config.mfa_factors.enabled == (MfaFactor.SOFTWARE_TOKEN_MFA,)


def test_mfa_optional_without_factors_is_accepted(svc: Cognito) -> None:
    pool = svc.create_user_pool("app", mfa_configuration="OPTIONAL")
    assert pool.config.mfa_configuration is MfaConfiguration.OPTIONAL


def test_set_mfa_config_changes_only_what_it_is_given(svc: Cognito) -> None:
    pool = svc.create_user_pool("app")
    pool.set_mfa_config(software_token=True, mfa_configuration="ON", sms_message="Code {####}")
    config = pool.set_mfa_config(sms=True)
    assert config.mfa_configuration is MfaConfiguration.ON
    assert config.software_token is True
    assert config.sms is True
    assert config.sms_message == "Code {####}"
    assert config.email is False


def test_set_mfa_config_refuses_turning_off_the_last_factor_of_an_on_pool(svc: Cognito) -> None:
    pool = svc.create_user_pool("app")
    pool.set_mfa_config(software_token=True, mfa_configuration="ON")
    with raises(InvalidParameterError, field="mfa_configuration"):
        pool.set_mfa_config(software_token=False)
    assert pool.mfa_config().software_token is True


def test_the_sms_message_has_cognitos_default(svc: Cognito) -> None:
    pool = svc.create_user_pool("app")
    assert pool.mfa_config().sms_message == "Your authentication code is {####}. "


def test_an_sms_message_without_the_code_placeholder_is_refused(svc: Cognito) -> None:
    pool = svc.create_user_pool("app")
    with raises(InvalidParameterError, field="sms_authentication_message"):
        pool.set_mfa_config(sms=True, sms_message="Your code is ready")


def test_email_mfa_needs_ses_sending(svc: Cognito) -> None:
    pool = svc.create_user_pool("app")
    with raises(InvalidParameterError, field="mfa_factors.email"):
        pool.set_mfa_config(email=True)


def test_email_mfa_needs_the_essentials_tier(svc: Cognito) -> None:
    pool = svc.create_user_pool("app", tier="LITE", email_configuration=SES)
    with raises(FeatureUnavailableInTierError):
        pool.set_mfa_config(email=True)


def test_email_mfa_with_ses_keeps_its_template(svc: Cognito) -> None:
    pool = svc.create_user_pool("app", email_configuration=SES)
    config = pool.set_mfa_config(
        email=True, email_message="Sign in with {####}", email_subject="Your code"
    )
    assert (config.email, config.email_message, config.email_subject) == (
        True,
        "Sign in with {####}",
        "Your code",
    )


def test_an_email_mfa_message_without_the_placeholder_is_refused(svc: Cognito) -> None:
    pool = svc.create_user_pool("app", email_configuration=SES)
    with raises(InvalidParameterError, field="mfa_factors.email_message"):
        pool.set_mfa_config(email=True, email_message="no code here")


def test_unknown_mfa_factor_fields_are_refused(svc: Cognito) -> None:
    with raises(InvalidParameterError, field="mfa_factors.voice"):
        svc.create_user_pool("app", mfa_factors={"voice": True})


def test_device_configuration_turns_tracking_on_and_false_turns_it_off(svc: Cognito) -> None:
    pool = svc.create_user_pool(
        "app", device_configuration={"device_only_remembered_on_user_prompt": True}
    )
    assert pool.config.device_configuration == DeviceConfiguration(
        challenge_required_on_new_device=False, device_only_remembered_on_user_prompt=True
    )
    pool.update(device_configuration=False)
    assert pool.config.device_configuration is None


def test_device_configuration_values_must_be_booleans(svc: Cognito) -> None:
    with raises(
        InvalidParameterError, field="device_configuration.challenge_required_on_new_device"
    ):
        svc.create_user_pool(
            "app", device_configuration={"challenge_required_on_new_device": "yes"}
        )


def test_the_sign_in_policy_must_include_password(svc: Cognito) -> None:
    with raises(InvalidParameterError, field="sign_in_policy.allowed_first_auth_factors"):
        svc.create_user_pool("app", sign_in_policy={"allowed_first_auth_factors": ["EMAIL_OTP"]})


def test_passwordless_factors_need_the_essentials_tier(svc: Cognito) -> None:
    with raises(FeatureUnavailableInTierError):
        svc.create_user_pool(
            "app",
            tier="LITE",
            sign_in_policy={"allowed_first_auth_factors": ["PASSWORD", "EMAIL_OTP"]},
        )


def test_passwordless_codes_cannot_be_combined_with_required_mfa(svc: Cognito) -> None:
    with raises(InvalidParameterError, field="sign_in_policy.allowed_first_auth_factors"):
        svc.create_user_pool(
            "app",
            mfa_configuration="ON",
            mfa_factors={"software_token": True},
            sign_in_policy={"allowed_first_auth_factors": ["PASSWORD", "SMS_OTP"]},
        )


def test_duplicate_first_factors_are_refused(svc: Cognito) -> None:
    with raises(InvalidParameterError, field="sign_in_policy.allowed_first_auth_factors"):
        svc.create_user_pool(
            "app", sign_in_policy={"allowed_first_auth_factors": ["PASSWORD", "PASSWORD"]}
        )


@pytest.mark.parametrize(
    "change",
    [
        {"mfa_factors": {"software_token": True}, "mfa_configuration": "ON"},
        {"device_configuration": {"challenge_required_on_new_device": True}},
        {"sign_in_policy": {"allowed_first_auth_factors": ["PASSWORD", "EMAIL_OTP"]}},
    ],
)
def test_security_settings_are_seen_by_another_service_on_the_store(
    svc: Cognito, change: dict[str, object]
) -> None:
    pool = svc.create_user_pool("app", **change)  # type: ignore[arg-type]
    twin = make_cognito(store=svc.store).user_pool(pool.id)
    assert twin.config == pool.config

"""Sign-in security settings of a user pool: the MFA factors it offers, device tracking and
the first factors of choice-based sign-in (spec §3.7, §8.1, §8.5).

These are frozen values kept inside ``UserPoolConfig``; ``check_pool`` holds the rules that
tie them to the rest of the configuration (MFA ``ON`` needs a factor, email MFA and
passwordless factors need the Essentials tier, ...).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import attrs

from cogkit.domain import _validate as v
from cogkit.domain.enums import (
    AuthFactor,
    MfaConfiguration,
    MfaFactor,
    UserPoolTier,
    UserVerification,
    WebAuthnFactorConfiguration,
)
from cogkit.errors import FeatureUnavailableInTierError, InvalidParameterError

if TYPE_CHECKING:
    from cogkit.domain.config import UserPoolConfig

__all__ = ["DeviceConfiguration", "MfaFactors", "SignInPolicy", "WebAuthnConfiguration"]

#: Cognito's SMS authentication message when a pool sets none.
DEFAULT_SMS_AUTHENTICATION_MESSAGE = "Your authentication code is {####}. "
DEFAULT_EMAIL_MFA_MESSAGE = "Your authentication code is {####}. "
DEFAULT_EMAIL_MFA_SUBJECT = "Your authentication code"

_CODE_TEMPLATE = re.compile(r".*\{####\}.*", re.S)
#: A relying party ID: a host name (WebAuthn §5.4.2 ``rp.id`` is a valid domain string).
_RP_ID = re.compile(
    r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*"
)


@attrs.frozen
class MfaFactors:
    """The second factors a pool offers (``SetUserPoolMfaConfig``).

    ``sms``: SMS codes (``SmsMfaConfiguration``; the text is the pool's
    ``sms_authentication_message``).  ``software_token``: authenticator apps (TOTP).
    ``email``: email codes (``EmailMfaConfiguration``, Essentials tier, SES sending).
    """

    sms: bool = False
    software_token: bool = False
    email: bool = False
    email_message: str = DEFAULT_EMAIL_MFA_MESSAGE
    email_subject: str = DEFAULT_EMAIL_MFA_SUBJECT

    @property
    def enabled(self) -> tuple[MfaFactor, ...]:
        """The factors on offer, in Cognito's order."""
        flags = (
            (MfaFactor.SMS_MFA, self.sms),
            (MfaFactor.SOFTWARE_TOKEN_MFA, self.software_token),
            (MfaFactor.EMAIL_OTP, self.email),
        )
        return tuple(factor for factor, on in flags if on)


@attrs.frozen
class DeviceConfiguration:
    """``DeviceConfiguration``: its presence turns device tracking on.

    ``challenge_required_on_new_device``: a remembered device signs in with device
    authentication instead of an MFA code.  ``device_only_remembered_on_user_prompt``:
    a confirmed device is remembered only once ``update_device_status`` says so.
    """

    challenge_required_on_new_device: bool = False
    device_only_remembered_on_user_prompt: bool = False


@attrs.frozen
class SignInPolicy:
    """``Policies.SignInPolicy``: the first factors ``USER_AUTH`` may offer."""

    allowed_first_auth_factors: tuple[AuthFactor, ...] = (AuthFactor.PASSWORD,)


@attrs.frozen
class WebAuthnConfiguration:
    """``WebAuthnConfiguration``: passkeys of the pool (``SetUserPoolMfaConfig``).

    ``relying_party_id``: the domain passkeys are made for; ``None`` uses the pool's custom
    domain, else its prefix domain.  ``user_verification``: ``required`` refuses passkeys
    that did not verify the user (PIN, biometrics).  ``factor_configuration``:
    ``MULTI_FACTOR_WITH_USER_VERIFICATION`` lets a passkey that verified the user stand
    for MFA (and users turn passkey MFA on with ``set_user_mfa_preference``).

    .. versionadded:: 0.1
    """

    relying_party_id: str | None = None
    user_verification: UserVerification = UserVerification.PREFERRED
    factor_configuration: WebAuthnFactorConfiguration = WebAuthnFactorConfiguration.SINGLE_FACTOR


def web_authn(value: Any, base: WebAuthnConfiguration) -> WebAuthnConfiguration:
    """``WebAuthnConfiguration`` from an instance or a mapping of its fields (merged into
    ``base``)."""
    if isinstance(value, WebAuthnConfiguration):
        given = {f.name: getattr(value, f.name) for f in attrs.fields(WebAuthnConfiguration)}
    else:
        given = dict(v.mapping("web_authn", value))
        v.no_unknown("web_authn", given, [f.name for f in attrs.fields(WebAuthnConfiguration)])
    rp_id = given.get("relying_party_id")
    if rp_id is not None:
        v.string("web_authn.relying_party_id", rp_id, min_len=1, max_len=127, pattern=_RP_ID)
    if "user_verification" in given:
        given["user_verification"] = v.enum(
            "web_authn.user_verification", given["user_verification"], UserVerification
        )
    if "factor_configuration" in given:
        given["factor_configuration"] = v.enum(
            "web_authn.factor_configuration",
            given["factor_configuration"],
            WebAuthnFactorConfiguration,
        )
    return attrs.evolve(base, **given)


def mfa_factors(value: Any, base: MfaFactors) -> MfaFactors:
    """``MfaFactors`` from an instance or a mapping of its fields (merged into ``base``)."""
    if isinstance(value, MfaFactors):
        given = attrs.asdict(value)
    else:
        given = dict(v.mapping("mfa_factors", value))
        v.no_unknown("mfa_factors", given, [f.name for f in attrs.fields(MfaFactors)])
    for flag in ("sms", "software_token", "email"):
        if flag in given:
            v.boolean(f"mfa_factors.{flag}", given[flag])
    if "email_message" in given:
        v.string(
            "mfa_factors.email_message",
            given["email_message"],
            min_len=6,
            max_len=20000,
            pattern=_CODE_TEMPLATE,
        )
    if "email_subject" in given:
        v.string("mfa_factors.email_subject", given["email_subject"], min_len=1, max_len=140)
    return attrs.evolve(base, **given)


def device_configuration(value: Any) -> DeviceConfiguration | None:
    """A ``DeviceConfiguration``, or ``None`` (tracking off) for ``False``."""
    if value is False:
        return None
    if isinstance(value, DeviceConfiguration):
        return value
    given = v.mapping("device_configuration", value)
    names = [f.name for f in attrs.fields(DeviceConfiguration)]
    v.no_unknown("device_configuration", given, names)
    for name in names:
        if name in given:
            v.boolean(f"device_configuration.{name}", given[name])
    return DeviceConfiguration(**given)


def sign_in_policy(value: Any) -> SignInPolicy:
    if isinstance(value, SignInPolicy):
        factors = value.allowed_first_auth_factors
    else:
        given = v.mapping("sign_in_policy", value)
        v.no_unknown("sign_in_policy", given, ["allowed_first_auth_factors"])
        factors = v.enum_list(
            "sign_in_policy.allowed_first_auth_factors",
            given.get("allowed_first_auth_factors", ("PASSWORD",)),
            AuthFactor,
        )
    if not 1 <= len(factors) <= 4 or len(set(factors)) != len(factors):
        raise InvalidParameterError(
            "allowed_first_auth_factors takes one to four distinct factors",
            field="sign_in_policy.allowed_first_auth_factors",
        )
    if AuthFactor.PASSWORD not in factors:
        raise InvalidParameterError(
            "allowed_first_auth_factors must include PASSWORD",
            field="sign_in_policy.allowed_first_auth_factors",
        )
    return SignInPolicy(tuple(factors))


def check_pool(config: UserPoolConfig) -> None:
    """The rules between the security settings and the rest of a pool's configuration."""
    factors = config.mfa_factors
    # fidelity: Cognito's CreateUserPool also refuses OPTIONAL without an SMS
    # configuration; cogkit accepts it (nobody can enable a factor until the pool offers
    # one), so a pool can be made first and given factors with set_mfa_config.
    if config.mfa_configuration is MfaConfiguration.ON and not factors.enabled:
        raise InvalidParameterError(
            "MFA is ON but the user pool offers no second factor: configure SMS, software "
            "token or email MFA.",
            field="mfa_configuration",
        )
    if factors.email:
        if config.tier is UserPoolTier.LITE:
            raise FeatureUnavailableInTierError(
                "Email MFA requires the Essentials or Plus feature plan."
            )
        if config.email_configuration.get("EmailSendingAccount") != "DEVELOPER":
            raise InvalidParameterError(
                "Email MFA requires the user pool to send email with Amazon SES "
                "(EmailSendingAccount DEVELOPER).",
                field="mfa_factors.email",
            )
    multi = WebAuthnFactorConfiguration.MULTI_FACTOR_WITH_USER_VERIFICATION
    if config.web_authn.factor_configuration is multi and config.tier is UserPoolTier.LITE:
        raise FeatureUnavailableInTierError(
            "Passkey MFA (FactorConfiguration MULTI_FACTOR_WITH_USER_VERIFICATION) requires "
            "the Essentials or Plus feature plan."
        )
    passwordless = set(config.sign_in_policy.allowed_first_auth_factors) - {AuthFactor.PASSWORD}
    if passwordless:
        if config.tier is UserPoolTier.LITE:
            raise FeatureUnavailableInTierError(
                "Choice-based sign-in with passwordless factors requires the Essentials or "
                "Plus feature plan."
            )
        if config.mfa_configuration is MfaConfiguration.ON and passwordless & {
            AuthFactor.EMAIL_OTP,
            AuthFactor.SMS_OTP,
        }:
            raise InvalidParameterError(
                "Passwordless one-time-password sign-in cannot be combined with required MFA.",
                field="sign_in_policy.allowed_first_auth_factors",
            )

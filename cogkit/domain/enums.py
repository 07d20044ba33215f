"""Cognito's enumerations.  The values are the wire strings; the names are Python's."""

from __future__ import annotations

from enum import StrEnum

__all__ = [
    "AdvancedSecurityMode",
    "AliasAttribute",
    "AttributeType",
    "AuthFactor",
    "AuthFlowType",
    "ChallengeName",
    "DefaultEmailOption",
    "DeletionProtection",
    "DeviceRememberedStatus",
    "ExplicitAuthFlow",
    "FeatureState",
    "LambdaVersion",
    "MessageAction",
    "MfaConfiguration",
    "MfaFactor",
    "PreventUserExistenceErrors",
    "RecoveryOption",
    "TimeUnit",
    "UserPoolTier",
    "UserStatus",
    "UserVerification",
    "UsernameAttribute",
    "VerifiedAttribute",
    "WebAuthnFactorConfiguration",
]


class UserStatus(StrEnum):
    UNCONFIRMED = "UNCONFIRMED"
    CONFIRMED = "CONFIRMED"
    ARCHIVED = "ARCHIVED"
    COMPROMISED = "COMPROMISED"
    UNKNOWN = "UNKNOWN"
    RESET_REQUIRED = "RESET_REQUIRED"
    FORCE_CHANGE_PASSWORD = "FORCE_CHANGE_PASSWORD"
    EXTERNAL_PROVIDER = "EXTERNAL_PROVIDER"


class AttributeType(StrEnum):
    STRING = "String"
    NUMBER = "Number"
    DATETIME = "DateTime"
    BOOLEAN = "Boolean"


class MfaConfiguration(StrEnum):
    OFF = "OFF"
    ON = "ON"
    OPTIONAL = "OPTIONAL"


class DeletionProtection(StrEnum):
    ACTIVE = "ACTIVE"
    INACTIVE = "INACTIVE"


class LambdaVersion(StrEnum):
    """``PreTokenGenerationConfig.LambdaVersion``: which pre-token-generation event."""

    V1_0 = "V1_0"
    V2_0 = "V2_0"
    V3_0 = "V3_0"


class UserPoolTier(StrEnum):
    LITE = "LITE"
    ESSENTIALS = "ESSENTIALS"
    PLUS = "PLUS"


class AdvancedSecurityMode(StrEnum):
    """``UserPoolAddOns.AdvancedSecurityMode``: threat protection."""

    OFF = "OFF"
    AUDIT = "AUDIT"
    ENFORCED = "ENFORCED"


class UsernameAttribute(StrEnum):
    EMAIL = "email"
    PHONE_NUMBER = "phone_number"


class AliasAttribute(StrEnum):
    EMAIL = "email"
    PHONE_NUMBER = "phone_number"
    PREFERRED_USERNAME = "preferred_username"


class VerifiedAttribute(StrEnum):
    EMAIL = "email"
    PHONE_NUMBER = "phone_number"


class RecoveryOption(StrEnum):
    VERIFIED_EMAIL = "verified_email"
    VERIFIED_PHONE_NUMBER = "verified_phone_number"
    ADMIN_ONLY = "admin_only"


class DefaultEmailOption(StrEnum):
    CONFIRM_WITH_LINK = "CONFIRM_WITH_LINK"
    CONFIRM_WITH_CODE = "CONFIRM_WITH_CODE"


class ExplicitAuthFlow(StrEnum):
    ADMIN_NO_SRP_AUTH = "ADMIN_NO_SRP_AUTH"
    CUSTOM_AUTH_FLOW_ONLY = "CUSTOM_AUTH_FLOW_ONLY"
    USER_PASSWORD_AUTH = "USER_PASSWORD_AUTH"
    ALLOW_ADMIN_USER_PASSWORD_AUTH = "ALLOW_ADMIN_USER_PASSWORD_AUTH"
    ALLOW_CUSTOM_AUTH = "ALLOW_CUSTOM_AUTH"
    ALLOW_USER_PASSWORD_AUTH = "ALLOW_USER_PASSWORD_AUTH"
    ALLOW_USER_SRP_AUTH = "ALLOW_USER_SRP_AUTH"
    ALLOW_REFRESH_TOKEN_AUTH = "ALLOW_REFRESH_TOKEN_AUTH"
    ALLOW_USER_AUTH = "ALLOW_USER_AUTH"

    @property
    def legacy(self) -> bool:
        return not self.value.startswith("ALLOW_")


class PreventUserExistenceErrors(StrEnum):
    LEGACY = "LEGACY"
    ENABLED = "ENABLED"


class FeatureState(StrEnum):
    """``FeatureType``: a client feature switched on or off (refresh-token rotation)."""

    ENABLED = "ENABLED"
    DISABLED = "DISABLED"


class TimeUnit(StrEnum):
    SECONDS = "seconds"
    MINUTES = "minutes"
    HOURS = "hours"
    DAYS = "days"

    @property
    def seconds(self) -> int:
        return {"seconds": 1, "minutes": 60, "hours": 3600, "days": 86400}[self.value]


class AuthFlowType(StrEnum):
    USER_SRP_AUTH = "USER_SRP_AUTH"
    REFRESH_TOKEN_AUTH = "REFRESH_TOKEN_AUTH"
    REFRESH_TOKEN = "REFRESH_TOKEN"
    CUSTOM_AUTH = "CUSTOM_AUTH"
    ADMIN_NO_SRP_AUTH = "ADMIN_NO_SRP_AUTH"
    USER_PASSWORD_AUTH = "USER_PASSWORD_AUTH"
    ADMIN_USER_PASSWORD_AUTH = "ADMIN_USER_PASSWORD_AUTH"
    USER_AUTH = "USER_AUTH"


class ChallengeName(StrEnum):
    SMS_MFA = "SMS_MFA"
    EMAIL_OTP = "EMAIL_OTP"
    SOFTWARE_TOKEN_MFA = "SOFTWARE_TOKEN_MFA"
    SELECT_MFA_TYPE = "SELECT_MFA_TYPE"
    MFA_SETUP = "MFA_SETUP"
    PASSWORD_VERIFIER = "PASSWORD_VERIFIER"
    CUSTOM_CHALLENGE = "CUSTOM_CHALLENGE"
    SELECT_CHALLENGE = "SELECT_CHALLENGE"
    DEVICE_SRP_AUTH = "DEVICE_SRP_AUTH"
    DEVICE_PASSWORD_VERIFIER = "DEVICE_PASSWORD_VERIFIER"
    ADMIN_NO_SRP_AUTH = "ADMIN_NO_SRP_AUTH"
    NEW_PASSWORD_REQUIRED = "NEW_PASSWORD_REQUIRED"
    SMS_OTP = "SMS_OTP"
    PASSWORD = "PASSWORD"
    WEB_AUTHN = "WEB_AUTHN"
    PASSWORD_SRP = "PASSWORD_SRP"


class MessageAction(StrEnum):
    RESEND = "RESEND"
    SUPPRESS = "SUPPRESS"


class MfaFactor(StrEnum):
    """A second factor a user can enable (``UserMFASettingList`` entries)."""

    SMS_MFA = "SMS_MFA"
    SOFTWARE_TOKEN_MFA = "SOFTWARE_TOKEN_MFA"
    EMAIL_OTP = "EMAIL_OTP"


class AuthFactor(StrEnum):
    """A first factor of choice-based sign-in (``AllowedFirstAuthFactors``)."""

    PASSWORD = "PASSWORD"
    EMAIL_OTP = "EMAIL_OTP"
    SMS_OTP = "SMS_OTP"
    WEB_AUTHN = "WEB_AUTHN"


class UserVerification(StrEnum):
    """``WebAuthnConfiguration.UserVerification``: whether passkeys must verify the user."""

    REQUIRED = "required"
    PREFERRED = "preferred"


class WebAuthnFactorConfiguration(StrEnum):
    """``WebAuthnConfiguration.FactorConfiguration``: whether a passkey that verified the
    user also counts as MFA."""

    SINGLE_FACTOR = "SINGLE_FACTOR"
    MULTI_FACTOR_WITH_USER_VERIFICATION = "MULTI_FACTOR_WITH_USER_VERIFICATION"


class DeviceRememberedStatus(StrEnum):
    REMEMBERED = "remembered"
    NOT_REMEMBERED = "not_remembered"

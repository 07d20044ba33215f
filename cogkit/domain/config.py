"""User pool and app client configuration: frozen values with Cognito's defaults.

``pool_config(...)`` and ``client_config(...)`` build and check them from keyword
arguments; every bad value raises ``InvalidParameterError`` naming the argument.
"""

from __future__ import annotations

import re
import string as _string
from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

import attrs

from cogkit.domain import _validate as v
from cogkit.domain import security_config as security
from cogkit.domain.attributes import STANDARD_ATTRIBUTES, SchemaAttribute, build_schema
from cogkit.domain.enums import (
    AdvancedSecurityMode,
    AliasAttribute,
    DefaultEmailOption,
    DeletionProtection,
    ExplicitAuthFlow,
    FeatureState,
    LambdaVersion,
    MfaConfiguration,
    PreventUserExistenceErrors,
    RecoveryOption,
    TimeUnit,
    UsernameAttribute,
    UserPoolTier,
    VerifiedAttribute,
)
from cogkit.domain.security_config import (
    DeviceConfiguration,
    MfaFactors,
    SignInPolicy,
    WebAuthnConfiguration,
)
from cogkit.domain.triggers import Trigger
from cogkit.errors import FeatureUnavailableInTierError, InvalidParameterError

__all__ = [
    "ClientSecret",
    "ClientSettings",
    "InvitationTemplate",
    "LambdaConfig",
    "PasswordPolicy",
    "RecoveryMechanism",
    "RefreshTokenRotation",
    "UserPoolConfig",
    "VerificationTemplate",
]

T = TypeVar("T")


class _Reset:
    """The value that sets a setting back to its default (as an update that omits a member
    does in Cognito)."""

    def __repr__(self) -> str:
        return "RESET"


#: Pass as a setting's value to set it back to its default.
RESET: Any = _Reset()


def _default_of(cls: type, name: str) -> Any:
    default: Any = attrs.fields_dict(cls)[name].default
    factory = getattr(default, "factory", None)  # an attrs.Factory default
    return factory() if callable(factory) else default


#: Cognito's password symbol set (plus inner spaces, which count as symbols).
PASSWORD_SYMBOLS = frozenset("^$*.[]{}()?\"!@#%&/\\,><':;|_~`=+- ")


@attrs.frozen
class PasswordPolicy:
    """``Policies.PasswordPolicy``; the defaults are those of a pool created without one."""

    minimum_length: int = 8
    require_uppercase: bool = True
    require_lowercase: bool = True
    require_numbers: bool = True
    require_symbols: bool = True
    password_history_size: int = 0
    temporary_password_validity_days: int = 7

    def violation(self, password: str) -> str | None:
        """Cognito's message for the first rule ``password`` breaks, or ``None``."""
        if len(password) < self.minimum_length:
            return "Password did not conform with policy: Password not long enough"
        if self.require_uppercase and not any(c in _string.ascii_uppercase for c in password):
            return "Password did not conform with policy: Password must have uppercase characters"
        if self.require_lowercase and not any(c in _string.ascii_lowercase for c in password):
            return "Password did not conform with policy: Password must have lowercase characters"
        if self.require_numbers and not any(c in _string.digits for c in password):
            return "Password did not conform with policy: Password must have numeric characters"
        if self.require_symbols and not any(c in PASSWORD_SYMBOLS for c in password):
            return "Password did not conform with policy: Password must have symbol characters"
        return None


@attrs.frozen
class VerificationTemplate:
    """``VerificationMessageTemplate``: the message carrying a verification code."""

    sms_message: str = "Your verification code is {####}. "
    email_message: str = "Your verification code is {####}. "
    email_subject: str = "Your verification code"
    email_message_by_link: str = (
        "Please click the link below to verify your email address. {##Verify Email##} "
    )
    email_subject_by_link: str = "Your verification link"
    default_email_option: DefaultEmailOption = DefaultEmailOption.CONFIRM_WITH_CODE


@attrs.frozen
class InvitationTemplate:
    """``AdminCreateUserConfig.InviteMessageTemplate``: the invitation with a temporary
    password (``{####}``) and the username (``{username}``)."""

    sms_message: str = "Your username is {username} and temporary password is {####}. "
    email_message: str = "Your username is {username} and temporary password is {####}. "
    email_subject: str = "Your temporary password"


@attrs.frozen
class RecoveryMechanism:
    name: RecoveryOption
    priority: int


@attrs.frozen
class LambdaConfig:
    """``LambdaConfig``: the Lambda ARN each trigger runs, by trigger name
    (``{"PreSignUp": "arn:aws:lambda:..."}``), the pre-token-generation event version and
    the KMS key custom senders encrypt codes with.

    The ARNs run the handlers bound with ``Cognito.register_lambda``; a handler registered
    on the pool itself (``UserPool.trigger``) wins over the ARN.
    """

    triggers: Mapping[str, str] = attrs.field(factory=dict)
    pre_token_generation_version: LambdaVersion = LambdaVersion.V1_0
    kms_key_id: str | None = None

    def arn(self, trigger: Trigger) -> str | None:
        return self.triggers.get(trigger.value)


@attrs.frozen
class UserPoolConfig:
    """Everything that configures a user pool."""

    password_policy: PasswordPolicy = PasswordPolicy()
    schema: tuple[SchemaAttribute, ...] = tuple(STANDARD_ATTRIBUTES.values())
    username_attributes: tuple[UsernameAttribute, ...] = ()
    alias_attributes: tuple[AliasAttribute, ...] = ()
    auto_verified_attributes: tuple[VerifiedAttribute, ...] = ()
    case_sensitive: bool = True
    deletion_protection: DeletionProtection = DeletionProtection.INACTIVE
    mfa_configuration: MfaConfiguration = MfaConfiguration.OFF
    allow_admin_create_user_only: bool = False
    unused_account_validity_days: int | None = None
    verification: VerificationTemplate = VerificationTemplate()
    invitation: InvitationTemplate = InvitationTemplate()
    sms_authentication_message: str | None = None
    account_recovery: tuple[RecoveryMechanism, ...] = ()
    attributes_require_verification_before_update: tuple[VerifiedAttribute, ...] = ()
    tier: UserPoolTier = UserPoolTier.ESSENTIALS
    #: Threat protection (``UserPoolAddOns.AdvancedSecurityMode``); AUDIT records each
    #: user's auth events (``UserPool.admin_list_user_auth_events``).
    advanced_security_mode: AdvancedSecurityMode = AdvancedSecurityMode.OFF
    tags: Mapping[str, str] = attrs.field(factory=dict)
    #: How AWS itself would send mail and SMS (SES, SNS).  cogkit delivers through its
    #: ``MessageSender`` whatever these say; they are kept so DescribeUserPool shows them.
    email_configuration: Mapping[str, Any] = attrs.field(factory=dict)
    sms_configuration: Mapping[str, Any] = attrs.field(factory=dict)
    lambda_config: LambdaConfig = LambdaConfig()
    #: Second factors on offer, device tracking (``None``: off) and USER_AUTH's first
    #: factors: see ``cogkit.domain.security_config``.
    mfa_factors: MfaFactors = attrs.field(factory=MfaFactors)
    device_configuration: DeviceConfiguration | None = None
    sign_in_policy: SignInPolicy = attrs.field(factory=SignInPolicy)
    #: Passkeys: relying party, user verification, whether they stand for MFA.
    web_authn: WebAuthnConfiguration = attrs.field(factory=WebAuthnConfiguration)

    def attribute(self, name: str) -> SchemaAttribute | None:
        for attribute in self.schema:
            if attribute.name == name:
                return attribute
        return None

    @property
    def required_attributes(self) -> tuple[str, ...]:
        return tuple(a.name for a in self.schema if a.required and a.name != "sub")

    @property
    def temporary_password_days(self) -> int:
        days = self.password_policy.temporary_password_validity_days
        if days:
            return days
        return self.unused_account_validity_days or 7


def _value(field: str, value: Any, cls: type[T]) -> T:
    """An attrs value from an instance or a mapping of its (snake_case) field names."""
    if isinstance(value, cls):
        return value
    data = v.mapping(field, value)
    v.no_unknown(field, data, [f.name for f in attrs.fields(cls)])  # type: ignore[arg-type]
    merged: T = attrs.evolve(cls(), **data)  # type: ignore[misc]
    return merged


def _password_policy(value: Any) -> PasswordPolicy:
    policy = _value("password_policy", value, PasswordPolicy)
    v.integer("password_policy.minimum_length", policy.minimum_length, minimum=6, maximum=99)
    for flag in ("require_uppercase", "require_lowercase", "require_numbers", "require_symbols"):
        v.boolean(f"password_policy.{flag}", getattr(policy, flag))
    v.integer(
        "password_policy.password_history_size", policy.password_history_size, minimum=0, maximum=24
    )
    v.integer(
        "password_policy.temporary_password_validity_days",
        policy.temporary_password_validity_days,
        minimum=0,
        maximum=365,
    )
    return policy


_CODE_TEMPLATE = re.compile(r".*\{####\}.*", re.S)
_LINK_TEMPLATE = re.compile(r".*\{##.*##\}.*", re.S)


def _verification(value: Any) -> VerificationTemplate:
    template = _value("verification", value, VerificationTemplate)
    v.string(
        "verification.sms_message",
        template.sms_message,
        min_len=6,
        max_len=140,
        pattern=_CODE_TEMPLATE,
    )
    v.string(
        "verification.email_message",
        template.email_message,
        min_len=6,
        max_len=20000,
        pattern=_CODE_TEMPLATE,
    )
    v.string("verification.email_subject", template.email_subject, min_len=1, max_len=140)
    v.string(
        "verification.email_message_by_link",
        template.email_message_by_link,
        min_len=6,
        max_len=20000,
        pattern=_LINK_TEMPLATE,
    )
    v.string(
        "verification.email_subject_by_link", template.email_subject_by_link, min_len=1, max_len=140
    )
    return attrs.evolve(
        template,
        default_email_option=v.enum(
            "verification.default_email_option", template.default_email_option, DefaultEmailOption
        ),
    )


def _invitation(value: Any) -> InvitationTemplate:
    template = _value("invitation", value, InvitationTemplate)
    v.string(
        "invitation.sms_message",
        template.sms_message,
        min_len=6,
        max_len=140,
        pattern=_CODE_TEMPLATE,
    )
    v.string(
        "invitation.email_message",
        template.email_message,
        min_len=6,
        max_len=20000,
        pattern=_CODE_TEMPLATE,
    )
    v.string("invitation.email_subject", template.email_subject, min_len=1, max_len=140)
    return template


def _recovery(value: Any) -> tuple[RecoveryMechanism, ...]:
    if isinstance(value, str | bytes) or not isinstance(value, Iterable):
        raise InvalidParameterError(
            "account_recovery must be a list of mechanisms", field="account_recovery"
        )
    items: list[RecoveryMechanism] = []
    for index, item in enumerate(value):
        field = f"account_recovery[{index}]"
        if isinstance(item, RecoveryMechanism):
            mechanism = item
        else:
            data = v.mapping(field, item)
            v.no_unknown(field, data, ["name", "priority"])
            mechanism = RecoveryMechanism(
                v.enum(f"{field}.name", data.get("name"), RecoveryOption),
                v.integer(f"{field}.priority", data.get("priority"), minimum=1, maximum=2),
            )
        items.append(mechanism)
    if not 1 <= len(items) <= 2:
        raise InvalidParameterError(
            "account_recovery takes one or two mechanisms", field="account_recovery"
        )
    if len({m.priority for m in items}) != len(items) or len({m.name for m in items}) != len(items):
        raise InvalidParameterError(
            "account_recovery mechanisms need distinct names and priorities",
            field="account_recovery",
        )
    if any(m.name is RecoveryOption.ADMIN_ONLY for m in items) and len(items) > 1:
        raise InvalidParameterError(
            "admin_only cannot be combined with another mechanism", field="account_recovery"
        )
    return tuple(sorted(items, key=lambda m: m.priority))


#: ``ArnType`` of the service model.
_ARN = re.compile(
    r"arn:[\w+=/,.@-]+:[\w+=/,.@-]+:([\w+=/,.@-]*)?:[0-9]+:[\w+=/,.@-]+"
    r"(:[\w+=/,.@-]+)?(:[\w+=/,.@-]+)?",
    re.ASCII,
)
_CUSTOM_SENDERS = (Trigger.CUSTOM_SMS_SENDER, Trigger.CUSTOM_EMAIL_SENDER)


def _lambda_config(value: Any) -> LambdaConfig:
    """``lambda_config``: a ``LambdaConfig`` or a mapping of trigger names to ARNs, with the
    optional keys ``pre_token_generation_version`` and ``kms_key_id``."""
    if isinstance(value, LambdaConfig):
        data: Mapping[str, Any] = {
            **value.triggers,
            "pre_token_generation_version": value.pre_token_generation_version,
            "kms_key_id": value.kms_key_id,
        }
    else:
        data = v.mapping("lambda_config", value)
    names = [t.value for t in Trigger]
    v.no_unknown("lambda_config", data, [*names, "pre_token_generation_version", "kms_key_id"])
    triggers = {}
    for name in names:
        arn = data.get(name)
        if arn is not None:
            triggers[name] = v.string(
                f"lambda_config.{name}", arn, min_len=20, max_len=2048, pattern=_ARN
            )
    kms = data.get("kms_key_id")
    if kms is not None:
        kms = v.string("lambda_config.kms_key_id", kms, min_len=20, max_len=2048, pattern=_ARN)
    version = data.get("pre_token_generation_version")
    if version is None:
        version = LambdaVersion.V1_0
    # The version also applies to a handler registered on the pool (``UserPool.trigger``),
    # so it may come without an ARN.
    version = v.enum("lambda_config.pre_token_generation_version", version, LambdaVersion)
    if kms is None and any(s.value in triggers for s in _CUSTOM_SENDERS):
        # Cognito encrypts the codes it hands to custom senders with this key.
        raise InvalidParameterError(
            "KMSKeyID is required when a custom sender Lambda is configured.",
            field="lambda_config.kms_key_id",
        )
    return LambdaConfig(triggers=triggers, pre_token_generation_version=version, kms_key_id=kms)


def _unique(field: str, values: tuple[T, ...]) -> tuple[T, ...]:
    if len(set(values)) != len(values):
        raise InvalidParameterError(f"{field} contains duplicates", field=field)
    return values


def _advanced_security_mode(value: Any) -> AdvancedSecurityMode:
    mode = v.enum("advanced_security_mode", value, AdvancedSecurityMode)
    if mode is AdvancedSecurityMode.ENFORCED:
        # fidelity: cogkit scores no risk (every recorded event is NoRisk), so ENFORCED
        # could never act as Cognito's does; refusing it is more honest than accepting a
        # setting that would have no effect.  AUDIT, which only records, is supported.
        raise InvalidParameterError(
            "cogkit does not support threat protection enforcement (AdvancedSecurityMode "
            "ENFORCED); use AUDIT to record auth events.",
            field="advanced_security_mode",
        )
    return mode


POOL_FIELDS = frozenset(f.name for f in attrs.fields(UserPoolConfig)) - {"schema"}


def pool_config(
    base: UserPoolConfig | None = None, *, schema: Any = None, **given: Any
) -> UserPoolConfig:
    """A checked ``UserPoolConfig``: ``base`` (or the defaults) with ``given`` applied.

    ``schema`` only applies at creation (``base is None``).
    """
    v.no_unknown(None, given, POOL_FIELDS)
    config = base or UserPoolConfig(schema=build_schema(schema))
    changes: dict[str, Any] = {}
    for name, value in given.items():
        if value is None:
            continue
        if value is RESET:
            changes[name] = _default_of(UserPoolConfig, name)
            continue
        if name == "password_policy":
            changes[name] = _password_policy(value)
        elif name == "username_attributes":
            changes[name] = _unique(name, v.enum_list(name, value, UsernameAttribute))
        elif name == "alias_attributes":
            changes[name] = _unique(name, v.enum_list(name, value, AliasAttribute))
        elif name in ("auto_verified_attributes", "attributes_require_verification_before_update"):
            changes[name] = _unique(name, v.enum_list(name, value, VerifiedAttribute))
        elif name in ("case_sensitive", "allow_admin_create_user_only"):
            changes[name] = v.boolean(name, value)
        elif name == "deletion_protection":
            changes[name] = (
                DeletionProtection.ACTIVE
                if value is True
                else DeletionProtection.INACTIVE
                if value is False
                else v.enum(name, value, DeletionProtection)
            )
        elif name == "mfa_configuration":
            changes[name] = v.enum(name, value, MfaConfiguration)
        elif name == "tier":
            changes[name] = v.enum(name, value, UserPoolTier)
        elif name == "advanced_security_mode":
            changes[name] = _advanced_security_mode(value)
        elif name == "unused_account_validity_days":
            changes[name] = v.integer(name, value, minimum=0, maximum=365)
        elif name == "verification":
            changes[name] = _verification(value)
        elif name == "invitation":
            changes[name] = _invitation(value)
        elif name == "sms_authentication_message":
            changes[name] = v.string(name, value, min_len=6, max_len=140, pattern=_CODE_TEMPLATE)
        elif name == "account_recovery":
            changes[name] = _recovery(value)
        elif name in ("email_configuration", "sms_configuration"):
            changes[name] = dict(v.mapping(name, value))
        elif name == "lambda_config":
            changes[name] = _lambda_config(value)
        elif name == "tags":
            tags = v.string_map(name, value, max_key=128, max_value=256)
            if len(tags) > 50:
                raise InvalidParameterError("A user pool can have at most 50 tags", field=name)
            changes[name] = tags
        elif name == "mfa_factors":
            changes[name] = security.mfa_factors(value, config.mfa_factors)
        elif name == "device_configuration":
            changes[name] = security.device_configuration(value)
        elif name == "sign_in_policy":
            changes[name] = security.sign_in_policy(value)
        elif name == "web_authn":
            changes[name] = security.web_authn(value, config.web_authn)
    config = attrs.evolve(config, **changes)
    if (
        config.advanced_security_mode is not AdvancedSecurityMode.OFF
        and config.tier is not UserPoolTier.PLUS
    ):
        # Threat protection is a feature of the Plus plan (spec §11.1, §12.4).
        raise FeatureUnavailableInTierError(
            "Threat protection (UserPoolAddOns) requires the PLUS user pool tier."
        )
    security.check_pool(config)
    if config.username_attributes and config.alias_attributes:
        raise InvalidParameterError(
            "Only one of UsernameAttributes and AliasAttributes can be set in a User Pool.",
            field="alias_attributes",
        )
    required_alias = [
        a
        for a in config.alias_attributes
        if a is AliasAttribute.PREFERRED_USERNAME
        and (attr := config.attribute("preferred_username"))
        and attr.required
    ]
    if required_alias:
        raise InvalidParameterError(
            "preferred_username cannot be both required and an alias.", field="alias_attributes"
        )
    for name in config.attributes_require_verification_before_update:
        if name not in config.auto_verified_attributes:
            raise InvalidParameterError(
                f"{name} must be in auto_verified_attributes to require verification before update",
                field="attributes_require_verification_before_update",
            )
    return config


# -- app clients -----------------------------------------------------------------------

DEFAULT_AUTH_FLOWS = (
    ExplicitAuthFlow.ALLOW_REFRESH_TOKEN_AUTH,
    ExplicitAuthFlow.ALLOW_USER_SRP_AUTH,
    ExplicitAuthFlow.ALLOW_CUSTOM_AUTH,
)

_LEGACY_EFFECTIVE = {
    ExplicitAuthFlow.ADMIN_NO_SRP_AUTH: ExplicitAuthFlow.ALLOW_ADMIN_USER_PASSWORD_AUTH,
    ExplicitAuthFlow.USER_PASSWORD_AUTH: ExplicitAuthFlow.ALLOW_USER_PASSWORD_AUTH,
    ExplicitAuthFlow.CUSTOM_AUTH_FLOW_ONLY: ExplicitAuthFlow.ALLOW_CUSTOM_AUTH,
}


@attrs.frozen
class RefreshTokenRotation:
    """``RefreshTokenRotation`` of an app client.  ``ENABLED``: a refresh
    (``AuthFlow.get_tokens_from_refresh_token``) also issues a new refresh token, and the
    one presented stops working ``retry_grace_period_seconds`` (0-60) later, so a client
    may retry a refresh whose answer it lost."""

    feature: FeatureState = FeatureState.DISABLED
    retry_grace_period_seconds: int = 0

    @property
    def enabled(self) -> bool:
        return self.feature is FeatureState.ENABLED


def _refresh_token_rotation(value: Any) -> RefreshTokenRotation:
    rotation = _value("refresh_token_rotation", value, RefreshTokenRotation)
    return RefreshTokenRotation(
        feature=v.enum("refresh_token_rotation.feature", rotation.feature, FeatureState),
        retry_grace_period_seconds=v.integer(
            "refresh_token_rotation.retry_grace_period_seconds",
            rotation.retry_grace_period_seconds,
            minimum=0,
            maximum=60,
        ),
    )


@attrs.frozen
class ClientSecret:
    """One secret of a confidential app client (``ClientSecretDescriptorType``).

    ``id`` is ``<client id>--<creation time in epoch milliseconds>``.  The value is kept
    readable, as Cognito shows a client's secret in DescribeUserPoolClient.
    """

    id: str
    value: str = attrs.field(repr=False)
    created_at: float


#: How many secrets an app client may have at once (AddUserPoolClientSecret).
MAX_CLIENT_SECRETS = 2


@attrs.frozen
class ClientSettings:
    """Everything that configures an app client.  Validities are in their units."""

    name: str
    #: The client's secrets, oldest first (at most ``MAX_CLIENT_SECRETS``); any of them
    #: proves the client.
    secrets: tuple[ClientSecret, ...] = attrs.field(default=(), repr=False)
    explicit_auth_flows: tuple[ExplicitAuthFlow, ...] = DEFAULT_AUTH_FLOWS
    access_token_validity: int = 60
    access_token_unit: TimeUnit = TimeUnit.MINUTES
    id_token_validity: int = 60
    id_token_unit: TimeUnit = TimeUnit.MINUTES
    refresh_token_validity: int = 30
    refresh_token_unit: TimeUnit = TimeUnit.DAYS
    read_attributes: tuple[str, ...] | None = None
    write_attributes: tuple[str, ...] | None = None
    prevent_user_existence_errors: PreventUserExistenceErrors = PreventUserExistenceErrors.LEGACY
    enable_token_revocation: bool = True
    enable_propagate_additional_user_context_data: bool = False
    auth_session_validity: int = 3
    supported_identity_providers: tuple[str, ...] = ()
    callback_urls: tuple[str, ...] = ()
    logout_urls: tuple[str, ...] = ()
    default_redirect_uri: str | None = None
    allowed_oauth_flows: tuple[str, ...] = ()
    allowed_oauth_scopes: tuple[str, ...] = ()
    allowed_oauth_flows_user_pool_client: bool = False
    refresh_token_rotation: RefreshTokenRotation = RefreshTokenRotation()

    @property
    def secret(self) -> str | None:
        """The client's oldest secret (DescribeUserPoolClient's ``ClientSecret``)."""
        return self.secrets[0].value if self.secrets else None

    @property
    def effective_auth_flows(self) -> frozenset[ExplicitAuthFlow]:
        """The ``ALLOW_*`` flows this client accepts (legacy names mapped to them).

        Legacy clients always allowed SRP and refresh; ``CUSTOM_AUTH_FLOW_ONLY`` allowed
        custom authentication (and refresh) instead of SRP.
        """
        flows = set(self.explicit_auth_flows)
        if any(f.legacy for f in flows):
            effective = {_LEGACY_EFFECTIVE[f] for f in flows}
            effective.add(ExplicitAuthFlow.ALLOW_REFRESH_TOKEN_AUTH)
            if ExplicitAuthFlow.CUSTOM_AUTH_FLOW_ONLY not in flows:
                effective.add(ExplicitAuthFlow.ALLOW_USER_SRP_AUTH)
            return frozenset(effective)
        return frozenset(flows)

    @property
    def access_token_seconds(self) -> int:
        return self.access_token_validity * self.access_token_unit.seconds

    @property
    def id_token_seconds(self) -> int:
        return self.id_token_validity * self.id_token_unit.seconds

    @property
    def refresh_token_seconds(self) -> int:
        return self.refresh_token_validity * self.refresh_token_unit.seconds


CLIENT_FIELDS = frozenset(f.name for f in attrs.fields(ClientSettings)) - {"secrets"}
_MIN_TOKEN, _MAX_TOKEN = 5 * 60, 86400
_MIN_REFRESH, _MAX_REFRESH = 3600, 3650 * 86400


def client_config(
    base: ClientSettings | None,
    *,
    pool: UserPoolConfig,
    units: Mapping[str, Any] | None = None,
    **given: Any,
) -> ClientSettings:
    """A checked ``ClientSettings``: ``base`` (or a new client's defaults) with ``given``.

    Validities given without a unit use Cognito's API default units: hours for access and
    ID tokens, days for refresh tokens.
    """
    v.no_unknown(
        None,
        given,
        CLIENT_FIELDS - {"access_token_unit", "id_token_unit", "refresh_token_unit"},
    )
    if base is None:
        base = ClientSettings(
            name=v.string(
                "client_name", given.get("name"), min_len=1, max_len=128, pattern=v.CLIENT_NAME
            )
        )
    changes: dict[str, Any] = {}
    unit_map = {
        "access_token": "access_token_unit",
        "id_token": "id_token_unit",
        "refresh_token": "refresh_token_unit",
    }
    for key, value in v.mapping("token_validity_units", units or {}).items():
        if key not in unit_map:
            raise InvalidParameterError(
                f"Unknown token_validity_units key {key!r}; use access_token, id_token or "
                "refresh_token",
                field="token_validity_units",
            )
        changes[unit_map[key]] = v.enum(f"token_validity_units.{key}", value, TimeUnit)
    for name, value in given.items():
        if value is None:
            continue
        if value is RESET:
            changes[name] = _default_of(ClientSettings, name)
            continue
        if name == "name":
            changes[name] = v.string(
                "client_name", value, min_len=1, max_len=128, pattern=v.CLIENT_NAME
            )
        elif name == "explicit_auth_flows":
            flows = _unique(name, v.enum_list(name, value, ExplicitAuthFlow))
            if any(f.legacy for f in flows) and any(not f.legacy for f in flows):
                raise InvalidParameterError(
                    "Cannot mix legacy ExplicitAuthFlows with ALLOW_* values.", field=name
                )
            changes[name] = flows or DEFAULT_AUTH_FLOWS
        elif name in ("access_token_validity", "id_token_validity"):
            changes[name] = v.integer(name, value, minimum=1, maximum=86400)
            changes.setdefault(name.replace("validity", "unit"), TimeUnit.HOURS)
        elif name == "refresh_token_validity":
            changes[name] = v.integer(name, value, minimum=0, maximum=315360000)
            changes.setdefault("refresh_token_unit", TimeUnit.DAYS)
        elif name in ("read_attributes", "write_attributes"):
            names = _unique(name, v.string_list(name, value, min_len=1, max_len=32))
            for attribute in names:
                if pool.attribute(attribute) is None:
                    raise InvalidParameterError(
                        f"Invalid {'read' if name.startswith('read') else 'write'} attributes "
                        f"specified while creating a client: {attribute} is not in the schema",
                        field=name,
                    )
            changes[name] = names
        elif name == "prevent_user_existence_errors":
            changes[name] = v.enum(name, value, PreventUserExistenceErrors)
        elif name in (
            "enable_token_revocation",
            "enable_propagate_additional_user_context_data",
            "allowed_oauth_flows_user_pool_client",
        ):
            changes[name] = v.boolean(name, value)
        elif name == "auth_session_validity":
            changes[name] = v.integer(name, value, minimum=3, maximum=15)
        elif name in ("callback_urls", "logout_urls"):
            changes[name] = v.string_list(
                name, value, max_items=100, min_len=1, max_len=1024, printable_only=True
            )
        elif name == "default_redirect_uri":
            changes[name] = v.string(name, value, min_len=1, max_len=1024, printable_only=True)
        elif name == "supported_identity_providers":
            changes[name] = v.string_list(name, value, min_len=1, max_len=32)
        elif name == "allowed_oauth_flows":
            oauth_flows = v.string_list(name, value, max_items=3)
            for oauth_flow in oauth_flows:
                if oauth_flow not in ("code", "implicit", "client_credentials"):
                    raise InvalidParameterError(
                        f"Invalid OAuth flow {oauth_flow!r}: use code, implicit or "
                        "client_credentials",
                        field=name,
                    )
            changes[name] = oauth_flows
        elif name == "allowed_oauth_scopes":
            changes[name] = v.string_list(name, value, max_items=50, min_len=1, max_len=256)
        elif name == "refresh_token_rotation":
            changes[name] = _refresh_token_rotation(value)
    settings = attrs.evolve(base, **changes)
    if settings.refresh_token_rotation.enabled and pool.tier is UserPoolTier.LITE:
        # Refresh-token rotation is a feature of the Essentials and Plus plans.
        raise FeatureUnavailableInTierError(
            "Refresh token rotation requires the Essentials or Plus feature plan."
        )
    if settings.refresh_token_validity == 0:
        # Cognito: a refresh validity of 0 means "reset to the default of 30 days".
        settings = attrs.evolve(
            settings, refresh_token_validity=30, refresh_token_unit=TimeUnit.DAYS
        )
    for kind in ("access_token", "id_token"):
        seconds = getattr(settings, f"{kind}_seconds")
        if not _MIN_TOKEN <= seconds <= _MAX_TOKEN:
            raise InvalidParameterError(
                f"{kind}_validity must be between 5 minutes and 1 day", field=f"{kind}_validity"
            )
    refresh = settings.refresh_token_seconds
    if not _MIN_REFRESH <= refresh <= _MAX_REFRESH:
        raise InvalidParameterError(
            "refresh_token_validity must be between 60 minutes and 10 years",
            field="refresh_token_validity",
        )
    if refresh <= max(settings.access_token_seconds, settings.id_token_seconds):
        raise InvalidParameterError(
            "refresh_token_validity must be longer than the access and ID token validity",
            field="refresh_token_validity",
        )
    if (
        settings.default_redirect_uri is not None
        and settings.default_redirect_uri not in settings.callback_urls
    ):
        raise InvalidParameterError(
            "default_redirect_uri must be one of callback_urls", field="default_redirect_uri"
        )
    return settings

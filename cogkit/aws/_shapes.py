"""Conversions between Cognito's wire shapes and cogkit's domain values."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from cogkit.aws._model import epoch
from cogkit.domain.attributes import SchemaAttribute
from cogkit.domain.auth import AuthResult
from cogkit.domain.client import AppClient
from cogkit.domain.client_secrets import ClientSecretDescriptor
from cogkit.domain.config import RESET, ClientSettings, LambdaConfig, UserPoolConfig
from cogkit.domain.enums import TimeUnit
from cogkit.domain.messages import CodeDelivery
from cogkit.domain.pool import PoolDescription
from cogkit.domain.users import User
from cogkit.errors import InvalidParameterError

#: Domain field names (and prefixes) whose wire path is not simply their lowerCamelCase.
_WIRE_PATHS = {
    "invitation.sms_message": "adminCreateUserConfig.inviteMessageTemplate.sMSMessage",
    "invitation": "adminCreateUserConfig.inviteMessageTemplate",
    "verification": "verificationMessageTemplate",
    "password_policy": "policies.passwordPolicy",
    "account_recovery": "accountRecoverySetting.recoveryMechanisms",
    "tags": "userPoolTags",
    "pool_name": "poolName",
    "token_validity_units": "tokenValidityUnits",
}
_SNAKE = re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)*")


def _camel(segment: str) -> str:
    if not _SNAKE.fullmatch(segment):
        return segment
    head, *rest = segment.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def wire_path(field: str) -> str:
    """The wire path (``adminCreateUserConfig.inviteMessageTemplate.sMSMessage``) of a
    domain field name (``invitation.sms_message``), for validation messages."""
    if field in _WIRE_PATHS:
        return _WIRE_PATHS[field]
    head, dot, rest = field.partition(".")
    if dot and head in _WIRE_PATHS:
        return f"{_WIRE_PATHS[head]}.{'.'.join(_camel(p) for p in rest.split('.'))}"
    return ".".join(_camel(p) for p in field.split("."))


def attributes_out(attributes: Mapping[str, str]) -> list[dict[str, str]]:
    return [{"Name": k, "Value": v} for k, v in attributes.items()]


def attributes_in(items: Iterable[Mapping[str, Any]] | None) -> dict[str, str]:
    return {item["Name"]: item.get("Value", "") for item in items or ()}


def user_out(user: User, *, list_shape: bool = False) -> dict[str, Any]:
    """``UserType`` (ListUsers, AdminCreateUser) or the AdminGetUser response."""
    out: dict[str, Any] = {
        "Username": user.username,
        "Attributes" if list_shape else "UserAttributes": attributes_out(user.attributes),
        "UserCreateDate": epoch(user.created_at),
        "UserLastModifiedDate": epoch(user.modified_at),
        "Enabled": user.enabled,
        "UserStatus": user.status.value,
    }
    if not list_shape:
        out["UserMFASettingList"] = list(user.mfa_settings) or None
        out["PreferredMfaSetting"] = user.preferred_mfa
    return out


def delivery_out(delivery: CodeDelivery | None) -> dict[str, str] | None:
    if delivery is None:
        return None
    return {
        "Destination": delivery.destination,
        "DeliveryMedium": delivery.delivery_medium.value,
        "AttributeName": delivery.attribute_name,
    }


def auth_out(result: AuthResult) -> dict[str, Any]:
    if result.tokens is not None:
        tokens = result.tokens
        return {
            "ChallengeParameters": {},
            "AuthenticationResult": {
                "AccessToken": tokens.access_token,
                "ExpiresIn": tokens.expires_in,
                "TokenType": tokens.token_type,
                "RefreshToken": tokens.refresh_token,
                "IdToken": tokens.id_token,
                "NewDeviceMetadata": dict(tokens.new_device_metadata)
                if tokens.new_device_metadata
                else None,
            },
        }
    assert result.challenge is not None
    challenge = result.challenge
    out: dict[str, Any] = {
        "ChallengeName": challenge.name.value,
        "Session": challenge.session,
        "ChallengeParameters": dict(challenge.parameters),
    }
    if challenge.available:
        out["AvailableChallenges"] = [name.value for name in challenge.available]
    return out


# -- schema ----------------------------------------------------------------------------


def schema_in(items: Iterable[Mapping[str, Any]] | None) -> list[dict[str, Any]]:
    out = []
    for index, item in enumerate(items or (), start=1):
        if not item.get("Name"):
            raise InvalidParameterError(
                "1 validation error detected: Value null at "
                f"'schema.{index}.member.name' failed to satisfy constraint: "
                "Member must not be null",
                field="Schema",
            )
        entry: dict[str, Any] = {"name": item["Name"]}
        if "AttributeDataType" in item:
            entry["data_type"] = item["AttributeDataType"]
        for wire, name in (
            ("Mutable", "mutable"),
            ("Required", "required"),
            ("DeveloperOnlyAttribute", "developer_only"),
        ):
            if wire in item:
                entry[name] = item[wire]
        for group, fields in (
            (
                "StringAttributeConstraints",
                (("MinLength", "min_length"), ("MaxLength", "max_length")),
            ),
            ("NumberAttributeConstraints", (("MinValue", "min_value"), ("MaxValue", "max_value"))),
        ):
            for wire, name in fields:
                raw = (item.get(group) or {}).get(wire)
                if raw is not None:
                    try:
                        entry[name] = int(raw)
                    except ValueError:
                        raise InvalidParameterError(
                            f"{group}.{wire} of {item['Name']} must be a whole number",
                            field=f"Schema.{item['Name']}",
                        ) from None
        out.append(entry)
    return out


def schema_out(attribute: SchemaAttribute) -> dict[str, Any]:
    out: dict[str, Any] = {
        "Name": attribute.name,
        "AttributeDataType": attribute.data_type.value,
        "DeveloperOnlyAttribute": attribute.developer_only,
        "Mutable": attribute.mutable,
        "Required": attribute.required,
    }
    if attribute.data_type.value == "String" and (
        attribute.min_length is not None or attribute.max_length is not None
    ):
        out["StringAttributeConstraints"] = {
            k: str(v)
            for k, v in (("MinLength", attribute.min_length), ("MaxLength", attribute.max_length))
            if v is not None
        }
    if attribute.min_value is not None or attribute.max_value is not None:
        out["NumberAttributeConstraints"] = {
            k: str(v)
            for k, v in (("MinValue", attribute.min_value), ("MaxValue", attribute.max_value))
            if v is not None
        }
    return out


# -- user pools ------------------------------------------------------------------------

_POLICY = (
    ("MinimumLength", "minimum_length"),
    ("RequireUppercase", "require_uppercase"),
    ("RequireLowercase", "require_lowercase"),
    ("RequireNumbers", "require_numbers"),
    ("RequireSymbols", "require_symbols"),
    ("PasswordHistorySize", "password_history_size"),
    ("TemporaryPasswordValidityDays", "temporary_password_validity_days"),
)
_VERIFY = (
    ("SmsMessage", "sms_message"),
    ("EmailMessage", "email_message"),
    ("EmailSubject", "email_subject"),
    ("EmailMessageByLink", "email_message_by_link"),
    ("EmailSubjectByLink", "email_subject_by_link"),
    ("DefaultEmailOption", "default_email_option"),
)
_INVITE = (
    ("SMSMessage", "sms_message"),
    ("EmailMessage", "email_message"),
    ("EmailSubject", "email_subject"),
)


#: What UpdateUserPool does with a member it is not given.  Cognito: "If you don't provide
#: a value for an attribute, Amazon Cognito sets it to its default value."  The name, the
#: tier and the tags stay.
_POOL_RESETS: dict[str, Any] = {
    "password_policy": {},
    "deletion_protection": "INACTIVE",
    "auto_verified_attributes": [],
    "verification": {},
    "attributes_require_verification_before_update": [],
    "mfa_configuration": "OFF",
    "advanced_security_mode": "OFF",
    "allow_admin_create_user_only": False,
    "invitation": {},
    "email_configuration": {},
    "sms_configuration": {},
    # Cognito: an update without LambdaConfig removes every trigger.
    "lambda_config": {},
    "device_configuration": False,
    "sign_in_policy": {},
    "sms_authentication_message": RESET,
    "account_recovery": RESET,
    "unused_account_validity_days": RESET,
}
_DEVICE = (
    ("ChallengeRequiredOnNewDevice", "challenge_required_on_new_device"),
    ("DeviceOnlyRememberedOnUserPrompt", "device_only_remembered_on_user_prompt"),
)

#: ``LambdaConfig`` members that are a plain ARN, named as the domain names the trigger.
_TRIGGER_ARNS = (
    "PreSignUp",
    "CustomMessage",
    "PostConfirmation",
    "PreAuthentication",
    "PostAuthentication",
    "DefineAuthChallenge",
    "CreateAuthChallenge",
    "VerifyAuthChallengeResponse",
    "UserMigration",
)
_SENDERS = ("CustomSMSSender", "CustomEmailSender")


def lambda_config_in(given: Mapping[str, Any]) -> dict[str, Any]:
    """The domain's ``lambda_config`` from ``LambdaConfig``.  ``PreTokenGeneration`` (the
    legacy member) and ``PreTokenGenerationConfig.LambdaArn`` must name the same Lambda."""
    if given.get("InboundFederation"):
        raise InvalidParameterError(
            "cogkit does not support federation yet (LambdaConfig.InboundFederation).",
            field="LambdaConfig",
        )
    out: dict[str, Any] = {name: given[name] for name in _TRIGGER_ARNS if name in given}
    legacy = given.get("PreTokenGeneration")
    versioned = given.get("PreTokenGenerationConfig")
    if versioned is not None:
        if legacy is not None and legacy != versioned["LambdaArn"]:
            raise InvalidParameterError(
                "PreTokenGeneration and PreTokenGenerationConfig.LambdaArn must be the same "
                "Lambda function.",
                field="LambdaConfig",
            )
        out["PreTokenGeneration"] = versioned["LambdaArn"]
        out["pre_token_generation_version"] = versioned["LambdaVersion"]
    elif legacy is not None:
        out["PreTokenGeneration"] = legacy
    for sender in _SENDERS:
        if sender in given:
            out[sender] = given[sender]["LambdaArn"]
    if "KMSKeyID" in given:
        out["kms_key_id"] = given["KMSKeyID"]
    return out


def lambda_config_out(config: LambdaConfig) -> dict[str, Any]:
    """``LambdaConfigType``."""
    out: dict[str, Any] = {
        name: config.triggers[name] for name in _TRIGGER_ARNS if name in config.triggers
    }
    pre_token = config.triggers.get("PreTokenGeneration")
    if pre_token is not None:
        out["PreTokenGeneration"] = pre_token
        out["PreTokenGenerationConfig"] = {
            "LambdaVersion": config.pre_token_generation_version.value,
            "LambdaArn": pre_token,
        }
    for sender in _SENDERS:
        if sender in config.triggers:
            out[sender] = {"LambdaVersion": "V1_0", "LambdaArn": config.triggers[sender]}
    if config.kms_key_id is not None:
        out["KMSKeyID"] = config.kms_key_id
    return out


def pool_config_in(params: Mapping[str, Any], *, creating: bool) -> dict[str, Any]:
    """Domain ``pool_config`` keywords from CreateUserPool/UpdateUserPool members (for an
    update, every member not given is set back to its default, as Cognito does)."""
    config: dict[str, Any] = {}
    policy = (params.get("Policies") or {}).get("PasswordPolicy")
    if policy is not None:
        config["password_policy"] = {name: policy[wire] for wire, name in _POLICY if wire in policy}
    sign_in = (params.get("Policies") or {}).get("SignInPolicy")
    if sign_in is not None and "AllowedFirstAuthFactors" in sign_in:
        config["sign_in_policy"] = {
            "allowed_first_auth_factors": sign_in["AllowedFirstAuthFactors"]
        }
    if "DeviceConfiguration" in params:
        device = params["DeviceConfiguration"] or {}
        # Any member given turns device tracking on; an empty structure leaves it off.
        config["device_configuration"] = (
            {name: device[wire] for wire, name in _DEVICE if wire in device} if device else False
        )
    if params.get("MfaConfiguration") in ("ON", "OPTIONAL"):
        # SMS is the second factor these operations configure: on with an SMS configuration
        # (TOTP and email MFA are set with SetUserPoolMfaConfig and kept here).
        config["mfa_factors"] = {"sms": bool(params.get("SmsConfiguration"))}
    elif not creating or params.get("MfaConfiguration") == "OFF":
        config["mfa_factors"] = {"sms": False}
    simple = (
        ("DeletionProtection", "deletion_protection"),
        ("AutoVerifiedAttributes", "auto_verified_attributes"),
        ("AliasAttributes", "alias_attributes"),
        ("UsernameAttributes", "username_attributes"),
        ("SmsAuthenticationMessage", "sms_authentication_message"),
        ("MfaConfiguration", "mfa_configuration"),
        ("UserPoolTags", "tags"),
        ("UserPoolTier", "tier"),
        # How AWS would send mail and SMS: kept and shown, while cogkit delivers through its
        # own MessageSender.
        ("EmailConfiguration", "email_configuration"),
        ("SmsConfiguration", "sms_configuration"),
    )
    for wire, name in simple:
        if wire in params:
            config[name] = params[wire]
    verification: dict[str, Any] = {}
    template = params.get("VerificationMessageTemplate") or {}
    for wire, name in _VERIFY:
        if wire in template:
            verification[name] = template[wire]
    for wire, name in (
        ("SmsVerificationMessage", "sms_message"),
        ("EmailVerificationMessage", "email_message"),
        ("EmailVerificationSubject", "email_subject"),
    ):
        if wire in params:
            verification.setdefault(name, params[wire])
    if verification:
        config["verification"] = verification
    admin = params.get("AdminCreateUserConfig")
    if admin is not None:
        if "AllowAdminCreateUserOnly" in admin:
            config["allow_admin_create_user_only"] = admin["AllowAdminCreateUserOnly"]
        if "UnusedAccountValidityDays" in admin:
            config["unused_account_validity_days"] = admin["UnusedAccountValidityDays"]
        invite = admin.get("InviteMessageTemplate")
        if invite:
            config["invitation"] = {name: invite[wire] for wire, name in _INVITE if wire in invite}
    update = params.get("UserAttributeUpdateSettings")
    if update is not None:
        config["attributes_require_verification_before_update"] = update.get(
            "AttributesRequireVerificationBeforeUpdate", []
        )
    recovery = params.get("AccountRecoverySetting")
    if recovery is not None:
        config["account_recovery"] = [
            {"name": m["Name"], "priority": m["Priority"]}
            for m in recovery.get("RecoveryMechanisms", [])
        ]
    username = params.get("UsernameConfiguration")
    if username is not None:
        config["case_sensitive"] = username["CaseSensitive"]
    triggers = params.get("LambdaConfig")
    if triggers is not None:
        config["lambda_config"] = lambda_config_in(triggers)
    add_ons = params.get("UserPoolAddOns")
    if add_ons is not None:
        if add_ons.get("AdvancedSecurityAdditionalFlows"):
            raise InvalidParameterError(
                "cogkit does not support threat protection for custom authentication yet "
                "(UserPoolAddOns.AdvancedSecurityAdditionalFlows).",
                field="UserPoolAddOns",
            )
        config["advanced_security_mode"] = add_ons["AdvancedSecurityMode"]
    if not creating:
        # Every member an update omits goes back to its default, as in Cognito.
        config = {**_POOL_RESETS, **config}
    return config


def pool_out(description: PoolDescription) -> dict[str, Any]:
    config: UserPoolConfig = description.config
    policy = config.password_policy
    verification = config.verification
    invitation = config.invitation
    out: dict[str, Any] = {
        "Id": description.id,
        "Name": description.name,
        "Arn": description.arn,
        "Policies": {
            "PasswordPolicy": {wire: getattr(policy, name) for wire, name in _POLICY},
            "SignInPolicy": {
                "AllowedFirstAuthFactors": [
                    f.value for f in config.sign_in_policy.allowed_first_auth_factors
                ]
            },
        },
        "DeletionProtection": config.deletion_protection.value,
        "LambdaConfig": lambda_config_out(config.lambda_config),
        "LastModifiedDate": epoch(description.modified_at),
        "CreationDate": epoch(description.created_at),
        "SchemaAttributes": [schema_out(a) for a in config.schema],
        "AutoVerifiedAttributes": [a.value for a in config.auto_verified_attributes] or None,
        "AliasAttributes": [a.value for a in config.alias_attributes] or None,
        "UsernameAttributes": [a.value for a in config.username_attributes] or None,
        "SmsVerificationMessage": verification.sms_message,
        "EmailVerificationMessage": verification.email_message,
        "EmailVerificationSubject": verification.email_subject,
        "VerificationMessageTemplate": {
            wire: (
                getattr(verification, name).value
                if name == "default_email_option"
                else getattr(verification, name)
            )
            for wire, name in _VERIFY
        },
        "SmsAuthenticationMessage": config.sms_authentication_message,
        "UserAttributeUpdateSettings": {
            "AttributesRequireVerificationBeforeUpdate": [
                a.value for a in config.attributes_require_verification_before_update
            ]
        },
        "MfaConfiguration": config.mfa_configuration.value,
        "EstimatedNumberOfUsers": description.estimated_number_of_users,
        "EmailConfiguration": dict(config.email_configuration)
        or {"EmailSendingAccount": "COGNITO_DEFAULT"},
        "SmsConfiguration": dict(config.sms_configuration) or None,
        "UserPoolTags": dict(config.tags),
        "AdminCreateUserConfig": {
            "AllowAdminCreateUserOnly": config.allow_admin_create_user_only,
            "UnusedAccountValidityDays": config.temporary_password_days,
            "InviteMessageTemplate": {wire: getattr(invitation, name) for wire, name in _INVITE},
        },
        "UsernameConfiguration": {"CaseSensitive": config.case_sensitive},
        "UserPoolTier": config.tier.value,
        "UserPoolAddOns": {"AdvancedSecurityMode": config.advanced_security_mode.value},
        "Domain": description.domain,
        "CustomDomain": description.custom_domain,
    }
    if config.device_configuration is not None:
        out["DeviceConfiguration"] = {
            wire: getattr(config.device_configuration, name) for wire, name in _DEVICE
        }
    if config.account_recovery:
        out["AccountRecoverySetting"] = {
            "RecoveryMechanisms": [
                {"Priority": m.priority, "Name": m.name.value} for m in config.account_recovery
            ]
        }
    return out


# -- app clients -----------------------------------------------------------------------

_CLIENT_SIMPLE = (
    ("ClientName", "name"),
    ("ExplicitAuthFlows", "explicit_auth_flows"),
    ("AccessTokenValidity", "access_token_validity"),
    ("IdTokenValidity", "id_token_validity"),
    ("RefreshTokenValidity", "refresh_token_validity"),
    ("ReadAttributes", "read_attributes"),
    ("WriteAttributes", "write_attributes"),
    ("PreventUserExistenceErrors", "prevent_user_existence_errors"),
    ("EnableTokenRevocation", "enable_token_revocation"),
    ("EnablePropagateAdditionalUserContextData", "enable_propagate_additional_user_context_data"),
    ("AuthSessionValidity", "auth_session_validity"),
    ("SupportedIdentityProviders", "supported_identity_providers"),
    ("CallbackURLs", "callback_urls"),
    ("LogoutURLs", "logout_urls"),
    ("DefaultRedirectURI", "default_redirect_uri"),
    ("AllowedOAuthFlows", "allowed_oauth_flows"),
    ("AllowedOAuthScopes", "allowed_oauth_scopes"),
    ("AllowedOAuthFlowsUserPoolClient", "allowed_oauth_flows_user_pool_client"),
)
_UNITS = (
    ("AccessToken", "access_token"),
    ("IdToken", "id_token"),
    ("RefreshToken", "refresh_token"),
)
UNSUPPORTED_CLIENT_MEMBERS = {
    "AnalyticsConfiguration": "Pinpoint analytics",
}


#: What UpdateUserPoolClient does with a member it is not given: back to the default, as
#: for UpdateUserPool (the client's name stays).
_CLIENT_RESETS = (
    "explicit_auth_flows",
    "prevent_user_existence_errors",
    "enable_token_revocation",
    "enable_propagate_additional_user_context_data",
    "auth_session_validity",
    "supported_identity_providers",
    "callback_urls",
    "logout_urls",
    "allowed_oauth_flows",
    "allowed_oauth_scopes",
    "allowed_oauth_flows_user_pool_client",
    "refresh_token_rotation",
)
_VALIDITIES = (
    ("AccessTokenValidity", "access_token"),
    ("IdTokenValidity", "id_token"),
    ("RefreshTokenValidity", "refresh_token"),
)


def client_settings_in(
    params: Mapping[str, Any], *, updating: bool = False
) -> tuple[dict[str, Any], dict[str, str] | None]:
    """Domain ``client_config`` keywords and token validity units from
    CreateUserPoolClient/UpdateUserPoolClient members (for an update, every member not
    given goes back to its default, as Cognito does)."""
    for member, feature in UNSUPPORTED_CLIENT_MEMBERS.items():
        if params.get(member):
            raise InvalidParameterError(
                f"cogkit does not support {feature} yet ({member}).", field=member
            )
    settings = {name: params[wire] for wire, name in _CLIENT_SIMPLE if wire in params}
    rotation = params.get("RefreshTokenRotation")
    if rotation is not None:
        settings["refresh_token_rotation"] = {
            "feature": rotation.get("Feature"),
            "retry_grace_period_seconds": rotation.get("RetryGracePeriodSeconds", 0),
        }
    units = params.get("TokenValidityUnits")
    unit_map = (
        {name: units[wire] for wire, name in _UNITS if wire in units} if units is not None else None
    )
    if updating:
        # Every member an update omits goes back to its default, as in Cognito.
        defaults = ClientSettings(name=str(params.get("ClientName") or "-"))
        for name in _CLIENT_RESETS:
            settings.setdefault(name, getattr(defaults, name))
        for name in ("read_attributes", "write_attributes", "default_redirect_uri"):
            settings.setdefault(name, RESET)
        for wire, name in _VALIDITIES:
            if wire in params:
                continue
            unit = getattr(defaults, f"{name}_unit")
            seconds = getattr(defaults, f"{name}_seconds")
            given = (unit_map or {}).get(name)
            if given is not None:
                try:
                    per = TimeUnit(given).seconds
                except ValueError:
                    continue  # the domain names the bad unit
                if seconds % per:
                    continue
                settings[f"{name}_validity"] = seconds // per
            else:
                settings[f"{name}_validity"] = getattr(defaults, f"{name}_validity")
                unit_map = {**(unit_map or {}), name: unit.value}
    return settings, unit_map


def client_secret_out(secret: ClientSecretDescriptor) -> dict[str, Any]:
    out: dict[str, Any] = {
        "ClientSecretId": secret.id,
        "ClientSecretCreateDate": epoch(secret.created_at),
    }
    if secret.value is not None:
        out["ClientSecretValue"] = secret.value
    return out


def client_out(client: AppClient) -> dict[str, Any]:
    s = client.settings
    return {
        "UserPoolId": client.pool_id,
        "ClientName": s.name,
        "ClientId": client.id,
        "ClientSecret": s.secret,
        "LastModifiedDate": epoch(client.modified_at),
        "CreationDate": epoch(client.created_at),
        "RefreshTokenValidity": s.refresh_token_validity,
        "AccessTokenValidity": s.access_token_validity,
        "IdTokenValidity": s.id_token_validity,
        "TokenValidityUnits": {
            "AccessToken": s.access_token_unit.value,
            "IdToken": s.id_token_unit.value,
            "RefreshToken": s.refresh_token_unit.value,
        },
        "ReadAttributes": list(s.read_attributes) if s.read_attributes is not None else None,
        "WriteAttributes": list(s.write_attributes) if s.write_attributes is not None else None,
        "ExplicitAuthFlows": [f.value for f in s.explicit_auth_flows],
        "SupportedIdentityProviders": list(s.supported_identity_providers) or None,
        "CallbackURLs": list(s.callback_urls) or None,
        "LogoutURLs": list(s.logout_urls) or None,
        "DefaultRedirectURI": s.default_redirect_uri,
        "AllowedOAuthFlows": list(s.allowed_oauth_flows) or None,
        "AllowedOAuthScopes": list(s.allowed_oauth_scopes) or None,
        "AllowedOAuthFlowsUserPoolClient": s.allowed_oauth_flows_user_pool_client,
        "PreventUserExistenceErrors": s.prevent_user_existence_errors.value,
        "EnableTokenRevocation": s.enable_token_revocation,
        "EnablePropagateAdditionalUserContextData": s.enable_propagate_additional_user_context_data,
        "AuthSessionValidity": s.auth_session_validity,
        "RefreshTokenRotation": {
            "Feature": s.refresh_token_rotation.feature.value,
            "RetryGracePeriodSeconds": s.refresh_token_rotation.retry_grace_period_seconds,
        },
    }

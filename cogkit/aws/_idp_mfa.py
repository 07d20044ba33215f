"""cognito-idp operations for MFA, software tokens, choice-based sign-in factors, passkeys
and remembered devices: each a thin mapping onto one domain call."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cogkit.aws._dispatch import Call, operation
from cogkit.aws._model import IDP, epoch
from cogkit.domain.auth import AuthFlow
from cogkit.domain.devices import Device
from cogkit.domain.mfa import MfaConfig, MfaPreference, UserAuthFactors
from cogkit.domain.passkeys import Passkey
from cogkit.domain.pool import UserPool
from cogkit.errors import InvalidParameterError

Result = Mapping[str, Any] | None


def _pool(call: Call) -> UserPool:
    return call.service.user_pool(call.params["UserPoolId"])


def _token_auth(call: Call) -> AuthFlow:
    token = call.params.get("AccessToken")
    if token is None:
        raise InvalidParameterError("Missing required parameter AccessToken", field="AccessToken")
    return call.service.pool_for_token(token).auth


def _token_or_session(call: Call) -> AuthFlow:
    """AssociateSoftwareToken and VerifySoftwareToken: an access token or an MFA_SETUP
    session, exactly one."""
    token, session = call.params.get("AccessToken"), call.params.get("Session")
    if (token is None) == (session is None):
        raise InvalidParameterError(
            "Give either AccessToken or Session, not both.", field="AccessToken"
        )
    if token is not None:
        return call.service.pool_for_token(token).auth
    return call.service.pool_for_session(str(session)).auth


# -- pool MFA configuration ------------------------------------------------------------


def _mfa_config_out(config: MfaConfig) -> dict[str, Any]:
    out: dict[str, Any] = {
        "MfaConfiguration": config.mfa_configuration.value,
        "SoftwareTokenMfaConfiguration": {"Enabled": config.software_token},
    }
    if config.sms:
        sms: dict[str, Any] = {"SmsAuthenticationMessage": config.sms_message}
        if config.sms_configuration.get("SnsCallerArn"):
            sms["SmsConfiguration"] = dict(config.sms_configuration)
        out["SmsMfaConfiguration"] = sms
    if config.email:
        out["EmailMfaConfiguration"] = {
            "Message": config.email_message,
            "Subject": config.email_subject,
        }
    web_authn: dict[str, Any] = {
        "UserVerification": config.web_authn.user_verification.value,
        "FactorConfiguration": config.web_authn.factor_configuration.value,
    }
    if config.web_authn.relying_party_id:
        web_authn["RelyingPartyId"] = config.web_authn.relying_party_id
    out["WebAuthnConfiguration"] = web_authn
    return out


def _web_authn(given: Mapping[str, Any] | None) -> dict[str, Any] | None:
    # (verify) A call without WebAuthnConfiguration leaves the passkey settings as they
    # are; Cognito does not say whether it resets them like the MFA factors.
    if given is None:
        return None
    # A given configuration is whole: a member left out takes its default.
    return {
        "relying_party_id": given.get("RelyingPartyId"),
        "user_verification": given.get("UserVerification") or "preferred",
        "factor_configuration": given.get("FactorConfiguration") or "SINGLE_FACTOR",
    }


@operation(IDP, "SetUserPoolMfaConfig")
def set_user_pool_mfa_config(call: Call) -> Result:
    p = call.params
    sms = p.get("SmsMfaConfiguration")
    email = p.get("EmailMfaConfiguration")
    # Each factor is as the call describes it: a member left out turns its factor off.
    config = _pool(call).set_mfa_config(
        mfa_configuration=p.get("MfaConfiguration"),
        sms=sms is not None,
        sms_message=(sms or {}).get("SmsAuthenticationMessage"),
        sms_configuration=(sms or {}).get("SmsConfiguration"),
        software_token=bool((p.get("SoftwareTokenMfaConfiguration") or {}).get("Enabled")),
        email=email is not None,
        email_message=(email or {}).get("Message"),
        email_subject=(email or {}).get("Subject"),
        web_authn=_web_authn(p.get("WebAuthnConfiguration")),
    )
    return _mfa_config_out(config)


@operation(IDP, "GetUserPoolMfaConfig")
def get_user_pool_mfa_config(call: Call) -> Result:
    return _mfa_config_out(_pool(call).mfa_config())


# -- software tokens -------------------------------------------------------------------


@operation(IDP, "AssociateSoftwareToken")
def associate_software_token(call: Call) -> Result:
    p = call.params
    made = _token_or_session(call).associate_software_token(
        p.get("AccessToken"), session=p.get("Session")
    )
    return {"SecretCode": made.secret_code, "Session": made.session}


@operation(IDP, "VerifySoftwareToken")
def verify_software_token(call: Call) -> Result:
    p = call.params
    done = _token_or_session(call).verify_software_token(
        p["UserCode"],
        access_token=p.get("AccessToken"),
        session=p.get("Session"),
        friendly_device_name=p.get("FriendlyDeviceName"),
    )
    return {"Status": done.status, "Session": done.session}


# -- user MFA preferences --------------------------------------------------------------


def _preference(settings: Mapping[str, Any] | None) -> MfaPreference | None:
    if settings is None:
        return None
    return MfaPreference(settings.get("Enabled"), settings.get("PreferredMfa"))


def _preferences(call: Call) -> dict[str, Any]:
    p = call.params
    passkey = p.get("WebAuthnMfaSettings")
    return {
        "sms": _preference(p.get("SMSMfaSettings")),
        "software_token": _preference(p.get("SoftwareTokenMfaSettings")),
        "email": _preference(p.get("EmailMfaSettings")),
        "web_authn": None if passkey is None else passkey.get("Enabled"),
    }


@operation(IDP, "SetUserMFAPreference")
def set_user_mfa_preference(call: Call) -> Result:
    _token_auth(call).set_user_mfa_preference(call.params["AccessToken"], **_preferences(call))
    return {}


@operation(IDP, "AdminSetUserMFAPreference")
def admin_set_user_mfa_preference(call: Call) -> Result:
    _pool(call).admin_set_user_mfa_preference(call.params["Username"], **_preferences(call))
    return {}


@operation(IDP, "SetUserSettings")
def set_user_settings(call: Call) -> Result:
    p = call.params
    _token_auth(call).set_user_settings(p["AccessToken"], p["MFAOptions"])
    return {}


@operation(IDP, "AdminSetUserSettings")
def admin_set_user_settings(call: Call) -> Result:
    p = call.params
    _pool(call).admin_set_user_settings(p["Username"], p["MFAOptions"])
    return {}


def _auth_factors_out(factors: UserAuthFactors) -> Result:
    return {
        "Username": factors.username,
        "PreferredMfaSetting": factors.preferred_mfa.value if factors.preferred_mfa else None,
        "UserMFASettingList": [f.value for f in factors.mfa_settings] or None,
        "ConfiguredUserAuthFactors": [f.value for f in factors.configured_factors],
    }


@operation(IDP, "GetUserAuthFactors")
def get_user_auth_factors(call: Call) -> Result:
    return _auth_factors_out(_token_auth(call).get_user_auth_factors(call.params["AccessToken"]))


@operation(IDP, "AdminGetUserAuthFactors")
def admin_get_user_auth_factors(call: Call) -> Result:
    return _auth_factors_out(_pool(call).admin_get_user_auth_factors(call.params["Username"]))


@operation(IDP, "AdminDeleteSoftwareToken")
def admin_delete_software_token(call: Call) -> Result:
    _pool(call).admin_delete_software_token(call.params["Username"])
    return {}


# -- passkeys --------------------------------------------------------------------------


@operation(IDP, "StartWebAuthnRegistration")
def start_web_authn_registration(call: Call) -> Result:
    options = _token_auth(call).start_web_authn_registration(call.params["AccessToken"])
    return {"CredentialCreationOptions": options}


@operation(IDP, "CompleteWebAuthnRegistration")
def complete_web_authn_registration(call: Call) -> Result:
    p = call.params
    if not isinstance(p.get("Credential"), Mapping):
        # The document is the browser's RegistrationResponseJSON: an object.
        raise InvalidParameterError(
            "Credential must be a RegistrationResponseJSON object.", field="Credential"
        )
    _token_auth(call).complete_web_authn_registration(p["AccessToken"], p["Credential"])
    return {}


def _passkey_out(passkey: Passkey) -> dict[str, Any]:
    out: dict[str, Any] = {
        "CredentialId": passkey.credential_id,
        "FriendlyCredentialName": passkey.friendly_name,
        "RelyingPartyId": passkey.relying_party_id,
        "AuthenticatorTransports": list(passkey.transports),
        "CreatedAt": epoch(passkey.created_at),
    }
    if passkey.authenticator_attachment is not None:
        out["AuthenticatorAttachment"] = passkey.authenticator_attachment
    return out


@operation(IDP, "ListWebAuthnCredentials")
def list_web_authn_credentials(call: Call) -> Result:
    p = call.params
    page = _token_auth(call).list_web_authn_credentials(
        p["AccessToken"], max_results=p.get("MaxResults", 20), next_token=p.get("NextToken")
    )
    return {"Credentials": [_passkey_out(c) for c in page], "NextToken": page.next_token}


@operation(IDP, "DeleteWebAuthnCredential")
def delete_web_authn_credential(call: Call) -> Result:
    p = call.params
    _token_auth(call).delete_web_authn_credential(p["AccessToken"], p["CredentialId"])
    return {}


# -- devices ---------------------------------------------------------------------------


def _device_out(device: Device) -> dict[str, Any]:
    out: dict[str, Any] = {
        "DeviceKey": device.key,
        "DeviceAttributes": [{"Name": k, "Value": val} for k, val in device.attributes.items()],
        "DeviceCreateDate": epoch(device.created_at),
        "DeviceLastModifiedDate": epoch(device.modified_at),
    }
    if device.last_authenticated_at is not None:
        out["DeviceLastAuthenticatedDate"] = epoch(device.last_authenticated_at)
    return out


@operation(IDP, "ConfirmDevice")
def confirm_device(call: Call) -> Result:
    p = call.params
    config = p.get("DeviceSecretVerifierConfig")
    if not config:
        raise InvalidParameterError(
            "Missing required parameter DeviceSecretVerifierConfig",
            field="DeviceSecretVerifierConfig",
        )
    necessary = _token_auth(call).confirm_device(
        p["AccessToken"], p["DeviceKey"], config, device_name=p.get("DeviceName")
    )
    return {"UserConfirmationNecessary": necessary}


@operation(IDP, "GetDevice")
def get_device(call: Call) -> Result:
    p = call.params
    device = _token_auth(call).get_device(p.get("AccessToken"), p["DeviceKey"])
    return {"Device": _device_out(device)}


@operation(IDP, "ListDevices")
def list_devices(call: Call) -> Result:
    p = call.params
    page = _token_auth(call).list_devices(
        p["AccessToken"], limit=p.get("Limit", 60), pagination_token=p.get("PaginationToken")
    )
    return {"Devices": [_device_out(d) for d in page], "PaginationToken": page.next_token}


@operation(IDP, "ForgetDevice")
def forget_device(call: Call) -> Result:
    p = call.params
    _token_auth(call).forget_device(p.get("AccessToken"), p["DeviceKey"])
    return {}


@operation(IDP, "UpdateDeviceStatus")
def update_device_status(call: Call) -> Result:
    p = call.params
    _token_auth(call).update_device_status(
        p["AccessToken"], p["DeviceKey"], p.get("DeviceRememberedStatus")
    )
    return {}


@operation(IDP, "AdminGetDevice")
def admin_get_device(call: Call) -> Result:
    p = call.params
    return {"Device": _device_out(_pool(call).admin_get_device(p["Username"], p["DeviceKey"]))}


@operation(IDP, "AdminListDevices")
def admin_list_devices(call: Call) -> Result:
    p = call.params
    page = _pool(call).admin_list_devices(
        p["Username"], limit=p.get("Limit", 60), pagination_token=p.get("PaginationToken")
    )
    return {"Devices": [_device_out(d) for d in page], "PaginationToken": page.next_token}


@operation(IDP, "AdminForgetDevice")
def admin_forget_device(call: Call) -> Result:
    p = call.params
    _pool(call).admin_forget_device(p["Username"], p["DeviceKey"])
    return {}


@operation(IDP, "AdminUpdateDeviceStatus")
def admin_update_device_status(call: Call) -> Result:
    p = call.params
    _pool(call).admin_update_device_status(
        p["Username"], p["DeviceKey"], p.get("DeviceRememberedStatus")
    )
    return {}

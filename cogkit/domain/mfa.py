"""Multi-factor authentication settings: the pool's factors, each user's enabled and
preferred factors, and software tokens (TOTP) (spec §8.1-§8.3).

A user's settings live in its record's ``extra``: ``extra["mfa"] = {"enabled": [...],
"preferred": ...}`` (what ``User.mfa_settings``/``preferred_mfa`` read) and
``extra["totp"] = {"secret", "pending", "name", "last_step"}``.  The TOTP secret must stay
readable to check codes, so it is kept like a signing key: in the store, out of every
``repr``.  ``last_step`` is the time step of the last code accepted; no code of that step
or an earlier one is accepted again (RFC 6238 §5.2).

``MfaCalls`` (the signed-in user's calls) is mixed into ``AuthFlow``; ``PoolMfa`` (the
administrator's) into ``UserPool``.  The sign-in challenges are in ``auth_mfa``.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from typing import TYPE_CHECKING, Any

import attrs

from cogkit.domain import _accounts as accounts
from cogkit.domain import _validate as v
from cogkit.domain import passkeys
from cogkit.domain.enums import (
    AuthFactor,
    ChallengeName,
    MfaConfiguration,
    MfaFactor,
)
from cogkit.domain.security_config import (
    DEFAULT_SMS_AUTHENTICATION_MESSAGE,
    WebAuthnConfiguration,
)
from cogkit.errors import (
    EnableSoftwareTokenMFAError,
    InvalidParameterError,
    NotAuthorizedError,
    ResourceNotFoundError,
    SoftwareTokenMFANotFoundError,
)
from cogkit.services import totp
from cogkit.stores.records import SessionRecord, UserRecord

if TYPE_CHECKING:
    from cogkit.domain._runtime import Runtime
    from cogkit.domain.client import AppClient
    from cogkit.domain.config import UserPoolConfig
    from cogkit.domain.pool import UserPool
    from cogkit.stores.records import PoolRecord

__all__ = [
    "MfaConfig",
    "MfaPreference",
    "SoftwareTokenAssociation",
    "SoftwareTokenVerification",
    "UserAuthFactors",
]

#: Cognito's order of factors in ``UserMFASettingList`` and ``MFAS_CAN_*``.
FACTOR_ORDER = (MfaFactor.SMS_MFA, MfaFactor.SOFTWARE_TOKEN_MFA, MfaFactor.EMAIL_OTP)
#: The attribute a code-based factor is delivered to.
DESTINATION = {MfaFactor.SMS_MFA: "phone_number", MfaFactor.EMAIL_OTP: "email"}
POOL_TOTP_OFF = "Software Token MFA has not been enabled by the userPool"


@attrs.frozen
class MfaPreference:
    """One factor's ``{Enabled, PreferredMfa}`` for ``set_user_mfa_preference``; ``None``
    leaves that half as it is."""

    enabled: bool | None = None
    preferred: bool | None = None


@attrs.frozen
class MfaConfig:
    """A pool's MFA configuration (``GetUserPoolMfaConfig``)."""

    mfa_configuration: MfaConfiguration
    sms: bool
    sms_message: str
    sms_configuration: Mapping[str, Any]
    software_token: bool
    email: bool
    email_message: str
    email_subject: str
    #: Passkeys (``WebAuthnConfiguration``).
    web_authn: WebAuthnConfiguration = attrs.field(factory=WebAuthnConfiguration)


@attrs.frozen
class SoftwareTokenAssociation:
    """``AssociateSoftwareToken``: the secret to load into an authenticator app, and the
    next session when the call was made during ``MFA_SETUP``."""

    secret_code: str = attrs.field(repr=False)
    session: str | None = attrs.field(default=None, repr=False)

    def provisioning_uri(self, account: str, issuer: str | None = None) -> str:
        """The ``otpauth://`` URI for a QR code."""
        return totp.provisioning_uri(self.secret_code, account, issuer)


@attrs.frozen
class SoftwareTokenVerification:
    """``VerifySoftwareToken``: ``"SUCCESS"`` and, during ``MFA_SETUP``, the session to
    answer the challenge with."""

    status: str
    session: str | None = attrs.field(default=None, repr=False)


@attrs.frozen
class UserAuthFactors:
    """``GetUserAuthFactors``: the user's MFA settings and its choice-based first factors."""

    username: str
    preferred_mfa: MfaFactor | None
    mfa_settings: tuple[MfaFactor, ...]
    configured_factors: tuple[AuthFactor, ...]


# -- a user's state --------------------------------------------------------------------


def _mfa(record: UserRecord) -> Mapping[str, Any]:
    found = record.extra.get("mfa")
    return found if isinstance(found, Mapping) else {}


def enabled_factors(record: UserRecord) -> tuple[MfaFactor, ...]:
    names = set(_mfa(record).get("enabled", ()))
    return tuple(f for f in FACTOR_ORDER if f.value in names)


def preferred_factor(record: UserRecord) -> MfaFactor | None:
    preferred = _mfa(record).get("preferred")
    return MfaFactor(preferred) if preferred in set(MfaFactor) else None


def with_factors(
    record: UserRecord, enabled: Iterable[MfaFactor], preferred: MfaFactor | None
) -> UserRecord:
    chosen = set(enabled)
    names = [f.value for f in FACTOR_ORDER if f in chosen]
    mfa = {"enabled": names, "preferred": preferred.value if preferred else None}
    return attrs.evolve(record, extra={**record.extra, "mfa": mfa})


def totp_state(record: UserRecord) -> dict[str, Any]:
    found = record.extra.get("totp")
    return dict(found) if isinstance(found, Mapping) else {}


def with_totp(record: UserRecord, **changes: Any) -> UserRecord:
    return attrs.evolve(record, extra={**record.extra, "totp": {**totp_state(record), **changes}})


def without_totp(record: UserRecord) -> UserRecord:
    """The record with its TOTP authenticator forgotten and TOTP MFA off (no longer
    preferred either)."""
    enabled = [f for f in enabled_factors(record) if f is not MfaFactor.SOFTWARE_TOKEN_MFA]
    preferred = preferred_factor(record)
    if preferred is MfaFactor.SOFTWARE_TOKEN_MFA:
        preferred = None
    cleared = with_factors(record, enabled, preferred)
    return attrs.evolve(cleared, extra={k: v for k, v in cleared.extra.items() if k != "totp"})


def auth_factors(rt: Runtime, config: UserPoolConfig, record: UserRecord) -> UserAuthFactors:
    """``GetUserAuthFactors`` / ``AdminGetUserAuthFactors`` for ``record``."""
    return UserAuthFactors(
        username=record.username,
        preferred_mfa=preferred_factor(record),
        mfa_settings=enabled_factors(record),
        configured_factors=tuple(
            configured_first_factors(
                config, record, passkey=passkeys.registered(rt, config, record)
            )
        ),
    )


def has_destination(record: UserRecord, factor: MfaFactor) -> bool:
    """Whether the user has somewhere to receive ``factor``'s codes (or a TOTP secret)."""
    if factor is MfaFactor.SOFTWARE_TOKEN_MFA:
        return bool(totp_state(record).get("secret"))
    return bool(record.attributes.get(DESTINATION[factor]))


def sms_message(config: UserPoolConfig) -> str:
    return config.sms_authentication_message or DEFAULT_SMS_AUTHENTICATION_MESSAGE


def configured_first_factors(
    config: UserPoolConfig, record: UserRecord, *, passkey: bool = False
) -> list[AuthFactor]:
    """The USER_AUTH first factors the pool allows and the user can use: a password, a
    verified email for EMAIL_OTP, a verified phone number for SMS_OTP, and WEB_AUTHN when
    the caller found the user has a ``passkey``."""
    allowed = config.sign_in_policy.allowed_first_auth_factors
    out = []
    if AuthFactor.PASSWORD in allowed and record.password_hash is not None:
        out.append(AuthFactor.PASSWORD)
    otp = ((AuthFactor.EMAIL_OTP, "email"), (AuthFactor.SMS_OTP, "phone_number"))
    for factor, attribute in otp:
        verified = record.attributes.get(f"{attribute}_verified") == "true"
        if factor in allowed and record.attributes.get(attribute) and verified:
            out.append(factor)
    if passkey and AuthFactor.WEB_AUTHN in allowed:
        out.append(AuthFactor.WEB_AUTHN)
    return out


def _preference(field: str, value: Any) -> MfaPreference | None:
    if value is None or isinstance(value, MfaPreference):
        return value
    data = v.mapping(field, value)
    v.no_unknown(field, data, ["enabled", "preferred"])
    enabled = data.get("enabled")
    preferred = data.get("preferred")
    return MfaPreference(
        None if enabled is None else v.boolean(f"{field}.enabled", enabled),
        None if preferred is None else v.boolean(f"{field}.preferred", preferred),
    )


def apply_preferences(
    config: UserPoolConfig, record: UserRecord, changes: Mapping[MfaFactor, MfaPreference]
) -> UserRecord | None:
    """The record with the factor changes of ``SetUserMFAPreference`` applied (``None``
    when nothing changes)."""
    if sum(1 for p in changes.values() if p.preferred) > 1:
        raise InvalidParameterError(
            "Only one MFA method can be set as preferred.", field="preferred_mfa"
        )
    before = enabled_factors(record)
    enabled = list(before)
    preferred = preferred_factor(record)
    for factor, change in changes.items():
        turn_on = change.enabled
        if change.preferred and turn_on is False:
            raise InvalidParameterError(
                f"{factor.value} cannot be preferred while it is disabled.", field="preferred_mfa"
            )
        if change.preferred:
            turn_on = True
        if turn_on:
            _check_can_enable(config, record, factor)
            if factor not in enabled:
                enabled.append(factor)
        elif turn_on is False and factor in enabled:
            enabled.remove(factor)
            if preferred is factor:
                preferred = None
        if change.preferred:
            preferred = factor
        elif change.preferred is False and preferred is factor:
            preferred = None
    if config.mfa_configuration is MfaConfiguration.ON and before and not enabled:
        raise InvalidParameterError(
            "MFA is required in this user pool: at least one MFA method must stay enabled.",
            field="mfa_settings",
        )
    updated = with_factors(record, enabled, preferred)
    return None if updated.extra.get("mfa") == record.extra.get("mfa") else updated


def _check_can_enable(config: UserPoolConfig, record: UserRecord, factor: MfaFactor) -> None:
    if factor is MfaFactor.SOFTWARE_TOKEN_MFA:
        if not totp_state(record).get("secret"):
            raise InvalidParameterError(
                "User has not verified software token mfa", field="software_token_mfa_settings"
            )
        return
    if factor is MfaFactor.EMAIL_OTP and not config.mfa_factors.email:
        raise InvalidParameterError(
            "Email MFA is not enabled for this user pool.", field="email_mfa_settings"
        )
    if not record.attributes.get(DESTINATION[factor]):
        raise InvalidParameterError(
            f"User does not have delivery config set to turn on {factor.value}",
            field=f"{'sms' if factor is MfaFactor.SMS_MFA else 'email'}_mfa_settings",
        )


def _preference_changes(
    sms: MfaPreference | Mapping[str, Any] | None,
    software_token: MfaPreference | Mapping[str, Any] | None,
    email: MfaPreference | Mapping[str, Any] | None,
) -> dict[MfaFactor, MfaPreference]:
    given = {
        MfaFactor.SMS_MFA: _preference("sms_mfa_settings", sms),
        MfaFactor.SOFTWARE_TOKEN_MFA: _preference("software_token_mfa_settings", software_token),
        MfaFactor.EMAIL_OTP: _preference("email_mfa_settings", email),
    }
    return {factor: change for factor, change in given.items() if change is not None}


def _legacy_sms(options: Any) -> MfaPreference:
    """``MFAOptions`` of SetUserSettings: only SMS to ``phone_number`` can be set."""
    items = list(options) if isinstance(options, list | tuple) else None
    if items is None:
        raise InvalidParameterError("mfa_options must be a list", field="mfa_options")
    for index, item in enumerate(items):
        data = v.mapping(f"mfa_options[{index}]", item)
        medium = data.get("DeliveryMedium", data.get("delivery_medium", "SMS"))
        attribute = data.get("AttributeName", data.get("attribute_name", "phone_number"))
        if medium != "SMS" or attribute != "phone_number":
            raise InvalidParameterError(
                "Only SMS MFA to phone_number can be set with MFAOptions; use "
                "SetUserMFAPreference for other factors.",
                field="mfa_options",
            )
    return MfaPreference(enabled=bool(items))


def _passkey_mfa(field: str, value: Any) -> bool | None:
    """``WebAuthnMfaSettings``: ``{"enabled": bool}`` (or the bool itself)."""
    if value is None or isinstance(value, bool):
        return value
    data = v.mapping(field, value)
    v.no_unknown(field, data, ["enabled"])
    enabled = data.get("enabled")
    return None if enabled is None else v.boolean(f"{field}.enabled", enabled)


def apply_passkey_mfa(config: UserPoolConfig, record: UserRecord, on: bool) -> UserRecord | None:
    """Turns passkey MFA on or off: on needs a pool where passkeys stand for MFA and
    another MFA factor the user keeps, so losing the passkey never locks the user out."""
    if on:
        if not passkeys.stands_for_mfa(config):
            raise InvalidParameterError(
                "Passkey MFA needs the user pool's WebAuthnConfiguration FactorConfiguration "
                "MULTI_FACTOR_WITH_USER_VERIFICATION.",
                field="web_authn_mfa_settings",
            )
        if not enabled_factors(record):
            raise InvalidParameterError(
                "Turn on another MFA method (SMS, TOTP or email) before passkey MFA.",
                field="web_authn_mfa_settings",
            )
    if passkeys.mfa_enabled(record) == on:
        return None
    return passkeys.with_mfa(record, on)


def _set_preferences(
    rt: Runtime,
    config: UserPoolConfig,
    record: UserRecord,
    changes: Mapping[MfaFactor, MfaPreference],
    passkey_mfa: bool | None = None,
) -> None:
    def change(current: UserRecord) -> UserRecord | None:
        updated = apply_preferences(config, current, changes)
        if passkey_mfa is None:
            return updated
        base = updated or current
        return apply_passkey_mfa(config, base, passkey_mfa) or updated

    accounts.mutate(rt, config, record.pool_id, record.username, change)


# -- the signed-in user's calls (mixed into AuthFlow) --------------------------------


class MfaCalls:
    """``AuthFlow``'s MFA calls, made with an access token or an ``MFA_SETUP`` session."""

    _rt: Runtime
    pool: UserPool

    if TYPE_CHECKING:  # provided by AuthFlow

        def _access(self, access_token: str) -> tuple[UserPoolConfig, AppClient, UserRecord]: ...
        def _live_session(
            self, session: str, kinds: Collection[str], *, client: AppClient | None = None
        ) -> SessionRecord: ...
        def _take(self, stored: SessionRecord) -> None: ...
        def _open_session(
            self,
            session: str,
            client: AppClient,
            username: str,
            name: ChallengeName,
            state: Mapping[str, Any],
        ) -> None: ...

    def _setup_session(self, session: str) -> tuple[UserPoolConfig, SessionRecord, UserRecord]:
        """An open ``MFA_SETUP`` session of this pool and its user."""
        v.string("session", session, min_len=20, max_len=2048)
        _record, config = self._rt.pool(self.pool.id)
        stored = self._live_session(session, (ChallengeName.MFA_SETUP.value,))
        record = self._rt.store.get_user(self.pool.id, stored.username)
        if record is None or not record.enabled:
            raise NotAuthorizedError("Invalid session for the user.")
        return config, stored, record

    def _next_setup_session(self, stored: SessionRecord, **state: Any) -> str:
        """Uses ``stored`` up and opens its successor (Cognito answers each setup call with a
        new session)."""
        self._take(stored)
        session = self._rt.tokens.new_session()
        self._open_session(
            session,
            self._rt.client(stored.client_id, self.pool.id),
            stored.username,
            ChallengeName.MFA_SETUP,
            {**stored.state, **state},
        )
        return session

    @staticmethod
    def _one_authority(access_token: str | None, session: str | None) -> None:
        if (access_token is None) == (session is None):
            raise InvalidParameterError(
                "Give either an access token or a session, not both.", field="access_token"
            )

    def _software_token_user(
        self, access_token: str | None, session: str | None
    ) -> tuple[UserPoolConfig, SessionRecord | None, UserRecord]:
        """The pool configuration, the MFA_SETUP session (``None`` with an access token) and
        the user a software-token call is made for; the pool must offer TOTP."""
        self._one_authority(access_token, session)
        stored: SessionRecord | None = None
        if access_token is not None:
            config, _client, record = self._access(access_token)
        else:
            assert session is not None
            config, stored, record = self._setup_session(session)
        if not config.mfa_factors.software_token:
            raise SoftwareTokenMFANotFoundError(POOL_TOTP_OFF)
        return config, stored, record

    def associate_software_token(
        self, access_token: str | None = None, *, session: str | None = None
    ) -> SoftwareTokenAssociation:
        """``AssociateSoftwareToken``: a new TOTP secret (32 bytes, base32) for the user,
        replacing any secret not yet verified; a verified one stays in force until its
        successor is verified."""
        config, stored, record = self._software_token_user(access_token, session)
        secret = totp.new_secret(self._rt.ids)
        accounts.mutate(
            self._rt,
            config,
            self.pool.id,
            record.username,
            lambda current: with_totp(current, pending=secret),
        )
        following = None if stored is None else self._next_setup_session(stored)
        return SoftwareTokenAssociation(secret, following)

    def verify_software_token(
        self,
        user_code: str,
        *,
        access_token: str | None = None,
        session: str | None = None,
        friendly_device_name: str | None = None,
    ) -> SoftwareTokenVerification:
        """``VerifySoftwareToken``: the code from the authenticator app proves the secret
        from ``associate_software_token``, which becomes the user's.  It does not turn TOTP
        MFA on (``set_user_mfa_preference`` does, or answering ``MFA_SETUP``)."""
        v.string("user_code", user_code, min_len=6, max_len=6, pattern=r"[0-9]+")
        if friendly_device_name is not None:
            v.string("friendly_device_name", friendly_device_name, max_len=131072)
        config, stored, record = self._software_token_user(access_token, session)
        now = self._rt.now()

        def verify(current: UserRecord) -> UserRecord:
            state = totp_state(current)
            pending = state.get("pending")
            if not pending:
                raise SoftwareTokenMFANotFoundError(
                    "Software token has not been associated with the user."
                )
            step = totp.matching_step(str(pending), user_code, now, after=state.get("last_step"))
            if step is None:
                raise EnableSoftwareTokenMFAError(
                    "Code mismatch and fail enable Software Token MFA"
                )
            return with_totp(
                current, secret=pending, pending=None, name=friendly_device_name, last_step=step
            )

        accounts.mutate(self._rt, config, self.pool.id, record.username, verify)
        following = None if stored is None else self._next_setup_session(stored, verified=True)
        return SoftwareTokenVerification("SUCCESS", following)

    def set_user_mfa_preference(
        self,
        access_token: str,
        *,
        sms: MfaPreference | Mapping[str, Any] | None = None,
        software_token: MfaPreference | Mapping[str, Any] | None = None,
        email: MfaPreference | Mapping[str, Any] | None = None,
        web_authn: bool | Mapping[str, Any] | None = None,
    ) -> None:
        """``SetUserMFAPreference``: enables, disables or prefers factors (a factor not
        given stays as it is; at most one may be preferred).  ``web_authn`` turns passkey
        MFA on or off (it is never preferred: it applies when a passkey is the first
        factor)."""
        changes = _preference_changes(sms, software_token, email)
        passkey_mfa = _passkey_mfa("web_authn_mfa_settings", web_authn)
        config, _client, record = self._access(access_token)
        _set_preferences(self._rt, config, record, changes, passkey_mfa)

    def set_user_settings(self, access_token: str, mfa_options: Iterable[Any]) -> None:
        """``SetUserSettings`` (legacy): a non-empty ``MFAOptions`` turns SMS MFA on, an empty
        one turns it off."""
        change = _legacy_sms(mfa_options)
        config, _client, record = self._access(access_token)
        _set_preferences(self._rt, config, record, {MfaFactor.SMS_MFA: change})

    def get_user_auth_factors(self, access_token: str) -> UserAuthFactors:
        """``GetUserAuthFactors``: MFA settings and choice-based first factors."""
        config, _client, record = self._access(access_token)
        return auth_factors(self._rt, config, record)


# -- the administrator's calls (mixed into UserPool) ----------------------------------


class PoolMfa:
    """``UserPool``'s MFA administration."""

    id: str
    _rt: Runtime

    if TYPE_CHECKING:  # provided by UserPool

        def _state(self) -> tuple[PoolRecord, UserPoolConfig]: ...
        def _user(self, username: str) -> tuple[UserPoolConfig, UserRecord]: ...
        def update(self, *, name: str | None = None, **changes: Any) -> Any: ...

    def mfa_config(self) -> MfaConfig:
        """``GetUserPoolMfaConfig``."""
        _record, config = self._state()
        factors = config.mfa_factors
        return MfaConfig(
            mfa_configuration=config.mfa_configuration,
            sms=factors.sms,
            sms_message=sms_message(config),
            sms_configuration=dict(config.sms_configuration),
            software_token=factors.software_token,
            email=factors.email,
            email_message=factors.email_message,
            email_subject=factors.email_subject,
            web_authn=config.web_authn,
        )

    def set_mfa_config(
        self,
        *,
        mfa_configuration: MfaConfiguration | str | None = None,
        sms: bool | None = None,
        sms_message: str | None = None,
        sms_configuration: Mapping[str, Any] | None = None,
        software_token: bool | None = None,
        email: bool | None = None,
        email_message: str | None = None,
        email_subject: str | None = None,
        web_authn: WebAuthnConfiguration | Mapping[str, Any] | None = None,
    ) -> MfaConfig:
        """``SetUserPoolMfaConfig``: which factors the pool offers and whether MFA is OFF,
        ON or OPTIONAL (``None`` leaves a setting as it is).  ON needs a factor; email MFA
        needs the Essentials tier and SES sending (``EmailSendingAccount`` DEVELOPER).
        ``web_authn`` configures passkeys (``WebAuthnConfiguration``)."""
        factors: dict[str, Any] = {}
        for name, value in (("sms", sms), ("software_token", software_token), ("email", email)):
            if value is not None:
                factors[name] = value
        if email_message is not None:
            factors["email_message"] = email_message
        if email_subject is not None:
            factors["email_subject"] = email_subject
        self.update(
            mfa_configuration=mfa_configuration,
            mfa_factors=factors,
            sms_authentication_message=sms_message,
            sms_configuration=sms_configuration,
            web_authn=web_authn,
        )
        return self.mfa_config()

    def admin_set_user_mfa_preference(
        self,
        username: str,
        *,
        sms: MfaPreference | Mapping[str, Any] | None = None,
        software_token: MfaPreference | Mapping[str, Any] | None = None,
        email: MfaPreference | Mapping[str, Any] | None = None,
        web_authn: bool | Mapping[str, Any] | None = None,
    ) -> None:
        """``AdminSetUserMFAPreference``."""
        changes = _preference_changes(sms, software_token, email)
        passkey_mfa = _passkey_mfa("web_authn_mfa_settings", web_authn)
        config, record = self._user(username)
        _set_preferences(self._rt, config, record, changes, passkey_mfa)

    def admin_get_user_auth_factors(self, username: str) -> UserAuthFactors:
        """``AdminGetUserAuthFactors``: the user's MFA settings and choice-based first
        factors, as ``GetUserAuthFactors`` tells the user."""
        config, record = self._user(username)
        return auth_factors(self._rt, config, record)

    def admin_delete_software_token(self, username: str) -> None:
        """``AdminDeleteSoftwareToken``: forgets the user's TOTP authenticator (say, a lost
        phone).  TOTP MFA is off for the user until a new authenticator is associated and
        verified; where the pool requires MFA and it was the user's only factor, the next
        sign-in asks for MFA set-up."""
        config, record = self._user(username)

        def forget(current: UserRecord) -> UserRecord:
            state = totp_state(current)
            if not (state.get("secret") or state.get("pending")):
                # fidelity: Cognito does not document the answer for a user without an
                # authenticator; cogkit answers ResourceNotFound, as for other absent things.
                raise ResourceNotFoundError("The user has no software token to delete.")
            return without_totp(current)

        accounts.mutate(self._rt, config, self.id, record.username, forget)

    def admin_set_user_settings(self, username: str, mfa_options: Iterable[Any]) -> None:
        """``AdminSetUserSettings`` (legacy): turns SMS MFA on or off."""
        change = _legacy_sms(mfa_options)
        config, record = self._user(username)
        _set_preferences(self._rt, config, record, {MfaFactor.SMS_MFA: change})

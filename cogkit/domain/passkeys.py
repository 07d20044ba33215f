"""Passkeys (WebAuthn) (spec §8.6): registering, listing and deleting a user's passkeys
(``PasskeyCalls``, mixed into ``AuthFlow``) and what sign-in needs to know of them.  The
``WEB_AUTHN`` sign-in challenge is in ``auth_passkeys``.

The store keeps each passkey (``PasskeyRecord``): its credential ID, unique in the pool
(WebAuthn §7.1 step 22: a credential registered to anyone is not registered again), its
COSE public key, its signature counter, the relying party it was made for and what the
browser said of it.  Only public keys are kept; nothing there is secret.  A user has at
most ``MAX_PASSKEYS``; they go when the user goes.  Whether a user's passkey stands for
MFA (``WebAuthnMfaSettings``) is kept with its other MFA settings, in the user record.

``start_web_authn_registration`` hands out ``CredentialCreationOptions`` with a random
challenge; the challenge is kept as a single-use, expiring session under its digest, bound
to the user and the app client, and ``complete_web_authn_registration`` uses it up.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import attrs

from cogkit.domain import _paging
from cogkit.domain import _validate as v
from cogkit.domain._paging import Page
from cogkit.domain.enums import (
    AuthFactor,
    MfaConfiguration,
    UserVerification,
    WebAuthnFactorConfiguration,
)
from cogkit.errors import (
    InvalidParameterError,
    LimitExceededError,
    ResourceNotFoundError,
    StoreConflictError,
    WebAuthnChallengeNotFoundError,
    WebAuthnClientMismatchError,
    WebAuthnConfigurationMissingError,
    WebAuthnCredentialNotSupportedError,
    WebAuthnNotEnabledError,
    WebAuthnOriginNotAllowedError,
    WebAuthnRelyingPartyMismatchError,
)
from cogkit.services import webauthn as wa
from cogkit.services.codes import secret_digest
from cogkit.stores.records import PasskeyRecord, SessionRecord, UserRecord

if TYPE_CHECKING:
    from cogkit.domain._runtime import Runtime
    from cogkit.domain.client import AppClient
    from cogkit.domain.config import UserPoolConfig
    from cogkit.domain.pool import UserPool

__all__ = ["Passkey"]

#: Passkeys one user may register (Cognito's quota).
MAX_PASSKEYS = 20
LIST_MAX = 20
#: How long a registration or sign-in challenge may be answered, in seconds.
# fidelity: Cognito does not document how long its passkey challenges last; cogkit gives
# registration five minutes (the options' ``timeout``) and sign-in its auth session.
REGISTRATION_TTL = 300
#: What a registration challenge's session is kept as (no sign-in challenge has the name).
REGISTRATION = "WEB_AUTHN_REGISTRATION"
CHALLENGE_GONE = "The passkey registration challenge was not found or has expired."
#: The largest credential document cogkit reads (JSON text, before decoding).
MAX_CREDENTIAL = 64 * 1024
_PUBLIC_KEY_PARAMS = (
    {"type": "public-key", "alg": wa.ES256},
    {"type": "public-key", "alg": wa.RS256},
)
_TRANSPORTS = frozenset({"ble", "cable", "hybrid", "internal", "nfc", "smart-card", "usb"})
_ATTACHMENTS = frozenset({"platform", "cross-platform"})


@attrs.frozen
class Passkey:
    """A registered passkey (Cognito's ``WebAuthnCredentialDescription``).

    .. versionadded:: 0.1
    """

    credential_id: str
    friendly_name: str
    relying_party_id: str
    authenticator_attachment: str | None
    transports: tuple[str, ...]
    created_at: _dt.datetime

    @classmethod
    def from_record(cls, record: PasskeyRecord) -> Passkey:
        attachment = record.extra.get("attachment")
        return cls(
            credential_id=record.credential_id,
            friendly_name=str(record.extra.get("name") or ""),
            relying_party_id=record.relying_party_id,
            authenticator_attachment=None if attachment is None else str(attachment),
            transports=tuple(record.extra.get("transports") or ()),
            created_at=_dt.datetime.fromtimestamp(record.created_at, _dt.UTC),
        )


# -- a user's passkeys -----------------------------------------------------------------


def stored(rt: Runtime, record: UserRecord) -> list[PasskeyRecord]:
    """The user's passkeys, by credential ID."""
    # More than MAX_PASSKEYS only if registrations raced; all of them still count.
    found = rt.store.list_passkeys(record.pool_id, record.username, after=None, limit=100)
    return list(found)


def find(rt: Runtime, record: UserRecord, credential_id: str) -> PasskeyRecord | None:
    """The user's passkey ``credential_id`` (``None`` for anyone else's or none)."""
    found = rt.store.get_passkey(record.pool_id, credential_id)
    return found if found is not None and found.username == record.username else None


def mfa_enabled(record: UserRecord) -> bool:
    """Whether the user turned passkey MFA on (``WebAuthnMfaSettings``)."""
    return record.extra.get("passkey_mfa") is True


def with_mfa(record: UserRecord, enabled: bool) -> UserRecord:
    return attrs.evolve(record, extra={**record.extra, "passkey_mfa": enabled})


def stands_for_mfa(config: UserPoolConfig) -> bool:
    """Whether a passkey that verified the user counts as MFA in this pool."""
    multi = WebAuthnFactorConfiguration.MULTI_FACTOR_WITH_USER_VERIFICATION
    return config.web_authn.factor_configuration is multi


def enabled(config: UserPoolConfig) -> bool:
    return AuthFactor.WEB_AUTHN in config.sign_in_policy.allowed_first_auth_factors


def registered(rt: Runtime, config: UserPoolConfig, record: UserRecord) -> bool:
    """Whether the pool allows passkeys and the user has one."""
    if not enabled(config):
        return False
    return bool(rt.store.list_passkeys(record.pool_id, record.username, after=None, limit=1))


def usable(rt: Runtime, config: UserPoolConfig, record: UserRecord) -> bool:
    """Whether USER_AUTH may offer the user ``WEB_AUTHN``: the pool allows passkeys, the user
    has one, and, when MFA is required, the passkey can stand for it (passkey MFA on)."""
    if not registered(rt, config, record):
        return False
    if config.mfa_configuration is MfaConfiguration.ON:
        return stands_for_mfa(config) and mfa_enabled(record)
    return True


def verification_required(config: UserPoolConfig, record: UserRecord) -> bool:
    """Whether the authenticator must verify the user (the pool requires it, or the passkey
    is the user's MFA)."""
    if config.web_authn.user_verification is UserVerification.REQUIRED:
        return True
    return stands_for_mfa(config) and mfa_enabled(record)


def require_enabled(config: UserPoolConfig) -> None:
    if not enabled(config):
        raise WebAuthnNotEnabledError(
            "Passkeys are not enabled for this user pool: add WEB_AUTHN to the sign-in "
            "policy's AllowedFirstAuthFactors."
        )


def relying_party_id(rt: Runtime, pool_id: str, config: UserPoolConfig) -> str:
    """The pool's relying party ID: as configured, else its custom domain, else its prefix
    domain."""
    if config.web_authn.relying_party_id:
        return config.web_authn.relying_party_id
    from cogkit.domain import domains

    found = domains.pool_domains(rt, pool_id)
    chosen = found.get(domains.CUSTOM) or found.get(domains.PREFIX)
    if chosen is None:
        raise WebAuthnConfigurationMissingError(
            "The user pool has no relying party ID for passkeys: set "
            "WebAuthnConfiguration.RelyingPartyId or give the pool a domain."
        )
    return chosen.host


def origin_allowed(origin: str, rp_id: str) -> bool:
    """Whether a browser origin may use credentials of ``rp_id`` (WebAuthn §5.1.3 step 5,
    §13.4.9): an ``https`` origin whose host is the RP ID or a subdomain of it; plain
    ``http`` only for ``localhost``, as browsers allow."""
    # fidelity: Cognito does not publish its origin rule; cogkit allows what a browser
    # would let use the RP ID (any port, any subdomain), nothing else.
    try:
        parts = urlsplit(origin)
        host = (parts.hostname or "").lower()
        parts.port  # noqa: B018 - a malformed port raises here
    except ValueError:
        return False
    if parts.path or parts.query or parts.fragment or parts.username is not None:
        return False
    rp = rp_id.lower()
    if host != rp and not host.endswith("." + rp):
        return False
    return parts.scheme == "https" or (parts.scheme == "http" and rp == "localhost")


# -- reading the browser's JSON ----------------------------------------------------------


def document(value: Any, field: str) -> dict[str, Any]:
    """A credential document: a mapping, or its JSON text (ChallengeResponses carry text)."""
    if isinstance(value, str):
        if len(value) > MAX_CREDENTIAL:
            raise InvalidParameterError(f"{field} is too long.", field=field)
        try:
            value = json.loads(value)
        except ValueError:
            raise InvalidParameterError(f"{field} is not valid JSON.", field=field) from None
    if not isinstance(value, Mapping):
        raise InvalidParameterError(f"{field} must be a JSON object.", field=field)
    return dict(value)


def binary(container: Mapping[str, Any], name: str, field: str) -> bytes:
    """A base64url member of the credential document."""
    try:
        return wa.b64url_decode(container.get(name), name)
    except wa.WebAuthnFormatError:
        raise InvalidParameterError(
            f"{field}.{name} must be a base64url string.", field=field
        ) from None


def response_of(credential: Mapping[str, Any], field: str) -> tuple[bytes, Mapping[str, Any]]:
    """The credential's raw ID (``rawId`` and ``id`` must agree) and its ``response``."""
    if credential.get("type") != "public-key":
        raise InvalidParameterError(f"{field}.type must be public-key.", field=field)
    raw_id = binary(credential, "rawId", field)
    if not raw_id or binary(credential, "id", field) != raw_id:
        raise InvalidParameterError(f"{field}.id and rawId must name one credential.", field=field)
    response = credential.get("response")
    if not isinstance(response, Mapping):
        raise InvalidParameterError(f"{field}.response must be an object.", field=field)
    return raw_id, response


def checked_client_data(response: Mapping[str, Any], field: str, kind: str) -> wa.ClientData:
    try:
        data = wa.client_data(binary(response, "clientDataJSON", field))
    except wa.WebAuthnFormatError as exc:
        raise InvalidParameterError(f"{field}: {exc}", field=field) from None
    if data.type != kind:
        raise InvalidParameterError(f"{field}: clientDataJSON.type must be {kind}.", field=field)
    return data


def challenge_digest(challenge: str) -> str:
    return hashlib.sha256(challenge.encode()).hexdigest()


def _friendly_name(attachment: str | None, now: float) -> str:
    # fidelity: Cognito names passkeys itself and does not document how; cogkit names
    # them after the kind of authenticator and the day they were registered.
    kind = "Security key" if attachment == "cross-platform" else "Passkey"
    return f"{kind} {_dt.datetime.fromtimestamp(now, _dt.UTC):%Y-%m-%d}"


def descriptors(items: list[PasskeyRecord]) -> list[dict[str, Any]]:
    """``PublicKeyCredentialDescriptor``s naming the passkeys (WebAuthn §5.10.3)."""
    return [
        {
            "type": "public-key",
            "id": item.credential_id,
            "transports": list(item.extra.get("transports") or []),
        }
        for item in items
    ]


def _options_for(
    config: UserPoolConfig,
    record: UserRecord,
    rp_id: str,
    challenge: str,
    existing: list[PasskeyRecord],
) -> dict[str, Any]:
    uv = "required" if verification_required(config, record) else "preferred"
    name = record.attributes.get("email") or record.username
    return {
        "challenge": challenge,
        "rp": {"id": rp_id, "name": rp_id},
        # WebAuthn's user handle: the user's sub, never anything the user can change.
        "user": {
            "id": wa.b64url_encode(record.sub.encode()),
            "name": name,
            "displayName": record.attributes.get("name") or name,
        },
        "pubKeyCredParams": [dict(p) for p in _PUBLIC_KEY_PARAMS],
        "timeout": REGISTRATION_TTL * 1000,
        "excludeCredentials": descriptors(existing),
        "authenticatorSelection": {
            "residentKey": "required",
            "requireResidentKey": True,
            "userVerification": uv,
        },
        "attestation": "none",
        "extensions": {"credProps": True},
    }


# -- the signed-in user's calls (mixed into AuthFlow) --------------------------------


class PasskeyCalls:
    """``AuthFlow``'s passkey calls, made with an access token."""

    _rt: Runtime
    pool: UserPool

    if TYPE_CHECKING:  # provided by AuthFlow

        def _access(self, access_token: str) -> tuple[UserPoolConfig, AppClient, UserRecord]: ...

    def start_web_authn_registration(self, access_token: str) -> dict[str, Any]:
        """``StartWebAuthnRegistration``: the ``CredentialCreationOptions`` (the JSON form of
        ``PublicKeyCredentialCreationOptions``) to pass to the browser's
        ``navigator.credentials.create``.

        .. versionadded:: 0.1
        """
        config, client, record = self._access(access_token)
        require_enabled(config)
        rp_id = relying_party_id(self._rt, self.pool.id, config)
        existing = stored(self._rt, record)
        if len(existing) >= MAX_PASSKEYS:
            raise LimitExceededError(
                f"A user can register at most {MAX_PASSKEYS} passkeys; delete one first."
            )
        challenge = wa.b64url_encode(self._rt.ids.token_bytes(32))
        now = self._rt.now()
        self._rt.store.put_session(
            SessionRecord(
                digest=secret_digest(challenge),
                pool_id=self.pool.id,
                client_id=client.id,
                username=record.username,
                challenge=REGISTRATION,
                created_at=now,
                expires_at=now + REGISTRATION_TTL,
                state={"sub": record.sub, "rp_id": rp_id},
            )
        )
        return _options_for(config, record, rp_id, challenge, existing)

    def complete_web_authn_registration(
        self, access_token: str, credential: Mapping[str, Any] | str
    ) -> None:
        """``CompleteWebAuthnRegistration``: verifies the browser's
        ``RegistrationResponseJSON`` against the challenge of
        ``start_web_authn_registration`` and keeps the passkey's public key.

        .. versionadded:: 0.1
        """
        field = "credential"
        given = document(credential, field)
        config, client, record = self._access(access_token)
        require_enabled(config)
        raw_id, response = response_of(given, field)
        data = checked_client_data(response, field, "webauthn.create")
        pending = self._pending(data.challenge, record)
        if pending.client_id != client.id:
            raise WebAuthnClientMismatchError("The registration was started by another app client.")
        if self._rt.store.take_session(pending.digest) is None:
            # Another completion with this challenge got there first.
            raise WebAuthnChallengeNotFoundError(CHALLENGE_GONE)
        rp_id = str(pending.state.get("rp_id"))
        if not origin_allowed(data.origin, rp_id) or data.cross_origin:
            raise WebAuthnOriginNotAllowedError(
                f"The origin is not allowed for the relying party {rp_id}."
            )
        try:
            fmt, statement, auth = wa.parse_attestation(
                binary(response, "attestationObject", field)
            )
            if not auth.matches(rp_id):
                raise WebAuthnRelyingPartyMismatchError(
                    f"The passkey was made for another relying party than {rp_id}."
                )
            if not auth.user_present:
                raise InvalidParameterError(
                    f"{field}: the authenticator did not confirm user presence.", field=field
                )
            if not auth.user_verified and verification_required(config, record):
                raise WebAuthnCredentialNotSupportedError(
                    "The user pool requires passkeys that verify the user."
                )
            assert auth.public_key is not None
            wa.cose_key(auth.public_key)
            wa.verify_attestation(fmt, statement, auth, data.hash)
        except wa.WebAuthnFormatError as exc:
            raise InvalidParameterError(f"{field}: {exc}", field=field) from None
        except wa.UnsupportedCredentialError as exc:
            raise WebAuthnCredentialNotSupportedError(exc.message) from None
        if auth.credential_id != raw_id:
            raise InvalidParameterError(
                f"{field}: rawId is not the credential in the attestation.", field=field
            )
        self._keep(record, raw_id, auth, given, response, rp_id)

    def _pending(self, challenge: str, record: UserRecord) -> SessionRecord:
        """The open registration challenge of this user."""
        found = self._rt.store.get_session(secret_digest(challenge))
        if (
            found is None
            or found.challenge != REGISTRATION
            or found.pool_id != self.pool.id
            or found.username != record.username
            or found.state.get("sub") != record.sub
            or self._rt.now() >= found.expires_at
        ):
            raise WebAuthnChallengeNotFoundError(CHALLENGE_GONE)
        return found

    def _keep(
        self,
        record: UserRecord,
        raw_id: bytes,
        auth: wa.AuthenticatorData,
        given: Mapping[str, Any],
        response: Mapping[str, Any],
        rp_id: str,
    ) -> None:
        now = self._rt.now()
        attachment = given.get("authenticatorAttachment")
        attachment = attachment if attachment in _ATTACHMENTS else None
        transports = response.get("transports")
        kept_transports = sorted(
            {t for t in transports if t in _TRANSPORTS} if isinstance(transports, list) else ()
        )
        assert auth.public_key is not None
        if len(stored(self._rt, record)) >= MAX_PASSKEYS:
            raise LimitExceededError(f"A user can register at most {MAX_PASSKEYS} passkeys.")
        passkey = PasskeyRecord(
            pool_id=self.pool.id,
            username=record.username,
            credential_id=wa.b64url_encode(raw_id),
            relying_party_id=rp_id,
            public_key=wa.b64url_encode(auth.public_key),
            sign_count=auth.sign_count,
            created_at=now,
            modified_at=now,
            extra={
                "attachment": attachment,
                "transports": kept_transports,
                "name": _friendly_name(attachment, now),
            },
        )
        try:
            self._rt.store.create_passkey(passkey)
        except StoreConflictError as exc:
            if exc.key is None:
                raise
            # Registered already, to this user or another (WebAuthn §7.1 step 22).
            raise InvalidParameterError(
                "This passkey is already registered.", field="credential"
            ) from None

    def list_web_authn_credentials(
        self, access_token: str, *, max_results: int = LIST_MAX, next_token: str | None = None
    ) -> Page[Passkey]:
        """``ListWebAuthnCredentials``: the user's passkeys, ordered by credential ID.

        .. versionadded:: 0.1
        """
        v.integer("max_results", max_results, minimum=0, maximum=LIST_MAX)
        after = _paging.decode_after(next_token, "next_token", "passkeys")
        _config, _client, record = self._access(access_token)
        if max_results == 0:
            return Page((), None)
        found = self._rt.store.list_passkeys(
            self.pool.id, record.username, after=after, limit=max_results + 1
        )
        items = tuple(Passkey.from_record(p) for p in found[:max_results])
        more = len(found) > max_results
        token = (
            _paging.encode({"k": "passkeys", "after": items[-1].credential_id}) if more else None
        )
        return Page(items, token)

    def delete_web_authn_credential(self, access_token: str, credential_id: str) -> None:
        """``DeleteWebAuthnCredential``: the passkey can no longer sign the user in.

        .. versionadded:: 0.1
        """
        v.string("credential_id", credential_id, min_len=1, max_len=131072)
        _config, _client, record = self._access(access_token)
        found = find(self._rt, record, credential_id)
        if found is None or not self._rt.store.delete_passkey(self.pool.id, credential_id):
            raise ResourceNotFoundError("The passkey does not exist.")

"""What stores hold: plain frozen records of JSON-compatible values.

Records carry no behaviour.  The domain builds them, the stores keep them, and every store
must give back exactly what it was given.  Secrets appear here only in hashed or digested
form (password hashes, code and token digests); the few values that must stay readable
(signing keys, client secrets, TOTP seeds) are kept out of ``repr``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import attrs

__all__ = [
    "AuthEventRecord",
    "ClientRecord",
    "CodeRecord",
    "DeviceRecord",
    "GroupRecord",
    "ItemRecord",
    "PasskeyRecord",
    "PoolRecord",
    "RefreshTokenRecord",
    "SessionRecord",
    "SigningKeyRecord",
    "UserEntry",
    "UserRecord",
]


def _frozen_map(value: Mapping[str, Any] | None) -> Mapping[str, Any]:
    return dict(value or {})


def _frozen_set(value: Iterable[str]) -> frozenset[str]:
    return frozenset(value)


@attrs.frozen
class PoolRecord:
    id: str
    name: str
    created_at: float
    modified_at: float
    #: The pool's configuration in the domain's JSON form.
    config: Mapping[str, Any] = attrs.field(converter=_frozen_map, repr=False)
    version: int = 0


@attrs.frozen
class ClientRecord:
    id: str
    pool_id: str
    name: str
    created_at: float
    modified_at: float
    #: The client's settings in the domain's JSON form (the secret is inside, unrepr'd).
    config: Mapping[str, Any] = attrs.field(converter=_frozen_map, repr=False)
    version: int = 0


@attrs.frozen
class UserRecord:
    pool_id: str
    #: The internal username: immutable, case as given (a UUID in email-as-username pools).
    username: str
    sub: str
    status: str
    enabled: bool
    created_at: float
    modified_at: float
    #: Every attribute except ``sub``, values as strings.
    attributes: Mapping[str, str] = attrs.field(converter=_frozen_map, repr=False)
    password_hash: str | None = attrs.field(default=None, repr=False)
    #: When the current password was set (temporary passwords expire from here).
    password_set_at: float | None = None
    failed_attempts: int = 0
    last_failed_at: float | None = None
    locked_until: float | None = None
    #: Global sign-out watermark for tokens issued without an ``origin_jti``.
    signed_out_at: float | None = None
    #: Room for what later features keep per user (MFA settings, SRP verifier, ...).
    extra: Mapping[str, Any] = attrs.field(converter=_frozen_map, factory=dict, repr=False)
    version: int = 0


@attrs.frozen
class UserEntry:
    """A user together with the unique keys (claims) it holds and its search keys: the
    unit that bulk loads (``create_users``) and exports (``list_user_entries``) move.

    .. versionadded:: 0.1
    """

    user: UserRecord
    claims: frozenset[str] = attrs.field(converter=_frozen_set)
    search: Mapping[str, str] = attrs.field(converter=_frozen_map)


@attrs.frozen
class CodeRecord:
    """A one-time code, kept only as a keyed digest."""

    pool_id: str
    username: str
    #: What the code is for, e.g. ``"sign_up"``, ``"forgot_password"``, ``"verify:email"``.
    purpose: str
    digest: str = attrs.field(repr=False)
    salt: str = attrs.field(repr=False)
    created_at: float
    expires_at: float
    attempts: int = 0
    #: Purpose-specific data (the attribute value being verified, ...).
    extra: Mapping[str, Any] = attrs.field(converter=_frozen_map, factory=dict)


@attrs.frozen
class SessionRecord:
    """A challenge session between two auth calls, kept by digest, used once."""

    digest: str = attrs.field(repr=False)
    pool_id: str
    client_id: str
    username: str
    challenge: str
    created_at: float
    expires_at: float
    state: Mapping[str, Any] = attrs.field(converter=_frozen_map, factory=dict, repr=False)


@attrs.frozen
class RefreshTokenRecord:
    """A refresh token, kept by digest; ``origin_jti`` names its family: the sign-in it
    descends from, with every token refresh-token rotation put in its place."""

    digest: str = attrs.field(repr=False)
    origin_jti: str
    pool_id: str
    client_id: str
    username: str
    auth_time: int
    event_id: str
    issued_at: float
    expires_at: float
    device_key: str | None = None
    revoked_at: float | None = None
    #: When rotation put another token in this one's place (``rotate_refresh_token``).
    rotated_at: float | None = None
    #: The digest of the token this one replaced; ``None`` for the first of a family.
    parent: str | None = attrs.field(default=None, repr=False)
    extra: Mapping[str, Any] = attrs.field(converter=_frozen_map, factory=dict)


@attrs.frozen
class SigningKeyRecord:
    pool_id: str
    kid: str
    #: ``"id"`` or ``"access"``: Cognito signs the two token kinds with different keys.
    use: str
    private_pem: str = attrs.field(repr=False)
    created_at: float
    #: Active keys sign new tokens; retired keys still verify until removed.
    active: bool = True


@attrs.frozen
class GroupRecord:
    """A group of a pool; members are kept separately (``add_member``)."""

    pool_id: str
    name: str
    created_at: float
    modified_at: float
    description: str | None = None
    role_arn: str | None = None
    precedence: int | None = None
    version: int = 0


@attrs.frozen
class DeviceRecord:
    """A device a user signed in from (device tracking), with its SRP verifier in
    ``extra`` (kept out of ``repr``)."""

    pool_id: str
    username: str
    key: str
    group_key: str
    created_at: float
    modified_at: float
    last_authenticated_at: float | None = None
    #: ``"remembered"``, ``"not_remembered"``, or ``None`` while unconfirmed.
    remembered: str | None = None
    attributes: Mapping[str, str] = attrs.field(converter=_frozen_map, factory=dict)
    extra: Mapping[str, Any] = attrs.field(converter=_frozen_map, factory=dict, repr=False)
    version: int = 0


@attrs.frozen
class PasskeyRecord:
    """A user's passkey (WebAuthn credential): only its public key, never a secret.

    ``credential_id`` is the credential's ID in unpadded base64url; ``public_key`` its
    COSE_Key, base64url too; ``extra`` what the browser said of it (attachment,
    transports) and its friendly name.
    """

    pool_id: str
    username: str
    credential_id: str
    relying_party_id: str
    public_key: str = attrs.field(repr=False)
    sign_count: int
    created_at: float
    modified_at: float
    extra: Mapping[str, Any] = attrs.field(converter=_frozen_map, factory=dict)
    version: int = 0


@attrs.frozen
class ItemRecord:
    """A small object of a pool kept by kind and key: a resource server, a domain, an
    identity provider, an import job...  ``pool_id`` ``""`` holds service-wide items
    (such as domain names, unique across pools)."""

    pool_id: str
    kind: str
    key: str
    created_at: float
    modified_at: float
    data: Mapping[str, Any] = attrs.field(converter=_frozen_map, factory=dict, repr=False)
    version: int = 0


@attrs.frozen
class AuthEventRecord:
    """One authentication event of a user (sign-in, sign-up, ...) and its feedback."""

    pool_id: str
    username: str
    event_id: str
    created_at: float
    data: Mapping[str, Any] = attrs.field(converter=_frozen_map, factory=dict)
    version: int = 0

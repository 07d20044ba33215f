"""The store protocols.  A ``Store`` is the composite of one small protocol per aggregate.

Rules every implementation follows (and the conformance suite in ``cogkit.testing`` checks):

- ``get_*`` and ``find_*`` return ``None`` when nothing matches; they never raise for absence.
- Uniqueness is claimed atomically.  A user carries *claims* (opaque strings such as
  ``"username:ann"`` or ``"email:ann@example.com"``); creating or updating a user whose
  claims clash with another user's raises ``StoreConflictError`` with ``key`` set.
- Updates name the version they expect; a record that changed meanwhile raises
  ``StoreConflictError`` (``key is None``) and nothing is written.  The stored record gets
  ``version = expected + 1``.
- Single-use things (codes, sessions) are *taken*: of two concurrent takers exactly one
  gets the record; a refresh token is *rotated* once (``rotate_refresh_token``).
- ``list_users`` answers equality and prefix searches from an index over the *search keys*
  the domain supplies; it never scans every user.
- Stores never hash, never read the clock and never apply business rules: every value they
  compare with was computed by the domain.
- Every aggregate can be listed in key order, page by page (``after`` is the key of the
  last record of the previous page), so a whole store can be exported and moved
  (``cogkit.stores.transfer``).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import Protocol, runtime_checkable

from cogkit.stores.records import (
    AuthEventRecord,
    ClientRecord,
    CodeRecord,
    DeviceRecord,
    GroupRecord,
    ItemRecord,
    PasskeyRecord,
    PoolRecord,
    RefreshTokenRecord,
    SessionRecord,
    SigningKeyRecord,
    UserEntry,
    UserRecord,
)

__all__ = [
    "AuthEventStore",
    "ClientStore",
    "CodeStore",
    "DeviceStore",
    "GroupStore",
    "ItemStore",
    "PasskeyStore",
    "PoolStore",
    "RefreshTokenStore",
    "SessionStore",
    "SigningKeyStore",
    "Store",
    "UserStore",
]


@runtime_checkable
class PoolStore(Protocol):
    """Protocol: user pools.  Deleting a pool deletes everything that belongs to it."""

    def create_pool(self, pool: PoolRecord) -> None: ...
    def get_pool(self, pool_id: str) -> PoolRecord | None: ...
    def update_pool(self, pool: PoolRecord, *, expected_version: int) -> PoolRecord: ...
    def delete_pool(self, pool_id: str) -> bool: ...
    def list_pools(self, *, after: str | None, limit: int) -> Sequence[PoolRecord]:
        """Pools ordered by id, starting after ``after``."""
        ...


@runtime_checkable
class ClientStore(Protocol):
    """Protocol: app clients; client ids are unique across every pool."""

    def create_client(self, client: ClientRecord) -> None: ...
    def get_client(self, client_id: str) -> ClientRecord | None: ...
    def update_client(self, client: ClientRecord, *, expected_version: int) -> ClientRecord: ...
    def delete_client(self, client_id: str) -> bool: ...
    def list_clients(
        self, pool_id: str, *, after: str | None, limit: int
    ) -> Sequence[ClientRecord]: ...


@runtime_checkable
class UserStore(Protocol):
    """Protocol: users, their unique claims and their search index."""

    def create_user(
        self,
        user: UserRecord,
        *,
        claims: Collection[str],
        search: Mapping[str, str],
        code: CodeRecord | None = None,
    ) -> None:
        """Create one user with its claims and search keys; ``code`` (its confirmation
        code) is stored in the same write, so a sign-up commits once.

        .. versionchanged:: Unreleased ``code`` added.
        """
        ...

    def get_user(self, pool_id: str, username: str) -> UserRecord | None: ...

    def find_user(self, pool_id: str, claim: str) -> UserRecord | None:
        """The user holding ``claim``."""
        ...

    def update_user(
        self,
        user: UserRecord,
        *,
        expected_version: int,
        claims: Collection[str] | None = None,
        search: Mapping[str, str] | None = None,
    ) -> UserRecord:
        """Replace the user (and, when given, its whole claim set and search keys)."""
        ...

    def delete_user(self, pool_id: str, username: str) -> bool:
        """Delete the user with its claims, codes, sessions and refresh tokens."""
        ...

    def list_users(
        self,
        pool_id: str,
        *,
        attribute: str | None = None,
        value: str = "",
        prefix: bool = False,
        after: tuple[str, str] | None = None,
        limit: int = 60,
    ) -> Sequence[UserRecord]:
        """Users ordered by ``(search value, username)``; without ``attribute``, by username.

        ``after`` is the ``(search value, username)`` of the last user of the previous
        page (``("", username)`` when listing without an attribute).
        """
        ...

    def count_users(self, pool_id: str) -> int: ...

    def create_users(self, entries: Sequence[UserEntry]) -> None:
        """Create many users at once, all or none: a clash (with a stored user or within
        ``entries``) raises ``StoreConflictError`` with ``key`` set and writes nothing.

        .. versionadded:: 0.1
        """
        ...

    def list_user_entries(
        self, pool_id: str, *, after: str | None, limit: int
    ) -> Sequence[UserEntry]:
        """Users ordered by username, each with its claims and search keys.

        .. versionadded:: 0.1
        """
        ...


@runtime_checkable
class CodeStore(Protocol):
    """Protocol: one current code per (pool, user, purpose)."""

    def put_code(self, code: CodeRecord) -> None:
        """Store ``code``, replacing any earlier code for the same purpose."""
        ...

    def get_code(self, pool_id: str, username: str, purpose: str) -> CodeRecord | None: ...

    def add_code_attempt(self, pool_id: str, username: str, purpose: str, digest: str) -> int:
        """Count one wrong attempt against that exact code; the new count (0 if it is gone)."""
        ...

    def take_code(self, pool_id: str, username: str, purpose: str, digest: str) -> bool:
        """Delete that exact code; ``True`` for exactly one of several concurrent callers."""
        ...

    def delete_codes(self, pool_id: str, username: str, purpose: str | None = None) -> int: ...

    def list_codes(
        self, pool_id: str, *, after: tuple[str, str] | None, limit: int
    ) -> Sequence[CodeRecord]:
        """Codes of the pool ordered by ``(username, purpose)``.

        .. versionadded:: 0.1
        """
        ...


@runtime_checkable
class SessionStore(Protocol):
    """Protocol: challenge sessions, each used once."""

    def put_session(self, session: SessionRecord) -> None: ...
    def get_session(self, digest: str) -> SessionRecord | None: ...

    def take_session(self, digest: str) -> SessionRecord | None:
        """Remove and return the session; of concurrent takers only one gets it."""
        ...

    def list_sessions(
        self, pool_id: str, *, after: str | None, limit: int
    ) -> Sequence[SessionRecord]:
        """Sessions of the pool ordered by digest.

        .. versionadded:: 0.1
        """
        ...


@runtime_checkable
class RefreshTokenStore(Protocol):
    """Protocol: refresh tokens by digest, grouped in families by ``origin_jti``.

    A family starts with one token (``put_refresh_token``) and grows by rotation
    (``rotate_refresh_token``); revoking it revokes every token in it.
    """

    def put_refresh_token(self, token: RefreshTokenRecord) -> None:
        """Store ``token``.  ``StoreConflictError`` when its digest is stored, or when it
        starts a family (``parent`` is ``None``) that another token already started.  A
        token with a ``parent`` joins its family as it is, in any order (how exports are
        loaded back)."""
        ...

    def get_refresh_token(self, digest: str) -> RefreshTokenRecord | None: ...

    def find_refresh_family(self, origin_jti: str) -> RefreshTokenRecord | None:
        """A token of the family (the tokens of a family are revoked together)."""
        ...

    def revoke_refresh_family(self, origin_jti: str, at: float) -> bool:
        """Mark every token of the family revoked; ``False`` when unknown or already
        revoked."""
        ...

    def rotate_refresh_token(
        self, digest: str, successor: RefreshTokenRecord, *, at: float, grace_from: float
    ) -> bool:
        """Put ``successor`` (same family, ``parent`` = ``digest``) in the place of token
        ``digest``, atomically.

        It happens when the token is stored and not revoked, and either was never rotated
        (it is then marked ``rotated_at=at``) or was rotated *after* ``grace_from`` (a
        retry within the grace period; ``rotated_at`` stays).  Otherwise nothing is
        written and the answer is ``False``.  Of concurrent rotations of a token never
        rotated before, with ``grace_from >= at``, exactly one succeeds.

        .. versionadded:: 0.1
        """
        ...

    def revoke_user_refresh_tokens(self, pool_id: str, username: str, at: float) -> int: ...

    def list_refresh_tokens(
        self, pool_id: str, *, after: str | None, limit: int
    ) -> Sequence[RefreshTokenRecord]:
        """Refresh tokens of the pool ordered by digest.

        .. versionadded:: 0.1
        """
        ...


@runtime_checkable
class SigningKeyStore(Protocol):
    """Protocol: per-pool signing keys."""

    def put_signing_key(self, key: SigningKeyRecord) -> None: ...
    def list_signing_keys(self, pool_id: str) -> Sequence[SigningKeyRecord]:
        """Keys of the pool, oldest first."""
        ...


@runtime_checkable
class GroupStore(Protocol):
    """Protocol: groups of a pool and their members.

    Deleting a group deletes its memberships; deleting a user deletes the user's.

    .. versionadded:: 0.1
    """

    def create_group(self, group: GroupRecord) -> None:
        """Raises ``StoreConflictError`` (``key="group:<name>"``) when the name is taken."""
        ...

    def get_group(self, pool_id: str, name: str) -> GroupRecord | None: ...
    def update_group(self, group: GroupRecord, *, expected_version: int) -> GroupRecord: ...
    def delete_group(self, pool_id: str, name: str) -> bool: ...
    def list_groups(self, pool_id: str, *, after: str | None, limit: int) -> Sequence[GroupRecord]:
        """Groups ordered by name."""
        ...

    def count_groups(self, pool_id: str) -> int:
        """How many groups the pool has (the pool's group quota is checked with it)."""
        ...

    def add_member(self, pool_id: str, group: str, username: str) -> bool:
        """``False`` when already a member; ``StoreConflictError`` when the group or the
        user does not exist."""
        ...

    def remove_member(self, pool_id: str, group: str, username: str) -> bool: ...
    def list_members(
        self, pool_id: str, group: str, *, after: str | None, limit: int
    ) -> Sequence[str]:
        """Usernames of the group's members, in order."""
        ...

    def groups_of(self, pool_id: str, username: str) -> Sequence[str]:
        """Names of the user's groups, in order."""
        ...


@runtime_checkable
class DeviceStore(Protocol):
    """Protocol: devices of users (device tracking).

    .. versionadded:: 0.1
    """

    def create_device(self, device: DeviceRecord) -> None:
        """Raises ``StoreConflictError`` (``key="device:<key>"``) when the key exists."""
        ...

    def get_device(self, pool_id: str, key: str) -> DeviceRecord | None: ...
    def update_device(self, device: DeviceRecord, *, expected_version: int) -> DeviceRecord: ...
    def delete_device(self, pool_id: str, key: str) -> bool: ...
    def list_devices(
        self, pool_id: str, username: str | None, *, after: str | None, limit: int
    ) -> Sequence[DeviceRecord]:
        """A user's devices (every device of the pool for ``None``), ordered by key."""
        ...


@runtime_checkable
class PasskeyStore(Protocol):
    """Protocol: users' passkeys (WebAuthn credentials), by credential ID, unique in a pool.

    .. versionadded:: 0.1
    """

    def create_passkey(self, passkey: PasskeyRecord) -> None:
        """Raises ``StoreConflictError`` (``key="passkey:<credential_id>"``) when the
        credential ID is registered in the pool already, whoever holds it."""
        ...

    def get_passkey(self, pool_id: str, credential_id: str) -> PasskeyRecord | None: ...
    def update_passkey(self, passkey: PasskeyRecord, *, expected_version: int) -> PasskeyRecord: ...
    def delete_passkey(self, pool_id: str, credential_id: str) -> bool: ...
    def list_passkeys(
        self, pool_id: str, username: str | None, *, after: str | None, limit: int
    ) -> Sequence[PasskeyRecord]:
        """A user's passkeys (every passkey of the pool for ``None``), ordered by
        credential ID."""
        ...


@runtime_checkable
class ItemStore(Protocol):
    """Protocol: small objects of a pool by kind and key (resource servers, domains,
    identity providers, import jobs, ...).  Deleting a pool deletes its items.

    .. versionadded:: 0.1
    """

    def create_item(self, item: ItemRecord) -> None:
        """Raises ``StoreConflictError`` (``key="<kind>:<key>"``) when it exists."""
        ...

    def get_item(self, pool_id: str, kind: str, key: str) -> ItemRecord | None: ...
    def update_item(self, item: ItemRecord, *, expected_version: int) -> ItemRecord: ...
    def delete_item(self, pool_id: str, kind: str, key: str) -> bool: ...
    def list_items(
        self, pool_id: str, kind: str, *, after: str | None, limit: int
    ) -> Sequence[ItemRecord]:
        """Items of one kind ordered by key."""
        ...

    def list_pool_items(
        self, pool_id: str, *, after: tuple[str, str] | None, limit: int
    ) -> Sequence[ItemRecord]:
        """Items of every kind ordered by ``(kind, key)`` (``pool_id`` ``""``: the
        service-wide ones), for exports.

        .. versionadded:: 0.1
        """
        ...


@runtime_checkable
class AuthEventStore(Protocol):
    """Protocol: a user's authentication events, newest first.

    .. versionadded:: 0.1
    """

    def add_auth_event(self, event: AuthEventRecord) -> None: ...
    def get_auth_event(
        self, pool_id: str, username: str, event_id: str
    ) -> AuthEventRecord | None: ...
    def update_auth_event(
        self, event: AuthEventRecord, *, expected_version: int
    ) -> AuthEventRecord: ...
    def list_auth_events(
        self,
        pool_id: str,
        username: str,
        *,
        before: tuple[float, str] | None,
        limit: int,
    ) -> Sequence[AuthEventRecord]:
        """Events ordered newest first by ``(created_at, event_id)``, starting below
        ``before``."""
        ...


@runtime_checkable
class Store(
    PoolStore,
    ClientStore,
    UserStore,
    CodeStore,
    SessionStore,
    RefreshTokenStore,
    SigningKeyStore,
    GroupStore,
    DeviceStore,
    PasskeyStore,
    ItemStore,
    AuthEventStore,
    Protocol,
):
    """Protocol: everything cogkit keeps.  ``MemoryStore`` is the reference implementation."""

    def close(self) -> None: ...

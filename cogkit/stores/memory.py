"""``MemoryStore``: the reference store, in process memory, thread-safe.

Every other store must behave exactly like this one (the conformance suite in
``cogkit.testing.store_suite`` is written against it).  Search indexes are sorted lists of
``(value, username)`` pairs, so equality and prefix searches cost a binary search plus the
page, whatever the number of users.
"""

from __future__ import annotations

import bisect
import heapq
import threading
from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import Any, Protocol, TypeVar, cast

import attrs

from cogkit.errors import StoreConflictError
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

__all__ = ["MemoryStore"]


class _PoolData:
    __slots__ = (
        "claims",
        "codes",
        "device_keys",
        "devices",
        "event_records",
        "events",
        "group_members",
        "group_names",
        "groups",
        "index",
        "items",
        "keys",
        "passkey_ids",
        "passkeys",
        "user_claims",
        "user_devices",
        "user_groups",
        "user_passkeys",
        "user_search",
        "usernames",
        "users",
    )

    def __init__(self) -> None:
        self.users: dict[str, UserRecord] = {}
        self.usernames: list[str] = []
        self.claims: dict[str, str] = {}
        self.user_claims: dict[str, frozenset[str]] = {}
        self.user_search: dict[str, dict[str, str]] = {}
        self.index: dict[str, list[tuple[str, str]]] = {}
        #: Codes by username, then purpose: a user's codes go without a look at others'.
        self.codes: dict[str, dict[str, CodeRecord]] = {}
        self.keys: list[SigningKeyRecord] = []
        self.groups: dict[str, GroupRecord] = {}
        self.group_names: list[str] = []
        self.group_members: dict[str, list[str]] = {}
        self.user_groups: dict[str, set[str]] = {}
        self.devices: dict[str, DeviceRecord] = {}
        self.device_keys: list[str] = []
        self.user_devices: dict[str, list[str]] = {}
        self.passkeys: dict[str, PasskeyRecord] = {}
        self.passkey_ids: list[str] = []
        self.user_passkeys: dict[str, list[str]] = {}
        self.items: dict[str, dict[str, ItemRecord]] = {}
        self.events: dict[str, list[tuple[float, str]]] = {}
        self.event_records: dict[tuple[str, str], AuthEventRecord] = {}


class MemoryStore:
    """Keeps everything in dictionaries and sorted lists guarded by one lock."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._pools: dict[str, PoolRecord] = {}
        self._data: dict[str, _PoolData] = {}
        self._clients: dict[str, ClientRecord] = {}
        self._sessions: dict[str, SessionRecord] = {}
        self._refresh: dict[str, RefreshTokenRecord] = {}
        #: The digests of each family's tokens, oldest first.
        self._families: dict[str, list[str]] = {}
        self._user_refresh: dict[tuple[str, str], set[str]] = {}
        # Service-wide items (pool_id ""), such as domain names unique across pools.
        self._global = _PoolData()

    def __repr__(self) -> str:
        return f"MemoryStore({len(self._pools)} pools)"

    def close(self) -> None:
        """Nothing to release."""

    # -- pools -------------------------------------------------------------------------

    def create_pool(self, pool: PoolRecord) -> None:
        with self._lock:
            _add(self._pools, pool.id, pool, (f"pool {pool.id} exists", f"pool:{pool.id}"))
            self._data[pool.id] = _PoolData()

    def get_pool(self, pool_id: str) -> PoolRecord | None:
        return self._pools.get(pool_id)

    def update_pool(self, pool: PoolRecord, *, expected_version: int) -> PoolRecord:
        with self._lock:
            return _replace(self._pools, pool.id, pool, expected_version, f"pool {pool.id}")

    def delete_pool(self, pool_id: str) -> bool:
        with self._lock:
            if self._pools.pop(pool_id, None) is None:
                return False
            self._data.pop(pool_id, None)
            for cid in [c.id for c in self._clients.values() if c.pool_id == pool_id]:
                del self._clients[cid]
            for digest in [d for d, s in self._sessions.items() if s.pool_id == pool_id]:
                del self._sessions[digest]
            for digest in [d for d, t in self._refresh.items() if t.pool_id == pool_id]:
                self._families.pop(self._refresh.pop(digest).origin_jti, None)
            for key in [k for k in self._user_refresh if k[0] == pool_id]:
                del self._user_refresh[key]
            return True

    def list_pools(self, *, after: str | None, limit: int) -> Sequence[PoolRecord]:
        with self._lock:
            return [self._pools[i] for i in _page(sorted(self._pools), after, limit)]

    # -- clients -----------------------------------------------------------------------

    def create_client(self, client: ClientRecord) -> None:
        with self._lock:
            clash = (f"client {client.id} exists", f"client:{client.id}")
            # A taken id is the conflict, whichever pool the new client names.
            if client.id not in self._clients and client.pool_id not in self._pools:
                raise StoreConflictError(f"pool {client.pool_id} vanished")
            _add(self._clients, client.id, client, clash)

    def get_client(self, client_id: str) -> ClientRecord | None:
        return self._clients.get(client_id)

    def update_client(self, client: ClientRecord, *, expected_version: int) -> ClientRecord:
        with self._lock:
            what = f"client {client.id}"
            return _replace(self._clients, client.id, client, expected_version, what)

    def delete_client(self, client_id: str) -> bool:
        with self._lock:
            return self._clients.pop(client_id, None) is not None

    def list_clients(
        self, pool_id: str, *, after: str | None, limit: int
    ) -> Sequence[ClientRecord]:
        with self._lock:
            ids = sorted(c.id for c in self._clients.values() if c.pool_id == pool_id)
            return [self._clients[i] for i in _page(ids, after, limit)]

    # -- users -------------------------------------------------------------------------

    def _pool(self, pool_id: str) -> _PoolData:
        data = self._data.get(pool_id)
        if data is None:
            raise StoreConflictError(f"pool {pool_id} vanished")
        return data

    @staticmethod
    def _check_claims(data: _PoolData, username: str, claims: Collection[str]) -> None:
        for claim in claims:
            owner = data.claims.get(claim)
            if owner is not None and owner != username:
                raise StoreConflictError("unique key already claimed", key=claim)

    @staticmethod
    def _set_claims(data: _PoolData, username: str, claims: Collection[str]) -> None:
        for claim in data.user_claims.get(username, frozenset()):
            if data.claims.get(claim) == username:
                del data.claims[claim]
        for claim in claims:
            data.claims[claim] = username
        data.user_claims[username] = frozenset(claims)

    @staticmethod
    def _set_search(data: _PoolData, username: str, search: Mapping[str, str]) -> None:
        old = data.user_search.get(username, {})
        # Only values that changed move in the index (an insertion shifts the list).
        for attribute, value in old.items():
            if search.get(attribute) == value:
                continue
            entries = data.index.get(attribute, [])
            i = bisect.bisect_left(entries, (value, username))
            if i < len(entries) and entries[i] == (value, username):
                del entries[i]
        for attribute, value in search.items():
            if old.get(attribute) != value:
                bisect.insort(data.index.setdefault(attribute, []), (value, username))
        data.user_search[username] = dict(search)

    def create_user(
        self,
        user: UserRecord,
        *,
        claims: Collection[str],
        search: Mapping[str, str],
        code: CodeRecord | None = None,
    ) -> None:
        with self._lock:
            data = self._pool(user.pool_id)
            if user.username in data.users:
                raise StoreConflictError("username taken", key=f"username:{user.username}")
            self._check_claims(data, user.username, claims)
            data.users[user.username] = user
            bisect.insort(data.usernames, user.username)
            self._set_claims(data, user.username, claims)
            self._set_search(data, user.username, search)
            if code is not None:
                data.codes.setdefault(code.username, {})[code.purpose] = code

    def get_user(self, pool_id: str, username: str) -> UserRecord | None:
        data = self._data.get(pool_id)
        return None if data is None else data.users.get(username)

    def find_user(self, pool_id: str, claim: str) -> UserRecord | None:
        data = self._data.get(pool_id)
        if data is None:
            return None
        username = data.claims.get(claim)
        return None if username is None else data.users.get(username)

    def update_user(
        self,
        user: UserRecord,
        *,
        expected_version: int,
        claims: Collection[str] | None = None,
        search: Mapping[str, str] | None = None,
    ) -> UserRecord:
        with self._lock:
            data = self._pool(user.pool_id)
            _expect(data.users.get(user.username), expected_version, f"user {user.username!r}")
            if claims is not None:
                self._check_claims(data, user.username, claims)
            stored = attrs.evolve(user, version=expected_version + 1)
            data.users[user.username] = stored
            if claims is not None:
                self._set_claims(data, user.username, claims)
            if search is not None:
                self._set_search(data, user.username, search)
            return stored

    def delete_user(self, pool_id: str, username: str) -> bool:
        with self._lock:
            data = self._data.get(pool_id)
            if data is None or username not in data.users:
                return False
            del data.users[username]
            i = bisect.bisect_left(data.usernames, username)
            del data.usernames[i]
            self._set_claims(data, username, ())
            self._set_search(data, username, {})
            del data.user_claims[username]
            del data.user_search[username]
            data.codes.pop(username, None)
            for digest in [
                d
                for d, s in self._sessions.items()
                if s.pool_id == pool_id and s.username == username
            ]:
                del self._sessions[digest]
            for digest in self._user_refresh.pop((pool_id, username), set()):
                token = self._refresh.pop(digest, None)
                if token is not None:
                    self._families.pop(token.origin_jti, None)
            for group in data.user_groups.pop(username, set()):
                _remove_sorted(data.group_members[group], username)
            for device_key in data.user_devices.pop(username, []):
                del data.devices[device_key]
                _remove_sorted(data.device_keys, device_key)
            for credential_id in data.user_passkeys.pop(username, []):
                del data.passkeys[credential_id]
                _remove_sorted(data.passkey_ids, credential_id)
            for _created, event_id in data.events.pop(username, []):
                del data.event_records[(username, event_id)]
            return True

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
        with self._lock:
            data = self._data.get(pool_id)
            if data is None or limit <= 0:
                return []
            if attribute is None:
                return [data.users[n] for n in _page(data.usernames, after and after[1], limit)]
            entries = data.index.get(attribute, [])
            if after is not None and after >= (value, ""):
                start = bisect.bisect_right(entries, after)
            else:
                start = bisect.bisect_left(entries, (value, ""))
            found: list[UserRecord] = []
            # Walk the index from the binary-search position (slicing would copy the tail).
            for position in range(start, len(entries)):
                entry_value, username = entries[position]
                if entry_value != value and not (prefix and entry_value.startswith(value)):
                    break
                found.append(data.users[username])
                if len(found) >= limit:
                    break
            return found

    def count_users(self, pool_id: str) -> int:
        data = self._data.get(pool_id)
        return 0 if data is None else len(data.users)

    def create_users(self, entries: Sequence[UserEntry]) -> None:
        with self._lock:
            # Check everything first, so a clash anywhere leaves the store untouched.
            taken_names: set[tuple[str, str]] = set()
            taken_claims: set[tuple[str, str]] = set()
            for entry in entries:
                user = entry.user
                data = self._pool(user.pool_id)
                name = (user.pool_id, user.username)
                if user.username in data.users or name in taken_names:
                    raise StoreConflictError("username taken", key=f"username:{user.username}")
                taken_names.add(name)
                self._check_claims(data, user.username, entry.claims)
                for claim in sorted(entry.claims):
                    if (user.pool_id, claim) in taken_claims:
                        raise StoreConflictError("unique key already claimed", key=claim)
                    taken_claims.add((user.pool_id, claim))
            touched: dict[str, _PoolData] = {}
            for entry in entries:
                user = entry.user
                data = touched.setdefault(user.pool_id, self._data[user.pool_id])
                data.users[user.username] = user
                data.usernames.append(user.username)
                self._set_claims(data, user.username, entry.claims)
                for attribute, value in entry.search.items():
                    data.index.setdefault(attribute, []).append((value, user.username))
                data.user_search[user.username] = dict(entry.search)
            # One sort per list (appended runs merge in linear time) instead of an insort
            # per user: bulk loads stay fast however large the pool already is.
            for data in touched.values():
                data.usernames.sort()
                for pairs in data.index.values():
                    pairs.sort()

    def list_user_entries(
        self, pool_id: str, *, after: str | None, limit: int
    ) -> Sequence[UserEntry]:
        with self._lock:
            data = self._data.get(pool_id)
            if data is None or limit <= 0:
                return []
            return [
                UserEntry(data.users[n], data.user_claims[n], data.user_search[n])
                for n in _page(data.usernames, after, limit)
            ]

    # -- codes -------------------------------------------------------------------------

    def put_code(self, code: CodeRecord) -> None:
        with self._lock:
            data = self._pool(code.pool_id)
            data.codes.setdefault(code.username, {})[code.purpose] = code

    def get_code(self, pool_id: str, username: str, purpose: str) -> CodeRecord | None:
        data = self._data.get(pool_id)
        return None if data is None else data.codes.get(username, {}).get(purpose)

    def add_code_attempt(self, pool_id: str, username: str, purpose: str, digest: str) -> int:
        with self._lock:
            code = self.get_code(pool_id, username, purpose)
            if code is None or code.digest != digest:
                return 0
            code = attrs.evolve(code, attempts=code.attempts + 1)
            self._data[pool_id].codes[username][purpose] = code
            return code.attempts

    def take_code(self, pool_id: str, username: str, purpose: str, digest: str) -> bool:
        with self._lock:
            code = self.get_code(pool_id, username, purpose)
            if code is None or code.digest != digest:
                return False
            self._drop_codes(self._data[pool_id], username, purpose)
            return True

    def delete_codes(self, pool_id: str, username: str, purpose: str | None = None) -> int:
        with self._lock:
            data = self._data.get(pool_id)
            return 0 if data is None else self._drop_codes(data, username, purpose)

    @staticmethod
    def _drop_codes(data: _PoolData, username: str, purpose: str | None) -> int:
        """Removes the user's code for ``purpose`` (every code when ``None``); how many."""
        held = data.codes.get(username)
        if held is None:
            return 0
        if purpose is None:
            del data.codes[username]
            return len(held)
        dropped = held.pop(purpose, None)
        if not held:
            del data.codes[username]
        return 0 if dropped is None else 1

    def list_codes(
        self, pool_id: str, *, after: tuple[str, str] | None, limit: int
    ) -> Sequence[CodeRecord]:
        with self._lock:
            data = self._data.get(pool_id)
            if data is None or limit <= 0:
                return []
            keys = (
                (username, purpose) for username, held in data.codes.items() for purpose in held
            )
            return [data.codes[u][p] for u, p in _smallest(keys, after, limit)]

    # -- sessions ----------------------------------------------------------------------

    def put_session(self, session: SessionRecord) -> None:
        with self._lock:
            self._sessions[session.digest] = session

    def get_session(self, digest: str) -> SessionRecord | None:
        return self._sessions.get(digest)

    def take_session(self, digest: str) -> SessionRecord | None:
        with self._lock:
            return self._sessions.pop(digest, None)

    def list_sessions(
        self, pool_id: str, *, after: str | None, limit: int
    ) -> Sequence[SessionRecord]:
        with self._lock:
            return _of_pool(self._sessions, pool_id, after, limit)

    # -- refresh tokens ----------------------------------------------------------------

    def put_refresh_token(self, token: RefreshTokenRecord) -> None:
        with self._lock:
            started = token.parent is None and any(
                self._refresh[d].parent is None for d in self._families.get(token.origin_jti, ())
            )
            if token.digest in self._refresh or started:
                raise StoreConflictError("refresh token exists", key=f"refresh:{token.origin_jti}")
            self._keep_refresh_token(token)

    def _keep_refresh_token(self, token: RefreshTokenRecord) -> None:
        self._refresh[token.digest] = token
        self._families.setdefault(token.origin_jti, []).append(token.digest)
        self._user_refresh.setdefault((token.pool_id, token.username), set()).add(token.digest)

    def get_refresh_token(self, digest: str) -> RefreshTokenRecord | None:
        return self._refresh.get(digest)

    def find_refresh_family(self, origin_jti: str) -> RefreshTokenRecord | None:
        with self._lock:
            digests = self._families.get(origin_jti)
            return self._refresh.get(digests[-1]) if digests else None

    def revoke_refresh_family(self, origin_jti: str, at: float) -> bool:
        with self._lock:
            count = 0
            for digest in self._families.get(origin_jti, ()):
                token = self._refresh[digest]
                if token.revoked_at is None:
                    self._refresh[digest] = attrs.evolve(token, revoked_at=at)
                    count += 1
            return count > 0

    def rotate_refresh_token(
        self, digest: str, successor: RefreshTokenRecord, *, at: float, grace_from: float
    ) -> bool:
        with self._lock:
            token = self._refresh.get(digest)
            if token is None or token.revoked_at is not None:
                return False
            if token.rotated_at is not None and token.rotated_at <= grace_from:
                return False
            if successor.digest in self._refresh:
                raise StoreConflictError(
                    "refresh token exists", key=f"refresh:{successor.origin_jti}"
                )
            if token.rotated_at is None:
                self._refresh[digest] = attrs.evolve(token, rotated_at=at)
            self._keep_refresh_token(successor)
            return True

    def revoke_user_refresh_tokens(self, pool_id: str, username: str, at: float) -> int:
        with self._lock:
            count = 0
            for digest in self._user_refresh.get((pool_id, username), set()):
                token = self._refresh[digest]
                if token.revoked_at is None:
                    self._refresh[digest] = attrs.evolve(token, revoked_at=at)
                    count += 1
            return count

    def list_refresh_tokens(
        self, pool_id: str, *, after: str | None, limit: int
    ) -> Sequence[RefreshTokenRecord]:
        with self._lock:
            return _of_pool(self._refresh, pool_id, after, limit)

    # -- signing keys ------------------------------------------------------------------

    def put_signing_key(self, key: SigningKeyRecord) -> None:
        with self._lock:
            data = self._pool(key.pool_id)
            data.keys = [k for k in data.keys if k.kid != key.kid] + [key]

    def list_signing_keys(self, pool_id: str) -> Sequence[SigningKeyRecord]:
        data = self._data.get(pool_id)
        return [] if data is None else list(data.keys)

    # -- groups ------------------------------------------------------------------------

    def create_group(self, group: GroupRecord) -> None:
        with self._lock:
            data = self._pool(group.pool_id)
            _add(data.groups, group.name, group, ("group exists", f"group:{group.name}"))
            bisect.insort(data.group_names, group.name)
            data.group_members[group.name] = []

    def get_group(self, pool_id: str, name: str) -> GroupRecord | None:
        data = self._data.get(pool_id)
        return None if data is None else data.groups.get(name)

    def update_group(self, group: GroupRecord, *, expected_version: int) -> GroupRecord:
        with self._lock:
            data = self._pool(group.pool_id)
            what = f"group {group.name!r}"
            return _replace(data.groups, group.name, group, expected_version, what)

    def delete_group(self, pool_id: str, name: str) -> bool:
        with self._lock:
            data = self._data.get(pool_id)
            if data is None or data.groups.pop(name, None) is None:
                return False
            _remove_sorted(data.group_names, name)
            for username in data.group_members.pop(name, []):
                data.user_groups[username].discard(name)
            return True

    def list_groups(self, pool_id: str, *, after: str | None, limit: int) -> Sequence[GroupRecord]:
        with self._lock:
            data = self._data.get(pool_id)
            if data is None:
                return []
            names = _page(data.group_names, after, limit)
            return [data.groups[n] for n in names]

    def count_groups(self, pool_id: str) -> int:
        data = self._data.get(pool_id)
        return 0 if data is None else len(data.groups)

    def add_member(self, pool_id: str, group: str, username: str) -> bool:
        with self._lock:
            data = self._pool(pool_id)
            if group not in data.groups or username not in data.users:
                raise StoreConflictError("group or user vanished")
            groups = data.user_groups.setdefault(username, set())
            if group in groups:
                return False
            groups.add(group)
            bisect.insort(data.group_members[group], username)
            return True

    def remove_member(self, pool_id: str, group: str, username: str) -> bool:
        with self._lock:
            data = self._data.get(pool_id)
            groups = None if data is None else data.user_groups.get(username)
            if data is None or groups is None or group not in groups:
                return False
            groups.discard(group)
            _remove_sorted(data.group_members[group], username)
            return True

    def list_members(
        self, pool_id: str, group: str, *, after: str | None, limit: int
    ) -> Sequence[str]:
        with self._lock:
            data = self._data.get(pool_id)
            if data is None:
                return []
            return _page(data.group_members.get(group, []), after, limit)

    def groups_of(self, pool_id: str, username: str) -> Sequence[str]:
        with self._lock:
            data = self._data.get(pool_id)
            return [] if data is None else sorted(data.user_groups.get(username, ()))

    # -- devices -----------------------------------------------------------------------

    def create_device(self, device: DeviceRecord) -> None:
        with self._lock:
            data = self._pool(device.pool_id)
            # A taken key is the conflict, whichever user the new device names.
            if device.key not in data.devices and device.username not in data.users:
                raise StoreConflictError(f"user {device.username!r} vanished")
            _add(data.devices, device.key, device, ("device exists", f"device:{device.key}"))
            bisect.insort(data.device_keys, device.key)
            bisect.insort(data.user_devices.setdefault(device.username, []), device.key)

    def get_device(self, pool_id: str, key: str) -> DeviceRecord | None:
        data = self._data.get(pool_id)
        return None if data is None else data.devices.get(key)

    def update_device(self, device: DeviceRecord, *, expected_version: int) -> DeviceRecord:
        with self._lock:
            data = self._pool(device.pool_id)
            # A device never changes hands: the update must find it with its user.
            what = f"device {device.key!r}"
            return _replace(
                data.devices, device.key, device, expected_version, what, also=("username",)
            )

    def delete_device(self, pool_id: str, key: str) -> bool:
        with self._lock:
            data = self._data.get(pool_id)
            device = None if data is None else data.devices.pop(key, None)
            if data is None or device is None:
                return False
            _remove_sorted(data.device_keys, key)
            _remove_sorted(data.user_devices[device.username], key)
            return True

    def list_devices(
        self, pool_id: str, username: str | None, *, after: str | None, limit: int
    ) -> Sequence[DeviceRecord]:
        with self._lock:
            data = self._data.get(pool_id)
            if data is None:
                return []
            keys = data.device_keys if username is None else data.user_devices.get(username, [])
            return [data.devices[k] for k in _page(keys, after, limit)]

    # -- passkeys ----------------------------------------------------------------------

    def create_passkey(self, passkey: PasskeyRecord) -> None:
        with self._lock:
            data = self._pool(passkey.pool_id)
            key = passkey.credential_id
            if key not in data.passkeys and passkey.username not in data.users:
                raise StoreConflictError(f"user {passkey.username!r} vanished")
            _add(data.passkeys, key, passkey, ("passkey exists", f"passkey:{key}"))
            bisect.insort(data.passkey_ids, key)
            bisect.insort(data.user_passkeys.setdefault(passkey.username, []), key)

    def get_passkey(self, pool_id: str, credential_id: str) -> PasskeyRecord | None:
        data = self._data.get(pool_id)
        return None if data is None else data.passkeys.get(credential_id)

    def update_passkey(self, passkey: PasskeyRecord, *, expected_version: int) -> PasskeyRecord:
        with self._lock:
            data = self._pool(passkey.pool_id)
            what = f"passkey {passkey.credential_id!r}"
            return _replace(
                data.passkeys,
                passkey.credential_id,
                passkey,
                expected_version,
                what,
                also=("username",),
            )

    def delete_passkey(self, pool_id: str, credential_id: str) -> bool:
        with self._lock:
            data = self._data.get(pool_id)
            passkey = None if data is None else data.passkeys.pop(credential_id, None)
            if data is None or passkey is None:
                return False
            _remove_sorted(data.passkey_ids, credential_id)
            _remove_sorted(data.user_passkeys[passkey.username], credential_id)
            return True

    def list_passkeys(
        self, pool_id: str, username: str | None, *, after: str | None, limit: int
    ) -> Sequence[PasskeyRecord]:
        with self._lock:
            data = self._data.get(pool_id)
            if data is None:
                return []
            keys = data.passkey_ids if username is None else data.user_passkeys.get(username, [])
            return [data.passkeys[k] for k in _page(keys, after, limit)]

    # -- items -------------------------------------------------------------------------

    def _items(self, pool_id: str, kind: str, *, create: bool) -> dict[str, ItemRecord] | None:
        data = self._global if pool_id == "" else self._data.get(pool_id)
        if data is None:
            if create:
                raise StoreConflictError(f"pool {pool_id} vanished")
            return None
        if create:
            return data.items.setdefault(kind, {})
        return data.items.get(kind)

    def create_item(self, item: ItemRecord) -> None:
        with self._lock:
            items = self._items(item.pool_id, item.kind, create=True)
            assert items is not None
            _add(items, item.key, item, ("item exists", f"{item.kind}:{item.key}"))

    def get_item(self, pool_id: str, kind: str, key: str) -> ItemRecord | None:
        items = self._items(pool_id, kind, create=False)
        return None if items is None else items.get(key)

    def update_item(self, item: ItemRecord, *, expected_version: int) -> ItemRecord:
        with self._lock:
            # No items of that kind (or no pool): nothing to find, so the update conflicts.
            items = self._items(item.pool_id, item.kind, create=False) or {}
            what = f"{item.kind} {item.key!r}"
            return _replace(items, item.key, item, expected_version, what)

    def delete_item(self, pool_id: str, kind: str, key: str) -> bool:
        with self._lock:
            items = self._items(pool_id, kind, create=False)
            return items is not None and items.pop(key, None) is not None

    def list_items(
        self, pool_id: str, kind: str, *, after: str | None, limit: int
    ) -> Sequence[ItemRecord]:
        with self._lock:
            items = self._items(pool_id, kind, create=False)
            if not items:
                return []
            return [items[k] for k in _page(sorted(items), after, limit)]

    def list_pool_items(
        self, pool_id: str, *, after: tuple[str, str] | None, limit: int
    ) -> Sequence[ItemRecord]:
        with self._lock:
            data = self._global if pool_id == "" else self._data.get(pool_id)
            if data is None:
                return []
            keys = ((kind, key) for kind, of_kind in data.items.items() for key in of_kind)
            return [data.items[kind][key] for kind, key in _smallest(keys, after, limit)]

    # -- auth events -------------------------------------------------------------------

    def add_auth_event(self, event: AuthEventRecord) -> None:
        with self._lock:
            data = self._pool(event.pool_id)
            if event.username not in data.users:
                raise StoreConflictError(f"user {event.username!r} vanished")
            clash = ("event exists", f"event:{event.event_id}")
            _add(data.event_records, (event.username, event.event_id), event, clash)
            bisect.insort(
                data.events.setdefault(event.username, []), (event.created_at, event.event_id)
            )

    def get_auth_event(self, pool_id: str, username: str, event_id: str) -> AuthEventRecord | None:
        data = self._data.get(pool_id)
        return None if data is None else data.event_records.get((username, event_id))

    def update_auth_event(
        self, event: AuthEventRecord, *, expected_version: int
    ) -> AuthEventRecord:
        with self._lock:
            data = self._pool(event.pool_id)
            # An event's time never changes.
            key, what = (event.username, event.event_id), f"event {event.event_id!r}"
            return _replace(
                data.event_records, key, event, expected_version, what, keep=("created_at",)
            )

    def list_auth_events(
        self, pool_id: str, username: str, *, before: tuple[float, str] | None, limit: int
    ) -> Sequence[AuthEventRecord]:
        with self._lock:
            data = self._data.get(pool_id)
            if data is None or limit <= 0:
                return []
            keys = data.events.get(username, [])
            end = bisect.bisect_left(keys, before) if before is not None else len(keys)
            chosen = keys[max(0, end - limit) : end]
            return [data.event_records[(username, k[1])] for k in reversed(chosen)]


class _Versioned(Protocol):
    @property
    def version(self) -> int: ...


class _OfPool(Protocol):
    @property
    def pool_id(self) -> str: ...


_K = TypeVar("_K", str, tuple[str, str])
_V = TypeVar("_V", bound=_Versioned)
_P = TypeVar("_P", bound=_OfPool)


def _add(records: dict[_K, _V], key: _K, record: _V, clash: tuple[str, str]) -> None:
    """Stores ``record`` under a ``key`` not yet taken; ``clash`` (message, conflict key)
    says it was."""
    if key in records:
        message, conflict_key = clash
        raise StoreConflictError(message, key=conflict_key)
    records[key] = record


def _expect(current: _V | None, expected_version: int, what: str) -> _V:
    """``current``, if it is there at ``expected_version``; ``what`` names it otherwise."""
    if current is None or current.version != expected_version:
        raise StoreConflictError(f"{what} changed or vanished")
    return current


def _replace(
    records: dict[_K, _V],
    key: _K,
    record: _V,
    expected_version: int,
    what: str,
    *,
    also: Sequence[str] = (),
    keep: Sequence[str] = (),
) -> _V:
    """Stores ``record`` with the next version in place of the one at ``key``, if that
    one is at ``expected_version`` and agrees with ``record`` on the fields ``also``
    names; the fields ``keep`` names keep their stored values."""
    current = _expect(records.get(key), expected_version, what)
    if also and any(getattr(current, name) != getattr(record, name) for name in also):
        raise StoreConflictError(f"{what} changed or vanished")
    if keep:
        record = attrs.evolve(cast(Any, record), **{name: getattr(current, name) for name in keep})
    # (mypy's attrs plugin refuses evolve() on a type variable; records are attrs classes.)
    stored: _V = attrs.evolve(cast(Any, record), version=expected_version + 1)
    records[key] = stored
    return stored


def _smallest(keys: Iterable[_K], after: _K | None, limit: int) -> list[_K]:
    """The ``limit`` least ``keys`` past ``after``, in order (a heap: no sort of them all)."""
    if limit <= 0:
        return []
    return heapq.nsmallest(limit, (k for k in keys if after is None or k > after))


def _of_pool(records: Mapping[str, _P], pool_id: str, after: str | None, limit: int) -> list[_P]:
    """The pool's records in a service-wide mapping, by key, the next ``limit`` past
    ``after`` (a heap over the mapping: no sort of every pool's records)."""
    if limit <= 0:
        return []
    keys = heapq.nsmallest(
        limit,
        (
            key
            for key, record in records.items()
            if record.pool_id == pool_id and (after is None or key > after)
        ),
    )
    return [records[key] for key in keys]


def _remove_sorted(values: list[str], value: str) -> None:
    i = bisect.bisect_left(values, value)
    if i < len(values) and values[i] == value:
        del values[i]


def _page(values: list[str], after: str | None, limit: int) -> list[str]:
    start = bisect.bisect_right(values, after) if after is not None else 0
    return values[start : start + max(limit, 0)]

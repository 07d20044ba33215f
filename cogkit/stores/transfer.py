"""Moving a whole store between backends (memory, SQLite, PostgreSQL) as JSON lines.

``export_store(store, file)`` writes every record of any ``Store``, one JSON object per
line, each tagged with its ``type``; ``import_store(store, file)`` writes them into
another store.  The format::

    {"type": "cogkit-store", "format": 1}
    {"type": "item", "record": {"pool_id": "", ...}}         (service-wide items)
    {"type": "pool", "record": {...}}
    {"type": "signing_key", "record": {...}}
    {"type": "client", "record": {...}}
    {"type": "group", "record": {...}}
    {"type": "item", "record": {...}}
    {"type": "user", "record": {...}, "claims": [...], "search": {...}}
    {"type": "membership", "pool_id": "...", "group": "...", "username": "..."}
    {"type": "device", "record": {...}}
    {"type": "passkey", "record": {...}}
    {"type": "auth_event", "record": {...}}
    {"type": "code", "record": {...}}
    {"type": "session", "record": {...}}
    {"type": "refresh_token", "record": {...}}
    {"type": "end", "counts": {"pool": 1, "user": 1000, ...}}

Each pool comes first, followed by what it holds.  ``record`` holds the record's fields
exactly as the store keeps them (times as JSON numbers, which round-trip exactly), so an
imported store answers every question the exported one did: users keep their versions,
claims and search keys, refresh tokens their revocations, pools their signing keys.

The file therefore holds what the store holds: password hashes, code and token digests,
client secrets and the pools' private signing keys.  Treat it like the database itself
(``cogkit store export`` creates it readable by its owner only).

.. versionadded:: 0.1
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any, Final, Protocol, TypeVar

import attrs

from cogkit.errors import CogkitError
from cogkit.stores.base import Store
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

__all__ = ["FORMAT", "TransferError", "export_store", "import_store"]

#: The version of the export format this cogkit writes and reads.
FORMAT: Final = 1
_HEADER: Final = "cogkit-store"
#: Records read per page when exporting, and users written per batch when importing.
PAGE: Final = 500

#: Every record type by its tag.
RECORD_TYPES: Final[Mapping[str, type[Any]]] = {
    "pool": PoolRecord,
    "signing_key": SigningKeyRecord,
    "client": ClientRecord,
    "group": GroupRecord,
    "item": ItemRecord,
    "user": UserRecord,
    "device": DeviceRecord,
    "passkey": PasskeyRecord,
    "auth_event": AuthEventRecord,
    "code": CodeRecord,
    "session": SessionRecord,
    "refresh_token": RefreshTokenRecord,
}

_K = TypeVar("_K")
_R = TypeVar("_R")


class TransferError(CogkitError):
    """An import file cannot be used: the message names the line and what is wrong."""

    def __init__(self, message: str, *, line: int | None = None) -> None:
        super().__init__(message if line is None else f"line {line}: {message}")
        #: The 1-based line of the file at fault, when one is.
        self.line = line


class _Writer(Protocol):
    def write(self, text: str, /) -> object: ...


def _dumps(item: Mapping[str, Any]) -> str:
    return json.dumps(item, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def _paged(fetch: Callable[[_K | None], Sequence[_R]], key: Callable[[_R], _K]) -> Iterator[_R]:
    """Every record ``fetch`` pages through, ``after`` being the key of the last one."""
    after: _K | None = None
    while True:
        page = fetch(after)
        yield from page
        if len(page) < PAGE:
            return
        after = key(page[-1])


# -- export ----------------------------------------------------------------------------------


def export_store(store: Store, file: _Writer) -> dict[str, int]:
    """Writes every record of ``store`` to ``file`` (text, one JSON object per line).

    Returns how many records of each type were written.  Run it on a quiet store: it reads
    page by page, so records written meanwhile may or may not be included.
    """
    counts: Counter[str] = Counter()

    def emit(kind: str, record: Any, **more: Any) -> None:
        line = (
            {"type": kind, **more}
            if record is None
            else {"type": kind, "record": attrs.asdict(record), **more}
        )
        file.write(_dumps(line) + "\n")
        counts[kind] += 1

    file.write(_dumps({"type": _HEADER, "format": FORMAT}) + "\n")
    for item in _paged(lambda after: store.list_pool_items("", after=after, limit=PAGE), _item_key):
        emit("item", item)
    for pool in _paged(lambda after: store.list_pools(after=after, limit=PAGE), _pool_id):
        emit("pool", pool)
        _export_pool(store, pool.id, emit)
    totals = dict(counts)
    file.write(_dumps({"type": "end", "counts": totals}) + "\n")
    return totals


def _export_pool(store: Store, pid: str, emit: Callable[..., None]) -> None:
    """What one pool holds, its signing keys first (tokens stay verifiable) and the users
    before what refers to them."""
    # Stores list keys oldest first; ties (the ID and access keys are made together) are
    # broken by kid so that every backend writes the same file.
    for key in sorted(store.list_signing_keys(pid), key=lambda k: (k.created_at, k.kid)):
        emit("signing_key", key)
    for client in _paged(
        lambda after: store.list_clients(pid, after=after, limit=PAGE), _client_id
    ):
        emit("client", client)
    groups = []
    for group in _paged(lambda after: store.list_groups(pid, after=after, limit=PAGE), _group_name):
        emit("group", group)
        groups.append(group.name)
    for item in _paged(
        lambda after: store.list_pool_items(pid, after=after, limit=PAGE), _item_key
    ):
        emit("item", item)
    usernames = []
    for entry in _paged(
        lambda after: store.list_user_entries(pid, after=after, limit=PAGE), _entry_name
    ):
        emit(
            "user",
            entry.user,
            claims=sorted(entry.claims),
            search=dict(sorted(entry.search.items())),
        )
        usernames.append(entry.user.username)
    for name in groups:
        for username in _paged(_members(store, pid, name), _itself):
            emit("membership", None, pool_id=pid, group=name, username=username)
    for device in _paged(
        lambda after: store.list_devices(pid, None, after=after, limit=PAGE), _device_key
    ):
        emit("device", device)
    for passkey in _paged(
        lambda after: store.list_passkeys(pid, None, after=after, limit=PAGE), _passkey_id
    ):
        emit("passkey", passkey)
    for username in usernames:
        for event in _paged(_events(store, pid, username), _event_key):
            emit("auth_event", event)
    for code in _paged(lambda after: store.list_codes(pid, after=after, limit=PAGE), _code_key):
        emit("code", code)
    for session in _paged(
        lambda after: store.list_sessions(pid, after=after, limit=PAGE), _session_digest
    ):
        emit("session", session)
    for token in _paged(
        lambda after: store.list_refresh_tokens(pid, after=after, limit=PAGE), _token_digest
    ):
        emit("refresh_token", token)


def _members(store: Store, pid: str, group: str) -> Callable[[str | None], Sequence[str]]:
    return lambda after: store.list_members(pid, group, after=after, limit=PAGE)


def _events(
    store: Store, pid: str, username: str
) -> Callable[[tuple[float, str] | None], Sequence[AuthEventRecord]]:
    # Newest first: each page continues below the last event of the previous one.
    return lambda before: store.list_auth_events(pid, username, before=before, limit=PAGE)


def _itself(value: str) -> str:
    return value


def _group_name(group: GroupRecord) -> str:
    return group.name


def _item_key(item: ItemRecord) -> tuple[str, str]:
    return (item.kind, item.key)


def _device_key(device: DeviceRecord) -> str:
    return device.key


def _passkey_id(passkey: PasskeyRecord) -> str:
    return passkey.credential_id


def _event_key(event: AuthEventRecord) -> tuple[float, str]:
    return (event.created_at, event.event_id)


def _pool_id(pool: PoolRecord) -> str:
    return pool.id


def _client_id(client: ClientRecord) -> str:
    return client.id


def _entry_name(entry: UserEntry) -> str:
    return entry.user.username


def _code_key(code: CodeRecord) -> tuple[str, str]:
    return (code.username, code.purpose)


def _session_digest(session: SessionRecord) -> str:
    return session.digest


def _token_digest(token: RefreshTokenRecord) -> str:
    return token.digest


# -- import ----------------------------------------------------------------------------------

#: JSON types each annotation of the records accepts (``X | None`` also accepts null).
_JSON_TYPES: Final[Mapping[str, tuple[type, ...]]] = {
    "str": (str,),
    "int": (int,),
    "float": (int, float),
    "bool": (bool,),
    "Mapping[str, Any]": (dict,),
    "Mapping[str, str]": (dict,),
}


def _check_fields(kind: str, cls: type[Any], fields: Any, line: int) -> dict[str, Any]:
    """``fields`` when they are exactly the record's fields with JSON values that fit."""
    if not isinstance(fields, dict):
        raise TransferError(f"the {kind} has no record object", line=line)
    known = {f.name: f for f in attrs.fields(cls)}
    unknown = sorted(set(fields) - set(known))
    if unknown:
        raise TransferError(
            f"the {kind} record has unknown fields: {', '.join(unknown)}", line=line
        )
    for name, field in known.items():
        if name not in fields:
            if field.default is attrs.NOTHING:
                raise TransferError(f"the {kind} record lacks {name!r}", line=line)
            continue
        value, annotation = fields[name], str(field.type)
        optional = annotation.endswith(" | None")
        allowed = _JSON_TYPES.get(annotation.removesuffix(" | None"))
        if allowed is None or (optional and value is None):
            continue
        numeric = allowed != (bool,) and isinstance(value, bool)
        if numeric or not isinstance(value, allowed):
            raise TransferError(
                f"the {kind} field {name!r} must be {annotation}, not {type(value).__name__}",
                line=line,
            )
    return fields


def _strings(kind: str, value: Any, line: int) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise TransferError(f"the {kind}'s claims must be a list of strings", line=line)
    return value


def _string_map(kind: str, value: Any, line: int) -> dict[str, str]:
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise TransferError(f"the {kind}'s search keys must map names to strings", line=line)
    return value


def import_store(store: Store, file: Iterable[str]) -> dict[str, int]:
    """Writes every record of an export (lines of text) into ``store``; the counts.

    Users are written in batches, each all or nothing.  Records that clash with what
    ``store`` already holds raise ``StoreConflictError``; a file that is not an export,
    is damaged or was cut short raises ``TransferError`` naming the line.  Either way the
    records before the failing one stay imported: import into an empty store, and start
    again from an empty one after a failure.
    """
    counts: Counter[str] = Counter()
    users: list[UserEntry] = []
    header = False
    expected: Mapping[str, Any] | None = None

    def flush() -> None:
        if users:
            store.create_users(users)
            users.clear()

    line = 0
    for line, text in enumerate(file, start=1):
        if not text.strip():
            continue
        if expected is not None:
            raise TransferError("records follow the end line", line=line)
        try:
            item = json.loads(text)
        except json.JSONDecodeError as exc:
            raise TransferError(f"not a JSON object ({exc.msg})", line=line) from None
        kind = item.get("type") if isinstance(item, dict) else None
        if not header:
            if kind != _HEADER:
                raise TransferError("not a cogkit store export (no header line)", line=line)
            version = item.get("format")
            if version != FORMAT:
                raise TransferError(
                    f"export format {version!r}; this cogkit reads format {FORMAT}", line=line
                )
            header = True
            continue
        if kind == "end":
            expected = item.get("counts")
            continue
        if kind == "membership":
            flush()
            pool_id, group, username = (item.get(k) for k in ("pool_id", "group", "username"))
            if not all(isinstance(v, str) for v in (pool_id, group, username)):
                raise TransferError(
                    "a membership needs the strings pool_id, group and username", line=line
                )
            store.add_member(pool_id, group, username)
            counts[kind] += 1
            continue
        if not isinstance(kind, str) or kind not in RECORD_TYPES:
            raise TransferError(f"unknown record type {kind!r}", line=line)
        cls = RECORD_TYPES[kind]
        fields = _check_fields(kind, cls, item.get("record"), line)
        if kind == "user":
            users.append(
                UserEntry(
                    UserRecord(**fields),
                    claims=_strings(kind, item.get("claims", []), line),
                    search=_string_map(kind, item.get("search", {}), line),
                )
            )
            if len(users) >= PAGE:
                flush()
        else:
            flush()
            _put(store, kind, cls(**fields))
        counts[kind] += 1
    flush()
    totals = dict(counts)
    if not header:
        raise TransferError("the file is empty: not a cogkit store export")
    if expected is None:
        raise TransferError(
            "the file ends before its end line: the export was cut short (what came "
            "before was imported)",
            line=line,
        )
    if expected != totals:
        raise TransferError(
            f"the end line counts {expected}, the file held {totals}: it was altered",
            line=line,
        )
    return totals


def _put(store: Store, kind: str, record: Any) -> None:
    writers: Mapping[str, Callable[[Any], None]] = {
        "pool": store.create_pool,
        "signing_key": store.put_signing_key,
        "client": store.create_client,
        "group": store.create_group,
        "item": store.create_item,
        "device": store.create_device,
        "passkey": store.create_passkey,
        "auth_event": store.add_auth_event,
        "code": store.put_code,
        "session": store.put_session,
        "refresh_token": store.put_refresh_token,
    }
    writers[kind](record)

"""``SQLStore``: the store on SQLAlchemy Core 2.x, one implementation for SQLite and PostgreSQL.

Open one by URL::

    store = open_sql_store("sqlite:///auth.db")                    # embedded, one machine
    store = open_sql_store("postgresql+psycopg://app@db/auth")     # several app servers

How it keeps the store rules (``cogkit.stores.base``) across threads *and* processes:

- **The database arbitrates uniqueness.**  Usernames are the users' primary key, claims
  (usernames, aliases, subs) live in ``cogkit_user_claims`` whose primary key is
  ``(pool_id, claim)``, client ids and refresh tokens have primary/unique keys.
  A write that loses a race gets a unique violation; the store then looks up which key
  was taken and raises ``StoreConflictError(key=...)``.
- **Optimistic versions**: ``UPDATE ... WHERE version = :expected``; zero rows means the
  record changed (or vanished) and ``StoreConflictError`` (``key=None``) is raised.
- **Single use**: codes and sessions are taken with ``DELETE ... WHERE`` (``RETURNING``
  for sessions); the database lets exactly one of several concurrent deleters see the row.
- **Search index**: ``cogkit_user_search`` holds one ``(pool_id, attribute, value,
  username)`` row per search key; its primary key is the index that serves equality and
  prefix searches and ``(value, username)`` pagination.  Prefixes become the range
  ``value >= p AND value < next(p)``, which a B-tree answers on both backends; key columns
  use the binary ``"C"`` collation on PostgreSQL, so ordering is code-point order (the
  same as ``MemoryStore`` and SQLite) whatever the database's locale.
- **SQLite**: WAL (readers never block the writer), a busy timeout, foreign keys on,
  ``synchronous=FULL`` (a commit survives power loss) and ``BEGIN IMMEDIATE`` for writes,
  so a transaction never has to upgrade a read lock (which SQLite cannot wait for).
- **PostgreSQL** (psycopg 3): ``READ COMMITTED`` writes; a row-locking ``UPDATE`` re-checks
  its ``WHERE`` after a concurrent commit, which is what makes the version check sound.
  Deadlocks and serialization failures are retried.

Statements are built with Core and compiled once per store; they run on the DBAPI
connections of SQLAlchemy's pool (see ``_Statement``: SQLAlchemy's ``Connection`` and
``Result`` layers would cost more than the lookups themselves).  Connections run in
driver-level autocommit: a lookup or a single-statement write is one round trip, and
multi-statement writes are wrapped in an explicit ``BEGIN`` ... ``COMMIT``.

Every SQLAlchemy or driver error is translated where it is caught: unique and foreign-key
violations become ``StoreConflictError``, anything else ``InternalError`` (Cognito's
``InternalErrorException``).  Statement parameters are never put into messages (and the
engine is created with ``hide_parameters=True``), since they hold password hashes and
digests.

The schema is versioned in ``cogkit_meta``.  An empty database gets the tables on first
open; an older one is upgraded only when asked (``upgrade=True`` or
``cogkit store upgrade URL``); a newer one is refused.

.. versionadded:: 0.1
"""

from __future__ import annotations

import contextlib
import functools
import itertools
import json
import operator
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from typing import Any, Concatenate, Final, ParamSpec, TypeVar, cast

import attrs

from cogkit.errors import ConfigurationError, InternalError, StoreConflictError
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

try:
    import sqlalchemy as sa
    from sqlalchemy import event
    from sqlalchemy import exc as sa_exc
    from sqlalchemy.dialects import postgresql as sa_postgresql
    from sqlalchemy.dialects import sqlite as sa_sqlite
    from sqlalchemy.engine import Connection, Engine
except ImportError as exc:  # pragma: no cover - exercised in a subprocess without the extra
    raise ConfigurationError(
        'the SQLite and PostgreSQL stores need SQLAlchemy: pip install "cogkit[sql]"'
    ) from exc

__all__ = [
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "SQLStore",
    "metadata",
    "open_sql_store",
    "upgrade_sql_store",
]

#: The schema this cogkit writes.  Bump it with every schema change and add the step that
#: brings a database of the previous version up to it to ``MIGRATIONS``.
SCHEMA_VERSION = 1

#: ``MIGRATIONS[n]`` brings a version-``n`` database to version ``n + 1``.  Steps run in
#: one transaction with the version update (both backends have transactional DDL), so an
#: interrupted upgrade leaves the database at its old version.
MIGRATIONS: dict[int, Callable[[Connection], None]] = {}

#: PostgreSQL advisory lock taken while creating or upgrading the schema, so several app
#: servers starting at once do not race each other's ``CREATE TABLE``.
_SCHEMA_LOCK: Final = 0x636F676B6974  # "cogkit"

#: SQLite WAL pages between automatic checkpoints (see ``_configure_connections``).
_WAL_CHECKPOINT_PAGES: Final = 10_000
#: How many times a PostgreSQL transaction is retried after a deadlock or serialization
#: failure before the error is reported.
_TRANSIENT_RETRIES: Final = 5
#: How many times a write that hit a unique key is retried when, by the time the store
#: looks, nobody holds that key any more (its holder was deleted in between).
_CLASH_RETRIES: Final = 5

_P = ParamSpec("_P")
_R = TypeVar("_R")
_T = TypeVar("_T")

# -- schema ----------------------------------------------------------------------------------

metadata = sa.MetaData(
    naming_convention={
        "pk": "%(table_name)s_pkey",
        "uq": "%(table_name)s_%(column_0_name)s_key",
        "fk": "%(table_name)s_%(column_0_N_name)s_fkey",
        "ix": "%(table_name)s_%(column_0_N_name)s_idx",
    }
)

#: Key columns: compared and ordered by code point on both backends.
_Key = sa.String().with_variant(sa.String(collation="C"), "postgresql")
_Time: sa.Double[float] = sa.Double()


def _pool_ref() -> sa.ForeignKey:
    return sa.ForeignKey("cogkit_pools.id", ondelete="CASCADE")


def _user_ref() -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["pool_id", "username"],
        ["cogkit_users.pool_id", "cogkit_users.username"],
        ondelete="CASCADE",
    )


meta_table = sa.Table(
    "cogkit_meta",
    metadata,
    sa.Column("name", _Key, primary_key=True),
    sa.Column("value", sa.String, nullable=False),
)

# Column order follows the record's field order: rows become records positionally.
pools = sa.Table(
    "cogkit_pools",
    metadata,
    sa.Column("id", _Key, primary_key=True),
    sa.Column("name", sa.String, nullable=False),
    sa.Column("created_at", _Time, nullable=False),
    sa.Column("modified_at", _Time, nullable=False),
    sa.Column("config", sa.JSON, nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
)

clients = sa.Table(
    "cogkit_clients",
    metadata,
    sa.Column("id", _Key, primary_key=True),
    sa.Column("pool_id", _Key, _pool_ref(), nullable=False),
    sa.Column("name", sa.String, nullable=False),
    sa.Column("created_at", _Time, nullable=False),
    sa.Column("modified_at", _Time, nullable=False),
    sa.Column("config", sa.JSON, nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Index(None, "pool_id", "id"),
)

users = sa.Table(
    "cogkit_users",
    metadata,
    sa.Column("pool_id", _Key, _pool_ref(), primary_key=True),
    sa.Column("username", _Key, primary_key=True),
    sa.Column("sub", sa.String, nullable=False),
    sa.Column("status", sa.String, nullable=False),
    sa.Column("enabled", sa.Boolean, nullable=False),
    sa.Column("created_at", _Time, nullable=False),
    sa.Column("modified_at", _Time, nullable=False),
    sa.Column("attributes", sa.JSON, nullable=False),
    sa.Column("password_hash", sa.String),
    sa.Column("password_set_at", _Time),
    sa.Column("failed_attempts", sa.Integer, nullable=False),
    sa.Column("last_failed_at", _Time),
    sa.Column("locked_until", _Time),
    sa.Column("signed_out_at", _Time),
    sa.Column("extra", sa.JSON, nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
)

# The unique keys users hold.  The primary key is the arbiter: two users can never hold
# one claim.  WITHOUT ROWID on SQLite: the primary key *is* the table, stored once.
claims_table = sa.Table(
    "cogkit_user_claims",
    metadata,
    sa.Column("pool_id", _Key, primary_key=True),
    sa.Column("claim", _Key, primary_key=True),
    sa.Column("username", _Key, nullable=False),
    _user_ref(),
    sa.Index(None, "pool_id", "username"),
    sqlite_with_rowid=False,
)

# The ListUsers index: the primary key serves equality, prefix ranges and pagination.
search_table = sa.Table(
    "cogkit_user_search",
    metadata,
    sa.Column("pool_id", _Key, primary_key=True),
    sa.Column("attribute", _Key, primary_key=True),
    sa.Column("value", _Key, primary_key=True),
    sa.Column("username", _Key, primary_key=True),
    _user_ref(),
    sa.Index(None, "pool_id", "username"),
    sqlite_with_rowid=False,
)

codes = sa.Table(
    "cogkit_codes",
    metadata,
    sa.Column("pool_id", _Key, _pool_ref(), primary_key=True),
    sa.Column("username", _Key, primary_key=True),
    sa.Column("purpose", _Key, primary_key=True),
    sa.Column("digest", sa.String, nullable=False),
    sa.Column("salt", sa.String, nullable=False),
    sa.Column("created_at", _Time, nullable=False),
    sa.Column("expires_at", _Time, nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False),
    sa.Column("extra", sa.JSON, nullable=False),
)

sessions = sa.Table(
    "cogkit_sessions",
    metadata,
    sa.Column("digest", _Key, primary_key=True),
    sa.Column("pool_id", _Key, _pool_ref(), nullable=False),
    sa.Column("client_id", sa.String, nullable=False),
    sa.Column("username", _Key, nullable=False),
    sa.Column("challenge", sa.String, nullable=False),
    sa.Column("created_at", _Time, nullable=False),
    sa.Column("expires_at", _Time, nullable=False),
    sa.Column("state", sa.JSON, nullable=False),
    sa.Index(None, "pool_id", "username"),
    sa.Index(None, "pool_id", "digest"),
)

refresh_tokens = sa.Table(
    "cogkit_refresh_tokens",
    metadata,
    sa.Column("digest", _Key, primary_key=True),
    sa.Column("origin_jti", _Key, nullable=False, index=True),
    sa.Column("pool_id", _Key, _pool_ref(), nullable=False),
    sa.Column("client_id", sa.String, nullable=False),
    sa.Column("username", _Key, nullable=False),
    sa.Column("auth_time", sa.BigInteger, nullable=False),
    sa.Column("event_id", sa.String, nullable=False),
    sa.Column("issued_at", _Time, nullable=False),
    sa.Column("expires_at", _Time, nullable=False),
    sa.Column("device_key", sa.String),
    sa.Column("revoked_at", _Time),
    sa.Column("rotated_at", _Time),
    sa.Column("parent", _Key),
    sa.Column("extra", sa.JSON, nullable=False),
    sa.Index(None, "pool_id", "username"),
    sa.Index(None, "pool_id", "digest"),
)

signing_keys = sa.Table(
    "cogkit_signing_keys",
    metadata,
    sa.Column("pool_id", _Key, _pool_ref(), primary_key=True),
    sa.Column("kid", _Key, primary_key=True),
    sa.Column("use", sa.String, nullable=False),
    sa.Column("private_pem", sa.String, nullable=False),
    sa.Column("created_at", _Time, nullable=False),
    sa.Column("active", sa.Boolean, nullable=False),
)

groups = sa.Table(
    "cogkit_groups",
    metadata,
    sa.Column("pool_id", _Key, _pool_ref(), primary_key=True),
    sa.Column("name", _Key, primary_key=True),
    sa.Column("created_at", _Time, nullable=False),
    sa.Column("modified_at", _Time, nullable=False),
    sa.Column("description", sa.String),
    sa.Column("role_arn", sa.String),
    sa.Column("precedence", sa.Integer),
    sa.Column("version", sa.Integer, nullable=False),
)

# Who is in which group: the primary key makes a membership exist once; the foreign keys
# make it need (and end with) both its group and its user.
members = sa.Table(
    "cogkit_group_members",
    metadata,
    sa.Column("pool_id", _Key, primary_key=True),
    sa.Column("group_name", _Key, primary_key=True),
    sa.Column("username", _Key, primary_key=True),
    sa.ForeignKeyConstraint(
        ["pool_id", "group_name"],
        ["cogkit_groups.pool_id", "cogkit_groups.name"],
        ondelete="CASCADE",
    ),
    _user_ref(),
    sa.Index(None, "pool_id", "username", "group_name"),
    sqlite_with_rowid=False,
)

devices = sa.Table(
    "cogkit_devices",
    metadata,
    sa.Column("pool_id", _Key, primary_key=True),
    sa.Column("username", _Key, nullable=False),
    sa.Column("key", _Key, primary_key=True),
    sa.Column("group_key", sa.String, nullable=False),
    sa.Column("created_at", _Time, nullable=False),
    sa.Column("modified_at", _Time, nullable=False),
    sa.Column("last_authenticated_at", _Time),
    sa.Column("remembered", sa.String),
    sa.Column("attributes", sa.JSON, nullable=False),
    sa.Column("extra", sa.JSON, nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    _user_ref(),
    sa.Index(None, "pool_id", "username", "key"),
)

passkeys = sa.Table(
    "cogkit_passkeys",
    metadata,
    # In the order of PasskeyRecord's fields: rows become records positionally.
    sa.Column("pool_id", _Key, primary_key=True),
    sa.Column("username", _Key, nullable=False),
    sa.Column("credential_id", _Key, primary_key=True),
    sa.Column("relying_party_id", sa.String, nullable=False),
    sa.Column("public_key", sa.String, nullable=False),
    sa.Column("sign_count", sa.BigInteger, nullable=False),
    sa.Column("created_at", _Time, nullable=False),
    sa.Column("modified_at", _Time, nullable=False),
    sa.Column("extra", sa.JSON, nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    _user_ref(),
    sa.Index(None, "pool_id", "username", "credential_id"),
)

# Items of a pool by kind and key; pool_id "" holds service-wide items (no pool row), so
# there is no foreign key: delete_pool removes a pool's items itself.
items = sa.Table(
    "cogkit_items",
    metadata,
    sa.Column("pool_id", _Key, primary_key=True),
    sa.Column("kind", _Key, primary_key=True),
    sa.Column("key", _Key, primary_key=True),
    sa.Column("created_at", _Time, nullable=False),
    sa.Column("modified_at", _Time, nullable=False),
    sa.Column("data", sa.JSON, nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
)

auth_events = sa.Table(
    "cogkit_auth_events",
    metadata,
    sa.Column("pool_id", _Key, primary_key=True),
    sa.Column("username", _Key, primary_key=True),
    sa.Column("event_id", _Key, primary_key=True),
    sa.Column("created_at", _Time, nullable=False),
    sa.Column("data", sa.JSON, nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    _user_ref(),
    # Newest first: the listing walks this index backwards.
    sa.Index(None, "pool_id", "username", "created_at", "event_id"),
)

#: Which table keeps which record (``cogkit_users`` keeps ``UserRecord`` and so on).
RECORD_TABLES: Final[Mapping[type[Any], sa.Table]] = {
    PoolRecord: pools,
    ClientRecord: clients,
    UserRecord: users,
    CodeRecord: codes,
    SessionRecord: sessions,
    RefreshTokenRecord: refresh_tokens,
    SigningKeyRecord: signing_keys,
    GroupRecord: groups,
    DeviceRecord: devices,
    PasskeyRecord: passkeys,
    ItemRecord: items,
    AuthEventRecord: auth_events,
}


@attrs.frozen
class _Kept:
    """Where a record type is kept: its table and its primary key, in column order (what
    its lookups, versioned updates, clash checks and listings go by)."""

    table: str
    keys: tuple[str, ...]


_KEPT: Final[Mapping[type[Any], _Kept]] = {
    record: _Kept(table.name, tuple(c.name for c in table.primary_key))
    for record, table in RECORD_TABLES.items()
}


@functools.cache
def _page_order(kept: _Kept, scope: tuple[str, ...]) -> tuple[str, ...]:
    """The order a listing of ``scope`` follows: the rest of the primary key."""
    return tuple(name for name in kept.keys if name not in scope)


def _row(record: Any) -> dict[str, Any]:
    return attrs.asdict(record, recurse=False)


def _dumps(value: Any) -> str:
    # Compact; json.dumps writes floats in their shortest exact form, so they round-trip.
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


@functools.lru_cache(maxsize=256)
def _loads_shared(text: str) -> Any:
    """Parsed pool and client settings, shared while their text is unchanged: they are read
    on every call and large.  Records are immutable, so sharing them is safe."""
    return json.loads(text)


# -- statements ------------------------------------------------------------------------------


@attrs.frozen
class _Spec:
    """A statement, and (when its rows are records) the record type and the table whose
    columns the rows hold, in order."""

    statement: Any
    record: Callable[..., Any] | None = None
    table: sa.Table | None = None


#: JSON columns read on almost every call, parsed once per distinct text.
_SHARED_JSON: Final = frozenset({("cogkit_pools", "config"), ("cogkit_clients", "config")})


def _p(name: str, column: sa.Column[Any]) -> sa.BindParameter[Any]:
    """A named parameter typed like ``column``."""
    return sa.bindparam(name, type_=column.type)


def _columns(table: sa.Table) -> list[Any]:
    """The table's columns for a SELECT; shared JSON is read as text (see ``_Statement``)."""
    return [sa.cast(c, sa.Text) if (table.name, c.name) in _SHARED_JSON else c for c in table.c]


def _where_key(table: sa.Table, *names: str, prefix: str = "") -> list[Any]:
    return [table.c[name] == _p(prefix + name, table.c[name]) for name in names]


def _limit() -> sa.BindParameter[Any]:
    return sa.bindparam("limit", type_=sa.Integer)


class _Statement:
    """A Core statement compiled once for the store's dialect, run on a DBAPI cursor.

    SQLAlchemy's ``Connection`` and ``Result`` layers cost several times what a SQLite
    lookup itself does, so the store builds and compiles its statements with Core, takes
    connections from SQLAlchemy's pool and runs the compiled SQL on their DBAPI cursors.
    The conversions its columns need are few and done here: JSON parameters are
    serialised; in rows, JSON text is parsed and SQLite's 0/1 become booleans.
    """

    __slots__ = (
        "_bools",
        "_defaults",
        "_get",
        "_json_positions",
        "_jsons",
        "_make",
        "_names",
        "_positional",
        "sql",
    )

    def __init__(self, spec: _Spec, dialect: sa.Dialect) -> None:
        compiled = spec.statement.compile(dialect=dialect)
        self.sql: str = compiled.string
        binds = compiled.binds
        self._positional = bool(compiled.positional)
        names = tuple(compiled.positiontup or ()) if self._positional else tuple(binds)
        self._names = names
        # Literal values inside the statement (``attempts + 1``) are parameters too.
        self._defaults = {name: b.value for name, b in binds.items() if b.value is not None}
        self._json_positions = tuple(
            i for i, name in enumerate(names) if isinstance(binds[name].type, sa.JSON)
        )
        getter = operator.itemgetter(*names) if names else None
        self._get: Callable[[Mapping[str, Any]], tuple[Any, ...]] = (
            (lambda _values: ())
            if getter is None
            else (lambda values: (getter(values),))
            if len(names) == 1
            else getter
        )
        self._make = spec.record
        self._jsons: tuple[tuple[int, bool], ...] = ()
        self._bools: tuple[int, ...] = ()
        if spec.table is not None:
            table = spec.table
            self._jsons = tuple(
                (i, (table.name, c.name) in _SHARED_JSON)
                for i, c in enumerate(table.c)
                if isinstance(c.type, sa.JSON)
            )
            if dialect.name == "sqlite":
                self._bools = tuple(
                    i for i, c in enumerate(table.c) if isinstance(c.type, sa.Boolean)
                )

    def bind(self, values: Mapping[str, Any]) -> Any:
        """``values`` as the driver takes them (a tuple for ``?``, else a mapping)."""
        if self._defaults:
            values = {**self._defaults, **values}
        row = self._get(values)
        if self._json_positions:
            row = tuple(
                _dumps(v) if i in self._json_positions and v is not None else v
                for i, v in enumerate(row)
            )
        return row if self._positional else dict(zip(self._names, row, strict=True))

    def record(self, row: Sequence[Any]) -> Any:
        """The record a row holds."""
        values = list(row)
        for index, shared in self._jsons:
            value = values[index]
            if isinstance(value, str):
                values[index] = _loads_shared(value) if shared else json.loads(value)
        for index in self._bools:
            if values[index] is not None:
                values[index] = bool(values[index])
        if self._make is None:
            raise TypeError("this statement's rows are not records")
        return self._make(*values)


def _dialect_insert(dialect: str, table_name: str) -> Any:
    """An INSERT with the dialect's ``ON CONFLICT`` clauses."""
    insert = sa_postgresql.insert if dialect == "postgresql" else sa_sqlite.insert
    return insert(metadata.tables[table_name])


def _user_join(table: sa.Table) -> Any:
    return table.join(
        users, (table.c.pool_id == users.c.pool_id) & (table.c.username == users.c.username)
    )


# Builders: ``build(dialect, *arguments) -> _Spec``.  SQLStore compiles each (with its
# arguments) once, on first use.


def _q_meta_version(_dialect: str) -> _Spec:
    return _Spec(sa.select(meta_table.c.value).where(meta_table.c.name == "schema_version"))


def _q_insert(_dialect: str, table_name: str) -> _Spec:
    return _Spec(metadata.tables[table_name].insert())


def _q_insert_once(dialect: str, table_name: str) -> _Spec:
    """An INSERT that does nothing when the row exists (0 rows changed)."""
    return _Spec(_dialect_insert(dialect, table_name).on_conflict_do_nothing())


def _q_upsert(dialect: str, table_name: str, *keys: str) -> _Spec:
    statement = _dialect_insert(dialect, table_name)
    return _Spec(
        statement.on_conflict_do_update(
            index_elements=list(keys),
            set_={
                c.name: statement.excluded[c.name] for c in statement.table.c if c.name not in keys
            },
        )
    )


def _q_update(_dialect: str, table_name: str, *keys: str) -> _Spec:
    """``UPDATE table SET <every other column> WHERE <keys> AND version = :k_version``."""
    table = metadata.tables[table_name]
    query = (
        table.update()
        .where(
            *_where_key(table, *keys, prefix="k_"),
            table.c.version == _p("k_version", table.c.version),
        )
        .values({c.name: _p(c.name, c) for c in table.c if c.name not in keys})
    )
    return _Spec(query)


def _q_delete(_dialect: str, table_name: str, *keys: str) -> _Spec:
    table = metadata.tables[table_name]
    return _Spec(table.delete().where(*_where_key(table, *keys)))


def _q_get(_dialect: str, record: type[Any], *keys: str) -> _Spec:
    table = RECORD_TABLES[record]
    return _Spec(sa.select(*_columns(table)).where(*_where_key(table, *keys)), record, table)


def _q_page(
    _dialect: str,
    record: type[Any],
    scope: tuple[str, ...],
    order: tuple[str, ...],
    after: bool,
    descending: bool = False,
) -> _Spec:
    """Records of ``scope`` in ``order`` (reversed when ``descending``), the next ``:limit``
    of them past ``:after_*``."""
    table = RECORD_TABLES[record]
    query = sa.select(*_columns(table)).where(*_where_key(table, *scope))
    ordered = [table.c[name] for name in order]
    if after:
        marks = [_p(f"after_{name}", table.c[name]) for name in order]
        here: Any = ordered[0] if len(order) == 1 else sa.tuple_(*ordered)
        mark: Any = marks[0] if len(order) == 1 else sa.tuple_(*marks)
        query = query.where(here < mark if descending else here > mark)
    query = query.order_by(*(c.desc() if descending else c for c in ordered)).limit(_limit())
    return _Spec(query, record, table)


def _q_find_user(_dialect: str) -> _Spec:
    c = claims_table
    query = sa.select(users).select_from(_user_join(c)).where(*_where_key(c, "pool_id", "claim"))
    return _Spec(query, UserRecord, users)


def _q_user_keys(_dialect: str, table_name: str, *columns: str) -> _Spec:
    """The claims or search keys of one user."""
    table = metadata.tables[table_name]
    return _Spec(
        sa.select(*(table.c[name] for name in columns)).where(
            *_where_key(table, "pool_id", "username")
        )
    )


def _q_span_keys(_dialect: str, table_name: str, *columns: str) -> _Spec:
    """The claims or search keys of the users from ``:first`` to ``:last``."""
    table = metadata.tables[table_name]
    return _Spec(
        sa.select(table.c.username, *(table.c[name] for name in columns)).where(
            table.c.pool_id == _p("pool_id", table.c.pool_id),
            # (Not BETWEEN: PostgreSQL's grammar refuses the COLLATE the psycopg dialect
            # adds to parameters there.)
            table.c.username >= _p("first", table.c.username),
            table.c.username <= _p("last", table.c.username),
        )
    )


def _q_claim_holder(_dialect: str) -> _Spec:
    c = claims_table
    return _Spec(sa.select(c.c.username).where(*_where_key(c, "pool_id", "claim")))


def _q_count(_dialect: str, table: sa.Table) -> _Spec:
    """Rows of one pool in ``table``."""
    query = sa.select(sa.func.count()).select_from(table).where(*_where_key(table, "pool_id"))
    return _Spec(query)


def _q_search(_dialect: str, prefix: bool, lower: str | None, upper: bool) -> _Spec:
    """``list_users`` with a filter: ``lower`` is ``"value"`` (``value >= :value``),
    ``"resume"`` (after ``(:after_value, :after_username)``), ``"equal_resume"`` or
    ``None``; ``upper`` adds ``value < :end``."""
    s = search_table
    conditions = _where_key(s, "pool_id", "attribute")
    value = _p("value", s.c.value)
    if not prefix:
        conditions.append(s.c.value == value)
        if lower == "resume":
            conditions.append(s.c.username > _p("after_username", s.c.username))
    else:
        if lower == "resume":
            marks = (_p("after_value", s.c.value), _p("after_username", s.c.username))
            conditions.append(sa.tuple_(s.c.value, s.c.username) > sa.tuple_(*marks))
        elif lower == "value":
            conditions.append(s.c.value >= value)
        if upper:
            conditions.append(s.c.value < _p("end", s.c.value))
    query = (
        sa.select(users)
        .select_from(_user_join(s))
        .where(*conditions)
        .order_by(s.c.value, s.c.username)
        .limit(_limit())
    )
    return _Spec(query, UserRecord, users)


def _q_code_attempt(_dialect: str) -> _Spec:
    query = (
        codes.update()
        .where(*_where_key(codes, "pool_id", "username", "purpose", "digest"))
        .values(attempts=codes.c.attempts + 1)
        .returning(codes.c.attempts)
    )
    return _Spec(query)


def _q_take_session(_dialect: str) -> _Spec:
    query = sessions.delete().where(*_where_key(sessions, "digest")).returning(*sessions.c)
    return _Spec(query, SessionRecord, sessions)


def _q_revoke(_dialect: str, *keys: str) -> _Spec:
    t = refresh_tokens
    query = (
        t.update()
        .where(*_where_key(t, *keys), t.c.revoked_at.is_(None))
        .values(revoked_at=_p("at", t.c.revoked_at))
    )
    return _Spec(query)


def _q_family_member(_dialect: str) -> _Spec:
    """The newest token of a family."""
    t = refresh_tokens
    query = (
        sa.select(*_columns(t))
        .where(*_where_key(t, "origin_jti"))
        .order_by(t.c.issued_at.desc(), t.c.digest.desc())
        .limit(1)
    )
    return _Spec(query, RefreshTokenRecord, t)


def _q_family_taken(_dialect: str) -> _Spec:
    t = refresh_tokens
    query = sa.select(t.c.digest).where(*_where_key(t, "origin_jti"), t.c.parent.is_(None))
    return _Spec(query.limit(1))


def _q_rotate(_dialect: str) -> _Spec:
    """Marks a live token rotated (the first time) or finds it rotated after
    ``grace_from``; one row changed when the rotation may go ahead."""
    t = refresh_tokens
    query = (
        t.update()
        .where(
            *_where_key(t, "digest"),
            t.c.revoked_at.is_(None),
            sa.or_(t.c.rotated_at.is_(None), t.c.rotated_at > _p("grace_from", t.c.rotated_at)),
        )
        .values(rotated_at=sa.func.coalesce(t.c.rotated_at, _p("at", t.c.rotated_at)))
    )
    return _Spec(query)


def _q_keys(_dialect: str) -> _Spec:
    k = signing_keys
    query = sa.select(k).where(*_where_key(k, "pool_id")).order_by(k.c.created_at, k.c.kid)
    return _Spec(query, SigningKeyRecord, k)


def _q_names(
    _dialect: str, table_name: str, column: str, scope: tuple[str, ...], after: bool
) -> _Spec:
    """One column of the rows of ``scope``, in order, after ``:after`` when asked."""
    table = metadata.tables[table_name]
    query = sa.select(table.c[column]).where(*_where_key(table, *scope))
    if after:
        query = query.where(table.c[column] > _p("after", table.c[column]))
    return _Spec(query.order_by(table.c[column]).limit(_limit()))


def _q_pool_lock(_dialect: str) -> _Spec:
    """The pool's row, share-locked (PostgreSQL) until the transaction ends, so the pool
    cannot be deleted under a write that needs it (SQLite's write lock does that)."""
    return _Spec(sa.select(pools.c.id).where(*_where_key(pools, "id")).with_for_update(read=True))


def _q_update_event(_dialect: str) -> _Spec:
    """An event's data and version (its time never changes); returns that time."""
    e = auth_events
    query = (
        e.update()
        .where(
            *_where_key(e, "pool_id", "username", "event_id"),
            e.c.version == _p("k_version", e.c.version),
        )
        .values(data=_p("data", e.c.data), version=_p("version", e.c.version))
        .returning(e.c.created_at)
    )
    return _Spec(query)


#: Tables holding rows of a pool besides the pool's own, children first.
_POOL_TABLES: Final = (
    "cogkit_group_members",
    "cogkit_auth_events",
    "cogkit_devices",
    "cogkit_passkeys",
    "cogkit_user_search",
    "cogkit_user_claims",
    "cogkit_codes",
    "cogkit_sessions",
    "cogkit_refresh_tokens",
    "cogkit_signing_keys",
    "cogkit_groups",
    "cogkit_items",
    "cogkit_users",
    "cogkit_clients",
)
#: Tables holding rows of a user besides the user's own.
_USER_TABLES: Final = (
    "cogkit_group_members",
    "cogkit_auth_events",
    "cogkit_devices",
    "cogkit_passkeys",
    "cogkit_user_search",
    "cogkit_user_claims",
    "cogkit_codes",
    "cogkit_sessions",
    "cogkit_refresh_tokens",
)


# -- opening ---------------------------------------------------------------------------------


def open_sql_store(url: str, **options: Any) -> SQLStore:
    """The store at ``url`` (``sqlite:///path.db`` or ``postgresql+psycopg://...``).

    ``options`` are ``SQLStore``'s: ``upgrade``, ``create``, ``busy_timeout``,
    ``synchronous``, ``cache_mib``, ``pool_size``, ``max_overflow``, ``pool_pre_ping``.
    """
    return SQLStore(url, **options)


def upgrade_sql_store(url: str) -> tuple[int, int]:
    """Upgrades the store at ``url`` to this cogkit's schema; ``(found, now)`` versions."""
    store = SQLStore(url, upgrade=True, create=False)
    try:
        return store.found_schema_version, SCHEMA_VERSION
    finally:
        store.close()


def _parse_url(url: str) -> sa.URL:
    try:
        parsed = sa.make_url(url)
    except sa_exc.ArgumentError:
        # The URL itself is not echoed: it may carry a password.
        raise ConfigurationError(
            "the store URL cannot be parsed: use sqlite:///path.db or "
            "postgresql+psycopg://user@host/database"
        ) from None
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        if parsed.drivername not in ("sqlite", "sqlite+pysqlite"):
            raise ConfigurationError("SQLite stores use the sqlite:/// URL scheme")
        database = parsed.database or ""
        memory = database in ("", ":memory:") or parsed.query.get("mode") == "memory"
        if memory:
            raise ConfigurationError(
                "an in-memory SQLite database keeps nothing and cannot be shared: use "
                "memory:// for an in-process store or sqlite:///path.db for a file"
            )
        return parsed
    if backend == "postgresql":
        if parsed.drivername == "postgresql":
            return parsed.set(drivername="postgresql+psycopg")
        if parsed.drivername != "postgresql+psycopg":
            raise ConfigurationError(
                "PostgreSQL stores use psycopg 3: postgresql+psycopg://user@host/database"
            )
        return parsed
    raise ConfigurationError(
        "SQL stores are sqlite:///path.db or postgresql+psycopg://user@host/database"
    )


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else ""


def _describe(error: BaseException) -> str:
    """What went wrong, without statement parameters (they hold hashes and digests)."""
    orig = getattr(error, "orig", None) if isinstance(error, sa_exc.SQLAlchemyError) else error
    if isinstance(orig, BaseException):
        return f"{type(orig).__name__}: {_first_line(orig)}"
    return type(error).__name__


def _translated(
    method: Callable[Concatenate[SQLStore, _P], _R],
) -> Callable[Concatenate[SQLStore, _P], _R]:
    """The store API boundary: no SQLAlchemy or driver exception leaves it."""

    @functools.wraps(method)
    def boundary(self: SQLStore, /, *args: _P.args, **kwargs: _P.kwargs) -> _R:
        if self._closed:
            raise ConfigurationError(f"{self!r} is closed")
        try:
            return method(self, *args, **kwargs)
        except (sa_exc.IntegrityError, self._dbapi.IntegrityError) as exc:
            # Clashes the method could name were translated inside it; what is left is a
            # row that refers to something gone (a pool deleted meanwhile).
            raise StoreConflictError(
                f"{method.__name__}: the database refused the write ({_describe(exc)})"
            ) from exc
        except (sa_exc.SQLAlchemyError, self._dbapi.Error) as exc:
            raise InternalError(f"{method.__name__} failed: {_describe(exc)}") from exc

    return boundary


class _Stale(Exception):
    """Raised inside a transaction to roll it back when a version check fails."""


def _prefix_end(prefix: str) -> str | None:
    """The least string greater than every string starting with ``prefix`` (``None``: no
    bound).  Code-point order; surrogates are skipped as no database can store them."""
    chars = list(prefix)
    while chars:
        point = ord(chars[-1]) + 1
        if point <= 0x10FFFF:
            if 0xD800 <= point <= 0xDFFF:
                point = 0xE000
            chars[-1] = chr(point)
            return "".join(chars)
        chars.pop()
    return None


def _claim_order(claims: Iterable[str]) -> list[str]:
    """Claims in the order clashes are reported: the username first, then the rest."""
    return sorted(claims, key=lambda claim: (not claim.startswith("username:"), claim))


class _Transaction:
    """The cursor of one transaction, running compiled statements."""

    __slots__ = ("_cursor", "_store")

    def __init__(self, store: SQLStore, cursor: Any) -> None:
        self._store, self._cursor = store, cursor

    def run(self, build: Callable[..., _Spec], values: Mapping[str, Any], *args: Any) -> int:
        """Executes the statement; the number of rows it changed."""
        statement = self._store._statement(build, *args)
        self._cursor.execute(statement.sql, statement.bind(values))
        return int(self._cursor.rowcount)

    def many(
        self, build: Callable[..., _Spec], rows: Sequence[Mapping[str, Any]], *args: Any
    ) -> None:
        if rows:
            statement = self._store._statement(build, *args)
            self._cursor.executemany(statement.sql, [statement.bind(row) for row in rows])

    def rows(self, build: Callable[..., _Spec], values: Mapping[str, Any], *args: Any) -> list[Any]:
        statement = self._store._statement(build, *args)
        self._cursor.execute(statement.sql, statement.bind(values))
        return list(self._cursor.fetchall())


class SQLStore:
    """A ``Store`` in a SQLite file or a PostgreSQL database, through SQLAlchemy Core.

    ``SQLStore(url)`` connects, creates the tables in an empty database (``create=False``
    refuses instead) and checks the schema version; ``upgrade=True`` upgrades an older
    schema.  SQLite tunables: ``busy_timeout`` (seconds a writer waits for the lock),
    ``synchronous`` (``"FULL"``, the default: every commit is on disk; ``"NORMAL"``: a
    power cut may lose the last commits, an application crash never does) and
    ``cache_mib`` (page cache per connection; SQLite's default is 2 MiB).  Connection
    pool tunables: ``pool_size``, ``max_overflow``, ``pool_pre_ping`` (PostgreSQL: check a
    pooled connection before use, so a database restart costs no failed call).

    Thread-safe and process-safe: any number of threads, processes and machines may share
    one database.

    .. versionadded:: 0.1
    """

    def __init__(
        self,
        url: str,
        *,
        upgrade: bool = False,
        create: bool = True,
        busy_timeout: float = 30.0,
        synchronous: str = "FULL",
        cache_mib: int | None = None,
        pool_size: int = 5,
        max_overflow: int = 10,
        pool_pre_ping: bool = True,
    ) -> None:
        parsed = _parse_url(url)
        if synchronous not in ("FULL", "NORMAL"):
            raise ConfigurationError("synchronous must be 'FULL' or 'NORMAL'")
        if isinstance(busy_timeout, bool) or not isinstance(busy_timeout, int | float):
            raise ConfigurationError("busy_timeout must be a number of seconds")
        if cache_mib is not None and (
            isinstance(cache_mib, bool) or not isinstance(cache_mib, int) or cache_mib < 1
        ):
            raise ConfigurationError("cache_mib must be a whole number of MiB, 1 or more")
        self._url = parsed.render_as_string(hide_password=True)
        self._closed = False
        self.dialect = parsed.get_backend_name()
        engine_options: dict[str, Any] = {
            "hide_parameters": True,
            "pool_size": pool_size,
            "max_overflow": max_overflow,
            "json_serializer": _dumps,
        }
        if self.dialect == "postgresql":
            engine_options["pool_pre_ping"] = pool_pre_ping
        try:
            engine = sa.create_engine(parsed, **engine_options)
        except ImportError as exc:
            raise ConfigurationError(
                'PostgreSQL stores need psycopg 3: pip install "cogkit[sql]"'
            ) from exc
        _configure_connections(
            engine, busy_timeout=float(busy_timeout), synchronous=synchronous, cache_mib=cache_mib
        )
        self._engine = engine
        self._dbapi: Any = engine.dialect.dbapi
        self._begin = "BEGIN IMMEDIATE" if self.dialect == "sqlite" else "BEGIN"
        self._statements: dict[tuple[Any, ...], _Statement] = {}
        try:
            self.found_schema_version = self._prepare(upgrade=upgrade, create=create)
        except sa_exc.SQLAlchemyError as exc:
            engine.dispose()
            raise ConfigurationError(f"cannot open {self._url}: {_describe(exc)}") from exc
        except BaseException:
            engine.dispose()
            raise

    def __repr__(self) -> str:
        return f"SQLStore({self._url!r})"

    @property
    def engine(self) -> Engine:
        """The SQLAlchemy engine (for backups and inspection; cogkit's tables are its own)."""
        return self._engine

    def close(self) -> None:
        """Closes every pooled connection; the store cannot be used afterwards."""
        self._closed = True
        self._engine.dispose()

    # -- running statements ----------------------------------------------------------------

    def _statement(self, build: Callable[..., _Spec], *args: Any) -> _Statement:
        key = (build, *args)
        found = self._statements.get(key)
        if found is None:
            found = _Statement(build(self.dialect, *args), self._engine.dialect)
            self._statements[key] = found
        return found

    @contextlib.contextmanager
    def _cursor(self) -> Iterator[Any]:
        """A cursor on a pooled connection (driver-level autocommit: see ``_configure``)."""
        connection = self._engine.pool.connect()
        try:
            cursor = connection.cursor()
            try:
                yield cursor
            finally:
                cursor.close()
        except self._dbapi.Error as exc:
            if self._engine.dialect.is_disconnect(exc, connection.dbapi_connection, None):
                connection.invalidate(exc)
            raise
        finally:
            connection.close()

    def _rows(
        self, build: Callable[..., _Spec], values: Mapping[str, Any], *args: Any
    ) -> list[Any]:
        statement = self._statement(build, *args)
        with self._cursor() as cursor:
            cursor.execute(statement.sql, statement.bind(values))
            return list(cursor.fetchall())

    def _records(
        self, build: Callable[..., _Spec], values: Mapping[str, Any], *args: Any
    ) -> list[Any]:
        statement = self._statement(build, *args)
        with self._cursor() as cursor:
            cursor.execute(statement.sql, statement.bind(values))
            return [statement.record(row) for row in cursor.fetchall()]

    def _transact(self, work: Callable[[_Transaction], _T], *, alone: bool = False) -> _T:
        """Runs ``work`` in one transaction (``BEGIN IMMEDIATE`` on SQLite: the write lock
        is taken, or waited for, up front).  ``alone``: ``work`` is a single statement,
        which the database makes atomic by itself, so it runs without ``BEGIN`` and
        ``COMMIT``.  PostgreSQL deadlocks and serialization failures roll the work back and
        run it again."""
        for attempt in itertools.count():
            try:
                with self._cursor() as cursor:
                    if alone:
                        return work(_Transaction(self, cursor))
                    cursor.execute(self._begin)
                    try:
                        result = work(_Transaction(self, cursor))
                        cursor.execute("COMMIT")
                    except BaseException:
                        with contextlib.suppress(self._dbapi.Error):
                            cursor.execute("ROLLBACK")
                        raise
                    return result
            except self._dbapi.Error as exc:
                # 40001 serialization_failure, 40P01 deadlock_detected.
                transient = getattr(exc, "sqlstate", None) in ("40001", "40P01")
                if attempt >= _TRANSIENT_RETRIES or not transient:
                    raise
        raise AssertionError("unreachable")  # pragma: no cover

    def _run(self, build: Callable[..., _Spec], values: Mapping[str, Any], *args: Any) -> int:
        """One statement, atomic on its own; the rows it changed."""
        return self._transact(lambda tx: tx.run(build, values, *args), alone=True)

    def _returning(
        self, build: Callable[..., _Spec], values: Mapping[str, Any], *args: Any
    ) -> list[Any]:
        """One statement, atomic on its own; the rows it returned."""
        return self._transact(lambda tx: tx.rows(build, values, *args), alone=True)

    # -- the shapes every aggregate shares -------------------------------------------------

    def _get(self, record: type[_T], /, **key: Any) -> _T | None:
        """The ``record`` whose columns ``key`` names hold those values (``None``: none)."""
        found: list[_T] = self._records(_q_get, key, record, *key)
        return found[0] if found else None

    def _insert(
        self,
        record: Any,
        clash: tuple[str, str],
        vanished: str | None = None,
        *,
        held: Callable[[], bool] | None = None,
    ) -> None:
        """Inserts ``record``.  The database refusing it means a unique key is taken
        (``clash``: the conflict's message and key) or, when ``vanished`` is given, that
        what the record belongs to is gone: a key is taken when a record with the same
        primary key is stored (or, when given, ``held()`` says so)."""
        kept = _KEPT[type(record)]
        try:
            self._run(_q_insert, _row(record), kept.table)
        except self._dbapi.IntegrityError as exc:
            if vanished is not None:
                if held is None:
                    key = {name: getattr(record, name) for name in kept.keys}
                    taken = self._get(type(record), **key) is not None
                else:
                    taken = held()
                if not taken:
                    raise StoreConflictError(vanished) from exc
            message, key_name = clash
            raise StoreConflictError(message, key=key_name) from exc

    @staticmethod
    def _versioned(
        record: _T, expected_version: int, *also: str
    ) -> tuple[_T, dict[str, Any], tuple[str, ...]]:
        """For ``_q_update``: the record as stored, the statement's values and the columns
        it finds the row by (the primary key, then ``also``)."""
        # (mypy's attrs plugin refuses evolve() on a type variable; records are attrs classes.)
        stored: _T = attrs.evolve(cast(Any, record), version=expected_version + 1)
        keys = _KEPT[type(record)].keys + also
        values = _row(stored)
        for name in keys:
            values["k_" + name] = getattr(record, name)
        values["k_version"] = expected_version
        return stored, values, keys

    def _update(self, record: _T, expected_version: int, what: str, *also: str) -> _T:
        """Replaces ``record`` if its stored version is ``expected_version`` (and its
        ``also`` columns still match); ``what`` names it in the conflict otherwise."""
        stored, values, keys = self._versioned(record, expected_version, *also)
        if self._run(_q_update, values, _KEPT[type(record)].table, *keys) != 1:
            raise StoreConflictError(f"{what} changed or vanished")
        return stored

    def _delete(self, table_name: str, /, **key: Any) -> int:
        """Deletes the rows whose columns ``key`` names hold those values; how many."""
        return self._run(_q_delete, key, table_name, *key)

    def _list(
        self,
        record: type[_T],
        scope: Mapping[str, Any],
        after: Any,
        limit: int,
        *,
        order: tuple[str, ...] | None = None,
        descending: bool = False,
    ) -> list[_T]:
        """The next ``limit`` records of ``scope`` in ``order`` (by default the rest of the
        primary key) past ``after``, the order's values in the last record listed (a tuple
        when the order has several columns; ``None``: from the start)."""
        if limit <= 0:
            return []
        columns = tuple(scope)
        order = _page_order(_KEPT[record], columns) if order is None else order
        values = {**scope, "limit": limit}
        if after is not None:
            marks = after if len(order) > 1 else (after,)
            values.update(zip(("after_" + name for name in order), marks, strict=True))
        return self._records(_q_page, values, record, columns, order, after is not None, descending)

    # -- schema ----------------------------------------------------------------------------

    def _prepare(self, *, upgrade: bool, create: bool) -> int:
        """Creates or checks (and on request upgrades) the schema; the version found."""
        writer = self._engine.execution_options(cogkit_write=True)
        with writer.begin() as conn:
            if self.dialect == "postgresql":
                conn.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _SCHEMA_LOCK})
            inspector = sa.inspect(conn)
            if not inspector.has_table(meta_table.name):
                present = [t.name for t in metadata.sorted_tables if inspector.has_table(t.name)]
                if present:
                    raise ConfigurationError(
                        f"{self._url} holds cogkit tables ({', '.join(present)}) but no schema "
                        "version; it was not made by cogkit and will not be touched"
                    )
                if not create:
                    raise ConfigurationError(f"there is no cogkit store at {self._url}")
                metadata.create_all(conn)
                conn.execute(
                    meta_table.insert(), {"name": "schema_version", "value": str(SCHEMA_VERSION)}
                )
                return SCHEMA_VERSION
            value = conn.execute(
                sa.select(meta_table.c.value).where(meta_table.c.name == "schema_version")
            ).scalar()
            try:
                found = int(value) if value is not None else -1
            except ValueError:
                found = -1
            if found < 0:
                raise ConfigurationError(f"{self._url} has no readable cogkit schema version")
            if found > SCHEMA_VERSION:
                raise ConfigurationError(
                    f"the store at {self._url} has schema version {found}, newer than this "
                    f"cogkit understands ({SCHEMA_VERSION}): upgrade cogkit to open it"
                )
            if found < SCHEMA_VERSION:
                if not upgrade:
                    raise ConfigurationError(
                        f"the store at {self._url} has schema version {found} and this cogkit "
                        f"needs {SCHEMA_VERSION}: back it up, then run `cogkit store upgrade "
                        "URL` (or open it with upgrade=True)"
                    )
                for version in range(found, SCHEMA_VERSION):
                    step = MIGRATIONS.get(version)
                    if step is None:
                        raise ConfigurationError(
                            f"no upgrade from schema version {version} to {version + 1}"
                        )
                    step(conn)
                conn.execute(
                    meta_table.update()
                    .where(meta_table.c.name == "schema_version")
                    .values(value=str(SCHEMA_VERSION))
                )
            return found

    @_translated
    def schema_version(self) -> int:
        """The schema version recorded in the database."""
        rows = self._rows(_q_meta_version, {})
        return int(rows[0][0]) if rows else -1

    # -- pools -----------------------------------------------------------------------------

    @_translated
    def create_pool(self, pool: PoolRecord) -> None:
        self._insert(pool, (f"pool {pool.id} exists", f"pool:{pool.id}"))

    @_translated
    def get_pool(self, pool_id: str) -> PoolRecord | None:
        return self._get(PoolRecord, id=pool_id)

    @_translated
    def update_pool(self, pool: PoolRecord, *, expected_version: int) -> PoolRecord:
        return self._update(pool, expected_version, f"pool {pool.id}")

    @_translated
    def delete_pool(self, pool_id: str) -> bool:
        def work(tx: _Transaction) -> bool:
            # Children first (the foreign keys cascade too; this keeps the order explicit).
            for table in _POOL_TABLES:
                tx.run(_q_delete, {"pool_id": pool_id}, table, "pool_id")
            return tx.run(_q_delete, {"id": pool_id}, "cogkit_pools", "id") == 1

        return self._transact(work)

    @_translated
    def list_pools(self, *, after: str | None, limit: int) -> Sequence[PoolRecord]:
        return self._list(PoolRecord, {}, after, limit)

    # -- clients ---------------------------------------------------------------------------

    @_translated
    def create_client(self, client: ClientRecord) -> None:
        clash = (f"client {client.id} exists", f"client:{client.id}")
        self._insert(client, clash, f"pool {client.pool_id} vanished")

    @_translated
    def get_client(self, client_id: str) -> ClientRecord | None:
        return self._get(ClientRecord, id=client_id)

    @_translated
    def update_client(self, client: ClientRecord, *, expected_version: int) -> ClientRecord:
        return self._update(client, expected_version, f"client {client.id}")

    @_translated
    def delete_client(self, client_id: str) -> bool:
        return self._delete("cogkit_clients", id=client_id) == 1

    @_translated
    def list_clients(
        self, pool_id: str, *, after: str | None, limit: int
    ) -> Sequence[ClientRecord]:
        return self._list(ClientRecord, {"pool_id": pool_id}, after, limit)

    # -- users -----------------------------------------------------------------------------

    @staticmethod
    def _claim_rows(pool_id: str, username: str, claims: Iterable[str]) -> list[dict[str, str]]:
        return [
            {"pool_id": pool_id, "claim": claim, "username": username} for claim in sorted(claims)
        ]

    @staticmethod
    def _search_rows(
        pool_id: str, username: str, search: Iterable[tuple[str, str]]
    ) -> list[dict[str, str]]:
        return [
            {"pool_id": pool_id, "attribute": a, "value": v, "username": username}
            for a, v in sorted(search)
        ]

    def _clash(self, entries: Sequence[tuple[str, str, Collection[str]]], *, new: bool) -> None:
        """After a unique violation: raise the conflict naming the key that is taken.

        ``entries`` are ``(pool_id, username, claims)`` in the order they were written;
        ``new`` says the users were being created (so a stored username is a clash too).
        Returns quietly when nothing is taken any more (the holder went away meanwhile).
        """
        pools_seen: set[str] = set()
        for pool_id, username, _claims in entries:
            if pool_id not in pools_seen:
                if self.get_pool(pool_id) is None:
                    raise StoreConflictError(f"pool {pool_id} vanished")
                pools_seen.add(pool_id)
            if new and self._rows(
                _q_user_keys, {"pool_id": pool_id, "username": username}, "cogkit_users", "username"
            ):
                raise StoreConflictError("username taken", key=f"username:{username}")
        statement = self._statement(_q_claim_holder)
        with self._cursor() as cursor:
            for pool_id, username, claims in entries:
                for claim in _claim_order(claims):
                    cursor.execute(
                        statement.sql, statement.bind({"pool_id": pool_id, "claim": claim})
                    )
                    row = cursor.fetchone()
                    if row is not None and row[0] != username:
                        raise StoreConflictError("unique key already claimed", key=claim)

    @staticmethod
    def _check_batch(entries: Sequence[UserEntry]) -> None:
        """Clashes inside one batch, found before writing (as ``MemoryStore`` does)."""
        names: set[tuple[str, str]] = set()
        claimed: set[tuple[str, str]] = set()
        for entry in entries:
            name = (entry.user.pool_id, entry.user.username)
            if name in names:
                raise StoreConflictError("username taken", key=f"username:{entry.user.username}")
            names.add(name)
            for claim in _claim_order(entry.claims):
                if (entry.user.pool_id, claim) in claimed:
                    raise StoreConflictError("unique key already claimed", key=claim)
                claimed.add((entry.user.pool_id, claim))

    @_translated
    def create_user(
        self,
        user: UserRecord,
        *,
        claims: Collection[str],
        search: Mapping[str, str],
        code: CodeRecord | None = None,
    ) -> None:
        self._create_users([UserEntry(user, claims=claims, search=search)], code)

    @_translated
    def create_users(self, entries: Sequence[UserEntry]) -> None:
        self._create_users(entries, None)

    def _create_users(self, entries: Sequence[UserEntry], code: CodeRecord | None) -> None:
        """The users in one transaction, with ``code`` (a new user's first code) too."""
        if not entries:
            return
        self._check_batch(entries)
        user_rows = [_row(e.user) for e in entries]
        claim_rows = [
            row
            for e in entries
            for row in self._claim_rows(e.user.pool_id, e.user.username, e.claims)
        ]
        search_rows = [
            row
            for e in entries
            for row in self._search_rows(e.user.pool_id, e.user.username, e.search.items())
        ]

        def work(tx: _Transaction) -> None:
            tx.many(_q_insert, user_rows, "cogkit_users")
            tx.many(_q_insert, claim_rows, "cogkit_user_claims")
            tx.many(_q_insert, search_rows, "cogkit_user_search")
            if code is not None:
                tx.run(_q_upsert, _row(code), "cogkit_codes", "pool_id", "username", "purpose")

        for _attempt in range(_CLASH_RETRIES):
            try:
                self._transact(work)
                return
            except self._dbapi.IntegrityError:
                self._clash(
                    [(e.user.pool_id, e.user.username, e.claims) for e in entries], new=True
                )
        raise StoreConflictError("the users' unique keys kept changing while being created")

    @_translated
    def get_user(self, pool_id: str, username: str) -> UserRecord | None:
        return self._get(UserRecord, pool_id=pool_id, username=username)

    @_translated
    def find_user(self, pool_id: str, claim: str) -> UserRecord | None:
        found: list[UserRecord] = self._records(_q_find_user, {"pool_id": pool_id, "claim": claim})
        return found[0] if found else None

    @staticmethod
    def _replace_keys(
        tx: _Transaction,
        who: Mapping[str, str],
        table_name: str,
        columns: tuple[str, ...],
        wanted: set[tuple[str, ...]],
    ) -> None:
        """Makes the user's rows in ``table_name`` (claims or search keys) hold exactly the
        ``wanted`` values of ``columns``, deleting and inserting only what differs."""
        held = {tuple(row) for row in tx.rows(_q_user_keys, who, table_name, *columns)}

        def rows(keys: set[tuple[str, ...]]) -> list[dict[str, str]]:
            return [{**who, **dict(zip(columns, key, strict=True))} for key in sorted(keys)]

        tx.many(_q_delete, rows(held - wanted), table_name, *who, *columns)
        tx.many(_q_insert, rows(wanted - held), table_name)

    @_translated
    def update_user(
        self,
        user: UserRecord,
        *,
        expected_version: int,
        claims: Collection[str] | None = None,
        search: Mapping[str, str] | None = None,
    ) -> UserRecord:
        stored, values, keys = self._versioned(user, expected_version)
        who = {"pool_id": user.pool_id, "username": user.username}

        def work(tx: _Transaction) -> None:
            if tx.run(_q_update, values, "cogkit_users", *keys) != 1:
                raise _Stale
            # The UPDATE holds the user's row lock (SQLite: the write lock) until commit:
            # nobody else changes this user's claims or search keys in between.
            if claims is not None:
                wanted_claims: set[tuple[str, ...]] = {(claim,) for claim in claims}
                self._replace_keys(tx, who, "cogkit_user_claims", ("claim",), wanted_claims)
            if search is not None:
                wanted_search: set[tuple[str, ...]] = set(search.items())
                columns = ("attribute", "value")
                self._replace_keys(tx, who, "cogkit_user_search", columns, wanted_search)

        for _attempt in range(_CLASH_RETRIES):
            try:
                self._transact(work)
                return stored
            except _Stale:
                raise StoreConflictError(f"user {user.username!r} changed or vanished") from None
            except self._dbapi.IntegrityError:
                self._clash([(user.pool_id, user.username, claims or ())], new=False)
        raise StoreConflictError(f"the unique keys of user {user.username!r} kept changing")

    @_translated
    def delete_user(self, pool_id: str, username: str) -> bool:
        who = {"pool_id": pool_id, "username": username}

        def work(tx: _Transaction) -> bool:
            if tx.run(_q_delete, who, "cogkit_users", "pool_id", "username") != 1:
                # Nothing was there: leave the user's leftovers (codes, ...) as they were.
                raise _Stale
            for table in _USER_TABLES:
                tx.run(_q_delete, who, table, "pool_id", "username")
            return True

        try:
            return self._transact(work)
        except _Stale:
            return False

    @_translated
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
        if attribute is None:
            return self._list(UserRecord, {"pool_id": pool_id}, after and after[1], limit)
        if limit <= 0:
            return []
        values = {"pool_id": pool_id, "attribute": attribute, "value": value, "limit": limit}
        # ``after`` before the first possible match means "from the start", as in
        # MemoryStore; past it, the page starts right after ``after``.
        resume = after is not None and after >= (value, "")
        if after is not None and resume:
            if not prefix and after[0] != value:
                return []
            values.update(after_value=after[0], after_username=after[1])
        if not prefix:
            return self._records(_q_search, values, False, "resume" if resume else None, False)
        end = _prefix_end(value)
        values["end"] = end
        lower = "resume" if resume else ("value" if value else None)
        return self._records(_q_search, values, True, lower, end is not None)

    @_translated
    def count_users(self, pool_id: str) -> int:
        return self._count(users, pool_id)

    def _count(self, table: sa.Table, pool_id: str) -> int:
        rows = self._rows(_q_count, {"pool_id": pool_id}, table)
        return int(rows[0][0]) if rows else 0

    @_translated
    def list_user_entries(
        self, pool_id: str, *, after: str | None, limit: int
    ) -> Sequence[UserEntry]:
        if limit <= 0:
            return []
        page = self._statement(
            _q_page, UserRecord, ("pool_id",), ("username",), after is not None, False
        )
        claim_keys = self._statement(_q_span_keys, "cogkit_user_claims", "claim")
        search_keys = self._statement(_q_span_keys, "cogkit_user_search", "attribute", "value")
        # One transaction for the three reads, so every user comes with the keys it had.
        with self._cursor() as cursor:
            cursor.execute("BEGIN")
            if self.dialect == "postgresql":
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            try:
                values = {"pool_id": pool_id, "after_username": after, "limit": limit}
                cursor.execute(page.sql, page.bind(values))
                records: list[UserRecord] = [page.record(row) for row in cursor.fetchall()]
                if not records:
                    return []
                span = {
                    "pool_id": pool_id,
                    "first": records[0].username,
                    "last": records[-1].username,
                }
                held: dict[str, set[str]] = defaultdict(set)
                cursor.execute(claim_keys.sql, claim_keys.bind(span))
                for username, claim in cursor.fetchall():
                    held[username].add(claim)
                keys: dict[str, dict[str, str]] = defaultdict(dict)
                cursor.execute(search_keys.sql, search_keys.bind(span))
                for username, attribute, value in cursor.fetchall():
                    keys[username][attribute] = value
            finally:
                cursor.execute("ROLLBACK")
        return [
            UserEntry(r, claims=held.get(r.username, ()), search=keys.get(r.username, {}))
            for r in records
        ]

    # -- codes -----------------------------------------------------------------------------

    @_translated
    def put_code(self, code: CodeRecord) -> None:
        self._run(_q_upsert, _row(code), "cogkit_codes", "pool_id", "username", "purpose")

    @_translated
    def get_code(self, pool_id: str, username: str, purpose: str) -> CodeRecord | None:
        return self._get(CodeRecord, pool_id=pool_id, username=username, purpose=purpose)

    @_translated
    def add_code_attempt(self, pool_id: str, username: str, purpose: str, digest: str) -> int:
        values = {"pool_id": pool_id, "username": username, "purpose": purpose, "digest": digest}
        rows = self._returning(_q_code_attempt, values)
        return int(rows[0][0]) if rows else 0

    @_translated
    def take_code(self, pool_id: str, username: str, purpose: str, digest: str) -> bool:
        code = {"pool_id": pool_id, "username": username, "purpose": purpose, "digest": digest}
        return self._delete("cogkit_codes", **code) == 1

    @_translated
    def delete_codes(self, pool_id: str, username: str, purpose: str | None = None) -> int:
        if purpose is None:
            return self._delete("cogkit_codes", pool_id=pool_id, username=username)
        return self._delete("cogkit_codes", pool_id=pool_id, username=username, purpose=purpose)

    @_translated
    def list_codes(
        self, pool_id: str, *, after: tuple[str, str] | None, limit: int
    ) -> Sequence[CodeRecord]:
        return self._list(CodeRecord, {"pool_id": pool_id}, after, limit)

    # -- sessions --------------------------------------------------------------------------

    @_translated
    def put_session(self, session: SessionRecord) -> None:
        self._run(_q_upsert, _row(session), "cogkit_sessions", "digest")

    @_translated
    def get_session(self, digest: str) -> SessionRecord | None:
        return self._get(SessionRecord, digest=digest)

    @_translated
    def take_session(self, digest: str) -> SessionRecord | None:
        statement = self._statement(_q_take_session)
        rows = self._returning(_q_take_session, {"digest": digest})
        return statement.record(rows[0]) if rows else None

    @_translated
    def list_sessions(
        self, pool_id: str, *, after: str | None, limit: int
    ) -> Sequence[SessionRecord]:
        return self._list(SessionRecord, {"pool_id": pool_id}, after, limit)

    # -- refresh tokens --------------------------------------------------------------------

    @_translated
    def put_refresh_token(self, token: RefreshTokenRecord) -> None:
        clash = StoreConflictError("refresh token exists", key=f"refresh:{token.origin_jti}")

        def put(tx: _Transaction) -> None:
            if token.parent is None and tx.rows(_q_family_taken, {"origin_jti": token.origin_jti}):
                raise clash
            tx.run(_q_insert, _row(token), "cogkit_refresh_tokens")

        try:
            self._transact(put)
        except self._dbapi.IntegrityError as exc:
            if self._get(PoolRecord, id=token.pool_id) is None:
                raise StoreConflictError(f"pool {token.pool_id} vanished") from exc
            raise clash from exc

    @_translated
    def get_refresh_token(self, digest: str) -> RefreshTokenRecord | None:
        return self._get(RefreshTokenRecord, digest=digest)

    @_translated
    def find_refresh_family(self, origin_jti: str) -> RefreshTokenRecord | None:
        found: list[RefreshTokenRecord] = self._records(
            _q_family_member, {"origin_jti": origin_jti}
        )
        return found[0] if found else None

    @_translated
    def revoke_refresh_family(self, origin_jti: str, at: float) -> bool:
        return self._run(_q_revoke, {"origin_jti": origin_jti, "at": at}, "origin_jti") > 0

    @_translated
    def rotate_refresh_token(
        self, digest: str, successor: RefreshTokenRecord, *, at: float, grace_from: float
    ) -> bool:
        # The conditional UPDATE locks the row: a concurrent rotation waits for this one
        # and then sees ``rotated_at`` set (PostgreSQL re-checks the WHERE; SQLite runs
        # one writer at a time).
        def rotate(tx: _Transaction) -> bool:
            values = {"digest": digest, "at": at, "grace_from": grace_from}
            if tx.run(_q_rotate, values) != 1:
                return False
            tx.run(_q_insert, _row(successor), "cogkit_refresh_tokens")
            return True

        try:
            return self._transact(rotate)
        except self._dbapi.IntegrityError as exc:
            raise StoreConflictError(
                "refresh token exists", key=f"refresh:{successor.origin_jti}"
            ) from exc

    @_translated
    def revoke_user_refresh_tokens(self, pool_id: str, username: str, at: float) -> int:
        values = {"pool_id": pool_id, "username": username, "at": at}
        return self._run(_q_revoke, values, "pool_id", "username")

    @_translated
    def list_refresh_tokens(
        self, pool_id: str, *, after: str | None, limit: int
    ) -> Sequence[RefreshTokenRecord]:
        return self._list(RefreshTokenRecord, {"pool_id": pool_id}, after, limit)

    # -- signing keys ----------------------------------------------------------------------

    @_translated
    def put_signing_key(self, key: SigningKeyRecord) -> None:
        self._run(_q_upsert, _row(key), "cogkit_signing_keys", "pool_id", "kid")

    @_translated
    def list_signing_keys(self, pool_id: str) -> Sequence[SigningKeyRecord]:
        return self._records(_q_keys, {"pool_id": pool_id})

    # -- groups ----------------------------------------------------------------------------

    @_translated
    def create_group(self, group: GroupRecord) -> None:
        clash = ("group exists", f"group:{group.name}")
        self._insert(group, clash, f"pool {group.pool_id} vanished")

    @_translated
    def get_group(self, pool_id: str, name: str) -> GroupRecord | None:
        return self._get(GroupRecord, pool_id=pool_id, name=name)

    @_translated
    def update_group(self, group: GroupRecord, *, expected_version: int) -> GroupRecord:
        return self._update(group, expected_version, f"group {group.name!r}")

    @_translated
    def delete_group(self, pool_id: str, name: str) -> bool:
        def work(tx: _Transaction) -> bool:
            which = {"pool_id": pool_id, "group_name": name}
            tx.run(_q_delete, which, "cogkit_group_members", "pool_id", "group_name")
            values = {"pool_id": pool_id, "name": name}
            return tx.run(_q_delete, values, "cogkit_groups", "pool_id", "name") == 1

        return self._transact(work)

    @_translated
    def list_groups(self, pool_id: str, *, after: str | None, limit: int) -> Sequence[GroupRecord]:
        return self._list(GroupRecord, {"pool_id": pool_id}, after, limit)

    @_translated
    def count_groups(self, pool_id: str) -> int:
        return self._count(groups, pool_id)

    @_translated
    def add_member(self, pool_id: str, group: str, username: str) -> bool:
        values = {"pool_id": pool_id, "group_name": group, "username": username}
        try:
            # Of concurrent adds exactly one inserts; the others change no row.
            return self._run(_q_insert_once, values, "cogkit_group_members") == 1
        except self._dbapi.IntegrityError as exc:
            raise StoreConflictError(f"group {group!r} or user {username!r} vanished") from exc

    @_translated
    def remove_member(self, pool_id: str, group: str, username: str) -> bool:
        member = {"pool_id": pool_id, "group_name": group, "username": username}
        return self._delete("cogkit_group_members", **member) == 1

    @_translated
    def list_members(
        self, pool_id: str, group: str, *, after: str | None, limit: int
    ) -> Sequence[str]:
        if limit <= 0:
            return []
        values = {"pool_id": pool_id, "group_name": group, "after": after, "limit": limit}
        scope = ("pool_id", "group_name")
        rows = self._rows(
            _q_names, values, "cogkit_group_members", "username", scope, after is not None
        )
        return [row[0] for row in rows]

    @_translated
    def groups_of(self, pool_id: str, username: str) -> Sequence[str]:
        # Far more groups than any user belongs to (Cognito allows 10,000 per pool).
        values = {"pool_id": pool_id, "username": username, "limit": 1_000_000}
        scope = ("pool_id", "username")
        rows = self._rows(_q_names, values, "cogkit_group_members", "group_name", scope, False)
        return [row[0] for row in rows]

    # -- devices ---------------------------------------------------------------------------

    @_translated
    def create_device(self, device: DeviceRecord) -> None:
        clash = ("device exists", f"device:{device.key}")
        self._insert(device, clash, f"user {device.username!r} vanished")

    @_translated
    def get_device(self, pool_id: str, key: str) -> DeviceRecord | None:
        return self._get(DeviceRecord, pool_id=pool_id, key=key)

    @_translated
    def update_device(self, device: DeviceRecord, *, expected_version: int) -> DeviceRecord:
        # A device never changes hands: the update must find it with its user.
        return self._update(device, expected_version, f"device {device.key!r}", "username")

    @_translated
    def delete_device(self, pool_id: str, key: str) -> bool:
        return self._delete("cogkit_devices", pool_id=pool_id, key=key) == 1

    @_translated
    def list_devices(
        self, pool_id: str, username: str | None, *, after: str | None, limit: int
    ) -> Sequence[DeviceRecord]:
        scope = (
            {"pool_id": pool_id} if username is None else {"pool_id": pool_id, "username": username}
        )
        return self._list(DeviceRecord, scope, after, limit)

    # -- passkeys --------------------------------------------------------------------------

    @_translated
    def create_passkey(self, passkey: PasskeyRecord) -> None:
        clash = ("passkey exists", f"passkey:{passkey.credential_id}")
        self._insert(passkey, clash, f"user {passkey.username!r} vanished")

    @_translated
    def get_passkey(self, pool_id: str, credential_id: str) -> PasskeyRecord | None:
        return self._get(PasskeyRecord, pool_id=pool_id, credential_id=credential_id)

    @_translated
    def update_passkey(self, passkey: PasskeyRecord, *, expected_version: int) -> PasskeyRecord:
        # A passkey never changes hands: the update must find it with its user.
        what = f"passkey {passkey.credential_id!r}"
        return self._update(passkey, expected_version, what, "username")

    @_translated
    def delete_passkey(self, pool_id: str, credential_id: str) -> bool:
        deleted = self._delete("cogkit_passkeys", pool_id=pool_id, credential_id=credential_id)
        return deleted == 1

    @_translated
    def list_passkeys(
        self, pool_id: str, username: str | None, *, after: str | None, limit: int
    ) -> Sequence[PasskeyRecord]:
        scope = (
            {"pool_id": pool_id} if username is None else {"pool_id": pool_id, "username": username}
        )
        return self._list(PasskeyRecord, scope, after, limit)

    # -- items -----------------------------------------------------------------------------

    @_translated
    def create_item(self, item: ItemRecord) -> None:
        def work(tx: _Transaction) -> None:
            # Service-wide items (pool "") have no pool; others need theirs.
            if item.pool_id and not tx.rows(_q_pool_lock, {"id": item.pool_id}):
                raise StoreConflictError(f"pool {item.pool_id} vanished")
            tx.run(_q_insert, _row(item), "cogkit_items")

        try:
            self._transact(work)
        except self._dbapi.IntegrityError as exc:
            raise StoreConflictError("item exists", key=f"{item.kind}:{item.key}") from exc

    @_translated
    def get_item(self, pool_id: str, kind: str, key: str) -> ItemRecord | None:
        return self._get(ItemRecord, pool_id=pool_id, kind=kind, key=key)

    @_translated
    def update_item(self, item: ItemRecord, *, expected_version: int) -> ItemRecord:
        return self._update(item, expected_version, f"{item.kind} {item.key!r}")

    @_translated
    def delete_item(self, pool_id: str, kind: str, key: str) -> bool:
        return self._delete("cogkit_items", pool_id=pool_id, kind=kind, key=key) == 1

    @_translated
    def list_items(
        self, pool_id: str, kind: str, *, after: str | None, limit: int
    ) -> Sequence[ItemRecord]:
        return self._list(ItemRecord, {"pool_id": pool_id, "kind": kind}, after, limit)

    @_translated
    def list_pool_items(
        self, pool_id: str, *, after: tuple[str, str] | None, limit: int
    ) -> Sequence[ItemRecord]:
        return self._list(ItemRecord, {"pool_id": pool_id}, after, limit)

    # -- auth events -----------------------------------------------------------------------

    @_translated
    def add_auth_event(self, event: AuthEventRecord) -> None:
        clash = ("event exists", f"event:{event.event_id}")
        self._insert(event, clash, f"user {event.username!r} vanished")

    @_translated
    def get_auth_event(self, pool_id: str, username: str, event_id: str) -> AuthEventRecord | None:
        return self._get(AuthEventRecord, pool_id=pool_id, username=username, event_id=event_id)

    @_translated
    def update_auth_event(
        self, event: AuthEventRecord, *, expected_version: int
    ) -> AuthEventRecord:
        values = {
            "pool_id": event.pool_id,
            "username": event.username,
            "event_id": event.event_id,
            "data": event.data,
            "version": expected_version + 1,
            "k_version": expected_version,
        }
        rows = self._returning(_q_update_event, values)
        if not rows:
            raise StoreConflictError(f"event {event.event_id!r} changed or vanished")
        return attrs.evolve(event, created_at=rows[0][0], version=expected_version + 1)

    @_translated
    def list_auth_events(
        self, pool_id: str, username: str, *, before: tuple[float, str] | None, limit: int
    ) -> Sequence[AuthEventRecord]:
        scope = {"pool_id": pool_id, "username": username}
        order = ("created_at", "event_id")
        return self._list(AuthEventRecord, scope, before, limit, order=order, descending=True)


# -- connection set-up -----------------------------------------------------------------------


def _configure_connections(
    engine: Engine, *, busy_timeout: float, synchronous: str, cache_mib: int | None
) -> None:
    """Every pooled connection runs in driver-level autocommit; transactions are begun by
    cogkit itself.

    Python's sqlite3 module otherwise opens transactions lazily before the first write,
    which turns a read-then-write transaction into a lock upgrade that fails at once under
    contention; psycopg otherwise wraps every read in BEGIN ... ROLLBACK.  With autocommit,
    a lookup is one statement, and writes say ``BEGIN IMMEDIATE`` (SQLite: take, or wait up
    to ``busy_timeout`` for, the write lock first) or ``BEGIN``.  Transactions opened
    through SQLAlchemy (schema set-up, or a caller using ``SQLStore.engine``) get the same
    ``BEGIN`` from the ``begin`` hook.
    """
    sqlite = engine.dialect.name == "sqlite"

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        if not sqlite:
            dbapi_connection.autocommit = True
            return
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout * 1000)}")
            cursor.execute("PRAGMA foreign_keys = ON")
            mode = cursor.execute("PRAGMA journal_mode = WAL").fetchone()
            cursor.execute(f"PRAGMA synchronous = {synchronous}")
            # Checkpoint every 10,000 WAL pages (about 40 MiB) rather than 1,000: a sign-up
            # touches a dozen index pages, and a larger checkpoint copies a page changed by
            # many commits once.  Measured: a fifth to a third less time per durable write.
            cursor.execute(f"PRAGMA wal_autocheckpoint = {_WAL_CHECKPOINT_PAGES}")
            if cache_mib is not None:
                cursor.execute(f"PRAGMA cache_size = {-1024 * cache_mib}")
        finally:
            cursor.close()
        if mode is None or str(mode[0]).lower() != "wal":
            raise ConfigurationError(
                "SQLite could not switch the store to WAL mode (is it on a network drive?)"
            )

    @event.listens_for(engine, "begin")
    def on_begin(conn: Connection) -> None:
        write = sqlite and conn.get_execution_options().get("cogkit_write")
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

"""``SQLStore``: the store on SQLAlchemy Core 2.x, one implementation for SQLite and PostgreSQL.

Open one by URL::

    store = open_sql_store("sqlite:///auth.db")                    # embedded, one machine
    store = open_sql_store("postgresql+psycopg://app@db/auth")     # several app servers

How it keeps the store rules (``cogkit.stores.base``) across threads *and* processes:

- **The database arbitrates uniqueness.**  Usernames are the users' primary key, claims
  (usernames, aliases, subs) live in ``cogkit_user_claims`` whose primary key is
  ``(pool_id, claim)``, client ids and refresh-token families have primary/unique keys.
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

Every SQLAlchemy or driver error is translated where it is caught: unique and foreign-key
violations become ``StoreConflictError``, anything else ``InternalError`` (Cognito's
``InternalErrorException``).  Statement parameters are never put into messages (the engine
is created with ``hide_parameters=True``), since they hold password hashes and digests.

The schema is versioned in ``cogkit_meta``.  An empty database gets the tables on first
open; an older one is upgraded only when asked (``upgrade=True`` or
``cogkit store upgrade URL``); a newer one is refused.

.. versionadded:: 0.1
"""

from __future__ import annotations

import functools
import itertools
import json
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from typing import Any, Concatenate, Final, ParamSpec, TypeVar

import attrs

from cogkit.errors import ConfigurationError, InternalError, StoreConflictError
from cogkit.stores.records import (
    ClientRecord,
    CodeRecord,
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

#: How many times a PostgreSQL transaction is retried after a deadlock or serialization
#: failure before the error is reported.
_TRANSIENT_RETRIES: Final = 5
#: How many times a write that hit a unique key is retried when, by the time the store
#: looks, nobody holds that key any more (its holder was deleted in between).
_CLASH_RETRIES: Final = 5
#: Bound parameters per ``IN (...)`` list.
_CHUNK: Final = 500

_P = ParamSpec("_P")
_R = TypeVar("_R")
_T = TypeVar("_T")

# -- schema ----------------------------------------------------------------------------------

metadata = sa.MetaData(
    naming_convention={
        "pk": "%(table_name)s_pkey",
        "uq": "%(table_name)s_%(column_0_name)s_key",
        "fk": "%(table_name)s_%(column_0_name)s_fkey",
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
    sa.Column("origin_jti", _Key, nullable=False, unique=True),
    sa.Column("pool_id", _Key, _pool_ref(), nullable=False),
    sa.Column("client_id", sa.String, nullable=False),
    sa.Column("username", _Key, nullable=False),
    sa.Column("auth_time", sa.BigInteger, nullable=False),
    sa.Column("event_id", sa.String, nullable=False),
    sa.Column("issued_at", _Time, nullable=False),
    sa.Column("expires_at", _Time, nullable=False),
    sa.Column("device_key", sa.String),
    sa.Column("revoked_at", _Time),
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

#: Which table keeps which record (``cogkit_users`` keeps ``UserRecord`` and so on).
RECORD_TABLES: Final[Mapping[type[Any], sa.Table]] = {
    PoolRecord: pools,
    ClientRecord: clients,
    UserRecord: users,
    CodeRecord: codes,
    SessionRecord: sessions,
    RefreshTokenRecord: refresh_tokens,
    SigningKeyRecord: signing_keys,
}


def _row(record: Any) -> dict[str, Any]:
    return attrs.asdict(record, recurse=False)


def _load(make: Callable[..., _T], row: sa.Row[Any]) -> _T:
    """The record a row holds (columns are in the record's field order)."""
    return make(*row)


def _bind(name: str) -> sa.BindParameter[Any]:
    return sa.bindparam(name)


# -- opening ---------------------------------------------------------------------------------


def open_sql_store(url: str, **options: Any) -> SQLStore:
    """The store at ``url`` (``sqlite:///path.db`` or ``postgresql+psycopg://...``).

    ``options`` are ``SQLStore``'s: ``upgrade``, ``create``, ``busy_timeout``,
    ``synchronous``, ``pool_size``, ``max_overflow``, ``pool_pre_ping``.
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


def _describe(error: sa_exc.SQLAlchemyError) -> str:
    """What went wrong, without statement parameters (they hold hashes and digests)."""
    orig = getattr(error, "orig", None)
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
        except sa_exc.IntegrityError as exc:
            # Clashes the method could name were translated inside it; what is left is a
            # row that refers to something gone (a pool deleted meanwhile).
            raise StoreConflictError(
                f"{method.__name__}: the database refused the write ({_describe(exc)})"
            ) from exc
        except sa_exc.SQLAlchemyError as exc:
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


def _chunks(items: Sequence[_T], size: int = _CHUNK) -> Iterator[Sequence[_T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class SQLStore:
    """A ``Store`` in a SQLite file or a PostgreSQL database, through SQLAlchemy Core.

    ``SQLStore(url)`` connects, creates the tables in an empty database (``create=False``
    refuses instead) and checks the schema version; ``upgrade=True`` upgrades an older
    schema.  SQLite tunables: ``busy_timeout`` (seconds a writer waits for the lock) and
    ``synchronous`` (``"FULL"``, the default: every commit is on disk; ``"NORMAL"``: a
    power cut may lose the last commits, an application crash never does).  Connection
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
        pool_size: int = 5,
        max_overflow: int = 10,
        pool_pre_ping: bool = True,
    ) -> None:
        parsed = _parse_url(url)
        if synchronous not in ("FULL", "NORMAL"):
            raise ConfigurationError("synchronous must be 'FULL' or 'NORMAL'")
        if isinstance(busy_timeout, bool) or not isinstance(busy_timeout, int | float):
            raise ConfigurationError("busy_timeout must be a number of seconds")
        self._url = parsed.render_as_string(hide_password=True)
        self._closed = False
        self.dialect = parsed.get_backend_name()
        engine_options: dict[str, Any] = {
            "hide_parameters": True,
            "pool_size": pool_size,
            "max_overflow": max_overflow,
            # Compact JSON; json.dumps keeps floats exact (shortest repr round-trips).
            "json_serializer": functools.partial(
                json.dumps, separators=(",", ":"), ensure_ascii=False, allow_nan=False
            ),
        }
        if self.dialect == "postgresql":
            engine_options["pool_pre_ping"] = pool_pre_ping
        try:
            engine = sa.create_engine(parsed, **engine_options)
        except ImportError as exc:
            raise ConfigurationError(
                'PostgreSQL stores need psycopg 3: pip install "cogkit[sql]"'
            ) from exc
        if self.dialect == "sqlite":
            _configure_sqlite(engine, busy_timeout=float(busy_timeout), synchronous=synchronous)
        self._engine = engine
        self._writer = engine.execution_options(cogkit_mode="write")
        if self.dialect == "postgresql":
            self._reader = engine.execution_options(
                cogkit_mode="read", isolation_level="AUTOCOMMIT"
            )
            self._snapshot = engine.execution_options(
                cogkit_mode="snapshot", isolation_level="REPEATABLE READ"
            )
            self._insert: Callable[[sa.Table], Any] = sa_postgresql.insert
        else:
            self._reader = engine.execution_options(cogkit_mode="read")
            self._snapshot = engine.execution_options(cogkit_mode="snapshot")
            self._insert = sa_sqlite.insert
        self._build_statements()
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

    # -- transactions ----------------------------------------------------------------------

    def _write(self, work: Callable[[Connection], _T]) -> _T:
        """Runs ``work`` in one write transaction; PostgreSQL deadlocks and serialization
        failures roll back and run it again."""
        for attempt in itertools.count():
            try:
                with self._writer.begin() as conn:
                    return work(conn)
            except sa_exc.DBAPIError as exc:
                if attempt >= _TRANSIENT_RETRIES or not self._transient(exc):
                    raise
        raise AssertionError("unreachable")  # pragma: no cover

    def _transient(self, error: sa_exc.DBAPIError) -> bool:
        # 40001 serialization_failure, 40P01 deadlock_detected.
        return getattr(error.orig, "sqlstate", None) in ("40001", "40P01")

    def _one(self, statement: sa.Executable, params: Mapping[str, Any]) -> sa.Row[Any] | None:
        with self._reader.connect() as conn:
            return conn.execute(statement, params).first()

    def _all(self, statement: sa.Executable, params: Mapping[str, Any]) -> list[sa.Row[Any]]:
        with self._reader.connect() as conn:
            return list(conn.execute(statement, params))

    # -- schema ----------------------------------------------------------------------------

    def _prepare(self, *, upgrade: bool, create: bool) -> int:
        """Creates or checks (and on request upgrades) the schema; the version found."""
        with self._writer.begin() as conn:
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
        row = self._one(
            sa.select(meta_table.c.value).where(meta_table.c.name == "schema_version"), {}
        )
        return int(row[0]) if row is not None else -1

    # -- prepared statements ---------------------------------------------------------------

    def _build_statements(self) -> None:
        u, c, s = users, claims_table, search_table
        by_user = (u.c.pool_id == _bind("pool_id"), u.c.username == _bind("username"))
        self._get_user = sa.select(u).where(*by_user)
        self._find_user = (
            sa.select(u)
            .select_from(c.join(u, (c.c.pool_id == u.c.pool_id) & (c.c.username == u.c.username)))
            .where(c.c.pool_id == _bind("pool_id"), c.c.claim == _bind("claim"))
        )
        values = {col.name: _bind(col.name) for col in u.c if not col.primary_key}
        self._update_user = (
            u.update()
            .where(
                u.c.pool_id == _bind("k_pool_id"),
                u.c.username == _bind("k_username"),
                u.c.version == _bind("k_version"),
            )
            .values(values)
        )
        self._user_claims = sa.select(c.c.claim).where(
            c.c.pool_id == _bind("pool_id"), c.c.username == _bind("username")
        )
        self._user_search = sa.select(s.c.attribute, s.c.value).where(
            s.c.pool_id == _bind("pool_id"), s.c.username == _bind("username")
        )
        self._drop_search = s.delete().where(
            s.c.pool_id == _bind("k_pool_id"),
            s.c.username == _bind("k_username"),
            s.c.attribute == _bind("k_attribute"),
            s.c.value == _bind("k_value"),
        )
        self._get_pool = sa.select(pools).where(pools.c.id == _bind("id"))
        self._get_client = sa.select(clients).where(clients.c.id == _bind("id"))
        self._get_refresh = sa.select(refresh_tokens).where(
            refresh_tokens.c.digest == _bind("digest")
        )
        self._get_code = sa.select(codes).where(
            codes.c.pool_id == _bind("pool_id"),
            codes.c.username == _bind("username"),
            codes.c.purpose == _bind("purpose"),
        )
        self._upsert_code = self._upsert(codes, ["pool_id", "username", "purpose"])
        self._upsert_session = self._upsert(sessions, ["digest"])
        self._upsert_key = self._upsert(signing_keys, ["pool_id", "kid"])

    def _upsert(self, table: sa.Table, keys: list[str]) -> Any:
        statement = self._insert(table)
        return statement.on_conflict_do_update(
            index_elements=keys,
            set_={c.name: statement.excluded[c.name] for c in table.c if c.name not in keys},
        )

    # -- pools -----------------------------------------------------------------------------

    @_translated
    def create_pool(self, pool: PoolRecord) -> None:
        try:
            self._write(lambda conn: conn.execute(pools.insert(), _row(pool)))
        except sa_exc.IntegrityError as exc:
            raise StoreConflictError(f"pool {pool.id} exists", key=f"pool:{pool.id}") from exc

    @_translated
    def get_pool(self, pool_id: str) -> PoolRecord | None:
        row = self._one(self._get_pool, {"id": pool_id})
        return None if row is None else _load(PoolRecord, row)

    @_translated
    def update_pool(self, pool: PoolRecord, *, expected_version: int) -> PoolRecord:
        stored = attrs.evolve(pool, version=expected_version + 1)
        statement = (
            pools.update()
            .where(pools.c.id == pool.id, pools.c.version == expected_version)
            .values(_row(stored))
        )
        if self._write(lambda conn: conn.execute(statement).rowcount) != 1:
            raise StoreConflictError(f"pool {pool.id} changed or vanished")
        return stored

    @_translated
    def delete_pool(self, pool_id: str) -> bool:
        def work(conn: Connection) -> bool:
            # Children first (the foreign keys cascade too; this keeps the order explicit).
            for table in (
                search_table,
                claims_table,
                codes,
                sessions,
                refresh_tokens,
                signing_keys,
                users,
                clients,
            ):
                conn.execute(table.delete().where(table.c.pool_id == pool_id))
            return bool(conn.execute(pools.delete().where(pools.c.id == pool_id)).rowcount)

        return self._write(work)

    @_translated
    def list_pools(self, *, after: str | None, limit: int) -> Sequence[PoolRecord]:
        if limit <= 0:
            return []
        query = sa.select(pools).order_by(pools.c.id).limit(limit)
        if after is not None:
            query = query.where(pools.c.id > after)
        return [_load(PoolRecord, row) for row in self._all(query, {})]

    # -- clients ---------------------------------------------------------------------------

    @_translated
    def create_client(self, client: ClientRecord) -> None:
        try:
            self._write(lambda conn: conn.execute(clients.insert(), _row(client)))
        except sa_exc.IntegrityError as exc:
            if self._one(self._get_client, {"id": client.id}) is not None:
                raise StoreConflictError(
                    f"client {client.id} exists", key=f"client:{client.id}"
                ) from exc
            raise StoreConflictError(f"pool {client.pool_id} vanished") from exc

    @_translated
    def get_client(self, client_id: str) -> ClientRecord | None:
        row = self._one(self._get_client, {"id": client_id})
        return None if row is None else _load(ClientRecord, row)

    @_translated
    def update_client(self, client: ClientRecord, *, expected_version: int) -> ClientRecord:
        stored = attrs.evolve(client, version=expected_version + 1)
        statement = (
            clients.update()
            .where(clients.c.id == client.id, clients.c.version == expected_version)
            .values(_row(stored))
        )
        if self._write(lambda conn: conn.execute(statement).rowcount) != 1:
            raise StoreConflictError(f"client {client.id} changed or vanished")
        return stored

    @_translated
    def delete_client(self, client_id: str) -> bool:
        statement = clients.delete().where(clients.c.id == client_id)
        return bool(self._write(lambda conn: conn.execute(statement).rowcount))

    @_translated
    def list_clients(
        self, pool_id: str, *, after: str | None, limit: int
    ) -> Sequence[ClientRecord]:
        if limit <= 0:
            return []
        query = (
            sa.select(clients)
            .where(clients.c.pool_id == pool_id)
            .order_by(clients.c.id)
            .limit(limit)
        )
        if after is not None:
            query = query.where(clients.c.id > after)
        return [_load(ClientRecord, row) for row in self._all(query, {})]

    # -- users -----------------------------------------------------------------------------

    @staticmethod
    def _claim_rows(pool_id: str, username: str, claims: Iterable[str]) -> list[dict[str, str]]:
        return [
            {"pool_id": pool_id, "claim": claim, "username": username} for claim in sorted(claims)
        ]

    @staticmethod
    def _search_rows(
        pool_id: str, username: str, search: Mapping[str, str]
    ) -> list[dict[str, str]]:
        return [
            {"pool_id": pool_id, "attribute": a, "value": v, "username": username}
            for a, v in sorted(search.items())
        ]

    def _insert_users(self, entries: Sequence[UserEntry]) -> None:
        user_rows = [_row(e.user) for e in entries]
        claim_rows = [
            row
            for e in entries
            for row in self._claim_rows(e.user.pool_id, e.user.username, e.claims)
        ]
        search_rows = [
            row
            for e in entries
            for row in self._search_rows(e.user.pool_id, e.user.username, e.search)
        ]

        def work(conn: Connection) -> None:
            conn.execute(users.insert(), user_rows)
            if claim_rows:
                conn.execute(claims_table.insert(), claim_rows)
            if search_rows:
                conn.execute(search_table.insert(), search_rows)

        self._write(work)

    def _clash(self, entries: Sequence[tuple[str, str, Collection[str]]], *, new: bool) -> None:
        """After a unique violation: raise the conflict naming the key that is taken.

        ``entries`` are ``(pool_id, username, claims)`` in the order they were written;
        ``new`` says the users were being created (so a stored username is a clash too).
        Returns quietly when nothing is taken any more (the holder went away meanwhile).
        """
        by_pool: dict[str, list[tuple[str, Collection[str]]]] = defaultdict(list)
        for pool_id, username, claims in entries:
            by_pool[pool_id].append((username, claims))
        with self._reader.connect() as conn:
            for pool_id, members in by_pool.items():
                if conn.execute(self._get_pool, {"id": pool_id}).first() is None:
                    raise StoreConflictError(f"pool {pool_id} vanished")
                if new:
                    names = [username for username, _ in members]
                    taken: set[str] = set()
                    for chunk in _chunks(names):
                        taken.update(
                            conn.execute(
                                sa.select(users.c.username).where(
                                    users.c.pool_id == pool_id, users.c.username.in_(chunk)
                                )
                            ).scalars()
                        )
                    for username in names:
                        if username in taken:
                            raise StoreConflictError("username taken", key=f"username:{username}")
                wanted = sorted({claim for _, claims in members for claim in claims})
                holders: dict[str, str] = {}
                for chunk in _chunks(wanted):
                    rows = conn.execute(
                        sa.select(claims_table.c.claim, claims_table.c.username).where(
                            claims_table.c.pool_id == pool_id, claims_table.c.claim.in_(chunk)
                        )
                    )
                    holders.update((claim, holder) for claim, holder in rows)
                for username, claims in members:
                    for claim in _claim_order(claims):
                        holder = holders.get(claim)
                        if holder is not None and holder != username:
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
        self, user: UserRecord, *, claims: Collection[str], search: Mapping[str, str]
    ) -> None:
        self.create_users([UserEntry(user, claims=claims, search=search)])

    @_translated
    def create_users(self, entries: Sequence[UserEntry]) -> None:
        if not entries:
            return
        self._check_batch(entries)
        for _attempt in range(_CLASH_RETRIES):
            try:
                self._insert_users(entries)
                return
            except sa_exc.IntegrityError:
                self._clash(
                    [(e.user.pool_id, e.user.username, e.claims) for e in entries], new=True
                )
        raise StoreConflictError("the users' unique keys kept changing while being created")

    @_translated
    def get_user(self, pool_id: str, username: str) -> UserRecord | None:
        row = self._one(self._get_user, {"pool_id": pool_id, "username": username})
        return None if row is None else _load(UserRecord, row)

    @_translated
    def find_user(self, pool_id: str, claim: str) -> UserRecord | None:
        row = self._one(self._find_user, {"pool_id": pool_id, "claim": claim})
        return None if row is None else _load(UserRecord, row)

    def _replace_claims(
        self, conn: Connection, pool_id: str, username: str, claims: Collection[str]
    ) -> None:
        held = set(
            conn.execute(self._user_claims, {"pool_id": pool_id, "username": username}).scalars()
        )
        wanted = set(claims)
        gone = sorted(held - wanted)
        if gone:
            conn.execute(
                claims_table.delete().where(
                    claims_table.c.pool_id == pool_id,
                    claims_table.c.username == username,
                    claims_table.c.claim.in_(gone),
                )
            )
        added = wanted - held
        if added:
            conn.execute(claims_table.insert(), self._claim_rows(pool_id, username, added))

    def _replace_search(
        self, conn: Connection, pool_id: str, username: str, search: Mapping[str, str]
    ) -> None:
        rows = conn.execute(self._user_search, {"pool_id": pool_id, "username": username})
        held = {(attribute, value) for attribute, value in rows}
        wanted = set(search.items())
        gone = sorted(held - wanted)
        if gone:
            conn.execute(
                self._drop_search,
                [
                    {"k_pool_id": pool_id, "k_username": username, "k_attribute": a, "k_value": v}
                    for a, v in gone
                ],
            )
        added = dict(wanted - held)
        if added:
            conn.execute(search_table.insert(), self._search_rows(pool_id, username, added))

    @_translated
    def update_user(
        self,
        user: UserRecord,
        *,
        expected_version: int,
        claims: Collection[str] | None = None,
        search: Mapping[str, str] | None = None,
    ) -> UserRecord:
        stored = attrs.evolve(user, version=expected_version + 1)
        params = {k: v for k, v in _row(stored).items() if k not in ("pool_id", "username")}
        params.update(k_pool_id=user.pool_id, k_username=user.username, k_version=expected_version)

        def work(conn: Connection) -> None:
            if conn.execute(self._update_user, params).rowcount != 1:
                raise _Stale
            # The UPDATE holds the user's row lock until commit: nobody else changes this
            # user's claims or search keys in between.
            if claims is not None:
                self._replace_claims(conn, user.pool_id, user.username, claims)
            if search is not None:
                self._replace_search(conn, user.pool_id, user.username, search)

        for _attempt in range(_CLASH_RETRIES):
            try:
                self._write(work)
                return stored
            except _Stale:
                raise StoreConflictError(f"user {user.username!r} changed or vanished") from None
            except sa_exc.IntegrityError:
                self._clash([(user.pool_id, user.username, claims or ())], new=False)
        raise StoreConflictError(f"the unique keys of user {user.username!r} kept changing")

    @_translated
    def delete_user(self, pool_id: str, username: str) -> bool:
        def work(conn: Connection) -> bool:
            for table in (search_table, claims_table, codes, sessions, refresh_tokens):
                conn.execute(
                    table.delete().where(table.c.pool_id == pool_id, table.c.username == username)
                )
            deleted = conn.execute(
                users.delete().where(users.c.pool_id == pool_id, users.c.username == username)
            ).rowcount
            if not deleted:
                # Nothing was there: leave the user's leftovers (codes, ...) as they were.
                raise _Stale
            return True

        try:
            return self._write(work)
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
        if limit <= 0:
            return []
        u, s = users, search_table
        if attribute is None:
            query = sa.select(u).where(u.c.pool_id == pool_id)
            if after is not None:
                query = query.where(u.c.username > after[1])
            query = query.order_by(u.c.username).limit(limit)
            return [_load(UserRecord, row) for row in self._all(query, {})]
        conditions: list[sa.ColumnElement[bool]] = [
            s.c.pool_id == pool_id,
            s.c.attribute == attribute,
        ]
        # ``after`` before the first possible match means "from the start", as in
        # MemoryStore; past it, the page starts right after ``after``.
        resume = after is not None and after >= (value, "")
        if not prefix:
            conditions.append(s.c.value == value)
            if after is not None and resume:
                if after[0] != value:
                    return []
                conditions.append(s.c.username > after[1])
        else:
            if after is not None and resume:
                conditions.append(sa.tuple_(s.c.value, s.c.username) > sa.tuple_(*after))
            elif value:
                conditions.append(s.c.value >= value)
            end = _prefix_end(value)
            if end is not None:
                conditions.append(s.c.value < end)
        query = (
            sa.select(u)
            .select_from(s.join(u, (s.c.pool_id == u.c.pool_id) & (s.c.username == u.c.username)))
            .where(*conditions)
            .order_by(s.c.value, s.c.username)
            .limit(limit)
        )
        return [_load(UserRecord, row) for row in self._all(query, {})]

    @_translated
    def count_users(self, pool_id: str) -> int:
        row = self._one(
            sa.select(sa.func.count()).select_from(users).where(users.c.pool_id == pool_id), {}
        )
        return int(row[0]) if row is not None else 0

    @_translated
    def list_user_entries(
        self, pool_id: str, *, after: str | None, limit: int
    ) -> Sequence[UserEntry]:
        if limit <= 0:
            return []
        u, c, s = users, claims_table, search_table
        query = sa.select(u).where(u.c.pool_id == pool_id).order_by(u.c.username).limit(limit)
        if after is not None:
            query = query.where(u.c.username > after)
        # One snapshot for the three reads, so every user comes with the keys it had.
        with self._snapshot.connect() as conn:
            records = [_load(UserRecord, row) for row in conn.execute(query)]
            if not records:
                return []
            # (Not BETWEEN: PostgreSQL's grammar refuses COLLATE inside it, and the
            # psycopg dialect casts parameters with the column's collation.)
            span = (records[0].username, records[-1].username)
            held: dict[str, set[str]] = defaultdict(set)
            for username, claim in conn.execute(
                sa.select(c.c.username, c.c.claim).where(
                    c.c.pool_id == pool_id, c.c.username >= span[0], c.c.username <= span[1]
                )
            ):
                held[username].add(claim)
            keys: dict[str, dict[str, str]] = defaultdict(dict)
            for username, attribute, value in conn.execute(
                sa.select(s.c.username, s.c.attribute, s.c.value).where(
                    s.c.pool_id == pool_id, s.c.username >= span[0], s.c.username <= span[1]
                )
            ):
                keys[username][attribute] = value
        return [
            UserEntry(r, claims=held.get(r.username, ()), search=keys.get(r.username, {}))
            for r in records
        ]

    # -- codes -----------------------------------------------------------------------------

    @_translated
    def put_code(self, code: CodeRecord) -> None:
        self._write(lambda conn: conn.execute(self._upsert_code, _row(code)))

    @_translated
    def get_code(self, pool_id: str, username: str, purpose: str) -> CodeRecord | None:
        row = self._one(
            self._get_code, {"pool_id": pool_id, "username": username, "purpose": purpose}
        )
        return None if row is None else _load(CodeRecord, row)

    @staticmethod
    def _that_code(pool_id: str, username: str, purpose: str, digest: str) -> tuple[Any, ...]:
        return (
            codes.c.pool_id == pool_id,
            codes.c.username == username,
            codes.c.purpose == purpose,
            codes.c.digest == digest,
        )

    @_translated
    def add_code_attempt(self, pool_id: str, username: str, purpose: str, digest: str) -> int:
        statement = (
            codes.update()
            .where(*self._that_code(pool_id, username, purpose, digest))
            .values(attempts=codes.c.attempts + 1)
            .returning(codes.c.attempts)
        )
        count = self._write(lambda conn: conn.execute(statement).scalar())
        return int(count) if count is not None else 0

    @_translated
    def take_code(self, pool_id: str, username: str, purpose: str, digest: str) -> bool:
        statement = codes.delete().where(*self._that_code(pool_id, username, purpose, digest))
        return self._write(lambda conn: conn.execute(statement).rowcount) == 1

    @_translated
    def delete_codes(self, pool_id: str, username: str, purpose: str | None = None) -> int:
        statement = codes.delete().where(codes.c.pool_id == pool_id, codes.c.username == username)
        if purpose is not None:
            statement = statement.where(codes.c.purpose == purpose)
        return int(self._write(lambda conn: conn.execute(statement).rowcount))

    @_translated
    def list_codes(
        self, pool_id: str, *, after: tuple[str, str] | None, limit: int
    ) -> Sequence[CodeRecord]:
        if limit <= 0:
            return []
        query = (
            sa.select(codes)
            .where(codes.c.pool_id == pool_id)
            .order_by(codes.c.username, codes.c.purpose)
            .limit(limit)
        )
        if after is not None:
            query = query.where(sa.tuple_(codes.c.username, codes.c.purpose) > sa.tuple_(*after))
        return [_load(CodeRecord, row) for row in self._all(query, {})]

    # -- sessions --------------------------------------------------------------------------

    @_translated
    def put_session(self, session: SessionRecord) -> None:
        self._write(lambda conn: conn.execute(self._upsert_session, _row(session)))

    @_translated
    def get_session(self, digest: str) -> SessionRecord | None:
        row = self._one(sa.select(sessions).where(sessions.c.digest == digest), {})
        return None if row is None else _load(SessionRecord, row)

    @_translated
    def take_session(self, digest: str) -> SessionRecord | None:
        statement = sessions.delete().where(sessions.c.digest == digest).returning(*sessions.c)
        row = self._write(lambda conn: conn.execute(statement).first())
        return None if row is None else _load(SessionRecord, row)

    @_translated
    def list_sessions(
        self, pool_id: str, *, after: str | None, limit: int
    ) -> Sequence[SessionRecord]:
        if limit <= 0:
            return []
        query = (
            sa.select(sessions)
            .where(sessions.c.pool_id == pool_id)
            .order_by(sessions.c.digest)
            .limit(limit)
        )
        if after is not None:
            query = query.where(sessions.c.digest > after)
        return [_load(SessionRecord, row) for row in self._all(query, {})]

    # -- refresh tokens --------------------------------------------------------------------

    @_translated
    def put_refresh_token(self, token: RefreshTokenRecord) -> None:
        try:
            self._write(lambda conn: conn.execute(refresh_tokens.insert(), _row(token)))
        except sa_exc.IntegrityError as exc:
            if self._one(self._get_pool, {"id": token.pool_id}) is None:
                raise StoreConflictError(f"pool {token.pool_id} vanished") from exc
            raise StoreConflictError(
                "refresh token exists", key=f"refresh:{token.origin_jti}"
            ) from exc

    @_translated
    def get_refresh_token(self, digest: str) -> RefreshTokenRecord | None:
        row = self._one(self._get_refresh, {"digest": digest})
        return None if row is None else _load(RefreshTokenRecord, row)

    @_translated
    def find_refresh_family(self, origin_jti: str) -> RefreshTokenRecord | None:
        row = self._one(
            sa.select(refresh_tokens).where(refresh_tokens.c.origin_jti == origin_jti), {}
        )
        return None if row is None else _load(RefreshTokenRecord, row)

    @_translated
    def revoke_refresh_family(self, origin_jti: str, at: float) -> bool:
        statement = (
            refresh_tokens.update()
            .where(refresh_tokens.c.origin_jti == origin_jti, refresh_tokens.c.revoked_at.is_(None))
            .values(revoked_at=at)
        )
        return self._write(lambda conn: conn.execute(statement).rowcount) == 1

    @_translated
    def revoke_user_refresh_tokens(self, pool_id: str, username: str, at: float) -> int:
        statement = (
            refresh_tokens.update()
            .where(
                refresh_tokens.c.pool_id == pool_id,
                refresh_tokens.c.username == username,
                refresh_tokens.c.revoked_at.is_(None),
            )
            .values(revoked_at=at)
        )
        return int(self._write(lambda conn: conn.execute(statement).rowcount))

    @_translated
    def list_refresh_tokens(
        self, pool_id: str, *, after: str | None, limit: int
    ) -> Sequence[RefreshTokenRecord]:
        if limit <= 0:
            return []
        t = refresh_tokens
        query = sa.select(t).where(t.c.pool_id == pool_id).order_by(t.c.digest).limit(limit)
        if after is not None:
            query = query.where(t.c.digest > after)
        return [_load(RefreshTokenRecord, row) for row in self._all(query, {})]

    # -- signing keys ----------------------------------------------------------------------

    @_translated
    def put_signing_key(self, key: SigningKeyRecord) -> None:
        self._write(lambda conn: conn.execute(self._upsert_key, _row(key)))

    @_translated
    def list_signing_keys(self, pool_id: str) -> Sequence[SigningKeyRecord]:
        query = (
            sa.select(signing_keys)
            .where(signing_keys.c.pool_id == pool_id)
            .order_by(signing_keys.c.created_at, signing_keys.c.kid)
        )
        return [_load(SigningKeyRecord, row) for row in self._all(query, {})]


# -- SQLite connection set-up ----------------------------------------------------------------


def _configure_sqlite(engine: Engine, *, busy_timeout: float, synchronous: str) -> None:
    """Per-connection PRAGMAs, and transactions cogkit begins itself.

    Python's sqlite3 module opens transactions lazily before the first write, which would
    turn a read-then-write transaction into a lock upgrade that fails at once under
    contention.  With the driver in autocommit mode, cogkit issues ``BEGIN IMMEDIATE`` for
    writes (waiting up to ``busy_timeout`` for the write lock), ``BEGIN`` for multi-read
    snapshots, and nothing for single reads.
    """

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout * 1000)}")
            cursor.execute("PRAGMA foreign_keys = ON")
            mode = cursor.execute("PRAGMA journal_mode = WAL").fetchone()
            cursor.execute(f"PRAGMA synchronous = {synchronous}")
        finally:
            cursor.close()
        if mode is None or str(mode[0]).lower() != "wal":
            raise ConfigurationError(
                "SQLite could not switch the store to WAL mode (is it on a network drive?)"
            )

    @event.listens_for(engine, "begin")
    def on_begin(conn: Connection) -> None:
        mode = conn.get_execution_options().get("cogkit_mode")
        if mode == "write":
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        elif mode == "snapshot":
            conn.exec_driver_sql("BEGIN")

"""SQLStore on SQLite and PostgreSQL: the conformance suite, then what only SQL stores do
(schema versions, URLs, error translation, index use)."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from cogkit import Cognito, PasswordProfile
from cogkit.errors import ConfigurationError, InternalError, StoreConflictError
from cogkit.stores import ClientRecord, UserEntry, sql
from cogkit.stores.sql import SCHEMA_VERSION, SQLStore, metadata, open_sql_store
from cogkit.testing.store_suite import (
    POOL,
    StoreConformance,
    code_record,
    pool_record,
    refresh_record,
    user_record,
)


class TestSQLiteStore(StoreConformance):
    @pytest.fixture
    def store(self, sqlite_url: str) -> Iterator[SQLStore]:
        store = open_sql_store(sqlite_url)
        yield store
        store.close()


class TestPostgreSQLStore(StoreConformance):
    @pytest.fixture
    def store(self, postgres_url: str) -> Iterator[SQLStore]:
        store = open_sql_store(postgres_url)
        yield store
        store.close()


# -- opening, URLs and the schema version ----------------------------------------------------


def test_cognito_open_keeps_users_across_restarts(sqlite_url: str) -> None:
    with Cognito.open(sqlite_url, password_profile=PasswordProfile.CHEAP) as svc:
        pool = svc.create_user_pool("kept")
        pool.admin_create_user("ann", attributes={"email": "ann@example.com"})
    with Cognito.open(sqlite_url, password_profile=PasswordProfile.CHEAP) as svc:
        user = svc.user_pool(pool.id).admin_get_user("ann")
        assert user.attributes["email"] == "ann@example.com"


def test_an_empty_database_gets_the_tables_and_the_schema_version(sql_url: str) -> None:
    store = open_sql_store(sql_url)
    try:
        assert store.schema_version() == SCHEMA_VERSION
        tables = set(sa.inspect(store.engine).get_table_names())
        assert {t.name for t in metadata.sorted_tables} <= tables
    finally:
        store.close()


def test_create_false_refuses_a_database_without_a_store(sqlite_url: str) -> None:
    with pytest.raises(ConfigurationError, match="there is no cogkit store at sqlite:///"):
        open_sql_store(sqlite_url, create=False)


def set_version(url: str, version: str) -> None:
    store = open_sql_store(url)
    try:
        with store.engine.begin() as conn:
            conn.execute(sa.text("UPDATE cogkit_meta SET value = :v"), {"v": version})
    finally:
        store.close()


def test_a_store_written_by_a_newer_cogkit_is_refused(sql_url: str) -> None:
    set_version(sql_url, str(SCHEMA_VERSION + 1))
    with pytest.raises(ConfigurationError, match="newer than this cogkit understands"):
        open_sql_store(sql_url)


def test_an_unreadable_schema_version_is_refused(sqlite_url: str) -> None:
    set_version(sqlite_url, "one")
    with pytest.raises(ConfigurationError, match="no readable cogkit schema version"):
        open_sql_store(sqlite_url)


def add_marker(conn: sa.Connection) -> None:
    conn.execute(sa.text("CREATE TABLE cogkit_marker (n INTEGER)"))


@pytest.fixture
def next_version(monkeypatch: pytest.MonkeyPatch) -> int:
    """This cogkit pretends to be one schema version ahead, with a migration to it."""
    monkeypatch.setattr(sql, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
    monkeypatch.setattr(sql, "MIGRATIONS", {SCHEMA_VERSION: add_marker})
    return SCHEMA_VERSION + 1


def test_an_older_store_is_upgraded_only_when_asked(sql_url: str) -> None:
    open_sql_store(sql_url).close()  # written at the current version
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(sql, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
        patch.setattr(sql, "MIGRATIONS", {SCHEMA_VERSION: add_marker})
        with pytest.raises(ConfigurationError, match="run `cogkit store upgrade URL`"):
            open_sql_store(sql_url)
        store = open_sql_store(sql_url, upgrade=True)
        try:
            assert store.found_schema_version == SCHEMA_VERSION
            assert store.schema_version() == SCHEMA_VERSION + 1
            assert sa.inspect(store.engine).has_table("cogkit_marker")
        finally:
            store.close()
        open_sql_store(sql_url).close()  # now current: opens without asking


def test_a_failed_upgrade_leaves_the_old_version(sqlite_url: str) -> None:
    open_sql_store(sqlite_url).close()

    def broken(conn: sa.Connection) -> None:
        add_marker(conn)
        raise ConfigurationError("the step failed halfway")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(sql, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
        patch.setattr(sql, "MIGRATIONS", {SCHEMA_VERSION: broken})
        with pytest.raises(ConfigurationError, match="halfway"):
            open_sql_store(sqlite_url, upgrade=True)
    store = open_sql_store(sqlite_url)
    try:
        assert store.schema_version() == SCHEMA_VERSION
        assert not sa.inspect(store.engine).has_table("cogkit_marker")
    finally:
        store.close()


def test_cogkit_tables_without_a_schema_version_are_left_alone(sqlite_url: str) -> None:
    engine = sa.create_engine(sqlite_url)
    try:
        with engine.begin() as conn:
            conn.execute(sa.text("CREATE TABLE cogkit_pools (id TEXT)"))
    finally:
        engine.dispose()
    with pytest.raises(ConfigurationError, match=r"holds cogkit tables \(cogkit_pools\)"):
        open_sql_store(sqlite_url)


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("sqlite://", "an in-memory SQLite database keeps nothing"),
        ("sqlite:///:memory:", "an in-memory SQLite database keeps nothing"),
        ("mysql://root@localhost/auth", "SQL stores are sqlite:///path.db or postgresql"),
        ("postgresql+psycopg2://u@h/db", "PostgreSQL stores use psycopg 3"),
        ("not a url", "the store URL cannot be parsed"),
    ],
)
def test_unusable_urls_are_refused(url: str, message: str) -> None:
    with pytest.raises(ConfigurationError, match=message):
        open_sql_store(url)


def test_a_url_password_never_shows(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError) as caught:
        open_sql_store("postgresql+psycopg2://user:hunter2@host/db")
    assert "hunter2" not in caught.value.message
    store = open_sql_store(f"sqlite:///{tmp_path / 'x.db'}")
    store.close()
    assert "x.db" in repr(store)


def test_plain_postgresql_urls_use_psycopg(postgres_url: str) -> None:
    store = open_sql_store(postgres_url.replace("postgresql+psycopg://", "postgresql://"))
    try:
        assert store.engine.url.drivername == "postgresql+psycopg"
    finally:
        store.close()


def test_without_sqlalchemy_the_store_names_the_extra(tmp_path: Path) -> None:
    program = (
        "import sys; sys.modules['sqlalchemy'] = None\n"
        "import cogkit\n"
        "try:\n"
        f"    cogkit.Cognito.open('sqlite:///{tmp_path / 'x.db'}')\n"
        "except cogkit.CogkitError as exc:\n"
        "    print(type(exc).__name__, exc.message)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.strip() == (
        "ConfigurationError the SQLite and PostgreSQL stores need SQLAlchemy: "
        'pip install "cogkit[sql]"'
    )


# -- SQLite settings -------------------------------------------------------------------------


def test_sqlite_runs_in_wal_with_foreign_keys_a_busy_timeout_and_full_sync(
    sqlite_url: str,
) -> None:
    store = open_sql_store(sqlite_url, busy_timeout=7.5)
    try:
        with store.engine.connect() as conn:
            pragma = {
                name: conn.exec_driver_sql(f"PRAGMA {name}").scalar()
                for name in ("journal_mode", "foreign_keys", "busy_timeout", "synchronous")
            }
        assert pragma == {
            "journal_mode": "wal",
            "foreign_keys": 1,
            "busy_timeout": 7500,
            "synchronous": 2,  # FULL
        }
    finally:
        store.close()


def test_sqlite_synchronous_normal_can_be_chosen(sqlite_url: str) -> None:
    store = open_sql_store(sqlite_url, synchronous="NORMAL")
    try:
        with store.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 1
    finally:
        store.close()
    with pytest.raises(ConfigurationError, match="synchronous must be"):
        open_sql_store(sqlite_url, synchronous="OFF")


def test_sqlite_page_cache_can_be_sized(sqlite_url: str) -> None:
    store = open_sql_store(sqlite_url, cache_mib=64)
    try:
        with store.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA cache_size").scalar() == -64 * 1024
    finally:
        store.close()
    with pytest.raises(ConfigurationError, match="cache_mib must be"):
        open_sql_store(sqlite_url, cache_mib=0)


# -- errors at the boundary ------------------------------------------------------------------


def test_a_database_failure_is_an_internal_error_without_parameters(sql_url: str) -> None:
    store = open_sql_store(sql_url)
    try:
        store.create_pool(pool_record())
        with store.engine.begin() as conn:
            conn.execute(sa.text("DROP TABLE cogkit_user_search"))
        with pytest.raises(InternalError) as caught:
            store.create_user(
                user_record("secret-name"), claims={"username:x"}, search={"email": "hidden@x"}
            )
        assert caught.value.code == "InternalErrorException"
        assert caught.value.message.startswith("create_user failed: ")
        chain = f"{caught.value.message} {caught.value.__cause__}"
        assert "secret-name" not in chain and "hidden@x" not in chain
        assert store.get_user(POOL, "secret-name") is None  # the transaction rolled back
    finally:
        store.close()


def test_a_write_for_a_vanished_pool_is_a_conflict(sql_url: str) -> None:
    store = open_sql_store(sql_url)
    try:
        with pytest.raises(StoreConflictError, match="vanished") as caught:
            store.create_user(user_record("ann"), claims={"username:ann"}, search={})
        assert caught.value.key is None
        with pytest.raises(StoreConflictError) as caught:
            store.put_code(code_record())
        assert caught.value.key is None
        with pytest.raises(StoreConflictError, match="vanished") as caught:
            store.put_refresh_token(refresh_record("r1", "o1"))
        assert caught.value.key is None
        client = ClientRecord(
            id="c1", pool_id=POOL, name="web", created_at=1.0, modified_at=1.0, config={}
        )
        with pytest.raises(StoreConflictError, match="vanished") as caught:
            store.create_client(client)
        assert caught.value.key is None
    finally:
        store.close()


def test_a_closed_store_refuses_calls(sqlite_url: str) -> None:
    store = open_sql_store(sqlite_url)
    store.close()
    with pytest.raises(ConfigurationError, match="is closed"):
        store.get_pool(POOL)


# -- indexes ---------------------------------------------------------------------------------


def captured_plan(store: SQLStore, action: Callable[[], object]) -> str:
    """The query plan of the last statement ``action`` ran, as the database would run it
    (PostgreSQL is told to avoid sequential scans: the question is whether an index *can*
    answer the query).  The statement is caught where the store binds its parameters."""
    seen: list[tuple[str, Any]] = []
    bind = sql._Statement.bind

    def recording(statement: Any, values: Any) -> Any:
        bound = bind(statement, values)
        seen.append((statement.sql, bound))
        return bound

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(sql._Statement, "bind", recording)
        action()
    statement, parameters = seen[-1]
    with store.engine.connect() as conn:
        if store.dialect == "sqlite":
            rows = conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)
            return "\n".join(str(row[-1]) for row in rows)
        conn.exec_driver_sql("SET enable_seqscan = off")
        rows = conn.exec_driver_sql(f"EXPLAIN {statement}", parameters)
        return "\n".join(str(row[0]) for row in rows)


@pytest.fixture
def indexed(sql_url: str) -> Iterator[SQLStore]:
    """A store with enough users (and fresh statistics) for the planner to choose indexes."""
    store = open_sql_store(sql_url)
    store.create_pool(pool_record())
    store.create_users(
        [
            UserEntry(
                user_record(f"u{i}"),
                claims={f"username:u{i}", f"email:u{i}@x"},
                search={"email": f"u{i}@x", "username": f"u{i}", "status": "Enabled"},
            )
            for i in range(2000)
        ]
    )
    with store.engine.begin() as conn:
        conn.exec_driver_sql("ANALYZE")
    yield store
    store.close()


@pytest.mark.parametrize(
    ("search", "sqlite_seek", "postgresql_seek"),
    [
        ({"value": "u2@x"}, "value=?)", "(value = 'u2@x'"),
        ({"value": "u2", "prefix": True}, "value>? AND value<?)", "(value >= 'u2'"),
        (
            {"value": "u2", "prefix": True, "after": ("u2@x", "u2")},
            "(value,username)>(?,?) AND value<?)",
            "(ROW(value, username) > ROW('u2@x'",
        ),
        ({"value": "u2@x", "after": ("u2@x", "u1")}, "value=? AND username>?)", "(username > 'u1'"),
    ],
)
def test_list_users_filters_seek_in_the_search_index(
    indexed: SQLStore, search: dict[str, Any], sqlite_seek: str, postgresql_seek: str
) -> None:
    plan = captured_plan(
        indexed, lambda: indexed.list_users(POOL, attribute="email", limit=10, **search)
    )
    if indexed.dialect == "sqlite":
        seek = "SEARCH cogkit_user_search USING PRIMARY KEY (pool_id=? AND attribute=? AND "
        assert seek + sqlite_seek in plan, plan
    else:
        assert "Only Scan using cogkit_user_search_pkey" in plan, plan
        assert postgresql_seek in plan, plan


def test_find_user_seeks_the_claim_then_the_user(indexed: SQLStore) -> None:
    plan = captured_plan(indexed, lambda: indexed.find_user(POOL, "email:u7@x"))
    if indexed.dialect == "sqlite":
        assert "SEARCH cogkit_user_claims USING PRIMARY KEY (pool_id=? AND claim=?)" in plan
        assert "SEARCH cogkit_users USING INDEX" in plan
    else:
        assert "Index Scan using cogkit_user_claims_pkey" in plan
        assert "Index Scan using cogkit_users_pkey" in plan


def test_prefix_search_stops_at_the_end_of_the_prefix(indexed: SQLStore) -> None:
    found = indexed.list_users(POOL, attribute="email", value="u19", prefix=True, limit=200)
    # Code-point order of the values: "u190@x" < "u1900@x" < "u19@x" ("0" < "@").
    emails = sorted((f"u{i}@x", f"u{i}") for i in range(2000))
    expected = [name for email, name in emails if email.startswith("u19")]
    assert len(expected) == 111
    assert [u.username for u in found] == expected


def test_prefix_search_handles_the_highest_code_points(sql_url: str) -> None:
    store = open_sql_store(sql_url)
    top = "\U0010ffff"
    try:
        store.create_pool(pool_record())
        for name, value in (
            ("a", f"x{top}"),
            ("b", f"x{top}{top}z"),
            ("c", "y"),
            ("d", "x\ud7ffq"),
        ):
            store.create_user(user_record(name), claims={f"username:{name}"}, search={"n": value})
        found = store.list_users(POOL, attribute="n", value=f"x{top}", prefix=True)
        assert [u.username for u in found] == ["a", "b"]
        # The next code point after U+D7FF is a surrogate: the range ends at U+E000.
        found = store.list_users(POOL, attribute="n", value="x\ud7ff", prefix=True)
        assert [u.username for u in found] == ["d"]
    finally:
        store.close()

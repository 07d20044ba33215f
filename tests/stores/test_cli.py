"""``cogkit store export|import|upgrade``."""

from __future__ import annotations

import io
import stat
from pathlib import Path

import pytest
import sqlalchemy as sa

from cogkit.cli import main
from cogkit.stores import sql
from cogkit.stores.sql import open_sql_store
from cogkit.testing import make_cognito


@pytest.fixture
def filled(tmp_path: Path) -> str:
    """A SQLite store holding a pool with three users."""
    url = f"sqlite:///{tmp_path / 'source.db'}"
    store = open_sql_store(url)
    try:
        pool = make_cognito(store=store).create_user_pool("cli")
        for name in ("ann", "bob", "carl"):
            pool.admin_create_user(name, message_action="SUPPRESS")
    finally:
        store.close()
    return url


def test_export_and_import_move_a_store_to_another_database(
    filled: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    dump, target = tmp_path / "dump.jsonl", f"sqlite:///{tmp_path / 'target.db'}"
    assert main(["store", "export", filled, str(dump)]) == 0
    assert "1 pools, 2 signing keys, 0 clients, 3 users" in capsys.readouterr().err
    assert main(["store", "import", target, str(dump)]) == 0
    assert "3 users" in capsys.readouterr().err
    again = tmp_path / "again.jsonl"
    assert main(["store", "export", target, str(again)]) == 0
    assert again.read_text() == dump.read_text()


def test_an_export_file_is_readable_by_its_owner_only(filled: str, tmp_path: Path) -> None:
    dump = tmp_path / "dump.jsonl"
    main(["store", "export", filled, str(dump)])
    assert stat.S_IMODE(dump.stat().st_mode) == 0o600


def test_export_does_not_overwrite_a_file_unless_forced(
    filled: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    dump = tmp_path / "dump.jsonl"
    dump.write_text("keep me")
    assert main(["store", "export", filled, str(dump)]) == 2
    assert "exists: choose another name or pass --force" in capsys.readouterr().err
    assert dump.read_text() == "keep me"
    assert main(["store", "export", "--force", filled, str(dump)]) == 0
    assert dump.read_text().startswith('{"type":"cogkit-store"')


def test_export_and_import_through_standard_streams(
    filled: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert main(["store", "export", filled, "-"]) == 0
    text = capsys.readouterr().out
    monkeypatch.setattr("sys.stdin", io.StringIO(text))
    target = f"sqlite:///{tmp_path / 'piped.db'}"
    assert main(["store", "import", target, "-"]) == 0
    store = open_sql_store(target)
    try:
        assert [p.name for p in store.list_pools(after=None, limit=5)] == ["cli"]
    finally:
        store.close()


def test_memory_urls_are_refused(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["store", "export", "memory://", str(tmp_path / "x")]) == 2
    assert "memory:// stores live inside one process" in capsys.readouterr().err
    assert main(["store", "upgrade", "memory://"]) == 2


def test_importing_a_missing_file_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = f"sqlite:///{tmp_path / 'target.db'}"
    assert main(["store", "import", target, str(tmp_path / "nowhere.jsonl")]) == 2
    assert "cannot read" in capsys.readouterr().err


def test_exporting_a_database_without_a_store_does_not_create_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    empty = f"sqlite:///{tmp_path / 'empty.db'}"
    assert main(["store", "export", empty, str(tmp_path / "dump.jsonl")]) == 2
    assert "there is no cogkit store at" in capsys.readouterr().err


def test_upgrade_of_a_current_store_changes_nothing(
    filled: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["store", "upgrade", filled]) == 0
    assert f"at schema version {sql.SCHEMA_VERSION} already" in capsys.readouterr().err


def test_upgrade_runs_the_pending_migrations(
    filled: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def add_marker(conn: sa.Connection) -> None:
        conn.execute(sa.text("CREATE TABLE cogkit_marker (n INTEGER)"))

    current = sql.SCHEMA_VERSION
    monkeypatch.setattr(sql, "SCHEMA_VERSION", current + 1)
    monkeypatch.setattr(sql, "MIGRATIONS", {current: add_marker})
    assert main(["store", "upgrade", filled]) == 0
    assert f"from schema version {current} to {current + 1}" in capsys.readouterr().err
    store = open_sql_store(filled)
    try:
        assert store.schema_version() == current + 1
        assert sa.inspect(store.engine).has_table("cogkit_marker")
    finally:
        store.close()

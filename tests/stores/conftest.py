"""Fixtures for the SQL stores: a fresh SQLite file per test, and (when
``COGKIT_TEST_POSTGRES_URL`` is set) a fresh PostgreSQL schema per test."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

POSTGRES_ENV = "COGKIT_TEST_POSTGRES_URL"
POSTGRES_HOWTO = (
    f"PostgreSQL tests need {POSTGRES_ENV}, e.g. "
    f"{POSTGRES_ENV}=postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'store.db'}"


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A URL whose connections live in a schema of their own, dropped afterwards."""
    base = os.environ.get(POSTGRES_ENV)
    if not base:
        pytest.skip(POSTGRES_HOWTO)
    import sqlalchemy as sa

    schema = f"cogkit_test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(base)
    try:
        with admin.begin() as conn:
            conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
        # libpq's ``options`` puts every connection of the store in that schema.
        url = sa.make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
        yield url.render_as_string(hide_password=False)
        with admin.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
    finally:
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def sql_url(request: pytest.FixtureRequest) -> str:
    """Each SQL backend in turn (PostgreSQL skips without its URL)."""
    name = "sqlite_url" if request.param == "sqlite" else "postgres_url"
    url: str = request.getfixturevalue(name)
    return url

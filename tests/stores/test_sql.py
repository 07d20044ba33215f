"""SQLStore on SQLite and PostgreSQL: the conformance suite, then what only SQL stores do
(schema versions, URLs, error translation, index use)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from cogkit.stores.sql import SQLStore, open_sql_store
from cogkit.testing.store_suite import StoreConformance


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

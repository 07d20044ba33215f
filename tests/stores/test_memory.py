from __future__ import annotations

from collections.abc import Iterator

import pytest

from cogkit.stores import MemoryStore
from cogkit.testing.store_suite import StoreConformance


class TestMemoryStore(StoreConformance):
    @pytest.fixture
    def store(self) -> Iterator[MemoryStore]:
        store = MemoryStore()
        yield store
        store.close()

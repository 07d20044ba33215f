"""Stores: where cogkit keeps pools, clients, users, codes, sessions, tokens and keys.

``MemoryStore`` is the reference implementation; ``cogkit.testing.store_suite`` is the
conformance suite every store must pass.  ``SQLStore`` and ``open_sql_store`` (SQLite and
PostgreSQL, the ``sql`` extra) are imported from ``cogkit.stores.sql`` on first use, so
``import cogkit`` never needs SQLAlchemy; ``cogkit.stores.transfer`` moves a whole store
between backends as JSON lines.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from cogkit.stores.base import (
    ClientStore,
    CodeStore,
    PoolStore,
    RefreshTokenStore,
    SessionStore,
    SigningKeyStore,
    Store,
    UserStore,
)
from cogkit.stores.memory import MemoryStore
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

if TYPE_CHECKING:
    from cogkit.stores.sql import SQLStore as SQLStore
    from cogkit.stores.sql import open_sql_store as open_sql_store

__all__ = [
    "ClientRecord",
    "ClientStore",
    "CodeRecord",
    "CodeStore",
    "MemoryStore",
    "PoolRecord",
    "PoolStore",
    "RefreshTokenRecord",
    "RefreshTokenStore",
    "SessionRecord",
    "SessionStore",
    "SigningKeyRecord",
    "SigningKeyStore",
    "Store",
    "UserEntry",
    "UserRecord",
    "UserStore",
]

#: Names served from ``cogkit.stores.sql`` when first asked for (it needs SQLAlchemy).
_SQL_NAMES = frozenset({"SQLStore", "open_sql_store"})


def __getattr__(name: str) -> Any:
    if name in _SQL_NAMES:
        return getattr(importlib.import_module("cogkit.stores.sql"), name)
    raise AttributeError(f"module 'cogkit.stores' has no attribute {name!r}")

"""Stores: where cogkit keeps pools, clients, users, codes, sessions, tokens and keys.

``MemoryStore`` is the reference implementation; ``cogkit.testing.store_suite`` is the
conformance suite every store must pass.
"""

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
    UserRecord,
)

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
    "UserRecord",
    "UserStore",
]

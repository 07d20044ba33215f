"""Fixtures shared by every behaviour test.

``svc`` is a ``Cognito`` made by ``cogkit.testing.make_cognito()`` (frozen clock, cheap
hashing) over the store of the ``store`` fixture; ``pool`` and ``client`` are a plain pool
(email auto-verified) and an app client allowing the password flows.  ``kit`` bundles them
with the few steps most flow tests start from (a confirmed user, a signed-in session).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from cogkit import AppClient, AuthFlow, Cognito, FrozenClock, Tokens, UserPool
from cogkit.domain.auth import SignUpResult
from cogkit.stores import MemoryStore
from cogkit.stores.base import Store
from cogkit.testing import make_cognito
from tests.helpers import PASSWORD, PASSWORD_FLOWS, START

# cogkit's own pytest plugin.  Its entry point is imported before coverage starts, which
# hides every import-time line of cogkit from the coverage report; a run given
# ``-p no:cogkit`` blocks the entry point and the plugin is loaded here instead.
if "cogkit.testing.pytest_plugin" not in sys.modules:
    pytest_plugins = ["cogkit.testing.pytest_plugin"]

KNOWN_STORES = ("memory", "sqlite")


def _stores() -> list[str]:
    """The stores every flow test runs against: ``COGKIT_TEST_STORES`` names them
    (``memory,sqlite`` or ``all``); the in-memory store alone by default, which keeps a
    local run to seconds (SQLite adds about half a minute)."""
    wanted = os.environ.get("COGKIT_TEST_STORES", "memory").strip()
    names = list(KNOWN_STORES) if wanted == "all" else [n.strip() for n in wanted.split(",")]
    unknown = sorted(set(names) - set(KNOWN_STORES))
    if unknown or not names:
        raise pytest.UsageError(
            f"COGKIT_TEST_STORES names unknown stores {unknown}; use {', '.join(KNOWN_STORES)}"
        )
    return names


STORES = _stores()


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(START)


@pytest.fixture(params=STORES)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    made: Store
    if request.param == "sqlite":
        from cogkit.stores.sql import open_sql_store

        made = open_sql_store(f"sqlite:///{tmp_path / 'cogkit.db'}", synchronous="NORMAL")
    else:
        made = MemoryStore()
    yield made
    made.close()


@pytest.fixture
def svc(clock: FrozenClock, store: Store) -> Cognito:
    return make_cognito(clock=clock, store=store)


@pytest.fixture
def pool(svc: Cognito) -> UserPool:
    return svc.create_user_pool("app", auto_verified_attributes=["email"])


@pytest.fixture
def client(pool: UserPool) -> AppClient:
    return pool.create_client("web", explicit_auth_flows=list(PASSWORD_FLOWS))


@pytest.fixture
def auth(pool: UserPool) -> AuthFlow:
    return pool.auth


class Kit:
    """The service, one pool and one client, with the steps flow tests begin with."""

    def __init__(self, svc: Cognito, pool: UserPool, client: AppClient) -> None:
        self.svc = svc
        self.pool = pool
        self.client = client
        self.auth = pool.auth
        self.clock: FrozenClock = svc.clock  # type: ignore[assignment]

    def sign_up(
        self,
        username: str = "ann",
        password: str = PASSWORD,
        attributes: dict[str, str] | None = None,
        *,
        email: str | None = "ann@example.com",
        client: AppClient | None = None,
        **options: Any,
    ) -> SignUpResult:
        given = dict(attributes or {})
        if email is not None:
            given.setdefault("email", email)
        return self.auth.sign_up((client or self.client).id, username, password, given, **options)

    def code(self, to: str = "ann@example.com") -> str:
        code = self.svc.outbox.last(to=to).code
        assert code is not None
        return code

    def confirmed(
        self,
        username: str = "ann",
        password: str = PASSWORD,
        attributes: dict[str, str] | None = None,
        *,
        email: str = "ann@example.com",
    ) -> str:
        """Signs up and confirms a user; returns the internal username."""
        self.sign_up(username, password, attributes, email=email)
        self.auth.confirm_sign_up(self.client.id, username, self.code(email))
        return self.pool.admin_get_user(username).username

    def sign_in(
        self, username: str = "ann", password: str = PASSWORD, *, client: AppClient | None = None
    ) -> Tokens:
        result = self.auth.initiate(
            (client or self.client).id, "USER_PASSWORD_AUTH", USERNAME=username, PASSWORD=password
        )
        assert result.tokens is not None
        return result.tokens

    def session(self, username: str = "ann", password: str = PASSWORD) -> Tokens:
        """A confirmed, signed-in user."""
        self.confirmed(username, password, email=f"{username}@example.com")
        return self.sign_in(username, password)


@pytest.fixture
def kit(svc: Cognito, pool: UserPool, client: AppClient) -> Kit:
    return Kit(svc, pool, client)

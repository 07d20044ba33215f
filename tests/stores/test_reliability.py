"""Several *processes* sharing one SQLite file or PostgreSQL database through the public API.

Each race runs on 8 processes (started with ``spawn``, so they share nothing but the
database; started once per module, since importing cogkit is most of a race's cost).  Every
racer opens its own ``Cognito`` over the database, they meet at a barrier and act at the
same moment.  The store alone has to arbitrate: no lock in cogkit spans processes.
"""

from __future__ import annotations

import multiprocessing
import os
import random
import signal
import time
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import pytest
import sqlalchemy as sa

from cogkit import Cognito, PasswordProfile
from cogkit.stores.sql import SQLStore, open_sql_store
from tests.stores import _workers
from tests.stores._workers import PASSWORD

RACERS = 8
FLOWS = ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
CONTEXT = multiprocessing.get_context("spawn")


class Racers:
    """A pool of ``RACERS`` processes that run one task each, all at the same moment."""

    def __init__(self) -> None:
        self._manager = CONTEXT.Manager()
        self._pool = CONTEXT.Pool(RACERS)

    def race(self, work: Callable[[Any], Any], arguments: Sequence[Any]) -> list[Any]:
        """``work(argument)`` once per argument, each in its own process."""
        assert len(arguments) == RACERS
        barrier, event = self._manager.Barrier(RACERS), self._manager.Event()
        tasks = [(work, barrier, event, argument) for argument in arguments]
        # One task per process: a racer blocks at the barrier until all 8 tasks are taken,
        # so no process can take two.
        return self._pool.map_async(_workers.run, tasks, chunksize=1).get(timeout=300)

    def close(self) -> None:
        self._pool.close()
        self._pool.join()
        self._manager.shutdown()


@pytest.fixture(scope="module")
def racers() -> Iterator[Racers]:
    pool = Racers()
    yield pool
    pool.close()


@pytest.fixture
def svc(sql_url: str) -> Iterator[Cognito]:
    with Cognito.open(sql_url, password_profile=PasswordProfile.CHEAP) as service:
        yield service


def url_of(svc: Cognito) -> str:
    store = svc.store
    assert isinstance(store, SQLStore)
    return store.engine.url.render_as_string(hide_password=False)


def test_one_of_eight_processes_signing_up_a_username_wins(svc: Cognito, racers: Racers) -> None:
    pool = svc.create_user_pool("race")
    client = pool.create_client("web", explicit_auth_flows=FLOWS)
    url = url_of(svc)
    results = racers.race(
        _workers.sign_up,
        [(url, pool.id, client.id, "racer", {"email": f"r{i}@example.com"}) for i in range(8)],
    )
    assert sorted(results) == ["UsernameExistsException"] * 7 + ["ok"]
    assert svc.store.count_users(pool.id) == 1


def test_one_of_eight_processes_signing_up_an_email_wins(svc: Cognito, racers: Racers) -> None:
    pool = svc.create_user_pool("race", username_attributes=["email"])
    client = pool.create_client("web", explicit_auth_flows=FLOWS)
    url = url_of(svc)
    results = racers.race(
        _workers.sign_up, [(url, pool.id, client.id, "same@example.com", {})] * RACERS
    )
    assert sorted(results) == ["UsernameExistsException"] * 7 + ["ok"]
    assert svc.store.count_users(pool.id) == 1
    assert pool.admin_get_user("same@example.com").attributes["email"] == "same@example.com"


def test_eight_processes_failing_sign_in_at_once_count_eight_failures(
    svc: Cognito, racers: Racers
) -> None:
    """Every failed attempt is counted, however many processes fail at the same moment.

    The lockout (5 failures) would make this racy if it were left to timing: an attempt
    that reads the user after the fifth failure is written meets the lock and is not
    counted, as in Cognito.  So the racers' hasher waits for all of them *inside* the
    password check (``_workers.BarrierHasher``): every racer has read the user and passed
    the lock check before anyone records a failure.  Then all 8 failures land at once on
    the same user record, and optimistic versions must lose none of them.
    """
    pool = svc.create_user_pool("race")
    client = pool.create_client("web", explicit_auth_flows=FLOWS)
    pool.admin_create_user("victim", message_action="SUPPRESS")
    pool.admin_set_user_password("victim", PASSWORD, permanent=True)
    url = url_of(svc)
    results = racers.race(_workers.fail_sign_in, [(url, pool.id, client.id, "victim")] * RACERS)
    assert results == ["NotAuthorizedException: Incorrect username or password."] * RACERS
    record = svc.store.get_user(pool.id, "victim")
    assert record is not None and record.failed_attempts == RACERS
    assert record.locked_until is not None  # past the threshold: now locked


def test_a_refresh_token_revoked_in_one_process_is_refused_by_all_others_at_once(
    svc: Cognito, racers: Racers
) -> None:
    pool = svc.create_user_pool("race")
    client = pool.create_client("web", explicit_auth_flows=FLOWS)
    pool.admin_create_user("ann", message_action="SUPPRESS")
    pool.admin_set_user_password("ann", PASSWORD, permanent=True)
    tokens = pool.auth.initiate(client.id, "USER_PASSWORD_AUTH", USERNAME="ann", PASSWORD=PASSWORD)
    assert tokens.tokens is not None and tokens.tokens.refresh_token is not None
    url, refresh = url_of(svc), tokens.tokens.refresh_token
    results = racers.race(
        _workers.refresh_after_revocation,
        [(url, pool.id, client.id, refresh, i) for i in range(RACERS)],
    )
    assert results[0] == ("revoked", "revoked")
    # Refused at once: the refresh token, and the access tokens issued from it.
    assert results[1:] == [("NotAuthorizedException", "revoked")] * (RACERS - 1)


def test_a_challenge_session_answered_by_eight_processes_is_used_once(
    svc: Cognito, racers: Racers
) -> None:
    pool = svc.create_user_pool("race")
    client = pool.create_client("web", explicit_auth_flows=FLOWS)
    pool.admin_create_user("ann", temporary_password="Temporary-pass-1", message_action="SUPPRESS")
    started = pool.auth.initiate(
        client.id, "USER_PASSWORD_AUTH", USERNAME="ann", PASSWORD="Temporary-pass-1"
    )
    assert started.session is not None
    url = url_of(svc)
    results = racers.race(
        _workers.answer_new_password,
        [(url, pool.id, client.id, "ann", started.session, i) for i in range(RACERS)],
    )
    assert sorted(results) == ["NotAuthorizedException"] * 7 + ["ok"]
    winner = results.index("ok")
    signed_in = pool.auth.initiate(
        client.id, "USER_PASSWORD_AUTH", USERNAME="ann", PASSWORD=f"New-password-{winner}"
    )
    assert signed_in.tokens is not None


def test_a_reset_code_used_by_eight_processes_works_once(svc: Cognito, racers: Racers) -> None:
    pool = svc.create_user_pool("race", auto_verified_attributes=["email"])
    client = pool.create_client("web", explicit_auth_flows=FLOWS)
    pool.admin_create_user(
        "ann",
        attributes={"email": "ann@example.com", "email_verified": "true"},
        message_action="SUPPRESS",
    )
    pool.admin_set_user_password("ann", PASSWORD, permanent=True)
    pool.auth.forgot_password(client.id, "ann")
    code = svc.outbox.last(to="ann@example.com").code
    assert code is not None
    url = url_of(svc)
    results = racers.race(
        _workers.reset_password,
        [(url, pool.id, client.id, "ann", code, i) for i in range(RACERS)],
    )
    assert sorted(results) == ["ExpiredCodeException"] * 7 + ["ok"]
    winner = results.index("ok")
    signed_in = pool.auth.initiate(
        client.id, "USER_PASSWORD_AUTH", USERNAME="ann", PASSWORD=f"New-password-{winner}"
    )
    assert signed_in.tokens is not None


# -- a process killed mid-write --------------------------------------------------------------


def assert_only_whole_users(url: str, pool_id: str) -> int:
    """Opens the store afresh and checks every user holds all it should; the user count."""
    store = open_sql_store(url)
    try:
        if store.dialect == "sqlite":
            with store.engine.connect() as conn:
                assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
                assert list(conn.exec_driver_sql("PRAGMA foreign_key_check")) == []
        entries = []
        after = None
        while page := store.list_user_entries(pool_id, after=after, limit=500):
            entries += page
            after = page[-1].user.username
        for entry in entries:
            user = entry.user
            email = user.attributes["email"]
            assert entry.claims == {f"username:{user.username}", f"sub:{user.sub}"}
            assert entry.search["email"] == email and entry.search["username"] == user.username
            assert store.find_user(pool_id, f"sub:{user.sub}") == user
            listed = store.list_users(pool_id, attribute="email", value=email)
            assert [u.username for u in listed] == [user.username]
        with store.engine.connect() as conn:
            # No claim or search key survives without its user, and the reverse.
            for table in ("cogkit_user_claims", "cogkit_user_search"):
                orphans = conn.execute(
                    sa.text(
                        f"SELECT count(*) FROM {table} k LEFT JOIN cogkit_users u "
                        "ON u.pool_id = k.pool_id AND u.username = k.username "
                        "WHERE u.username IS NULL"
                    )
                ).scalar()
                assert orphans == 0
        assert store.count_users(pool_id) == len(entries)
        return len(entries)
    finally:
        store.close()


def kill_during_bulk_sign_up(svc: Cognito, rounds: int) -> None:
    """``rounds`` times: a process signs users up as fast as it can and is SIGKILLed at a
    random moment (often inside a transaction); each time the store must open cleanly and
    hold only complete users.  Afterwards it still takes new users."""
    pool = svc.create_user_pool("bulk")
    client = pool.create_client("web", explicit_auth_flows=FLOWS)
    url = url_of(svc)
    chance = random.Random(rounds)
    total = 0
    for round_ in range(rounds):
        child = CONTEXT.Process(
            target=_workers.bulk_sign_up, args=(url, pool.id, client.id, round_ * 100_000)
        )
        child.start()
        try:
            deadline = time.monotonic() + 120
            while svc.store.count_users(pool.id) < total + 20:
                assert child.is_alive() and time.monotonic() < deadline
                time.sleep(0.005)
            time.sleep(chance.uniform(0, 0.05))
            assert child.pid is not None
            os.kill(child.pid, signal.SIGKILL)
        finally:
            child.join(30)
        assert child.exitcode == -signal.SIGKILL
        child.close()
        count = assert_only_whole_users(url, pool.id)
        assert count >= total + 20
        total = count
    pool.auth.sign_up(client.id, "after-the-kill", PASSWORD, {"email": "after@example.com"})
    assert svc.store.count_users(pool.id) == total + 1


def test_a_process_killed_during_bulk_sign_up_leaves_only_whole_users(svc: Cognito) -> None:
    kill_during_bulk_sign_up(svc, rounds=3)


@pytest.mark.slow
def test_processes_killed_again_and_again_leave_only_whole_users(svc: Cognito) -> None:
    kill_during_bulk_sign_up(svc, rounds=20)

"""The stores compared: memory, SQLite and PostgreSQL, through cogkit's native API, in one run.

Run it with ``python3 bench/store.py`` (``--quick`` for a smoke run of a few seconds).
PostgreSQL is measured when ``--postgres URL`` or ``COGKIT_TEST_POSTGRES_URL`` names a
database (the benchmark works in a schema of its own and drops it afterwards).

What it measures, with ``cogkit.testing.make_cognito(store=...)`` (cheap argon2id profile,
frozen clock) in a pool where the email is the username:

* at 10,000 users, on each store: sign-up (on SQLite and PostgreSQL a durable commit per
  write: SQLite runs with ``synchronous=FULL``), the same writes made straight through
  the store (user, then code: the store's share of a sign-up), sign-in
  (``USER_PASSWORD_AUTH``, which also writes the refresh token), admin get user (by email)
  and list users by email (``filter='email = "..."'``);
* on SQLite at 1,000,000 users: the time to build them (``Store.create_users`` in batches
  of 50,000, each user with the claims and search keys the domain would give it, in a
  store opened with a 1 GiB page cache), then the same email lookups, as latencies,
  against the 1 ms target.

It prints ops/s per store, each SQL store as a ratio of memory, the lookup latency at
1,000,000 users and the ratio to 10,000 users (target ~1.0: the indexes make lookups
independent of the pool size), and checks the targets: lookups under 1 ms at 1,000,000
users on SQLite, durable sign-up at 500/s or more on SQLite.
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import random
import sqlite3
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa

# A checkout runs without installing.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import cogkit
from cogkit.domain import _accounts  # the claims the domain itself gives a user
from cogkit.domain.users import search_keys
from cogkit.services.passwords import PasslibHasher, PasswordProfile
from cogkit.stores import CodeRecord, MemoryStore, UserEntry, UserRecord
from cogkit.stores.base import Store
from cogkit.stores.sql import open_sql_store
from cogkit.testing import make_cognito

PASSWORD = "Correct-horse-1"
FLOWS = ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
LOOKUP_TARGET_MS = 1.0
SIGN_UP_TARGET = 500.0
BATCH = 50_000
#: Slices sign-ups are timed in (the best is reported).
SIGN_UP_ROUNDS = 5
#: SQLite page cache of the store the large pool is built in (MiB).
BUILD_CACHE_MIB = 1024

Op = Callable[[], object]


def email(i: int) -> str:
    # Random-looking, so the indexes grow in the middle as well as at the end.
    return f"{random.Random(i).getrandbits(40):010x}.{i}@example.com"


def rate(ops: Sequence[Op], rounds: int = 1) -> float:
    """ops/s of the fastest of ``rounds`` passes (the collector paused, as ``timeit`` does)."""
    best = float("inf")
    for _ in range(rounds):
        gc.collect()
        gc.disable()
        try:
            start = time.perf_counter()
            for op in ops:
                op()
            best = min(best, time.perf_counter() - start)
        finally:
            gc.enable()
    return len(ops) / best


@contextmanager
def postgres_schema(base: str) -> Iterator[str]:
    """A URL whose connections live in a fresh schema, dropped afterwards."""
    schema = f"cogkit_bench_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(base)
    try:
        with admin.begin() as conn:
            conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
        url = sa.make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


def lookups(pool: cogkit.UserPool, emails: Sequence[str]) -> tuple[list[Op], list[Op]]:
    """Admin get user and list users by email, one op per address."""

    def listed(address: str) -> None:
        assert len(pool.list_users(filter=f'email = "{address}"').items) == 1

    def got(address: str) -> None:
        assert pool.admin_get_user(address).attributes["email"] == address

    return [lambda a=a: got(a) for a in emails], [lambda a=a: listed(a) for a in emails]


def measure(store: Store, users: int, sample: int, rounds: int) -> dict[str, float]:
    """ops/s of the four operations on ``store``, with a pool of ``users`` users."""
    svc = make_cognito(store=store)
    pool = svc.create_user_pool(
        "bench", username_attributes=["email"], auto_verified_attributes=["email"]
    )
    client = pool.create_client("web", explicit_auth_flows=FLOWS)
    auth = pool.auth
    emails = [email(i) for i in range(users)]
    # Sign-ups cannot be repeated, so the rounds are consecutive slices of the users; the
    # best slice is reported, as for the repeatable phases.
    step = -(-users // SIGN_UP_ROUNDS)
    results = {
        "sign-up": max(
            rate([lambda e=e: auth.sign_up(client.id, e, PASSWORD) for e in emails[i : i + step]])
            for i in range(0, users, step)
        )
    }
    step = -(-sample // SIGN_UP_ROUNDS)
    results["sign-up, store writes only"] = max(
        rate([lambda i=i: store_sign_up(store, pool, users + i) for i in range(j, j + step)])
        for j in range(0, sample, step)
    )
    chosen = random.Random(7).sample(emails, sample)
    for address in chosen:
        pool.admin_confirm_sign_up(address)

    def sign_in(address: str) -> None:
        result = auth.initiate(client.id, "USER_PASSWORD_AUTH", USERNAME=address, PASSWORD=PASSWORD)
        assert result.tokens is not None

    results["sign-in"] = rate([lambda e=e: sign_in(e) for e in chosen])
    got, listed = lookups(pool, chosen)
    results["admin get user"] = rate(got, rounds)
    results["list users by email"] = rate(listed, rounds)
    return results


def new_user(pool: cogkit.UserPool, i: int, password_hash: str, now: float) -> UserEntry:
    """User ``i`` as the domain would store it, with its claims and search keys."""
    sub = str(uuid.UUID(int=random.Random(-i).getrandbits(128), version=4))
    record = UserRecord(
        pool_id=pool.id,
        username=sub,
        sub=sub,
        status="CONFIRMED",
        enabled=True,
        created_at=now,
        modified_at=now,
        attributes={"email": email(i), "email_verified": "true"},
        password_hash=password_hash,
        password_set_at=now,
    )
    claims = _accounts.unique_keys(pool.config, record)
    return UserEntry(record, claims=claims, search=search_keys(record))


_HASH = PasslibHasher(PasswordProfile.CHEAP).hash(PASSWORD)


def store_sign_up(store: Store, pool: cogkit.UserPool, i: int) -> None:
    """What a sign-up writes, straight through the store: the user with its code (one
    commit), without the domain's work (hashing, SRP verifier, checks)."""
    entry = new_user(pool, i, _HASH, 1_700_000_000.0)
    user = entry.user
    store.create_user(
        user,
        claims=entry.claims,
        search=entry.search,
        code=CodeRecord(
            pool_id=pool.id,
            username=user.username,
            purpose="sign_up",
            digest=f"{i:064x}",
            salt="salt",
            created_at=user.created_at,
            expires_at=user.created_at + 86_400,
            extra={"attribute": "email"},
        ),
    )


def build_million(url: str, count: int) -> tuple[str, float]:
    """A SQLite store with one pool of ``count`` users; the pool id and the seconds the
    users took."""
    store = open_sql_store(url, cache_mib=BUILD_CACHE_MIB)
    try:
        svc = make_cognito(store=store)
        pool = svc.create_user_pool("million", username_attributes=["email"])
        password_hash = PasslibHasher(PasswordProfile.CHEAP).hash(PASSWORD)
        now = svc.clock.now()
        start = time.perf_counter()
        for first in range(0, count, BATCH):
            entries = [
                new_user(pool, i, password_hash, now)
                for i in range(first, min(first + BATCH, count))
            ]
            store.create_users(entries)
        return pool.id, time.perf_counter() - start
    finally:
        store.close()


def commit_ceiling(path: Path, count: int) -> float:
    """Durable commits per second this disk allows: plain sqlite3, WAL, synchronous=FULL,
    one small row per commit (no cogkit, no SQLAlchemy)."""
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        connection.execute("PRAGMA journal_mode = WAL")
        connection.execute("PRAGMA synchronous = FULL")
        connection.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, data TEXT)")
        insert = "INSERT INTO t (data) VALUES (?)"
        return rate([lambda: connection.execute(insert, ("x" * 300,)) for _ in range(count)])
    finally:
        connection.close()


def sign_ups(store: Store, count: int) -> float:
    """Sign-ups per second into an empty pool of ``store``."""
    svc = make_cognito(store=store)
    pool = svc.create_user_pool("signups", username_attributes=["email"])
    client = pool.create_client("web", explicit_auth_flows=FLOWS)
    return rate(
        [lambda i=i: pool.auth.sign_up(client.id, email(i), PASSWORD) for i in range(count)]
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small n, to check the script")
    parser.add_argument("--postgres", default=os.environ.get("COGKIT_TEST_POSTGRES_URL"))
    parser.add_argument("--users", type=int, help="pool size per store (default 10,000)")
    parser.add_argument(
        "--million", type=int, help="users of the large SQLite pool (0: skip that phase)"
    )
    args = parser.parse_args(argv)
    users = args.users or (300 if args.quick else 10_000)
    large = args.million if args.million is not None else (20_000 if args.quick else 1_000_000)
    sample = min(users, 2_000)
    rounds = 2 if args.quick else 3

    print(f"cogkit {cogkit.__version__}: bench/store.py{' --quick' if args.quick else ''}")
    print(
        f"python {platform.python_version()}, SQLAlchemy {sa.__version__}, "
        f"SQLite {sqlite3.sqlite_version}; make_cognito(): "
        "cheap argon2id, frozen clock; email-as-username pool"
    )
    table: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory(prefix="cogkit-bench-") as scratch:
        memory = MemoryStore()
        table["memory"] = measure(memory, users, sample, rounds)
        # The disk's durable-commit ceiling, right before and after the SQLite phase (other
        # activity on the machine moves it a lot).
        ceilings = [commit_ceiling(Path(scratch) / "ceiling-1.db", sample)]
        sqlite = open_sql_store(f"sqlite:///{scratch}/bench.db")
        try:
            table["sqlite"] = measure(sqlite, users, sample, rounds)
        finally:
            sqlite.close()
        ceilings.append(commit_ceiling(Path(scratch) / "ceiling-2.db", sample))
        if args.postgres:
            with postgres_schema(args.postgres) as url:
                postgres = open_sql_store(url)
                try:
                    table["postgresql"] = measure(postgres, users, sample, rounds)
                finally:
                    postgres.close()

        stores = list(table)
        print(f"\n{users:,} users per pool; sign-in and lookups over {sample:,} of them (ops/s)")
        header = "".join(f"{name:>13}" for name in stores)
        ratios = "".join(f"{name + '/mem':>16}" for name in stores[1:])
        print(f"  {'':<28}{header}{ratios}")
        for op in table["memory"]:
            cells = "".join(f"{table[name][op]:>13,.0f}" for name in stores)
            shares = "".join(
                f"{table[name][op] / table['memory'][op]:>16.2f}" for name in stores[1:]
            )
            print(f"  {op:<28}{cells}{shares}")
        if not args.postgres:
            print("  (postgresql: give --postgres URL or set COGKIT_TEST_POSTGRES_URL)")

        normal = open_sql_store(f"sqlite:///{scratch}/normal.db", synchronous="NORMAL")
        try:
            relaxed = sign_ups(normal, sample)
        finally:
            normal.close()
        print(f"  sign-up, SQLite with synchronous=NORMAL (no fsync per commit): {relaxed:,.0f}/s")

        big: dict[str, float] = {}
        if large:
            url = f"sqlite:///{scratch}/million.db"
            pool_id, built = build_million(url, large)
            size = sum(f.stat().st_size for f in Path(scratch).glob("million.db*"))
            print(
                f"\nSQLite pool of {large:,} users: built with create_users in batches of "
                f"{BATCH:,} (cache_mib={BUILD_CACHE_MIB}) in {built:.1f} s "
                f"({large / built:,.0f} users/s), {size / 2**20:,.0f} MiB; looked up through a "
                "store opened afresh with the default settings"
            )
            store = open_sql_store(url)
            try:
                pool = make_cognito(store=store).user_pool(pool_id)
                spread = [email(i) for i in range(0, large, max(1, large // sample))][:sample]
                got, listed = lookups(pool, spread)
                big = {
                    "admin get user": rate(got, rounds),
                    "list users by email": rate(listed, rounds),
                }
            finally:
                store.close()
            for op, ops in big.items():
                print(f"  {op:<22}{ops:>13,.0f} ops/s {1e3 / ops:>8.3f} ms/op")

    small = table["sqlite"]
    print("\nratios and targets, measured in this run")
    for op, ops in big.items():
        flat = ops / small[op]
        ms = 1e3 / ops
        verdict = "met" if ms < LOOKUP_TARGET_MS else "NOT met"
        print(
            f"  SQLite {op}: {ms:.3f} ms at {large:,} users (target < {LOOKUP_TARGET_MS:g} ms: "
            f"{verdict}); {large:,} / {users:,} users rate ratio {flat:.2f} (target ~1.0)"
        )
    signups = small["sign-up"]
    verdict = "met" if signups >= SIGN_UP_TARGET else "NOT met"
    low, high = min(ceilings), max(ceilings)
    print(
        f"  SQLite durable sign-up: {signups:,.0f}/s (target >= {SIGN_UP_TARGET:,.0f}/s: "
        f"{verdict}); {signups / table['memory']['sign-up']:.0%} of sign-up on memory"
    )
    print(
        f"  the disk's durable commits/s around that phase (plain sqlite3, one row each): "
        f"{low:,.0f} to {high:,.0f}; a sign-up commits once (the user with its code), "
        f"its store writes alone run at {small['sign-up, store writes only']:,.0f}/s"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

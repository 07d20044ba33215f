"""The store conformance suite: the behaviour every ``Store`` implementation must have.

Use it by subclassing ``StoreConformance`` in a test module and providing a ``store``
fixture that yields a fresh, empty store::

    from cogkit.testing.store_suite import StoreConformance

    class TestMyStore(StoreConformance):
        @pytest.fixture
        def store(self):
            s = MyStore(...)
            yield s
            s.close()

``MemoryStore`` is the reference; the suite is written against its behaviour.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import attrs
import pytest

from cogkit.errors import StoreConflictError
from cogkit.stores.base import Store
from cogkit.stores.records import (
    AuthEventRecord,
    ClientRecord,
    CodeRecord,
    DeviceRecord,
    GroupRecord,
    ItemRecord,
    PasskeyRecord,
    PoolRecord,
    RefreshTokenRecord,
    SessionRecord,
    SigningKeyRecord,
    UserEntry,
    UserRecord,
)

__all__ = ["StoreConformance"]

POOL = "us-east-1_AAAAAAAAA"
OTHER_POOL = "us-east-1_BBBBBBBBB"


def pool_record(pool_id: str = POOL, **changes: Any) -> PoolRecord:
    base = PoolRecord(
        id=pool_id,
        name="pool",
        created_at=1.0,
        modified_at=1.0,
        config={"case_sensitive": True, "nested": {"a": [1, 2]}},
    )
    return attrs.evolve(base, **changes)


def user_record(username: str, pool_id: str = POOL, **changes: Any) -> UserRecord:
    base = UserRecord(
        pool_id=pool_id,
        username=username,
        sub=f"sub-{username}",
        status="CONFIRMED",
        enabled=True,
        created_at=1.0,
        modified_at=1.0,
        attributes={"email": f"{username}@example.com"},
        password_hash="$argon2id$fake",
        extra={"mfa": {"enabled": []}},
    )
    return attrs.evolve(base, **changes)


def refresh_record(
    digest: str, origin: str, username: str = "ann", pool_id: str = POOL
) -> RefreshTokenRecord:
    return RefreshTokenRecord(
        digest=digest,
        origin_jti=origin,
        pool_id=pool_id,
        client_id="client1",
        username=username,
        auth_time=1,
        event_id="event",
        issued_at=1.0,
        expires_at=100.0,
        extra={"scopes": ["aws.cognito.signin.user.admin"]},
    )


def code_record(
    username: str = "ann", purpose: str = "sign_up", digest: str = "d1", pool_id: str = POOL
) -> CodeRecord:
    return CodeRecord(
        pool_id=pool_id,
        username=username,
        purpose=purpose,
        digest=digest,
        salt="salt",
        created_at=1.0,
        expires_at=2.0,
        extra={"attribute": "email"},
    )


def session_record(digest: str = "s1", pool_id: str = POOL) -> SessionRecord:
    return SessionRecord(
        digest=digest,
        pool_id=pool_id,
        client_id="client1",
        username="ann",
        challenge="NEW_PASSWORD_REQUIRED",
        created_at=1.0,
        expires_at=2.0,
        state={"admin": False, "list": [1, "x"]},
    )


def race(count: int, action: Callable[[int], Any]) -> list[Any]:
    """Runs ``action(i)`` in ``count`` threads at once; returns results or exceptions."""
    barrier = threading.Barrier(count)
    results: list[Any] = [None] * count

    def run(i: int) -> None:
        barrier.wait()
        try:
            results[i] = action(i)
        except Exception as exc:
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


class StoreConformance:
    """Subclass and provide a ``store`` fixture yielding an empty store."""

    @pytest.fixture
    def pooled(self, store: Store) -> Store:
        store.create_pool(pool_record())
        store.create_pool(pool_record(OTHER_POOL))
        return store

    # -- protocol ------------------------------------------------------------------------

    def test_implements_the_store_protocol(self, store: Store) -> None:
        assert isinstance(store, Store)

    # -- pools ---------------------------------------------------------------------------

    def test_pool_round_trips_exactly(self, store: Store) -> None:
        store.create_pool(pool_record())
        assert store.get_pool(POOL) == pool_record()

    def test_missing_pool_is_none(self, store: Store) -> None:
        assert store.get_pool(POOL) is None

    def test_creating_a_pool_twice_conflicts(self, store: Store) -> None:
        store.create_pool(pool_record())
        with pytest.raises(StoreConflictError):
            store.create_pool(pool_record(name="again"))
        assert store.get_pool(POOL) == pool_record()

    def test_pool_update_bumps_the_version(self, store: Store) -> None:
        store.create_pool(pool_record())
        stored = store.update_pool(pool_record(name="renamed"), expected_version=0)
        assert stored.version == 1
        assert store.get_pool(POOL) == stored

    def test_pool_update_with_a_stale_version_conflicts(self, store: Store) -> None:
        store.create_pool(pool_record())
        store.update_pool(pool_record(name="one"), expected_version=0)
        with pytest.raises(StoreConflictError) as caught:
            store.update_pool(pool_record(name="two"), expected_version=0)
        assert caught.value.key is None
        assert store.get_pool(POOL).name == "one"  # type: ignore[union-attr]

    def test_pools_list_in_id_order_with_paging(self, store: Store) -> None:
        ids = [f"us-east-1_{c * 9}" for c in "DCEAB"]
        for pool_id in ids:
            store.create_pool(pool_record(pool_id))
        first = store.list_pools(after=None, limit=3)
        rest = store.list_pools(after=first[-1].id, limit=3)
        assert [p.id for p in (*first, *rest)] == sorted(ids)

    def test_deleting_a_pool_deletes_what_it_holds(self, pooled: Store) -> None:
        pooled.create_client(
            ClientRecord(
                id="client1", pool_id=POOL, name="c", created_at=1, modified_at=1, config={}
            )
        )
        pooled.create_user(user_record("ann"), claims={"username:ann"}, search={"username": "ann"})
        pooled.put_code(code_record())
        pooled.put_session(session_record())
        pooled.put_refresh_token(refresh_record("r1", "o1"))
        pooled.put_signing_key(
            SigningKeyRecord(pool_id=POOL, kid="k1", use="id", private_pem="pem", created_at=1.0)
        )
        assert pooled.delete_pool(POOL) is True
        assert pooled.get_pool(POOL) is None
        assert pooled.get_client("client1") is None
        assert pooled.get_user(POOL, "ann") is None
        assert pooled.get_code(POOL, "ann", "sign_up") is None
        assert pooled.get_session("s1") is None
        assert pooled.get_refresh_token("r1") is None
        assert pooled.find_refresh_family("o1") is None
        assert pooled.list_signing_keys(POOL) == []
        assert pooled.get_pool(OTHER_POOL) is not None
        assert pooled.delete_pool(POOL) is False

    # -- clients -------------------------------------------------------------------------

    def test_client_round_trips_and_updates(self, pooled: Store) -> None:
        client = ClientRecord(
            id="c1",
            pool_id=POOL,
            name="web",
            created_at=1,
            modified_at=1,
            config={"secret": "s", "flows": ["A", "B"]},
        )
        pooled.create_client(client)
        assert pooled.get_client("c1") == client
        stored = pooled.update_client(attrs.evolve(client, name="app"), expected_version=0)
        assert stored.version == 1 and pooled.get_client("c1") == stored
        with pytest.raises(StoreConflictError):
            pooled.update_client(attrs.evolve(client, name="x"), expected_version=0)

    def test_client_ids_are_unique_across_pools(self, pooled: Store) -> None:
        pooled.create_client(
            ClientRecord(id="c1", pool_id=POOL, name="a", created_at=1, modified_at=1, config={})
        )
        with pytest.raises(StoreConflictError):
            pooled.create_client(
                ClientRecord(
                    id="c1", pool_id=OTHER_POOL, name="b", created_at=1, modified_at=1, config={}
                )
            )

    def test_clients_list_per_pool_in_id_order(self, pooled: Store) -> None:
        for cid, pool_id in (("c3", POOL), ("c1", POOL), ("c2", OTHER_POOL), ("c0", POOL)):
            pooled.create_client(
                ClientRecord(
                    id=cid, pool_id=pool_id, name=cid, created_at=1, modified_at=1, config={}
                )
            )
        first = pooled.list_clients(POOL, after=None, limit=2)
        rest = pooled.list_clients(POOL, after=first[-1].id, limit=2)
        assert [c.id for c in (*first, *rest)] == ["c0", "c1", "c3"]
        assert pooled.delete_client("c1") is True
        assert pooled.delete_client("c1") is False

    # -- users ---------------------------------------------------------------------------

    def test_user_round_trips_exactly(self, pooled: Store) -> None:
        user = user_record("ann")
        pooled.create_user(user, claims={"username:ann"}, search={"username": "ann"})
        assert pooled.get_user(POOL, "ann") == user
        assert pooled.get_user(OTHER_POOL, "ann") is None

    def test_usernames_are_unique_per_pool_only(self, pooled: Store) -> None:
        pooled.create_user(user_record("ann"), claims={"username:ann"}, search={})
        with pytest.raises(StoreConflictError):
            pooled.create_user(user_record("ann"), claims={"username:ann2"}, search={})
        pooled.create_user(user_record("ann", OTHER_POOL), claims={"username:ann"}, search={})

    def test_a_claim_belongs_to_one_user(self, pooled: Store) -> None:
        pooled.create_user(user_record("ann"), claims={"username:ann", "email:a@x"}, search={})
        with pytest.raises(StoreConflictError) as caught:
            pooled.create_user(user_record("bob"), claims={"username:bob", "email:a@x"}, search={})
        assert caught.value.key == "email:a@x"
        assert pooled.get_user(POOL, "bob") is None
        assert pooled.find_user(POOL, "username:bob") is None

    def test_find_user_by_claim(self, pooled: Store) -> None:
        pooled.create_user(user_record("ann"), claims={"username:ann", "email:a@x"}, search={})
        assert pooled.find_user(POOL, "email:a@x").username == "ann"  # type: ignore[union-attr]
        assert pooled.find_user(OTHER_POOL, "email:a@x") is None
        assert pooled.find_user(POOL, "email:b@x") is None

    def test_update_replaces_claims(self, pooled: Store) -> None:
        user = user_record("ann")
        pooled.create_user(user, claims={"username:ann", "email:a@x"}, search={})
        pooled.update_user(user, expected_version=0, claims={"username:ann", "email:b@x"})
        assert pooled.find_user(POOL, "email:a@x") is None
        assert pooled.find_user(POOL, "email:b@x") is not None
        pooled.create_user(user_record("bob"), claims={"username:bob", "email:a@x"}, search={})

    def test_update_with_a_taken_claim_changes_nothing(self, pooled: Store) -> None:
        ann = user_record("ann")
        pooled.create_user(ann, claims={"username:ann"}, search={"email": "a"})
        pooled.create_user(user_record("bob"), claims={"username:bob", "email:b@x"}, search={})
        with pytest.raises(StoreConflictError) as caught:
            pooled.update_user(
                attrs.evolve(ann, status="UNCONFIRMED"),
                expected_version=0,
                claims={"username:ann", "email:b@x"},
                search={"email": "b"},
            )
        assert caught.value.key == "email:b@x"
        assert pooled.get_user(POOL, "ann") == ann
        assert [u.username for u in pooled.list_users(POOL, attribute="email", value="a")] == [
            "ann"
        ]

    def test_update_keeps_claims_when_not_given(self, pooled: Store) -> None:
        user = user_record("ann")
        pooled.create_user(user, claims={"username:ann", "email:a@x"}, search={})
        pooled.update_user(attrs.evolve(user, status="X"), expected_version=0)
        assert pooled.find_user(POOL, "email:a@x") is not None

    def test_update_with_a_stale_version_conflicts(self, pooled: Store) -> None:
        user = user_record("ann")
        pooled.create_user(user, claims={"username:ann"}, search={})
        stored = pooled.update_user(attrs.evolve(user, failed_attempts=1), expected_version=0)
        assert stored.version == 1 and stored.failed_attempts == 1
        with pytest.raises(StoreConflictError) as caught:
            pooled.update_user(attrs.evolve(user, failed_attempts=5), expected_version=0)
        assert caught.value.key is None
        assert pooled.get_user(POOL, "ann").failed_attempts == 1  # type: ignore[union-attr]

    def test_updating_a_missing_user_conflicts(self, pooled: Store) -> None:
        with pytest.raises(StoreConflictError):
            pooled.update_user(user_record("ghost"), expected_version=0)

    def test_concurrent_increments_lose_nothing(self, pooled: Store) -> None:
        pooled.create_user(user_record("ann"), claims={"username:ann"}, search={})

        def bump(_: int) -> None:
            while True:
                current = pooled.get_user(POOL, "ann")
                assert current is not None
                try:
                    pooled.update_user(
                        attrs.evolve(current, failed_attempts=current.failed_attempts + 1),
                        expected_version=current.version,
                    )
                    return
                except StoreConflictError:
                    continue

        race(8, bump)
        assert pooled.get_user(POOL, "ann").failed_attempts == 8  # type: ignore[union-attr]

    def test_concurrent_claims_have_one_winner(self, pooled: Store) -> None:
        results = race(
            8,
            lambda i: pooled.create_user(
                user_record(f"user{i}"), claims={f"username:user{i}", "email:same@x"}, search={}
            ),
        )
        assert sum(r is None for r in results) == 1
        assert all(isinstance(r, StoreConflictError) for r in results if r is not None)

    def test_delete_user_removes_claims_index_codes_sessions_tokens(self, pooled: Store) -> None:
        pooled.create_user(
            user_record("ann"), claims={"username:ann", "email:a@x"}, search={"email": "a@x"}
        )
        pooled.put_code(code_record())
        pooled.put_session(session_record())
        pooled.put_refresh_token(refresh_record("r1", "o1"))
        assert pooled.delete_user(POOL, "ann") is True
        assert pooled.get_user(POOL, "ann") is None
        assert pooled.find_user(POOL, "email:a@x") is None
        assert list(pooled.list_users(POOL, attribute="email", value="a@x")) == []
        assert pooled.get_code(POOL, "ann", "sign_up") is None
        assert pooled.get_session("s1") is None
        assert pooled.get_refresh_token("r1") is None
        assert pooled.count_users(POOL) == 0
        assert pooled.delete_user(POOL, "ann") is False
        pooled.create_user(user_record("bob"), claims={"username:bob", "email:a@x"}, search={})

    def test_list_users_without_filter_pages_by_username(self, pooled: Store) -> None:
        names = ["carl", "ann", "bob", "dave", "eve"]
        for name in names:
            pooled.create_user(user_record(name), claims={f"username:{name}"}, search={})
        first = pooled.list_users(POOL, limit=2)
        second = pooled.list_users(POOL, after=("", first[-1].username), limit=2)
        third = pooled.list_users(POOL, after=("", second[-1].username), limit=2)
        assert [u.username for u in (*first, *second, *third)] == sorted(names)
        assert pooled.count_users(POOL) == 5

    def test_list_users_equality_and_prefix(self, pooled: Store) -> None:
        for name, email in (("a", "ann@x"), ("b", "anna@x"), ("c", "bob@x"), ("d", "ann@x")):
            pooled.create_user(
                user_record(name), claims={f"username:{name}"}, search={"email": email}
            )
        exact = pooled.list_users(POOL, attribute="email", value="ann@x")
        assert [u.username for u in exact] == ["a", "d"]
        prefix = pooled.list_users(POOL, attribute="email", value="ann", prefix=True)
        assert [u.username for u in prefix] == ["a", "d", "b"]
        none = pooled.list_users(POOL, attribute="email", value="zed", prefix=True)
        assert list(none) == []
        assert list(pooled.list_users(POOL, attribute="name", value="ann")) == []

    def test_list_users_pages_through_a_filter(self, pooled: Store) -> None:
        for i in range(7):
            pooled.create_user(
                user_record(f"u{i}"), claims={f"username:u{i}"}, search={"email": f"p{i % 3}@x"}
            )
        seen: list[str] = []
        after = None
        while True:
            page = pooled.list_users(
                POOL, attribute="email", value="p", prefix=True, after=after, limit=3
            )
            seen += [u.username for u in page]
            if len(page) < 3:
                break
            last = page[-1]
            after = (f"p{int(last.username[1:]) % 3}@x", last.username)
        assert seen == ["u0", "u3", "u6", "u1", "u4", "u2", "u5"]

    def test_update_moves_search_keys(self, pooled: Store) -> None:
        user = user_record("ann")
        pooled.create_user(user, claims={"username:ann"}, search={"email": "old@x"})
        pooled.update_user(user, expected_version=0, search={"email": "new@x"})
        assert list(pooled.list_users(POOL, attribute="email", value="old@x")) == []
        assert len(pooled.list_users(POOL, attribute="email", value="new@x")) == 1

    def test_list_users_with_zero_limit_is_empty(self, pooled: Store) -> None:
        pooled.create_user(user_record("ann"), claims={"username:ann"}, search={})
        assert list(pooled.list_users(POOL, limit=0)) == []

    def test_create_users_stores_every_user_with_its_keys(self, pooled: Store) -> None:
        entries = [
            UserEntry(
                user_record(name, version=3),
                claims={f"username:{name}", f"email:{name}@x"},
                search={"email": f"{name}@x"},
            )
            for name in ("bob", "ann", "carl")
        ]
        pooled.create_users(entries)
        assert pooled.get_user(POOL, "ann") == user_record("ann", version=3)
        assert pooled.find_user(POOL, "email:carl@x").username == "carl"  # type: ignore[union-attr]
        found = pooled.list_users(POOL, attribute="email", value="b", prefix=True)
        assert [u.username for u in found] == ["bob"]
        assert [u.username for u in pooled.list_users(POOL)] == ["ann", "bob", "carl"]
        assert pooled.count_users(POOL) == 3

    def test_create_users_with_a_taken_claim_writes_nothing(self, pooled: Store) -> None:
        pooled.create_user(user_record("ann"), claims={"username:ann", "email:a@x"}, search={})
        entries = [
            UserEntry(user_record("bob"), claims={"username:bob"}, search={"email": "b@x"}),
            UserEntry(user_record("carl"), claims={"username:carl", "email:a@x"}, search={}),
        ]
        with pytest.raises(StoreConflictError) as caught:
            pooled.create_users(entries)
        assert caught.value.key == "email:a@x"
        assert pooled.get_user(POOL, "bob") is None
        assert pooled.find_user(POOL, "username:bob") is None
        assert list(pooled.list_users(POOL, attribute="email", value="b@x")) == []
        assert pooled.count_users(POOL) == 1

    def test_create_users_with_a_taken_username_conflicts(self, pooled: Store) -> None:
        pooled.create_user(user_record("ann"), claims={"username:ann"}, search={})
        with pytest.raises(StoreConflictError) as caught:
            pooled.create_users([UserEntry(user_record("ann"), claims={"username:x"}, search={})])
        assert caught.value.key == "username:ann"
        assert pooled.find_user(POOL, "username:x") is None

    def test_create_users_clashing_within_the_batch_writes_nothing(self, pooled: Store) -> None:
        twins = [
            UserEntry(user_record("ann"), claims={"username:ann", "email:same@x"}, search={}),
            UserEntry(user_record("bob"), claims={"username:bob", "email:same@x"}, search={}),
        ]
        with pytest.raises(StoreConflictError) as caught:
            pooled.create_users(twins)
        assert caught.value.key == "email:same@x"
        same_name = [
            UserEntry(user_record("ann"), claims={"username:ann"}, search={}),
            UserEntry(user_record("ann"), claims={"username:ann2"}, search={}),
        ]
        with pytest.raises(StoreConflictError):
            pooled.create_users(same_name)
        assert pooled.count_users(POOL) == 0

    def test_user_entries_list_by_username_with_their_keys(self, pooled: Store) -> None:
        for name in ("carl", "ann", "bob", "dave"):
            pooled.create_user(
                user_record(name),
                claims={f"username:{name}", f"sub:sub-{name}"},
                search={"username": name, "email": f"{name}@example.com"},
            )
        pooled.create_user(user_record("zed", OTHER_POOL), claims={"username:zed"}, search={})
        pooled.delete_user(POOL, "dave")
        first = pooled.list_user_entries(POOL, after=None, limit=2)
        rest = pooled.list_user_entries(POOL, after=first[-1].user.username, limit=2)
        entries = [*first, *rest]
        assert [e.user.username for e in entries] == ["ann", "bob", "carl"]
        assert entries[0] == UserEntry(
            user_record("ann"),
            claims={"username:ann", "sub:sub-ann"},
            search={"username": "ann", "email": "ann@example.com"},
        )
        assert list(pooled.list_user_entries(POOL, after=None, limit=0)) == []
        assert list(pooled.list_user_entries("us-east-1_ZZZZZZZZZ", after=None, limit=5)) == []

    # -- codes ---------------------------------------------------------------------------

    def test_code_round_trips_and_replaces(self, pooled: Store) -> None:
        pooled.put_code(code_record())
        assert pooled.get_code(POOL, "ann", "sign_up") == code_record()
        pooled.put_code(code_record(digest="d2"))
        assert pooled.get_code(POOL, "ann", "sign_up").digest == "d2"  # type: ignore[union-attr]
        assert pooled.get_code(POOL, "ann", "forgot_password") is None

    def test_a_user_is_created_with_its_first_code_or_not_at_all(self, pooled: Store) -> None:
        pooled.create_user(
            user_record("ann"), claims={"username:ann"}, search={}, code=code_record()
        )
        assert pooled.get_code(POOL, "ann", "sign_up") == code_record()
        with pytest.raises(StoreConflictError):
            pooled.create_user(
                user_record("bob"),
                claims={"username:ann"},
                search={},
                code=code_record("bob"),
            )
        assert pooled.get_user(POOL, "bob") is None
        assert pooled.get_code(POOL, "bob", "sign_up") is None

    def test_code_attempts_count_only_for_that_code(self, pooled: Store) -> None:
        pooled.put_code(code_record())
        assert pooled.add_code_attempt(POOL, "ann", "sign_up", "d1") == 1
        assert pooled.add_code_attempt(POOL, "ann", "sign_up", "d1") == 2
        assert pooled.add_code_attempt(POOL, "ann", "sign_up", "other") == 0
        assert pooled.get_code(POOL, "ann", "sign_up").attempts == 2  # type: ignore[union-attr]

    def test_concurrent_code_attempts_all_count(self, pooled: Store) -> None:
        pooled.put_code(code_record())
        race(8, lambda _: pooled.add_code_attempt(POOL, "ann", "sign_up", "d1"))
        assert pooled.get_code(POOL, "ann", "sign_up").attempts == 8  # type: ignore[union-attr]

    def test_a_code_is_taken_once(self, pooled: Store) -> None:
        pooled.put_code(code_record())
        assert pooled.take_code(POOL, "ann", "sign_up", "other") is False
        results = race(8, lambda _: pooled.take_code(POOL, "ann", "sign_up", "d1"))
        assert results.count(True) == 1
        assert pooled.get_code(POOL, "ann", "sign_up") is None

    def test_delete_codes_by_purpose_or_all(self, pooled: Store) -> None:
        pooled.put_code(code_record())
        pooled.put_code(code_record(purpose="forgot_password"))
        pooled.put_code(code_record(username="bob"))
        assert pooled.delete_codes(POOL, "ann", "sign_up") == 1
        assert pooled.delete_codes(POOL, "ann") == 1
        assert pooled.get_code(POOL, "bob", "sign_up") is not None

    def test_codes_list_per_pool_by_user_and_purpose(self, pooled: Store) -> None:
        for username, purpose in (("bob", "sign_up"), ("ann", "verify:email"), ("ann", "sign_up")):
            pooled.put_code(code_record(username=username, purpose=purpose))
        pooled.put_code(code_record(username="carl", pool_id=OTHER_POOL))
        first = pooled.list_codes(POOL, after=None, limit=2)
        rest = pooled.list_codes(POOL, after=(first[-1].username, first[-1].purpose), limit=2)
        assert [(c.username, c.purpose) for c in (*first, *rest)] == [
            ("ann", "sign_up"),
            ("ann", "verify:email"),
            ("bob", "sign_up"),
        ]
        assert first[0] == code_record()

    # -- sessions ------------------------------------------------------------------------

    def test_session_round_trips_and_is_taken_once(self, pooled: Store) -> None:
        pooled.put_session(session_record())
        assert pooled.get_session("s1") == session_record()
        results = race(8, lambda _: pooled.take_session("s1"))
        assert sum(r == session_record() for r in results) == 1
        assert pooled.get_session("s1") is None
        assert pooled.take_session("s1") is None

    def test_sessions_list_per_pool_by_digest(self, pooled: Store) -> None:
        for digest in ("s3", "s1", "s2"):
            pooled.put_session(session_record(digest))
        pooled.put_session(session_record("s0", OTHER_POOL))
        first = pooled.list_sessions(POOL, after=None, limit=2)
        rest = pooled.list_sessions(POOL, after=first[-1].digest, limit=2)
        assert [s.digest for s in (*first, *rest)] == ["s1", "s2", "s3"]
        assert first[0] == session_record("s1")

    # -- refresh tokens ------------------------------------------------------------------

    def test_refresh_token_round_trips(self, pooled: Store) -> None:
        token = refresh_record("r1", "o1")
        pooled.put_refresh_token(token)
        assert pooled.get_refresh_token("r1") == token
        assert pooled.find_refresh_family("o1") == token
        assert pooled.get_refresh_token("nope") is None

    def test_revoking_a_family_is_seen_at_once(self, pooled: Store) -> None:
        pooled.put_refresh_token(refresh_record("r1", "o1"))
        assert pooled.revoke_refresh_family("o1", 5.0) is True
        assert pooled.revoke_refresh_family("o1", 6.0) is False
        assert pooled.get_refresh_token("r1").revoked_at == 5.0  # type: ignore[union-attr]
        assert pooled.revoke_refresh_family("unknown", 5.0) is False

    def test_revoking_a_users_tokens(self, pooled: Store) -> None:
        pooled.put_refresh_token(refresh_record("r1", "o1"))
        pooled.put_refresh_token(refresh_record("r2", "o2"))
        pooled.put_refresh_token(refresh_record("r3", "o3", username="bob"))
        pooled.revoke_refresh_family("o2", 1.0)
        assert pooled.revoke_user_refresh_tokens(POOL, "ann", 9.0) == 1
        assert pooled.get_refresh_token("r1").revoked_at == 9.0  # type: ignore[union-attr]
        assert pooled.get_refresh_token("r2").revoked_at == 1.0  # type: ignore[union-attr]
        assert pooled.get_refresh_token("r3").revoked_at is None  # type: ignore[union-attr]

    def test_refresh_families_are_unique(self, pooled: Store) -> None:
        pooled.put_refresh_token(refresh_record("r1", "o1"))
        with pytest.raises(StoreConflictError):
            pooled.put_refresh_token(refresh_record("r2", "o1"))

    def test_rotating_a_token_adds_its_successor_to_the_family(self, pooled: Store) -> None:
        pooled.put_refresh_token(refresh_record("r1", "o1"))
        successor = attrs.evolve(refresh_record("r2", "o1"), parent="r1", issued_at=2.0)
        assert pooled.rotate_refresh_token("r1", successor, at=5.0, grace_from=5.0) is True
        assert pooled.get_refresh_token("r1") == attrs.evolve(
            refresh_record("r1", "o1"), rotated_at=5.0
        )
        assert pooled.get_refresh_token("r2") == successor
        assert pooled.find_refresh_family("o1") == successor

    def test_a_rotated_token_rotates_again_only_after_grace_from(self, pooled: Store) -> None:
        pooled.put_refresh_token(refresh_record("r1", "o1"))
        child = attrs.evolve(refresh_record("r2", "o1"), parent="r1")
        assert pooled.rotate_refresh_token("r1", child, at=5.0, grace_from=5.0) is True
        retry = attrs.evolve(refresh_record("r3", "o1"), parent="r1")
        assert pooled.rotate_refresh_token("r1", retry, at=9.0, grace_from=4.0) is True
        late = attrs.evolve(refresh_record("r4", "o1"), parent="r1")
        assert pooled.rotate_refresh_token("r1", late, at=20.0, grace_from=5.0) is False
        assert pooled.get_refresh_token("r1").rotated_at == 5.0  # type: ignore[union-attr]
        assert pooled.get_refresh_token("r3") == retry
        assert pooled.get_refresh_token("r4") is None

    def test_unknown_or_revoked_tokens_do_not_rotate(self, pooled: Store) -> None:
        child = attrs.evolve(refresh_record("r2", "o1"), parent="r1")
        assert pooled.rotate_refresh_token("r1", child, at=5.0, grace_from=5.0) is False
        pooled.put_refresh_token(refresh_record("r1", "o1"))
        pooled.revoke_refresh_family("o1", 3.0)
        assert pooled.rotate_refresh_token("r1", child, at=5.0, grace_from=5.0) is False
        assert pooled.get_refresh_token("r2") is None
        assert pooled.get_refresh_token("r1").rotated_at is None  # type: ignore[union-attr]

    def test_a_successor_with_a_stored_digest_is_a_conflict(self, pooled: Store) -> None:
        pooled.put_refresh_token(refresh_record("r1", "o1"))
        pooled.put_refresh_token(refresh_record("r2", "o2"))
        clash = attrs.evolve(refresh_record("r2", "o1"), parent="r1")
        with pytest.raises(StoreConflictError):
            pooled.rotate_refresh_token("r1", clash, at=5.0, grace_from=5.0)
        assert pooled.get_refresh_token("r1").rotated_at is None  # type: ignore[union-attr]

    def test_revoking_a_family_revokes_every_rotated_token(self, pooled: Store) -> None:
        pooled.put_refresh_token(refresh_record("r1", "o1"))
        child = attrs.evolve(refresh_record("r2", "o1"), parent="r1")
        grandchild = attrs.evolve(refresh_record("r3", "o1"), parent="r2")
        pooled.rotate_refresh_token("r1", child, at=5.0, grace_from=5.0)
        pooled.rotate_refresh_token("r2", grandchild, at=6.0, grace_from=6.0)
        pooled.put_refresh_token(refresh_record("r9", "o9"))
        assert pooled.revoke_refresh_family("o1", 7.0) is True
        for digest in ("r1", "r2", "r3"):
            assert pooled.get_refresh_token(digest).revoked_at == 7.0  # type: ignore[union-attr]
        assert pooled.find_refresh_family("o1").revoked_at == 7.0  # type: ignore[union-attr]
        assert pooled.get_refresh_token("r9").revoked_at is None  # type: ignore[union-attr]
        assert pooled.revoke_refresh_family("o1", 8.0) is False

    def test_rotated_tokens_go_with_their_user(self, pooled: Store) -> None:
        pooled.create_user(user_record("ann"), claims={"username:ann"}, search={})
        pooled.put_refresh_token(refresh_record("r1", "o1"))
        child = attrs.evolve(refresh_record("r2", "o1"), parent="r1")
        pooled.rotate_refresh_token("r1", child, at=5.0, grace_from=5.0)
        assert pooled.revoke_user_refresh_tokens(POOL, "ann", 9.0) == 2
        pooled.delete_user(POOL, "ann")
        assert pooled.get_refresh_token("r2") is None
        assert pooled.find_refresh_family("o1") is None

    def test_a_token_with_a_parent_joins_its_family_when_put(self, pooled: Store) -> None:
        child = attrs.evolve(refresh_record("r2", "o1"), parent="r1")
        pooled.put_refresh_token(child)
        root = attrs.evolve(refresh_record("r1", "o1"), rotated_at=5.0)
        pooled.put_refresh_token(root)
        assert pooled.get_refresh_token("r2") == child
        assert pooled.get_refresh_token("r1") == root
        with pytest.raises(StoreConflictError):
            pooled.put_refresh_token(child)
        with pytest.raises(StoreConflictError):
            pooled.put_refresh_token(refresh_record("r3", "o1"))

    def test_concurrent_rotations_have_one_winner(self, pooled: Store) -> None:
        pooled.put_refresh_token(refresh_record("r1", "o1"))
        results = race(
            8,
            lambda i: pooled.rotate_refresh_token(
                "r1",
                attrs.evolve(refresh_record(f"c{i}", "o1"), parent="r1"),
                at=5.0,
                grace_from=5.0,
            ),
        )
        assert sorted(results) == [False] * 7 + [True]
        winner = results.index(True)
        assert pooled.get_refresh_token(f"c{winner}") is not None
        assert sum(pooled.get_refresh_token(f"c{i}") is not None for i in range(8)) == 1

    def test_refresh_tokens_list_per_pool_by_digest(self, pooled: Store) -> None:
        for digest in ("r3", "r1", "r2"):
            pooled.put_refresh_token(refresh_record(digest, f"o-{digest}"))
        pooled.put_refresh_token(refresh_record("r0", "o-r0", pool_id=OTHER_POOL))
        pooled.revoke_refresh_family("o-r2", 7.0)
        first = pooled.list_refresh_tokens(POOL, after=None, limit=2)
        rest = pooled.list_refresh_tokens(POOL, after=first[-1].digest, limit=2)
        assert [t.digest for t in (*first, *rest)] == ["r1", "r2", "r3"]
        assert first[1] == attrs.evolve(refresh_record("r2", "o-r2"), revoked_at=7.0)

    # -- signing keys --------------------------------------------------------------------

    def test_signing_keys_list_oldest_first_and_update_in_place(self, pooled: Store) -> None:
        first = SigningKeyRecord(pool_id=POOL, kid="k1", use="id", private_pem="p1", created_at=1.0)
        second = SigningKeyRecord(
            pool_id=POOL, kid="k2", use="access", private_pem="p2", created_at=2.0
        )
        pooled.put_signing_key(first)
        pooled.put_signing_key(second)
        assert list(pooled.list_signing_keys(POOL)) == [first, second]
        pooled.put_signing_key(attrs.evolve(first, active=False))
        keys = {k.kid: k for k in pooled.list_signing_keys(POOL)}
        assert keys["k1"].active is False and len(keys) == 2
        assert list(pooled.list_signing_keys(OTHER_POOL)) == []

    # -- groups --------------------------------------------------------------------------

    def _group(self, name: str, pool_id: str = POOL, **changes: Any) -> GroupRecord:
        return attrs.evolve(
            GroupRecord(
                pool_id=pool_id,
                name=name,
                created_at=1.0,
                modified_at=1.0,
                description="d",
                role_arn="arn:aws:iam::123456789012:role/r",
                precedence=3,
            ),
            **changes,
        )

    def _users(self, store: Store, *names: str) -> None:
        for name in names:
            store.create_user(user_record(name), claims={f"username:{name}"}, search={})

    def test_group_round_trips_and_updates(self, pooled: Store) -> None:
        pooled.create_group(self._group("admins"))
        assert pooled.get_group(POOL, "admins") == self._group("admins")
        assert pooled.get_group(OTHER_POOL, "admins") is None
        stored = pooled.update_group(
            self._group("admins", precedence=None, description=None), expected_version=0
        )
        assert stored.version == 1 and pooled.get_group(POOL, "admins") == stored
        with pytest.raises(StoreConflictError):
            pooled.update_group(self._group("admins"), expected_version=0)

    def test_group_names_are_unique_per_pool(self, pooled: Store) -> None:
        pooled.create_group(self._group("admins"))
        with pytest.raises(StoreConflictError) as caught:
            pooled.create_group(self._group("admins", description="again"))
        assert caught.value.key == "group:admins"
        pooled.create_group(self._group("admins", OTHER_POOL))

    def test_groups_list_by_name_with_paging(self, pooled: Store) -> None:
        for name in ("c", "a", "d", "b"):
            pooled.create_group(self._group(name))
        first = pooled.list_groups(POOL, after=None, limit=3)
        rest = pooled.list_groups(POOL, after=first[-1].name, limit=3)
        assert [g.name for g in (*first, *rest)] == ["a", "b", "c", "d"]
        assert pooled.count_groups(POOL) == 4
        assert pooled.count_groups(OTHER_POOL) == 0
        pooled.delete_group(POOL, "b")
        assert pooled.count_groups(POOL) == 3

    def test_members_are_added_once_and_listed_in_order(self, pooled: Store) -> None:
        self._users(pooled, "bob", "ann", "cy")
        pooled.create_group(self._group("g"))
        assert pooled.add_member(POOL, "g", "bob") is True
        assert pooled.add_member(POOL, "g", "bob") is False
        pooled.add_member(POOL, "g", "ann")
        pooled.add_member(POOL, "g", "cy")
        first = pooled.list_members(POOL, "g", after=None, limit=2)
        rest = pooled.list_members(POOL, "g", after=first[-1], limit=2)
        assert [*first, *rest] == ["ann", "bob", "cy"]
        assert list(pooled.groups_of(POOL, "bob")) == ["g"]

    def test_membership_needs_group_and_user(self, pooled: Store) -> None:
        self._users(pooled, "ann")
        pooled.create_group(self._group("g"))
        with pytest.raises(StoreConflictError):
            pooled.add_member(POOL, "nope", "ann")
        with pytest.raises(StoreConflictError):
            pooled.add_member(POOL, "g", "ghost")

    def test_removing_members(self, pooled: Store) -> None:
        self._users(pooled, "ann")
        pooled.create_group(self._group("g"))
        pooled.create_group(self._group("h"))
        pooled.add_member(POOL, "g", "ann")
        pooled.add_member(POOL, "h", "ann")
        assert pooled.remove_member(POOL, "g", "ann") is True
        assert pooled.remove_member(POOL, "g", "ann") is False
        assert list(pooled.groups_of(POOL, "ann")) == ["h"]
        assert list(pooled.list_members(POOL, "g", after=None, limit=10)) == []

    def test_deleting_a_group_ends_its_memberships(self, pooled: Store) -> None:
        self._users(pooled, "ann")
        pooled.create_group(self._group("g"))
        pooled.add_member(POOL, "g", "ann")
        assert pooled.delete_group(POOL, "g") is True
        assert pooled.delete_group(POOL, "g") is False
        assert list(pooled.groups_of(POOL, "ann")) == []
        pooled.create_group(self._group("g"))
        assert list(pooled.list_members(POOL, "g", after=None, limit=10)) == []

    def test_deleting_a_user_ends_its_memberships(self, pooled: Store) -> None:
        self._users(pooled, "ann", "bob")
        pooled.create_group(self._group("g"))
        pooled.add_member(POOL, "g", "ann")
        pooled.add_member(POOL, "g", "bob")
        pooled.delete_user(POOL, "ann")
        assert list(pooled.list_members(POOL, "g", after=None, limit=10)) == ["bob"]
        self._users(pooled, "ann")
        assert list(pooled.groups_of(POOL, "ann")) == []

    def test_concurrent_adds_count_once(self, pooled: Store) -> None:
        self._users(pooled, "ann")
        pooled.create_group(self._group("g"))
        results = race(8, lambda _: pooled.add_member(POOL, "g", "ann"))
        assert results.count(True) == 1
        assert results.count(False) == 7

    # -- devices -------------------------------------------------------------------------

    def _device(self, key: str, username: str = "ann", **changes: Any) -> DeviceRecord:
        return attrs.evolve(
            DeviceRecord(
                pool_id=POOL,
                username=username,
                key=key,
                group_key="-grp",
                created_at=1.0,
                modified_at=1.0,
                attributes={"device_name": "phone"},
                extra={"salt": "ab", "verifier": "cd"},
            ),
            **changes,
        )

    def test_device_round_trips_and_updates(self, pooled: Store) -> None:
        self._users(pooled, "ann")
        pooled.create_device(self._device("us-east-1_d1"))
        assert pooled.get_device(POOL, "us-east-1_d1") == self._device("us-east-1_d1")
        stored = pooled.update_device(
            self._device("us-east-1_d1", remembered="remembered", last_authenticated_at=5.0),
            expected_version=0,
        )
        assert stored.version == 1 and pooled.get_device(POOL, "us-east-1_d1") == stored
        with pytest.raises(StoreConflictError):
            pooled.update_device(self._device("us-east-1_d1"), expected_version=0)

    def test_device_keys_are_unique_and_need_their_user(self, pooled: Store) -> None:
        self._users(pooled, "ann")
        pooled.create_device(self._device("d1"))
        with pytest.raises(StoreConflictError) as caught:
            pooled.create_device(self._device("d1"))
        assert caught.value.key == "device:d1"
        with pytest.raises(StoreConflictError):
            pooled.create_device(self._device("d2", username="ghost"))

    def test_devices_list_per_user_or_pool(self, pooled: Store) -> None:
        self._users(pooled, "ann", "bob")
        for key, user in (("d3", "ann"), ("d1", "ann"), ("d2", "bob"), ("d0", "ann")):
            pooled.create_device(self._device(key, user))
        first = pooled.list_devices(POOL, "ann", after=None, limit=2)
        rest = pooled.list_devices(POOL, "ann", after=first[-1].key, limit=2)
        assert [d.key for d in (*first, *rest)] == ["d0", "d1", "d3"]
        assert [d.key for d in pooled.list_devices(POOL, None, after=None, limit=10)] == [
            "d0",
            "d1",
            "d2",
            "d3",
        ]

    def test_deleting_devices_and_their_users(self, pooled: Store) -> None:
        self._users(pooled, "ann", "bob")
        pooled.create_device(self._device("d1"))
        pooled.create_device(self._device("d2"))
        pooled.create_device(self._device("d3", "bob"))
        assert pooled.delete_device(POOL, "d1") is True
        assert pooled.delete_device(POOL, "d1") is False
        pooled.delete_user(POOL, "ann")
        assert pooled.get_device(POOL, "d2") is None
        assert [d.key for d in pooled.list_devices(POOL, None, after=None, limit=10)] == ["d3"]

    # -- passkeys ------------------------------------------------------------------------

    def _passkey(self, credential_id: str, username: str = "ann", **changes: Any) -> PasskeyRecord:
        return attrs.evolve(
            PasskeyRecord(
                pool_id=POOL,
                username=username,
                credential_id=credential_id,
                relying_party_id="example.com",
                public_key="pQECAyYgASFYIA",
                sign_count=0,
                created_at=1.0,
                modified_at=1.0,
                extra={"transports": ["internal"], "name": "Passkey"},
            ),
            **changes,
        )

    def test_passkey_round_trips_and_updates(self, pooled: Store) -> None:
        self._users(pooled, "ann")
        pooled.create_passkey(self._passkey("cred-1"))
        assert pooled.get_passkey(POOL, "cred-1") == self._passkey("cred-1")
        assert pooled.get_passkey(POOL, "cred-2") is None
        stored = pooled.update_passkey(
            self._passkey("cred-1", sign_count=2**32 - 1, modified_at=5.0), expected_version=0
        )
        assert stored.version == 1 and pooled.get_passkey(POOL, "cred-1") == stored
        with pytest.raises(StoreConflictError):
            pooled.update_passkey(self._passkey("cred-1"), expected_version=0)

    def test_a_passkey_never_changes_hands(self, pooled: Store) -> None:
        self._users(pooled, "ann", "bob")
        pooled.create_passkey(self._passkey("cred-1"))
        with pytest.raises(StoreConflictError):
            pooled.update_passkey(self._passkey("cred-1", "bob"), expected_version=0)

    def test_credential_ids_are_unique_in_a_pool_and_need_their_user(self, pooled: Store) -> None:
        self._users(pooled, "ann", "bob")
        pooled.create_passkey(self._passkey("cred-1"))
        with pytest.raises(StoreConflictError) as caught:
            pooled.create_passkey(self._passkey("cred-1", "bob"))
        assert caught.value.key == "passkey:cred-1"
        with pytest.raises(StoreConflictError):
            pooled.create_passkey(self._passkey("cred-2", username="ghost"))

    def test_passkeys_list_per_user_or_pool(self, pooled: Store) -> None:
        self._users(pooled, "ann", "bob")
        for key, user in (("c3", "ann"), ("c1", "ann"), ("c2", "bob"), ("c0", "ann")):
            pooled.create_passkey(self._passkey(key, user))
        first = pooled.list_passkeys(POOL, "ann", after=None, limit=2)
        rest = pooled.list_passkeys(POOL, "ann", after=first[-1].credential_id, limit=2)
        assert [p.credential_id for p in (*first, *rest)] == ["c0", "c1", "c3"]
        listed = pooled.list_passkeys(POOL, None, after=None, limit=10)
        assert [p.credential_id for p in listed] == ["c0", "c1", "c2", "c3"]
        assert pooled.list_passkeys("us-east-1_none", "ann", after=None, limit=10) == []

    def test_deleting_passkeys_and_their_users(self, pooled: Store) -> None:
        self._users(pooled, "ann", "bob")
        pooled.create_passkey(self._passkey("c1"))
        pooled.create_passkey(self._passkey("c2"))
        pooled.create_passkey(self._passkey("c3", "bob"))
        assert pooled.delete_passkey(POOL, "c1") is True
        assert pooled.delete_passkey(POOL, "c1") is False
        pooled.delete_user(POOL, "ann")
        assert pooled.get_passkey(POOL, "c2") is None
        listed = pooled.list_passkeys(POOL, None, after=None, limit=10)
        assert [p.credential_id for p in listed] == ["c3"]

    # -- items ---------------------------------------------------------------------------

    def _item(
        self, key: str, kind: str = "resource_server", pool_id: str = POOL, **changes: Any
    ) -> ItemRecord:
        return attrs.evolve(
            ItemRecord(
                pool_id=pool_id,
                kind=kind,
                key=key,
                created_at=1.0,
                modified_at=1.0,
                data={"name": key, "scopes": [1, 2]},
            ),
            **changes,
        )

    def test_item_round_trips_and_updates(self, pooled: Store) -> None:
        pooled.create_item(self._item("api"))
        assert pooled.get_item(POOL, "resource_server", "api") == self._item("api")
        assert pooled.get_item(POOL, "domain", "api") is None
        stored = pooled.update_item(self._item("api", data={"name": "x"}), expected_version=0)
        assert stored.version == 1
        assert pooled.get_item(POOL, "resource_server", "api") == stored
        with pytest.raises(StoreConflictError):
            pooled.update_item(self._item("api"), expected_version=0)

    def test_item_keys_are_unique_per_pool_and_kind(self, pooled: Store) -> None:
        pooled.create_item(self._item("api"))
        with pytest.raises(StoreConflictError) as caught:
            pooled.create_item(self._item("api"))
        assert caught.value.key == "resource_server:api"
        pooled.create_item(self._item("api", kind="domain"))
        pooled.create_item(self._item("api", pool_id=OTHER_POOL))

    def test_service_wide_items_live_outside_pools(self, pooled: Store) -> None:
        pooled.create_item(self._item("auth-prefix", kind="domain", pool_id=""))
        with pytest.raises(StoreConflictError):
            pooled.create_item(self._item("auth-prefix", kind="domain", pool_id=""))
        pooled.delete_pool(POOL)
        assert pooled.get_item("", "domain", "auth-prefix") is not None
        assert pooled.delete_item("", "domain", "auth-prefix") is True

    def test_items_list_by_key_and_die_with_their_pool(self, pooled: Store) -> None:
        for key in ("c", "a", "b"):
            pooled.create_item(self._item(key))
        first = pooled.list_items(POOL, "resource_server", after=None, limit=2)
        rest = pooled.list_items(POOL, "resource_server", after=first[-1].key, limit=2)
        assert [i.key for i in (*first, *rest)] == ["a", "b", "c"]
        assert pooled.delete_item(POOL, "resource_server", "a") is True
        assert pooled.delete_item(POOL, "resource_server", "a") is False
        pooled.delete_pool(POOL)
        assert pooled.get_item(POOL, "resource_server", "b") is None

    def test_items_of_every_kind_list_by_kind_and_key(self, pooled: Store) -> None:
        for kind, key in (("resource_server", "b"), ("domain", "z"), ("resource_server", "a")):
            pooled.create_item(self._item(key, kind=kind))
        pooled.create_item(self._item("x", pool_id=OTHER_POOL))
        pooled.create_item(self._item("auth", kind="domain", pool_id=""))
        first = pooled.list_pool_items(POOL, after=None, limit=2)
        rest = pooled.list_pool_items(POOL, after=(first[-1].kind, first[-1].key), limit=2)
        assert [(i.kind, i.key) for i in (*first, *rest)] == [
            ("domain", "z"),
            ("resource_server", "a"),
            ("resource_server", "b"),
        ]
        assert first[0] == self._item("z", kind="domain")
        assert [i.key for i in pooled.list_pool_items("", after=None, limit=5)] == ["auth"]

    # -- auth events ---------------------------------------------------------------------

    def _event(
        self, event_id: str, at: float, username: str = "ann", **changes: Any
    ) -> AuthEventRecord:
        return attrs.evolve(
            AuthEventRecord(
                pool_id=POOL,
                username=username,
                event_id=event_id,
                created_at=at,
                data={"type": "SignIn", "response": "Pass"},
            ),
            **changes,
        )

    def test_events_list_newest_first_with_paging(self, pooled: Store) -> None:
        self._users(pooled, "ann", "bob")
        for event_id, at in (("e1", 1.0), ("e3", 3.0), ("e2", 2.0), ("e4", 3.0)):
            pooled.add_auth_event(self._event(event_id, at))
        pooled.add_auth_event(self._event("x", 9.0, "bob"))
        first = pooled.list_auth_events(POOL, "ann", before=None, limit=3)
        last = first[-1]
        rest = pooled.list_auth_events(
            POOL, "ann", before=(last.created_at, last.event_id), limit=3
        )
        assert [e.event_id for e in (*first, *rest)] == ["e4", "e3", "e2", "e1"]

    def test_event_round_trips_and_updates(self, pooled: Store) -> None:
        self._users(pooled, "ann")
        pooled.add_auth_event(self._event("e1", 1.0))
        assert pooled.get_auth_event(POOL, "ann", "e1") == self._event("e1", 1.0)
        changed = self._event("e1", 1.0, data={"type": "SignIn", "feedback": "Valid"})
        stored = pooled.update_auth_event(changed, expected_version=0)
        assert stored.version == 1
        assert pooled.get_auth_event(POOL, "ann", "e1") == stored
        with pytest.raises(StoreConflictError):
            pooled.update_auth_event(changed, expected_version=0)
        with pytest.raises(StoreConflictError):
            pooled.add_auth_event(self._event("e1", 2.0))

    def test_events_need_their_user_and_die_with_it(self, pooled: Store) -> None:
        with pytest.raises(StoreConflictError):
            pooled.add_auth_event(self._event("e1", 1.0, "ghost"))
        self._users(pooled, "ann")
        pooled.add_auth_event(self._event("e1", 1.0))
        pooled.delete_user(POOL, "ann")
        assert pooled.get_auth_event(POOL, "ann", "e1") is None
        assert list(pooled.list_auth_events(POOL, "ann", before=None, limit=5)) == []

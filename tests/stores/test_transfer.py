"""Export and import of whole stores as JSON lines: every record survives the move between
memory, SQLite and PostgreSQL, and a damaged file is refused with the line at fault."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path

import attrs
import pytest

from cogkit import Cognito, FrozenClock, Tokens
from cogkit.errors import NotAuthorizedError, StoreConflictError
from cogkit.stores import MemoryStore
from cogkit.stores.base import Store
from cogkit.stores.records import AuthEventRecord, DeviceRecord, GroupRecord, ItemRecord
from cogkit.stores.sql import open_sql_store
from cogkit.stores.transfer import TransferError, export_store, import_store
from cogkit.testing import make_cognito
from cogkit.testing.store_suite import user_record

PASSWORD = "Correct-horse-1"
FLOWS = ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]


class Populated:
    """A store filled through the domain with one of every record type."""

    def __init__(self, store: Store) -> None:
        self.clock = FrozenClock(1_700_000_000.25)
        self.svc = make_cognito(store=store, clock=self.clock)
        pool = self.svc.create_user_pool(
            "move-me", username_attributes=["email"], auto_verified_attributes=["email"]
        )
        client = pool.create_client("web", generate_secret=True, explicit_auth_flows=FLOWS)
        public = pool.create_client("spa", explicit_auth_flows=FLOWS)
        self.pool_id, self.client_id = pool.id, public.id
        for i in range(5):
            email = f"user{i}@example.com"
            pool.auth.sign_up(public.id, email, PASSWORD, {"name": f"User {i}"})
            if i < 3:  # the others keep their pending confirmation codes
                code = self.svc.outbox.last(to=email).code
                assert code is not None
                pool.auth.confirm_sign_up(public.id, email, code)
        self.kept = self._sign_in(pool.id, "user0@example.com")
        revoked = self._sign_in(pool.id, "user1@example.com")
        pool.auth.revoke_token(revoked.refresh_token or "", public.id)
        self.revoked = revoked
        pool.admin_create_user(
            "invited@example.com", temporary_password="Temporary-pass-1", message_action="SUPPRESS"
        )
        challenge = pool.auth.initiate(
            public.id,
            "USER_PASSWORD_AUTH",
            USERNAME="invited@example.com",
            PASSWORD="Temporary-pass-1",
        )
        assert challenge.challenge_name is not None  # a session is now pending
        other = self.svc.create_user_pool("second")
        other.admin_create_user("bob", message_action="SUPPRESS")
        _ = client
        self._add_kept_elsewhere(store, pool.id)

    def _add_kept_elsewhere(self, store: Store, pool_id: str) -> None:
        """Groups, memberships, devices, items and auth events, written to the store
        directly (whatever the domain API for them)."""
        user = store.list_user_entries(pool_id, after=None, limit=1)[0].user
        for name in ("admins", "readers"):
            store.create_group(
                GroupRecord(
                    pool_id=pool_id, name=name, created_at=1.5, modified_at=2.5, precedence=1
                )
            )
        store.add_member(pool_id, "admins", user.username)
        store.add_member(pool_id, "readers", user.username)
        store.create_device(
            DeviceRecord(
                pool_id=pool_id,
                username=user.username,
                key="us-east-1_device",
                group_key="-group",
                created_at=1.0,
                modified_at=2.0,
                remembered="remembered",
                attributes={"device_name": "phone"},
                extra={"verifier": "ab"},
            )
        )
        for kind, key, where in (("resource_server", "api", pool_id), ("domain", "auth", "")):
            store.create_item(
                ItemRecord(
                    pool_id=where,
                    kind=kind,
                    key=key,
                    created_at=1.0,
                    modified_at=1.0,
                    data={"scopes": ["read"], "n": 1.25},
                )
            )
        for event_id, at in (("e1", 1.0), ("e2", 2.0)):
            store.add_auth_event(
                AuthEventRecord(
                    pool_id=pool_id,
                    username=user.username,
                    event_id=event_id,
                    created_at=at,
                    data={"type": "SignIn"},
                )
            )

    def _sign_in(self, pool_id: str, email: str) -> Tokens:
        result = self.svc.user_pool(pool_id).auth.initiate(
            self.client_id, "USER_PASSWORD_AUTH", USERNAME=email, PASSWORD=PASSWORD
        )
        assert result.tokens is not None
        return result.tokens


def exported(store: Store) -> str:
    out = io.StringIO()
    export_store(store, out)
    return out.getvalue()


@pytest.fixture
def source() -> Iterator[Populated]:
    store = MemoryStore()
    yield Populated(store)
    store.close()


def test_an_export_holds_every_record_type_once_per_line(source: Populated) -> None:
    lines = [json.loads(line) for line in exported(source.svc.store).splitlines()]
    kinds = [line["type"] for line in lines]
    assert kinds[0] == "cogkit-store" and kinds[-1] == "end"
    counts = lines[-1]["counts"]
    assert counts == {
        "item": 2,
        "pool": 2,
        "signing_key": 4,
        "client": 2,
        "group": 2,
        "user": 7,
        "membership": 2,
        "device": 1,
        "auth_event": 2,
        "code": 2,
        "session": 1,
        "refresh_token": 2,
    }
    assert {k: kinds.count(k) for k in counts} == counts


def test_sqlite_import_reproduces_the_memory_store_exactly(
    source: Populated, sqlite_url: str
) -> None:
    before = exported(source.svc.store)
    target = open_sql_store(sqlite_url)
    try:
        counts = import_store(target, io.StringIO(before))
        assert counts["user"] == 7
        assert exported(target) == before
    finally:
        target.close()


def test_a_store_moves_from_sqlite_to_postgresql_and_back_to_memory(
    source: Populated, sqlite_url: str, postgres_url: str
) -> None:
    before = exported(source.svc.store)
    lite, pg, back = open_sql_store(sqlite_url), open_sql_store(postgres_url), MemoryStore()
    try:
        import_store(lite, io.StringIO(before))
        import_store(pg, io.StringIO(exported(lite)))
        import_store(back, io.StringIO(exported(pg)))
        assert exported(back) == before
    finally:
        lite.close()
        pg.close()
        back.close()


def test_the_moved_store_keeps_sessions_tokens_and_passwords_working(
    source: Populated, sqlite_url: str
) -> None:
    target = open_sql_store(sqlite_url)
    try:
        import_store(target, io.StringIO(exported(source.svc.store)))
        moved = make_cognito(store=target, clock=source.clock)
        pool = moved.user_pool(source.pool_id)
        # Tokens signed before the move still verify: the signing keys moved too.
        claims = pool.verify(source.kept.access_token, token_use="access")
        assert claims["client_id"] == source.client_id
        refreshed = pool.auth.initiate(
            source.client_id, "REFRESH_TOKEN_AUTH", REFRESH_TOKEN=source.kept.refresh_token or ""
        )
        assert refreshed.tokens is not None
        with pytest.raises(NotAuthorizedError, match="revoked"):
            pool.auth.initiate(
                source.client_id,
                "REFRESH_TOKEN_AUTH",
                REFRESH_TOKEN=source.revoked.refresh_token or "",
            )
        signed_in = pool.auth.initiate(
            source.client_id, "USER_PASSWORD_AUTH", USERNAME="user2@example.com", PASSWORD=PASSWORD
        )
        assert signed_in.tokens is not None
        found = pool.list_users(filter='email ^= "user"')
        assert len(found.items) == 5
    finally:
        target.close()


def test_importing_into_a_store_that_holds_the_pool_conflicts(source: Populated) -> None:
    text = exported(source.svc.store)
    with pytest.raises(StoreConflictError):
        import_store(source.svc.store, io.StringIO(text))


def damaged(source: Populated, change: str) -> list[str]:
    lines = exported(source.svc.store).splitlines(keepends=True)
    if change == "no header":
        return lines[1:]
    if change == "cut short":
        return lines[:-3]
    if change == "altered counts":
        end = json.loads(lines[-1])
        end["counts"]["user"] += 1
        return [*lines[:-1], json.dumps(end) + "\n"]
    raise AssertionError(change)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("no header", "line 1: not a cogkit store export"),
        ("cut short", "the export was cut short"),
        ("altered counts", "it was altered"),
    ],
)
def test_a_damaged_export_is_refused(source: Populated, change: str, message: str) -> None:
    with pytest.raises(TransferError, match=message):
        import_store(MemoryStore(), damaged(source, change))


HEADER = '{"type": "cogkit-store", "format": 1}\n'
USER = attrs.asdict(user_record("ann"))
POOL = {
    "id": "us-east-1_AAAAAAAAA",
    "name": "p",
    "created_at": 1.0,
    "modified_at": 1.0,
    "config": {},
}


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("{not json\n", "line 2: not a JSON object"),
        ('{"type": "role", "record": {}}\n', "line 2: unknown record type 'role'"),
        (
            '{"type": "membership", "pool_id": "p", "group": 7}\n',
            "line 2: a membership needs the strings pool_id, group and username",
        ),
        (
            json.dumps({"type": "pool", "record": {**POOL, "colour": "red"}}) + "\n",
            "line 2: the pool record has unknown fields: colour",
        ),
        (
            json.dumps({"type": "pool", "record": {"id": "us-east-1_AAAAAAAAA"}}) + "\n",
            "line 2: the pool record lacks 'name'",
        ),
        (
            json.dumps({"type": "pool", "record": {**POOL, "created_at": "yesterday"}}) + "\n",
            "line 2: the pool field 'created_at' must be float, not str",
        ),
        (
            json.dumps({"type": "pool", "record": {**POOL, "version": True}}) + "\n",
            "line 2: the pool field 'version' must be int, not bool",
        ),
        ('{"type": "client", "record": [1, 2]}\n', "line 2: the client has no record object"),
        (
            json.dumps({"type": "user", "record": USER, "claims": "username:ann"}) + "\n",
            "line 2: the user's claims must be a list of strings",
        ),
        (
            json.dumps({"type": "user", "record": USER, "claims": [], "search": {"n": 1}}) + "\n",
            "line 2: the user's search keys must map names to strings",
        ),
        ('{"type": "end", "counts": {}}\n\n{"type": "end"}\n', "line 4: records follow the end"),
    ],
)
def test_a_bad_record_line_names_the_line_and_the_fault(line: str, message: str) -> None:
    with pytest.raises(TransferError, match=message):
        import_store(MemoryStore(), io.StringIO(HEADER + line))


def test_a_newer_export_format_is_refused() -> None:
    with pytest.raises(TransferError, match="export format 2; this cogkit reads format 1"):
        import_store(MemoryStore(), ['{"type": "cogkit-store", "format": 2}\n'])


def test_an_empty_file_is_not_an_export() -> None:
    with pytest.raises(TransferError, match="the file is empty"):
        import_store(MemoryStore(), [])


def test_an_export_of_an_empty_store_imports_as_nothing() -> None:
    text = exported(MemoryStore())
    assert import_store(MemoryStore(), io.StringIO(text)) == {}


def test_large_user_counts_move_in_batches(tmp_path: Path) -> None:
    svc: Cognito = make_cognito()
    pool = svc.create_user_pool("big")
    for i in range(1203):  # more than two import batches and export pages
        pool.admin_create_user(f"user{i:04d}", message_action="SUPPRESS")
    target = open_sql_store(f"sqlite:///{tmp_path / 'big.db'}")
    try:
        text = exported(svc.store)
        assert import_store(target, io.StringIO(text))["user"] == 1203
        assert target.count_users(pool.id) == 1203
        assert exported(target) == text
    finally:
        target.close()


def test_a_rotated_refresh_family_moves_whole(sqlite_url: str) -> None:
    from cogkit.errors import RefreshTokenReuseError

    clock = FrozenClock(1_700_000_000)
    svc = make_cognito(store=MemoryStore(), clock=clock)
    pool = svc.create_user_pool("rotating")
    client = pool.create_client(
        "web",
        explicit_auth_flows=["ALLOW_USER_PASSWORD_AUTH"],
        refresh_token_rotation={"feature": "ENABLED"},
    )
    pool.admin_create_user("ann", message_action="SUPPRESS")
    pool.admin_set_user_password("ann", PASSWORD, permanent=True)
    first = pool.auth.initiate(client.id, "USER_PASSWORD_AUTH", USERNAME="ann", PASSWORD=PASSWORD)
    assert first.tokens is not None and first.tokens.refresh_token is not None
    old = first.tokens.refresh_token
    new = pool.auth.get_tokens_from_refresh_token(old, client.id).refresh_token
    assert new is not None
    before = exported(svc.store)
    target = open_sql_store(sqlite_url)
    try:
        assert import_store(target, io.StringIO(before))["refresh_token"] == 2
        assert exported(target) == before
        moved = make_cognito(store=target, clock=clock).user_pool(pool.id)
        with pytest.raises(RefreshTokenReuseError):
            moved.auth.get_tokens_from_refresh_token(old, client.id)
        assert moved.auth.get_tokens_from_refresh_token(new, client.id).refresh_token
    finally:
        target.close()

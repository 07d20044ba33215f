"""Concurrent writers: optimistic updates are retried on the freshest record, so no change
is lost; single-use things (sessions, codes) go to exactly one taker; ids never clash."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from typing import Any

import pytest

from cogkit import Cognito, FixedCodes, UserStatus
from cogkit.errors import (
    ExpiredCodeError,
    NotAuthorizedError,
    StoreConflictError,
    UserNotFoundError,
)
from cogkit.stores import MemoryStore
from cogkit.stores.records import ClientRecord, PoolRecord, SessionRecord, UserRecord
from cogkit.testing import make_cognito
from tests.conftest import Kit
from tests.helpers import NEW_PASSWORD, PASSWORD, PASSWORD_FLOWS, raises

TEMP = "Temp-pass-123"


class Meddling(MemoryStore):
    """A store where another writer acts just before the next call of a given method."""

    def __init__(self) -> None:
        super().__init__()
        self.before: dict[str, Callable[[], None]] = {}
        self.always_conflict: set[str] = set()

    def _meddle(self, method: str) -> None:
        if method in self.always_conflict:
            raise StoreConflictError(f"{method} lost a race")
        action = self.before.pop(method, None)
        if action is not None:
            action()

    def update_user(
        self,
        user: UserRecord,
        *,
        expected_version: int,
        claims: Collection[str] | None = None,
        search: Mapping[str, str] | None = None,
    ) -> UserRecord:
        self._meddle("update_user")
        return super().update_user(
            user, expected_version=expected_version, claims=claims, search=search
        )

    def get_user(self, pool_id: str, username: str) -> UserRecord | None:
        self._meddle("get_user")
        return super().get_user(pool_id, username)

    def update_pool(self, pool: PoolRecord, *, expected_version: int) -> PoolRecord:
        self._meddle("update_pool")
        return super().update_pool(pool, expected_version=expected_version)

    def update_client(self, client: ClientRecord, *, expected_version: int) -> ClientRecord:
        self._meddle("update_client")
        return super().update_client(client, expected_version=expected_version)

    def take_session(self, digest: str) -> SessionRecord | None:
        self._meddle("take_session")
        return super().take_session(digest)

    def take_code(self, pool_id: str, username: str, purpose: str, digest: str) -> bool:
        self._meddle("take_code")
        return super().take_code(pool_id, username, purpose, digest)


@pytest.fixture
def meddling() -> Meddling:
    return Meddling()


@pytest.fixture
def mkit(meddling: Meddling) -> Kit:
    svc = make_cognito(store=meddling, codes=FixedCodes("123456"))
    pool = svc.create_user_pool("p", auto_verified_attributes=["email"])
    return Kit(svc, pool, pool.create_client("w", explicit_auth_flows=list(PASSWORD_FLOWS)))


def test_a_user_update_racing_another_keeps_both_changes(mkit: Kit, meddling: Meddling) -> None:
    mkit.confirmed()
    meddling.before["update_user"] = lambda: mkit.pool.admin_update_user_attributes(
        "ann", {"family_name": "Lee"}
    )
    mkit.pool.admin_update_user_attributes("ann", {"name": "Ann"})
    user = mkit.pool.admin_get_user("ann")
    assert (user["name"], user["family_name"]) == ("Ann", "Lee")


def test_a_failed_sign_in_racing_another_counts_both(mkit: Kit, meddling: Meddling) -> None:
    mkit.confirmed()

    def other_failure() -> None:
        with raises(NotAuthorizedError):
            mkit.sign_in(password="Wrong-horse-1")

    meddling.before["update_user"] = other_failure
    with raises(NotAuthorizedError):
        mkit.sign_in(password="Wrong-horse-1")
    record = MemoryStore.get_user(meddling, mkit.pool.id, "ann")
    assert record is not None and record.failed_attempts == 2


def test_a_pool_update_racing_another_keeps_both_changes(mkit: Kit, meddling: Meddling) -> None:
    meddling.before["update_pool"] = lambda: mkit.pool.update(mfa_configuration="OPTIONAL")
    mkit.pool.update(password_policy={"minimum_length": 12})
    config = mkit.pool.config
    assert config.password_policy.minimum_length == 12
    assert config.mfa_configuration.value == "OPTIONAL"


def test_a_client_update_racing_another_keeps_both_changes(mkit: Kit, meddling: Meddling) -> None:
    meddling.before["update_client"] = lambda: mkit.pool.update_client(
        mkit.client.id, prevent_user_existence_errors="ENABLED"
    )
    mkit.pool.update_client(mkit.client.id, name="renamed")
    client = mkit.pool.client(mkit.client.id)
    assert client.name == "renamed" and client.prevents_user_existence_errors


@pytest.mark.parametrize(
    ("method", "call"),
    [
        ("update_user", lambda k: k.pool.admin_update_user_attributes("ann", {"name": "x"})),
        ("update_pool", lambda k: k.pool.update(mfa_configuration="OPTIONAL")),
        ("update_client", lambda k: k.pool.update_client(k.client.id, name="x")),
    ],
)
def test_endless_contention_gives_up_with_a_store_conflict(
    mkit: Kit, meddling: Meddling, method: str, call: Callable[[Kit], Any]
) -> None:
    mkit.confirmed()
    meddling.always_conflict.add(method)
    with raises(StoreConflictError):
        call(mkit)


def test_a_user_deleted_while_being_changed_is_not_found(mkit: Kit, meddling: Meddling) -> None:
    mkit.confirmed()
    meddling.before["get_user"] = lambda: MemoryStore.delete_user(meddling, mkit.pool.id, "ann")
    with raises(UserNotFoundError):
        mkit.pool.admin_disable_user("ann")


def test_confirmation_racing_an_admin_confirmation_is_refused(
    mkit: Kit, meddling: Meddling
) -> None:
    mkit.sign_up()
    meddling.before["get_user"] = lambda: mkit.pool.admin_confirm_sign_up("ann")
    with raises(NotAuthorizedError, "User cannot be confirmed. Current status is CONFIRMED"):
        mkit.auth.confirm_sign_up(mkit.client.id, "ann", "123456")


def test_of_two_answers_to_one_challenge_only_one_wins(mkit: Kit, meddling: Meddling) -> None:
    mkit.pool.admin_create_user("ann", temporary_password=TEMP)
    started = mkit.auth.initiate(
        mkit.client.id, "USER_PASSWORD_AUTH", USERNAME="ann", PASSWORD=TEMP
    )
    assert started.session is not None
    session = started.session

    def rival() -> None:
        mkit.auth.respond(
            mkit.client.id,
            "NEW_PASSWORD_REQUIRED",
            session=session,
            USERNAME="ann",
            NEW_PASSWORD="Rival-pass-9",
        )

    meddling.before["take_session"] = rival
    with raises(NotAuthorizedError, "Invalid session for the user."):
        mkit.auth.respond(
            mkit.client.id,
            "NEW_PASSWORD_REQUIRED",
            session=session,
            USERNAME="ann",
            NEW_PASSWORD=NEW_PASSWORD,
        )
    assert mkit.sign_in(password="Rival-pass-9").access_token


def test_of_two_uses_of_one_reset_code_only_one_wins(mkit: Kit, meddling: Meddling) -> None:
    mkit.confirmed()
    mkit.auth.forgot_password(mkit.client.id, "ann")

    def rival() -> None:
        mkit.auth.confirm_forgot_password(mkit.client.id, "ann", "123456", "Rival-pass-9")

    meddling.before["take_code"] = rival
    with raises(ExpiredCodeError):
        mkit.auth.confirm_forgot_password(mkit.client.id, "ann", "123456", NEW_PASSWORD)
    assert mkit.sign_in(password="Rival-pass-9").access_token


def test_a_challenge_answered_after_the_status_changed_is_refused(kit: Kit) -> None:
    kit.pool.admin_create_user("ann", temporary_password=TEMP)
    started = kit.auth.initiate(kit.client.id, "USER_PASSWORD_AUTH", USERNAME="ann", PASSWORD=TEMP)
    assert started.session is not None
    kit.pool.admin_set_user_password("ann", PASSWORD, permanent=True)
    with raises(NotAuthorizedError, "Invalid session for the user."):
        kit.auth.respond(
            kit.client.id,
            "NEW_PASSWORD_REQUIRED",
            session=started.session,
            USERNAME="ann",
            NEW_PASSWORD=NEW_PASSWORD,
        )
    assert kit.pool.admin_get_user("ann").status is UserStatus.CONFIRMED
    assert kit.sign_in().access_token


# -- identifiers ---------------------------------------------------------------------------


class OneIdOnly:
    """An id source that keeps drawing the same identifiers."""

    def token_bytes(self, n: int) -> bytes:
        return bytes(n)

    def choice_string(self, alphabet: str, length: int) -> str:
        return alphabet[0] * length

    def uuid4(self) -> str:
        return "00000000-0000-4000-8000-000000000000"


def test_pool_ids_are_drawn_again_when_taken_and_creation_gives_up_eventually() -> None:
    svc = make_cognito(ids=OneIdOnly())
    svc.create_user_pool("first")
    with raises(StoreConflictError):
        svc.create_user_pool("second")
    assert len(svc.list_user_pools()) == 1


def test_client_ids_are_drawn_again_when_taken_and_creation_gives_up_eventually() -> None:
    svc = make_cognito(ids=OneIdOnly())
    pool = svc.create_user_pool("p")
    pool.create_client("first")
    with raises(StoreConflictError):
        pool.create_client("second")
    assert len(pool.list_clients()) == 1


# -- delivery --------------------------------------------------------------------------------


class Broken:
    def send(self, message: object) -> None:
        raise OSError("smtp server unreachable")


def test_a_failing_sender_is_code_delivery_failure(svc: Cognito) -> None:
    from cogkit.errors import CodeDeliveryFailureError

    broken = make_cognito(sender=Broken())
    pool = broken.create_user_pool("p", auto_verified_attributes=["email"])
    with raises(CodeDeliveryFailureError, "Unable to deliver the message by EMAIL."):
        pool.auth.sign_up(pool.create_client("w").id, "ann", PASSWORD, {"email": "a@b.co"})

"""Groups, resource servers and domains under concurrent writers: optimistic updates are
retried on the freshest record, a thing removed meanwhile is reported as missing, and a
domain name goes to exactly one pool."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from cogkit import Cognito, FrozenClock
from cogkit.errors import InvalidParameterError, ResourceNotFoundError, UserNotFoundError
from cogkit.stores import MemoryStore
from cogkit.stores.records import GroupRecord, ItemRecord
from cogkit.testing import make_cognito
from cogkit.testing.store_suite import race
from tests.helpers import START, raises

CERTIFICATE = "arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-4e5f"


class Meddling(MemoryStore):
    """A store where another writer acts just before the next call of a given method."""

    def __init__(self) -> None:
        super().__init__()
        self.before: dict[str, Callable[[], None]] = {}

    def _meddle(self, method: str) -> None:
        action = self.before.pop(method, None)
        if action is not None:
            action()

    def add_member(self, pool_id: str, group: str, username: str) -> bool:
        self._meddle("add_member")
        return super().add_member(pool_id, group, username)

    def update_group(self, group: GroupRecord, *, expected_version: int) -> GroupRecord:
        self._meddle("update_group")
        return super().update_group(group, expected_version=expected_version)

    def update_item(self, item: ItemRecord, *, expected_version: int) -> ItemRecord:
        self._meddle("update_item")
        return super().update_item(item, expected_version=expected_version)

    def create_item(self, item: ItemRecord) -> None:
        self._meddle(f"create_item:{item.pool_id or 'service'}")
        super().create_item(item)


@pytest.fixture
def store() -> Meddling:
    return Meddling()


@pytest.fixture
def svc(store: Meddling) -> Cognito:
    return make_cognito(store=store, clock=FrozenClock(START))


def test_a_group_deleted_while_a_user_joins_it_is_not_found(svc: Cognito, store: Meddling) -> None:
    pool = svc.create_user_pool("p")
    pool.admin_create_user("ann", message_action="SUPPRESS")
    pool.create_group("admins")
    store.before["add_member"] = lambda: pool.delete_group("admins")
    with raises(ResourceNotFoundError, "Group not found."):
        pool.admin_add_user_to_group("ann", "admins")
    assert list(pool.admin_list_groups_for_user("ann")) == []


def test_a_user_deleted_while_joining_a_group_is_not_found(svc: Cognito, store: Meddling) -> None:
    pool = svc.create_user_pool("p")
    pool.admin_create_user("ann", message_action="SUPPRESS")
    pool.create_group("admins")
    store.before["add_member"] = lambda: pool.admin_delete_user("ann")
    with raises(UserNotFoundError):
        pool.admin_add_user_to_group("ann", "admins")
    assert list(pool.list_users_in_group("admins")) == []


def test_a_group_update_racing_another_keeps_both_changes(svc: Cognito, store: Meddling) -> None:
    pool = svc.create_user_pool("p")
    pool.create_group("admins")
    store.before["update_group"] = lambda: pool.update_group("admins", description="theirs")
    pool.update_group("admins", precedence=4)
    group = pool.group("admins")
    assert (group.description, group.precedence) == ("theirs", 4)


def test_a_resource_server_update_racing_another_is_retried(svc: Cognito, store: Meddling) -> None:
    pool = svc.create_user_pool("p")
    pool.create_resource_server("orders", "Orders")
    store.before["update_item"] = lambda: pool.update_resource_server("orders", "Theirs")
    pool.update_resource_server("orders", "Ours", scopes=[{"name": "r", "description": "d"}])
    assert pool.resource_server("orders").name == "Ours"


def test_a_domain_update_racing_another_keeps_both_changes(svc: Cognito, store: Meddling) -> None:
    pool = svc.create_user_pool("p")
    pool.create_domain("auth.example.com", certificate_arn=CERTIFICATE)
    other = CERTIFICATE.replace("0a1b", "9f8e")
    store.before["update_item"] = lambda: pool.update_domain(
        "auth.example.com", certificate_arn=other
    )
    pool.update_domain("auth.example.com", managed_login_version=2)
    domain = pool.custom_domain
    assert domain is not None
    assert (domain.certificate_arn, domain.managed_login_version) == (other, 2)


def test_a_pool_that_got_its_domain_meanwhile_keeps_it_and_frees_the_new_name(
    svc: Cognito, store: Meddling
) -> None:
    pool = svc.create_user_pool("p")
    # Between claiming "second" and recording it, the pool gets "first".
    store.before[f"create_item:{pool.id}"] = lambda: pool.create_domain("first")
    with raises(InvalidParameterError, "User pool already has a domain configured."):
        pool.create_domain("second")
    assert pool.domain is not None and pool.domain.domain == "first"
    assert svc.describe_user_pool_domain("second") is None


def test_of_pools_racing_for_a_name_exactly_one_gets_it() -> None:
    svc = make_cognito(clock=FrozenClock(START))
    pools = [svc.create_user_pool(f"p{i}") for i in range(8)]
    results: list[Any] = race(8, lambda i: pools[i].create_domain("my-app"))
    won = [r for r in results if not isinstance(r, Exception)]
    lost = [r for r in results if isinstance(r, InvalidParameterError)]
    assert len(won) == 1 and len(lost) == 7
    found = svc.describe_user_pool_domain("my-app")
    assert found is not None and found.pool_id == won[0].pool_id

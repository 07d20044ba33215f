"""Resource servers and their custom scopes, and app clients that allow those scopes."""

from __future__ import annotations

from typing import Any

import pytest

from cogkit import Cognito, UserPool
from cogkit.domain.resource_servers import (
    PoolResourceServers,
    ResourceServer,
    ResourceServerScope,
)
from cogkit.errors import (
    InvalidParameterError,
    LimitExceededError,
    ResourceNotFoundError,
    ScopeDoesNotExistError,
)
from tests.helpers import raises

READ = {"name": "read", "description": "Read orders"}
WRITE = {"name": "write", "description": "Place orders"}


def test_a_created_resource_server_has_its_scopes(pool: UserPool) -> None:
    server = pool.create_resource_server("orders", "Orders API", scopes=[READ, WRITE])
    assert server == ResourceServer(
        pool_id=pool.id,
        identifier="orders",
        name="Orders API",
        scopes=(
            ResourceServerScope("read", "Read orders"),
            ResourceServerScope("write", "Place orders"),
        ),
    )
    assert server.scope_names == ("orders/read", "orders/write")


def test_scopes_may_be_given_as_values(pool: UserPool) -> None:
    scope = ResourceServerScope("read", "Read")
    assert pool.create_resource_server("orders", "Orders", scopes=[scope]).scopes == (scope,)


def test_a_resource_server_may_have_no_scopes(pool: UserPool) -> None:
    assert pool.create_resource_server("https://api.example.com", "API").scopes == ()


def test_describe_returns_the_stored_server(pool: UserPool) -> None:
    created = pool.create_resource_server("orders", "Orders", scopes=[READ])
    assert pool.resource_server("orders") == created


def test_describe_of_an_unknown_identifier_is_resource_not_found(pool: UserPool) -> None:
    with raises(ResourceNotFoundError):
        pool.resource_server("orders")


def test_a_taken_identifier_is_refused_and_the_first_server_stays(pool: UserPool) -> None:
    pool.create_resource_server("orders", "Orders", scopes=[READ])
    with raises(InvalidParameterError, field="identifier"):
        pool.create_resource_server("orders", "Other")
    assert pool.resource_server("orders").name == "Orders"


def test_identifiers_are_per_pool(pool: UserPool, svc: Cognito) -> None:
    pool.create_resource_server("orders", "Orders")
    other = svc.create_user_pool("other")
    assert other.create_resource_server("orders", "Orders").pool_id == other.id


@pytest.mark.parametrize(
    ("identifier", "name", "scopes", "field"),
    [
        ("", "API", [], "identifier"),
        ("x" * 257, "API", [], "identifier"),
        ('say"hi', "API", [], "identifier"),
        ("back\\slash", "API", [], "identifier"),
        ("with space", "API", [], "identifier"),
        ("orders", "", [], "name"),
        ("orders", "bad/name", [], "name"),
        ("orders", "n" * 257, [], "name"),
        ("orders", "API", [{"name": "a/b", "description": "d"}], "scopes[0].name"),
        ("orders", "API", [{"name": "", "description": "d"}], "scopes[0].name"),
        ("orders", "API", [{"name": "read", "description": ""}], "scopes[0].description"),
        ("orders", "API", [{"name": "read"}], "scopes[0].description"),
        ("orders", "API", [{"name": "r", "description": "d" * 257}], "scopes[0].description"),
        ("orders", "API", [{"name": "r", "description": "d", "x": 1}], "scopes[0].x"),
        ("orders", "API", [READ, READ], "scopes"),
        ("orders", "API", "read", "scopes"),
        ("orders", "API", [{"name": f"s{i}", "description": "d"} for i in range(101)], "scopes"),
    ],
)
def test_bad_resource_server_input_names_the_field_and_stores_nothing(
    pool: UserPool, identifier: str, name: str, scopes: Any, field: str
) -> None:
    with raises(InvalidParameterError, field=field):
        pool.create_resource_server(identifier, name, scopes=scopes)
    assert list(pool.list_resource_servers()) == []


def test_a_hundred_scopes_and_url_identifiers_are_accepted(pool: UserPool) -> None:
    scopes = [{"name": f"s{i}", "description": "d"} for i in range(100)]
    server = pool.create_resource_server("https://api.example.com/v1", "API", scopes=scopes)
    assert len(server.scopes) == 100
    assert server.scope_names[0] == "https://api.example.com/v1/s0"


def test_a_pool_over_its_resource_server_quota_is_limit_exceeded(pool: UserPool) -> None:
    assert PoolResourceServers.MAX_RESOURCE_SERVERS == 25
    for i in range(25):
        pool.create_resource_server(f"api{i:02}", "API")
    with raises(LimitExceededError):
        pool.create_resource_server("one-more", "API")
    assert len(pool.list_resource_servers()) == 25


def test_update_replaces_the_name_and_every_scope(pool: UserPool) -> None:
    pool.create_resource_server("orders", "Orders", scopes=[READ, WRITE])
    updated = pool.update_resource_server(
        "orders", "Orders v2", scopes=[{"name": "admin", "description": "All"}]
    )
    assert updated.name == "Orders v2"
    assert updated.scope_names == ("orders/admin",)
    assert pool.resource_server("orders") == updated


def test_update_without_scopes_removes_them_all(pool: UserPool) -> None:
    pool.create_resource_server("orders", "Orders", scopes=[READ])
    assert pool.update_resource_server("orders", "Orders").scopes == ()


def test_update_of_an_unknown_server_is_resource_not_found(pool: UserPool) -> None:
    with raises(ResourceNotFoundError):
        pool.update_resource_server("orders", "Orders")


def test_bad_update_input_changes_nothing(pool: UserPool) -> None:
    created = pool.create_resource_server("orders", "Orders", scopes=[READ])
    with raises(InvalidParameterError, field="scopes[0].name"):
        pool.update_resource_server("orders", "New", scopes=[{"name": "", "description": "d"}])
    assert pool.resource_server("orders") == created


def test_delete_removes_the_server(pool: UserPool) -> None:
    pool.create_resource_server("orders", "Orders")
    pool.delete_resource_server("orders")
    with raises(ResourceNotFoundError):
        pool.resource_server("orders")


def test_delete_of_an_unknown_server_is_resource_not_found(pool: UserPool) -> None:
    with raises(ResourceNotFoundError):
        pool.delete_resource_server("orders")


def test_list_pages_by_identifier(pool: UserPool) -> None:
    for identifier in ("c", "a", "b"):
        pool.create_resource_server(identifier, "API")
    first = pool.list_resource_servers(max_results=2)
    rest = pool.list_resource_servers(max_results=2, next_token=first.next_token)
    assert [s.identifier for s in first] == ["a", "b"]
    assert [s.identifier for s in rest] == ["c"]
    assert rest.next_token is None


@pytest.mark.parametrize("max_results", [0, 51, None, "5"])
def test_list_max_results_is_1_to_50(pool: UserPool, max_results: Any) -> None:
    with raises(InvalidParameterError, field="max_results"):
        pool.list_resource_servers(max_results=max_results)


def test_list_refuses_a_token_it_did_not_make(pool: UserPool) -> None:
    with raises(InvalidParameterError, field="next_token"):
        pool.list_resource_servers(next_token="nonsense")


def test_resource_servers_of_a_deleted_pool_are_resource_not_found(pool: UserPool) -> None:
    pool.delete()
    with raises(ResourceNotFoundError):
        pool.create_resource_server("orders", "Orders")


# -- app clients allowing the scopes ---------------------------------------------------


def test_a_client_may_allow_existing_custom_scopes(pool: UserPool) -> None:
    pool.create_resource_server("orders", "Orders", scopes=[READ])
    client = pool.create_client(
        "web",
        allowed_oauth_flows=["code"],
        allowed_oauth_scopes=["openid", "orders/read"],
        allowed_oauth_flows_user_pool_client=True,
        callback_urls=["https://app.example.com/cb"],
    )
    assert client.settings.allowed_oauth_scopes == ("openid", "orders/read")


def test_every_reserved_scope_is_allowed(pool: UserPool) -> None:
    reserved = ["openid", "email", "phone", "profile", "aws.cognito.signin.user.admin"]
    client = pool.create_client("web", allowed_oauth_scopes=reserved)
    assert list(client.settings.allowed_oauth_scopes) == reserved


@pytest.mark.parametrize("scope", ["orders/delete", "shipping/read", "Cognito", "orders"])
def test_a_scope_that_does_not_exist_is_refused(pool: UserPool, scope: str) -> None:
    pool.create_resource_server("orders", "Orders", scopes=[READ])
    with raises(ScopeDoesNotExistError, f"Invalid scope requested: {scope}"):
        pool.create_client("web", allowed_oauth_scopes=["openid", scope])
    assert list(pool.list_clients()) == []


def test_scopes_of_an_identifier_with_slashes_are_found(pool: UserPool) -> None:
    pool.create_resource_server("https://api.example.com", "API", scopes=[READ])
    client = pool.create_client("web", allowed_oauth_scopes=["https://api.example.com/read"])
    assert client.settings.allowed_oauth_scopes == ("https://api.example.com/read",)


def test_an_update_naming_a_removed_scope_is_refused(pool: UserPool) -> None:
    pool.create_resource_server("orders", "Orders", scopes=[READ, WRITE])
    client = pool.create_client("web", allowed_oauth_scopes=["orders/write"])
    pool.update_resource_server("orders", "Orders", scopes=[READ])
    # The client keeps the scope it already had (Cognito does not rewrite clients) ...
    assert pool.client(client.id).settings.allowed_oauth_scopes == ("orders/write",)
    # ... but cannot be saved naming it again.
    with raises(ScopeDoesNotExistError):
        pool.update_client(client.id, allowed_oauth_scopes=["orders/write"])


def test_scopes_of_another_pool_do_not_exist_here(pool: UserPool, svc: Cognito) -> None:
    svc.create_user_pool("other").create_resource_server("orders", "Orders", scopes=[READ])
    with raises(ScopeDoesNotExistError):
        pool.create_client("web", allowed_oauth_scopes=["orders/read"])

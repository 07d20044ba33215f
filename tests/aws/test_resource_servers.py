"""Resource servers through boto3: CreateResourceServer, DescribeResourceServer,
UpdateResourceServer, DeleteResourceServer, ListResourceServers; and app clients whose
AllowedOAuthScopes and OAuth flows Cognito checks."""

from __future__ import annotations

from typing import Any

import pytest

from tests.aws.conftest import Aws
from tests.aws.helpers import REGION, aws_error

MISSING = f"{REGION}_AAAAAAAAA"
READ = {"ScopeName": "read", "ScopeDescription": "Read orders"}
WRITE = {"ScopeName": "write", "ScopeDescription": "Place orders"}


def server(aws: Aws, identifier: str = "orders", **params: Any) -> dict[str, Any]:
    params.setdefault("Name", "Orders")
    made: dict[str, Any] = aws.idp.create_resource_server(
        UserPoolId=aws.pool_id, Identifier=identifier, **params
    )["ResourceServer"]
    return made


# -- CreateResourceServer ----------------------------------------------------------------


def test_create_resource_server_answers_the_server(aws: Aws) -> None:
    made = server(aws, Scopes=[READ, WRITE])
    assert made == {
        "UserPoolId": aws.pool_id,
        "Identifier": "orders",
        "Name": "Orders",
        "Scopes": [READ, WRITE],
    }


def test_create_resource_server_without_scopes_has_none(aws: Aws) -> None:
    assert server(aws, "https://api.example.com")["Scopes"] == []


def test_create_resource_server_with_a_taken_identifier_is_invalid_parameter(aws: Aws) -> None:
    server(aws)
    with aws_error(aws.idp.exceptions.InvalidParameterException):
        server(aws)


def test_create_resource_server_over_the_quota_is_limit_exceeded(aws: Aws) -> None:
    for i in range(25):
        server(aws, f"api{i}")
    with aws_error(aws.idp.exceptions.LimitExceededException):
        server(aws, "one-more")


@pytest.mark.parametrize(
    "params",
    [
        {"Identifier": 'say"hi'},
        {"Name": "bad/name"},
        {"Scopes": [{"ScopeName": "a/b", "ScopeDescription": "d"}]},
        {"Scopes": [{"ScopeName": f"s{i}", "ScopeDescription": "d"} for i in range(101)]},
    ],
)
def test_create_resource_server_refuses_bad_input_and_stores_nothing(
    aws: Aws, params: dict[str, Any]
) -> None:
    given = {"Identifier": "orders", "Name": "Orders", **params}
    with aws_error(aws.idp.exceptions.InvalidParameterException):
        aws.idp.create_resource_server(UserPoolId=aws.pool_id, **given)
    assert (
        aws.idp.list_resource_servers(UserPoolId=aws.pool_id, MaxResults=50)["ResourceServers"]
        == []
    )


def test_create_resource_server_in_an_unknown_pool_is_resource_not_found(aws: Aws) -> None:
    with aws_error(aws.idp.exceptions.ResourceNotFoundException):
        aws.idp.create_resource_server(UserPoolId=MISSING, Identifier="orders", Name="Orders")


# -- DescribeResourceServer --------------------------------------------------------------


def test_describe_resource_server_answers_the_stored_server(aws: Aws) -> None:
    made = server(aws, Scopes=[READ])
    answer = aws.idp.describe_resource_server(UserPoolId=aws.pool_id, Identifier="orders")
    assert answer["ResourceServer"] == made


def test_describe_resource_server_of_an_unknown_identifier_is_resource_not_found(
    aws: Aws,
) -> None:
    with aws_error(aws.idp.exceptions.ResourceNotFoundException):
        aws.idp.describe_resource_server(UserPoolId=aws.pool_id, Identifier="orders")


# -- UpdateResourceServer ----------------------------------------------------------------


def test_update_resource_server_replaces_every_scope(aws: Aws) -> None:
    server(aws, Scopes=[READ, WRITE])
    updated = aws.idp.update_resource_server(
        UserPoolId=aws.pool_id, Identifier="orders", Name="Orders v2", Scopes=[WRITE]
    )["ResourceServer"]
    assert (updated["Name"], updated["Scopes"]) == ("Orders v2", [WRITE])


def test_update_resource_server_without_scopes_removes_them(aws: Aws) -> None:
    server(aws, Scopes=[READ])
    updated = aws.idp.update_resource_server(
        UserPoolId=aws.pool_id, Identifier="orders", Name="Orders"
    )["ResourceServer"]
    assert updated["Scopes"] == []


def test_update_resource_server_of_an_unknown_identifier_is_resource_not_found(
    aws: Aws,
) -> None:
    with aws_error(aws.idp.exceptions.ResourceNotFoundException):
        aws.idp.update_resource_server(UserPoolId=aws.pool_id, Identifier="orders", Name="x")


# -- DeleteResourceServer ----------------------------------------------------------------


def test_delete_resource_server_removes_it(aws: Aws) -> None:
    server(aws)
    aws.idp.delete_resource_server(UserPoolId=aws.pool_id, Identifier="orders")
    with aws_error(aws.idp.exceptions.ResourceNotFoundException):
        aws.idp.describe_resource_server(UserPoolId=aws.pool_id, Identifier="orders")


def test_delete_resource_server_of_an_unknown_identifier_is_resource_not_found(aws: Aws) -> None:
    with aws_error(aws.idp.exceptions.ResourceNotFoundException):
        aws.idp.delete_resource_server(UserPoolId=aws.pool_id, Identifier="orders")


# -- ListResourceServers -----------------------------------------------------------------


def test_list_resource_servers_pages_with_next_token(aws: Aws) -> None:
    for identifier in ("c", "a", "b"):
        server(aws, identifier)
    first = aws.idp.list_resource_servers(UserPoolId=aws.pool_id, MaxResults=2)
    rest = aws.idp.list_resource_servers(
        UserPoolId=aws.pool_id, MaxResults=2, NextToken=first["NextToken"]
    )
    assert [s["Identifier"] for s in first["ResourceServers"]] == ["a", "b"]
    assert [s["Identifier"] for s in rest["ResourceServers"]] == ["c"]
    assert "NextToken" not in rest


def test_list_resource_servers_paginator_walks_every_page(aws: Aws) -> None:
    for i in range(5):
        server(aws, f"api{i}")
    pages = aws.idp.get_paginator("list_resource_servers").paginate(
        UserPoolId=aws.pool_id, PaginationConfig={"PageSize": 2}
    )
    found = [s["Identifier"] for page in pages for s in page["ResourceServers"]]
    assert found == [f"api{i}" for i in range(5)]


def test_list_resource_servers_of_an_unknown_pool_is_resource_not_found(aws: Aws) -> None:
    with aws_error(aws.idp.exceptions.ResourceNotFoundException):
        aws.idp.list_resource_servers(UserPoolId=MISSING, MaxResults=10)


# -- app clients and their OAuth settings --------------------------------------------------


def test_a_client_may_allow_custom_scopes_of_the_pool(aws: Aws) -> None:
    server(aws, Scopes=[READ])
    made = aws.idp.create_user_pool_client(
        UserPoolId=aws.pool_id,
        ClientName="web",
        AllowedOAuthFlows=["code"],
        AllowedOAuthScopes=["openid", "orders/read"],
        AllowedOAuthFlowsUserPoolClient=True,
        CallbackURLs=["https://app.example.com/cb"],
        SupportedIdentityProviders=["COGNITO"],
    )["UserPoolClient"]
    assert made["AllowedOAuthScopes"] == ["openid", "orders/read"]


def test_a_client_naming_an_unknown_scope_is_scope_does_not_exist(aws: Aws) -> None:
    with aws_error(
        aws.idp.exceptions.ScopeDoesNotExistException, "Invalid scope requested: orders/read"
    ):
        aws.idp.create_user_pool_client(
            UserPoolId=aws.pool_id, ClientName="web", AllowedOAuthScopes=["orders/read"]
        )
    listed = aws.idp.list_user_pool_clients(UserPoolId=aws.pool_id, MaxResults=60)
    assert [c["ClientName"] for c in listed["UserPoolClients"]] == ["web"]


def test_an_update_naming_an_unknown_scope_is_scope_does_not_exist(aws: Aws) -> None:
    with aws_error(aws.idp.exceptions.ScopeDoesNotExistException):
        aws.idp.update_user_pool_client(
            UserPoolId=aws.pool_id, ClientId=aws.client_id, AllowedOAuthScopes=["orders/read"]
        )


def test_a_machine_client_takes_client_credentials_alone_with_a_secret(aws: Aws) -> None:
    server(aws, Scopes=[READ])
    made = aws.idp.create_user_pool_client(
        UserPoolId=aws.pool_id,
        ClientName="m2m",
        GenerateSecret=True,
        AllowedOAuthFlows=["client_credentials"],
        AllowedOAuthScopes=["orders/read"],
        AllowedOAuthFlowsUserPoolClient=True,
    )["UserPoolClient"]
    assert made["AllowedOAuthFlows"] == ["client_credentials"]


def test_client_credentials_without_a_secret_is_invalid_oauth_flow(aws: Aws) -> None:
    server(aws, Scopes=[READ])
    with aws_error(aws.idp.exceptions.InvalidOAuthFlowException):
        aws.idp.create_user_pool_client(
            UserPoolId=aws.pool_id,
            ClientName="m2m",
            AllowedOAuthFlows=["client_credentials"],
            AllowedOAuthScopes=["orders/read"],
            AllowedOAuthFlowsUserPoolClient=True,
        )


def test_an_oauth_client_without_callback_urls_is_invalid_oauth_flow(aws: Aws) -> None:
    with aws_error(
        aws.idp.exceptions.InvalidOAuthFlowException,
        "CallbackUrls can not be empty when code flow or implicit flow is selected",
    ):
        aws.idp.create_user_pool_client(
            UserPoolId=aws.pool_id,
            ClientName="web",
            AllowedOAuthFlows=["code"],
            AllowedOAuthScopes=["openid"],
            AllowedOAuthFlowsUserPoolClient=True,
        )


def test_a_plain_http_callback_is_invalid_parameter(aws: Aws) -> None:
    with aws_error(
        aws.idp.exceptions.InvalidParameterException,
        "http://app.example.com/cb cannot use the HTTP protocol.",
    ):
        aws.idp.create_user_pool_client(
            UserPoolId=aws.pool_id, ClientName="web", CallbackURLs=["http://app.example.com/cb"]
        )


def test_a_localhost_callback_may_use_http(aws: Aws) -> None:
    made = aws.idp.create_user_pool_client(
        UserPoolId=aws.pool_id, ClientName="dev", CallbackURLs=["http://localhost:3000/cb"]
    )["UserPoolClient"]
    assert made["CallbackURLs"] == ["http://localhost:3000/cb"]


def test_an_unknown_identity_provider_is_invalid_parameter(aws: Aws) -> None:
    with aws_error(
        aws.idp.exceptions.InvalidParameterException,
        f"The provider Facebook does not exist for User Pool {aws.pool_id}",
    ):
        aws.idp.create_user_pool_client(
            UserPoolId=aws.pool_id, ClientName="web", SupportedIdentityProviders=["Facebook"]
        )

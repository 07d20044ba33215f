"""App clients through boto3: CreateUserPoolClient, DescribeUserPoolClient,
UpdateUserPoolClient, DeleteUserPoolClient, ListUserPoolClients."""

from __future__ import annotations

from typing import Any

from tests.aws.conftest import Aws
from tests.aws.helpers import REGION, START, at, aws_error

MISSING_POOL = f"{REGION}_AAAAAAAAA"
MISSING_CLIENT = "a" * 26


def create(aws: Aws, **params: Any) -> dict[str, Any]:
    params.setdefault("ClientName", "web")
    client: dict[str, Any] = aws.idp.create_user_pool_client(UserPoolId=aws.pool_id, **params)[
        "UserPoolClient"
    ]
    return client


# -- CreateUserPoolClient --------------------------------------------------------------


def test_create_user_pool_client_answers_its_settings(aws: Aws) -> None:
    client = create(aws)
    assert client["UserPoolId"] == aws.pool_id
    assert client["ClientName"] == "web"
    assert len(client["ClientId"]) == 26
    assert client["ClientId"].isalnum() and client["ClientId"].lower() == client["ClientId"]
    assert client["CreationDate"] == at(START)
    assert client["LastModifiedDate"] == at(START)
    assert "ClientSecret" not in client


def test_create_user_pool_client_defaults_as_cognito(aws: Aws) -> None:
    client = create(aws)
    assert client["AccessTokenValidity"] == 60
    assert client["IdTokenValidity"] == 60
    assert client["RefreshTokenValidity"] == 30
    assert client["TokenValidityUnits"] == {
        "AccessToken": "minutes",
        "IdToken": "minutes",
        "RefreshToken": "days",
    }
    assert client["PreventUserExistenceErrors"] == "LEGACY"
    assert client["EnableTokenRevocation"] is True
    assert client["AuthSessionValidity"] == 3
    assert set(client["ExplicitAuthFlows"]) == {
        "ALLOW_REFRESH_TOKEN_AUTH",
        "ALLOW_USER_SRP_AUTH",
        "ALLOW_CUSTOM_AUTH",
    }


def test_create_user_pool_client_generates_a_secret_when_asked(aws: Aws) -> None:
    client = create(aws, GenerateSecret=True)
    assert isinstance(client["ClientSecret"], str)
    assert len(client["ClientSecret"]) >= 24


def test_create_user_pool_client_validity_without_units_counts_hours(aws: Aws) -> None:
    client = create(aws, AccessTokenValidity=2, IdTokenValidity=3)
    assert client["AccessTokenValidity"] == 2
    assert client["TokenValidityUnits"]["AccessToken"] == "hours"
    assert client["TokenValidityUnits"]["IdToken"] == "hours"


def test_create_user_pool_client_keeps_attribute_permissions(aws: Aws) -> None:
    client = create(aws, ReadAttributes=["email", "name"], WriteAttributes=["name"])
    assert client["ReadAttributes"] == ["email", "name"]
    assert client["WriteAttributes"] == ["name"]


def test_create_user_pool_client_in_an_unknown_pool_is_resource_not_found(aws: Aws) -> None:
    with aws_error(
        aws.idp.exceptions.ResourceNotFoundException,
        f"User pool {MISSING_POOL} does not exist.",
    ):
        aws.idp.create_user_pool_client(UserPoolId=MISSING_POOL, ClientName="web")


def test_create_user_pool_client_refuses_an_unknown_auth_flow(aws: Aws) -> None:
    with aws_error(aws.idp.exceptions.InvalidParameterException) as info:
        create(aws, ExplicitAuthFlows=["ALLOW_MAGIC"])
    message = info.value.response["Error"]["Message"]
    assert message.startswith(
        "1 validation error detected: Value '[ALLOW_MAGIC]' at 'explicitAuthFlows' failed "
        "to satisfy constraint: Member must satisfy constraint: [Member must satisfy enum "
        "value set: ["
    )


def test_create_user_pool_client_refuses_an_attribute_outside_the_schema(aws: Aws) -> None:
    with aws_error(aws.idp.exceptions.InvalidParameterException):
        create(aws, ReadAttributes=["custom:nothing"])


def test_create_user_pool_client_refuses_a_token_validity_over_a_day(aws: Aws) -> None:
    with aws_error(aws.idp.exceptions.InvalidParameterException):
        create(aws, AccessTokenValidity=25)


def test_create_user_pool_client_refuses_legacy_and_allow_flows_mixed(aws: Aws) -> None:
    with aws_error(aws.idp.exceptions.InvalidParameterException):
        create(aws, ExplicitAuthFlows=["USER_PASSWORD_AUTH", "ALLOW_USER_SRP_AUTH"])


# -- DescribeUserPoolClient ------------------------------------------------------------


def test_describe_user_pool_client_answers_what_create_answered(aws: Aws) -> None:
    made = create(aws, GenerateSecret=True, ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH"])
    described = aws.idp.describe_user_pool_client(
        UserPoolId=aws.pool_id, ClientId=made["ClientId"]
    )["UserPoolClient"]
    assert described == made


def test_describe_user_pool_client_of_an_unknown_client_is_resource_not_found(aws: Aws) -> None:
    with aws_error(
        aws.idp.exceptions.ResourceNotFoundException,
        f"User pool client {MISSING_CLIENT} does not exist.",
    ):
        aws.idp.describe_user_pool_client(UserPoolId=aws.pool_id, ClientId=MISSING_CLIENT)


def test_describe_user_pool_client_of_another_pools_client_is_resource_not_found(
    aws: Aws,
) -> None:
    other = aws.idp.create_user_pool(PoolName="other")["UserPool"]["Id"]
    with aws_error(aws.idp.exceptions.ResourceNotFoundException):
        aws.idp.describe_user_pool_client(UserPoolId=other, ClientId=aws.client_id)


# -- UpdateUserPoolClient --------------------------------------------------------------


def test_update_user_pool_client_answers_the_new_settings(aws: Aws) -> None:
    aws.clock.advance(30)
    client = aws.idp.update_user_pool_client(
        UserPoolId=aws.pool_id,
        ClientId=aws.client_id,
        ClientName="renamed",
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
        PreventUserExistenceErrors="ENABLED",
    )["UserPoolClient"]
    assert client["ClientId"] == aws.client_id
    assert client["ClientName"] == "renamed"
    assert client["ExplicitAuthFlows"] == ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
    assert client["PreventUserExistenceErrors"] == "ENABLED"
    assert client["LastModifiedDate"] == at(START + 30)
    assert client["CreationDate"] == at(START)


def test_update_user_pool_client_resets_members_not_given(aws: Aws) -> None:
    # Cognito: "If you don't provide a value for an attribute, Amazon Cognito sets it to
    # its default value."
    client_id = aws.new_client(
        "tuned",
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH"],
        PreventUserExistenceErrors="ENABLED",
        AccessTokenValidity=2,
        AuthSessionValidity=10,
    )
    client = aws.idp.update_user_pool_client(
        UserPoolId=aws.pool_id, ClientId=client_id, ClientName="tuned"
    )["UserPoolClient"]
    assert set(client["ExplicitAuthFlows"]) == {
        "ALLOW_REFRESH_TOKEN_AUTH",
        "ALLOW_USER_SRP_AUTH",
        "ALLOW_CUSTOM_AUTH",
    }
    assert client["PreventUserExistenceErrors"] == "LEGACY"
    assert client["AccessTokenValidity"] == 60
    assert client["TokenValidityUnits"]["AccessToken"] == "minutes"
    assert client["AuthSessionValidity"] == 3


def test_update_user_pool_client_keeps_its_secret(aws: Aws) -> None:
    made = create(aws, GenerateSecret=True)
    updated = aws.idp.update_user_pool_client(
        UserPoolId=aws.pool_id, ClientId=made["ClientId"], ClientName="still"
    )["UserPoolClient"]
    assert updated["ClientSecret"] == made["ClientSecret"]


def test_update_user_pool_client_of_an_unknown_client_is_resource_not_found(aws: Aws) -> None:
    with aws_error(
        aws.idp.exceptions.ResourceNotFoundException,
        f"User pool client {MISSING_CLIENT} does not exist.",
    ):
        aws.idp.update_user_pool_client(UserPoolId=aws.pool_id, ClientId=MISSING_CLIENT)


def test_update_user_pool_client_refuses_an_auth_session_over_15_minutes(aws: Aws) -> None:
    with aws_error(
        aws.idp.exceptions.InvalidParameterException,
        "1 validation error detected: Value '16' at 'authSessionValidity' failed to satisfy "
        "constraint: Member must have value less than or equal to 15",
    ):
        aws.idp.update_user_pool_client(
            UserPoolId=aws.pool_id, ClientId=aws.client_id, AuthSessionValidity=16
        )


# -- DeleteUserPoolClient --------------------------------------------------------------


def test_delete_user_pool_client_removes_it(aws: Aws) -> None:
    answer = aws.idp.delete_user_pool_client(UserPoolId=aws.pool_id, ClientId=aws.client_id)
    assert set(answer) == {"ResponseMetadata"}
    with aws_error(aws.idp.exceptions.ResourceNotFoundException):
        aws.idp.describe_user_pool_client(UserPoolId=aws.pool_id, ClientId=aws.client_id)


def test_delete_user_pool_client_stops_its_sign_ins(aws: Aws) -> None:
    aws.idp.delete_user_pool_client(UserPoolId=aws.pool_id, ClientId=aws.client_id)
    with aws_error(aws.idp.exceptions.ResourceNotFoundException):
        aws.sign_up()


def test_delete_user_pool_client_of_an_unknown_client_is_resource_not_found(aws: Aws) -> None:
    with aws_error(aws.idp.exceptions.ResourceNotFoundException):
        aws.idp.delete_user_pool_client(UserPoolId=aws.pool_id, ClientId=MISSING_CLIENT)


# -- ListUserPoolClients ---------------------------------------------------------------


def test_list_user_pool_clients_answers_descriptions(aws: Aws) -> None:
    listed = aws.idp.list_user_pool_clients(UserPoolId=aws.pool_id)
    assert listed["UserPoolClients"] == [
        {"ClientId": aws.client_id, "UserPoolId": aws.pool_id, "ClientName": "web"}
    ]
    assert "NextToken" not in listed


def test_list_user_pool_clients_pages_with_next_token(aws: Aws) -> None:
    ids = {aws.client_id} | {aws.new_client(f"c{i}") for i in range(2)}
    first = aws.idp.list_user_pool_clients(UserPoolId=aws.pool_id, MaxResults=2)
    second = aws.idp.list_user_pool_clients(
        UserPoolId=aws.pool_id, MaxResults=2, NextToken=first["NextToken"]
    )
    assert len(first["UserPoolClients"]) == 2
    assert "NextToken" not in second
    listed = first["UserPoolClients"] + second["UserPoolClients"]
    assert {c["ClientId"] for c in listed} == ids


def test_list_user_pool_clients_paginator_walks_every_page(aws: Aws) -> None:
    ids = {aws.client_id} | {aws.new_client(f"c{i}") for i in range(4)}
    pages = aws.idp.get_paginator("list_user_pool_clients").paginate(
        UserPoolId=aws.pool_id, PaginationConfig={"PageSize": 2}
    )
    assert {c["ClientId"] for page in pages for c in page["UserPoolClients"]} == ids


def test_list_user_pool_clients_of_an_unknown_pool_is_resource_not_found(idp: Any) -> None:
    with aws_error(idp.exceptions.ResourceNotFoundException):
        idp.list_user_pool_clients(UserPoolId=MISSING_POOL)


def test_update_user_pool_client_resets_a_validity_in_the_unit_given(aws: Aws) -> None:
    client_id = aws.new_client("tuned", AccessTokenValidity=2)
    client = aws.idp.update_user_pool_client(
        UserPoolId=aws.pool_id,
        ClientId=client_id,
        ClientName="tuned",
        TokenValidityUnits={"AccessToken": "hours", "RefreshToken": "hours"},
    )["UserPoolClient"]
    assert client["AccessTokenValidity"] == 1
    assert client["TokenValidityUnits"]["AccessToken"] == "hours"
    assert client["RefreshTokenValidity"] == 30 * 24
    assert client["TokenValidityUnits"]["RefreshToken"] == "hours"


def test_update_user_pool_client_resets_permissions_and_redirect_when_not_given(aws: Aws) -> None:
    client_id = aws.new_client(
        "narrow",
        ReadAttributes=["email"],
        WriteAttributes=["email"],
        CallbackURLs=["https://app.example.com/cb"],
        DefaultRedirectURI="https://app.example.com/cb",
    )
    client = aws.idp.update_user_pool_client(
        UserPoolId=aws.pool_id,
        ClientId=client_id,
        ClientName="narrow",
        CallbackURLs=["https://app.example.com/cb"],
    )["UserPoolClient"]
    assert "ReadAttributes" not in client
    assert "WriteAttributes" not in client
    assert "DefaultRedirectURI" not in client

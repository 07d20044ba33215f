"""AddUserPoolClientSecret, DeleteUserPoolClientSecret and ListUserPoolClientSecrets
through boto3."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from cogkit import secret_hash
from tests.aws.conftest import Aws
from tests.aws.helpers import PASSWORD, REGION, START, at, aws_error

CUSTOM = "Custom_secret+value_0123456789"


def unchecked() -> Any:
    """A client that sends what botocore itself would refuse, as other SDKs may."""
    return boto3.client(
        "cognito-idp", region_name=REGION, config=Config(parameter_validation=False)
    )


def confidential(aws: Aws) -> tuple[str, str]:
    """A client with a generated secret: its id and secret."""
    made = aws.idp.create_user_pool_client(
        UserPoolId=aws.pool_id,
        ClientName="server",
        GenerateSecret=True,
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    )["UserPoolClient"]
    return made["ClientId"], made["ClientSecret"]


def add(aws: Aws, client_id: str, **params: Any) -> dict[str, Any]:
    answer = aws.idp.add_user_pool_client_secret(
        UserPoolId=aws.pool_id, ClientId=client_id, **params
    )
    descriptor: dict[str, Any] = answer["ClientSecretDescriptor"]
    return descriptor


def listed(aws: Aws, client_id: str) -> list[dict[str, Any]]:
    answer = aws.idp.list_user_pool_client_secrets(UserPoolId=aws.pool_id, ClientId=client_id)
    assert "NextToken" not in answer
    secrets: list[dict[str, Any]] = answer["ClientSecrets"]
    return secrets


def sign_in(aws: Aws, client_id: str, secret: str) -> dict[str, Any]:
    answer = aws.idp.initiate_auth(
        ClientId=client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={
            "USERNAME": "ann",
            "PASSWORD": PASSWORD,
            "SECRET_HASH": secret_hash(secret, "ann", client_id),
        },
    )
    result: dict[str, Any] = answer["AuthenticationResult"]
    return result


# -- ListUserPoolClientSecrets ----------------------------------------------------------------


def test_list_user_pool_client_secrets_shows_the_creation_secret(aws: Aws) -> None:
    client_id, _secret = confidential(aws)
    assert listed(aws, client_id) == [
        {"ClientSecretId": f"{client_id}--{START * 1000}", "ClientSecretCreateDate": at(START)}
    ]


def test_list_user_pool_client_secrets_of_a_public_client_is_empty(aws: Aws) -> None:
    assert listed(aws, aws.client_id) == []


def test_list_user_pool_client_secrets_of_an_unknown_client_is_resource_not_found(
    aws: Aws,
) -> None:
    with aws_error(aws.idp.exceptions.ResourceNotFoundException):
        listed(aws, "nosuchclient")


# -- AddUserPoolClientSecret ------------------------------------------------------------------


def test_add_user_pool_client_secret_generates_and_shows_a_secret(aws: Aws) -> None:
    client_id, _secret = confidential(aws)
    aws.clock.advance(2)
    added = add(aws, client_id)
    assert added["ClientSecretId"] == f"{client_id}--{(START + 2) * 1000}"
    assert added["ClientSecretCreateDate"] == at(START + 2)
    assert len(added["ClientSecretValue"]) == 51
    assert [s["ClientSecretId"] for s in listed(aws, client_id)] == [
        f"{client_id}--{START * 1000}",
        added["ClientSecretId"],
    ]
    assert all("ClientSecretValue" not in s for s in listed(aws, client_id))


def test_add_user_pool_client_secret_with_a_custom_value_hides_it(aws: Aws) -> None:
    client_id, secret = confidential(aws)
    added = add(aws, client_id, ClientSecret=CUSTOM)
    assert "ClientSecretValue" not in added
    described = aws.idp.describe_user_pool_client(UserPoolId=aws.pool_id, ClientId=client_id)
    assert described["UserPoolClient"]["ClientSecret"] == secret


def test_add_user_pool_client_secret_lets_either_secret_sign_in(aws: Aws) -> None:
    client_id, secret = confidential(aws)
    added = add(aws, client_id)
    aws.confirmed()
    for value in (secret, added["ClientSecretValue"]):
        assert sign_in(aws, client_id, value)["AccessToken"]
    with aws_error(aws.idp.exceptions.NotAuthorizedException):
        sign_in(aws, client_id, "w" * 51)


def test_add_user_pool_client_secret_lets_either_secret_refresh(aws: Aws) -> None:
    client_id, secret = confidential(aws)
    add(aws, client_id, ClientSecret=CUSTOM)
    aws.confirmed()
    token = sign_in(aws, client_id, secret)["RefreshToken"]
    for value in (secret, CUSTOM):
        answer = aws.idp.get_tokens_from_refresh_token(
            ClientId=client_id, RefreshToken=token, ClientSecret=value
        )
        assert answer["AuthenticationResult"]["AccessToken"]


def test_add_user_pool_client_secret_past_two_is_limit_exceeded(aws: Aws) -> None:
    client_id, _secret = confidential(aws)
    add(aws, client_id)
    with aws_error(aws.idp.exceptions.LimitExceededException):
        add(aws, client_id, ClientSecret=CUSTOM)
    assert len(listed(aws, client_id)) == 2


def test_add_user_pool_client_secret_to_a_public_client_is_invalid(aws: Aws) -> None:
    with aws_error(aws.idp.exceptions.InvalidParameterException):
        add(aws, aws.client_id)
    described = aws.idp.describe_user_pool_client(UserPoolId=aws.pool_id, ClientId=aws.client_id)
    assert "ClientSecret" not in described["UserPoolClient"]


def test_add_user_pool_client_secret_to_an_unknown_client_is_resource_not_found(
    aws: Aws,
) -> None:
    with aws_error(aws.idp.exceptions.ResourceNotFoundException):
        add(aws, "nosuchclient")


@pytest.mark.parametrize(
    ("value", "error"),
    [
        ("short", "InvalidParameterException"),
        ("x" * 65, "InvalidParameterException"),
        ("has-a-dash-which-is-not-allowed", "InvalidParameterException"),
        (12345, "SerializationException"),
    ],
)
def test_add_user_pool_client_secret_refuses_a_malformed_secret(
    aws: Aws, value: Any, error: str
) -> None:
    client_id, _secret = confidential(aws)
    with pytest.raises(ClientError) as info:
        unchecked().add_user_pool_client_secret(
            UserPoolId=aws.pool_id, ClientId=client_id, ClientSecret=value
        )
    assert info.value.response["Error"]["Code"] == error
    message = info.value.response["Error"]["Message"]
    assert "clientSecret" in message and str(value) not in message
    assert len(listed(aws, client_id)) == 1


# -- DeleteUserPoolClientSecret ---------------------------------------------------------------


def test_delete_user_pool_client_secret_retires_the_old_secret(aws: Aws) -> None:
    client_id, secret = confidential(aws)
    added = add(aws, client_id)
    aws.idp.delete_user_pool_client_secret(
        UserPoolId=aws.pool_id, ClientId=client_id, ClientSecretId=f"{client_id}--{START * 1000}"
    )
    assert [s["ClientSecretId"] for s in listed(aws, client_id)] == [added["ClientSecretId"]]
    described = aws.idp.describe_user_pool_client(UserPoolId=aws.pool_id, ClientId=client_id)
    assert described["UserPoolClient"]["ClientSecret"] == added["ClientSecretValue"]
    aws.confirmed()
    with aws_error(aws.idp.exceptions.NotAuthorizedException):
        sign_in(aws, client_id, secret)
    assert sign_in(aws, client_id, added["ClientSecretValue"])["AccessToken"]


def test_delete_user_pool_client_secret_refuses_the_last_secret(aws: Aws) -> None:
    client_id, _secret = confidential(aws)
    with aws_error(aws.idp.exceptions.InvalidParameterException):
        aws.idp.delete_user_pool_client_secret(
            UserPoolId=aws.pool_id,
            ClientId=client_id,
            ClientSecretId=f"{client_id}--{START * 1000}",
        )
    assert len(listed(aws, client_id)) == 1


def test_delete_user_pool_client_secret_of_an_unknown_secret_is_resource_not_found(
    aws: Aws,
) -> None:
    client_id, _secret = confidential(aws)
    with aws_error(aws.idp.exceptions.ResourceNotFoundException):
        aws.idp.delete_user_pool_client_secret(
            UserPoolId=aws.pool_id, ClientId=client_id, ClientSecretId=f"{client_id}--1"
        )


def test_delete_user_pool_client_secret_refuses_a_malformed_id(aws: Aws) -> None:
    client_id, _secret = confidential(aws)
    with aws_error(aws.idp.exceptions.InvalidParameterException) as info:
        unchecked().delete_user_pool_client_secret(
            UserPoolId=aws.pool_id, ClientId=client_id, ClientSecretId=""
        )
    assert "clientSecretId" in info.value.response["Error"]["Message"]

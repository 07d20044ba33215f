"""GetTokensFromRefreshToken and RefreshTokenRotation through boto3."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from cogkit import secret_hash
from tests.aws.conftest import Aws
from tests.aws.helpers import PASSWORD, PASSWORD_FLOWS, REGION, START, aws_error
from tests.helpers import jwt_part

ROTATING_FLOWS = [f for f in PASSWORD_FLOWS if f != "ALLOW_REFRESH_TOKEN_AUTH"]
ENABLED = {"Feature": "ENABLED", "RetryGracePeriodSeconds": 10}


def unchecked() -> Any:
    """A client that sends what botocore itself would refuse, as other SDKs may."""
    return boto3.client(
        "cognito-idp", region_name=REGION, config=Config(parameter_validation=False)
    )


def rotating(aws: Aws, rotation: dict[str, Any] | None = None, **settings: Any) -> str:
    settings.setdefault("ExplicitAuthFlows", ROTATING_FLOWS)
    return aws.new_client("rotating", RefreshTokenRotation=rotation or ENABLED, **settings)


def sign_in(aws: Aws, client_id: str) -> dict[str, Any]:
    aws.confirmed()
    answer = aws.idp.initiate_auth(
        ClientId=client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "ann", "PASSWORD": PASSWORD},
    )
    result: dict[str, Any] = answer["AuthenticationResult"]
    return result


def refreshed(aws: Aws, client_id: str, token: str, **params: Any) -> dict[str, Any]:
    answer = aws.idp.get_tokens_from_refresh_token(ClientId=client_id, RefreshToken=token, **params)
    result: dict[str, Any] = answer["AuthenticationResult"]
    return result


# -- RefreshTokenRotation on app clients -------------------------------------------------------


def test_create_user_pool_client_keeps_refresh_token_rotation(aws: Aws) -> None:
    client_id = rotating(aws)
    described = aws.idp.describe_user_pool_client(UserPoolId=aws.pool_id, ClientId=client_id)
    assert described["UserPoolClient"]["RefreshTokenRotation"] == ENABLED


def test_create_user_pool_client_without_rotation_describes_it_disabled(aws: Aws) -> None:
    described = aws.idp.describe_user_pool_client(UserPoolId=aws.pool_id, ClientId=aws.client_id)
    assert described["UserPoolClient"]["RefreshTokenRotation"] == {
        "Feature": "DISABLED",
        "RetryGracePeriodSeconds": 0,
    }


def test_create_user_pool_client_rotation_grace_defaults_to_zero(aws: Aws) -> None:
    client_id = rotating(aws, {"Feature": "ENABLED"})
    described = aws.idp.describe_user_pool_client(UserPoolId=aws.pool_id, ClientId=client_id)
    assert described["UserPoolClient"]["RefreshTokenRotation"]["RetryGracePeriodSeconds"] == 0


@pytest.mark.parametrize(
    ("rotation", "error"),
    [
        ({"Feature": "ENABLED", "RetryGracePeriodSeconds": 61}, "InvalidParameterException"),
        ({"Feature": "ENABLED", "RetryGracePeriodSeconds": -1}, "InvalidParameterException"),
        ({"Feature": "ON"}, "InvalidParameterException"),
        ({"RetryGracePeriodSeconds": 5}, "InvalidParameterException"),
        ({"Feature": "ENABLED", "RetryGracePeriodSeconds": "5"}, "SerializationException"),
    ],
)
def test_create_user_pool_client_refuses_bad_rotation_settings(
    aws: Aws, rotation: Any, error: str
) -> None:
    idp = unchecked()
    with pytest.raises(ClientError) as info:
        idp.create_user_pool_client(
            UserPoolId=aws.pool_id, ClientName="bad", RefreshTokenRotation=rotation
        )
    assert info.value.response["Error"]["Code"] == error
    assert "refreshtokenrotation" in info.value.response["Error"]["Message"].lower()
    listed = aws.idp.list_user_pool_clients(UserPoolId=aws.pool_id, MaxResults=10)
    assert [c["ClientName"] for c in listed["UserPoolClients"]] == ["web"]


def test_create_user_pool_client_rotation_needs_essentials_or_plus(aws: Aws) -> None:
    lite = aws.idp.create_user_pool(PoolName="lite", UserPoolTier="LITE")["UserPool"]["Id"]
    with aws_error(aws.idp.exceptions.FeatureUnavailableInTierException):
        aws.idp.create_user_pool_client(
            UserPoolId=lite, ClientName="c", RefreshTokenRotation={"Feature": "ENABLED"}
        )


def test_update_user_pool_client_turns_rotation_on_and_off(aws: Aws) -> None:
    updated = aws.idp.update_user_pool_client(
        UserPoolId=aws.pool_id, ClientId=aws.client_id, RefreshTokenRotation=ENABLED
    )
    assert updated["UserPoolClient"]["RefreshTokenRotation"] == ENABLED
    # An update that omits it turns it off, as every omitted member goes to its default.
    reset = aws.idp.update_user_pool_client(UserPoolId=aws.pool_id, ClientId=aws.client_id)
    assert reset["UserPoolClient"]["RefreshTokenRotation"]["Feature"] == "DISABLED"


# -- GetTokensFromRefreshToken ---------------------------------------------------------------


def test_get_tokens_from_refresh_token_without_rotation_issues_no_refresh_token(
    aws: Aws,
) -> None:
    tokens = aws.session()
    aws.clock.advance(600)
    result = refreshed(aws, aws.client_id, tokens["RefreshToken"])
    assert "RefreshToken" not in result
    assert result["ExpiresIn"] == 3600 and result["TokenType"] == "Bearer"
    claims = jwt_part(result["AccessToken"], 1)
    assert claims["auth_time"] == START and claims["iat"] == START + 600
    assert claims["origin_jti"] == jwt_part(tokens["AccessToken"], 1)["origin_jti"]


def test_get_tokens_from_refresh_token_with_rotation_issues_a_new_refresh_token(
    aws: Aws,
) -> None:
    client_id = rotating(aws)
    tokens = sign_in(aws, client_id)
    result = refreshed(aws, client_id, tokens["RefreshToken"])
    assert result["RefreshToken"] != tokens["RefreshToken"]
    assert aws.idp.get_user(AccessToken=result["AccessToken"])["Username"] == "ann"
    again = refreshed(aws, client_id, result["RefreshToken"])
    assert again["RefreshToken"] not in (result["RefreshToken"], tokens["RefreshToken"])


def test_get_tokens_from_refresh_token_honours_the_grace_period(aws: Aws) -> None:
    client_id = rotating(aws)
    tokens = sign_in(aws, client_id)
    refreshed(aws, client_id, tokens["RefreshToken"])
    aws.clock.advance(9)
    assert refreshed(aws, client_id, tokens["RefreshToken"])["RefreshToken"]
    aws.clock.advance(1)
    with aws_error(aws.idp.exceptions.RefreshTokenReuseException):
        refreshed(aws, client_id, tokens["RefreshToken"])


def test_get_tokens_from_refresh_token_reuse_without_grace_is_refused(aws: Aws) -> None:
    client_id = rotating(aws, {"Feature": "ENABLED", "RetryGracePeriodSeconds": 0})
    tokens = sign_in(aws, client_id)
    refreshed(aws, client_id, tokens["RefreshToken"])
    with aws_error(
        aws.idp.exceptions.RefreshTokenReuseException, "Refresh Token has already been used."
    ):
        refreshed(aws, client_id, tokens["RefreshToken"])


def test_get_tokens_from_refresh_token_of_an_unknown_token_is_not_authorized(aws: Aws) -> None:
    aws.session()
    with aws_error(aws.idp.exceptions.NotAuthorizedException, "Invalid Refresh Token"):
        refreshed(aws, aws.client_id, "not.a.refresh.token.at-all")


def test_get_tokens_from_refresh_token_of_an_unknown_client_is_resource_not_found(
    aws: Aws,
) -> None:
    tokens = aws.session()
    with aws_error(aws.idp.exceptions.ResourceNotFoundException):
        refreshed(aws, "nosuchclient", tokens["RefreshToken"])


def test_get_tokens_from_refresh_token_after_revocation_is_refused(aws: Aws) -> None:
    client_id = rotating(aws)
    tokens = sign_in(aws, client_id)
    result = refreshed(aws, client_id, tokens["RefreshToken"])
    aws.idp.revoke_token(Token=tokens["RefreshToken"], ClientId=client_id)
    with aws_error(aws.idp.exceptions.NotAuthorizedException, "Refresh Token has been revoked"):
        refreshed(aws, client_id, result["RefreshToken"])
    with aws_error(aws.idp.exceptions.NotAuthorizedException, "Access Token has been revoked"):
        aws.idp.get_user(AccessToken=result["AccessToken"])


def test_get_tokens_from_refresh_token_after_global_sign_out_is_refused(aws: Aws) -> None:
    client_id = rotating(aws)
    result = refreshed(aws, client_id, sign_in(aws, client_id)["RefreshToken"])
    aws.idp.global_sign_out(AccessToken=result["AccessToken"])
    with aws_error(aws.idp.exceptions.NotAuthorizedException, "Refresh Token has been revoked"):
        refreshed(aws, client_id, result["RefreshToken"])


def test_get_tokens_from_refresh_token_with_a_secret_needs_it(aws: Aws) -> None:
    client_id = rotating(
        aws, GenerateSecret=True, ExplicitAuthFlows=["ALLOW_ADMIN_USER_PASSWORD_AUTH"]
    )
    secret = aws.idp.describe_user_pool_client(UserPoolId=aws.pool_id, ClientId=client_id)[
        "UserPoolClient"
    ]["ClientSecret"]
    aws.confirmed()
    tokens = aws.idp.admin_initiate_auth(
        UserPoolId=aws.pool_id,
        ClientId=client_id,
        AuthFlow="ADMIN_USER_PASSWORD_AUTH",
        AuthParameters={
            "USERNAME": "ann",
            "PASSWORD": PASSWORD,
            "SECRET_HASH": secret_hash(secret, "ann", client_id),
        },
    )["AuthenticationResult"]
    with aws_error(aws.idp.exceptions.NotAuthorizedException):
        refreshed(aws, client_id, tokens["RefreshToken"])
    with aws_error(aws.idp.exceptions.NotAuthorizedException):
        refreshed(aws, client_id, tokens["RefreshToken"], ClientSecret="w" * 51)
    assert refreshed(aws, client_id, tokens["RefreshToken"], ClientSecret=secret)["RefreshToken"]


@pytest.mark.parametrize(
    ("params", "member"),
    [
        ({"RefreshToken": "has space"}, "refreshToken"),
        ({"RefreshToken": ""}, "refreshToken"),
        ({"RefreshToken": 5}, "refreshToken"),
        ({"ClientSecret": "short"}, "clientSecret"),
        ({"DeviceKey": "not a key"}, "deviceKey"),
        ({"ClientMetadata": {"a": 1}}, "clientMetadata"),
    ],
)
def test_get_tokens_from_refresh_token_refuses_malformed_input(
    aws: Aws, params: dict[str, Any], member: str
) -> None:
    client_id = rotating(aws)
    tokens = sign_in(aws, client_id)
    request = {"ClientId": client_id, "RefreshToken": tokens["RefreshToken"], **params}
    idp = unchecked()
    with pytest.raises(ClientError) as info:
        idp.get_tokens_from_refresh_token(**request)
    error = info.value.response["Error"]
    # Wrong JSON types fail to deserialize, as in AWS; the rest fail validation.
    assert error["Code"] in ("InvalidParameterException", "SerializationException")
    assert member in error["Message"]
    # Nothing was used up.
    assert refreshed(aws, client_id, tokens["RefreshToken"])["RefreshToken"]


def test_initiate_auth_refresh_token_auth_is_refused_while_rotating(aws: Aws) -> None:
    client_id = rotating(aws, ExplicitAuthFlows=PASSWORD_FLOWS)
    tokens = sign_in(aws, client_id)
    with aws_error(aws.idp.exceptions.InvalidParameterException):
        aws.idp.initiate_auth(
            ClientId=client_id,
            AuthFlow="REFRESH_TOKEN_AUTH",
            AuthParameters={"REFRESH_TOKEN": tokens["RefreshToken"]},
        )
    assert refreshed(aws, client_id, tokens["RefreshToken"])["RefreshToken"]

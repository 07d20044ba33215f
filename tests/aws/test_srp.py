"""USER_SRP_AUTH through boto3, proved by an SRP client cogkit did not write (pycognito)."""

from __future__ import annotations

from typing import Any

import boto3
import pytest

from cogkit import Cognito, SystemClock
from cogkit.testing import make_cognito
from tests.aws.helpers import PASSWORD, REGION

aws_srp = pytest.importorskip("pycognito.aws_srp", reason="pycognito comes with the dev extra")


@pytest.fixture
def svc() -> Cognito:
    # pycognito stamps its answer with the real time, so this service runs on it too.
    return make_cognito(region=REGION, clock=SystemClock())


@pytest.fixture
def pool(idp: Any) -> tuple[str, str]:
    pool_id = idp.create_user_pool(PoolName="srp")["UserPool"]["Id"]
    client_id = idp.create_user_pool_client(UserPoolId=pool_id, ClientName="app")["UserPoolClient"][
        "ClientId"
    ]
    idp.admin_create_user(
        UserPoolId=pool_id,
        Username="ann",
        MessageAction="SUPPRESS",
        TemporaryPassword="Temporary-1",
    )
    idp.admin_set_user_password(
        UserPoolId=pool_id, Username="ann", Password=PASSWORD, Permanent=True
    )
    return pool_id, client_id


def test_pycognito_signs_in_with_srp(idp: Any, pool: tuple[str, str], svc: Cognito) -> None:
    pool_id, client_id = pool
    srp = aws_srp.AWSSRP(
        username="ann",
        password=PASSWORD,
        pool_id=pool_id,
        client_id=client_id,
        client=boto3.client("cognito-idp", region_name=REGION),
    )
    tokens = srp.authenticate_user()["AuthenticationResult"]
    claims = svc.user_pool(pool_id).verify(tokens["AccessToken"], token_use="access")
    assert claims["username"] == "ann"
    assert tokens["RefreshToken"]


def test_pycognito_with_a_wrong_password_is_refused(idp: Any, pool: tuple[str, str]) -> None:
    pool_id, client_id = pool
    srp = aws_srp.AWSSRP(
        username="ann", password="Wrong-horse-1", pool_id=pool_id, client_id=client_id, client=idp
    )
    with pytest.raises(idp.exceptions.NotAuthorizedException, match="Incorrect username"):
        srp.authenticate_user()


def test_pycognito_with_a_client_secret(idp: Any, pool: tuple[str, str]) -> None:
    pool_id, _client_id = pool
    made = idp.create_user_pool_client(
        UserPoolId=pool_id, ClientName="secret", GenerateSecret=True
    )["UserPoolClient"]
    srp = aws_srp.AWSSRP(
        username="ann",
        password=PASSWORD,
        pool_id=pool_id,
        client_id=made["ClientId"],
        client_secret=made["ClientSecret"],
        client=idp,
    )
    assert srp.authenticate_user()["AuthenticationResult"]["IdToken"]


def test_initiate_answers_password_verifier_without_session(
    idp: Any, pool: tuple[str, str]
) -> None:
    pool_id, client_id = pool
    srp = aws_srp.AWSSRP(
        username="ann", password=PASSWORD, pool_id=pool_id, client_id=client_id, client=idp
    )
    response = idp.initiate_auth(
        ClientId=client_id, AuthFlow="USER_SRP_AUTH", AuthParameters=srp.get_auth_params()
    )
    assert response["ChallengeName"] == "PASSWORD_VERIFIER"
    assert "Session" not in response
    assert set(response["ChallengeParameters"]) == {
        "SALT",
        "SRP_B",
        "SECRET_BLOCK",
        "USERNAME",
        "USER_ID_FOR_SRP",
    }


def test_unknown_user_with_srp_is_user_not_found(idp: Any, pool: tuple[str, str]) -> None:
    pool_id, client_id = pool
    srp = aws_srp.AWSSRP(
        username="ghost", password=PASSWORD, pool_id=pool_id, client_id=client_id, client=idp
    )
    with pytest.raises(idp.exceptions.UserNotFoundException):
        srp.authenticate_user()

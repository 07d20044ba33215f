"""``cogkit.aws.mock_aws`` used the ways moto's ``mock_aws`` is: as a bare decorator, a
called decorator, a context manager, on sync and async functions and on test classes;
with its own state or a given service; beside moto; and serving the pool's JWKS and
OpenID configuration to ``requests``, ``urllib`` and PyJWT while active."""

from __future__ import annotations

import asyncio
import json
import unittest
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import botocore
import botocore.session
import jwt
import moto
import pytest
import requests
from botocore.config import Config
from botocore.exceptions import ClientError, EndpointConnectionError
from botocore.stub import Stubber

from cogkit import Cognito
from cogkit.aws import mock_aws, patch_client
from cogkit.aws._mock import _before_call
from cogkit.errors import CogkitError, ConfigurationError
from cogkit.services.clock import SystemClock
from cogkit.testing import make_cognito
from tests.aws.helpers import PASSWORD

UNROUTABLE = "http://127.0.0.1:9"


def idp(region: str = "us-east-1", **kwargs: Any) -> Any:
    return boto3.client("cognito-idp", region_name=region, **kwargs)


def new_pool(region: str = "us-east-1", **params: Any) -> str:
    pool_id: str = idp(region).create_user_pool(PoolName="app", **params)["UserPool"]["Id"]
    return pool_id


def pool_count(region: str = "us-east-1") -> int:
    return len(idp(region).list_user_pools(MaxResults=60)["UserPools"])


# -- the ways to apply it --------------------------------------------------------------


def test_bare_decorator_routes_calls_to_cogkit() -> None:
    @mock_aws
    def run() -> str:
        return new_pool()

    assert run().startswith("us-east-1_")


def test_called_decorator_routes_calls_to_cogkit() -> None:
    @mock_aws()
    def run() -> str:
        return new_pool()

    assert run().startswith("us-east-1_")


def test_decorator_keeps_the_function_name_and_result() -> None:
    @mock_aws
    def named(value: int) -> int:
        return value * 2

    assert named.__name__ == "named"
    assert named(21) == 42


def test_each_call_of_a_decorated_function_starts_fresh() -> None:
    @mock_aws
    def count_after_creating() -> int:
        new_pool()
        return pool_count()

    assert count_after_creating() == 1
    assert count_after_creating() == 1


def test_context_manager_routes_calls_to_cogkit() -> None:
    with mock_aws() as mock:
        pool_id = new_pool()
        assert mock.service("us-east-1").user_pool(pool_id).name == "app"


def test_start_and_stop_activate_and_deactivate() -> None:
    mock = mock_aws()
    mock.start()
    try:
        assert new_pool().startswith("us-east-1_")
    finally:
        mock.stop()


def test_coroutine_function_runs_inside_the_mock() -> None:
    @mock_aws
    async def run() -> str:
        await asyncio.sleep(0)
        return new_pool()

    assert asyncio.iscoroutinefunction(run)
    assert asyncio.run(run()).startswith("us-east-1_")


def test_mock_aws_refuses_something_that_is_not_a_service() -> None:
    with pytest.raises(CogkitError):
        mock_aws(service="not a service")  # type: ignore[arg-type]


def test_mock_aws_refuses_an_account_that_contradicts_the_service() -> None:
    with pytest.raises(ConfigurationError):
        mock_aws(service=make_cognito(), account_id="111122223333")


def test_mock_aws_refuses_a_region_that_contradicts_the_service() -> None:
    with pytest.raises(ConfigurationError):
        mock_aws(service=make_cognito(), region="eu-west-1")


def test_mock_aws_with_a_service_assumes_its_region() -> None:
    svc = make_cognito(region="ap-southeast-2")
    with mock_aws(service=svc) as mock:
        assert mock.service() is svc
        assert new_pool("ap-southeast-2").startswith("ap-southeast-2_")


# -- on test classes -------------------------------------------------------------------


@mock_aws
class TestPlainClassDecorated:
    """Each test method runs in its own fresh mock."""

    def test_first_method_sees_only_its_own_pool(self) -> None:
        new_pool()
        assert pool_count() == 1

    def test_second_method_sees_only_its_own_pool(self) -> None:
        new_pool()
        assert pool_count() == 1


@mock_aws
class TestUnittestCaseWithSetUp(unittest.TestCase):
    """The mock starts before setUp, so state seeded there is visible to the test."""

    def setUp(self) -> None:
        self.pool_id = new_pool()

    def test_pool_from_set_up_is_visible(self) -> None:
        pool = idp().describe_user_pool(UserPoolId=self.pool_id)["UserPool"]
        assert pool["Name"] == "app"

    def test_each_test_gets_fresh_state(self) -> None:
        assert pool_count() == 1


@mock_aws
class TestPytestClassWithSetupMethod:
    """The same for pytest's setup_method."""

    def setup_method(self, method: Any) -> None:
        self.pool_id = new_pool()

    def test_pool_from_setup_method_is_visible(self) -> None:
        assert idp().describe_user_pool(UserPoolId=self.pool_id)["UserPool"]["Name"] == "app"

    def test_each_test_gets_fresh_state(self) -> None:
        assert pool_count() == 1


@mock_aws
class TestSetupMethodWithoutArgument:
    """pytest also calls a setup_method that takes no argument; the wrapper keeps that."""

    def setup_method(self) -> None:
        self.pool_id = new_pool()

    def teardown_method(self, method: Any) -> None:
        self.torn_down = method.__name__

    def test_pool_from_setup_method_is_visible(self) -> None:
        assert idp().describe_user_pool(UserPoolId=self.pool_id)["UserPool"]["Name"] == "app"


def test_a_failing_set_up_stops_its_mock() -> None:
    class Failing:
        def setUp(self) -> None:
            raise RuntimeError("set-up failed")

    decorated = mock_aws(Failing)
    send = requests.Session.send
    with pytest.raises(RuntimeError):
        decorated().setUp()
    assert requests.Session.send is send


def test_errors_reach_boto3_as_botocore_parses_them_from_http() -> None:
    with mock_aws():
        client = idp()
        with pytest.raises(client.exceptions.ResourceNotFoundException) as info:
            client.describe_user_pool(UserPoolId="us-east-1_AAAAAAAAA")
    response = info.value.response
    assert response["Error"] == {
        "Code": "ResourceNotFoundException",
        "Message": "User pool us-east-1_AAAAAAAAA does not exist.",
    }
    assert response["message"] == "User pool us-east-1_AAAAAAAAA does not exist."
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert response["ResponseMetadata"]["RetryAttempts"] == 0


# Operations cogkit is not meant to implement soon (log delivery, identity-pool tags).
def test_identity_pool_calls_are_answered_by_cogkit_too() -> None:
    arn = "arn:aws:cognito-identity:us-east-1:123456789012:identitypool/us-east-1:x"
    with mock_aws():
        identity = boto3.client("cognito-identity", region_name="us-east-1")
        with pytest.raises(ClientError) as info:
            identity.list_tags_for_resource(ResourceArn=arn)
    assert info.value.response["Error"] == {
        "Code": "UnsupportedOperationException",
        "Message": "cogkit does not implement the cognito-identity operation "
        "ListTagsForResource yet.",
    }


def test_an_operation_cogkit_lacks_is_refused_by_name_through_boto3() -> None:
    with mock_aws():
        client = idp()
        pool_id = client.create_user_pool(PoolName="app")["UserPool"]["Id"]
        with pytest.raises(client.exceptions.UnsupportedOperationException) as info:
            client.get_log_delivery_configuration(UserPoolId=pool_id)
    assert "GetLogDeliveryConfiguration" in info.value.response["Error"]["Message"]


# -- state -----------------------------------------------------------------------------


def test_separate_mocks_share_no_state() -> None:
    with mock_aws():
        new_pool()
    with mock_aws():
        assert pool_count() == 0


def test_nested_mock_has_its_own_state_and_the_outer_one_resumes() -> None:
    with mock_aws():
        outer_pool = new_pool()
        with mock_aws():
            assert pool_count() == 0
        assert idp().describe_user_pool(UserPoolId=outer_pool)["UserPool"]["Id"] == outer_pool


def test_a_pool_made_natively_is_visible_through_boto3() -> None:
    svc = make_cognito()
    pool = svc.create_user_pool("native")
    with mock_aws(service=svc):
        assert idp().describe_user_pool(UserPoolId=pool.id)["UserPool"]["Name"] == "native"


def test_a_pool_made_through_boto3_is_visible_natively() -> None:
    svc = make_cognito()
    with mock_aws(service=svc):
        pool_id = new_pool()
    assert svc.user_pool(pool_id).name == "app"


def test_the_outbox_and_clock_of_a_given_service_drive_boto3_flows() -> None:
    svc = make_cognito()
    with mock_aws(service=svc):
        client = idp()
        pool_id = new_pool(AutoVerifiedAttributes=["email"])
        client_id = client.create_user_pool_client(UserPoolId=pool_id, ClientName="c")[
            "UserPoolClient"
        ]["ClientId"]
        client.sign_up(
            ClientId=client_id,
            Username="ann",
            Password=PASSWORD,
            UserAttributes=[{"Name": "email", "Value": "ann@example.com"}],
        )
        code = svc.outbox.last(to="ann@example.com").code
        svc.clock.advance(25 * 3600)  # type: ignore[attr-defined]
        with pytest.raises(client.exceptions.ExpiredCodeException):
            client.confirm_sign_up(ClientId=client_id, Username="ann", ConfirmationCode=code)


def test_pool_ids_carry_the_clients_region() -> None:
    with mock_aws():
        assert new_pool("eu-central-1").startswith("eu-central-1_")


def test_each_region_has_its_own_pools() -> None:
    with mock_aws():
        new_pool("eu-central-1")
        assert pool_count("us-west-2") == 0


def test_arns_carry_the_account_id() -> None:
    with mock_aws(account_id="111122223333"):
        arn = idp("eu-west-1").create_user_pool(PoolName="app")["UserPool"]["Arn"]
    assert arn.startswith("arn:aws:cognito-idp:eu-west-1:111122223333:userpool/eu-west-1_")


def test_a_given_service_refuses_a_client_of_another_region() -> None:
    with mock_aws(service=make_cognito(region="eu-west-1")), pytest.raises(ConfigurationError):
        new_pool("us-east-1")


# -- credentials -----------------------------------------------------------------------


@pytest.fixture
def no_credentials(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import os

    for name in list(os.environ):
        if name.startswith("AWS_"):
            monkeypatch.delenv(name)
    empty = tmp_path / "empty"
    empty.write_text("")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(empty))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(empty))
    # Keep botocore from asking the EC2 metadata service for credentials.
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")


def test_calls_work_without_any_credentials(no_credentials: None) -> None:
    session = boto3.session.Session()
    assert session.get_credentials() is None
    with mock_aws():
        client = session.client("cognito-idp", region_name="us-east-1")
        pool_id = client.create_user_pool(PoolName="app")["UserPool"]["Id"]
        client_id = client.create_user_pool_client(UserPoolId=pool_id, ClientName="c")[
            "UserPoolClient"
        ]["ClientId"]
        answer = client.sign_up(ClientId=client_id, Username="ann", Password=PASSWORD)
    assert answer["UserConfirmed"] is False


# -- what is not intercepted -----------------------------------------------------------


def unroutable_client() -> Any:
    return idp(
        endpoint_url=UNROUTABLE,
        aws_access_key_id="x",
        aws_secret_access_key="y",
        config=Config(connect_timeout=0.5, retries={"max_attempts": 0}),
    )


def test_calls_outside_any_mock_are_not_intercepted() -> None:
    with pytest.raises(EndpointConnectionError):
        unroutable_client().list_user_pools(MaxResults=1)


def test_calls_to_another_endpoint_are_not_intercepted() -> None:
    with mock_aws(), pytest.raises(EndpointConnectionError):
        unroutable_client().list_user_pools(MaxResults=1)


def test_a_stubber_on_a_client_still_answers_first() -> None:
    with mock_aws():
        client = idp()
        with Stubber(client) as stubber:
            stubber.add_response("list_user_pools", {"UserPools": []}, {"MaxResults": 1})
            assert client.list_user_pools(MaxResults=1)["UserPools"] == []


def test_patch_client_hooks_a_client_made_without_cogkits_handler() -> None:
    session = botocore.session.get_session()
    client = session.create_client("cognito-idp", region_name="us-east-1")
    for event in ("before-call.cognito-identity-provider",):
        client.meta.events.unregister(event, _before_call)
    with mock_aws():
        patch_client(client)
        assert client.create_user_pool(PoolName="app")["UserPool"]["Id"].startswith("us-east-1")


def test_patch_client_refuses_something_that_is_not_a_client() -> None:
    with pytest.raises(CogkitError):
        patch_client(object())


# -- beside moto -----------------------------------------------------------------------


@pytest.mark.parametrize("cogkit_outside", [True, False])
def test_moto_answers_s3_while_cogkit_answers_cognito(cogkit_outside: bool) -> None:
    svc = make_cognito()
    outer, inner = (
        (mock_aws(service=svc), moto.mock_aws())
        if cogkit_outside
        else (moto.mock_aws(), mock_aws(service=svc))
    )
    with outer, inner:
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket="cogkit-bucket")
        assert [b["Name"] for b in s3.list_buckets()["Buckets"]] == ["cogkit-bucket"]
        client = idp()
        pool_id = client.create_user_pool(PoolName="app", AutoVerifiedAttributes=["email"])[
            "UserPool"
        ]["Id"]
        client_id = client.create_user_pool_client(UserPoolId=pool_id, ClientName="c")[
            "UserPoolClient"
        ]["ClientId"]
        client.sign_up(
            ClientId=client_id,
            Username="ann",
            Password=PASSWORD,
            UserAttributes=[{"Name": "email", "Value": "ann@example.com"}],
        )
        # moto lacks ResendConfirmationCode: only cogkit can have answered.
        client.resend_confirmation_code(ClientId=client_id, Username="ann")
    assert svc.user_pool(pool_id).admin_get_user("ann").status == "UNCONFIRMED"
    assert len(svc.outbox.find(to="ann@example.com")) == 2


# -- JWKS and OpenID configuration -----------------------------------------------------


@pytest.fixture
def signed_in() -> Iterator[tuple[Cognito, str, str, str]]:
    """A service under the mock with a pool, a client and a current ID token."""
    svc = make_cognito(clock=SystemClock())
    pool = svc.create_user_pool("app")
    client = pool.create_client("web", explicit_auth_flows=["ALLOW_ADMIN_USER_PASSWORD_AUTH"])
    pool.admin_create_user("ann", temporary_password=PASSWORD, message_action="SUPPRESS")
    pool.admin_set_user_password("ann", PASSWORD, permanent=True)
    tokens = pool.auth.admin_initiate(
        client.id, "ADMIN_USER_PASSWORD_AUTH", USERNAME="ann", PASSWORD=PASSWORD
    ).tokens
    assert tokens is not None
    with mock_aws(service=svc):
        yield svc, pool.id, client.id, tokens.id_token


def url(pool_id: str, document: str = "jwks.json", region: str = "us-east-1") -> str:
    return f"https://cognito-idp.{region}.amazonaws.com/{pool_id}/.well-known/{document}"


def test_jwks_is_served_to_requests(signed_in: tuple[Cognito, str, str, str]) -> None:
    svc, pool_id, _client, _token = signed_in
    response = requests.get(url(pool_id), timeout=5)
    assert response.status_code == 200
    assert response.json() == svc.user_pool(pool_id).jwks()


def test_openid_configuration_is_served_to_requests(
    signed_in: tuple[Cognito, str, str, str],
) -> None:
    svc, pool_id, _client, _token = signed_in
    config = requests.get(url(pool_id, "openid-configuration"), timeout=5).json()
    assert config["issuer"] == svc.user_pool(pool_id).issuer
    assert config["jwks_uri"] == url(pool_id)


def test_jwks_is_served_to_urllib(signed_in: tuple[Cognito, str, str, str]) -> None:
    svc, pool_id, _client, _token = signed_in
    with urllib.request.urlopen(url(pool_id)) as response:
        assert response.status == 200
        assert json.loads(response.read()) == svc.user_pool(pool_id).jwks()


def test_pyjwk_client_verifies_a_token_with_the_served_keys(
    signed_in: tuple[Cognito, str, str, str],
) -> None:
    _svc, pool_id, client_id, token = signed_in
    key = jwt.PyJWKClient(url(pool_id)).get_signing_key_from_jwt(token)
    claims = jwt.decode(token, key.key, algorithms=["RS256"], audience=client_id)
    assert claims["cognito:username"] == "ann"


def test_jwks_of_an_unknown_pool_is_404_to_requests(
    signed_in: tuple[Cognito, str, str, str],
) -> None:
    assert requests.get(url("us-east-1_AAAAAAAAA"), timeout=5).status_code == 404


def test_jwks_of_an_unknown_pool_is_404_to_urllib(
    signed_in: tuple[Cognito, str, str, str],
) -> None:
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(url("us-east-1_AAAAAAAAA"))
    assert info.value.code == 404
    info.value.close()


def test_jwks_of_an_unknown_pool_fails_pyjwk_client(
    signed_in: tuple[Cognito, str, str, str],
) -> None:
    _svc, _pool, _client, token = signed_in
    with pytest.raises(jwt.PyJWKClientError):
        jwt.PyJWKClient(url("us-east-1_AAAAAAAAA")).get_signing_key_from_jwt(token)


def test_jwks_under_another_region_is_404(signed_in: tuple[Cognito, str, str, str]) -> None:
    _svc, pool_id, _client, _token = signed_in
    assert requests.get(url(pool_id, region="eu-west-1"), timeout=5).status_code == 404


def test_http_libraries_are_restored_when_the_mock_ends() -> None:
    send = requests.Session.send
    opener = urllib.request.OpenerDirector.open
    with mock_aws():
        assert requests.Session.send is not send
        assert urllib.request.OpenerDirector.open is not opener
    assert requests.Session.send is send
    assert urllib.request.OpenerDirector.open is opener


def test_other_urls_pass_through_requests_under_the_mock() -> None:
    with mock_aws(), pytest.raises(requests.ConnectionError):
        requests.get(f"{UNROUTABLE}/.well-known/jwks.json", timeout=0.5)


def test_other_urls_pass_through_urllib_under_the_mock() -> None:
    with mock_aws(), pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(f"{UNROUTABLE}/.well-known/jwks.json", timeout=0.5)


def test_botocore_unsigned_is_not_needed_by_the_mock() -> None:
    # The mock answers before signing, so nothing is signed whatever the credentials.
    with mock_aws():
        client = idp(aws_access_key_id="AKIDEXAMPLE", aws_secret_access_key="secret")
        assert client.meta.config.signature_version is not botocore.UNSIGNED
        assert new_pool().startswith("us-east-1_")

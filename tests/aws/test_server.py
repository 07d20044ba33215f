"""``cogkit serve``: the HTTP transport of the dispatcher."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
import requests
from botocore.config import Config
from werkzeug.test import Client

from cogkit.aws.server import CognitoServer, make_app
from cogkit.testing import make_cognito

TARGET = "AWSCognitoIdentityProviderService."


def post(client: Client, operation: str, body: dict[str, Any], **headers: str) -> Any:
    response = client.post(
        "/",
        data=json.dumps(body),
        headers={
            "X-Amz-Target": TARGET + operation,
            "Content-Type": "application/x-amz-json-1.1",
            **headers,
        },
    )
    response.payload = json.loads(response.data)
    return response


@pytest.fixture
def svc() -> Any:
    return make_cognito()


@pytest.fixture
def http(svc: Any) -> Client:
    return Client(make_app(svc))


def test_health_answers_ok(http: Client) -> None:
    response = http.get("/health")
    assert response.status_code == 200
    assert response.json == {"status": "ok"}


def test_api_call_answers_as_aws(http: Client, svc: Any) -> None:
    response = post(http, "CreateUserPool", {"PoolName": "p"})
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/x-amz-json-1.1"
    pool_id = response.payload["UserPool"]["Id"]
    assert svc.user_pool(pool_id).name == "p"


def test_api_error_carries_type_and_header(http: Client) -> None:
    response = post(http, "DescribeUserPool", {"UserPoolId": "us-east-1_missing00"})
    assert response.status_code == 400
    assert response.payload["__type"] == "ResourceNotFoundException"
    assert response.headers["x-amzn-ErrorType"].startswith("ResourceNotFoundException")


def test_region_comes_from_the_signature_scope(http: Client) -> None:
    auth = (
        "AWS4-HMAC-SHA256 Credential=AKID/20260101/eu-central-1/cognito-idp/aws4_request, "
        "SignedHeaders=host, Signature=abc"
    )
    response = post(http, "CreateUserPool", {"PoolName": "p"}, Authorization=auth)
    svc_region_pool = response.payload["UserPool"]["Id"]
    # One service answers every region here; its pools carry the service's region.
    assert svc_region_pool.startswith("us-east-1_")


def test_jwks_and_openid_configuration_are_served(http: Client, svc: Any) -> None:
    pool = svc.create_user_pool("p")
    jwks = http.get(f"/{pool.id}/.well-known/jwks.json")
    assert jwks.status_code == 200
    assert jwks.json == pool.jwks()
    config = http.get(f"/{pool.id}/.well-known/openid-configuration")
    assert config.json["issuer"] == pool.issuer


def test_unknown_pool_documents_are_404(http: Client) -> None:
    assert http.get("/us-east-1_AAAAAAAAA/.well-known/jwks.json").status_code == 404


def test_unknown_routes_are_404(http: Client) -> None:
    assert http.get("/nothing").status_code == 404
    assert http.put("/").status_code == 404


def test_oversized_body_is_refused_with_413(svc: Any) -> None:
    http = Client(make_app(svc, max_body=1000))
    response = post(http, "CreateUserPool", {"PoolName": "p" * 2000})
    assert response.status_code == 413
    assert svc.list_user_pools().items == ()


def test_outbox_is_hidden_unless_exposed(svc: Any) -> None:
    assert Client(make_app(svc)).get("/_cogkit/outbox").status_code == 404
    pool = svc.create_user_pool("p", auto_verified_attributes=["email"])
    client = pool.create_client("c")
    pool.auth.sign_up(client.id, "ann", "Correct-horse-1", {"email": "ann@example.com"})
    exposed = Client(make_app(svc, expose_outbox=True))
    messages = exposed.get("/_cogkit/outbox?to=ann@example.com").json["messages"]
    assert messages[0]["code"] == svc.outbox.last(to="ann@example.com").code


def test_server_object_serves_boto3_over_http(svc: Any) -> None:
    server = CognitoServer(svc, port=0, threads=2)
    import threading

    thread = threading.Thread(target=server.serve_forever, kwargs={"handle_signals": False})
    thread.start()
    try:
        idp = boto3.client(
            "cognito-idp",
            region_name="us-east-1",
            endpoint_url=server.url,
            aws_access_key_id="x",
            aws_secret_access_key="y",
            config=Config(retries={"max_attempts": 0}),
        )
        pool_id = idp.create_user_pool(PoolName="over-http")["UserPool"]["Id"]
        with pytest.raises(idp.exceptions.ResourceNotFoundException):
            idp.describe_user_pool(UserPoolId="us-east-1_AAAAAAAAA")
        assert svc.user_pool(pool_id).name == "over-http"
    finally:
        server.shutdown()
        thread.join(timeout=10)
    assert not thread.is_alive()


# -- the real command, driven by the AWS CLI ---------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    port = free_port()
    log = (tmp_path / "serve.log").open("w")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "cogkit.cli",
            "serve",
            "--port",
            str(port),
            "--expose-outbox",
            "--password-profile",
            "cheap",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            if requests.get(f"{url}/health", timeout=1).status_code == 200:
                break
        except requests.ConnectionError:
            pass
        if time.monotonic() > deadline or process.poll() is not None:
            process.kill()
            log.close()
            pytest.fail("cogkit serve did not start:\n" + (tmp_path / "serve.log").read_text())
        time.sleep(0.1)
    try:
        yield url, process
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=10)
        log.close()


def aws(url: str, *args: str) -> Any:
    env = {
        **os.environ,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_PAGER": "",
    }
    done = subprocess.run(
        ["aws", "cognito-idp", *args, "--endpoint-url", url, "--output", "json"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout) if done.stdout.strip() else None


@pytest.mark.skipif(
    shutil.which("aws") is None,
    reason="the AWS CLI is installed by the dev extra: pip install -e '.[dev]'",
)
def test_aws_cli_signs_up_confirms_and_signs_in(served: tuple[str, Any]) -> None:
    url, _process = served
    pool = aws(
        url, "create-user-pool", "--pool-name", "cli", "--auto-verified-attributes", "email"
    )["UserPool"]["Id"]
    client = aws(
        url,
        "create-user-pool-client",
        "--user-pool-id",
        pool,
        "--client-name",
        "c",
        "--explicit-auth-flows",
        "ALLOW_USER_PASSWORD_AUTH",
        "ALLOW_REFRESH_TOKEN_AUTH",
    )["UserPoolClient"]["ClientId"]
    signed_up = aws(
        url,
        "sign-up",
        "--client-id",
        client,
        "--username",
        "ann",
        "--password",
        "Correct-horse-1",
        "--user-attributes",
        "Name=email,Value=ann@example.com",
    )
    assert signed_up["UserConfirmed"] is False
    assert signed_up["CodeDeliveryDetails"]["DeliveryMedium"] == "EMAIL"
    messages = requests.get(
        f"{url}/_cogkit/outbox", params={"to": "ann@example.com"}, timeout=5
    ).json()["messages"]
    aws(
        url,
        "confirm-sign-up",
        "--client-id",
        client,
        "--username",
        "ann",
        "--confirmation-code",
        messages[-1]["code"],
    )
    tokens = aws(
        url,
        "initiate-auth",
        "--client-id",
        client,
        "--auth-flow",
        "USER_PASSWORD_AUTH",
        "--auth-parameters",
        "USERNAME=ann,PASSWORD=Correct-horse-1",
    )["AuthenticationResult"]
    user = aws(url, "get-user", "--access-token", tokens["AccessToken"])
    assert user["Username"] == "ann"
    attributes = {a["Name"]: a["Value"] for a in user["UserAttributes"]}
    assert attributes["email"] == "ann@example.com"
    assert attributes["email_verified"] == "true"


def test_sigterm_shuts_the_server_down_cleanly(served: tuple[str, Any]) -> None:
    _url, process = served
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=20) == 0

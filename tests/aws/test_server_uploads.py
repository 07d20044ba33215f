"""``cogkit serve`` and user import files: the job operations hand out a pre-signed URL
on the server itself, which takes the PUT of the CSV file."""

from __future__ import annotations

import json
import urllib.parse
from typing import Any

import pytest
from werkzeug.test import Client

from cogkit import Cognito
from cogkit.aws.server import make_app
from cogkit.testing import make_cognito

TARGET = "AWSCognitoIdentityProviderService."
ROLE = "arn:aws:iam::123456789012:role/CognitoImport"


def call(http: Client, operation: str, body: dict[str, Any]) -> Any:
    response = http.post(
        "/",
        data=json.dumps(body),
        headers={
            "X-Amz-Target": TARGET + operation,
            "Content-Type": "application/x-amz-json-1.1",
        },
    )
    return json.loads(response.data)


@pytest.fixture
def svc() -> Cognito:
    return make_cognito()


@pytest.fixture
def http(svc: Cognito) -> Client:
    return Client(make_app(svc))


@pytest.fixture
def job(http: Client) -> dict[str, Any]:
    pool = call(http, "CreateUserPool", {"PoolName": "p", "AutoVerifiedAttributes": ["email"]})
    made: dict[str, Any] = call(
        http,
        "CreateUserImportJob",
        {"UserPoolId": pool["UserPool"]["Id"], "JobName": "people", "CloudWatchLogsRoleArn": ROLE},
    )["UserImportJob"]
    return made


def csv_for(svc: Cognito, pool_id: str, username: str) -> bytes:
    header = svc.user_pool(pool_id).csv_header()
    row = {
        "cognito:username": username,
        "email": f"{username}@example.com",
        "email_verified": "true",
        "cognito:mfa_enabled": "false",
    }
    return (",".join(header) + "\n" + ",".join(row.get(c, "") for c in header)).encode()


def test_the_pre_signed_url_points_at_the_server(job: dict[str, Any]) -> None:
    url = urllib.parse.urlsplit(job["PreSignedUrl"])
    assert (url.scheme, url.netloc) == ("http", "localhost")
    assert url.path == f"/_cogkit/user-import/{job['UserPoolId']}/{job['JobId']}"
    assert "X-Amz-Signature=" in url.query


def test_a_put_to_the_pre_signed_url_hands_the_job_its_file(
    http: Client, svc: Cognito, job: dict[str, Any]
) -> None:
    url = urllib.parse.urlsplit(job["PreSignedUrl"])
    response = http.put(
        url.path, query_string=url.query, data=csv_for(svc, job["UserPoolId"], "ann")
    )
    assert response.status_code == 200
    assert response.headers["ETag"]
    started = call(
        http, "StartUserImportJob", {"UserPoolId": job["UserPoolId"], "JobId": job["JobId"]}
    )
    assert started["UserImportJob"]["Status"] == "Pending"
    assert svc.user_pool(job["UserPoolId"]).admin_get_user("ann").status.value == ("RESET_REQUIRED")


def test_a_put_with_a_wrong_signature_is_forbidden(
    http: Client, svc: Cognito, job: dict[str, Any]
) -> None:
    url = urllib.parse.urlsplit(job["PreSignedUrl"])
    response = http.put(
        url.path, query_string="X-Amz-Signature=00", data=csv_for(svc, job["UserPoolId"], "ann")
    )
    assert response.status_code == 403
    assert b"<Code>SignatureDoesNotMatch</Code>" in response.data


def test_the_upload_path_takes_only_puts(http: Client, job: dict[str, Any]) -> None:
    url = urllib.parse.urlsplit(job["PreSignedUrl"])
    response = http.get(url.path, query_string=url.query)
    assert response.status_code == 405
    assert response.headers["Allow"] == "PUT"


def test_a_put_for_an_unknown_job_is_refused(http: Client, job: dict[str, Any]) -> None:
    response = http.put(
        f"/_cogkit/user-import/{job['UserPoolId']}/import-0000000000",
        query_string="X-Amz-Signature=00",
        data=b"x",
    )
    assert response.status_code == 403
    assert b"<Code>AccessDenied</Code>" in response.data


def test_a_body_over_the_servers_limit_is_refused(svc: Cognito, job: dict[str, Any]) -> None:
    small = Client(make_app(svc, max_body=64))
    url = urllib.parse.urlsplit(job["PreSignedUrl"])
    response = small.put(url.path, query_string=url.query, data=b"x" * 65)
    assert response.status_code == 413

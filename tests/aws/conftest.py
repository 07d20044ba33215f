"""Fixtures for the boto3-level tests.

``idp`` is a real ``boto3.client("cognito-idp")`` under ``cogkit.aws.mock_aws(service=svc)``
where ``svc`` is a ``make_cognito()`` service (frozen clock, outbox) in ``REGION``.  Every
raw response the dispatcher sends during a test is checked against botocore's model when
the test ends: unknown or null members, wrong JSON types and errors the operation does not
model fail the test.  ``aws`` bundles a pool, an app client and the usual first steps.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest

from cogkit import Cognito, FrozenClock
from cogkit.aws import CognitoMock, WireResponse, mock_aws
from cogkit.testing import make_cognito
from tests.aws.helpers import PASSWORD, PASSWORD_FLOWS, REGION, START, wire_problems


@pytest.fixture
def svc() -> Cognito:
    return make_cognito(region=REGION, clock=FrozenClock(START))


@pytest.fixture
def mock(svc: Cognito) -> Iterator[CognitoMock]:
    with mock_aws(service=svc) as active:
        seen: list[tuple[str, WireResponse]] = []
        handle = active.dispatcher.handle

        def recording(target: str | None, body: bytes, **kwargs: Any) -> WireResponse:
            response = handle(target, body, **kwargs)
            seen.append((target or "", response))
            return response

        active.dispatcher.handle = recording  # type: ignore[method-assign]
        yield active
    problems = [p for target, r in seen for p in wire_problems(target, r.status, r.body)]
    assert not problems, "responses departing from botocore's model:\n" + "\n".join(problems)


@pytest.fixture
def idp(mock: CognitoMock) -> Any:
    return boto3.client("cognito-idp", region_name=REGION)


class Aws:
    """A pool with email auto-verified, an app client allowing the password flows, and the
    steps most tests start from, all through boto3."""

    def __init__(self, svc: Cognito, idp: Any) -> None:
        self.svc = svc
        self.idp = idp
        self.clock: FrozenClock = svc.clock  # type: ignore[assignment]
        self.pool_id = idp.create_user_pool(PoolName="app", AutoVerifiedAttributes=["email"])[
            "UserPool"
        ]["Id"]
        self.client_id = self.new_client("web")

    def new_client(self, name: str = "other", **settings: Any) -> str:
        settings.setdefault("ExplicitAuthFlows", PASSWORD_FLOWS)
        made = self.idp.create_user_pool_client(
            UserPoolId=self.pool_id, ClientName=name, **settings
        )
        client_id: str = made["UserPoolClient"]["ClientId"]
        return client_id

    def code(self, to: str = "ann@example.com") -> str:
        code = self.svc.outbox.last(to=to).code
        assert code is not None
        return code

    def sign_up(
        self, username: str = "ann", email: str = "ann@example.com", password: str = PASSWORD
    ) -> Any:
        return self.idp.sign_up(
            ClientId=self.client_id,
            Username=username,
            Password=password,
            UserAttributes=[{"Name": "email", "Value": email}],
        )

    def confirmed(self, username: str = "ann", email: str = "ann@example.com") -> None:
        self.sign_up(username, email)
        self.idp.confirm_sign_up(
            ClientId=self.client_id, Username=username, ConfirmationCode=self.code(email)
        )

    def sign_in(self, username: str = "ann", password: str = PASSWORD) -> dict[str, Any]:
        answer = self.idp.initiate_auth(
            ClientId=self.client_id,
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": username, "PASSWORD": password},
        )
        result: dict[str, Any] = answer["AuthenticationResult"]
        return result

    def session(self, username: str = "ann") -> dict[str, Any]:
        """A confirmed, signed-in user's AuthenticationResult."""
        self.confirmed(username, f"{username}@example.com")
        return self.sign_in(username)

    def access_token(self, username: str = "ann") -> str:
        token: str = self.session(username)["AccessToken"]
        return token

    def invited(self, username: str = "bob", temporary: str = "Temporary-pass-1") -> None:
        """A user created by an administrator, in FORCE_CHANGE_PASSWORD."""
        self.idp.admin_create_user(
            UserPoolId=self.pool_id,
            Username=username,
            TemporaryPassword=temporary,
            MessageAction="SUPPRESS",
        )


@pytest.fixture
def aws(svc: Cognito, idp: Any) -> Aws:
    return Aws(svc, idp)

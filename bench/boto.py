"""boto3 workload under moto's ``mock_aws`` and cogkit's, in one run (issue #3).

    python3 bench/boto.py            # n = 1,000 and 5,000 users
    python3 bench/boto.py --quick    # n = 50, to check the script runs

Phases: sign-up, admin confirm, USER_PASSWORD_AUTH sign-in, get user, REFRESH_TOKEN_AUTH,
admin get user, list users with an email filter.  For each phase it prints ops/s under
moto and under cogkit, the cogkit/moto ratio, and the ceiling of botocore itself (a
before-send handler returning a canned response), so cogkit's own overhead is visible.
Then the same workload over HTTP against ``cogkit serve`` (in a thread on 127.0.0.1).
cogkit runs with the cheap hash profile, as a test suite would.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import boto3
from botocore.config import Config

PASSWORD = "Correct-horse-1"
PHASES = (
    "sign_up",
    "admin_confirm",
    "sign_in",
    "get_user",
    "refresh",
    "admin_get_user",
    "list_users_email",
)


def client(**kwargs: Any) -> Any:
    return boto3.client(
        "cognito-idp",
        region_name="us-east-1",
        aws_access_key_id="x",
        aws_secret_access_key="y",
        config=Config(retries={"max_attempts": 0}),
        **kwargs,
    )


def workload(idp: Any, n: int, *, warm_up: int = 20) -> dict[str, float]:
    """ops/s per phase for n users, after the same workload on ``warm_up`` users in a pool
    of its own (untimed), so one-time costs (imports, caches, key generation, cogkit's SRP
    table) do not count against the first phase of any backend."""
    if warm_up:
        workload(idp, warm_up, warm_up=0)
    pool = idp.create_user_pool(
        PoolName="bench", UsernameAttributes=["email"], AutoVerifiedAttributes=["email"]
    )["UserPool"]["Id"]
    cid = idp.create_user_pool_client(
        UserPoolId=pool,
        ClientName="bench",
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    )["UserPoolClient"]["ClientId"]
    emails = [f"user{i}@example.com" for i in range(n)]
    results: dict[str, float] = {}
    tokens: list[dict[str, str]] = []

    def timed(name: str, action: Callable[[int], Any]) -> None:
        start = time.perf_counter()
        for i in range(n):
            action(i)
        results[name] = n / (time.perf_counter() - start)

    timed("sign_up", lambda i: idp.sign_up(ClientId=cid, Username=emails[i], Password=PASSWORD))
    timed("admin_confirm", lambda i: idp.admin_confirm_sign_up(UserPoolId=pool, Username=emails[i]))
    timed(
        "sign_in",
        lambda i: tokens.append(
            idp.initiate_auth(
                ClientId=cid,
                AuthFlow="USER_PASSWORD_AUTH",
                AuthParameters={"USERNAME": emails[i], "PASSWORD": PASSWORD},
            )["AuthenticationResult"]
        ),
    )
    timed("get_user", lambda i: idp.get_user(AccessToken=tokens[i]["AccessToken"]))
    timed(
        "refresh",
        lambda i: idp.initiate_auth(
            ClientId=cid,
            AuthFlow="REFRESH_TOKEN_AUTH",
            AuthParameters={"REFRESH_TOKEN": tokens[i]["RefreshToken"]},
        ),
    )
    timed("admin_get_user", lambda i: idp.admin_get_user(UserPoolId=pool, Username=emails[i]))
    timed(
        "list_users_email",
        lambda i: idp.list_users(UserPoolId=pool, Filter=f'email = "{emails[i]}"'),
    )
    return results


class _Canned(io.BytesIO):
    def stream(self, **_kwargs: Any) -> Iterator[bytes]:
        yield self.read()


_CANNED = {
    "SignUp": {"UserConfirmed": False, "UserSub": "00000000-0000-4000-8000-000000000000"},
    "InitiateAuth": {
        "AuthenticationResult": {
            "AccessToken": "a.b.c",
            "IdToken": "a.b.c",
            "RefreshToken": "r",
            "ExpiresIn": 3600,
            "TokenType": "Bearer",
        }
    },
    "GetUser": {"Username": "u", "UserAttributes": [{"Name": "email", "Value": "e"}]},
    "AdminGetUser": {
        "Username": "u",
        "UserAttributes": [],
        "Enabled": True,
        "UserStatus": "CONFIRMED",
        "UserCreateDate": 0,
        "UserLastModifiedDate": 0,
    },
    "ListUsers": {
        "Users": [{"Username": "u", "Attributes": [], "Enabled": True, "UserStatus": "CONFIRMED"}]
    },
    "CreateUserPool": {"UserPool": {"Id": "us-east-1_AAAAAAAAA"}},
    "CreateUserPoolClient": {"UserPoolClient": {"ClientId": "c"}},
}


@contextlib.contextmanager
def canned() -> Iterator[Any]:
    """A client whose calls never leave botocore: the cost of botocore alone.

    It answers where cogkit's mock answers (``before-call``, so nothing is signed) and has
    botocore parse a canned body the same way, so the difference is cogkit's own work.
    """
    from cogkit.aws._dispatch import JSON_TYPE, WireResponse
    from cogkit.aws._mock import _parsed

    idp = client()

    def answer(model: Any, params: Any, **_kwargs: Any) -> Any:
        body = json.dumps(_CANNED.get(model.name, {})).encode()
        wire = WireResponse(200, body, {"Content-Type": JSON_TYPE})
        return _parsed(model, str(params.get("url", "")), wire)

    idp.meta.events.register_first("before-call.cognito-identity-provider", answer)
    yield idp


def run_moto(n: int) -> dict[str, float]:
    from moto import mock_aws

    with mock_aws():
        return workload(client(), n)


def run_cogkit(n: int) -> dict[str, float]:
    from cogkit.aws import mock_aws

    with mock_aws():
        return workload(client(), n)


def run_http(n: int) -> dict[str, float]:
    from cogkit.aws.server import CognitoServer
    from cogkit.services.clock import SystemClock
    from cogkit.testing import make_cognito

    server = CognitoServer(make_cognito(clock=SystemClock()), port=0, threads=4)
    thread = threading.Thread(target=server.serve_forever, kwargs={"handle_signals": False})
    thread.start()
    try:
        return workload(client(endpoint_url=server.url), n)
    finally:
        server.shutdown()
        thread.join()


def table(title: str, columns: dict[str, dict[str, float]], ratio: tuple[str, str] | None) -> None:
    print(f"\n{title}")
    names = list(columns)
    header = f"{'phase':<18}" + "".join(f"{c:>14}" for c in names)
    if ratio:
        header += f"{ratio[0] + '/' + ratio[1]:>16}"
    print(header)
    for phase in PHASES:
        row = f"{phase:<18}" + "".join(f"{columns[c][phase]:>12.0f}/s" for c in names)
        if ratio:
            row += f"{columns[ratio[0]][phase] / columns[ratio[1]][phase]:>15.2f}x"
        print(row)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="n = 50 (checks the script)")
    args = parser.parse_args()
    sizes = (50,) if args.quick else (1_000, 5_000)
    for n in sizes:
        with canned() as idp:
            ceiling = workload(idp, n)
        moto = run_moto(n)
        cogkit = run_cogkit(n)
        table(
            f"in-process, n={n:,} users (ops/s)",
            {"moto": moto, "cogkit": cogkit, "botocore": ceiling},
            ("cogkit", "moto"),
        )
        overhead = {phase: 1e6 / cogkit[phase] - 1e6 / ceiling[phase] for phase in PHASES}
        print(
            "cogkit's own cost per call beyond botocore (µs): "
            + ", ".join(f"{phase} {overhead[phase]:.0f}" for phase in PHASES)
        )
    n = sizes[0]
    http = run_http(n)
    table(
        f"over HTTP (cogkit serve), n={n:,} users (ops/s)",
        {"http": http, "in-process": run_cogkit(n)},
        ("http", "in-process"),
    )


if __name__ == "__main__":
    main()

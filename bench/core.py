"""Core throughput of cogkit's native API, against the raw RS256 ceiling, in one run.

Run it with ``python3 bench/core.py`` (``--quick`` for a smoke run of a few seconds).

What it measures, with ``cogkit.testing.make_cognito()`` (MemoryStore, cheap argon2id
profile, frozen clock; freezing time changes nothing on these paths but the token
timestamps):

* in a pool of 1,000 users: sign-up, confirm (with the code read from the outbox),
  sign-in (``USER_PASSWORD_AUTH``), get user (access token), refresh
  (``REFRESH_TOKEN_AUTH``), admin get user and list users by email
  (``filter='email = "..."'``);
* the same email lookup in a second pool of 100,000 users (built through
  ``admin_create_user`` with ``message_action="SUPPRESS"``; the build time is printed);
* the ceiling: two RS256 signatures with plain pyjwt (the ID and the access token every
  sign-in signs) over Cognito-shaped claims with a 2048-bit key; and, for reference, one
  verification under the cheap hash profile, the other fixed cost of a sign-in.

It prints ops/s per phase, sign-in as a percentage of the two-signature ceiling (target
>= 80%) and the email lookup at 100,000 users over the lookup at 1,000 (target ~1.0: an
index makes the lookup independent of the pool's size).

The two sides of each ratio take turns op by op, and each op keeps its best of several
rounds, so load elsewhere on the machine cannot favour one side.  Phases that change
state (sign-up, confirm) run once and are the noisiest figures.
"""

from __future__ import annotations

import argparse
import gc
import platform
import random
import sys
import time
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

# The checkout's cogkit, whether or not it is installed.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import cogkit
from cogkit.services.passwords import PasslibHasher, PasswordProfile
from cogkit.testing import make_cognito

PASSWORD = "Correct-horse-1"
SIGN_IN_TARGET = 0.80

Op = Callable[[], object]


def once(ops: Sequence[Op]) -> float:
    """ops/s of one pass over ``ops`` (for phases that change state and cannot repeat)."""
    gc.collect()
    gc.disable()  # as timeit does: a collection would land on whichever op was unlucky
    try:
        start = time.perf_counter()
        for op in ops:
            op()
        return len(ops) / (time.perf_counter() - start)
    finally:
        gc.enable()


def rates(*sides: Sequence[Op], rounds: int) -> list[float]:
    """ops/s of each side.  The sides take turns op by op, for ``rounds`` rounds, and each
    op counts with its fastest round: the time an op takes when the process is not
    preempted, which load elsewhere on the machine cannot skew towards either side."""
    clock = time.perf_counter
    best = [[float("inf")] * len(ops) for ops in sides]
    for _ in range(rounds):
        gc.collect()
        gc.disable()
        try:
            for i in range(max(len(ops) for ops in sides)):
                for ops, side in zip(sides, best, strict=True):
                    if i < len(ops):
                        start = clock()
                        ops[i]()
                        side[i] = min(side[i], clock() - start)
        finally:
            gc.enable()
    return [len(ops) / sum(side) for ops, side in zip(sides, best, strict=True)]


def ceiling_ops(count: int) -> list[Op]:
    """``count`` ops of two pyjwt RS256 signatures each, over claims shaped like Cognito's."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    headers = {"kid": "x" * 43 + "=", "typ": None}
    now = int(time.time())
    pool_id = "us-east-1_AbCdEfGhI"
    issuer = f"https://cognito-idp.us-east-1.amazonaws.com/{pool_id}"
    client_id = "a" * 26

    def op() -> tuple[str, str]:
        sub, jti = str(uuid.uuid4()), str(uuid.uuid4())
        common = {"sub": sub, "iss": issuer, "origin_jti": jti, "event_id": jti}
        id_claims = {
            **common,
            "email_verified": True,
            "cognito:username": sub,
            "aud": client_id,
            "token_use": "id",
            "auth_time": now,
            "exp": now + 3600,
            "iat": now,
            "jti": jti,
            "email": "user@example.com",
            "name": "Bench",
        }
        access_claims = {
            **common,
            "client_id": client_id,
            "token_use": "access",
            "scope": "aws.cognito.signin.user.admin",
            "auth_time": now,
            "exp": now + 3600,
            "iat": now,
            "jti": jti,
            "username": sub,
        }
        return (
            jwt.encode(id_claims, key, algorithm="RS256", headers=headers),
            jwt.encode(access_claims, key, algorithm="RS256", headers=headers),
        )

    return [op] * count


def email(i: int) -> str:
    # Random-looking, so an index grows in the middle as well as at the end.
    return f"{random.Random(i).getrandbits(40):010x}.{i}@example.com"


def lookups(pool: cogkit.UserPool, emails: Sequence[str]) -> list[Op]:
    def op(address: str) -> None:
        page = pool.list_users(filter=f'email = "{address}"')
        assert len(page) == 1

    return [(lambda a=a: op(a)) for a in emails]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small n, to check the script")
    args = parser.parse_args(argv)
    users = 100 if args.quick else 1_000
    large = 2_000 if args.quick else 100_000
    rounds = 2 if args.quick else 5

    print(f"cogkit {cogkit.__version__}: bench/core.py{' --quick' if args.quick else ''}")
    print(
        f"python {platform.python_version()}, pyjwt {jwt.__version__}; native API, "
        "make_cognito(): MemoryStore, cheap argon2id, frozen clock"
    )

    def row(name: str, rate: float) -> None:
        print(f"  {name:<42} {rate:>10,.0f} ops/s {1e6 / rate:>10,.1f} us/op")

    svc = make_cognito()
    pool = svc.create_user_pool(
        "bench", username_attributes=["email"], auto_verified_attributes=["email"]
    )
    client = pool.create_client(
        "web", explicit_auth_flows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
    )
    auth = cogkit.AuthFlow(pool)
    emails = [email(i) for i in range(users)]

    print(f"\npool of {users:,} users")
    attributes = {"name": "Bench"}
    row(
        "sign-up",
        once([(lambda e=e: auth.sign_up(client.id, e, PASSWORD, attributes)) for e in emails]),
    )
    # The codes, as each user reads them from their mailbox (outside the timing).
    codes = {m.to: m.code for m in svc.outbox.messages}
    row(
        "confirm sign-up (code from the outbox)",
        once([(lambda e=e: auth.confirm_sign_up(client.id, e, codes[e])) for e in emails]),
    )

    signed_in: dict[str, cogkit.Tokens] = {}

    def sign_in(address: str) -> None:
        result = auth.initiate(client.id, "USER_PASSWORD_AUTH", USERNAME=address, PASSWORD=PASSWORD)
        assert result.tokens is not None
        signed_in[address] = result.tokens

    hasher = PasslibHasher(PasswordProfile.CHEAP)
    stored_hash = hasher.hash(PASSWORD)
    ceiling, sign_in_rate, hash_rate = rates(
        ceiling_ops(users),
        [(lambda e=e: sign_in(e)) for e in emails],
        [lambda: hasher.verify(PASSWORD, stored_hash)] * users,
        rounds=rounds,
    )
    row("ceiling: 2 x RS256 sign, plain pyjwt", ceiling)
    row("sign-in (USER_PASSWORD_AUTH)", sign_in_rate)
    row("reference: 1 cheap-profile hash verify", hash_rate)

    tokens = [signed_in[e] for e in emails]
    access_tokens = [t.access_token for t in tokens]
    (get_user,) = rates([(lambda t=t: auth.get_user(t)) for t in access_tokens], rounds=rounds)
    row("get user (access token)", get_user)

    def refresh(token: str) -> None:
        assert auth.initiate(client.id, "REFRESH_TOKEN_AUTH", REFRESH_TOKEN=token).tokens

    (refreshed,) = rates([(lambda t=t: refresh(t.refresh_token)) for t in tokens], rounds=rounds)
    row("refresh (REFRESH_TOKEN_AUTH)", refreshed)
    (admin_get,) = rates([(lambda e=e: pool.admin_get_user(e)) for e in emails], rounds=rounds)
    row("admin get user (by email)", admin_get)

    big = svc.create_user_pool("bench-large", username_attributes=["email"])
    start = time.perf_counter()
    for i in range(large):
        big.admin_create_user(email(i), temporary_password=PASSWORD, message_action="SUPPRESS")
    build = time.perf_counter() - start
    print(
        f"\npool of {large:,} users, built with admin_create_user(message_action='SUPPRESS')"
        f" in {build:.1f} s ({large / build:,.0f} users/s)"
    )
    # The same number of lookups in each pool; in the large one, spread over all its users.
    step = large // users
    small_lookup, large_lookup = rates(
        lookups(pool, emails),
        lookups(big, [email(i) for i in range(0, large, step)]),
        rounds=rounds,
    )
    row(f"list users by email, {users:,} users", small_lookup)
    row(f"list users by email, {large:,} users", large_lookup)

    ratio = sign_in_rate / ceiling
    flat = large_lookup / small_lookup
    print("\nratios, measured in this run")
    print(
        f"  sign-in / ceiling of 2 x RS256 sign: {ratio:.0%} "
        f"(target >= {SIGN_IN_TARGET:.0%}: {'met' if ratio >= SIGN_IN_TARGET else 'NOT met'})"
    )
    print(
        f"  email lookup rate, {large:,} / {users:,} users: {flat:.2f} "
        "(target ~1.0: flat as the pool grows)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

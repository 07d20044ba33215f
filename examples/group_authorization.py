"""Group-based authorization: a pool's groups become ``cognito:groups`` in the tokens, and
the app decides what a request may do from the verified claims.

Run it with ``python examples/group_authorization.py``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import cogkit

PASSWORD = "Correct-horse-1"

svc = cogkit.Cognito()
pool = svc.create_user_pool("shop")
client = pool.create_client(
    "web", explicit_auth_flows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
)

# Groups, with an IAM role each; the lowest precedence is the preferred role.
pool.create_group(
    "staff",
    description="Shop staff",
    precedence=0,
    role_arn="arn:aws:iam::123456789012:role/shop-staff",
)
pool.create_group(
    "customers", precedence=10, role_arn="arn:aws:iam::123456789012:role/shop-customer"
)

for name in ("ann", "bob"):
    pool.admin_create_user(name, message_action="SUPPRESS")
    pool.admin_set_user_password(name, PASSWORD, permanent=True)
pool.admin_add_user_to_group("ann", "staff")
pool.admin_add_user_to_group("bob", "customers")


class Forbidden(Exception):
    """The caller is signed in but may not do this."""


def requires_group(group: str) -> Callable[[Callable[..., str]], Callable[..., str]]:
    """A view that runs only for members of ``group``: the access token is verified
    (signature, issuer, client, expiry, revocation), then its groups are checked."""

    def decorate(view: Callable[..., str]) -> Callable[..., str]:
        @functools.wraps(view)
        def checked(access_token: str, *args: Any) -> str:
            claims = pool.verify(access_token, token_use="access", client_id=client.id)
            if group not in claims.get("cognito:groups", []):
                raise Forbidden(f"{claims['username']} is not in {group}")
            return view(claims, *args)

        return checked

    return decorate


@requires_group("staff")
def refund(claims: dict[str, Any], order: int) -> str:
    return f"order {order} refunded by {claims['username']}"


def sign_in(name: str) -> cogkit.Tokens:
    tokens = pool.auth.initiate(
        client.id, "USER_PASSWORD_AUTH", USERNAME=name, PASSWORD=PASSWORD
    ).tokens
    assert tokens is not None
    return tokens


ann = sign_in("ann")
print(refund(ann.access_token, 41))

# The ID token also names the groups' roles, for an identity pool to choose from.
identity = pool.verify(ann.id_token, token_use="id", client_id=client.id)
print(
    "ann's groups:",
    identity["cognito:groups"],
    "preferred role:",
    identity["cognito:preferred_role"],
)

bob = sign_in("bob")
try:
    refund(bob.access_token, 42)
except Forbidden as exc:
    print("refused:", exc)

# Membership changes reach the tokens at the next sign-in or refresh.
pool.admin_add_user_to_group("bob", "staff")
refreshed = pool.auth.initiate(
    client.id, "REFRESH_TOKEN_AUTH", REFRESH_TOKEN=bob.refresh_token
).tokens
assert refreshed is not None
print(refund(refreshed.access_token, 42))

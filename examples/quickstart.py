"""cogkit quick start: a user pool, an app client, sign-up, confirmation with the code from
the outbox, sign-in, token verification and refresh, all in process.

Run it with ``python examples/quickstart.py``.
"""

from __future__ import annotations

import cogkit

svc = cogkit.Cognito()  # in memory, real argon2id password hashing

pool = svc.create_user_pool(
    "MyAppUserPool",
    username_attributes=["email"],  # people sign in with their email
    auto_verified_attributes=["email"],  # sign-up sends a code to it
)
client = pool.create_client(
    "web",
    explicit_auth_flows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
)
auth = cogkit.AuthFlow(pool)

# Sign up: the user is UNCONFIRMED until the emailed code comes back.
signed_up = auth.sign_up(client.id, "ann@example.com", "Correct-horse-1", {"name": "Ann"})
print("signed up, code sent to", signed_up.code_delivery.destination)

# The default sender is an outbox that records every message, so we can read the code.
code = svc.outbox.last(to="ann@example.com").code
auth.confirm_sign_up(client.id, "ann@example.com", code)

# Sign in with the password.
result = auth.initiate(
    client.id, "USER_PASSWORD_AUTH", USERNAME="ann@example.com", PASSWORD="Correct-horse-1"
)
tokens = result.tokens
assert tokens is not None

# Verify the tokens the way an API would: signature, issuer, token_use, client, expiry.
claims = pool.verify(tokens.id_token, token_use="id", client_id=client.id)
print("signed in as", claims["email"], "- email verified:", claims["email_verified"])
access = pool.verify(tokens.access_token, token_use="access")
print("access token scope:", access["scope"])

# Refresh: new ID and access tokens from the refresh token (no new refresh token).
refreshed = auth.initiate(client.id, "REFRESH_TOKEN_AUTH", REFRESH_TOKEN=tokens.refresh_token)
assert refreshed.tokens is not None
again = pool.verify(refreshed.tokens.access_token, token_use="access")
assert again["origin_jti"] == access["origin_jti"] and again["auth_time"] == access["auth_time"]
print("refreshed; same sign-in:", again["auth_time"] == access["auth_time"])

# The user, as the access token sees it.
user = auth.get_user(tokens.access_token)
print("user", user.username, "is", user.status.value, "with name", user["name"])

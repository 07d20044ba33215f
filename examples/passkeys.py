"""Passkeys with cogkit: a pool that allows WEB_AUTHN, a user who registers a passkey
while signed in, and a sign-in with it through USER_AUTH.  ``SoftwareAuthenticator`` from
``cogkit.testing`` plays the browser and the authenticator, as it would in a test.

Run it with ``python examples/passkeys.py``.
"""

from __future__ import annotations

import json

import cogkit
from cogkit.testing import SoftwareAuthenticator, make_cognito

svc = make_cognito()
pool = svc.create_user_pool(
    "passkeys",
    auto_verified_attributes=["email"],
    sign_in_policy={"allowed_first_auth_factors": ["PASSWORD", "WEB_AUTHN"]},
)
# The relying party is the site's domain; without one, the pool's domain is used.
pool.set_mfa_config(web_authn={"relying_party_id": "example.com"})
client = pool.create_client(
    "web", explicit_auth_flows=["ALLOW_USER_AUTH", "ALLOW_USER_PASSWORD_AUTH"]
)
auth = cogkit.AuthFlow(pool)

auth.sign_up(client.id, "ann", "Correct-horse-1", {"email": "ann@example.com"})
auth.confirm_sign_up(client.id, "ann", svc.outbox.last(to="ann@example.com").code)
signed_in = auth.initiate(
    client.id, "USER_PASSWORD_AUTH", USERNAME="ann", PASSWORD="Correct-horse-1"
).tokens
assert signed_in is not None

# Registration: options for navigator.credentials.create(), and the browser's answer.
phone = SoftwareAuthenticator()
options = auth.start_web_authn_registration(signed_in.access_token)
credential = phone.register(options, origin="https://example.com")
auth.complete_web_authn_registration(signed_in.access_token, credential)
for passkey in auth.list_web_authn_credentials(signed_in.access_token):
    print("registered:", passkey.friendly_name, "for", passkey.relying_party_id)

# Sign-in: the WEB_AUTHN challenge carries the options for navigator.credentials.get().
result = auth.initiate(client.id, "USER_AUTH", USERNAME="ann", PREFERRED_CHALLENGE="WEB_AUTHN")
assert result.challenge is not None
request_options = result.challenge.parameters["CREDENTIAL_REQUEST_OPTIONS"]
assertion = phone.authenticate(request_options, origin="https://example.com")
done = auth.respond(
    client.id,
    "WEB_AUTHN",
    session=result.session,
    USERNAME="ann",
    CREDENTIAL=json.dumps(assertion),
)
assert done.tokens is not None
claims = pool.verify(done.tokens.access_token, token_use="access")
print("signed in with a passkey:", claims["username"])

# A passkey from another site does not sign in.
result = auth.initiate(client.id, "USER_AUTH", USERNAME="ann", PREFERRED_CHALLENGE="WEB_AUTHN")
assert result.challenge is not None
phished = phone.authenticate(
    result.challenge.parameters["CREDENTIAL_REQUEST_OPTIONS"], origin="https://examp1e.com"
)
try:
    auth.respond(
        client.id,
        "WEB_AUTHN",
        session=result.session,
        USERNAME="ann",
        CREDENTIAL=json.dumps(phished),
    )
except cogkit.CognitoError as error:
    print("another origin refused:", error.code)

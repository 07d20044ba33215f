"""Lambda triggers with cogkit: the handlers in ``examples/lambdas/`` are ordinary AWS
Lambda modules (``lambda_handler(event, context)``, nothing imported from cogkit) and run
unchanged, receiving the events Cognito would send them.

Two ways to wire them:

- natively, on the pool: ``pool.trigger("PreSignUp", handler)``;
- by Lambda ARN, as infrastructure code configures Cognito: the pool's ``lambda_config``
  (or ``LambdaConfig`` through boto3 under ``cogkit.aws.mock_aws``) names ARNs, and
  ``svc.register_lambda(arn, handler)`` says which function answers for each.

Run it with ``python examples/triggers.py``.
"""

from __future__ import annotations

from lambdas import (
    create_auth_challenge,
    custom_message,
    define_auth_challenge,
    post_confirmation,
    pre_sign_up,
    pre_token_generation,
    verify_auth_challenge,
)

import cogkit
from cogkit.errors import CognitoError

PASSWORD = "Correct-horse-1"
FLOWS = ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_CUSTOM_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]

svc = cogkit.Cognito()

# -- 1. Natively: handlers registered on the pool ---------------------------------------

pool = svc.create_user_pool(
    "native", username_attributes=["email"], auto_verified_attributes=["email"]
)
client = pool.create_client("web", explicit_auth_flows=FLOWS)
pool.trigger("PreSignUp", pre_sign_up.lambda_handler)
pool.trigger("PostConfirmation", post_confirmation.lambda_handler)
pool.trigger("PreTokenGeneration", pre_token_generation.lambda_handler)


# A decorator works too, for hooks written for the app itself.
@pool.trigger("PostAuthentication")
def audit(event, context):
    print("  [PostAuthentication] signed in:", event["request"]["userAttributes"]["email"])
    return event


auth = pool.auth
print("1. Handlers registered on the pool")

# PreSignUp confirms company addresses at once: no code to enter.
result = auth.sign_up(client.id, "ann@example.com", PASSWORD, {"phone_number": "+15555550100"})
print("ann signed up; confirmed by PreSignUp:", result.user_confirmed)
print("PostConfirmation recorded:", post_confirmation.DATABASE[result.user_sub])

# ... and refuses everyone else, with Cognito's error.
try:
    auth.sign_up(client.id, "eve@elsewhere.test", PASSWORD)
except CognitoError as error:
    print("eve refused:", error.code, "-", error.message)

# PreTokenGeneration adds a claim and hides another.
tokens = auth.initiate(
    client.id, "USER_PASSWORD_AUTH", USERNAME="ann@example.com", PASSWORD=PASSWORD
).tokens
assert tokens is not None
claims = pool.verify(tokens.id_token, token_use="id")
print("ID token tenant:", claims["tenant"], "- phone number in it:", "phone_number" in claims)

# -- 2. By ARN: the pool's lambda_config names functions ---------------------------------

print()
print("2. Handlers bound to Lambda ARNs named by the pool's lambda_config")


def arn(name: str) -> str:
    return f"arn:aws:lambda:{svc.region}:{svc.account_id}:function:{name}"


for name, module in {
    "custom-message": custom_message,
    "define-auth-challenge": define_auth_challenge,
    "create-auth-challenge": create_auth_challenge,
    "verify-auth-challenge": verify_auth_challenge,
}.items():
    svc.register_lambda(arn(name), module.lambda_handler)

pool = svc.create_user_pool(
    "by-arn",
    alias_attributes=["email"],
    lambda_config={
        "CustomMessage": arn("custom-message"),
        "DefineAuthChallenge": arn("define-auth-challenge"),
        "CreateAuthChallenge": arn("create-auth-challenge"),
        "VerifyAuthChallengeResponse": arn("verify-auth-challenge"),
    },
)
client = pool.create_client("web", explicit_auth_flows=FLOWS)
auth = pool.auth
pool.admin_create_user(
    "bob",
    attributes={"email": "bob@example.com", "email_verified": "true", "given_name": "Bob"},
    message_action="SUPPRESS",
)
pool.admin_set_user_password("bob", PASSWORD, permanent=True)

# CustomMessage writes the password-reset email.
auth.forgot_password(client.id, "bob")
message = svc.outbox.last(to="bob@example.com")
print(f"reset email: {message.subject!r}: {message.text!r}")

# CUSTOM_AUTH: passwordless sign-in with a code the Create function emails.
challenge = auth.initiate(client.id, "CUSTOM_AUTH", USERNAME="bob")
assert challenge.challenge is not None
print("challenge:", challenge.challenge_name.value, dict(challenge.challenge.parameters))
retry = auth.respond(
    client.id, "CUSTOM_CHALLENGE", USERNAME="bob", ANSWER="000000", session=challenge.session
)
print("a wrong code gets another try:", retry.challenge_name.value)
code = create_auth_challenge.MAILBOX[-1]["body"].rsplit(" ", 1)[-1]
signed_in = auth.respond(
    client.id, "CUSTOM_CHALLENGE", USERNAME="bob", ANSWER=code, session=retry.session
)
assert signed_in.tokens is not None
print("bob signed in without a password:", pool.verify(signed_in.tokens.access_token)["username"])

svc.close()

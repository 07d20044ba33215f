"""Fixtures for the MFA, device and choice-based sign-in tests.

``mfa`` is a ``Kit`` over a pool that offers every second factor (SMS, TOTP and email,
the latter with SES sending as Cognito requires) with MFA ``OPTIONAL``, and a client that
allows the password, SRP, refresh and ``USER_AUTH`` flows.
"""

from __future__ import annotations

from typing import Any

import pytest

from cogkit import AuthResult, Cognito, Tokens
from cogkit.testing import totp_code
from tests.conftest import Kit
from tests.helpers import PASSWORD, PASSWORD_FLOWS

SES = {
    "EmailSendingAccount": "DEVELOPER",
    "SourceArn": "arn:aws:ses:us-east-1:123456789012:identity/example.com",
}
PHONE = "+15550001234"
ALL_FLOWS = (*PASSWORD_FLOWS, "ALLOW_USER_AUTH")


class MfaKit(Kit):
    """A ``Kit`` with the steps MFA tests start from."""

    def phone_user(self, username: str = "ann", phone: str = PHONE) -> str:
        """A confirmed user with an email and an (unverified) phone number."""
        return self.confirmed(
            username, attributes={"phone_number": phone}, email=f"{username}@example.com"
        )

    def start(self, username: str = "ann", password: str = PASSWORD) -> AuthResult:
        """USER_PASSWORD_AUTH, whatever it answers."""
        return self.auth.initiate(
            self.client.id, "USER_PASSWORD_AUTH", USERNAME=username, PASSWORD=password
        )

    def totp(self, secret: str, shift: float = 0) -> str:
        return totp_code(secret, self.clock.now() + shift)

    def with_totp(self, username: str = "ann", *, preferred: bool = True) -> str:
        """Associates, verifies and enables a software token; returns its secret.  The
        clock then moves to the next 30-second step, so a fresh code is usable."""
        tokens = self.sign_in(username)
        secret = self.auth.associate_software_token(tokens.access_token).secret_code
        self.auth.verify_software_token(self.totp(secret), access_token=tokens.access_token)
        self.auth.set_user_mfa_preference(
            tokens.access_token, software_token={"enabled": True, "preferred": preferred}
        )
        self.clock.advance(30)
        return secret

    def answer_totp(self, result: AuthResult, secret: str, username: str = "ann") -> Tokens:
        answered = self.auth.respond(
            self.client.id,
            "SOFTWARE_TOKEN_MFA",
            session=result.session,
            USERNAME=username,
            SOFTWARE_TOKEN_MFA_CODE=self.totp(secret),
        )
        assert answered.tokens is not None
        return answered.tokens


def mfa_pool(svc: Cognito, **config: Any) -> MfaKit:
    settings: dict[str, Any] = {
        "auto_verified_attributes": ["email"],
        "mfa_configuration": "OPTIONAL",
        "mfa_factors": {"sms": True, "software_token": True, "email": True},
        "email_configuration": SES,
    }
    settings.update(config)
    pool = svc.create_user_pool("mfa", **settings)
    client = pool.create_client("web", explicit_auth_flows=list(ALL_FLOWS))
    return MfaKit(svc, pool, client)


@pytest.fixture
def mfa(svc: Cognito) -> MfaKit:
    return mfa_pool(svc)

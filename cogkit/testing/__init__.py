"""Helpers for testing code that uses cogkit (and for testing cogkit's own stores).

``make_cognito()`` gives a service set up the way tests want it: a frozen clock, the cheap
password-hashing profile and signing keys shared across services in the process.
``SoftwareAuthenticator`` registers passkeys and signs in with them.
``cogkit.testing.store_suite.StoreConformance`` is the suite every store must pass.
"""

from __future__ import annotations

from typing import Any

from cogkit.domain.service import Cognito
from cogkit.services.clock import FrozenClock
from cogkit.services.passwords import PasswordProfile
from cogkit.services.tokens import SharedKeyPool
from cogkit.services.totp import code_at
from cogkit.testing.passkeys import SoftwareAuthenticator

__all__ = ["SoftwareAuthenticator", "make_cognito", "totp_code"]


def make_cognito(**options: Any) -> Cognito:
    """A ``Cognito`` for tests: ``FrozenClock``, ``PasswordProfile.CHEAP`` and
    ``SharedKeyPool`` unless ``options`` say otherwise (any ``Cognito`` argument works)."""
    options.setdefault("clock", FrozenClock())
    if "hasher" not in options:
        options.setdefault("password_profile", PasswordProfile.CHEAP)
    options.setdefault("keys", SharedKeyPool())
    return Cognito(**options)


def totp_code(secret: str, at: float) -> str:
    """The code an authenticator app loaded with ``secret`` (``associate_software_token``'s
    ``secret_code``) shows at ``at`` (epoch seconds, e.g. ``svc.clock.now()``)."""
    return code_at(secret, at)

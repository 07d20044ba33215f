"""Constants and small helpers shared by the behaviour tests (fixtures live in conftest)."""

from __future__ import annotations

import base64
import copy
import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from cogkit.errors import CogkitError

PASSWORD = "Correct-horse-1"
NEW_PASSWORD = "Battery-staple-2"
#: Every flow the password-based tests need, on one client.
PASSWORD_FLOWS = (
    "ALLOW_USER_PASSWORD_AUTH",
    "ALLOW_ADMIN_USER_PASSWORD_AUTH",
    "ALLOW_REFRESH_TOKEN_AUTH",
    "ALLOW_USER_SRP_AUTH",
)
START = 1_700_000_000
#: A password breaking each rule of the default policy in turn, with Cognito's message.
POLICY_VIOLATIONS = [
    ("Sh0rt!", "Password did not conform with policy: Password not long enough"),
    (
        "lower-case-1",
        "Password did not conform with policy: Password must have uppercase characters",
    ),
    (
        "UPPER-CASE-1",
        "Password did not conform with policy: Password must have lowercase characters",
    ),
    (
        "No-Numbers-Here",
        "Password did not conform with policy: Password must have numeric characters",
    ),
    ("NoSymbols123", "Password did not conform with policy: Password must have symbol characters"),
]


@contextmanager
def raises(
    cls: type[CogkitError], message: str | None = None, *, field: str | None = None
) -> Iterator[pytest.ExceptionInfo[CogkitError]]:
    """``pytest.raises`` that also checks the exact message and the field at fault."""
    with pytest.raises(cls) as info:
        yield info
    if message is not None:
        assert info.value.message == message
    if field is not None:
        assert getattr(info.value, "field", None) == field


def jwt_part(token: str, index: int) -> dict[str, Any]:
    """A decoded JWT header (0) or payload (1), without any checking."""
    segment = token.split(".")[index]
    decoded: dict[str, Any] = json.loads(
        base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))
    )
    return decoded


def b64url(data: dict[str, Any] | bytes) -> str:
    raw = data if isinstance(data, bytes) else json.dumps(data, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


class Recorder:
    """A trigger handler that keeps a copy of every event it receives and answers by
    merging ``response`` into the event's response (or raises ``error``)."""

    def __init__(
        self, response: dict[str, Any] | None = None, *, error: Exception | None = None
    ) -> None:
        self.response = response or {}
        self.error = error
        self.events: list[dict[str, Any]] = []
        self.contexts: list[Any] = []
        self.__name__ = "recorder"

    def __call__(self, event: dict[str, Any], context: Any) -> dict[str, Any]:
        self.events.append(copy.deepcopy(event))
        self.contexts.append(context)
        if self.error is not None:
            raise self.error
        event["response"].update(copy.deepcopy(self.response))
        return event

    @property
    def event(self) -> dict[str, Any]:
        """The one event received."""
        assert len(self.events) == 1, f"{len(self.events)} events"
        return self.events[0]

    @property
    def sources(self) -> list[str]:
        return [e["triggerSource"] for e in self.events]


def caller(client_id: str | None) -> dict[str, str]:
    """An event's ``callerContext``."""
    return {
        "awsSdkVersion": "aws-sdk-unknown-unknown",
        "clientId": client_id or "CLIENT_ID_NOT_APPLICABLE",
    }

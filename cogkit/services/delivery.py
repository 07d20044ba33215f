"""Message delivery: the ``MessageSender`` protocol and the ``Outbox`` that tests read.

Cognito sends codes by email or SMS; cogkit hands every message to a sender.  The default
sender, ``Outbox``, records each message in memory so a test (or a developer) can read the
code it carries.  Codes are stored by the domain only as digests; the outbox is the one
place a code exists in the clear, because delivering it is its job.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from enum import StrEnum
from typing import Protocol, runtime_checkable

import attrs

from cogkit.errors import MessageNotFoundError

__all__ = ["Channel", "Message", "MessageSender", "Outbox", "Purpose"]


class Channel(StrEnum):
    """How a message travels (Cognito's ``DeliveryMediumType``)."""

    EMAIL = "EMAIL"
    SMS = "SMS"


class Purpose(StrEnum):
    """Why a message was sent (mirrors the CustomMessage trigger sources)."""

    SIGN_UP = "SignUp"
    RESEND_CODE = "ResendCode"
    FORGOT_PASSWORD = "ForgotPassword"
    ADMIN_CREATE_USER = "AdminCreateUser"
    UPDATE_USER_ATTRIBUTE = "UpdateUserAttribute"
    VERIFY_USER_ATTRIBUTE = "VerifyUserAttribute"
    AUTHENTICATION = "Authentication"


@attrs.frozen
class Message:
    """One delivered message.  ``code`` and ``text`` stay out of ``repr``."""

    to: str
    channel: Channel
    purpose: Purpose
    pool_id: str
    username: str
    text: str = attrs.field(repr=False)
    subject: str | None = None
    code: str | None = attrs.field(default=None, repr=False)
    #: For invitations: the temporary password, when the message carries one.
    temporary_password: str | None = attrs.field(default=None, repr=False)
    sent_at: float = 0.0


@runtime_checkable
class MessageSender(Protocol):
    """Protocol: delivers a message (email, SMS).  Raise to report a failed delivery."""

    def send(self, message: Message) -> None: ...


class Outbox:
    """A ``MessageSender`` that keeps every message, newest last, for tests to read."""

    def __init__(self) -> None:
        self._messages: list[Message] = []
        self._lock = threading.Lock()

    def send(self, message: Message) -> None:
        with self._lock:
            self._messages.append(message)

    @property
    def messages(self) -> list[Message]:
        """A copy of every message, oldest first."""
        with self._lock:
            return list(self._messages)

    def __iter__(self) -> Iterator[Message]:
        return iter(self.messages)

    def __len__(self) -> int:
        with self._lock:
            return len(self._messages)

    def find(
        self,
        *,
        to: str | None = None,
        purpose: Purpose | str | None = None,
        channel: Channel | str | None = None,
        username: str | None = None,
    ) -> list[Message]:
        """Messages matching every given criterion, oldest first."""
        return [
            m
            for m in self.messages
            if (to is None or m.to == to)
            and (purpose is None or m.purpose == purpose)
            and (channel is None or m.channel == channel)
            and (username is None or m.username == username)
        ]

    def last(
        self,
        *,
        to: str | None = None,
        purpose: Purpose | str | None = None,
        channel: Channel | str | None = None,
        username: str | None = None,
    ) -> Message:
        """The newest message matching every given criterion.

        Raises ``MessageNotFoundError`` when none does.
        """
        found = self.find(to=to, purpose=purpose, channel=channel, username=username)
        if not found:
            wanted = ", ".join(
                f"{k}={v!r}"
                for k, v in (
                    ("to", to),
                    ("purpose", purpose),
                    ("channel", channel),
                    ("username", username),
                )
                if v is not None
            )
            raise MessageNotFoundError(f"no message in the outbox matches {wanted or 'anything'}")
        return found[-1]

    def clear(self) -> None:
        """Forget every message."""
        with self._lock:
            self._messages.clear()

    def __repr__(self) -> str:
        return f"Outbox({len(self)} messages)"

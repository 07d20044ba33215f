"""Identifiers and randomness, injected.

``RandomIds`` draws from ``secrets``; ``SeededIds`` is deterministic for tests that want
the same pool IDs, client IDs and codes on every run.  Nothing else in cogkit calls
``secrets`` or ``uuid`` directly.
"""

from __future__ import annotations

import random
import secrets
import string
import threading
import uuid
from typing import Protocol, runtime_checkable

__all__ = ["IdSource", "RandomIds", "SeededIds"]

LOWER_ALNUM = string.ascii_lowercase + string.digits
ALNUM = string.ascii_letters + string.digits


@runtime_checkable
class IdSource(Protocol):
    """Protocol: where every random identifier, secret and code comes from."""

    def token_bytes(self, n: int) -> bytes:
        """``n`` random bytes."""
        ...

    def choice_string(self, alphabet: str, length: int) -> str:
        """A random string of ``length`` characters drawn from ``alphabet``."""
        ...

    def uuid4(self) -> str:
        """A random RFC 4122 version 4 UUID in its canonical text form."""
        ...


class RandomIds:
    """Cryptographically strong identifiers from the operating system."""

    def token_bytes(self, n: int) -> bytes:
        return secrets.token_bytes(n)

    def choice_string(self, alphabet: str, length: int) -> str:
        return "".join(secrets.choice(alphabet) for _ in range(length))

    def uuid4(self) -> str:
        return str(uuid.uuid4())

    def __repr__(self) -> str:
        return "RandomIds()"


class SeededIds:
    """Deterministic identifiers for tests: the same seed gives the same sequence.

    Not for production: anyone who knows the seed can predict every secret.
    """

    def __init__(self, seed: int | str = 0) -> None:
        self._seed = seed
        self._random = random.Random(str(seed))  # noqa: S311 - deterministic by design, tests only
        self._lock = threading.Lock()

    def token_bytes(self, n: int) -> bytes:
        with self._lock:
            return self._random.randbytes(n)

    def choice_string(self, alphabet: str, length: int) -> str:
        with self._lock:
            return "".join(self._random.choice(alphabet) for _ in range(length))

    def uuid4(self) -> str:
        return str(uuid.UUID(bytes=self.token_bytes(16), version=4))

    def __repr__(self) -> str:
        return f"SeededIds({self._seed!r})"

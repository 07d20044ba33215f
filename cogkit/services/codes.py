"""One-time codes: where they come from and how they are kept (as keyed digests only)."""

from __future__ import annotations

import hashlib
import hmac
import string
from collections.abc import Iterable, Iterator
from itertools import cycle
from typing import Protocol, runtime_checkable

from cogkit.services.ids import IdSource

__all__ = ["CodeSource", "FixedCodes", "RandomCodes", "code_digest", "codes_match", "secret_digest"]


@runtime_checkable
class CodeSource(Protocol):
    """Protocol: makes the numeric codes sent by email or SMS."""

    def new_code(self, purpose: str) -> str: ...


class RandomCodes:
    """Six random digits from the service's ``IdSource`` (Cognito's format)."""

    LENGTH = 6

    def __init__(self, ids: IdSource) -> None:
        self._ids = ids

    def new_code(self, purpose: str) -> str:
        return self._ids.choice_string(string.digits, self.LENGTH)

    def __repr__(self) -> str:
        return "RandomCodes()"


class FixedCodes:
    """Codes known in advance, for tests: one fixed code, or a sequence used in turn."""

    def __init__(self, codes: str | Iterable[str] = "123456") -> None:
        values = [codes] if isinstance(codes, str) else list(codes)
        if not values or not all(isinstance(c, str) and c for c in values):
            raise ValueError("FixedCodes needs at least one non-empty code")
        self._codes: Iterator[str] = cycle(values)

    def new_code(self, purpose: str) -> str:
        return next(self._codes)

    def __repr__(self) -> str:
        return "FixedCodes(...)"


def code_digest(code: str, salt: str) -> str:
    """The stored form of a code: HMAC-SHA256 keyed by a per-code salt."""
    return hmac.new(salt.encode(), code.encode(), hashlib.sha256).hexdigest()


def codes_match(code: str, salt: str, digest: str) -> bool:
    """Constant-time comparison of a presented code against its stored digest."""
    return hmac.compare_digest(code_digest(code, salt), digest)


def secret_digest(secret: str) -> str:
    """The stored form of a high-entropy secret (refresh tokens, sessions): SHA-256."""
    return hashlib.sha256(secret.encode()).hexdigest()

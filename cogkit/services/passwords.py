"""Password hashing through a passlib ``CryptContext`` (the only module importing passlib).

argon2id with the OWASP parameters is the default; ``PasswordProfile.CHEAP`` is a
deliberately weak profile that keeps test suites fast.  A hash made under another
profile verifies and is re-hashed under the current one at the next successful sign-in.
"""

from __future__ import annotations

from typing import ClassVar, Protocol, runtime_checkable

import attrs
from passlib.context import CryptContext

__all__ = ["PasslibHasher", "PasswordHasher", "PasswordProfile"]


@attrs.frozen
class PasswordProfile:
    """argon2id cost parameters (memory in KiB)."""

    name: str
    time_cost: int
    memory_cost: int
    parallelism: int = 1

    #: OWASP Password Storage Cheat Sheet: argon2id, 19 MiB, 2 iterations, 1 lane.
    OWASP: ClassVar[PasswordProfile]
    #: For tests only: the smallest argon2id parameters; thousands of hashes per second.
    CHEAP: ClassVar[PasswordProfile]


PasswordProfile.OWASP = PasswordProfile("owasp-argon2id", time_cost=2, memory_cost=19456)
PasswordProfile.CHEAP = PasswordProfile("cheap-argon2id", time_cost=1, memory_cost=8)


@runtime_checkable
class PasswordHasher(Protocol):
    """Protocol: turns passwords into hashes and checks them."""

    def hash(self, password: str) -> str:
        """A self-describing hash of ``password``."""
        ...

    def verify(self, password: str, password_hash: str) -> tuple[bool, str | None]:
        """Whether ``password`` matches, and a replacement hash when it should be upgraded."""
        ...

    def burn(self, password: str) -> None:
        """Spend the time of one verification without a user (hides who exists)."""
        ...


class PasslibHasher:
    """``PasswordHasher`` over passlib: argon2id now, pbkdf2-sha256 accepted for imports."""

    def __init__(self, profile: PasswordProfile = PasswordProfile.OWASP) -> None:
        self.profile = profile
        self._context = CryptContext(
            schemes=["argon2", "pbkdf2_sha256"],
            deprecated=["pbkdf2_sha256"],
            argon2__type="ID",
            argon2__time_cost=profile.time_cost,
            argon2__memory_cost=profile.memory_cost,
            argon2__parallelism=profile.parallelism,
        )
        # A real hash of a random-free constant, so ``burn`` costs what ``verify`` costs.
        self._dummy = self._context.hash("cogkit-timing-equaliser")

    def hash(self, password: str) -> str:
        return str(self._context.hash(password))

    def verify(self, password: str, password_hash: str) -> tuple[bool, str | None]:
        try:
            ok, new_hash = self._context.verify_and_update(password, password_hash)
        except (ValueError, TypeError):
            # An unreadable stored hash never matches; it is not the caller's fault.
            return False, None
        return bool(ok), new_hash

    def burn(self, password: str) -> None:
        self._context.verify(password, self._dummy)

    def __repr__(self) -> str:
        return f"PasslibHasher({self.profile.name})"

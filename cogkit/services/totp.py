"""Time-based one-time passwords (RFC 6238 over RFC 4226 HOTP), as authenticator apps and
Cognito's software-token MFA use them: HMAC-SHA1, six digits, a 30-second step from the
Unix epoch (spec §8.3).

Secrets are base32 (RFC 4648, upper case, no padding).  Cognito hands out 32-byte secrets,
52 characters long; ``new_secret`` does the same.  ``matching_step`` finds the step a code
belongs to within a window of steps around ``now`` (one either side: the ±30 s of clock
skew Cognito accepts) and never a step at or before ``after``, so a caller that remembers
the last step it accepted never accepts one code twice (RFC 6238 §5.2).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
import struct
from urllib.parse import quote, urlencode

from cogkit.services.ids import IdSource

__all__ = [
    "DIGITS",
    "SECRET_BYTES",
    "STEP",
    "InvalidSecretError",
    "code_at",
    "hotp",
    "matching_step",
    "new_secret",
    "provisioning_uri",
    "step_of",
]

#: Seconds per time step (RFC 6238's X).
STEP = 30
#: Digits of a code.
DIGITS = 6
#: Random bytes in a new secret (Cognito's: 32 bytes, 52 base32 characters).
SECRET_BYTES = 32

_BASE32 = re.compile(r"[A-Z2-7]+")


class InvalidSecretError(ValueError):
    """A secret that is not base32."""


def new_secret(ids: IdSource) -> str:
    """A fresh secret: base32 of ``SECRET_BYTES`` random bytes, without padding."""
    return base64.b32encode(ids.token_bytes(SECRET_BYTES)).decode().rstrip("=")


def _key(secret: str) -> bytes:
    cleaned = secret.replace(" ", "").upper()
    if not _BASE32.fullmatch(cleaned):
        raise InvalidSecretError("a TOTP secret must be base32 (A-Z, 2-7)")
    try:
        return base64.b32decode(cleaned + "=" * (-len(cleaned) % 8))
    except binascii.Error as exc:
        raise InvalidSecretError("a TOTP secret must be base32 (A-Z, 2-7)") from exc


def hotp(key: bytes, counter: int, digits: int = DIGITS) -> str:
    """RFC 4226 §5.3: HMAC-SHA1 of the 8-byte counter, dynamically truncated."""
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(value % 10**digits).zfill(digits)


def step_of(now: float) -> int:
    """The time step ``now`` falls in (RFC 6238 §4.2, T0 = 0)."""
    return int(now // STEP)


def code_at(secret: str, now: float) -> str:
    """The code an authenticator app shows at ``now`` for ``secret``."""
    return hotp(_key(secret), step_of(now))


def matching_step(
    secret: str, code: str, now: float, *, window: int = 1, after: int | None = None
) -> int | None:
    """The step within ``window`` steps of ``now`` whose code is ``code``, or ``None``.

    Steps at or before ``after`` never match (replay protection).  Every candidate is
    compared in constant time.
    """
    key = _key(secret)
    current = step_of(now)
    found = None
    for step in range(current - window, current + window + 1):
        if step < 0 or (after is not None and step <= after):
            continue
        if hmac.compare_digest(hotp(key, step).encode(), code.encode()) and found is None:
            found = step
    return found


def provisioning_uri(secret: str, account: str, issuer: str | None = None) -> str:
    """The ``otpauth://totp/...`` URI authenticator apps read from a QR code."""
    _key(secret)
    label = quote(f"{issuer}:{account}" if issuer else account, safe="@:")
    query = {"secret": secret}
    if issuer:
        query["issuer"] = issuer
    return f"otpauth://totp/{label}?{urlencode(query, quote_via=quote)}"

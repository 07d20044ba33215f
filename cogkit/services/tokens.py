"""JWT signing and verification: the only module that touches pyjwt and cryptography.

Cognito signs ID and access tokens with RS256 using per-pool RSA keys, a different key for
each token kind.  A key id (``kid``) is the base64 SHA-256 of the public key, 44 characters
ending in ``=`` like Cognito's.  Refresh tokens are opaque random strings shaped like the
five-segment JWE Cognito issues; only their digests are stored.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import json
import re
import threading
from typing import Any, NamedTuple, Protocol, runtime_checkable

import jwt
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from cogkit.services.ids import IdSource

__all__ = [
    "GeneratedKeys",
    "KeySource",
    "ParsedToken",
    "SharedKeyPool",
    "SignerKey",
    "TokenFormatError",
    "TokenService",
    "TokenSignatureError",
]

ALGORITHM = "RS256"
_REFRESH_HEADER = (
    base64.urlsafe_b64encode(
        json.dumps(
            {"cty": "JWT", "enc": "A256GCM", "alg": "RSA-OAEP"}, separators=(",", ":")
        ).encode()
    )
    .rstrip(b"=")
    .decode()
)


_COMPACT_JWS = re.compile(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*")


def _b64url(segment: str) -> bytes:
    return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))


class ParsedToken(NamedTuple):
    """A compact JWS split and decoded, not yet verified."""

    header: dict[str, Any]
    claims: dict[str, Any]
    signing_input: bytes
    signature: bytes


class TokenFormatError(Exception):
    """The string is not a JWT cogkit could have issued (structure, header, algorithm)."""


class TokenSignatureError(Exception):
    """The signature does not verify with the key the header names."""


@runtime_checkable
class KeySource(Protocol):
    """Protocol: supplies fresh RSA private keys as PKCS#8 PEM text."""

    def new_private_key_pem(self) -> str: ...


def _generate_pem() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


class GeneratedKeys:
    """A new 2048-bit RSA key for every request (production)."""

    def new_private_key_pem(self) -> str:
        return _generate_pem()

    def __repr__(self) -> str:
        return "GeneratedKeys()"


class SharedKeyPool:
    """For tests: RSA keys generated once per process and handed out again to new services.

    Generating a 2048-bit key costs ~100 ms; a test suite that makes hundreds of pools
    would spend minutes on it.  Each ``SharedKeyPool`` instance (one per ``Cognito``) hands
    out distinct keys, so two pools of one service never share a key; only separate
    services reuse the same process-wide keys.
    """

    _keys: list[str] = []
    _lock = threading.Lock()

    def __init__(self) -> None:
        self._next = 0

    def new_private_key_pem(self) -> str:
        with self._lock:
            index = self._next
            self._next += 1
            while len(self._keys) <= index:
                self._keys.append(_generate_pem())
            return self._keys[index]

    def __repr__(self) -> str:
        return "SharedKeyPool()"


class SignerKey:
    """A loaded signing key: the private key object, its kid and its public JWK."""

    __slots__ = ("jwk", "kid", "private", "public")

    def __init__(self, private_pem: str) -> None:
        private = serialization.load_pem_private_key(private_pem.encode(), password=None)
        if not isinstance(private, rsa.RSAPrivateKey):
            raise TokenFormatError("signing keys must be RSA keys")
        self.private = private
        self.public = private.public_key()
        der = self.public.public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        self.kid = base64.b64encode(hashlib.sha256(der).digest()).decode()
        numbers = self.public.public_numbers()
        self.jwk = {
            "alg": ALGORITHM,
            "e": _b64_uint(numbers.e),
            "kid": self.kid,
            "kty": "RSA",
            "n": _b64_uint(numbers.n),
            "use": "sig",
        }

    def __repr__(self) -> str:
        return f"SignerKey(kid={self.kid!r})"


@functools.lru_cache(maxsize=4096)
def _load_signer(private_pem: str) -> SignerKey:
    """A loaded key, shared by every service in the process.

    Loading validates the RSA key, which costs tens of milliseconds; services sharing a
    store (or a test suite's ``SharedKeyPool``) would otherwise pay it once each.  A
    ``SignerKey`` is immutable, so sharing it is safe.
    """
    return SignerKey(private_pem)


def _b64_uint(value: int) -> str:
    raw = value.to_bytes((value.bit_length() + 7) // 8, "big")
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


class TokenService:
    """Signs and checks RS256 JWTs; makes opaque refresh tokens and session strings.

    Loaded keys are cached by kid: parsing PEM on every signature would dominate sign-in.
    """

    def __init__(self, keys: KeySource, ids: IdSource) -> None:
        self.keys = keys
        self._ids = ids
        self._loaded: dict[str, SignerKey] = {}
        self._by_pem: dict[str, SignerKey] = {}
        self._lock = threading.Lock()

    def new_key(self) -> SignerKey:
        """A new signing key from the key source."""
        return self.load(self.keys.new_private_key_pem())

    def load(self, private_pem: str) -> SignerKey:
        """The loaded form of a stored PEM (cached)."""
        key = self._by_pem.get(private_pem)
        if key is None:
            key = _load_signer(private_pem)
            with self._lock:
                self._by_pem[private_pem] = key
                self._loaded[key.kid] = key
        return key

    @staticmethod
    def private_pem(key: SignerKey) -> str:
        return key.private.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ).decode()

    @staticmethod
    def sign(key: SignerKey, claims: dict[str, Any]) -> str:
        """An RS256 JWS over ``claims`` with the header Cognito uses: ``kid`` and ``alg``."""
        # Cognito's header is exactly {"kid", "alg"}: pyjwt drops "typ" when it is empty.
        return jwt.encode(
            claims, key.private, algorithm=ALGORITHM, headers={"kid": key.kid, "typ": None}
        )

    @staticmethod
    def parse(token: str) -> ParsedToken:
        """Splits and decodes a compact JWS, checking shape and algorithm (not signature).

        Strict: three base64url segments of the URL-safe alphabet only, JSON objects for
        header and payload, ``alg`` RS256 (so ``none`` and HS256 key confusion are refused
        before any key is touched) and a ``kid``.
        """
        if not isinstance(token, str) or not _COMPACT_JWS.fullmatch(token):
            raise TokenFormatError("not a compact JWS")
        header_b64, payload_b64, signature_b64 = token.split(".")
        try:
            header = json.loads(_b64url(header_b64))
            claims = json.loads(_b64url(payload_b64))
            signature = _b64url(signature_b64)
        except (ValueError, UnicodeDecodeError) as exc:
            raise TokenFormatError("unreadable token segment") from exc
        if not isinstance(header, dict) or not isinstance(claims, dict):
            raise TokenFormatError("token header and payload must be JSON objects")
        if header.get("alg") != ALGORITHM:
            raise TokenFormatError(f"algorithm {header.get('alg')!r} is not accepted")
        if not isinstance(header.get("kid"), str):
            raise TokenFormatError("token header has no kid")
        signing_input = f"{header_b64}.{payload_b64}".encode("ascii")
        return ParsedToken(header, claims, signing_input, signature)

    @classmethod
    def unverified_header(cls, token: str) -> dict[str, Any]:
        """The header of a compact JWS, checked for shape and algorithm, not signature."""
        return cls.parse(token).header

    @classmethod
    def unverified_claims(cls, token: str) -> dict[str, Any]:
        """The payload of a compact JWS without checking the signature (routing only)."""
        return cls.parse(token).claims

    @classmethod
    def verify_signature(cls, token: str, key: SignerKey) -> dict[str, Any]:
        """The claims of ``token`` if its RS256 signature verifies with ``key``.

        Time-based claims are left to the caller, who owns the (injectable) clock.
        """
        parsed = cls.parse(token)
        try:
            key.public.verify(
                parsed.signature, parsed.signing_input, padding.PKCS1v15(), hashes.SHA256()
            )
        except InvalidSignature as exc:
            raise TokenSignatureError("signature does not verify") from exc
        return parsed.claims

    def new_refresh_token(self) -> str:
        """An opaque refresh token: five base64url segments like Cognito's JWE."""
        parts = [_REFRESH_HEADER]
        for size in (256, 12, 400, 16):
            parts.append(
                base64.urlsafe_b64encode(self._ids.token_bytes(size)).rstrip(b"=").decode()
            )
        return ".".join(parts)

    def new_session(self) -> str:
        """An opaque challenge session string (Cognito's are 20-2048 characters)."""
        raw = self._ids.token_bytes(96)
        return "AYABe" + base64.urlsafe_b64encode(raw).rstrip(b"=").decode()

    def __repr__(self) -> str:
        return f"TokenService({self.keys!r})"

"""WebAuthn's wire formats, read strictly: CBOR (RFC 8949), COSE keys (RFC 9052/9053),
authenticator data, client data, attestation statements and assertion signatures (W3C Web
Authentication, Level 2, §6.1, §7).

Only what passkey registration and sign-in need is here.  The CBOR reader takes definite
lengths of major types 0 to 5 and the simple values ``false``, ``true`` and ``null``; tags,
floats and indefinite lengths are refused, as is anything nested too deeply or longer than
its input.  Every failure is a ``WebAuthnFormatError`` naming the part that is wrong (or an
``UnsupportedCredentialError`` for a well-formed credential cogkit does not accept); the
message never holds the value.  ``cryptography`` is used only here.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import struct
from collections.abc import Mapping
from typing import Any

import attrs
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa

__all__ = [
    "AuthenticatorData",
    "ClientData",
    "CoseKey",
    "UnsupportedCredentialError",
    "WebAuthnFormatError",
    "b64url_decode",
    "b64url_encode",
    "cbor_decode",
    "client_data",
    "cose_key",
    "parse_attestation",
    "parse_authenticator_data",
    "verify_attestation",
]

#: COSE algorithms cogkit verifies: ES256 (P-256), EdDSA (Ed25519), RS256.
ES256, EDDSA, RS256 = -7, -8, -257
ALGORITHMS = (ES256, EDDSA, RS256)
#: How deeply CBOR items may nest (attestation statements and COSE keys need three).
MAX_DEPTH = 8
#: Elements one CBOR array or map may hold.
MAX_ITEMS = 256
#: Authenticator data flags (WebAuthn §6.1).
UP, UV, BE, BS, AT, ED = 0x01, 0x04, 0x08, 0x10, 0x40, 0x80
_B64URL = re.compile(r"[A-Za-z0-9_-]*=*")
#: Attestation formats accepted at registration.
# fidelity: Cognito does not say which attestation formats it accepts; cogkit takes "none"
# and "packed" (certificates not judged against trust anchors) and refuses the others
# (tpm, android-key, apple, fido-u2f, ...) with WebAuthnCredentialNotSupportedException.
FORMATS = ("none", "packed")


class WebAuthnFormatError(ValueError):
    """A WebAuthn input is malformed; ``part`` names it (``"attestationObject"``, ...)."""

    def __init__(self, part: str, message: str) -> None:
        super().__init__(f"{part}: {message}")
        self.part = part
        self.message = message


class UnsupportedCredentialError(ValueError):
    """A well-formed credential of a kind cogkit does not accept (attestation format, key
    type or algorithm)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def b64url_encode(raw: bytes) -> str:
    """Unpadded base64url, as WebAuthn's JSON forms carry binary values."""
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def b64url_decode(value: Any, part: str) -> bytes:
    """Strict base64url (padding optional); ``part`` names the value in errors."""
    if not isinstance(value, str) or not _B64URL.fullmatch(value):
        raise WebAuthnFormatError(part, "must be a base64url string")
    text = value.rstrip("=")
    if len(text) % 4 == 1:
        raise WebAuthnFormatError(part, "is not valid base64url")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


# -- CBOR ------------------------------------------------------------------------------


class _Reader:
    def __init__(self, data: bytes, part: str) -> None:
        self.data = data
        self.at = 0
        self.part = part

    def fail(self, message: str) -> WebAuthnFormatError:
        return WebAuthnFormatError(self.part, f"malformed CBOR: {message}")

    def take(self, n: int) -> bytes:
        if n > len(self.data) - self.at:
            raise self.fail("truncated")
        chunk = self.data[self.at : self.at + n]
        self.at += n
        return chunk

    def argument(self, info: int) -> int:
        if info < 24:
            return info
        sizes = {24: 1, 25: 2, 26: 4, 27: 8}
        if info not in sizes:
            raise self.fail("indefinite or reserved length")
        return int.from_bytes(self.take(sizes[info]), "big")

    def item(self, depth: int = 0) -> Any:
        if depth > MAX_DEPTH:
            raise self.fail("nested too deeply")
        (initial,) = self.take(1)
        major, info = initial >> 5, initial & 0x1F
        if major == 7:
            simple = {20: False, 21: True, 22: None}
            if info not in simple:
                raise self.fail("unsupported simple value or float")
            return simple[info]
        value = self.argument(info)
        if major == 0:
            return value
        if major == 1:
            return -1 - value
        if major == 2:
            return self.take(value)
        if major == 3:
            try:
                return self.take(value).decode("utf-8")
            except UnicodeDecodeError:
                raise self.fail("text is not UTF-8") from None
        if major == 4:
            if value > MAX_ITEMS:
                raise self.fail("array too long")
            return [self.item(depth + 1) for _ in range(value)]
        if major == 5:
            if value > MAX_ITEMS:
                raise self.fail("map too long")
            out: dict[Any, Any] = {}
            for _ in range(value):
                key = self.item(depth + 1)
                if not isinstance(key, int | str) or isinstance(key, bool):
                    raise self.fail("map keys must be integers or text")
                if key in out:
                    raise self.fail("duplicate map key")
                out[key] = self.item(depth + 1)
            return out
        raise self.fail("tags are not supported")


def cbor_decode(data: bytes, part: str, *, prefix: bool = False) -> Any:
    """The one CBOR item ``data`` holds.  With ``prefix`` the item may be followed by more
    bytes, and ``(item, end)`` is returned."""
    reader = _Reader(data, part)
    value = reader.item()
    if prefix:
        return value, reader.at
    if reader.at != len(data):
        raise reader.fail("trailing bytes")
    return value


# -- COSE keys -------------------------------------------------------------------------


@attrs.frozen
class CoseKey:
    """A credential public key: its COSE algorithm and the ``cryptography`` key."""

    alg: int
    key: Any = attrs.field(repr=False)

    def verify(self, signature: bytes, data: bytes) -> bool:
        """Whether ``signature`` over ``data`` was made by this key (WebAuthn §6.5.6)."""
        try:
            if self.alg == ES256:
                self.key.verify(signature, data, ec.ECDSA(hashes.SHA256()))
            elif self.alg == RS256:
                self.key.verify(signature, data, padding.PKCS1v15(), hashes.SHA256())
            else:
                self.key.verify(signature, data)
        except (InvalidSignature, ValueError, TypeError):
            # TypeError: a certificate key of another type than ``alg`` says.
            return False
        return True


def _member(key: Mapping[Any, Any], label: int, kind: type, part: str) -> Any:
    value = key.get(label)
    if not isinstance(value, kind) or isinstance(value, bool):
        raise WebAuthnFormatError(part, f"COSE key member {label} is missing or mistyped")
    return value


def cose_key(encoded: bytes, part: str = "credentialPublicKey") -> CoseKey:
    """A COSE_Key (EC2 P-256 with ES256, RSA with RS256, OKP Ed25519 with EdDSA)."""
    key = cbor_decode(encoded, part)
    if not isinstance(key, dict):
        raise WebAuthnFormatError(part, "is not a COSE key map")
    kty, alg = _member(key, 1, int, part), _member(key, 3, int, part)
    try:
        if kty == 2 and alg == ES256:
            if _member(key, -1, int, part) != 1:
                raise UnsupportedCredentialError("Only the P-256 curve is supported for ES256.")
            x, y = _member(key, -2, bytes, part), _member(key, -3, bytes, part)
            if len(x) != 32 or len(y) != 32:
                raise WebAuthnFormatError(part, "EC2 coordinates must be 32 bytes")
            point = b"\x04" + x + y
            return CoseKey(alg, ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), point))
        if kty == 3 and alg == RS256:
            n, e = _member(key, -1, bytes, part), _member(key, -2, bytes, part)
            modulus = int.from_bytes(n, "big")
            if modulus.bit_length() < 2048:
                raise UnsupportedCredentialError("RSA keys must have at least 2048 bits.")
            numbers = rsa.RSAPublicNumbers(int.from_bytes(e, "big"), modulus)
            return CoseKey(alg, numbers.public_key())
        if kty == 1 and alg == EDDSA:
            if _member(key, -1, int, part) != 6:
                raise UnsupportedCredentialError("Only the Ed25519 curve is supported for EdDSA.")
            raw = _member(key, -2, bytes, part)
            return CoseKey(alg, ed25519.Ed25519PublicKey.from_public_bytes(raw))
    except ValueError as exc:
        if isinstance(exc, WebAuthnFormatError | UnsupportedCredentialError):
            raise
        raise WebAuthnFormatError(part, "is not a valid public key") from None
    raise UnsupportedCredentialError(
        f"Unsupported credential key type {kty} with algorithm {alg}; cogkit accepts "
        "ES256 (P-256), RS256 and EdDSA (Ed25519)."
    )


# -- authenticator data ------------------------------------------------------------------


@attrs.frozen
class AuthenticatorData:
    """Authenticator data (WebAuthn §6.1), with its attested credential when there is one."""

    raw: bytes = attrs.field(repr=False)
    rp_id_hash: bytes = attrs.field(repr=False)
    flags: int
    sign_count: int
    aaguid: bytes | None = None
    credential_id: bytes | None = attrs.field(default=None, repr=False)
    #: The credential's COSE_Key exactly as the authenticator encoded it.
    public_key: bytes | None = attrs.field(default=None, repr=False)

    @property
    def user_present(self) -> bool:
        return bool(self.flags & UP)

    @property
    def user_verified(self) -> bool:
        return bool(self.flags & UV)

    @property
    def backup_eligible(self) -> bool:
        return bool(self.flags & BE)

    def matches(self, rp_id: str) -> bool:
        return self.rp_id_hash == hashlib.sha256(rp_id.encode()).digest()


def parse_authenticator_data(raw: bytes, part: str = "authenticatorData") -> AuthenticatorData:
    if len(raw) < 37:
        raise WebAuthnFormatError(part, "is shorter than 37 bytes")
    rp_id_hash, flags, (count,) = raw[:32], raw[32], struct.unpack(">I", raw[33:37])
    at = 37
    aaguid = credential_id = public_key = None
    if flags & AT:
        if len(raw) < at + 18:
            raise WebAuthnFormatError(part, "attested credential data is truncated")
        aaguid = raw[at : at + 16]
        (length,) = struct.unpack(">H", raw[at + 16 : at + 18])
        at += 18
        if length == 0 or length > 1023 or len(raw) < at + length:
            raise WebAuthnFormatError(part, "credential ID length is invalid")
        credential_id = raw[at : at + length]
        at += length
        _key, end = cbor_decode(raw[at:], part, prefix=True)
        public_key = raw[at : at + end]
        at += end
    if flags & ED:
        extensions, end = cbor_decode(raw[at:], part, prefix=True)
        if not isinstance(extensions, dict):
            raise WebAuthnFormatError(part, "extensions must be a CBOR map")
        at += end
    if at != len(raw):
        raise WebAuthnFormatError(part, "has trailing bytes")
    return AuthenticatorData(raw, rp_id_hash, flags, count, aaguid, credential_id, public_key)


# -- client data -----------------------------------------------------------------------


@attrs.frozen
class ClientData:
    """``CollectedClientData`` (WebAuthn §5.8.1) and its SHA-256, which the authenticator
    signs."""

    type: str
    challenge: str = attrs.field(repr=False)
    origin: str
    hash: bytes = attrs.field(repr=False)
    cross_origin: bool = False


def client_data(raw: bytes, part: str = "clientDataJSON") -> ClientData:
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise WebAuthnFormatError(part, "is not JSON") from None
    if not isinstance(data, dict):
        raise WebAuthnFormatError(part, "is not a JSON object")
    fields = [data.get(name) for name in ("type", "challenge", "origin")]
    if not all(isinstance(value, str) and value for value in fields):
        raise WebAuthnFormatError(part, "needs the strings type, challenge and origin")
    cross = data.get("crossOrigin", False)
    if not isinstance(cross, bool):
        raise WebAuthnFormatError(part, "crossOrigin must be a boolean")
    kind, challenge, origin = (str(value) for value in fields)
    return ClientData(kind, challenge, origin, hashlib.sha256(raw).digest(), cross)


# -- attestation -----------------------------------------------------------------------


def parse_attestation(raw: bytes) -> tuple[str, Mapping[str, Any], AuthenticatorData]:
    """An attestation object's ``fmt``, ``attStmt`` and parsed ``authData``."""
    part = "attestationObject"
    found = cbor_decode(raw, part)
    if not isinstance(found, dict):
        raise WebAuthnFormatError(part, "is not a CBOR map")
    fmt, statement, auth = found.get("fmt"), found.get("attStmt"), found.get("authData")
    if not isinstance(fmt, str) or not isinstance(statement, dict) or not isinstance(auth, bytes):
        raise WebAuthnFormatError(part, "needs fmt, attStmt and authData")
    data = parse_authenticator_data(auth, f"{part}.authData")
    if data.credential_id is None or data.public_key is None:
        raise WebAuthnFormatError(part, "authData carries no attested credential")
    return fmt, statement, data


def verify_attestation(
    fmt: str, statement: Mapping[str, Any], data: AuthenticatorData, client_hash: bytes
) -> None:
    """Checks the attestation statement (WebAuthn §8.2 ``packed``, §8.7 ``none``).

    A ``packed`` statement is verified with its certificate's key or, self-attested, the
    credential's own key; certificate chains are not judged against any trust anchor (the
    pool asks for no attestation).
    """
    part = "attestationObject.attStmt"
    if fmt not in FORMATS:
        raise UnsupportedCredentialError(
            f"Unsupported attestation format {fmt[:32]!r}; cogkit accepts none and packed."
        )
    if fmt == "none":
        if statement:
            raise WebAuthnFormatError(part, "must be empty for the none format")
        return
    assert data.public_key is not None
    credential = cose_key(data.public_key)
    alg, sig, chain = statement.get("alg"), statement.get("sig"), statement.get("x5c")
    if not isinstance(alg, int) or isinstance(alg, bool) or not isinstance(sig, bytes):
        raise WebAuthnFormatError(part, "packed needs alg and sig")
    signed = data.raw + client_hash
    if chain is None:
        if alg != credential.alg:
            raise WebAuthnFormatError(part, "self attestation alg differs from the key's")
        signer = credential
    else:
        if not isinstance(chain, list) or not chain or not isinstance(chain[0], bytes):
            raise WebAuthnFormatError(part, "x5c must be a list of certificates")
        try:
            certificate = x509.load_der_x509_certificate(chain[0])
        except ValueError:
            raise WebAuthnFormatError(part, "x5c holds an unreadable certificate") from None
        if alg not in ALGORITHMS or alg == EDDSA:
            raise UnsupportedCredentialError(f"Unsupported attestation algorithm {alg}.")
        signer = CoseKey(alg, certificate.public_key())
    if not signer.verify(sig, signed):
        raise WebAuthnFormatError(part, "the attestation signature is not valid")

"""A passkey authenticator in software, for tests that register passkeys and sign in with
them.

``SoftwareAuthenticator`` plays the browser and the authenticator together: given the
options cogkit handed out (``start_web_authn_registration``'s ``CredentialCreationOptions``
or the ``WEB_AUTHN`` challenge's ``CREDENTIAL_REQUEST_OPTIONS``) and the page's origin, it
answers with the ``RegistrationResponseJSON`` or ``AuthenticationResponseJSON`` a browser
would.  Keyword arguments make it misbehave on purpose (another origin, challenge, relying
party, no user verification, a bad signature, a counter that goes backwards) so tests can
see each check refuse.

It is for tests only: its private key lives in memory, unprotected.
"""

from __future__ import annotations

import hashlib
import json
import os
import struct
from collections.abc import Mapping
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from cogkit.services.webauthn import AT, ED, UP, UV, b64url_decode, b64url_encode

__all__ = ["SoftwareAuthenticator", "cbor_encode"]

_ALGORITHMS = {"ES256": -7, "EdDSA": -8, "RS256": -257}


def cbor_encode(value: Any) -> bytes:
    """Canonical-enough CBOR for what authenticators send (integers, byte and text strings,
    lists, maps, booleans, null)."""

    def head(major: int, n: int) -> bytes:
        if n < 24:
            return bytes([major << 5 | n])
        for info, size in ((24, 1), (25, 2), (26, 4), (27, 8)):
            if n < 1 << (8 * size):
                return bytes([major << 5 | info]) + n.to_bytes(size, "big")
        raise ValueError("integer too large for CBOR")

    if value is False or value is True or value is None:
        return bytes([{False: 0xF4, True: 0xF5, None: 0xF6}[value]])
    if isinstance(value, int):
        return head(0, value) if value >= 0 else head(1, -1 - value)
    if isinstance(value, bytes):
        return head(2, len(value)) + value
    if isinstance(value, str):
        raw = value.encode()
        return head(3, len(raw)) + raw
    if isinstance(value, list | tuple):
        return head(4, len(value)) + b"".join(cbor_encode(v) for v in value)
    if isinstance(value, Mapping):
        body = b"".join(cbor_encode(k) + cbor_encode(v) for k, v in value.items())
        return head(5, len(value)) + body
    raise TypeError(f"cannot encode {type(value).__name__} as CBOR")


def _options(value: Mapping[str, Any] | str) -> dict[str, Any]:
    found = json.loads(value) if isinstance(value, str) else value
    return dict(found)


class SoftwareAuthenticator:
    """One passkey: a key pair made at construction, registered with ``register`` and used
    with ``authenticate``.

    ``algorithm`` is ``"ES256"`` (P-256, the default), ``"RS256"`` or ``"EdDSA"``.
    ``counter_step`` is how much the signature counter grows per use (0: a counter-less
    authenticator, as many platform passkeys are).  ``credential_id`` defaults to 16
    random bytes.

    .. versionadded:: 0.1
    """

    def __init__(
        self,
        *,
        algorithm: str = "ES256",
        counter_step: int = 1,
        attachment: str = "platform",
        transports: tuple[str, ...] = ("internal", "hybrid"),
        user_verifying: bool = True,
        credential_id: bytes | None = None,
    ) -> None:
        if algorithm not in _ALGORITHMS:
            raise ValueError(f"algorithm must be one of {', '.join(_ALGORITHMS)}")
        self.algorithm = algorithm
        self.counter_step = counter_step
        self.attachment = attachment
        self.transports = transports
        self.user_verifying = user_verifying
        self.credential_id = credential_id or os.urandom(16)
        self.sign_count = 0
        self.user_handle: str | None = None
        self._key: Any
        if algorithm == "ES256":
            self._key = ec.generate_private_key(ec.SECP256R1())
        elif algorithm == "RS256":
            self._key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        else:
            self._key = ed25519.Ed25519PrivateKey.generate()

    def __repr__(self) -> str:
        return f"SoftwareAuthenticator({self.algorithm}, id={self.id!r})"

    @property
    def id(self) -> str:
        """The credential ID as cogkit lists it (``CredentialId``)."""
        return b64url_encode(self.credential_id)

    # -- what the authenticator holds ------------------------------------------------

    def cose_public_key(self) -> bytes:
        alg = _ALGORITHMS[self.algorithm]
        public = self._key.public_key()
        if self.algorithm == "ES256":
            numbers = public.public_numbers()
            return cbor_encode(
                {
                    1: 2,
                    3: alg,
                    -1: 1,
                    -2: numbers.x.to_bytes(32, "big"),
                    -3: numbers.y.to_bytes(32, "big"),
                }
            )
        if self.algorithm == "RS256":
            numbers = public.public_numbers()
            n = numbers.n.to_bytes((numbers.n.bit_length() + 7) // 8, "big")
            e = numbers.e.to_bytes((numbers.e.bit_length() + 7) // 8, "big")
            return cbor_encode({1: 3, 3: alg, -1: n, -2: e})
        raw = public.public_bytes(Encoding.Raw, PublicFormat.Raw)
        return cbor_encode({1: 1, 3: alg, -1: 6, -2: raw})

    def sign(self, data: bytes) -> bytes:
        if self.algorithm == "ES256":
            return bytes(self._key.sign(data, ec.ECDSA(hashes.SHA256())))
        if self.algorithm == "RS256":
            return bytes(self._key.sign(data, padding.PKCS1v15(), hashes.SHA256()))
        return bytes(self._key.sign(data))

    def _flags(self, user_present: bool, user_verified: bool | None) -> int:
        verified = self.user_verifying if user_verified is None else user_verified
        return (UP if user_present else 0) | (UV if verified else 0)

    @staticmethod
    def _client_data(kind: str, challenge: str, origin: str) -> bytes:
        data = {"type": kind, "challenge": challenge, "origin": origin, "crossOrigin": False}
        return json.dumps(data, separators=(",", ":")).encode()

    # -- registration ------------------------------------------------------------------

    def register(
        self,
        options: Mapping[str, Any] | str,
        origin: str,
        *,
        challenge: str | None = None,
        rp_id: str | None = None,
        client_data_type: str = "webauthn.create",
        user_present: bool = True,
        user_verified: bool | None = None,
        attestation_object: bytes | None = None,
        fmt: str = "none",
    ) -> dict[str, Any]:
        """The ``RegistrationResponseJSON`` for ``CompleteWebAuthnRegistration``.

        ``challenge`` and ``rp_id`` replace the options' own (to answer the wrong ones);
        ``fmt="packed"`` self-attests with the credential key; any other ``fmt`` is sent
        as is with an empty statement; ``attestation_object`` replaces the whole object.
        """
        given = _options(options)
        rp = rp_id if rp_id is not None else given["rp"]["id"]
        self.user_handle = given.get("user", {}).get("id")
        client_data = self._client_data(
            client_data_type, challenge if challenge is not None else given["challenge"], origin
        )
        auth_data = (
            hashlib.sha256(rp.encode()).digest()
            + bytes([self._flags(user_present, user_verified) | AT])
            + struct.pack(">I", self.sign_count)
            + bytes(16)
            + struct.pack(">H", len(self.credential_id))
            + self.credential_id
            + self.cose_public_key()
        )
        statement: dict[str, Any] = {}
        if fmt == "packed":
            signed = auth_data + hashlib.sha256(client_data).digest()
            statement = {"alg": _ALGORITHMS[self.algorithm], "sig": self.sign(signed)}
        if attestation_object is None:
            attestation_object = cbor_encode(
                {"fmt": fmt, "attStmt": statement, "authData": auth_data}
            )
        return {
            "id": self.id,
            "rawId": self.id,
            "type": "public-key",
            "authenticatorAttachment": self.attachment,
            "clientExtensionResults": {"credProps": {"rk": True}},
            "response": {
                "clientDataJSON": b64url_encode(client_data),
                "attestationObject": b64url_encode(attestation_object),
                "transports": list(self.transports),
            },
        }

    # -- sign-in -----------------------------------------------------------------------

    def authenticate(
        self,
        options: Mapping[str, Any] | str,
        origin: str,
        *,
        challenge: str | None = None,
        rp_id: str | None = None,
        client_data_type: str = "webauthn.get",
        user_present: bool = True,
        user_verified: bool | None = None,
        sign_count: int | None = None,
        tamper: bool = False,
        extensions: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        """The ``AuthenticationResponseJSON`` for the ``WEB_AUTHN`` challenge's
        ``CREDENTIAL`` (``json.dumps`` it for ``ChallengeResponses``).

        ``sign_count`` sends that counter instead of the next one; ``tamper`` spoils the
        signature; ``extensions`` adds authenticator extension outputs.
        """
        given = _options(options)
        rp = rp_id if rp_id is not None else given["rpId"]
        if sign_count is None:
            self.sign_count += self.counter_step
            sign_count = self.sign_count
        client_data = self._client_data(
            client_data_type, challenge if challenge is not None else given["challenge"], origin
        )
        flags = self._flags(user_present, user_verified) | (ED if extensions else 0)
        auth_data = (
            hashlib.sha256(rp.encode()).digest()
            + bytes([flags])
            + struct.pack(">I", sign_count)
            + (cbor_encode(extensions) if extensions else b"")
        )
        signature = self.sign(auth_data + hashlib.sha256(client_data).digest())
        if tamper:
            signature = self.sign(auth_data + b"tampered")
        response: dict[str, Any] = {
            "clientDataJSON": b64url_encode(client_data),
            "authenticatorData": b64url_encode(auth_data),
            "signature": b64url_encode(signature),
        }
        if self.user_handle is not None:
            response["userHandle"] = self.user_handle
        return {
            "id": self.id,
            "rawId": self.id,
            "type": "public-key",
            "authenticatorAttachment": self.attachment,
            "clientExtensionResults": {},
            "response": response,
        }

    def allowed_by(self, options: Mapping[str, Any] | str) -> bool:
        """Whether the options' ``allowCredentials`` name this passkey."""
        allowed = _options(options).get("allowCredentials") or []
        return any(b64url_decode(c["id"], "id") == self.credential_id for c in allowed)

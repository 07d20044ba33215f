"""A small SRP client, as Cognito's SDKs implement it (spec §4), for tests and scripts.

``SrpClient`` signs a user in over ``USER_SRP_AUTH``; ``SrpDeviceClient`` makes a device
verifier for ConfirmDevice and answers ``DEVICE_SRP_AUTH`` (spec §4.4)::

    client = SrpClient(pool_id, "ann", "Correct-horse-1")
    result = auth.initiate(client_id, "USER_SRP_AUTH", **client.auth_parameters())
    answer = client.respond(result.challenge.parameters, now=clock.now())

This is deliberately a second implementation of the math, not a wrapper around
``cogkit.services.srp``: it computes ``S = (B - k·g^x)^(a + u·x)`` (the client's formula),
encodes integers with the byte-length rule of Java's ``BigInteger.toByteArray()`` instead of
the server's digit rules, hashes bytes rather than hex strings and derives the key with
``cryptography``'s HKDF.  Only the group constants ``N`` and ``g`` are shared (the tests
check those against RFC 3526 on their own), so when client and server agree, both are right.
"""

from __future__ import annotations

import base64
import datetime as _dt
import hashlib
import hmac
from collections.abc import Mapping
from typing import ClassVar, Literal

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from cogkit.services.ids import IdSource, RandomIds
from cogkit.services.srp import G, N

__all__ = ["SrpClient", "SrpDeviceClient", "cognito_timestamp"]

DayPadding = Literal["", "0", " "]

# Sunday first, indexed by isoweekday() % 7; English whatever the locale.
_DAYS = ("Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _signed_bytes(value: int) -> bytes:
    """Java ``BigInteger.toByteArray()`` of a non-negative value: the fewest bytes that
    hold it with a clear sign bit (spec §4.2's ``padHex``, as bytes)."""
    return value.to_bytes(value.bit_length() // 8 + 1, "big")


def _sha256(*parts: bytes) -> bytes:
    return hashlib.sha256(b"".join(parts)).digest()


_K = int.from_bytes(_sha256(_signed_bytes(N), _signed_bytes(G)), "big")


def cognito_timestamp(now: float | _dt.datetime, day_padding: DayPadding = "") -> str:
    """TIMESTAMP as Amplify writes it (``"Tue Mar 4 09:05:07 UTC 2025"``).

    ``day_padding="0"`` or ``" "`` writes days 1-9 the way some other clients do.
    """
    if isinstance(now, _dt.datetime):
        when = now.astimezone(_dt.UTC) if now.tzinfo else now.replace(tzinfo=_dt.UTC)
    else:
        when = _dt.datetime.fromtimestamp(now, _dt.UTC)
    day = str(when.day) if when.day >= 10 else f"{day_padding}{when.day}"
    return (
        f"{_DAYS[when.isoweekday() % 7]} {_MONTHS[when.month - 1]} {day} "
        f"{when:%H:%M:%S} UTC {when.year}"
    )


def _secret_hash(username: str, client_id: str, client_secret: str) -> str:
    digest = hmac.new(client_secret.encode(), (username + client_id).encode(), "sha256")
    return base64.b64encode(digest.digest()).decode()


class _SrpParty:
    """The client's ephemeral pair and the client-side derivation of the session key."""

    #: Random bytes in the client's secret ``a``.  Amplify draws 128; 32 (RFC 5054's
    #: 256-bit minimum) is as sound and makes each exchange several times cheaper in tests.
    SECRET_BYTES: ClassVar[int] = 32

    def __init__(
        self,
        ids: IdSource | None,
        client_id: str | None,
        client_secret: str | None,
    ) -> None:
        self._ids: IdSource = ids if ids is not None else RandomIds()
        self.client_id = client_id
        self._client_secret = client_secret
        self._a: int | None = None
        self._big_a = 0

    def start(self) -> str:
        """A fresh ephemeral pair; returns ``SRP_A`` (unpadded hex of ``A = g^a mod N``)."""
        while True:
            a = int.from_bytes(self._ids.token_bytes(self.SECRET_BYTES), "big") % N
            big_a = pow(G, a, N)
            if a > 1 and big_a % N:
                self._a, self._big_a = a, big_a
                return format(big_a, "x")

    def _secret_hash(self, username: str) -> dict[str, str]:
        if self.client_id is None or self._client_secret is None:
            return {}
        return {"SECRET_HASH": _secret_hash(username, self.client_id, self._client_secret)}

    def _session_key(
        self, realm: str, user_id: str, password: str, srp_b_hex: str, salt_hex: str
    ) -> bytes:
        if self._a is None:
            raise RuntimeError("call start() before answering a challenge")
        big_b = int(srp_b_hex, 16)
        if big_b % N == 0:
            raise ValueError("the server's SRP_B is 0 mod N; refusing it (spec §4.3)")
        u = int.from_bytes(_sha256(_signed_bytes(self._big_a), _signed_bytes(big_b)), "big")
        if u == 0:
            raise ValueError("u is 0; refusing the exchange (spec §4.3)")
        inner = _sha256(f"{realm}{user_id}:{password}".encode())
        x = int.from_bytes(_sha256(_signed_bytes(int(salt_hex, 16)), inner), "big")
        base = (big_b - _K * pow(G, x, N)) % N
        premaster = pow(base, self._a + u * x, N)
        hkdf = HKDF(
            algorithm=hashes.SHA256(),
            length=16,
            salt=_signed_bytes(u),
            info=b"Caldera Derived Key",
        )
        return hkdf.derive(_signed_bytes(premaster))

    def _claim(
        self,
        realm: str,
        user_id: str,
        password: str,
        parameters: Mapping[str, str],
        now: float | _dt.datetime,
        day_padding: DayPadding,
    ) -> dict[str, str]:
        key = self._session_key(realm, user_id, password, parameters["SRP_B"], parameters["SALT"])
        block = parameters["SECRET_BLOCK"]
        timestamp = cognito_timestamp(now, day_padding)
        message = realm.encode() + user_id.encode() + base64.b64decode(block) + timestamp.encode()
        signature = base64.b64encode(hmac.new(key, message, "sha256").digest()).decode()
        return {
            "PASSWORD_CLAIM_SECRET_BLOCK": block,
            "PASSWORD_CLAIM_SIGNATURE": signature,
            "TIMESTAMP": timestamp,
        }


class SrpClient(_SrpParty):
    """Signs a user in with ``USER_SRP_AUTH`` the way Amplify does (spec §4.3).

    Randomness comes from ``ids`` (``SeededIds`` for repeatable tests) or the OS.  Give
    ``client_id`` and ``client_secret`` for app clients with a secret: ``SECRET_HASH`` is
    then added to both messages.
    """

    def __init__(
        self,
        pool_id: str,
        username: str,
        password: str,
        ids: IdSource | None = None,
        *,
        client_id: str | None = None,
        client_secret: str | None = None,
    ) -> None:
        super().__init__(ids, client_id, client_secret)
        self.pool_id = pool_id
        self.username = username
        self._password = password

    def auth_parameters(self) -> dict[str, str]:
        """``AuthParameters`` for ``InitiateAuth(USER_SRP_AUTH)``: a fresh ``SRP_A`` each call."""
        return {
            "USERNAME": self.username,
            "SRP_A": self.start(),
            **self._secret_hash(self.username),
        }

    def respond(
        self,
        challenge_parameters: Mapping[str, str],
        now: float | _dt.datetime,
        *,
        day_padding: DayPadding = "",
    ) -> dict[str, str]:
        """``ChallengeResponses`` for ``PASSWORD_VERIFIER``, signed at ``now``.

        Proves the password for ``USER_ID_FOR_SRP`` (the internal username Cognito
        returns) and answers with ``USERNAME`` from the challenge, as Cognito requires.
        """
        user_id = challenge_parameters.get("USER_ID_FOR_SRP", self.username)
        username = challenge_parameters.get("USERNAME", user_id)
        realm = self.pool_id.split("_")[1]
        answer = self._claim(realm, user_id, self._password, challenge_parameters, now, day_padding)
        return {"USERNAME": username, **answer, **self._secret_hash(username)}

    def __repr__(self) -> str:
        return f"SrpClient({self.pool_id!r}, {self.username!r})"


class SrpDeviceClient(_SrpParty):
    """A remembered device: its verifier for ConfirmDevice and its ``DEVICE_SRP_AUTH``.

    ``SrpDeviceClient.create(...)`` draws the random device password (base64 of 40 bytes,
    spec §4.4) and ``verifier_config()`` the ``DeviceSecretVerifierConfig`` to confirm it.
    """

    PASSWORD_BYTES: ClassVar[int] = 40
    SALT_BYTES: ClassVar[int] = 16

    def __init__(
        self,
        username: str,
        device_group_key: str,
        device_key: str,
        device_password: str,
        ids: IdSource | None = None,
        *,
        client_id: str | None = None,
        client_secret: str | None = None,
    ) -> None:
        super().__init__(ids, client_id, client_secret)
        self.username = username
        self.device_group_key = device_group_key
        self.device_key = device_key
        self.device_password = device_password

    @classmethod
    def create(
        cls,
        username: str,
        device_group_key: str,
        device_key: str,
        ids: IdSource | None = None,
        *,
        client_id: str | None = None,
        client_secret: str | None = None,
    ) -> SrpDeviceClient:
        """A device with a new random password, for the ``NewDeviceMetadata`` just issued."""
        source: IdSource = ids if ids is not None else RandomIds()
        password = base64.b64encode(source.token_bytes(cls.PASSWORD_BYTES)).decode()
        return cls(
            username,
            device_group_key,
            device_key,
            password,
            source,
            client_id=client_id,
            client_secret=client_secret,
        )

    def verifier_config(self) -> dict[str, str]:
        """``DeviceSecretVerifierConfig`` for ConfirmDevice, with a fresh salt (spec §4.4)."""
        salt = _signed_bytes(int.from_bytes(self._ids.token_bytes(self.SALT_BYTES), "big"))
        inner = _sha256(f"{self.device_group_key}{self.device_key}:{self.device_password}".encode())
        x = int.from_bytes(_sha256(salt, inner), "big")
        verifier = _signed_bytes(pow(G, x, N))
        return {
            "PasswordVerifier": base64.b64encode(verifier).decode(),
            "Salt": base64.b64encode(salt).decode(),
        }

    def srp_auth_response(self) -> dict[str, str]:
        """``ChallengeResponses`` for ``DEVICE_SRP_AUTH``: a fresh ``SRP_A`` each call."""
        return {
            "USERNAME": self.username,
            "DEVICE_KEY": self.device_key,
            "SRP_A": self.start(),
            **self._secret_hash(self.username),
        }

    def respond(
        self,
        challenge_parameters: Mapping[str, str],
        now: float | _dt.datetime,
        *,
        day_padding: DayPadding = "",
    ) -> dict[str, str]:
        """``ChallengeResponses`` for ``DEVICE_PASSWORD_VERIFIER``, signed at ``now``."""
        username = challenge_parameters.get("USERNAME", self.username)
        answer = self._claim(
            self.device_group_key,
            self.device_key,
            self.device_password,
            challenge_parameters,
            now,
            day_padding,
        )
        return {
            "USERNAME": username,
            "DEVICE_KEY": self.device_key,
            **answer,
            **self._secret_hash(username),
        }

    def __repr__(self) -> str:
        return f"SrpDeviceClient({self.username!r}, {self.device_key!r})"

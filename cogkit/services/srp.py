"""Cognito's SRP-6a variant, server side (spec §4): verifiers, challenges, claim checks.

Everything here follows spec §4 to the byte, because that is where interop with Amplify,
the AWS SDKs and pycognito breaks:

- the group is RFC 5054's 3072-bit prime ``N`` (RFC 3526 group 15) with ``g = 2``, hash
  SHA-256, multiplier ``k = H(padHex(N) | padHex(g))`` (§4.1, §4.3);
- ``pad_hex`` is the signed, Java ``BigInteger.toByteArray()`` style encoding and ``H`` of a
  hex string hashes the bytes it spells, not its characters (§4.2);
- ``x = H(padHex(salt) | H(poolSuffix | userIdForSrp | ":" | password))``, ``v = g^x``,
  ``B = k·v + g^b``, ``u = H(padHex(A) | padHex(B))``, ``S = (A·v^u)^b`` and the 16-byte key
  ``HKDF-SHA256(ikm=padHex(S), salt=padHex(u), info="Caldera Derived Key")`` (§4.3);
- the client proves the key with ``PASSWORD_CLAIM_SIGNATURE = base64(HMAC-SHA256(K,
  poolSuffix | USER_ID_FOR_SRP | b64decode(SECRET_BLOCK) | TIMESTAMP))`` (§4.3);
- device SRP is the same exchange with the DeviceGroupKey as pool suffix, the DeviceKey as
  user id and the device's random password; ConfirmDevice carries the verifier and salt as
  base64 of the bytes of their ``pad_hex`` forms (§4.4).

Two layers.  The functions (``make_verifier``, ``server_start``, ``server_session_key``,
``verify_claim``, ...) are the bare math; ``SrpService`` builds the ``PASSWORD_VERIFIER`` /
``DEVICE_PASSWORD_VERIFIER`` challenge on them and checks the answer.

**SECRET_BLOCK.**  Real Cognito's is an opaque encrypted blob; so is cogkit's.  Every input of
the server's session key (``A``, ``v``, ``b``) is known when the challenge is issued, so
``SrpService`` derives the key ``K`` right away, forgets ``b`` and seals ``K`` with its issue
time under AES-256-GCM::

    SECRET_BLOCK = base64( 0x01 | nonce(12) | AES-GCM(service key, nonce,
                                                  plaintext = issued_at(f64) | K(16),
                                                  aad = kind | pool id | username
                                                        [| DeviceGroupKey | DeviceKey]) )

The associated data binds the block to the pool and the user (and, for devices, to the
device): opened for any other user, the tag fails, so a client that swaps ``USERNAME`` in its
answer is refused here even if a caller forgot to compare it with the session.  Sealing ``K``
rather than ``b`` keeps no long-lived exponent anywhere (not even encrypted), keeps the block
at 72 base64 characters and makes the answer cost one HMAC instead of two modular
exponentiations.  The price is a service key: every process that answers challenges must
hold the same one (pass ``key=`` from shared configuration or storage); one made from the
``IdSource`` at start-up suits a single process.  Callers that would rather keep state in the
challenge session can skip ``SrpService`` and use ``server_start`` / ``verify_claim`` directly.

**TIMESTAMP.**  Written as Cognito's clients write it (``"Tue Mar 4 09:05:07 UTC 2025"``, day
not padded) and read leniently (``"Mar 04"`` and ``"Mar  4"`` too, §4.3).  It must lie within
``TIMESTAMP_TOLERANCE`` (five minutes, either way) of the server's clock.
"""

from __future__ import annotations

import base64
import binascii
import datetime as _dt
import hashlib
import hmac
import re
import struct
import threading
from typing import ClassVar, Final

import attrs
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from cogkit.services.ids import IdSource

__all__ = [
    "INFO",
    "K_MULTIPLIER",
    "SALT_BYTES",
    "SERVER_SECRET_BYTES",
    "TIMESTAMP_TOLERANCE",
    "DeviceVerifierConfig",
    "G",
    "N",
    "ServerEphemeral",
    "SrpChallenge",
    "SrpParameterError",
    "SrpService",
    "check_claim",
    "claim_signature",
    "compute_u",
    "compute_x",
    "decode_device_verifier",
    "derive_block_key",
    "derive_key",
    "format_timestamp",
    "g_pow",
    "hash_hex",
    "hash_text",
    "make_device_verifier",
    "make_verifier",
    "pad_hex",
    "parse_timestamp",
    "pool_suffix",
    "server_session_key",
    "server_start",
    "timestamp_is_fresh",
    "verify_claim",
]

#: RFC 5054 appendix A, 3072-bit group (identical to RFC 3526 group 15), spec §4.1.
N: Final = int(
    "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DD"
    "EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED"
    "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F"
    "83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B"
    "E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA0510"
    "15728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7"
    "ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864D87602733EC86A64521F2B18177B200C"
    "BBE117577A615D6C770988C0BAD946E208E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF",
    16,
)
#: The generator (spec §4.1).
G: Final = 2
#: HKDF ``info`` of the session key (spec §4.1).
INFO: Final = b"Caldera Derived Key"

#: Random bytes in a user's salt (spec §4.3; Amplify's device salts are 16 bytes too).
SALT_BYTES: Final = 16
#: Random bytes in the server's secret ``b``.  RFC 5054 §2.5.4 asks for at least 256 bits;
#: RFC 3526 §8 estimates 320-bit exponents for group 15.  Longer costs time for nothing.
SERVER_SECRET_BYTES: Final = 40
#: How far a client's TIMESTAMP may be from the server's clock, in seconds, either way.
#: fidelity: real Cognito's window is undocumented ("a few seconds" is reported); five
#: minutes is AWS's usual clock-skew allowance and keeps slightly-off client clocks working.
#: The challenge's own freshness is bounded separately (``SrpService.BLOCK_LIFETIME``).
TIMESTAMP_TOLERANCE: Final = 300.0

# Hex inputs longer than this are refused before ``int()`` sees them (N is 768 digits).
_MAX_HEX_DIGITS = 2048
_HEX = re.compile(r"[0-9a-fA-F]+")


class SrpParameterError(ValueError):
    """An SRP input is unusable: not hex, out of range, or ``A mod N == 0``.

    ``parameter`` names the input (``"srp_a"``, ``"salt"``, ``"timestamp"``, ...) so the
    caller can answer with the Cognito error that fits.  The message never holds the value.
    """

    def __init__(self, parameter: str, message: str) -> None:
        super().__init__(f"{parameter}: {message}")
        self.parameter = parameter
        self.message = message


# --- encoding helpers (spec §4.2) ----------------------------------------------------------


def pad_hex(value: int) -> str:
    """``padHex``: lowercase hex of a non-negative integer in signed, whole-byte form.

    An odd number of digits gets a leading ``"0"``; an even number whose first digit is 8-f
    gets ``"00"`` so the value does not read as negative (Java ``BigInteger.toByteArray()``).
    """
    if value < 0:
        raise ValueError("pad_hex takes non-negative integers")
    digits = format(value, "x")
    if len(digits) % 2:
        return "0" + digits
    if digits[0] in "89abcdef":
        return "00" + digits
    return digits


def hash_hex(hex_text: str) -> str:
    """``H`` of a hex string: SHA-256 of the bytes it spells, as 64 hex digits (§4.2)."""
    return hashlib.sha256(bytes.fromhex(hex_text)).hexdigest()


def hash_text(text: str) -> str:
    """``H`` of text: SHA-256 of its UTF-8 bytes, as 64 hex digits (§4.2)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


#: ``k = H(padHex(N) | padHex(g))`` (§4.3); the spec's check value is 0x538282c4...9ee6.
K_MULTIPLIER: Final = int(hash_hex(pad_hex(N) + pad_hex(G)), 16)


def _parse_hex(parameter: str, text: str) -> int:
    if (
        not isinstance(text, str)
        or not 0 < len(text) <= _MAX_HEX_DIGITS
        or _HEX.fullmatch(text) is None
    ):
        raise SrpParameterError(parameter, "must be a non-empty hexadecimal string")
    return int(text, 16)


def pool_suffix(pool_id: str) -> str:
    """The part of a pool id after ``_`` (``"us-east-1_AbC123xyZ"`` -> ``"AbC123xyZ"``).

    Cognito's clients take ``pool_id.split("_")[1]`` (§4.3); so does this.
    """
    parts = pool_id.split("_")
    if len(parts) < 2 or not parts[1]:
        raise SrpParameterError("pool_id", "must look like '<region>_<id>'")
    return parts[1]


# --- the math (spec §4.3) ------------------------------------------------------------------


#: Fixed-base exponentiation of g: ``g^e`` is a product of table entries
#: ``g^(d·2^(8i))`` (comb method, 8-bit digits), about 40 modular multiplications instead of
#: ~400 for ``pow``.  Verifiers are made at every password change and ``g^b`` at every
#: challenge, so this is what keeps sign-up fast.  Covers exponents up to _COMB_BITS.
_COMB_BITS: Final = 8 * max(SERVER_SECRET_BYTES, 32)
_comb: list[list[int]] = []
_comb_lock = threading.Lock()


def _comb_table() -> list[list[int]]:
    if not _comb:
        with _comb_lock:
            if not _comb:
                base = G
                rows = []
                for _ in range(_COMB_BITS // 8):
                    row = [1] * 256
                    for digit in range(1, 256):
                        row[digit] = row[digit - 1] * base % N
                    rows.append(row)
                    base = row[255] * base % N  # g^(2^(8(i+1)))
                _comb.extend(rows)
    return _comb


def g_pow(exponent: int) -> int:
    """``g^exponent mod N``, fast for the exponents SRP uses (same result as ``pow``)."""
    if exponent < 0 or exponent.bit_length() > _COMB_BITS:
        return pow(G, exponent, N)
    result = 1
    for row in _comb_table():
        if not exponent:
            break
        digit = exponent & 0xFF
        if digit:
            result = result * row[digit] % N
        exponent >>= 8
    return result


def compute_x(salt: int, pool_suffix: str, user_id_for_srp: str, password: str) -> int:
    """``x = H(padHex(salt) | H(poolSuffix | userIdForSrp | ":" | password))``.

    For devices ``pool_suffix`` is the DeviceGroupKey, the user id the DeviceKey and the
    password the device's random password (§4.4).
    """
    inner = hash_text(f"{pool_suffix}{user_id_for_srp}:{password}")
    return int(hash_hex(pad_hex(salt) + inner), 16)


def compute_u(srp_a: int, srp_b: int) -> int:
    """``u = H(padHex(A) | padHex(B))``."""
    return int(hash_hex(pad_hex(srp_a) + pad_hex(srp_b)), 16)


def derive_key(premaster: int, u: int) -> bytes:
    """The 16-byte session key: HKDF-SHA256 (RFC 5869) of ``padHex(S)``, salted ``padHex(u)``.

    One HMAC block is all 16 bytes need, so the expand step is a single HMAC over
    ``INFO | 0x01`` (spec §4.3).
    """
    prk = hmac.new(bytes.fromhex(pad_hex(u)), bytes.fromhex(pad_hex(premaster)), "sha256")
    return hmac.new(prk.digest(), INFO + b"\x01", "sha256").digest()[:16]


def make_verifier(pool_id: str, username: str, password: str, ids: IdSource) -> tuple[str, str]:
    """A fresh ``(salt_hex, verifier_hex)`` for ``username`` (its USER_ID_FOR_SRP) in a pool.

    The salt is ``SALT_BYTES`` random bytes; ``verifier = g^x mod N``.  Both are plain
    lowercase hex (``hex(n)``, no padding): ``salt_hex`` is what goes out as ``SALT``.  Made
    whenever a password is set, kept beside the password hash; the verifier, like a hash,
    allows a dictionary attack, so it never appears in a repr or an export.
    """
    salt = int.from_bytes(ids.token_bytes(SALT_BYTES), "big")
    x = compute_x(salt, pool_suffix(pool_id), username, password)
    return format(salt, "x"), format(g_pow(x), "x")


@attrs.frozen
class DeviceVerifierConfig:
    """A device's ``DeviceSecretVerifierConfig`` as ConfirmDevice carries it (§4.4).

    ``password_verifier`` and ``salt`` are base64 of the bytes of ``padHex(v)`` and
    ``padHex(salt)``.
    """

    password_verifier: str = attrs.field(repr=False)
    salt: str


def make_device_verifier(
    device_group_key: str, device_key: str, random_password: str, ids: IdSource
) -> DeviceVerifierConfig:
    """What a device sends to ConfirmDevice for ``random_password`` (spec §4.4, exactly).

    Normally the client makes this; cogkit makes it for tests and for devices it registers
    itself.  ``decode_device_verifier`` turns it back into ``(salt_hex, verifier_hex)``.
    """
    salt = int.from_bytes(ids.token_bytes(SALT_BYTES), "big")
    x = compute_x(salt, device_group_key, device_key, random_password)
    verifier = g_pow(x)
    return DeviceVerifierConfig(
        password_verifier=base64.b64encode(bytes.fromhex(pad_hex(verifier))).decode(),
        salt=base64.b64encode(bytes.fromhex(pad_hex(salt))).decode(),
    )


def _b64_int(parameter: str, text: str, max_bytes: int) -> int:
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError, TypeError):
        raise SrpParameterError(parameter, "must be standard base64") from None
    if not 0 < len(raw) <= max_bytes:
        raise SrpParameterError(parameter, f"must decode to 1-{max_bytes} bytes")
    return int.from_bytes(raw, "big")


def decode_device_verifier(password_verifier: str, salt: str) -> tuple[str, str]:
    """``(salt_hex, verifier_hex)`` from a ConfirmDevice ``DeviceSecretVerifierConfig``.

    The bytes are read as the unsigned integers the client encoded with ``padHex``; the
    result has the same form as ``make_verifier``'s, so one challenge path serves both.
    """
    verifier = _b64_int("password_verifier", password_verifier, 385)
    if not 0 < verifier < N:
        raise SrpParameterError("password_verifier", "must be between 1 and N - 1")
    salt_value = _b64_int("salt", salt, 64)
    return format(salt_value, "x"), format(verifier, "x")


@attrs.frozen(repr=False)
class ServerEphemeral:
    """The server's half of one exchange: the client's ``A``, our ``B``, ``u`` and secret ``b``."""

    srp_a: int
    srp_b: int
    u: int
    b: int

    @property
    def srp_b_hex(self) -> str:
        """``SRP_B`` as sent: ``hex(B)``, unpadded (§4.3)."""
        return format(self.srp_b, "x")

    def __repr__(self) -> str:
        return f"ServerEphemeral(srp_b={self.srp_b_hex[:12]}...)"


def server_start(verifier_hex: str, srp_a: str, ids: IdSource) -> ServerEphemeral:
    """Pick ``b`` and compute ``B = (k·v + g^b) mod N`` against the client's ``SRP_A``.

    Refuses ``A mod N == 0`` (it would force ``S = 0`` whatever the password; RFC 5054
    §2.5.4).  A ``b`` that makes ``B`` or ``u`` zero is drawn again, since clients refuse
    both (§4.3).  The salt plays no part on the server side: ``v`` already contains it.
    """
    big_a = _parse_hex("srp_a", srp_a)
    if big_a % N == 0:
        raise SrpParameterError("srp_a", "SRP_A mod N must not be 0")
    verifier = _parse_hex("verifier", verifier_hex)
    for _ in range(16):
        b = int.from_bytes(ids.token_bytes(SERVER_SECRET_BYTES), "big")
        if b < 2:
            continue
        big_b = (K_MULTIPLIER * verifier + g_pow(b)) % N
        if big_b == 0:
            continue
        u = compute_u(big_a, big_b)
        if u != 0:
            return ServerEphemeral(srp_a=big_a, srp_b=big_b, u=u, b=b)
    raise RuntimeError("the IdSource gave no usable SRP secret in 16 draws")


def server_session_key(ephemeral: ServerEphemeral, verifier_hex: str) -> bytes:
    """The session key ``K`` from the server formula ``S = (A·v^u)^b mod N`` (§4.3)."""
    verifier = _parse_hex("verifier", verifier_hex)
    base = ephemeral.srp_a * pow(verifier, ephemeral.u, N) % N
    return derive_key(pow(base, ephemeral.b, N), ephemeral.u)


# --- the claim (spec §4.3) -----------------------------------------------------------------


def _claim_digest(
    key: bytes, pool_suffix: str, user_id_for_srp: str, secret_block: bytes, timestamp: str
) -> bytes:
    message = b"".join(
        (
            pool_suffix.encode("utf-8"),
            user_id_for_srp.encode("utf-8"),
            secret_block,
            timestamp.encode("utf-8"),
        )
    )
    return hmac.new(key, message, "sha256").digest()


def claim_signature(
    key: bytes, pool_suffix: str, user_id_for_srp: str, secret_block: bytes, timestamp: str
) -> str:
    """``PASSWORD_CLAIM_SIGNATURE`` for ``key``: base64 of the HMAC-SHA256 of
    ``poolSuffix | USER_ID_FOR_SRP | secret_block | TIMESTAMP`` (§4.3)."""
    digest = _claim_digest(key, pool_suffix, user_id_for_srp, secret_block, timestamp)
    return base64.b64encode(digest).decode()


def check_claim(
    key: bytes,
    *,
    pool_suffix: str,
    user_id_for_srp: str,
    secret_block: bytes,
    timestamp: str,
    signature: str,
    now: float,
    tolerance: float = TIMESTAMP_TOLERANCE,
) -> bool:
    """Whether ``signature`` proves ``key`` over this message and ``timestamp`` is fresh.

    The HMAC is compared in constant time, as bytes (the base64 is decoded strictly).
    """
    expected = _claim_digest(key, pool_suffix, user_id_for_srp, secret_block, timestamp)
    try:
        presented = base64.b64decode(signature, validate=True)
    except (binascii.Error, ValueError, TypeError):
        presented = b""
    matches = hmac.compare_digest(expected, presented)
    return matches and timestamp_is_fresh(timestamp, now, tolerance)


def verify_claim(
    *,
    pool_suffix: str,
    user_id_for_srp: str,
    verifier_hex: str,
    ephemeral: ServerEphemeral,
    secret_block: bytes,
    timestamp: str,
    signature: str,
    now: float,
    tolerance: float = TIMESTAMP_TOLERANCE,
) -> bool:
    """Check a ``PASSWORD_VERIFIER`` answer from the server's state of the exchange.

    ``pool_suffix`` is ``pool_suffix(pool_id)`` for users and the DeviceGroupKey for
    devices; ``user_id_for_srp`` the internal username or the DeviceKey (§4.3, §4.4).
    ``secret_block`` is the decoded ``PASSWORD_CLAIM_SECRET_BLOCK``: the caller must make
    sure it is the block it issued (``SrpService`` does so by authenticating it).
    """
    key = server_session_key(ephemeral, verifier_hex)
    return check_claim(
        key,
        pool_suffix=pool_suffix,
        user_id_for_srp=user_id_for_srp,
        secret_block=secret_block,
        timestamp=timestamp,
        signature=signature,
        now=now,
        tolerance=tolerance,
    )


# --- TIMESTAMP (spec §4.3) -----------------------------------------------------------------

# English names whatever the process locale (strftime's %a and %b follow the locale).
_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_MONTH_NUMBERS = {name.lower(): number for number, name in enumerate(_MONTHS, start=1)}
_WEEKDAY_NAMES = frozenset(name.lower() for name in _WEEKDAYS)
_TIMESTAMP = re.compile(
    r"\s*([A-Za-z]{3}) +([A-Za-z]{3}) +(\d{1,2}) +(\d{1,2}):(\d{2}):(\d{2}) +UTC +(\d{4})\s*"
)


def format_timestamp(now: float) -> str:
    """``now`` the way Cognito's clients write TIMESTAMP: ``"Tue Mar 4 09:05:07 UTC 2025"``.

    Java's ``EEE MMM d HH:mm:ss 'UTC' yyyy`` in UTC: English names, day not padded.
    """
    when = _dt.datetime.fromtimestamp(now, _dt.UTC)
    return (
        f"{_WEEKDAYS[when.weekday()]} {_MONTHS[when.month - 1]} {when.day} "
        f"{when.hour:02d}:{when.minute:02d}:{when.second:02d} UTC {when.year:04d}"
    )


def parse_timestamp(timestamp: str) -> float:
    """Epoch seconds of a TIMESTAMP, read leniently.

    The day may be bare, zero-padded or space-padded (clients differ, §4.3); names are
    matched without regard to case; the weekday must be a real one but, as with Java's
    lenient parser, is not checked against the date.
    """
    found = _TIMESTAMP.fullmatch(timestamp) if isinstance(timestamp, str) else None
    if found is None:
        raise SrpParameterError("timestamp", "must look like 'Tue Mar 4 09:05:07 UTC 2025'")
    weekday, month, day, hour, minute, second, year = found.groups()
    month_number = _MONTH_NUMBERS.get(month.lower())
    if weekday.lower() not in _WEEKDAY_NAMES or month_number is None:
        raise SrpParameterError("timestamp", "has an unknown weekday or month name")
    try:
        when = _dt.datetime(
            int(year),
            month_number,
            int(day),
            int(hour),
            int(minute),
            int(second),
            tzinfo=_dt.UTC,
        )
    except ValueError:
        raise SrpParameterError("timestamp", "is not a real date and time") from None
    return when.timestamp()


def timestamp_is_fresh(timestamp: str, now: float, tolerance: float = TIMESTAMP_TOLERANCE) -> bool:
    """Whether ``timestamp`` parses and lies within ``tolerance`` seconds of ``now``."""
    try:
        when = parse_timestamp(timestamp)
    except SrpParameterError:
        return False
    return abs(when - now) <= tolerance


# --- the challenge service -----------------------------------------------------------------


@attrs.frozen
class SrpChallenge:
    """What a ``PASSWORD_VERIFIER`` or ``DEVICE_PASSWORD_VERIFIER`` challenge sends.

    ``salt`` and ``srp_b`` are unpadded hex (``SALT``, ``SRP_B``); ``secret_block`` is base64
    (``SECRET_BLOCK``).  The caller adds ``USERNAME`` / ``USER_ID_FOR_SRP``.
    """

    salt: str
    srp_b: str
    secret_block: str


_BLOCK_VERSION = 1
_BLOCK_MAGIC = b"cogkit-srp-secret-block"
_NONCE_BYTES = 12
_BLOCK_PLAINTEXT = struct.Struct(">d16s")
_BLOCK_BYTES = 1 + _NONCE_BYTES + _BLOCK_PLAINTEXT.size + 16  # version, nonce, body, tag


@attrs.frozen
class _Subject:
    """Who an exchange is for; its fields are the block's associated data."""

    pool_id: str
    username: str
    device_group_key: str | None = None
    device_key: str | None = None

    def srp_identity(self) -> tuple[str, str]:
        """The ``(poolSuffix, USER_ID_FOR_SRP)`` pair the math uses (§4.3, §4.4)."""
        if self.device_group_key is None or self.device_key is None:
            return pool_suffix(self.pool_id), self.username
        return self.device_group_key, self.device_key

    def associated_data(self) -> bytes:
        kind = b"user" if self.device_key is None else b"device"
        fields = [self.pool_id, self.username, self.device_group_key or "", self.device_key or ""]
        # Length-prefixed, so no choice of names can make two subjects' data collide.
        encoded = b"".join(
            struct.pack(">I", len(raw)) + raw for raw in (f.encode("utf-8") for f in fields)
        )
        return _BLOCK_MAGIC + bytes([_BLOCK_VERSION]) + kind + encoded


def derive_block_key(secret: bytes, context: str) -> bytes:
    """A 32-byte SECRET_BLOCK key derived (HKDF-SHA256) from secret material every process
    shares, e.g. a pool's stored signing key, so any process can open any block."""
    return HKDF(
        algorithm=hashes.SHA256(),
        length=32,
        salt=b"cogkit srp secret block",
        info=context.encode("utf-8"),
    ).derive(secret)


def _new_service_key(service: SrpService) -> bytes:
    return service.ids.token_bytes(32)


def _check_service_key(service: SrpService, attribute: attrs.Attribute[bytes], key: bytes) -> None:
    if not isinstance(key, bytes) or len(key) != 32:
        raise ValueError("the SRP service key must be 32 bytes (AES-256)")


@attrs.define(repr=False)
class SrpService:
    """Issues SRP challenges and checks the answers (spec §4.3, §4.4).

    ``key`` seals every SECRET_BLOCK (see the module docstring); processes that share
    challenges must share it.  Time comes in as ``now`` from the caller's clock.
    """

    #: Seconds a client's TIMESTAMP may differ from ``now``, either way.
    TIMESTAMP_TOLERANCE: ClassVar[float] = TIMESTAMP_TOLERANCE
    #: Seconds a SECRET_BLOCK stays usable: the longest ``AuthSessionValidity`` (15 min).
    #: The session that carries it usually expires sooner; this is the backstop.
    BLOCK_LIFETIME: ClassVar[float] = 15 * 60.0

    ids: IdSource
    key: bytes = attrs.field(
        default=attrs.Factory(_new_service_key, takes_self=True),
        validator=_check_service_key,
        repr=False,
    )
    _aead: AESGCM = attrs.field(init=False, repr=False)

    def __attrs_post_init__(self) -> None:
        self._aead = AESGCM(self.key)

    # users (USER_SRP_AUTH -> PASSWORD_VERIFIER)

    def user_challenge(
        self,
        *,
        pool_id: str,
        username: str,
        salt_hex: str,
        verifier_hex: str,
        srp_a: str,
        now: float,
    ) -> SrpChallenge:
        """The ``PASSWORD_VERIFIER`` challenge for ``username`` (USER_ID_FOR_SRP)."""
        return self._challenge(_Subject(pool_id, username), salt_hex, verifier_hex, srp_a, now)

    def verify_user(
        self,
        *,
        pool_id: str,
        username: str,
        secret_block: str,
        timestamp: str,
        signature: str,
        now: float,
    ) -> bool:
        """Whether a ``PASSWORD_VERIFIER`` answer proves ``username``'s password.

        ``secret_block`` is ``PASSWORD_CLAIM_SECRET_BLOCK`` as received (base64); it must be
        a block this service issued for this pool and user, at most ``BLOCK_LIFETIME`` ago.
        """
        return self._verify(_Subject(pool_id, username), secret_block, timestamp, signature, now)

    # devices (DEVICE_SRP_AUTH -> DEVICE_PASSWORD_VERIFIER)

    def device_challenge(
        self,
        *,
        pool_id: str,
        username: str,
        device_group_key: str,
        device_key: str,
        salt_hex: str,
        verifier_hex: str,
        srp_a: str,
        now: float,
    ) -> SrpChallenge:
        """The ``DEVICE_PASSWORD_VERIFIER`` challenge for a user's remembered device."""
        subject = _Subject(pool_id, username, device_group_key, device_key)
        return self._challenge(subject, salt_hex, verifier_hex, srp_a, now)

    def verify_device(
        self,
        *,
        pool_id: str,
        username: str,
        device_group_key: str,
        device_key: str,
        secret_block: str,
        timestamp: str,
        signature: str,
        now: float,
    ) -> bool:
        """Whether a ``DEVICE_PASSWORD_VERIFIER`` answer proves the device's secret."""
        subject = _Subject(pool_id, username, device_group_key, device_key)
        return self._verify(subject, secret_block, timestamp, signature, now)

    # shared

    def _challenge(
        self, subject: _Subject, salt_hex: str, verifier_hex: str, srp_a: str, now: float
    ) -> SrpChallenge:
        subject.srp_identity()  # a malformed pool id fails here, not at the answer
        salt = _parse_hex("salt", salt_hex)
        ephemeral = server_start(verifier_hex, srp_a, self.ids)
        key = server_session_key(ephemeral, verifier_hex)
        nonce = self.ids.token_bytes(_NONCE_BYTES)
        sealed = self._aead.encrypt(
            nonce, _BLOCK_PLAINTEXT.pack(float(now), key), subject.associated_data()
        )
        block = bytes([_BLOCK_VERSION]) + nonce + sealed
        return SrpChallenge(
            salt=format(salt, "x"),
            srp_b=ephemeral.srp_b_hex,
            secret_block=base64.b64encode(block).decode(),
        )

    def _verify(
        self, subject: _Subject, secret_block: str, timestamp: str, signature: str, now: float
    ) -> bool:
        try:
            block = base64.b64decode(secret_block, validate=True)
        except (binascii.Error, ValueError, TypeError):
            return False
        if len(block) != _BLOCK_BYTES or block[0] != _BLOCK_VERSION:
            return False
        nonce, sealed = block[1 : 1 + _NONCE_BYTES], block[1 + _NONCE_BYTES :]
        try:
            plain = self._aead.decrypt(nonce, sealed, subject.associated_data())
        except InvalidTag:
            # Forged, altered, or issued for another pool, user or device.
            return False
        issued_at, key = _BLOCK_PLAINTEXT.unpack(plain)
        if not issued_at - self.TIMESTAMP_TOLERANCE <= now <= issued_at + self.BLOCK_LIFETIME:
            return False
        suffix, user_id = subject.srp_identity()
        return check_claim(
            key,
            pool_suffix=suffix,
            user_id_for_srp=user_id,
            secret_block=block,
            timestamp=timestamp,
            signature=signature,
            now=now,
            tolerance=self.TIMESTAMP_TOLERANCE,
        )

    def __repr__(self) -> str:
        return f"SrpService({self.ids!r})"

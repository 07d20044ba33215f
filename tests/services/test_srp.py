"""Cognito's SRP variant (spec §4): the server in ``cogkit.services.srp`` against the
independent client in ``cogkit.testing.srp`` and against pycognito's implementation."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import random
import types
from typing import Any

import attrs
import pytest

from cogkit.services import srp
from cogkit.services.ids import SeededIds
from cogkit.services.srp import SrpChallenge, SrpParameterError, SrpService
from cogkit.testing.srp import SrpClient, SrpDeviceClient, cognito_timestamp

POOL_ID = "us-east-1_AbC123xyZ"
PASSWORD = "Correct-horse-1"
#: Tue Mar 4 09:05:07 UTC 2025: the spec's example, on a one-digit day.
NOW = 1_741_079_107.0
DEVICE_GROUP_KEY = "-7p3jPNpt"
DEVICE_KEY = "us-east-1_6b2a8a4e-7a52-4b1e-9f53-3c4f2f0e9d11"
TOLERANCE = SrpService.TIMESTAMP_TOLERANCE


def _parameters(challenge: SrpChallenge, username: str) -> dict[str, str]:
    return {
        "SALT": challenge.salt,
        "SRP_B": challenge.srp_b,
        "SECRET_BLOCK": challenge.secret_block,
        "USER_ID_FOR_SRP": username,
        "USERNAME": username,
    }


def _issue(
    service: SrpService, client: SrpClient, *, salt: str, verifier: str, now: float = NOW
) -> dict[str, str]:
    challenge = service.user_challenge(
        pool_id=client.pool_id,
        username=client.username,
        salt_hex=salt,
        verifier_hex=verifier,
        srp_a=client.start(),
        now=now,
    )
    return _parameters(challenge, client.username)


def _accepts(
    service: SrpService,
    answer: dict[str, str],
    *,
    username: str = "ann",
    pool_id: str = POOL_ID,
    now: float = NOW,
) -> bool:
    return service.verify_user(
        pool_id=pool_id,
        username=username,
        secret_block=answer["PASSWORD_CLAIM_SECRET_BLOCK"],
        timestamp=answer["TIMESTAMP"],
        signature=answer["PASSWORD_CLAIM_SIGNATURE"],
        now=now,
    )


@attrs.frozen
class Issued:
    """One PASSWORD_VERIFIER challenge issued to ann, shared by tests that only answer it."""

    service: SrpService
    client: SrpClient
    parameters: dict[str, str]
    verifier: str


@pytest.fixture(scope="module")
def issued() -> Issued:
    ids = SeededIds("srp")
    salt, verifier = srp.make_verifier(POOL_ID, "ann", PASSWORD, ids)
    service = SrpService(ids)
    client = SrpClient(POOL_ID, "ann", PASSWORD, ids)
    parameters = _issue(service, client, salt=salt, verifier=verifier)
    return Issued(service, client, parameters, verifier)


# --- constants (spec §4.1) -------------------------------------------------------------------


def _pi_times_two_to(bits: int) -> int:
    """floor(pi * 2**bits) by Machin's formula in integer arithmetic, with guard bits."""
    guard = 64
    unity = 1 << (bits + guard)

    def arccot(x: int) -> int:
        total = term = unity // x
        n, sign = 3, -1
        while term:
            term //= x * x
            total += sign * (term // n)
            n, sign = n + 2, -sign
        return total

    return (4 * (4 * arccot(5) - arccot(239))) >> guard


def test_n_is_the_rfc_3526_group_15_prime() -> None:
    # RFC 3526 §4: p = 2^3072 - 2^3008 - 1 + 2^64 * ( [2^2942 pi] + 1690314 )
    expected = 2**3072 - 2**3008 - 1 + 2**64 * (_pi_times_two_to(2942) + 1690314)
    assert expected == srp.N
    assert srp.G == 2


def test_k_matches_the_spec_check_value() -> None:
    assert srp.K_MULTIPLIER == 0x538282C4354742D7CBBDE2359FCF67F9F5B3A6B08791E5011B43B8A5B66D9EE6


def test_k_is_the_hash_of_zero_n_and_two_as_bytes() -> None:
    digest = hashlib.sha256(b"\x00" + srp.N.to_bytes(384, "big") + b"\x02").digest()
    assert int.from_bytes(digest, "big") == srp.K_MULTIPLIER


# --- encoding (spec §4.2) --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "padded"),
    [
        (0, "00"),
        (1, "01"),
        (2, "02"),
        (0xF, "0f"),
        (0x7F, "7f"),
        (0x80, "0080"),
        (0xFF, "00ff"),
        (0x100, "0100"),
        (0xABC, "0abc"),
        (0x1234, "1234"),
        (0x8000, "008000"),
        (0x7FFFFF, "7fffff"),
        (0xDEADBEEF, "00deadbeef"),
    ],
)
def test_pad_hex_gives_whole_bytes_with_a_clear_sign_bit(value: int, padded: str) -> None:
    assert srp.pad_hex(value) == padded


def test_pad_hex_of_n_starts_with_a_zero_byte() -> None:
    padded = srp.pad_hex(srp.N)
    assert padded.startswith("00ffffffffffffffffc90f") and len(padded) == 2 * 385


def test_pad_hex_agrees_with_signed_big_endian_bytes() -> None:
    # Java BigInteger.toByteArray() == Python's signed to_bytes of the minimal length.
    rng = random.Random(5054)
    values = [rng.getrandbits(bits) for bits in range(1, 400, 7)]
    values += [2**bits + delta for bits in range(1, 70) for delta in (-1, 0)]
    for value in values:
        length = value.bit_length() // 8 + 1
        assert srp.pad_hex(value) == value.to_bytes(length, "big", signed=True).hex()


def test_pad_hex_refuses_negative_values() -> None:
    with pytest.raises(ValueError, match="non-negative"):
        srp.pad_hex(-1)


def test_hash_hex_hashes_the_bytes_the_hex_spells() -> None:
    assert srp.hash_hex("00ff") == hashlib.sha256(b"\x00\xff").hexdigest()
    assert srp.hash_text("00ff") == hashlib.sha256(b"00ff").hexdigest()


@pytest.mark.parametrize(
    ("pool_id", "suffix"), [("us-east-1_AbC123xyZ", "AbC123xyZ"), ("eu-west-2_x", "x")]
)
def test_pool_suffix_is_the_part_after_the_underscore(pool_id: str, suffix: str) -> None:
    assert srp.pool_suffix(pool_id) == suffix


@pytest.mark.parametrize("pool_id", ["nounderscore", "us-east-1_"])
def test_pool_suffix_refuses_malformed_pool_ids(pool_id: str) -> None:
    with pytest.raises(SrpParameterError) as info:
        srp.pool_suffix(pool_id)
    assert info.value.parameter == "pool_id"


# --- verifiers -------------------------------------------------------------------------------


def test_make_verifier_stores_g_to_the_x_for_a_16_byte_salt() -> None:
    salt_hex, verifier_hex = srp.make_verifier(POOL_ID, "ann", PASSWORD, SeededIds(1))
    salt = int(salt_hex, 16)
    assert salt < 2**128 and salt_hex == format(salt, "x")
    x = srp.compute_x(salt, "AbC123xyZ", "ann", PASSWORD)
    assert int(verifier_hex, 16) == pow(2, x, srp.N)


def test_make_verifier_draws_a_new_salt_each_time() -> None:
    ids = SeededIds(2)
    first = srp.make_verifier(POOL_ID, "ann", PASSWORD, ids)
    second = srp.make_verifier(POOL_ID, "ann", PASSWORD, ids)
    assert first[0] != second[0] and first[1] != second[1]


# --- client and server agree -----------------------------------------------------------------


def test_the_client_claim_verifies_with_the_service(issued: Issued) -> None:
    answer = issued.client.respond(issued.parameters, NOW + 2)
    assert answer["USERNAME"] == "ann"
    assert answer["PASSWORD_CLAIM_SECRET_BLOCK"] == issued.parameters["SECRET_BLOCK"]
    assert _accepts(issued.service, answer, now=NOW + 3)


def test_the_challenge_sends_unpadded_hex_and_an_opaque_block(issued: Issued) -> None:
    salt, srp_b = issued.parameters["SALT"], issued.parameters["SRP_B"]
    assert salt == format(int(salt, 16), "x") and srp_b == format(int(srp_b, 16), "x")
    assert 0 < int(srp_b, 16) < srp.N
    assert base64.b64decode(issued.parameters["SECRET_BLOCK"], validate=True)


@pytest.mark.parametrize(
    ("username", "password"),
    [
        ("jürgen", "pässwörd-Ω-1"),
        ("用户", "密码🔑-long-enough"),
        ("ann@example.com", "  spaces inside  "),
        ("x" * 128, "é" * 256),
    ],
    ids=["latin", "cjk-emoji", "spaces", "longest"],
)
def test_client_and_service_agree_for_unicode_names_and_passwords(
    username: str, password: str
) -> None:
    ids = SeededIds(username)
    salt, verifier = srp.make_verifier(POOL_ID, username, password, ids)
    service = SrpService(ids)
    client = SrpClient(POOL_ID, username, password, ids)
    answer = client.respond(_issue(service, client, salt=salt, verifier=verifier), NOW)
    assert _accepts(service, answer, username=username)


_RANGES = [(0x21, 0x7E), (0xA1, 0x17F), (0x391, 0x3C9), (0x4E00, 0x9FFF), (0x1F300, 0x1F5FF)]


def _random_text(rng: random.Random, length: int) -> str:
    return "".join(chr(rng.randint(*rng.choice(_RANGES))) for _ in range(length))


@pytest.mark.parametrize("seed", range(3))
def test_client_and_service_agree_for_random_unicode_names_and_passwords(seed: int) -> None:
    rng = random.Random(seed)
    username, password = _random_text(rng, rng.randint(1, 40)), _random_text(rng, 64)
    ids = SeededIds(seed)
    salt, verifier = srp.make_verifier(POOL_ID, username, password, ids)
    service = SrpService(ids)
    client = SrpClient(POOL_ID, username, password, ids)
    parameters = _issue(service, client, salt=salt, verifier=verifier)
    assert _accepts(service, client.respond(parameters, NOW), username=username)
    impostor = SrpClient(POOL_ID, username, password[:-1], ids)
    parameters = _issue(service, impostor, salt=salt, verifier=verifier)
    assert not _accepts(service, impostor.respond(parameters, NOW), username=username)


def test_the_server_formula_functions_agree_with_the_client() -> None:
    # The bare math, without SrpService: S = (A·v^u)^b on one side, (B - k·g^x)^(a+u·x)
    # on the other, and a secret block the caller keeps for itself.
    ids = SeededIds("bare")
    salt, verifier = srp.make_verifier(POOL_ID, "ann", PASSWORD, ids)
    client = SrpClient(POOL_ID, "ann", PASSWORD, ids)
    ephemeral = srp.server_start(verifier, client.start(), ids)
    block = b"any opaque server state"
    parameters = {
        "SALT": salt,
        "SRP_B": ephemeral.srp_b_hex,
        "SECRET_BLOCK": base64.b64encode(block).decode(),
        "USER_ID_FOR_SRP": "ann",
    }
    answer = client.respond(parameters, NOW)
    common: dict[str, Any] = {
        "pool_suffix": "AbC123xyZ",
        "verifier_hex": verifier,
        "ephemeral": ephemeral,
        "secret_block": block,
        "timestamp": answer["TIMESTAMP"],
        "signature": answer["PASSWORD_CLAIM_SIGNATURE"],
        "now": NOW,
    }
    assert srp.verify_claim(user_id_for_srp="ann", **common)
    key = srp.server_session_key(ephemeral, verifier)
    signature = srp.claim_signature(key, "AbC123xyZ", "ann", block, answer["TIMESTAMP"])
    assert signature == answer["PASSWORD_CLAIM_SIGNATURE"]
    assert not srp.verify_claim(user_id_for_srp="bob", **common)
    assert not srp.verify_claim(**{**common, "secret_block": block + b"!"}, user_id_for_srp="ann")


def test_a_zero_padded_day_in_the_timestamp_verifies(issued: Issued) -> None:
    answer = issued.client.respond(issued.parameters, NOW, day_padding="0")
    assert answer["TIMESTAMP"] == "Tue Mar 04 09:05:07 UTC 2025"
    assert _accepts(issued.service, answer)


# --- refusals --------------------------------------------------------------------------------


def test_a_wrong_password_is_refused(issued: Issued) -> None:
    impostor = SrpClient(POOL_ID, "ann", PASSWORD + "x", SeededIds(9))
    parameters = _issue(
        issued.service, impostor, salt=issued.parameters["SALT"], verifier=issued.verifier
    )
    assert not _accepts(issued.service, impostor.respond(parameters, NOW))


def test_an_answer_sent_under_another_username_is_refused(issued: Issued) -> None:
    answer = issued.client.respond(issued.parameters, NOW)
    assert not _accepts(issued.service, answer, username="bob")
    assert not _accepts(issued.service, answer, username="Ann")


def test_a_user_cannot_present_their_own_challenge_as_another_user() -> None:
    # Mallory proves her own password, then claims the answer is ann's.
    ids = SeededIds("mallory")
    service = SrpService(ids)
    salt, verifier = srp.make_verifier(POOL_ID, "mallory", "Mallory-pass-1", ids)
    mallory = SrpClient(POOL_ID, "mallory", "Mallory-pass-1", ids)
    answer = mallory.respond(_issue(service, mallory, salt=salt, verifier=verifier), NOW)
    assert _accepts(service, answer, username="mallory")
    assert not _accepts(service, {**answer, "USERNAME": "ann"}, username="ann")


def test_a_block_issued_for_another_pool_is_refused(issued: Issued) -> None:
    answer = issued.client.respond(issued.parameters, NOW)
    assert not _accepts(issued.service, answer, pool_id="us-east-1_Other0000")


def test_a_tampered_secret_block_is_refused_even_when_signed(issued: Issued) -> None:
    raw = bytearray(base64.b64decode(issued.parameters["SECRET_BLOCK"]))
    raw[20] ^= 0x01
    tampered = {**issued.parameters, "SECRET_BLOCK": base64.b64encode(raw).decode()}
    # The client signs over the altered block with the right key: only the seal catches it.
    answer = issued.client.respond(tampered, NOW)
    assert not _accepts(issued.service, answer)


@pytest.mark.parametrize("block", ["", "not base64!", "AAAA", "QUJD" * 30])
def test_a_malformed_secret_block_is_refused(issued: Issued, block: str) -> None:
    answer = issued.client.respond(issued.parameters, NOW)
    assert not _accepts(issued.service, {**answer, "PASSWORD_CLAIM_SECRET_BLOCK": block})


@pytest.mark.parametrize("signature", ["", "%%%", "AAAA", "é"])
def test_a_malformed_signature_is_refused(issued: Issued, signature: str) -> None:
    answer = issued.client.respond(issued.parameters, NOW)
    assert not _accepts(issued.service, {**answer, "PASSWORD_CLAIM_SIGNATURE": signature})


def test_a_block_sealed_by_another_service_key_is_refused(issued: Issued) -> None:
    other = SrpService(SeededIds("another process"))
    assert not _accepts(other, issued.client.respond(issued.parameters, NOW))


@pytest.mark.parametrize(
    ("signed_at", "accepted"),
    [
        (NOW - TOLERANCE - 1, False),
        (NOW - TOLERANCE, True),
        (NOW + TOLERANCE, True),
        (NOW + TOLERANCE + 1, False),
    ],
)
def test_the_timestamp_must_be_within_the_tolerance(
    issued: Issued, signed_at: float, accepted: bool
) -> None:
    # Challenge issued at NOW; the server checks the answer at NOW + TOLERANCE.
    answer = issued.client.respond(issued.parameters, signed_at + TOLERANCE)
    assert _accepts(issued.service, answer, now=NOW + TOLERANCE) is accepted


def test_an_unparsable_timestamp_is_refused(issued: Issued) -> None:
    answer = issued.client.respond(issued.parameters, NOW)
    assert not _accepts(issued.service, {**answer, "TIMESTAMP": "2025-03-04T09:05:07Z"})


def test_a_block_older_than_its_lifetime_is_refused(issued: Issued) -> None:
    late = NOW + SrpService.BLOCK_LIFETIME
    assert _accepts(issued.service, issued.client.respond(issued.parameters, late), now=late)
    later = late + 1
    assert not _accepts(issued.service, issued.client.respond(issued.parameters, later), now=later)


@pytest.mark.parametrize("srp_a", ["0", "00", format(srp.N, "x"), format(3 * srp.N, "x")])
def test_an_srp_a_that_is_zero_mod_n_is_refused(srp_a: str) -> None:
    with pytest.raises(SrpParameterError) as info:
        srp.server_start("1234", srp_a, SeededIds())
    assert info.value.parameter == "srp_a"
    with pytest.raises(SrpParameterError):
        SrpService(SeededIds()).user_challenge(
            pool_id=POOL_ID, username="ann", salt_hex="ab", verifier_hex="12", srp_a=srp_a, now=NOW
        )


class _ZeroIds(SeededIds):
    def token_bytes(self, n: int) -> bytes:
        return bytes(n)


def test_a_server_secret_below_two_is_never_used() -> None:
    # b = 0 would make S = 1 for any password; a broken IdSource must not get that far.
    with pytest.raises(RuntimeError, match="no usable SRP secret"):
        srp.server_start("1234", "ab", _ZeroIds())


@pytest.mark.parametrize("srp_a", ["", "xyz", "0x1f", " 1f", "1_f", "f" * 2049])
def test_an_srp_a_that_is_not_plain_hex_is_refused(srp_a: str) -> None:
    with pytest.raises(SrpParameterError, match="srp_a"):
        srp.server_start("1234", srp_a, SeededIds())


def test_the_client_refuses_a_b_that_is_zero_mod_n(issued: Issued) -> None:
    with pytest.raises(ValueError, match="SRP_B"):
        issued.client.respond({**issued.parameters, "SRP_B": format(srp.N, "x")}, NOW)


def test_the_client_must_start_before_it_answers(issued: Issued) -> None:
    with pytest.raises(RuntimeError, match="start"):
        SrpClient(POOL_ID, "ann", PASSWORD).respond(issued.parameters, NOW)


def test_the_client_adds_secret_hash_for_clients_with_a_secret(issued: Issued) -> None:
    client = SrpClient(POOL_ID, "ann", PASSWORD, client_id="cid", client_secret="shh")
    digest = hmac.new(b"shh", b"anncid", "sha256").digest()
    expected = base64.b64encode(digest).decode()
    assert client.auth_parameters()["SECRET_HASH"] == expected
    assert client.respond(issued.parameters, NOW)["SECRET_HASH"] == expected


def test_the_clients_keep_passwords_out_of_reprs() -> None:
    assert repr(SrpClient(POOL_ID, "ann", PASSWORD)) == f"SrpClient({POOL_ID!r}, 'ann')"
    device = SrpDeviceClient("ann", DEVICE_GROUP_KEY, DEVICE_KEY, "device-secret")
    assert "device-secret" not in repr(device)


# --- TIMESTAMP (spec §4.3) -------------------------------------------------------------------

# March 2025 starts on a Saturday.
_MARCH_2025 = ("Sat", "Sun", "Mon", "Tue", "Wed", "Thu", "Fri")


@pytest.mark.parametrize("day", range(1, 32))
def test_timestamps_write_the_day_without_padding(day: int) -> None:
    moment = dt.datetime(2025, 3, day, 9, 5, 7, tzinfo=dt.UTC).timestamp()
    expected = f"{_MARCH_2025[(day - 1) % 7]} Mar {day} 09:05:07 UTC 2025"
    assert srp.format_timestamp(moment) == expected
    assert cognito_timestamp(moment) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Tue Mar 4 09:05:07 UTC 2025",
        "Tue Mar 04 09:05:07 UTC 2025",
        "Tue Mar  4 09:05:07 UTC 2025",
        "tue mar 4 09:05:07 UTC 2025",
        "Tue Mar 4 9:05:07 UTC 2025",
    ],
)
def test_timestamps_are_read_leniently(text: str) -> None:
    assert srp.parse_timestamp(text) == NOW


@pytest.mark.parametrize(
    "moment",
    [
        dt.datetime(2025, 3, 4, 9, 5, 7),
        dt.datetime(2025, 3, 4, 10, 5, 7, tzinfo=dt.timezone(dt.timedelta(hours=1))),
    ],
)
def test_the_client_stamps_datetimes_in_utc(moment: dt.datetime) -> None:
    assert cognito_timestamp(moment) == "Tue Mar 4 09:05:07 UTC 2025"
    assert cognito_timestamp(moment, day_padding=" ") == "Tue Mar  4 09:05:07 UTC 2025"


def test_timestamps_read_back_what_they_write() -> None:
    for moment in (0.0, 951_782_400.0, NOW, 4_102_444_799.0):  # 2000-02-29, 2099-12-31
        assert srp.parse_timestamp(srp.format_timestamp(moment)) == moment


@pytest.mark.parametrize(
    "text",
    [
        "",
        "Tue Mar 4 09:05:07 GMT 2025",
        "Tue Mar 4 09:05:07 2025",
        "Xyz Mar 4 09:05:07 UTC 2025",
        "Tue Foo 4 09:05:07 UTC 2025",
        "Fri Feb 30 09:05:07 UTC 2025",
        "Tue Mar 4 24:05:07 UTC 2025",
        "Tue Mar 4 09:05:07 UTC 2025 extra",
    ],
)
def test_malformed_timestamps_are_refused(text: str) -> None:
    with pytest.raises(SrpParameterError) as info:
        srp.parse_timestamp(text)
    assert info.value.parameter == "timestamp"
    assert not srp.timestamp_is_fresh(text, NOW)


# --- devices (spec §4.4) ---------------------------------------------------------------------


def _device_challenge(
    service: SrpService, device: SrpDeviceClient, config: srp.DeviceVerifierConfig
) -> dict[str, str]:
    salt, verifier = srp.decode_device_verifier(config.password_verifier, config.salt)
    challenge = service.device_challenge(
        pool_id=POOL_ID,
        username=device.username,
        device_group_key=device.device_group_key,
        device_key=device.device_key,
        salt_hex=salt,
        verifier_hex=verifier,
        srp_a=device.srp_auth_response()["SRP_A"],
        now=NOW,
    )
    return {
        "SALT": challenge.salt,
        "SRP_B": challenge.srp_b,
        "SECRET_BLOCK": challenge.secret_block,
        "USERNAME": device.username,
    }


def _device_accepts(
    service: SrpService,
    answer: dict[str, str],
    *,
    username: str = "ann",
    device_key: str = DEVICE_KEY,
) -> bool:
    return service.verify_device(
        pool_id=POOL_ID,
        username=username,
        device_group_key=DEVICE_GROUP_KEY,
        device_key=device_key,
        secret_block=answer["PASSWORD_CLAIM_SECRET_BLOCK"],
        timestamp=answer["TIMESTAMP"],
        signature=answer["PASSWORD_CLAIM_SIGNATURE"],
        now=NOW,
    )


def _config(mapping: dict[str, str]) -> srp.DeviceVerifierConfig:
    return srp.DeviceVerifierConfig(mapping["PasswordVerifier"], mapping["Salt"])


def test_device_verifiers_are_base64_of_padded_bytes() -> None:
    config = srp.make_device_verifier(DEVICE_GROUP_KEY, DEVICE_KEY, "device-pw", SeededIds(4))
    salt_bytes = base64.b64decode(config.salt)
    verifier_bytes = base64.b64decode(config.password_verifier)
    salt = int.from_bytes(salt_bytes, "big")
    assert salt_bytes.hex() == srp.pad_hex(salt)
    x = srp.compute_x(salt, DEVICE_GROUP_KEY, DEVICE_KEY, "device-pw")
    assert verifier_bytes.hex() == srp.pad_hex(pow(2, x, srp.N))
    assert srp.decode_device_verifier(config.password_verifier, config.salt) == (
        format(salt, "x"),
        format(pow(2, x, srp.N), "x"),
    )


def test_a_device_confirmed_by_the_client_signs_in() -> None:
    ids = SeededIds("device")
    device = SrpDeviceClient.create("ann", DEVICE_GROUP_KEY, DEVICE_KEY, ids)
    assert len(base64.b64decode(device.device_password)) == 40
    service = SrpService(ids)
    parameters = _device_challenge(service, device, _config(device.verifier_config()))
    answer = device.respond(parameters, NOW)
    assert answer["DEVICE_KEY"] == DEVICE_KEY and answer["USERNAME"] == "ann"
    assert _device_accepts(service, answer)
    assert not _device_accepts(service, answer, username="bob")
    assert not _device_accepts(service, answer, device_key=DEVICE_KEY + "0")


def test_a_device_verifier_made_by_cogkit_works_with_the_client() -> None:
    ids = SeededIds("device-2")
    config = srp.make_device_verifier(DEVICE_GROUP_KEY, DEVICE_KEY, "random-pw", ids)
    service = SrpService(ids)
    device = SrpDeviceClient("ann", DEVICE_GROUP_KEY, DEVICE_KEY, "random-pw", ids)
    assert _device_accepts(service, device.respond(_device_challenge(service, device, config), NOW))


def test_a_wrong_device_password_is_refused() -> None:
    ids = SeededIds("device-3")
    config = srp.make_device_verifier(DEVICE_GROUP_KEY, DEVICE_KEY, "random-pw", ids)
    service = SrpService(ids)
    device = SrpDeviceClient("ann", DEVICE_GROUP_KEY, DEVICE_KEY, "guessed-pw", ids)
    assert not _device_accepts(
        service, device.respond(_device_challenge(service, device, config), NOW)
    )


def test_a_user_block_does_not_pass_as_a_device_block(issued: Issued) -> None:
    answer = issued.client.respond(issued.parameters, NOW)
    assert not _device_accepts(issued.service, answer)


@pytest.mark.parametrize(
    ("verifier", "salt", "parameter"),
    [
        ("%%", "AQ==", "password_verifier"),
        ("", "AQ==", "password_verifier"),
        (base64.b64encode(b"\x00").decode(), "AQ==", "password_verifier"),
        (base64.b64encode(srp.N.to_bytes(384, "big")).decode(), "AQ==", "password_verifier"),
        ("Ag==", "", "salt"),
        ("Ag==", base64.b64encode(bytes(65)).decode(), "salt"),
    ],
)
def test_unusable_device_verifier_configs_are_refused(
    verifier: str, salt: str, parameter: str
) -> None:
    with pytest.raises(SrpParameterError) as info:
        srp.decode_device_verifier(verifier, salt)
    assert info.value.parameter == parameter


# --- the service object ----------------------------------------------------------------------


def test_the_service_keeps_its_key_and_secrets_out_of_reprs() -> None:
    service = SrpService(SeededIds(1), key=b"k" * 32)
    assert repr(service) == "SrpService(SeededIds(1))"
    ephemeral = srp.server_start("1234", "ab", SeededIds(1))
    assert str(ephemeral.b) not in repr(ephemeral) and format(ephemeral.b, "x") not in repr(
        ephemeral
    )
    config = srp.make_device_verifier(DEVICE_GROUP_KEY, DEVICE_KEY, "pw", SeededIds(1))
    assert config.password_verifier not in repr(config)


def test_the_service_key_must_be_32_bytes() -> None:
    with pytest.raises(ValueError, match="32 bytes"):
        SrpService(SeededIds(), key=b"short")


def test_services_sharing_a_key_accept_each_others_blocks(issued: Issued) -> None:
    twin = SrpService(SeededIds("elsewhere"), key=issued.service.key)
    assert _accepts(twin, issued.client.respond(issued.parameters, NOW))


# --- interop with pycognito (an independent implementation of the client) --------------------


class _FixedUtc(dt.datetime):
    """``datetime.datetime`` whose ``utcnow()`` is NOW (pycognito stamps TIMESTAMP with it)."""

    @classmethod
    def utcnow(cls) -> _FixedUtc:
        moment = dt.datetime.fromtimestamp(NOW, dt.UTC).replace(tzinfo=None)
        return cls(*moment.timetuple()[:6])


class _NotAuthorized(Exception):
    pass


class _FakeIdp:
    """Just enough of a boto3 ``cognito-idp`` client for ``AWSSRP.authenticate_user``,
    answering from ``SrpService`` (device SRP included)."""

    def __init__(self, service: SrpService, verifiers: dict[str, tuple[str, str]]) -> None:
        self.service = service
        self.verifiers = verifiers
        self.device: tuple[str, str, tuple[str, str]] | None = None
        self._username = ""

    def initiate_auth(self, *, AuthFlow: str, AuthParameters: dict[str, str], ClientId: str) -> Any:
        assert AuthFlow == "USER_SRP_AUTH"
        self._username = AuthParameters["USERNAME"]
        salt, verifier = self.verifiers[self._username]
        challenge = self.service.user_challenge(
            pool_id=POOL_ID,
            username=self._username,
            salt_hex=salt,
            verifier_hex=verifier,
            srp_a=AuthParameters["SRP_A"],
            now=NOW,
        )
        return {
            "ChallengeName": "PASSWORD_VERIFIER",
            "ChallengeParameters": _parameters(challenge, self._username),
        }

    def respond_to_auth_challenge(
        self, *, ClientId: str, ChallengeName: str, ChallengeResponses: dict[str, str]
    ) -> Any:
        answers = ChallengeResponses
        if ChallengeName == "DEVICE_SRP_AUTH":
            assert self.device is not None and answers["DEVICE_KEY"] == self.device[1]
            salt, verifier = self.device[2]
            challenge = self.service.device_challenge(
                pool_id=POOL_ID,
                username=self._username,
                device_group_key=self.device[0],
                device_key=self.device[1],
                salt_hex=salt,
                verifier_hex=verifier,
                srp_a=answers["SRP_A"],
                now=NOW,
            )
            parameters = _parameters(challenge, self._username)
            return {"ChallengeName": "DEVICE_PASSWORD_VERIFIER", "ChallengeParameters": parameters}
        common = {
            "pool_id": POOL_ID,
            "username": self._username,
            "secret_block": answers["PASSWORD_CLAIM_SECRET_BLOCK"],
            "timestamp": answers["TIMESTAMP"],
            "signature": answers["PASSWORD_CLAIM_SIGNATURE"],
            "now": NOW,
        }
        if ChallengeName == "PASSWORD_VERIFIER":
            if not self.service.verify_user(**common):
                raise _NotAuthorized("Incorrect username or password.")
            if self.device is not None:
                return {"ChallengeName": "DEVICE_SRP_AUTH", "ChallengeParameters": {}}
        else:
            assert ChallengeName == "DEVICE_PASSWORD_VERIFIER" and self.device is not None
            device = {"device_group_key": self.device[0], "device_key": self.device[1]}
            if not self.service.verify_device(**common, **device):
                raise _NotAuthorized("Incorrect username or password.")
        return {"AuthenticationResult": {"AccessToken": "signed-in"}}


@pytest.fixture
def aws_srp(monkeypatch: pytest.MonkeyPatch) -> types.ModuleType:
    module: types.ModuleType = pytest.importorskip("pycognito.aws_srp")
    monkeypatch.setattr(module, "datetime", types.SimpleNamespace(datetime=_FixedUtc))
    return module


def _idp(seed: str) -> _FakeIdp:
    ids = SeededIds(seed)
    return _FakeIdp(SrpService(ids), {"ann": srp.make_verifier(POOL_ID, "ann", PASSWORD, ids)})


def test_pycognito_signs_in_against_the_service(aws_srp: types.ModuleType) -> None:
    idp = _idp("pycognito")
    client = aws_srp.AWSSRP("ann", PASSWORD, POOL_ID, "client-id", client=idp)
    assert client.authenticate_user()["AuthenticationResult"]["AccessToken"] == "signed-in"


def test_pycognito_with_a_wrong_password_is_refused(aws_srp: types.ModuleType) -> None:
    idp = _idp("pycognito-wrong")
    client = aws_srp.AWSSRP("ann", PASSWORD + "!", POOL_ID, "client-id", client=idp)
    with pytest.raises(_NotAuthorized):
        client.authenticate_user()


def test_pycognito_remembered_device_signs_in(aws_srp: types.ModuleType) -> None:
    idp = _idp("pycognito-device")
    device_password, config = aws_srp.generate_hash_device(DEVICE_GROUP_KEY, DEVICE_KEY)
    stored = srp.decode_device_verifier(config["PasswordVerifier"], config["Salt"])
    idp.device = (DEVICE_GROUP_KEY, DEVICE_KEY, stored)
    client = aws_srp.AWSSRP(
        "ann",
        PASSWORD,
        POOL_ID,
        "client-id",
        client=idp,
        device_key=DEVICE_KEY,
        device_group_key=DEVICE_GROUP_KEY,
        device_password=device_password,
    )
    assert client.authenticate_user()["AuthenticationResult"]["AccessToken"] == "signed-in"
    client.device_password = "not-the-device-password"
    with pytest.raises(_NotAuthorized):
        client.authenticate_user()


def test_pycognito_derives_the_same_session_key(aws_srp: types.ModuleType) -> None:
    ids = SeededIds("pycognito-key")
    salt, verifier = srp.make_verifier(POOL_ID, "ann", PASSWORD, ids)
    client = aws_srp.AWSSRP("ann", PASSWORD, POOL_ID, "client-id", client=object())
    ephemeral = srp.server_start(verifier, aws_srp.long_to_hex(client.large_a_value), ids)
    assert aws_srp.calculate_u(client.large_a_value, ephemeral.srp_b) == ephemeral.u
    client_key = client.get_password_authentication_key("ann", PASSWORD, ephemeral.srp_b, salt)
    assert bytes(client_key) == srp.server_session_key(ephemeral, verifier)
    for value in (0, 1, 0x7F, 0x80, 0xABC, srp.N):
        assert aws_srp.pad_hex(value) == srp.pad_hex(value)

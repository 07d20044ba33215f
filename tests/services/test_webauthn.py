"""The strict readers of WebAuthn's formats: CBOR, COSE keys, authenticator data, client
data and attestation statements."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import struct
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID

from cogkit.services import webauthn as wa
from cogkit.testing import SoftwareAuthenticator
from cogkit.testing.passkeys import cbor_encode


@pytest.mark.parametrize(
    "value",
    [
        0,
        23,
        24,
        255,
        256,
        65536,
        2**32,
        2**64 - 1,
        -1,
        -(2**64),
        b"",
        b"\x00" * 300,
        "",
        "passkey ✓",
        [1, [2, [3]]],
        {1: 2, "a": b"b", -3: [True, False, None]},
    ],
)
def test_cbor_round_trips_what_authenticators_send(value: Any) -> None:
    assert wa.cbor_decode(cbor_encode(value), "x") == value


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "truncated"),
        (b"\x19\x01", "truncated"),
        (b"\x5f\x41\x00\xff", "indefinite"),
        (b"\x1c", "reserved"),
        (b"\xf9\x00\x00", "float"),
        (b"\xf7", "simple value"),
        (b"\xc0\x60", "tags"),
        (b"\x62\xff\xfe", "UTF-8"),
        (b"\xa2\x01\x01\x01\x02", "duplicate"),
        (b"\xa1\x41a\x01", "keys"),
        (b"\xa1\xf5\x01", "keys"),
        (b"\x99\x01\x01" + b"\x00" * 257, "array too long"),
        (b"\xb9\x01\x01", "map too long"),
        (b"\x81" * 12 + b"\x00", "deeply"),
        (b"\x00\x00", "trailing"),
    ],
)
def test_cbor_refuses_what_cogkit_does_not_read(data: bytes, reason: str) -> None:
    with pytest.raises(wa.WebAuthnFormatError) as caught:
        wa.cbor_decode(data, "attestationObject")
    assert caught.value.part == "attestationObject"
    assert reason in caught.value.message


def test_cbor_reads_a_prefix_and_says_where_it_ends() -> None:
    assert wa.cbor_decode(b"\x01\x02", "x", prefix=True) == (1, 1)


@pytest.mark.parametrize("value", ["a+b", "a/b", "abcde", 7, None, "a b"])
def test_base64url_is_strict(value: Any) -> None:
    with pytest.raises(wa.WebAuthnFormatError):
        wa.b64url_decode(value, "id")


def test_base64url_takes_padded_and_unpadded_forms() -> None:
    assert wa.b64url_decode("AQI", "id") == wa.b64url_decode("AQI=", "id") == b"\x01\x02"


# -- COSE keys -------------------------------------------------------------------------


def _ec2(**changes: Any) -> dict[int, Any]:
    key = cbor_encode_key(SoftwareAuthenticator())
    key.update(changes)
    return key


def cbor_encode_key(device: SoftwareAuthenticator) -> dict[int, Any]:
    found: dict[int, Any] = wa.cbor_decode(device.cose_public_key(), "key")
    return found


@pytest.mark.parametrize(
    "key",
    [
        {1: 2},
        {1: 2, 3: -7, -1: 1, -2: b"x" * 32},
        {1: 2, 3: -7, -1: 1, -2: b"x" * 31, -3: b"y" * 32},
        {1: 2, 3: -7, -1: 1, -2: b"\x00" * 32, -3: b"\x00" * 32},
        {1: True, 3: -7},
        [1, 2],
    ],
)
def test_a_malformed_cose_key_is_refused(key: Any) -> None:
    with pytest.raises(wa.WebAuthnFormatError):
        wa.cose_key(cbor_encode(key))


@pytest.mark.parametrize(
    "key",
    [
        {1: 2, 3: -35, -1: 2},
        {1: 2, 3: -7, -1: 2, -2: b"x" * 48, -3: b"y" * 48},
        {1: 1, 3: -8, -1: 7, -2: b"x" * 57},
        {1: 3, 3: -257, -1: b"\x01" * 128, -2: b"\x01\x00\x01"},
        {1: 4, 3: -7},
    ],
)
def test_an_unsupported_cose_key_is_refused_as_such(key: Any) -> None:
    with pytest.raises(wa.UnsupportedCredentialError):
        wa.cose_key(cbor_encode(key))


def test_an_invalid_ed25519_key_is_refused() -> None:
    with pytest.raises(wa.WebAuthnFormatError):
        wa.cose_key(cbor_encode({1: 1, 3: -8, -1: 6, -2: b"short"}))


def test_a_signature_by_a_key_of_another_type_does_not_verify() -> None:
    rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    assert not wa.CoseKey(wa.ES256, rsa_key.public_key()).verify(b"sig", b"data")


# -- authenticator and client data -----------------------------------------------------


def _auth_data(flags: int, tail: bytes = b"") -> bytes:
    return hashlib.sha256(b"example.com").digest() + bytes([flags]) + struct.pack(">I", 7) + tail


def test_authenticator_data_reads_its_flags_and_counter() -> None:
    data = wa.parse_authenticator_data(_auth_data(wa.UP | wa.UV | wa.BE))
    assert (data.user_present, data.user_verified, data.backup_eligible) == (True, True, True)
    assert data.sign_count == 7
    assert data.matches("example.com") and not data.matches("other.example")


@pytest.mark.parametrize(
    "raw",
    [
        b"\x00" * 36,
        _auth_data(wa.AT, b"\x00" * 10),
        _auth_data(wa.AT, b"\x00" * 16 + b"\x00\x00"),
        _auth_data(wa.AT, b"\x00" * 16 + b"\x00\x10" + b"\x01" * 4),
        _auth_data(wa.ED, cbor_encode([1])),
        _auth_data(wa.UP, b"\x00"),
    ],
)
def test_malformed_authenticator_data_is_refused(raw: bytes) -> None:
    with pytest.raises(wa.WebAuthnFormatError):
        wa.parse_authenticator_data(raw)


@pytest.mark.parametrize(
    "raw",
    [
        b"\xff",
        b"[]",
        json.dumps({"type": "webauthn.get", "challenge": "x"}).encode(),
        json.dumps({"type": "a", "challenge": "b", "origin": "c", "crossOrigin": "no"}).encode(),
    ],
)
def test_malformed_client_data_is_refused(raw: bytes) -> None:
    with pytest.raises(wa.WebAuthnFormatError):
        wa.client_data(raw)


# -- attestation -----------------------------------------------------------------------


def _registration(device: SoftwareAuthenticator, fmt: str = "none") -> tuple[Any, bytes]:
    options = {"rp": {"id": "example.com"}, "challenge": "Y2hhbGxlbmdl", "user": {"id": "dQ"}}
    response = device.register(options, "https://example.com", fmt=fmt)["response"]
    client_hash = hashlib.sha256(wa.b64url_decode(response["clientDataJSON"], "c")).digest()
    return wa.parse_attestation(wa.b64url_decode(response["attestationObject"], "a")), client_hash


def _certificate(key: ec.EllipticCurvePrivateKey) -> bytes:
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "cogkit test authenticator")])
    now = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    from cryptography.hazmat.primitives.serialization import Encoding

    return certificate.public_bytes(Encoding.DER)


def test_a_packed_attestation_with_a_certificate_is_verified() -> None:
    (_fmt, _statement, data), client_hash = _registration(SoftwareAuthenticator())
    signer = ec.generate_private_key(ec.SECP256R1())
    sig = signer.sign(data.raw + client_hash, ec.ECDSA(hashes.SHA256()))
    statement = {"alg": -7, "sig": sig, "x5c": [_certificate(signer)]}
    wa.verify_attestation("packed", statement, data, client_hash)
    with pytest.raises(wa.WebAuthnFormatError):
        wa.verify_attestation("packed", {**statement, "sig": b"bad"}, data, client_hash)


@pytest.mark.parametrize(
    "statement",
    [
        {"alg": -7},
        {"alg": True, "sig": b"x"},
        {"alg": -7, "sig": b"x", "x5c": []},
        {"alg": -7, "sig": b"x", "x5c": [b"not a certificate"]},
        {"alg": -257, "sig": b"x"},
    ],
)
def test_a_malformed_packed_statement_is_refused(statement: dict[str, Any]) -> None:
    (_fmt, _statement, data), client_hash = _registration(SoftwareAuthenticator())
    with pytest.raises(wa.WebAuthnFormatError):
        wa.verify_attestation("packed", statement, data, client_hash)


def test_a_packed_statement_signed_with_eddsa_certificates_is_unsupported() -> None:
    (_fmt, _statement, data), client_hash = _registration(SoftwareAuthenticator())
    certificate = _certificate(ec.generate_private_key(ec.SECP256R1()))
    with pytest.raises(wa.UnsupportedCredentialError):
        wa.verify_attestation(
            "packed", {"alg": -8, "sig": b"x", "x5c": [certificate]}, data, client_hash
        )


def test_a_none_attestation_carries_no_statement() -> None:
    (_fmt, _statement, data), client_hash = _registration(SoftwareAuthenticator())
    with pytest.raises(wa.WebAuthnFormatError):
        wa.verify_attestation("none", {"sig": b"x"}, data, client_hash)


@pytest.mark.parametrize(
    "obj",
    [
        cbor_encode([]),
        cbor_encode({"fmt": 1, "attStmt": {}, "authData": b""}),
        cbor_encode({"fmt": "none", "attStmt": {}, "authData": _auth_data(wa.UP)}),
    ],
)
def test_a_malformed_attestation_object_is_refused(obj: bytes) -> None:
    with pytest.raises(wa.WebAuthnFormatError):
        wa.parse_attestation(obj)


def test_the_software_authenticator_refuses_an_unknown_algorithm() -> None:
    with pytest.raises(ValueError, match="algorithm"):
        SoftwareAuthenticator(algorithm="PS256")


def test_the_software_authenticator_shows_no_key_in_its_repr() -> None:
    device = SoftwareAuthenticator(credential_id=b"\x01\x02")
    assert repr(device) == "SoftwareAuthenticator(ES256, id='AQI')"

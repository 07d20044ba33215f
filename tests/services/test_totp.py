"""RFC 6238 TOTP: the RFC's own vectors, and pyotp (an independent implementation) as the
oracle for the codes authenticator apps show."""

from __future__ import annotations

import base64
from urllib.parse import parse_qs, urlparse

import pytest

from cogkit.services import totp
from cogkit.services.ids import SeededIds

pyotp = pytest.importorskip("pyotp", reason="pyotp is the independent TOTP oracle (dev extra)")

#: RFC 6238 appendix B: the SHA-1 seed and (time, 8-digit code) pairs.
RFC_SEED = b"12345678901234567890"
RFC_VECTORS = [
    (59, "94287082"),
    (1111111109, "07081804"),
    (1111111111, "14050471"),
    (1234567890, "89005924"),
    (2000000000, "69279037"),
    (20000000000, "65353130"),
]
NOW = 1_700_000_000.0


@pytest.mark.parametrize(("at", "expected"), RFC_VECTORS)
def test_codes_match_the_rfc_6238_vectors(at: int, expected: str) -> None:
    assert totp.hotp(RFC_SEED, totp.step_of(at), digits=8) == expected


def test_a_new_secret_is_52_base32_characters_of_32_random_bytes() -> None:
    secret = totp.new_secret(SeededIds(1))
    assert len(secret) == 52
    assert set(secret) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
    assert len(base64.b32decode(secret + "====")) == 32


def test_new_secrets_differ() -> None:
    ids = SeededIds(2)
    assert totp.new_secret(ids) != totp.new_secret(ids)


@pytest.mark.parametrize("offset", [0, 1, 29, 30, 31, 3600, 86400 * 365])
def test_codes_agree_with_pyotp(offset: int) -> None:
    secret = totp.new_secret(SeededIds(offset))
    at = NOW + offset
    assert totp.code_at(secret, at) == pyotp.TOTP(secret).at(at)


def test_the_current_step_and_one_either_side_match() -> None:
    secret = totp.new_secret(SeededIds(3))
    oracle = pyotp.TOTP(secret)
    current = totp.step_of(NOW)
    for shift in (-1, 0, 1):
        code = oracle.at(NOW + shift * 30)
        assert totp.matching_step(secret, code, NOW) == current + shift


def test_two_steps_away_does_not_match() -> None:
    secret = totp.new_secret(SeededIds(4))
    oracle = pyotp.TOTP(secret)
    assert totp.matching_step(secret, oracle.at(NOW - 60), NOW) is None
    assert totp.matching_step(secret, oracle.at(NOW + 60), NOW) is None


def test_a_step_at_or_before_after_never_matches() -> None:
    secret = totp.new_secret(SeededIds(5))
    code = pyotp.TOTP(secret).at(NOW)
    step = totp.step_of(NOW)
    assert totp.matching_step(secret, code, NOW, after=step) is None
    assert totp.matching_step(secret, code, NOW, after=step - 1) == step


def test_a_wrong_code_does_not_match() -> None:
    secret = totp.new_secret(SeededIds(6))
    right = pyotp.TOTP(secret).at(NOW)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    assert totp.matching_step(secret, wrong, NOW, window=0) is None


def test_a_secret_that_is_not_base32_is_refused() -> None:
    with pytest.raises(totp.InvalidSecretError):
        totp.code_at("not base32!", NOW)


def test_the_provisioning_uri_is_one_pyotp_reads_back() -> None:
    secret = totp.new_secret(SeededIds(7))
    uri = totp.provisioning_uri(secret, "ann@example.com", "My App")
    parsed = pyotp.parse_uri(uri)
    assert parsed.secret == secret
    assert parsed.issuer == "My App"
    assert parsed.name == "ann@example.com"
    assert parse_qs(urlparse(uri).query)["secret"] == [secret]

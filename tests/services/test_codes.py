from __future__ import annotations

import pytest

from cogkit import FixedCodes, RandomCodes, SeededIds
from cogkit.services.codes import CodeSource, code_digest, codes_match, secret_digest


def test_random_codes_are_six_digits() -> None:
    code = RandomCodes(SeededIds()).new_code("SignUp")
    assert len(code) == 6 and code.isdigit()


def test_random_codes_follow_the_id_source() -> None:
    assert RandomCodes(SeededIds(1)).new_code("x") == RandomCodes(SeededIds(1)).new_code("x")


def test_fixed_codes_give_one_code_every_time() -> None:
    codes = FixedCodes("424242")
    assert [codes.new_code("SignUp") for _ in range(3)] == ["424242"] * 3


def test_fixed_codes_cycle_through_a_sequence() -> None:
    codes = FixedCodes(["111111", "222222"])
    assert [codes.new_code("x") for _ in range(3)] == ["111111", "222222", "111111"]


@pytest.mark.parametrize("codes", [[], [""], ["1", 2]])
def test_fixed_codes_need_non_empty_string_codes(codes: list[object]) -> None:
    with pytest.raises(ValueError, match="at least one non-empty code"):
        FixedCodes(codes)  # type: ignore[arg-type]


def test_code_sources_hide_their_codes_in_repr() -> None:
    assert repr(FixedCodes("987654")) == "FixedCodes(...)"
    assert repr(RandomCodes(SeededIds())) == "RandomCodes()"
    assert isinstance(FixedCodes(), CodeSource)


def test_code_digests_are_salted_and_checked_in_constant_time() -> None:
    digest = code_digest("123456", "salt-a")
    assert "123456" not in digest
    assert digest != code_digest("123456", "salt-b")
    assert codes_match("123456", "salt-a", digest)
    assert not codes_match("123457", "salt-a", digest)


def test_secret_digest_is_sha256_hex() -> None:
    digest = secret_digest("refresh-token")
    assert len(digest) == 64 and digest == secret_digest("refresh-token")

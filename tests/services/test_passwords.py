from __future__ import annotations

from cogkit import PasswordProfile
from cogkit.services.passwords import PasslibHasher, PasswordHasher


def test_hashes_are_argon2id_with_the_profile_parameters() -> None:
    hashed = PasslibHasher(PasswordProfile.CHEAP).hash("Correct-horse-1")
    assert hashed.startswith("$argon2id$v=19$m=8,t=1,p=1$")
    assert "Correct-horse-1" not in hashed


def test_owasp_profile_is_the_default() -> None:
    hasher = PasslibHasher()
    assert hasher.profile == PasswordProfile.OWASP
    assert (PasswordProfile.OWASP.memory_cost, PasswordProfile.OWASP.time_cost) == (19456, 2)


def test_verify_accepts_the_right_password_only() -> None:
    hasher = PasslibHasher(PasswordProfile.CHEAP)
    hashed = hasher.hash("Correct-horse-1")
    assert hasher.verify("Correct-horse-1", hashed) == (True, None)
    assert hasher.verify("Correct-horse-2", hashed)[0] is False


def test_verify_offers_an_upgrade_when_the_profile_changed() -> None:
    old = PasslibHasher(PasswordProfile.CHEAP).hash("Correct-horse-1")
    stronger = PasslibHasher(PasswordProfile("stronger", time_cost=2, memory_cost=16))
    ok, upgraded = stronger.verify("Correct-horse-1", old)
    assert ok
    assert upgraded is not None and upgraded.startswith("$argon2id$v=19$m=16,t=2,p=1$")


def test_an_unreadable_stored_hash_never_matches() -> None:
    hasher = PasslibHasher(PasswordProfile.CHEAP)
    assert hasher.verify("Correct-horse-1", "not-a-hash") == (False, None)


def test_pbkdf2_hashes_from_imports_verify_and_are_upgraded_to_argon2() -> None:
    from passlib.hash import pbkdf2_sha256

    imported = pbkdf2_sha256.hash("Correct-horse-1")
    ok, upgraded = PasslibHasher(PasswordProfile.CHEAP).verify("Correct-horse-1", imported)
    assert ok and upgraded is not None and upgraded.startswith("$argon2id$")


def test_burn_spends_a_verification_without_a_user() -> None:
    PasslibHasher(PasswordProfile.CHEAP).burn("whatever")


def test_hasher_satisfies_the_protocol_and_repr_names_the_profile() -> None:
    hasher = PasslibHasher(PasswordProfile.CHEAP)
    assert isinstance(hasher, PasswordHasher)
    assert repr(hasher) == "PasslibHasher(cheap-argon2id)"

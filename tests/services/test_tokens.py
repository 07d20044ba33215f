from __future__ import annotations

import jwt
import pytest

from cogkit import GeneratedKeys, SeededIds, SharedKeyPool
from cogkit.services.tokens import (
    KeySource,
    SignerKey,
    TokenFormatError,
    TokenService,
    TokenSignatureError,
)
from tests.helpers import b64url, jwt_part


@pytest.fixture(scope="module")
def keys() -> SharedKeyPool:
    return SharedKeyPool()


@pytest.fixture
def service(keys: SharedKeyPool) -> TokenService:
    return TokenService(keys, SeededIds())


def test_kid_is_44_base64_characters_like_cognitos(service: TokenService) -> None:
    key = service.new_key()
    assert len(key.kid) == 44 and key.kid.endswith("=")
    assert key.jwk == {
        "alg": "RS256",
        "e": "AQAB",
        "kid": key.kid,
        "kty": "RSA",
        "n": key.jwk["n"],
        "use": "sig",
    }


def test_signed_header_holds_only_kid_and_alg(service: TokenService) -> None:
    key = service.new_key()
    token = service.sign(key, {"sub": "x"})
    assert jwt_part(token, 0) == {"alg": "RS256", "kid": key.kid}


def test_verify_signature_returns_the_claims(service: TokenService) -> None:
    key = service.new_key()
    token = service.sign(key, {"sub": "x", "exp": 1})
    # Expiry is the caller's business (it owns the clock), so an old exp still decodes.
    assert service.verify_signature(token, key) == {"sub": "x", "exp": 1}


def test_verify_signature_refuses_another_key(service: TokenService) -> None:
    token = service.sign(service.new_key(), {"sub": "x"})
    with pytest.raises(TokenSignatureError):
        service.verify_signature(token, service.new_key())


def test_verify_signature_refuses_a_payload_that_is_not_an_object(service: TokenService) -> None:
    key = service.new_key()
    token = jwt.api_jws.encode(b"[1, 2]", key.private, algorithm="RS256")
    with pytest.raises(TokenFormatError):
        service.verify_signature(token, key)


def test_unverified_header_refuses_alg_none(service: TokenService) -> None:
    token = f"{b64url({'alg': 'none', 'kid': 'k'})}.{b64url({'sub': 'x'})}."
    with pytest.raises(TokenFormatError, match="'none' is not accepted"):
        service.unverified_header(token)


def test_unverified_header_refuses_hs256(service: TokenService) -> None:
    token = jwt.encode({"sub": "x"}, "s" * 32, algorithm="HS256", headers={"kid": "k"})
    with pytest.raises(TokenFormatError, match="'HS256' is not accepted"):
        service.unverified_header(token)


def test_unverified_header_needs_a_kid(service: TokenService) -> None:
    token = jwt.encode({"sub": "x"}, service.new_key().private, algorithm="RS256")
    with pytest.raises(TokenFormatError, match="no kid"):
        service.unverified_header(token)


@pytest.mark.parametrize("token", ["", "a.b", "a.b.c.d", "%%%.%%%.%%%"])
def test_unverified_header_refuses_what_is_not_a_compact_jws(
    service: TokenService, token: str
) -> None:
    with pytest.raises(TokenFormatError):
        service.unverified_header(token)


def test_unverified_claims_refuses_garbage(service: TokenService) -> None:
    with pytest.raises(TokenFormatError):
        service.unverified_claims("x.y.z")
    token = f"{b64url({'alg': 'RS256'})}.{b64url(b'[1]')}.sig"
    with pytest.raises(TokenFormatError):
        service.unverified_claims(token)


def test_refresh_tokens_are_five_segments_shaped_like_cognitos_jwe(service: TokenService) -> None:
    token = service.new_refresh_token()
    assert token.count(".") == 4
    assert jwt_part(token, 0) == {"cty": "JWT", "enc": "A256GCM", "alg": "RSA-OAEP"}
    assert token != service.new_refresh_token()


def test_sessions_fit_cognitos_length_range(service: TokenService) -> None:
    session = service.new_session()
    assert 20 <= len(session) <= 2048
    assert session != service.new_session()


def test_load_caches_keys_by_pem(service: TokenService) -> None:
    pem = service.private_pem(service.new_key())
    assert service.load(pem) is service.load(pem)


def test_signer_key_refuses_a_non_rsa_key() -> None:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    pem = (
        ec.generate_private_key(ec.SECP256R1())
        .private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        .decode()
    )
    with pytest.raises(TokenFormatError, match="RSA"):
        SignerKey(pem)


def test_shared_key_pool_gives_distinct_keys_within_one_service() -> None:
    pool = SharedKeyPool()
    assert pool.new_private_key_pem() != pool.new_private_key_pem()


def test_shared_key_pool_reuses_keys_across_services() -> None:
    assert SharedKeyPool().new_private_key_pem() == SharedKeyPool().new_private_key_pem()


def test_generated_keys_are_new_every_time() -> None:
    keys = GeneratedKeys()
    assert isinstance(keys, KeySource)
    assert keys.new_private_key_pem() != keys.new_private_key_pem()


def test_reprs_show_no_key_material(service: TokenService) -> None:
    key = service.new_key()
    assert repr(key) == f"SignerKey(kid={key.kid!r})"
    assert "PRIVATE" not in repr(service)
    assert repr(SharedKeyPool()) == "SharedKeyPool()"
    assert repr(GeneratedKeys()) == "GeneratedKeys()"

"""Issued tokens: every claim of Cognito's ID and access tokens, read with plain pyjwt and
the pool's JWKS, and every check ``UserPool.verify`` makes."""

from __future__ import annotations

import hashlib
import hmac
import re
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization

from cogkit import AppClient, Cognito, Tokens, TokenVerificationError, UserPool
from cogkit.errors import InvalidParameterError, NotAuthorizedError, ResourceNotFoundError
from tests.conftest import Kit
from tests.helpers import PASSWORD, PASSWORD_FLOWS, START, b64url, jwt_part, raises

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")


def _decode(pool: UserPool, token: str, **options: Any) -> dict[str, Any]:
    """What any Cognito verifier does: the key named by ``kid`` from the JWKS, RS256 only."""
    jwks = jwt.PyJWKSet.from_dict(pool.jwks())
    kid = jwt.get_unverified_header(token)["kid"]
    key = next(k for k in jwks.keys if k.key_id == kid)
    claims: dict[str, Any] = jwt.decode(
        token,
        key.key,
        algorithms=["RS256"],
        issuer=pool.issuer,
        # pyjwt reads the wall clock; the tokens were issued on cogkit's frozen clock.
        options={"verify_exp": False, "verify_iat": False, **options.pop("options", {})},
        **options,
    )
    return claims


@pytest.fixture
def reader(kit: Kit) -> AppClient:
    """A client allowed to read a custom attribute, with a user signed in through it."""
    return kit.pool.create_client(
        "reader",
        explicit_auth_flows=list(PASSWORD_FLOWS),
        read_attributes=["email", "email_verified", "name", "custom:plan"],
    )


@pytest.fixture
def custom_kit(svc: Cognito) -> Kit:
    pool = svc.create_user_pool(
        "tokens",
        auto_verified_attributes=["email"],
        schema=[{"name": "plan"}, {"name": "age", "data_type": "Number"}],
    )
    client = pool.create_client(
        "web",
        explicit_auth_flows=list(PASSWORD_FLOWS),
        read_attributes=["email", "email_verified", "name", "custom:plan", "custom:age"],
        write_attributes=["email", "name", "custom:plan", "custom:age"],
    )
    return Kit(svc, pool, client)


@pytest.fixture
def tokens(custom_kit: Kit) -> Tokens:
    custom_kit.confirmed(attributes={"name": "Ann", "custom:plan": "pro", "custom:age": "42"})
    return custom_kit.sign_in()


# -- claims, read with plain pyjwt -------------------------------------------------------------


def test_headers_hold_only_kid_and_alg_with_a_key_per_token_kind(
    custom_kit: Kit, tokens: Tokens
) -> None:
    id_header, access_header = jwt_part(tokens.id_token, 0), jwt_part(tokens.access_token, 0)
    assert set(id_header) == set(access_header) == {"kid", "alg"}
    assert id_header["alg"] == access_header["alg"] == "RS256"
    assert id_header["kid"] != access_header["kid"]
    assert {id_header["kid"], access_header["kid"]} == {
        k["kid"] for k in custom_kit.pool.jwks()["keys"]
    }


def test_id_token_claims_are_cognitos(custom_kit: Kit, tokens: Tokens) -> None:
    claims = _decode(custom_kit.pool, tokens.id_token, audience=custom_kit.client.id)
    user = custom_kit.pool.admin_get_user("ann")
    assert set(claims) == {
        "sub",
        "aud",
        "iss",
        "iat",
        "exp",
        "auth_time",
        "jti",
        "origin_jti",
        "event_id",
        "token_use",
        "cognito:username",
        "email",
        "email_verified",
        "name",
        "custom:plan",
        "custom:age",
    }
    assert claims["sub"] == user.sub
    assert claims["aud"] == custom_kit.client.id
    assert claims["iss"] == f"https://cognito-idp.us-east-1.amazonaws.com/{custom_kit.pool.id}"
    assert claims["token_use"] == "id"
    assert claims["cognito:username"] == "ann"
    assert claims["email"] == "ann@example.com"
    assert claims["email_verified"] is True
    assert claims["name"] == "Ann"
    assert claims["custom:plan"] == "pro"
    assert claims["custom:age"] == "42"  # custom attributes are strings, whatever their type
    assert claims["iat"] == claims["auth_time"] == START
    assert claims["exp"] - claims["iat"] == 3600


def test_access_token_claims_are_cognitos(custom_kit: Kit, tokens: Tokens) -> None:
    claims = _decode(custom_kit.pool, tokens.access_token)
    assert set(claims) == {
        "sub",
        "client_id",
        "username",
        "token_use",
        "scope",
        "iss",
        "iat",
        "exp",
        "auth_time",
        "jti",
        "origin_jti",
        "event_id",
    }
    assert "aud" not in claims
    assert claims["client_id"] == custom_kit.client.id
    assert claims["username"] == "ann"
    assert claims["token_use"] == "access"
    assert claims["scope"] == "aws.cognito.signin.user.admin"
    assert claims["sub"] == custom_kit.pool.admin_get_user("ann").sub
    assert claims["iat"] == claims["auth_time"] == START
    assert claims["exp"] - claims["iat"] == 3600


def test_both_tokens_share_their_sign_in_but_not_their_jti(custom_kit: Kit, tokens: Tokens) -> None:
    id_claims = _decode(custom_kit.pool, tokens.id_token, audience=custom_kit.client.id)
    access = _decode(custom_kit.pool, tokens.access_token)
    for name in ("jti", "origin_jti", "event_id"):
        assert UUID.fullmatch(id_claims[name]) and UUID.fullmatch(access[name])
    assert id_claims["origin_jti"] == access["origin_jti"]
    assert id_claims["event_id"] == access["event_id"]
    assert id_claims["jti"] != access["jti"]


def test_each_sign_in_is_a_new_family(kit: Kit) -> None:
    kit.confirmed()
    first, second = kit.sign_in(), kit.sign_in()
    a, b = jwt_part(first.access_token, 1), jwt_part(second.access_token, 1)
    assert a["origin_jti"] != b["origin_jti"] and a["event_id"] != b["event_id"]
    assert first.refresh_token != second.refresh_token


def test_without_revocation_tokens_carry_a_jti_but_no_origin_jti(kit: Kit) -> None:
    client = kit.pool.create_client(
        "norevoke", explicit_auth_flows=list(PASSWORD_FLOWS), enable_token_revocation=False
    )
    kit.confirmed()
    tokens = kit.sign_in(client=client)
    for token in (tokens.id_token, tokens.access_token):
        claims = jwt_part(token, 1)
        assert "origin_jti" not in claims
        assert UUID.fullmatch(claims["jti"])


def test_unreadable_and_empty_attributes_stay_out_of_the_id_token(kit: Kit) -> None:
    kit.confirmed(attributes={"name": "", "family_name": "Lee"})
    claims = jwt_part(kit.sign_in().id_token, 1)
    assert "name" not in claims and claims["family_name"] == "Lee"


def test_phone_verified_is_a_json_boolean_too(svc: Cognito) -> None:
    pool = svc.create_user_pool("p", auto_verified_attributes=["phone_number"])
    client = pool.create_client("web", explicit_auth_flows=list(PASSWORD_FLOWS))
    pool.auth.sign_up(client.id, "ann", PASSWORD, {"phone_number": "+14325551212"})
    pool.auth.confirm_sign_up(client.id, "ann", svc.outbox.last().code or "")
    tokens = pool.auth.initiate(client.id, "USER_PASSWORD_AUTH", USERNAME="ann", PASSWORD=PASSWORD)
    assert tokens.tokens is not None
    claims = jwt_part(tokens.tokens.id_token, 1)
    assert claims["phone_number_verified"] is True
    assert claims["phone_number"] == "+14325551212"


def test_email_username_pools_put_the_uuid_in_the_username_claims(svc: Cognito) -> None:
    pool = svc.create_user_pool("p", username_attributes=["email"])
    client = pool.create_client("web", explicit_auth_flows=list(PASSWORD_FLOWS))
    sub = pool.auth.sign_up(client.id, "ann@example.com", PASSWORD).user_sub
    pool.admin_confirm_sign_up("ann@example.com")
    result = pool.auth.initiate(
        client.id, "USER_PASSWORD_AUTH", USERNAME="ann@example.com", PASSWORD=PASSWORD
    )
    assert result.tokens is not None
    assert jwt_part(result.tokens.id_token, 1)["cognito:username"] == sub
    assert jwt_part(result.tokens.access_token, 1)["username"] == sub


def test_the_issuer_can_be_overridden() -> None:
    from cogkit.testing import make_cognito

    svc = make_cognito(issuer_base_url="http://localhost:9229")
    pool = svc.create_user_pool("p", auto_verified_attributes=["email"])
    kit = Kit(svc, pool, pool.create_client("w", explicit_auth_flows=list(PASSWORD_FLOWS)))
    claims = _decode(pool, kit.session().access_token)
    assert claims["iss"] == f"http://localhost:9229/{pool.id}"
    assert pool.verify(kit.sign_in().access_token)["iss"] == claims["iss"]


def test_tokens_repr_hides_every_token(tokens: Tokens) -> None:
    shown = repr(tokens)
    assert tokens.access_token not in shown and tokens.id_token not in shown
    assert tokens.refresh_token is not None and tokens.refresh_token not in shown


# -- verify ------------------------------------------------------------------------------------


def test_verify_returns_the_claims_of_good_tokens(custom_kit: Kit, tokens: Tokens) -> None:
    pool, client = custom_kit.pool, custom_kit.client
    id_claims = pool.verify(tokens.id_token, token_use="id", client_id=client.id)
    access = pool.verify(tokens.access_token, token_use="access", client_id=[client.id, "other"])
    assert id_claims["token_use"] == "id" and access["token_use"] == "access"
    assert pool.verify(tokens.access_token)["username"] == "ann"


def _forge(header: dict[str, Any], payload: dict[str, Any], signature: bytes = b"") -> str:
    return f"{b64url(header)}.{b64url(payload)}.{b64url(signature) if signature else ''}"


def test_verify_refuses_alg_none(kit: Kit) -> None:
    tokens = kit.session()
    header, payload = jwt_part(tokens.access_token, 0), jwt_part(tokens.access_token, 1)
    forged = _forge({**header, "alg": "none"}, payload)
    with raises(TokenVerificationError, "Invalid Access Token") as info:
        kit.pool.verify(forged, token_use="access")
    assert info.value.reason == "malformed"


def test_verify_refuses_hs256_signed_with_the_public_key(kit: Kit) -> None:
    tokens = kit.session()
    header, payload = jwt_part(tokens.access_token, 0), jwt_part(tokens.access_token, 1)
    jwk = next(k for k in kit.pool.jwks()["keys"] if k["kid"] == header["kid"])
    public_pem = jwt.PyJWK.from_dict(jwk).key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    signing_input = f"{b64url({**header, 'alg': 'HS256'})}.{b64url(payload)}"
    signature = hmac.new(public_pem, signing_input.encode(), hashlib.sha256).digest()
    forged = f"{signing_input}.{b64url(signature)}"
    with raises(TokenVerificationError) as info:
        kit.pool.verify(forged)
    assert info.value.reason == "malformed"


def test_verify_refuses_a_token_from_another_pool(kit: Kit, svc: Cognito) -> None:
    other = svc.create_user_pool("other", auto_verified_attributes=["email"])
    other_kit = Kit(
        svc, other, other.create_client("web", explicit_auth_flows=list(PASSWORD_FLOWS))
    )
    tokens = other_kit.session()
    with raises(TokenVerificationError, "Invalid Access Token") as info:
        kit.pool.verify(tokens.access_token, token_use="access")
    assert info.value.reason == "signature"


def test_verify_refuses_a_tampered_payload(kit: Kit) -> None:
    tokens = kit.session()
    header, _payload, signature = tokens.access_token.split(".")
    claims = jwt_part(tokens.access_token, 1)
    tampered = f"{header}.{b64url({**claims, 'username': 'admin'})}.{signature}"
    with raises(TokenVerificationError) as info:
        kit.pool.verify(tampered)
    assert info.value.reason == "signature"


def _pool_key(svc: Cognito, pool: UserPool, use: str) -> tuple[str, Any]:
    record = next(k for k in svc.store.list_signing_keys(pool.id) if k.use == use and k.active)
    return record.kid, serialization.load_pem_private_key(record.private_pem.encode(), None)


def test_verify_refuses_a_token_signed_with_the_other_kinds_key(kit: Kit) -> None:
    tokens = kit.session()
    kid, key = _pool_key(kit.svc, kit.pool, "access")
    claims = jwt_part(tokens.id_token, 1)
    forged = jwt.encode(claims, key, algorithm="RS256", headers={"kid": kid})
    with raises(TokenVerificationError) as info:
        kit.pool.verify(forged)
    assert info.value.reason == "signature"


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"iss": "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Other1234"}, "issuer"),
        ({"token_use": "refresh"}, "issuer"),
        ({"exp": "tomorrow"}, "malformed"),
        ({"exp": None}, "malformed"),
    ],
)
def test_verify_refuses_well_signed_tokens_with_bad_claims(
    kit: Kit, change: dict[str, Any], reason: str
) -> None:
    tokens = kit.session()
    kid, key = _pool_key(kit.svc, kit.pool, "access")
    claims = {**jwt_part(tokens.access_token, 1), **change}
    forged = jwt.encode(claims, key, algorithm="RS256", headers={"kid": kid})
    with raises(TokenVerificationError) as info:
        kit.pool.verify(forged)
    assert info.value.reason == reason


def test_verify_refuses_an_expired_token(kit: Kit) -> None:
    tokens = kit.session()
    kit.clock.advance(3599)
    kit.pool.verify(tokens.access_token)
    kit.clock.advance(1)
    with raises(TokenVerificationError, "Access Token has expired") as info:
        kit.pool.verify(tokens.access_token)
    assert info.value.reason == "expired"
    with raises(TokenVerificationError, "Id Token has expired"):
        kit.pool.verify(tokens.id_token)


def test_leeway_tolerates_a_little_clock_skew(kit: Kit) -> None:
    tokens = kit.session()
    kit.clock.advance(3600 + 9)
    assert kit.pool.verify(tokens.access_token, leeway=10)["token_use"] == "access"
    kit.clock.advance(1)
    with raises(TokenVerificationError, "Access Token has expired"):
        kit.pool.verify(tokens.access_token, leeway=10)


def test_verify_refuses_the_wrong_token_use(kit: Kit) -> None:
    tokens = kit.session()
    with raises(TokenVerificationError, "Invalid Access Token") as info:
        kit.pool.verify(tokens.id_token, token_use="access")
    assert info.value.reason == "token_use"
    with raises(TokenVerificationError, "Invalid Id Token"):
        kit.pool.verify(tokens.access_token, token_use="id")


def test_verify_refuses_a_token_for_another_client(kit: Kit) -> None:
    tokens = kit.session()
    other = kit.pool.create_client("other")
    with raises(TokenVerificationError, "Invalid Id Token") as info:
        kit.pool.verify(tokens.id_token, client_id=other.id)
    assert info.value.reason == "client"
    with raises(TokenVerificationError, "Invalid Access Token"):
        kit.pool.verify(tokens.access_token, client_id=[other.id])


def test_verify_refuses_revoked_tokens(kit: Kit) -> None:
    tokens = kit.session()
    assert tokens.refresh_token is not None
    kit.auth.revoke_token(tokens.refresh_token, kit.client.id)
    for token, kind in ((tokens.access_token, "Access"), (tokens.id_token, "Id")):
        with raises(TokenVerificationError, f"{kind} Token has been revoked") as info:
            kit.pool.verify(token)
        assert info.value.reason == "revoked"


def test_verification_errors_are_not_authorized(kit: Kit) -> None:
    with raises(NotAuthorizedError) as info:
        kit.pool.verify("a.b.c")
    assert info.value.code == "NotAuthorizedException"


@pytest.mark.parametrize("token", ["", "garbage", "a.b", "a.b.c", "x" * 5000, "é.é.é"])
def test_verify_refuses_malformed_tokens(kit: Kit, token: str) -> None:
    with raises(TokenVerificationError) as info:
        kit.pool.verify(token)
    assert info.value.reason == "malformed"


@pytest.mark.parametrize(
    ("arguments", "field"),
    [
        ({"token_use": "refresh"}, "token_use"),
        ({"leeway": -1}, "leeway"),
        ({"leeway": "5"}, "leeway"),
        ({"client_id": 5}, "client_id"),
        ({"client_id": [5]}, "client_id.member"),
    ],
)
def test_verify_refuses_bad_arguments(kit: Kit, arguments: dict[str, Any], field: str) -> None:
    tokens = kit.session()
    with raises(InvalidParameterError, field=field):
        kit.pool.verify(tokens.access_token, **arguments)


@pytest.mark.parametrize("token", [None, 5, b"a.b.c", ["a.b.c"]])
def test_verify_refuses_a_token_that_is_not_a_string(kit: Kit, token: Any) -> None:
    with raises(InvalidParameterError, field="token"):
        kit.pool.verify(token)


def test_verify_on_a_deleted_pool_is_resource_not_found(kit: Kit) -> None:
    tokens = kit.session()
    kit.pool.delete()
    with raises(ResourceNotFoundError):
        kit.pool.verify(tokens.access_token)


# -- key rotation ------------------------------------------------------------------------------


def test_rotated_keys_sign_new_tokens_and_old_tokens_still_verify(kit: Kit) -> None:
    old = kit.session()
    kit.pool.rotate_signing_keys()
    new = kit.sign_in()
    assert jwt_part(new.access_token, 0)["kid"] != jwt_part(old.access_token, 0)["kid"]
    assert jwt_part(new.id_token, 0)["kid"] != jwt_part(old.id_token, 0)["kid"]
    assert len(kit.pool.jwks()["keys"]) == 4
    for token in (old.access_token, old.id_token, new.access_token, new.id_token):
        assert kit.pool.verify(token)
        assert _decode(kit.pool, token, options={"verify_aud": False})


def test_another_service_on_the_same_store_verifies_and_signs_alike(kit: Kit) -> None:
    from cogkit.testing import make_cognito

    tokens = kit.session()
    twin = make_cognito(store=kit.svc.store, clock=kit.clock).user_pool(kit.pool.id)
    assert twin.verify(tokens.access_token)["username"] == "ann"
    kit.pool.rotate_signing_keys()
    again = kit.sign_in()
    assert twin.verify(again.access_token)["username"] == "ann"


@pytest.mark.parametrize("revocation", [True, False])
def test_tokens_of_a_deleted_user_are_revoked_even_if_the_name_is_taken_again(
    kit: Kit, revocation: bool
) -> None:
    client = kit.pool.create_client(
        "c", explicit_auth_flows=list(PASSWORD_FLOWS), enable_token_revocation=revocation
    )
    kit.confirmed()
    old = kit.sign_in(client=client)
    kit.pool.admin_delete_user("ann")
    kit.confirmed()
    for token in (old.access_token, old.id_token):
        with raises(TokenVerificationError) as info:
            kit.pool.verify(token)
        assert info.value.reason == "revoked"

"""Passkeys (WebAuthn): the pool's WebAuthnConfiguration, registering, listing and deleting
passkeys, and signing in with one as USER_AUTH's WEB_AUTHN first factor."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from typing import Any

import attrs
import pytest

from cogkit import AuthResult, ChallengeName, Cognito
from cogkit.errors import (
    FeatureUnavailableInTierError,
    InvalidParameterError,
    LimitExceededError,
    NotAuthorizedError,
    ResourceNotFoundError,
    WebAuthnChallengeNotFoundError,
    WebAuthnClientMismatchError,
    WebAuthnConfigurationMissingError,
    WebAuthnCredentialNotSupportedError,
    WebAuthnNotEnabledError,
    WebAuthnOriginNotAllowedError,
    WebAuthnRelyingPartyMismatchError,
)
from cogkit.services.codes import secret_digest
from cogkit.stores import MemoryStore
from cogkit.stores.records import PasskeyRecord, SessionRecord
from cogkit.testing import SoftwareAuthenticator, make_cognito
from cogkit.testing.passkeys import cbor_encode
from tests.domain.conftest import ALL_FLOWS, MfaKit, mfa_pool
from tests.helpers import raises

RP = "example.com"
ORIGIN = "https://example.com"
PASSKEY_POLICY = {"allowed_first_auth_factors": ["PASSWORD", "WEB_AUTHN"]}
MULTI = {"relying_party_id": RP, "factor_configuration": "MULTI_FACTOR_WITH_USER_VERIFICATION"}


def passkey_pool(svc: Cognito, **config: Any) -> MfaKit:
    settings: dict[str, Any] = {
        "sign_in_policy": PASSKEY_POLICY,
        "web_authn": {"relying_party_id": RP},
    }
    settings.update(config)
    return mfa_pool(svc, **settings)


@pytest.fixture
def pk(svc: Cognito) -> MfaKit:
    kit = passkey_pool(svc)
    kit.confirmed()
    return kit


def token(kit: MfaKit, username: str = "ann") -> str:
    return kit.sign_in(username).access_token


def register(
    kit: MfaKit,
    device: SoftwareAuthenticator | None = None,
    *,
    username: str = "ann",
    origin: str = ORIGIN,
    **knobs: Any,
) -> SoftwareAuthenticator:
    device = device or SoftwareAuthenticator()
    access = token(kit, username)
    options = kit.auth.start_web_authn_registration(access)
    kit.auth.complete_web_authn_registration(access, device.register(options, origin, **knobs))
    return device


def initiate(kit: MfaKit, username: str = "ann", **params: str) -> AuthResult:
    return kit.auth.initiate(
        kit.client.id, "USER_AUTH", USERNAME=username, PREFERRED_CHALLENGE="WEB_AUTHN", **params
    )


def options_of(result: AuthResult) -> dict[str, Any]:
    assert result.challenge is not None
    assert result.challenge.name is ChallengeName.WEB_AUTHN
    found: dict[str, Any] = json.loads(result.challenge.parameters["CREDENTIAL_REQUEST_OPTIONS"])
    return found


def answer(
    kit: MfaKit, result: AuthResult, credential: dict[str, Any] | str, username: str = "ann"
) -> AuthResult:
    text = credential if isinstance(credential, str) else json.dumps(credential)
    return kit.auth.respond(
        kit.client.id, "WEB_AUTHN", session=result.session, USERNAME=username, CREDENTIAL=text
    )


def passkey_sign_in(
    kit: MfaKit, device: SoftwareAuthenticator, origin: str = ORIGIN, **knobs: Any
) -> AuthResult:
    result = initiate(kit)
    return answer(kit, result, device.authenticate(options_of(result), origin, **knobs))


# -- configuration -----------------------------------------------------------------------


def test_the_pool_keeps_its_passkey_configuration(svc: Cognito) -> None:
    kit = passkey_pool(svc)
    config = kit.pool.set_mfa_config(
        mfa_configuration="OPTIONAL",
        software_token=True,
        web_authn={"relying_party_id": "auth.example.com", "user_verification": "required"},
    )
    assert config.web_authn.relying_party_id == "auth.example.com"
    assert config.web_authn.user_verification == "required"
    assert kit.pool.mfa_config().web_authn == config.web_authn


def test_a_relying_party_id_that_is_no_host_name_is_refused(pk: MfaKit) -> None:
    with raises(InvalidParameterError, field="web_authn.relying_party_id"):
        pk.pool.set_mfa_config(web_authn={"relying_party_id": "https://example.com/"})


def test_a_user_verification_other_than_required_or_preferred_is_refused(pk: MfaKit) -> None:
    with raises(InvalidParameterError, field="web_authn.user_verification"):
        pk.pool.set_mfa_config(web_authn={"user_verification": "discouraged"})


def test_passkey_mfa_needs_the_essentials_tier(svc: Cognito) -> None:
    pool = svc.create_user_pool("lite", tier="LITE")
    with raises(FeatureUnavailableInTierError):
        pool.set_mfa_config(web_authn=MULTI)


# -- registration ----------------------------------------------------------------------


def test_registration_options_name_the_pool_and_the_user(pk: MfaKit) -> None:
    options = pk.auth.start_web_authn_registration(token(pk))
    sub = pk.pool.admin_get_user("ann").sub
    assert options["rp"]["id"] == RP
    assert base64.urlsafe_b64decode(options["user"]["id"] + "==") == sub.encode()
    assert options["user"]["name"] == "ann@example.com"
    assert [p["alg"] for p in options["pubKeyCredParams"]] == [-7, -257]
    assert options["authenticatorSelection"]["userVerification"] == "preferred"
    assert options["excludeCredentials"] == []
    assert len(base64.urlsafe_b64decode(options["challenge"] + "=")) == 32


def test_registration_options_exclude_the_users_passkeys(pk: MfaKit) -> None:
    device = register(pk)
    options = pk.auth.start_web_authn_registration(token(pk))
    assert [c["id"] for c in options["excludeCredentials"]] == [device.id]


def test_registration_options_ask_for_user_verification_when_the_pool_requires_it(
    svc: Cognito,
) -> None:
    kit = passkey_pool(svc, web_authn={"relying_party_id": RP, "user_verification": "required"})
    kit.confirmed()
    options = kit.auth.start_web_authn_registration(token(kit))
    assert options["authenticatorSelection"]["userVerification"] == "required"


def test_without_a_relying_party_id_the_prefix_domain_is_used(svc: Cognito) -> None:
    kit = passkey_pool(svc, web_authn={})
    kit.confirmed()
    kit.pool.create_domain("myapp")
    options = kit.auth.start_web_authn_registration(token(kit))
    assert options["rp"]["id"] == f"myapp.auth.{svc.region}.amazoncognito.com"


def test_without_a_relying_party_id_or_a_domain_registration_is_refused(svc: Cognito) -> None:
    kit = passkey_pool(svc, web_authn={})
    kit.confirmed()
    with raises(WebAuthnConfigurationMissingError):
        kit.auth.start_web_authn_registration(token(kit))


def test_registration_in_a_pool_without_passkeys_is_refused(svc: Cognito) -> None:
    kit = mfa_pool(svc)
    kit.confirmed()
    with raises(WebAuthnNotEnabledError):
        kit.auth.start_web_authn_registration(token(kit))


def test_a_registered_passkey_is_listed(pk: MfaKit) -> None:
    device = register(pk, SoftwareAuthenticator(attachment="cross-platform", transports=("usb",)))
    (listed,) = pk.auth.list_web_authn_credentials(token(pk))
    assert listed.credential_id == device.id
    assert listed.relying_party_id == RP
    assert listed.authenticator_attachment == "cross-platform"
    assert listed.transports == ("usb",)
    assert listed.created_at.timestamp() == pk.clock.now()
    assert listed.friendly_name


@pytest.mark.parametrize("algorithm", ["ES256", "RS256", "EdDSA"])
def test_passkeys_of_every_supported_algorithm_register_and_sign_in(
    pk: MfaKit, algorithm: str
) -> None:
    device = register(pk, SoftwareAuthenticator(algorithm=algorithm))
    assert passkey_sign_in(pk, device).tokens is not None


def test_a_packed_self_attestation_is_accepted(pk: MfaKit) -> None:
    device = register(pk, fmt="packed")
    assert [p.credential_id for p in pk.auth.list_web_authn_credentials(token(pk))] == [device.id]


def test_an_unsupported_attestation_format_is_refused(pk: MfaKit) -> None:
    with raises(WebAuthnCredentialNotSupportedError):
        register(pk, fmt="tpm")


@pytest.mark.parametrize(
    "origin",
    [
        "https://evil.test",
        "https://notexample.com",
        "http://example.com",
        "https://example.com:99999",
        "https://example.com/path",
        "https://ann@example.com",
        "null",
    ],
)
def test_a_registration_from_an_origin_outside_the_relying_party_is_refused(
    pk: MfaKit, origin: str
) -> None:
    with raises(WebAuthnOriginNotAllowedError):
        register(pk, origin=origin)


def test_localhost_may_register_over_plain_http(svc: Cognito) -> None:
    kit = passkey_pool(svc, web_authn={"relying_party_id": "localhost"})
    kit.confirmed()
    register(kit, origin="http://localhost:8000")
    assert len(kit.auth.list_web_authn_credentials(token(kit))) == 1


def test_a_registration_from_a_subdomain_of_the_relying_party_is_accepted(pk: MfaKit) -> None:
    register(pk, origin="https://login.example.com:8443")
    assert len(pk.auth.list_web_authn_credentials(token(pk))) == 1


def test_a_passkey_made_for_another_relying_party_is_refused(pk: MfaKit) -> None:
    with raises(WebAuthnRelyingPartyMismatchError):
        register(pk, rp_id="other.example")


def test_an_unknown_registration_challenge_is_refused(pk: MfaKit) -> None:
    with raises(WebAuthnChallengeNotFoundError):
        register(pk, challenge="bm90LWEtY2hhbGxlbmdl")


def test_a_registration_challenge_answers_once(pk: MfaKit) -> None:
    access = token(pk)
    options = pk.auth.start_web_authn_registration(access)
    pk.auth.complete_web_authn_registration(
        access, SoftwareAuthenticator().register(options, ORIGIN)
    )
    with raises(WebAuthnChallengeNotFoundError):
        pk.auth.complete_web_authn_registration(
            access, SoftwareAuthenticator().register(options, ORIGIN)
        )


def test_a_registration_challenge_expires(pk: MfaKit) -> None:
    access = token(pk)
    options = pk.auth.start_web_authn_registration(access)
    pk.clock.advance(301)
    with raises(WebAuthnChallengeNotFoundError):
        pk.auth.complete_web_authn_registration(
            access, SoftwareAuthenticator().register(options, ORIGIN)
        )


def test_another_users_registration_challenge_is_refused(pk: MfaKit) -> None:
    pk.confirmed("bob", email="bob@example.com")
    options = pk.auth.start_web_authn_registration(token(pk, "bob"))
    with raises(WebAuthnChallengeNotFoundError):
        pk.auth.complete_web_authn_registration(
            token(pk), SoftwareAuthenticator().register(options, ORIGIN)
        )


def test_a_registration_completed_through_another_client_is_refused(pk: MfaKit) -> None:
    other = pk.pool.create_client("other", explicit_auth_flows=list(ALL_FLOWS))
    options = pk.auth.start_web_authn_registration(token(pk))
    with raises(WebAuthnClientMismatchError):
        pk.auth.complete_web_authn_registration(
            pk.sign_in(client=other).access_token,
            SoftwareAuthenticator().register(options, ORIGIN),
        )


def test_a_passkey_without_user_verification_is_refused_when_the_pool_requires_it(
    svc: Cognito,
) -> None:
    kit = passkey_pool(svc, web_authn={"relying_party_id": RP, "user_verification": "required"})
    kit.confirmed()
    with raises(WebAuthnCredentialNotSupportedError):
        register(kit, SoftwareAuthenticator(user_verifying=False))


def test_a_registration_without_user_presence_is_refused(pk: MfaKit) -> None:
    with raises(InvalidParameterError, field="credential"):
        register(pk, user_present=False)


def test_a_sign_in_assertion_is_no_registration(pk: MfaKit) -> None:
    with raises(InvalidParameterError, field="credential"):
        register(pk, client_data_type="webauthn.get")


@pytest.mark.parametrize(
    "attestation",
    [
        b"",
        b"\xff",
        b"\xa1",  # a map that never ends
        b"\x9f\x01\xff",  # an indefinite-length array
        b"\xc1\x01",  # a tag
        b"\xa1\x61a\x01\x00",  # trailing bytes
        cbor_encode([1, 2]),
        cbor_encode({"fmt": "none", "attStmt": {}, "authData": b"short"}),
        b"\x81" * 64 + b"\x01",  # nested too deeply
        b"\x5b" + b"\xff" * 8,  # a byte string longer than the input
    ],
)
def test_a_malformed_attestation_object_is_refused_by_name(pk: MfaKit, attestation: bytes) -> None:
    with raises(InvalidParameterError, field="credential"):
        register(pk, attestation_object=attestation)


@pytest.mark.parametrize(
    "credential",
    [
        "not json",
        "[]",
        {"type": "public-key"},
        {"id": "a", "rawId": "a", "type": "public-key", "response": {}},
        {"id": "AAAA", "rawId": "AAAA", "type": "public-key", "response": {"clientDataJSON": "%%"}},
        {"id": "AAAA", "rawId": "AQID", "type": "public-key", "response": {}},
        {"id": "AAAA", "rawId": "AAAA", "type": "password", "response": {}},
    ],
)
def test_a_malformed_credential_document_is_refused_by_name(pk: MfaKit, credential: Any) -> None:
    access = token(pk)
    pk.auth.start_web_authn_registration(access)
    with raises(InvalidParameterError, field="credential"):
        pk.auth.complete_web_authn_registration(access, credential)


def test_a_user_registers_at_most_twenty_passkeys(pk: MfaKit) -> None:
    for _ in range(20):
        register(pk)
    with raises(LimitExceededError):
        pk.auth.start_web_authn_registration(token(pk))


def test_the_same_passkey_is_not_registered_twice(pk: MfaKit) -> None:
    device = register(pk)
    with raises(InvalidParameterError, field="credential"):
        register(pk, device)


def test_a_passkey_registered_to_another_user_is_not_registered_again(pk: MfaKit) -> None:
    device = register(pk)
    pk.confirmed("bob", email="bob@example.com")
    with raises(InvalidParameterError, "This passkey is already registered."):
        register(pk, device, username="bob")


# -- listing and deleting ----------------------------------------------------------------


def test_passkeys_are_listed_page_by_page(pk: MfaKit) -> None:
    devices = [register(pk) for _ in range(3)]
    access = token(pk)
    first = pk.auth.list_web_authn_credentials(access, max_results=2)
    assert first.next_token is not None
    second = pk.auth.list_web_authn_credentials(access, max_results=2, next_token=first.next_token)
    assert second.next_token is None
    assert [p.credential_id for p in (*first, *second)] == sorted(d.id for d in devices)


def test_a_page_of_no_passkeys_is_empty(pk: MfaKit) -> None:
    register(pk)
    page = pk.auth.list_web_authn_credentials(token(pk), max_results=0)
    assert len(page) == 0 and page.next_token is None


def test_an_oversized_credential_document_is_refused(pk: MfaKit) -> None:
    with raises(InvalidParameterError, field="credential"):
        pk.auth.complete_web_authn_registration(token(pk), "x" * 70000)


def test_more_than_twenty_results_a_page_are_refused(pk: MfaKit) -> None:
    with raises(InvalidParameterError, field="max_results"):
        pk.auth.list_web_authn_credentials(token(pk), max_results=21)


def test_a_deleted_passkey_is_no_longer_listed_or_offered(pk: MfaKit) -> None:
    device = register(pk)
    pk.auth.delete_web_authn_credential(token(pk), device.id)
    assert len(pk.auth.list_web_authn_credentials(token(pk))) == 0
    result = pk.auth.initiate(pk.client.id, "USER_AUTH", USERNAME="ann")
    assert result.challenge is not None
    assert ChallengeName.WEB_AUTHN not in result.challenge.available


def test_deleting_an_unknown_passkey_is_refused(pk: MfaKit) -> None:
    with raises(ResourceNotFoundError):
        pk.auth.delete_web_authn_credential(token(pk), "AAAA")


def test_a_user_cannot_delete_another_users_passkey(pk: MfaKit) -> None:
    device = register(pk)
    pk.confirmed("bob", email="bob@example.com")
    with raises(ResourceNotFoundError):
        pk.auth.delete_web_authn_credential(token(pk, "bob"), device.id)


# -- signing in ------------------------------------------------------------------------


def test_a_user_with_a_passkey_is_offered_web_authn(pk: MfaKit) -> None:
    register(pk)
    result = pk.auth.initiate(pk.client.id, "USER_AUTH", USERNAME="ann")
    assert result.challenge is not None
    assert result.challenge.available == (
        ChallengeName.PASSWORD,
        ChallengeName.PASSWORD_SRP,
        ChallengeName.WEB_AUTHN,
    )


def test_a_user_without_a_passkey_is_not_offered_web_authn(pk: MfaKit) -> None:
    result = initiate(pk)
    assert result.challenge_name is ChallengeName.SELECT_CHALLENGE
    assert result.challenge is not None
    assert ChallengeName.WEB_AUTHN not in result.challenge.available


def test_the_web_authn_challenge_names_the_users_passkeys(pk: MfaKit) -> None:
    device = register(pk)
    options = options_of(initiate(pk))
    assert options["rpId"] == RP
    assert options["userVerification"] == "preferred"
    assert device.allowed_by(options)
    assert options["timeout"] > 0


def test_a_passkey_signs_the_user_in(pk: MfaKit) -> None:
    device = register(pk)
    result = passkey_sign_in(pk, device)
    assert result.tokens is not None
    claims = pk.pool.verify(result.tokens.access_token, token_use="access")
    assert claims["username"] == "ann"


def test_web_authn_chosen_by_select_challenge_signs_in(pk: MfaKit) -> None:
    device = register(pk)
    selecting = pk.auth.initiate(pk.client.id, "USER_AUTH", USERNAME="ann")
    chosen = pk.auth.respond(
        pk.client.id,
        "SELECT_CHALLENGE",
        session=selecting.session,
        USERNAME="ann",
        ANSWER="WEB_AUTHN",
    )
    done = answer(pk, chosen, device.authenticate(options_of(chosen), ORIGIN))
    assert done.tokens is not None


def test_a_passkey_sign_in_needs_no_mfa_after_it(pk: MfaKit) -> None:
    device = register(pk)
    pk.with_totp()
    assert passkey_sign_in(pk, device).tokens is not None


def test_a_passkey_with_a_counter_that_stays_zero_signs_in_again(pk: MfaKit) -> None:
    device = register(pk, SoftwareAuthenticator(counter_step=0))
    assert passkey_sign_in(pk, device).tokens is not None
    assert passkey_sign_in(pk, device).tokens is not None


def test_a_signature_counter_that_goes_backwards_is_refused(pk: MfaKit) -> None:
    device = register(pk)
    passkey_sign_in(pk, device)
    passkey_sign_in(pk, device)
    with raises(NotAuthorizedError):
        passkey_sign_in(pk, device, sign_count=1)


def test_a_wrong_signature_is_refused(pk: MfaKit) -> None:
    device = register(pk)
    with raises(NotAuthorizedError, "Incorrect username or passkey."):
        passkey_sign_in(pk, device, tamper=True)


def test_a_sign_in_challenge_answers_once(pk: MfaKit) -> None:
    device = register(pk)
    result = initiate(pk)
    options = options_of(result)
    with raises(NotAuthorizedError):
        answer(pk, result, device.authenticate(options, ORIGIN, tamper=True))
    with raises(NotAuthorizedError, "Invalid session for the user."):
        answer(pk, result, device.authenticate(options, ORIGIN))


def test_an_answer_to_another_challenge_is_refused(pk: MfaKit) -> None:
    device = register(pk)
    earlier = options_of(initiate(pk))
    with raises(NotAuthorizedError):
        answer(pk, initiate(pk), device.authenticate(earlier, ORIGIN))


def test_a_sign_in_from_another_origin_is_refused(pk: MfaKit) -> None:
    device = register(pk)
    with raises(NotAuthorizedError):
        passkey_sign_in(pk, device, origin="https://example.com.evil.test")


def test_a_sign_in_for_another_relying_party_is_refused(pk: MfaKit) -> None:
    device = register(pk)
    with raises(NotAuthorizedError):
        passkey_sign_in(pk, device, rp_id="other.example")


def test_a_sign_in_assertion_of_a_registration_type_is_refused(pk: MfaKit) -> None:
    device = register(pk)
    with raises(InvalidParameterError, field="CREDENTIAL"):
        passkey_sign_in(pk, device, client_data_type="webauthn.create")


def test_another_users_passkey_does_not_sign_in(pk: MfaKit) -> None:
    register(pk)
    pk.confirmed("bob", email="bob@example.com")
    bobs = register(pk, username="bob")
    with raises(NotAuthorizedError, "Incorrect username or passkey."):
        passkey_sign_in(pk, bobs)


def test_a_deleted_passkey_does_not_sign_in(pk: MfaKit) -> None:
    kept, deleted = register(pk), register(pk)
    result = initiate(pk)
    options = options_of(result)
    pk.auth.delete_web_authn_credential(token(pk), deleted.id)
    assert kept.allowed_by(options)
    with raises(NotAuthorizedError, "Incorrect username or passkey."):
        answer(pk, result, deleted.authenticate(options, ORIGIN))


def test_passkeys_of_a_former_relying_party_are_not_asked_for_and_do_not_sign_in(
    pk: MfaKit,
) -> None:
    device = register(pk)
    pk.pool.set_mfa_config(web_authn={"relying_party_id": "auth.example.com"})
    result = initiate(pk)
    options = options_of(result)
    assert options["allowCredentials"] == []
    with raises(NotAuthorizedError):
        answer(pk, result, device.authenticate(options, "https://auth.example.com", rp_id=RP))


def test_a_sign_in_without_user_presence_is_refused(pk: MfaKit) -> None:
    device = register(pk)
    with raises(NotAuthorizedError):
        passkey_sign_in(pk, device, user_present=False)


def test_a_sign_in_without_user_verification_is_refused_when_required(svc: Cognito) -> None:
    kit = passkey_pool(svc)
    kit.confirmed()
    device = register(kit)
    kit.pool.set_mfa_config(
        mfa_configuration="OPTIONAL",
        software_token=True,
        web_authn={"relying_party_id": RP, "user_verification": "required"},
    )
    result = initiate(kit)
    assert options_of(result)["userVerification"] == "required"
    with raises(NotAuthorizedError):
        answer(kit, result, device.authenticate(options_of(result), ORIGIN, user_verified=False))


def test_authenticator_extensions_are_read_past(pk: MfaKit) -> None:
    device = register(pk)
    assert passkey_sign_in(pk, device, extensions={"credProtect": 2}).tokens is not None


@pytest.mark.parametrize(
    "credential",
    [
        "{",
        "1",
        json.dumps({"id": "AAAA", "rawId": "AAAA", "type": "public-key", "response": []}),
        json.dumps(
            {
                "id": "AAAA",
                "rawId": "AAAA",
                "type": "public-key",
                "response": {
                    "clientDataJSON": base64.urlsafe_b64encode(b'{"type":"webauthn.get"}').decode(),
                    "authenticatorData": "AAAA",
                    "signature": "AAAA",
                },
            }
        ),
    ],
)
def test_a_malformed_sign_in_credential_is_refused_by_name(pk: MfaKit, credential: str) -> None:
    register(pk)
    with raises(InvalidParameterError, field="CREDENTIAL"):
        answer(pk, initiate(pk), credential)


def test_short_authenticator_data_is_refused_by_name(pk: MfaKit) -> None:
    device = register(pk)
    result = initiate(pk)
    given = device.authenticate(options_of(result), ORIGIN)
    given["response"]["authenticatorData"] = "AAAA"
    with raises(InvalidParameterError, field="CREDENTIAL"):
        answer(pk, result, given)


# -- passkeys and MFA ------------------------------------------------------------------


def test_passkey_mfa_is_refused_where_passkeys_are_a_single_factor(pk: MfaKit) -> None:
    pk.with_totp()
    with raises(InvalidParameterError, field="web_authn_mfa_settings"):
        pk.pool.admin_set_user_mfa_preference("ann", web_authn={"enabled": True})


@pytest.fixture
def mfa_on(svc: Cognito) -> MfaKit:
    """A pool that requires MFA and lets a passkey that verified the user stand for it;
    ann has one passkey and TOTP MFA."""
    kit = passkey_pool(svc, web_authn=MULTI)
    kit.confirmed()
    kit.device = register(kit)  # type: ignore[attr-defined]
    kit.with_totp()
    kit.pool.update(mfa_configuration="ON")
    return kit


def test_a_user_turns_passkey_mfa_on_with_its_access_token(svc: Cognito) -> None:
    kit = passkey_pool(svc, web_authn=MULTI)
    kit.confirmed()
    register(kit)
    secret = kit.with_totp()
    access = kit.answer_totp(kit.start(), secret).access_token
    kit.auth.set_user_mfa_preference(access, web_authn={"enabled": True})
    kit.pool.update(mfa_configuration="ON")
    assert initiate(kit).challenge_name is ChallengeName.WEB_AUTHN


def test_with_mfa_required_a_passkey_is_offered_only_as_passkey_mfa(mfa_on: MfaKit) -> None:
    result = initiate(mfa_on)
    assert result.challenge_name is ChallengeName.SELECT_CHALLENGE
    mfa_on.pool.admin_set_user_mfa_preference("ann", web_authn={"enabled": True})
    assert initiate(mfa_on).challenge_name is ChallengeName.WEB_AUTHN


def test_passkey_mfa_asks_for_user_verification_and_stands_for_mfa(mfa_on: MfaKit) -> None:
    mfa_on.pool.admin_set_user_mfa_preference("ann", web_authn={"enabled": True})
    device: SoftwareAuthenticator = mfa_on.device  # type: ignore[attr-defined]
    result = initiate(mfa_on)
    assert options_of(result)["userVerification"] == "required"
    assert answer(mfa_on, result, device.authenticate(options_of(result), ORIGIN)).tokens


def test_passkey_mfa_refuses_a_passkey_that_did_not_verify_the_user(mfa_on: MfaKit) -> None:
    mfa_on.pool.admin_set_user_mfa_preference("ann", web_authn={"enabled": True})
    device: SoftwareAuthenticator = mfa_on.device  # type: ignore[attr-defined]
    result = initiate(mfa_on)
    with raises(NotAuthorizedError):
        answer(mfa_on, result, device.authenticate(options_of(result), ORIGIN, user_verified=False))


def test_passkey_mfa_needs_another_mfa_method(svc: Cognito) -> None:
    kit = passkey_pool(svc, web_authn=MULTI)
    kit.confirmed()
    with raises(InvalidParameterError, field="web_authn_mfa_settings"):
        kit.pool.admin_set_user_mfa_preference("ann", web_authn={"enabled": True})


def test_passkey_mfa_can_be_turned_off_again(mfa_on: MfaKit) -> None:
    mfa_on.pool.admin_set_user_mfa_preference("ann", web_authn={"enabled": True})
    mfa_on.pool.admin_set_user_mfa_preference("ann", web_authn={"enabled": False})
    assert initiate(mfa_on).challenge_name is ChallengeName.SELECT_CHALLENGE


# -- races -----------------------------------------------------------------------------


class RacingStore(MemoryStore):
    """A store where another writer acts just before the next passkey update or session
    take."""

    def __init__(self) -> None:
        super().__init__()
        self.before: dict[str, Callable[[], None]] = {}

    def _meddle(self, method: str) -> None:
        action = self.before.pop(method, None)
        if action is not None:
            action()

    def update_passkey(self, passkey: PasskeyRecord, *, expected_version: int) -> PasskeyRecord:
        self._meddle("update_passkey")
        return super().update_passkey(passkey, expected_version=expected_version)

    def take_session(self, digest: str) -> SessionRecord | None:
        self._meddle("take_session")
        return super().take_session(digest)


@pytest.fixture
def racing() -> tuple[MfaKit, RacingStore]:
    store = RacingStore()
    kit = passkey_pool(make_cognito(store=store))
    kit.confirmed()
    return kit, store


def _bump(store: RacingStore, kit: MfaKit, device: SoftwareAuthenticator, count: int) -> None:
    current = store.get_passkey(kit.pool.id, device.id)
    assert current is not None
    changed = attrs.evolve(current, sign_count=count)
    store.update_passkey(changed, expected_version=current.version)


def test_a_counter_update_that_loses_a_race_is_judged_again(
    racing: tuple[MfaKit, RacingStore],
) -> None:
    kit, store = racing
    device = register(kit)
    store.before["update_passkey"] = lambda: _bump(store, kit, device, 5)
    with raises(NotAuthorizedError):
        passkey_sign_in(kit, device)


def test_a_counter_update_retries_past_an_unrelated_change(
    racing: tuple[MfaKit, RacingStore],
) -> None:
    kit, store = racing
    device = register(kit)
    store.before["update_passkey"] = lambda: _bump(store, kit, device, 0)
    assert passkey_sign_in(kit, device).tokens is not None
    stored = store.get_passkey(kit.pool.id, device.id)
    assert stored is not None and stored.sign_count == 1


def test_of_two_completions_of_one_challenge_only_one_registers(
    racing: tuple[MfaKit, RacingStore],
) -> None:
    kit, store = racing
    access = token(kit)
    options = kit.auth.start_web_authn_registration(access)
    digest = secret_digest(options["challenge"])
    store.before["take_session"] = lambda: store.take_session(digest) and None
    with raises(WebAuthnChallengeNotFoundError):
        kit.auth.complete_web_authn_registration(
            access, SoftwareAuthenticator().register(options, ORIGIN)
        )
    assert len(kit.auth.list_web_authn_credentials(access)) == 0

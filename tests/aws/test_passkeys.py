"""Passkeys through boto3: StartWebAuthnRegistration, CompleteWebAuthnRegistration,
ListWebAuthnCredentials, DeleteWebAuthnCredential, the WEB_AUTHN challenge of USER_AUTH and
passkey MFA (WebAuthnMfaSettings)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from cogkit.testing import SoftwareAuthenticator, totp_code
from tests.aws.conftest import Aws
from tests.aws.helpers import PASSWORD, aws_error

RP = "example.com"
ORIGIN = "https://example.com"


@pytest.fixture
def paws(aws: Aws) -> Aws:
    """The ``aws`` pool allowing passkeys for example.com, a USER_AUTH client and a
    confirmed, signed-in ann."""
    aws.idp.update_user_pool(
        UserPoolId=aws.pool_id,
        AutoVerifiedAttributes=["email"],
        Policies={"SignInPolicy": {"AllowedFirstAuthFactors": ["PASSWORD", "WEB_AUTHN"]}},
    )
    aws.idp.set_user_pool_mfa_config(
        UserPoolId=aws.pool_id, WebAuthnConfiguration={"RelyingPartyId": RP}
    )
    aws.client_id = aws.new_client(
        "web", ExplicitAuthFlows=["ALLOW_USER_AUTH", "ALLOW_USER_PASSWORD_AUTH"]
    )
    aws.confirmed()
    return aws


def register(aws: Aws, device: SoftwareAuthenticator | None = None, **knobs: Any) -> Any:
    device = device or SoftwareAuthenticator()
    token = aws.sign_in()["AccessToken"]
    options = aws.idp.start_web_authn_registration(AccessToken=token)
    aws.idp.complete_web_authn_registration(
        AccessToken=token,
        Credential=device.register(options["CredentialCreationOptions"], ORIGIN, **knobs),
    )
    return device


def web_authn(aws: Aws) -> dict[str, Any]:
    answer: dict[str, Any] = aws.idp.initiate_auth(
        ClientId=aws.client_id,
        AuthFlow="USER_AUTH",
        AuthParameters={"USERNAME": "ann", "PREFERRED_CHALLENGE": "WEB_AUTHN"},
    )
    return answer


def respond(aws: Aws, challenge: dict[str, Any], credential: Any) -> Any:
    return aws.idp.respond_to_auth_challenge(
        ClientId=aws.client_id,
        ChallengeName="WEB_AUTHN",
        Session=challenge["Session"],
        ChallengeResponses={"USERNAME": "ann", "CREDENTIAL": json.dumps(credential)},
    )


def options(challenge: dict[str, Any]) -> str:
    text: str = challenge["ChallengeParameters"]["CREDENTIAL_REQUEST_OPTIONS"]
    return text


# -- StartWebAuthnRegistration ---------------------------------------------------------


def test_start_web_authn_registration_returns_creation_options(paws: Aws) -> None:
    token = paws.sign_in()["AccessToken"]
    answer = paws.idp.start_web_authn_registration(AccessToken=token)
    created = answer["CredentialCreationOptions"]
    assert created["rp"]["id"] == RP
    assert created["challenge"]
    assert {p["alg"] for p in created["pubKeyCredParams"]} == {-7, -257}


def test_start_web_authn_registration_in_a_pool_without_passkeys_is_refused(aws: Aws) -> None:
    token = aws.access_token()
    with aws_error(aws.idp.exceptions.WebAuthnNotEnabledException):
        aws.idp.start_web_authn_registration(AccessToken=token)


def test_start_web_authn_registration_without_a_relying_party_is_refused(paws: Aws) -> None:
    paws.idp.set_user_pool_mfa_config(UserPoolId=paws.pool_id, WebAuthnConfiguration={})
    token = paws.sign_in()["AccessToken"]
    with aws_error(paws.idp.exceptions.WebAuthnConfigurationMissingException):
        paws.idp.start_web_authn_registration(AccessToken=token)


def test_start_web_authn_registration_past_twenty_passkeys_is_refused(paws: Aws) -> None:
    for _ in range(20):
        register(paws)
    with aws_error(paws.idp.exceptions.LimitExceededException):
        paws.idp.start_web_authn_registration(AccessToken=paws.sign_in()["AccessToken"])


# -- CompleteWebAuthnRegistration ------------------------------------------------------


def test_complete_web_authn_registration_keeps_the_passkey(paws: Aws) -> None:
    device = register(paws)
    listed = paws.idp.list_web_authn_credentials(AccessToken=paws.sign_in()["AccessToken"])
    assert [c["CredentialId"] for c in listed["Credentials"]] == [device.id]


def test_complete_web_authn_registration_from_another_origin_is_refused(paws: Aws) -> None:
    token = paws.sign_in()["AccessToken"]
    created = paws.idp.start_web_authn_registration(AccessToken=token)
    credential = SoftwareAuthenticator().register(
        created["CredentialCreationOptions"], "https://evil.test"
    )
    with aws_error(paws.idp.exceptions.WebAuthnOriginNotAllowedException):
        paws.idp.complete_web_authn_registration(AccessToken=token, Credential=credential)


def test_complete_web_authn_registration_for_another_relying_party_is_refused(
    paws: Aws,
) -> None:
    with aws_error(paws.idp.exceptions.WebAuthnRelyingPartyMismatchException):
        register(paws, rp_id="other.example")


def test_complete_web_authn_registration_with_a_replayed_challenge_is_refused(
    paws: Aws,
) -> None:
    token = paws.sign_in()["AccessToken"]
    created = paws.idp.start_web_authn_registration(AccessToken=token)["CredentialCreationOptions"]
    paws.idp.complete_web_authn_registration(
        AccessToken=token, Credential=SoftwareAuthenticator().register(created, ORIGIN)
    )
    with aws_error(paws.idp.exceptions.WebAuthnChallengeNotFoundException):
        paws.idp.complete_web_authn_registration(
            AccessToken=token, Credential=SoftwareAuthenticator().register(created, ORIGIN)
        )


def test_complete_web_authn_registration_through_another_client_is_refused(paws: Aws) -> None:
    token = paws.sign_in()["AccessToken"]
    created = paws.idp.start_web_authn_registration(AccessToken=token)["CredentialCreationOptions"]
    paws.client_id = paws.new_client("other")
    other_token = paws.sign_in()["AccessToken"]
    with aws_error(paws.idp.exceptions.WebAuthnClientMismatchException):
        paws.idp.complete_web_authn_registration(
            AccessToken=other_token, Credential=SoftwareAuthenticator().register(created, ORIGIN)
        )


def test_complete_web_authn_registration_of_an_unsupported_format_is_refused(
    paws: Aws,
) -> None:
    with aws_error(paws.idp.exceptions.WebAuthnCredentialNotSupportedException):
        register(paws, fmt="android-safetynet")


@pytest.mark.parametrize(
    "credential", ["{", [], {"type": "public-key", "id": "AAAA", "rawId": "AAAA"}, 7]
)
def test_complete_web_authn_registration_with_a_malformed_credential_is_refused(
    paws: Aws, credential: Any
) -> None:
    token = paws.sign_in()["AccessToken"]
    paws.idp.start_web_authn_registration(AccessToken=token)
    with aws_error(paws.idp.exceptions.InvalidParameterException):
        paws.idp.complete_web_authn_registration(AccessToken=token, Credential=credential)


def test_complete_web_authn_registration_with_malformed_cbor_is_refused(paws: Aws) -> None:
    with aws_error(paws.idp.exceptions.InvalidParameterException):
        register(paws, attestation_object=b"\xa2\x63fmt")


# -- ListWebAuthnCredentials -----------------------------------------------------------


def test_list_web_authn_credentials_describes_each_passkey(paws: Aws) -> None:
    register(paws, SoftwareAuthenticator(attachment="cross-platform", transports=("usb", "nfc")))
    listed = paws.idp.list_web_authn_credentials(AccessToken=paws.sign_in()["AccessToken"])
    (credential,) = listed["Credentials"]
    assert credential["RelyingPartyId"] == RP
    assert credential["AuthenticatorAttachment"] == "cross-platform"
    assert credential["AuthenticatorTransports"] == ["nfc", "usb"]
    assert credential["FriendlyCredentialName"]
    assert credential["CreatedAt"].timestamp() == paws.clock.now()
    assert "NextToken" not in listed


def test_list_web_authn_credentials_pages_with_next_token(paws: Aws) -> None:
    for _ in range(3):
        register(paws)
    token = paws.sign_in()["AccessToken"]
    first = paws.idp.list_web_authn_credentials(AccessToken=token, MaxResults=2)
    second = paws.idp.list_web_authn_credentials(
        AccessToken=token, MaxResults=2, NextToken=first["NextToken"]
    )
    assert len(first["Credentials"]) == 2
    assert len(second["Credentials"]) == 1
    assert "NextToken" not in second


def test_list_web_authn_credentials_refuses_a_made_up_next_token(paws: Aws) -> None:
    with aws_error(paws.idp.exceptions.InvalidParameterException):
        paws.idp.list_web_authn_credentials(
            AccessToken=paws.sign_in()["AccessToken"], NextToken="made-up"
        )


# -- DeleteWebAuthnCredential ----------------------------------------------------------


def test_delete_web_authn_credential_removes_the_passkey(paws: Aws) -> None:
    device = register(paws)
    token = paws.sign_in()["AccessToken"]
    paws.idp.delete_web_authn_credential(AccessToken=token, CredentialId=device.id)
    assert paws.idp.list_web_authn_credentials(AccessToken=token)["Credentials"] == []


def test_delete_web_authn_credential_of_an_unknown_passkey_is_refused(paws: Aws) -> None:
    with aws_error(paws.idp.exceptions.ResourceNotFoundException):
        paws.idp.delete_web_authn_credential(
            AccessToken=paws.sign_in()["AccessToken"], CredentialId="AAAA"
        )


# -- signing in ------------------------------------------------------------------------


def test_a_registered_passkey_signs_in_through_user_auth(paws: Aws) -> None:
    device = register(paws)
    selecting = paws.idp.initiate_auth(
        ClientId=paws.client_id, AuthFlow="USER_AUTH", AuthParameters={"USERNAME": "ann"}
    )
    assert selecting["AvailableChallenges"] == ["PASSWORD", "PASSWORD_SRP", "WEB_AUTHN"]
    challenge = web_authn(paws)
    assert challenge["ChallengeName"] == "WEB_AUTHN"
    done = respond(paws, challenge, device.authenticate(options(challenge), ORIGIN))
    tokens = done["AuthenticationResult"]
    user = paws.idp.get_user(AccessToken=tokens["AccessToken"])
    assert user["Username"] == "ann"


def test_get_user_auth_factors_lists_web_authn_once_a_passkey_is_registered(paws: Aws) -> None:
    register(paws)
    factors = paws.idp.get_user_auth_factors(AccessToken=paws.sign_in()["AccessToken"])
    assert factors["ConfiguredUserAuthFactors"] == ["PASSWORD", "WEB_AUTHN"]


def test_a_wrong_passkey_signature_is_refused(paws: Aws) -> None:
    device = register(paws)
    challenge = web_authn(paws)
    with aws_error(paws.idp.exceptions.NotAuthorizedException):
        respond(paws, challenge, device.authenticate(options(challenge), ORIGIN, tamper=True))


def test_a_passkey_answer_from_another_origin_is_refused(paws: Aws) -> None:
    device = register(paws)
    challenge = web_authn(paws)
    with aws_error(paws.idp.exceptions.NotAuthorizedException):
        respond(paws, challenge, device.authenticate(options(challenge), "https://evil.test"))


def test_a_deleted_passkey_no_longer_signs_in(paws: Aws) -> None:
    kept, deleted = register(paws), register(paws)
    challenge = web_authn(paws)
    paws.idp.delete_web_authn_credential(
        AccessToken=paws.sign_in()["AccessToken"], CredentialId=deleted.id
    )
    assert kept.allowed_by(options(challenge))
    with aws_error(paws.idp.exceptions.NotAuthorizedException):
        respond(paws, challenge, deleted.authenticate(options(challenge), ORIGIN))


def test_a_malformed_passkey_answer_is_refused(paws: Aws) -> None:
    register(paws)
    challenge = web_authn(paws)
    with aws_error(paws.idp.exceptions.InvalidParameterException):
        respond(paws, challenge, {"id": "AAAA", "rawId": "AAAA", "type": "public-key"})


def test_passkey_mfa_signs_in_where_mfa_is_required(paws: Aws) -> None:
    device = register(paws)
    paws.idp.set_user_pool_mfa_config(
        UserPoolId=paws.pool_id,
        SoftwareTokenMfaConfiguration={"Enabled": True},
        MfaConfiguration="OPTIONAL",
        WebAuthnConfiguration={
            "RelyingPartyId": RP,
            "FactorConfiguration": "MULTI_FACTOR_WITH_USER_VERIFICATION",
        },
    )
    token = paws.sign_in()["AccessToken"]
    secret = paws.idp.associate_software_token(AccessToken=token)["SecretCode"]
    paws.idp.verify_software_token(AccessToken=token, UserCode=totp_code(secret, paws.clock.now()))
    paws.idp.admin_set_user_mfa_preference(
        UserPoolId=paws.pool_id,
        Username="ann",
        SoftwareTokenMfaSettings={"Enabled": True},
        WebAuthnMfaSettings={"Enabled": True},
    )
    paws.idp.set_user_pool_mfa_config(
        UserPoolId=paws.pool_id,
        SoftwareTokenMfaConfiguration={"Enabled": True},
        MfaConfiguration="ON",
        WebAuthnConfiguration={
            "RelyingPartyId": RP,
            "FactorConfiguration": "MULTI_FACTOR_WITH_USER_VERIFICATION",
        },
    )
    challenge = web_authn(paws)
    assert json.loads(options(challenge))["userVerification"] == "required"
    done = respond(paws, challenge, device.authenticate(options(challenge), ORIGIN))
    assert done["AuthenticationResult"]["AccessToken"]
    # A password still needs the second factor.
    password = paws.idp.initiate_auth(
        ClientId=paws.client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "ann", "PASSWORD": PASSWORD},
    )
    assert password["ChallengeName"] == "SOFTWARE_TOKEN_MFA"

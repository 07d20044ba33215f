"""The pre token generation trigger, versions 1, 2 and 3: its events and how its answers
change the ID and access tokens."""

from __future__ import annotations

from typing import Any

import pytest

from cogkit import AuthFlow
from cogkit.domain.tokens import GroupClaims
from cogkit.errors import InvalidLambdaResponseError, UserLambdaValidationError
from tests.conftest import Kit
from tests.helpers import NEW_PASSWORD, PASSWORD, Recorder, caller, jwt_part, raises

ADMIN_SCOPE = "aws.cognito.signin.user.admin"
NO_GROUPS = {"groupsToOverride": [], "iamRolesToOverride": [], "preferredRole": None}


def use_version(kit: Kit, version: str) -> None:
    kit.pool.update(lambda_config={"pre_token_generation_version": version})


def sign_in(kit: Kit) -> tuple[dict[str, Any], dict[str, Any]]:
    tokens = kit.sign_in()
    return jwt_part(tokens.id_token, 1), jwt_part(tokens.access_token, 1)


def attributes(kit: Kit) -> dict[str, str]:
    return {
        "sub": kit.pool.admin_get_user("ann").sub,
        "email": "ann@example.com",
        "email_verified": "true",
        "cognito:user_status": "CONFIRMED",
    }


@pytest.fixture
def grouped(kit: Kit) -> GroupClaims:
    """ann, confirmed, in two groups of the pool."""
    kit.confirmed()
    kit.pool.create_group("admins", role_arn="arn:aws:iam::123456789012:role/admin", precedence=0)
    kit.pool.create_group("staff", precedence=1)
    kit.pool.admin_add_user_to_group("ann", "staff")
    kit.pool.admin_add_user_to_group("ann", "admins")
    return GroupClaims(
        groups=("admins", "staff"),
        roles=("arn:aws:iam::123456789012:role/admin",),
        preferred_role="arn:aws:iam::123456789012:role/admin",
    )


# -- V1_0 ------------------------------------------------------------------------------


def test_v1_event_carries_the_user_and_its_groups(kit: Kit) -> None:
    kit.confirmed()
    handler = kit.pool.trigger("PreTokenGeneration", Recorder())
    kit.sign_in()
    assert handler.event == {
        "version": "1",
        "triggerSource": "TokenGeneration_Authentication",
        "region": "us-east-1",
        "userPoolId": kit.pool.id,
        "userName": "ann",
        "callerContext": caller(kit.client.id),
        "request": {"userAttributes": attributes(kit), "groupConfiguration": NO_GROUPS},
        "response": {"claimsOverrideDetails": None},
    }


def test_without_an_answer_the_tokens_are_unchanged(kit: Kit) -> None:
    kit.confirmed()
    before_id, before_access = sign_in(kit)
    kit.pool.trigger("PreTokenGeneration", Recorder())
    after_id, after_access = sign_in(kit)
    ignored = {"jti", "iat", "exp", "auth_time", "event_id", "origin_jti"}
    assert {k for k in before_id if k not in ignored} == {k for k in after_id if k not in ignored}
    assert after_access["scope"] == before_access["scope"] == ADMIN_SCOPE


def test_v1_adds_overrides_and_suppresses_id_token_claims(kit: Kit) -> None:
    kit.confirmed()
    kit.pool.trigger(
        "PreTokenGeneration",
        Recorder(
            {
                "claimsOverrideDetails": {
                    "claimsToAddOrOverride": {"tenant": "acme", "email": "other@example.com"},
                    "claimsToSuppress": ["email_verified"],
                }
            }
        ),
    )
    id_claims, access = sign_in(kit)
    assert id_claims["tenant"] == "acme" and id_claims["email"] == "other@example.com"
    assert "email_verified" not in id_claims
    assert "tenant" not in access


def test_a_claim_both_set_and_suppressed_is_suppressed(kit: Kit) -> None:
    kit.confirmed()
    kit.pool.trigger(
        "PreTokenGeneration",
        Recorder(
            {
                "claimsOverrideDetails": {
                    "claimsToAddOrOverride": {"tenant": "acme"},
                    "claimsToSuppress": ["tenant"],
                }
            }
        ),
    )
    id_claims, _access = sign_in(kit)
    assert "tenant" not in id_claims


def test_v1_claim_values_must_be_strings(kit: Kit) -> None:
    kit.confirmed()
    kit.pool.trigger(
        "PreTokenGeneration",
        Recorder({"claimsOverrideDetails": {"claimsToAddOrOverride": {"level": 3}}}),
    )
    with raises(InvalidLambdaResponseError):
        kit.sign_in()


def test_v1_group_override_replaces_the_groups_of_both_tokens(kit: Kit) -> None:
    kit.confirmed()
    kit.pool.trigger(
        "PreTokenGeneration",
        Recorder(
            {
                "claimsOverrideDetails": {
                    "groupOverrideDetails": {
                        "groupsToOverride": ["readers"],
                        "iamRolesToOverride": ["arn:aws:iam::123456789012:role/read"],
                        "preferredRole": "arn:aws:iam::123456789012:role/read",
                    }
                }
            }
        ),
    )
    id_claims, access = sign_in(kit)
    assert id_claims["cognito:groups"] == ["readers"] == access["cognito:groups"]
    assert id_claims["cognito:roles"] == ["arn:aws:iam::123456789012:role/read"]
    assert id_claims["cognito:preferred_role"] == "arn:aws:iam::123456789012:role/read"
    assert "cognito:roles" not in access


def test_the_event_offers_the_users_groups(kit: Kit, grouped: GroupClaims) -> None:
    handler = kit.pool.trigger("PreTokenGeneration", Recorder())
    id_claims, access = sign_in(kit)
    assert handler.event["request"]["groupConfiguration"] == grouped.as_event()
    assert id_claims["cognito:groups"] == ["admins", "staff"] == access["cognito:groups"]


@pytest.mark.parametrize("override", [None, {}])
def test_an_empty_group_override_removes_the_groups(
    kit: Kit, grouped: GroupClaims, override: Any
) -> None:
    kit.pool.trigger(
        "PreTokenGeneration",
        Recorder({"claimsOverrideDetails": {"groupOverrideDetails": override}}),
    )
    id_claims, access = sign_in(kit)
    for claim in ("cognito:groups", "cognito:roles", "cognito:preferred_role"):
        assert claim not in id_claims and claim not in access


def test_leaving_group_override_out_keeps_the_groups(kit: Kit, grouped: GroupClaims) -> None:
    kit.pool.trigger(
        "PreTokenGeneration",
        Recorder({"claimsOverrideDetails": {"claimsToAddOrOverride": {"a": "b"}}}),
    )
    id_claims, _access = sign_in(kit)
    assert id_claims["cognito:groups"] == ["admins", "staff"]


@pytest.mark.parametrize(
    "claim",
    [
        "sub",
        "aud",
        "iss",
        "token_use",
        "exp",
        "iat",
        "auth_time",
        "cognito:username",
        "cognito:groups",
    ],
)
def test_claims_cognito_sets_cannot_be_overridden(kit: Kit, claim: str) -> None:
    kit.confirmed()
    kit.pool.trigger(
        "PreTokenGeneration",
        Recorder({"claimsOverrideDetails": {"claimsToAddOrOverride": {claim: "x"}}}),
    )
    with raises(InvalidLambdaResponseError) as info:
        kit.sign_in()
    assert claim in info.value.message
    assert list(kit.svc.store.list_refresh_tokens(kit.pool.id, after=None, limit=5)) == []


@pytest.mark.parametrize("claim", ["sub", "jti", "origin_jti", "cognito:username"])
def test_claims_cognito_sets_cannot_be_suppressed(kit: Kit, claim: str) -> None:
    kit.confirmed()
    kit.pool.trigger(
        "PreTokenGeneration", Recorder({"claimsOverrideDetails": {"claimsToSuppress": [claim]}})
    )
    with raises(InvalidLambdaResponseError):
        kit.sign_in()


@pytest.mark.parametrize(
    "details",
    [
        "yes",
        {"claimsToAddOrOverride": ["a"]},
        {"claimsToAddOrOverride": {"": "x"}},
        {"claimsToSuppress": "email"},
        {"groupOverrideDetails": {"groupsToOverride": "admins"}},
        {"groupOverrideDetails": {"preferredRole": 3}},
    ],
)
def test_malformed_overrides_are_invalid_lambda_responses(kit: Kit, details: Any) -> None:
    kit.confirmed()
    kit.pool.trigger("PreTokenGeneration", Recorder({"claimsOverrideDetails": details}))
    with raises(InvalidLambdaResponseError):
        kit.sign_in()


def test_a_raising_pre_token_generation_issues_no_tokens(kit: Kit) -> None:
    kit.confirmed()
    kit.pool.trigger("PreTokenGeneration", Recorder(error=RuntimeError("nope")))
    with raises(UserLambdaValidationError, "PreTokenGeneration failed with error nope."):
        kit.sign_in()
    assert list(kit.svc.store.list_refresh_tokens(kit.pool.id, after=None, limit=5)) == []


def test_overridden_tokens_still_verify(kit: Kit) -> None:
    kit.confirmed()
    kit.pool.trigger(
        "PreTokenGeneration",
        Recorder({"claimsOverrideDetails": {"claimsToAddOrOverride": {"tenant": "acme"}}}),
    )
    tokens = kit.sign_in()
    assert kit.pool.verify(tokens.id_token, token_use="id")["tenant"] == "acme"


# -- sources ---------------------------------------------------------------------------


def test_refresh_runs_pre_token_generation_again(kit: Kit) -> None:
    tokens = kit.session()
    handler = kit.pool.trigger(
        "PreTokenGeneration",
        Recorder({"claimsOverrideDetails": {"claimsToAddOrOverride": {"tenant": "acme"}}}),
    )
    assert tokens.refresh_token is not None
    refreshed = kit.auth.initiate(
        kit.client.id, "REFRESH_TOKEN_AUTH", REFRESH_TOKEN=tokens.refresh_token
    ).tokens
    assert refreshed is not None
    assert handler.sources == ["TokenGeneration_RefreshTokens"]
    assert jwt_part(refreshed.id_token, 1)["tenant"] == "acme"


def test_a_raising_pre_token_generation_refuses_the_refresh(kit: Kit) -> None:
    tokens = kit.session()
    kit.pool.trigger("PreTokenGeneration", Recorder(error=RuntimeError("no")))
    assert tokens.refresh_token is not None
    with raises(UserLambdaValidationError):
        kit.auth.initiate(kit.client.id, "REFRESH_TOKEN_AUTH", REFRESH_TOKEN=tokens.refresh_token)


def test_the_new_password_challenge_has_its_own_source_and_client_metadata(kit: Kit) -> None:
    kit.pool.admin_create_user(
        "bob", temporary_password="Temporary-pass-1", message_action="SUPPRESS"
    )
    handler = kit.pool.trigger("PreTokenGeneration", Recorder())
    auth: AuthFlow = kit.auth
    challenge = auth.initiate(
        kit.client.id, "USER_PASSWORD_AUTH", USERNAME="bob", PASSWORD="Temporary-pass-1"
    )
    auth.respond(
        kit.client.id,
        "NEW_PASSWORD_REQUIRED",
        {"USERNAME": "bob", "NEW_PASSWORD": NEW_PASSWORD},
        session=challenge.session,
        client_metadata={"app": "web"},
    )
    assert handler.sources == ["TokenGeneration_NewPasswordChallenge"]
    assert handler.event["request"]["clientMetadata"] == {"app": "web"}


# -- V2_0 and V3_0 ---------------------------------------------------------------------


@pytest.mark.parametrize(("version", "event_version"), [("V2_0", "2"), ("V3_0", "3")])
def test_v2_and_v3_events_offer_the_scopes(kit: Kit, version: str, event_version: str) -> None:
    kit.confirmed()
    use_version(kit, version)
    handler = kit.pool.trigger("PreTokenGeneration", Recorder())
    kit.sign_in()
    assert handler.event == {
        "version": event_version,
        "triggerSource": "TokenGeneration_Authentication",
        "region": "us-east-1",
        "userPoolId": kit.pool.id,
        "userName": "ann",
        "callerContext": caller(kit.client.id),
        "request": {
            "userAttributes": attributes(kit),
            "groupConfiguration": NO_GROUPS,
            "scopes": [ADMIN_SCOPE],
        },
        "response": {"claimsAndScopeOverrideDetails": None},
    }


def test_v2_customizes_both_tokens(kit: Kit) -> None:
    kit.confirmed()
    use_version(kit, "V2_0")
    kit.pool.trigger(
        "PreTokenGeneration",
        Recorder(
            {
                "claimsAndScopeOverrideDetails": {
                    "idTokenGeneration": {
                        "claimsToAddOrOverride": {"plan": {"tier": "gold", "seats": 5}},
                        "claimsToSuppress": ["email"],
                    },
                    "accessTokenGeneration": {
                        "claimsToAddOrOverride": {"roles": ["editor", "viewer"], "beta": True},
                        "scopesToAdd": ["orders/read", "orders/write"],
                        "scopesToSuppress": ["orders/write"],
                    },
                }
            }
        ),
    )
    id_claims, access = sign_in(kit)
    assert id_claims["plan"] == {"tier": "gold", "seats": 5} and "email" not in id_claims
    assert access["roles"] == ["editor", "viewer"] and access["beta"] is True
    assert access["scope"] == f"{ADMIN_SCOPE} orders/read"
    assert "roles" not in id_claims


def test_v2_can_suppress_the_admin_scope(kit: Kit) -> None:
    kit.confirmed()
    use_version(kit, "V2_0")
    kit.pool.trigger(
        "PreTokenGeneration",
        Recorder(
            {
                "claimsAndScopeOverrideDetails": {
                    "accessTokenGeneration": {
                        "scopesToAdd": ["orders/read"],
                        "scopesToSuppress": [ADMIN_SCOPE],
                    }
                }
            }
        ),
    )
    tokens = kit.sign_in()
    assert jwt_part(tokens.access_token, 1)["scope"] == "orders/read"


def test_v2_scopes_added_at_sign_in_do_not_stick_to_the_refresh_token(kit: Kit) -> None:
    kit.confirmed()
    use_version(kit, "V2_0")

    def scoped(event: dict[str, Any], context: Any) -> dict[str, Any]:
        if event["triggerSource"] == "TokenGeneration_Authentication":
            event["response"]["claimsAndScopeOverrideDetails"] = {
                "accessTokenGeneration": {"scopesToAdd": ["orders/read"]}
            }
        seen.append(event["request"]["scopes"])
        return event

    seen: list[list[str]] = []
    kit.pool.trigger("PreTokenGeneration", scoped)
    tokens = kit.sign_in()
    assert tokens.refresh_token is not None
    refreshed = kit.auth.initiate(
        kit.client.id, "REFRESH_TOKEN_AUTH", REFRESH_TOKEN=tokens.refresh_token
    ).tokens
    assert refreshed is not None
    assert jwt_part(refreshed.access_token, 1)["scope"] == ADMIN_SCOPE
    assert seen == [[ADMIN_SCOPE], [ADMIN_SCOPE]]


def test_v2_group_override_applies_to_both_tokens(kit: Kit) -> None:
    kit.confirmed()
    use_version(kit, "V2_0")
    kit.pool.trigger(
        "PreTokenGeneration",
        Recorder(
            {"claimsAndScopeOverrideDetails": {"groupOverrideDetails": {"groupsToOverride": ["x"]}}}
        ),
    )
    id_claims, access = sign_in(kit)
    assert id_claims["cognito:groups"] == ["x"] == access["cognito:groups"]


@pytest.mark.parametrize("claim", ["client_id", "scope", "username", "token_use", "cognito:x"])
def test_v2_refuses_access_token_claims_cognito_sets(kit: Kit, claim: str) -> None:
    kit.confirmed()
    use_version(kit, "V2_0")
    kit.pool.trigger(
        "PreTokenGeneration",
        Recorder(
            {
                "claimsAndScopeOverrideDetails": {
                    "accessTokenGeneration": {"claimsToAddOrOverride": {claim: "x"}}
                }
            }
        ),
    )
    with raises(InvalidLambdaResponseError):
        kit.sign_in()


def test_v2_refuses_objects_in_the_verified_flags(kit: Kit) -> None:
    kit.confirmed()
    use_version(kit, "V2_0")
    kit.pool.trigger(
        "PreTokenGeneration",
        Recorder(
            {
                "claimsAndScopeOverrideDetails": {
                    "idTokenGeneration": {"claimsToAddOrOverride": {"email_verified": {"a": 1}}}
                }
            }
        ),
    )
    with raises(InvalidLambdaResponseError):
        kit.sign_in()


def test_v2_refuses_values_that_are_not_json(kit: Kit) -> None:
    kit.confirmed()
    use_version(kit, "V2_0")
    kit.pool.trigger(
        "PreTokenGeneration",
        Recorder(
            {
                "claimsAndScopeOverrideDetails": {
                    "idTokenGeneration": {"claimsToAddOrOverride": {"when": {1, 2}}}
                }
            }
        ),
    )
    with raises(InvalidLambdaResponseError):
        kit.sign_in()


def test_v1_answers_are_read_from_v1_fields_only(kit: Kit) -> None:
    kit.confirmed()
    kit.pool.trigger(
        "PreTokenGeneration",
        Recorder(
            {
                "claimsAndScopeOverrideDetails": {
                    "idTokenGeneration": {"claimsToAddOrOverride": {"tenant": "acme"}}
                }
            }
        ),
    )
    id_claims, _access = sign_in(kit)
    assert "tenant" not in id_claims


def test_pre_token_generation_runs_once_per_sign_in(kit: Kit) -> None:
    kit.confirmed()
    handler = kit.pool.trigger("PreTokenGeneration", Recorder())
    kit.sign_in()
    kit.sign_in(password=PASSWORD)
    assert handler.sources == ["TokenGeneration_Authentication"] * 2

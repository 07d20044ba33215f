"""The pre and post authentication triggers in every sign-in flow."""

from __future__ import annotations

from typing import Any

from cogkit import Cognito, UserPool
from cogkit.errors import (
    NotAuthorizedError,
    UserLambdaValidationError,
    UserNotFoundError,
)
from cogkit.testing.srp import SrpClient
from tests.conftest import Kit
from tests.helpers import NEW_PASSWORD, PASSWORD, Recorder, caller, raises

REGION = "us-east-1"


def attributes(kit: Kit, username: str = "ann") -> dict[str, str]:
    return {
        "sub": kit.pool.admin_get_user(username).sub,
        "email": f"{username}@example.com",
        "email_verified": "true",
        "cognito:user_status": "CONFIRMED",
    }


def envelope(pool: UserPool, source: str, username: str, client_id: str) -> dict[str, Any]:
    return {
        "version": "1",
        "triggerSource": source,
        "region": REGION,
        "userPoolId": pool.id,
        "userName": username,
        "callerContext": caller(client_id),
    }


def nothing_issued(svc: Cognito, pool: UserPool) -> bool:
    return list(svc.store.list_refresh_tokens(pool.id, after=None, limit=10)) == []


# -- PreAuthentication -----------------------------------------------------------------


def test_pre_authentication_receives_the_user_and_the_validation_data(kit: Kit) -> None:
    kit.confirmed()
    handler = kit.pool.trigger("PreAuthentication", Recorder())
    kit.auth.initiate(
        kit.client.id,
        "USER_PASSWORD_AUTH",
        {"USERNAME": "ann", "PASSWORD": PASSWORD},
        client_metadata={"device": "phone"},
    )
    assert handler.event == {
        **envelope(kit.pool, "PreAuthentication_Authentication", "ann", kit.client.id),
        "request": {"userAttributes": attributes(kit), "validationData": {"device": "phone"}},
        "response": {},
    }


def test_pre_authentication_without_client_metadata_gets_null_validation_data(kit: Kit) -> None:
    kit.confirmed()
    handler = kit.pool.trigger("PreAuthentication", Recorder())
    kit.sign_in()
    assert handler.event["request"]["validationData"] is None


def test_a_raising_pre_authentication_denies_the_sign_in_before_the_password(kit: Kit) -> None:
    kit.confirmed()
    kit.pool.trigger("PreAuthentication", Recorder(error=ValueError("blocked")))
    with raises(UserLambdaValidationError, "PreAuthentication failed with error blocked."):
        kit.sign_in()
    with raises(UserLambdaValidationError):
        kit.sign_in(password="Wrong-password-1")
    assert nothing_issued(kit.svc, kit.pool)


def test_pre_authentication_runs_for_admin_password_sign_in(kit: Kit) -> None:
    kit.confirmed()
    handler = kit.pool.trigger("PreAuthentication", Recorder())
    kit.auth.admin_initiate(
        kit.client.id, "ADMIN_USER_PASSWORD_AUTH", USERNAME="ann", PASSWORD=PASSWORD
    )
    assert handler.sources == ["PreAuthentication_Authentication"]
    assert handler.event["callerContext"] == caller(kit.client.id)


def test_pre_authentication_runs_when_srp_starts(kit: Kit) -> None:
    kit.confirmed()
    handler = kit.pool.trigger("PreAuthentication", Recorder())
    srp = SrpClient(kit.pool.id, "ann", PASSWORD)
    result = kit.auth.initiate(
        kit.client.id, "USER_SRP_AUTH", {"USERNAME": "ann", "SRP_A": srp.start()}
    )
    assert handler.event["request"]["userAttributes"] == attributes(kit)
    assert result.challenge is not None
    kit.auth.respond(
        kit.client.id,
        "PASSWORD_VERIFIER",
        srp.respond(dict(result.challenge.parameters), kit.clock.now()),
    )
    assert len(handler.events) == 1


def test_a_raising_pre_authentication_stops_srp_before_the_challenge(kit: Kit) -> None:
    kit.confirmed()
    kit.pool.trigger("PreAuthentication", Recorder(error=ValueError("no")))
    srp = SrpClient(kit.pool.id, "ann", PASSWORD)
    with raises(UserLambdaValidationError):
        kit.auth.initiate(kit.client.id, "USER_SRP_AUTH", USERNAME="ann", SRP_A=srp.start())
    assert list(kit.svc.store.list_sessions(kit.pool.id, after=None, limit=5)) == []


def test_pre_authentication_sees_user_not_found_when_the_client_hides_users(kit: Kit) -> None:
    hiding = kit.pool.create_client(
        "hiding",
        explicit_auth_flows=["ALLOW_USER_PASSWORD_AUTH"],
        prevent_user_existence_errors="ENABLED",
    )
    handler = kit.pool.trigger("PreAuthentication", Recorder())
    with raises(NotAuthorizedError, "Incorrect username or password."):
        kit.auth.initiate(hiding.id, "USER_PASSWORD_AUTH", USERNAME="nobody", PASSWORD=PASSWORD)
    assert handler.event == {
        **envelope(kit.pool, "PreAuthentication_Authentication", "nobody", hiding.id),
        "request": {"userAttributes": {}, "validationData": None, "userNotFound": True},
        "response": {},
    }


def test_pre_authentication_sees_user_not_found_false_for_a_known_user(kit: Kit) -> None:
    kit.confirmed()
    hiding = kit.pool.create_client(
        "hiding",
        explicit_auth_flows=["ALLOW_USER_PASSWORD_AUTH"],
        prevent_user_existence_errors="ENABLED",
    )
    handler = kit.pool.trigger("PreAuthentication", Recorder())
    kit.auth.initiate(hiding.id, "USER_PASSWORD_AUTH", USERNAME="ann", PASSWORD=PASSWORD)
    assert handler.event["request"]["userNotFound"] is False


def test_pre_authentication_does_not_run_for_unknown_users_of_legacy_clients(kit: Kit) -> None:
    handler = kit.pool.trigger("PreAuthentication", Recorder())
    with raises(UserNotFoundError):
        kit.sign_in("nobody")
    assert handler.events == []


def test_pre_authentication_runs_for_unknown_srp_users_of_hiding_clients(kit: Kit) -> None:
    hiding = kit.pool.create_client(
        "hiding",
        explicit_auth_flows=["ALLOW_USER_SRP_AUTH"],
        prevent_user_existence_errors="ENABLED",
    )
    handler = kit.pool.trigger("PreAuthentication", Recorder())
    srp = SrpClient(kit.pool.id, "nobody", PASSWORD)
    kit.auth.initiate(hiding.id, "USER_SRP_AUTH", USERNAME="nobody", SRP_A=srp.start())
    assert handler.event["request"]["userNotFound"] is True


def test_user_attributes_carry_the_verified_aliases(svc: Cognito) -> None:
    pool = svc.create_user_pool(
        "app", alias_attributes=["email", "phone_number", "preferred_username"]
    )
    client = pool.create_client("web", explicit_auth_flows=["ALLOW_USER_PASSWORD_AUTH"])
    pool.admin_create_user(
        "ann",
        attributes={
            "email": "ann@example.com",
            "email_verified": "true",
            "phone_number": "+15555550100",
            "preferred_username": "annie",
        },
        message_action="SUPPRESS",
    )
    pool.admin_set_user_password("ann", PASSWORD, permanent=True)
    handler = pool.trigger("PreAuthentication", Recorder())
    pool.auth.initiate(
        client.id, "USER_PASSWORD_AUTH", USERNAME="ann@example.com", PASSWORD=PASSWORD
    )
    assert handler.event["userName"] == "ann"
    assert handler.event["request"]["userAttributes"] == {
        "sub": pool.admin_get_user("ann").sub,
        "email": "ann@example.com",
        "email_verified": "true",
        "phone_number": "+15555550100",
        "preferred_username": "annie",
        "cognito:user_status": "CONFIRMED",
        "cognito:email_alias": "ann@example.com",
    }


# -- PostAuthentication ----------------------------------------------------------------


def test_post_authentication_receives_the_signed_in_user(kit: Kit) -> None:
    kit.confirmed()
    handler = kit.pool.trigger("PostAuthentication", Recorder())
    kit.auth.initiate(
        kit.client.id,
        "USER_PASSWORD_AUTH",
        {"USERNAME": "ann", "PASSWORD": PASSWORD},
        client_metadata={"not": "passed"},
    )
    # InitiateAuth's ClientMetadata reaches pre authentication only.
    assert handler.event == {
        **envelope(kit.pool, "PostAuthentication_Authentication", "ann", kit.client.id),
        "request": {"userAttributes": attributes(kit)},
        "response": {},
    }


def test_a_raising_post_authentication_issues_no_tokens(kit: Kit) -> None:
    kit.confirmed()
    kit.pool.trigger("PostAuthentication", Recorder(error=ValueError("audit down")))
    with raises(UserLambdaValidationError, "PostAuthentication failed with error audit down."):
        kit.sign_in()
    assert nothing_issued(kit.svc, kit.pool)


def test_post_authentication_does_not_run_for_a_wrong_password(kit: Kit) -> None:
    kit.confirmed()
    handler = kit.pool.trigger("PostAuthentication", Recorder())
    with raises(NotAuthorizedError):
        kit.sign_in(password="Wrong-password-1")
    assert handler.events == []


def test_post_authentication_gets_the_client_metadata_of_the_last_answer(kit: Kit) -> None:
    kit.pool.admin_create_user(
        "bob",
        attributes={"email": "bob@example.com"},
        temporary_password="Temporary-pass-1",
        message_action="SUPPRESS",
    )
    handler = kit.pool.trigger("PostAuthentication", Recorder())
    challenge = kit.auth.initiate(
        kit.client.id, "USER_PASSWORD_AUTH", USERNAME="bob", PASSWORD="Temporary-pass-1"
    )
    kit.auth.respond(
        kit.client.id,
        "NEW_PASSWORD_REQUIRED",
        {"USERNAME": "bob", "NEW_PASSWORD": NEW_PASSWORD},
        session=challenge.session,
        client_metadata={"step": "new-password"},
    )
    assert handler.event["request"] == {
        "userAttributes": {
            "sub": kit.pool.admin_get_user("bob").sub,
            "email": "bob@example.com",
            "cognito:user_status": "CONFIRMED",
        },
        "clientMetadata": {"step": "new-password"},
    }


def test_post_authentication_runs_after_srp(kit: Kit) -> None:
    kit.confirmed()
    handler = kit.pool.trigger("PostAuthentication", Recorder())
    srp = SrpClient(kit.pool.id, "ann", PASSWORD)
    result = kit.auth.initiate(kit.client.id, "USER_SRP_AUTH", USERNAME="ann", SRP_A=srp.start())
    assert result.challenge is not None and handler.events == []
    kit.auth.respond(
        kit.client.id,
        "PASSWORD_VERIFIER",
        srp.respond(dict(result.challenge.parameters), kit.clock.now()),
    )
    assert handler.sources == ["PostAuthentication_Authentication"]


def test_refreshing_runs_neither_authentication_trigger(kit: Kit) -> None:
    tokens = kit.session()
    pre = kit.pool.trigger("PreAuthentication", Recorder())
    post = kit.pool.trigger("PostAuthentication", Recorder())
    assert tokens.refresh_token is not None
    kit.auth.initiate(kit.client.id, "REFRESH_TOKEN_AUTH", REFRESH_TOKEN=tokens.refresh_token)
    assert pre.events == [] and post.events == []

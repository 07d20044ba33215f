"""The NEW_PASSWORD_REQUIRED challenge answered through RespondToAuthChallenge, and the
single-use, expiring session that links the two calls."""

from __future__ import annotations

import json
from typing import Any

import pytest

from cogkit import AuthResult, ChallengeName, Cognito, UserStatus
from cogkit.errors import (
    InvalidParameterError,
    InvalidPasswordError,
    NotAuthorizedError,
    ResourceNotFoundError,
)
from cogkit.services.codes import secret_digest
from cogkit.stores.records import SessionRecord
from tests.conftest import Kit
from tests.helpers import NEW_PASSWORD, PASSWORD_FLOWS, START, raises

TEMP = "Temp-pass-123"


def _challenge(kit: Kit, username: str = "ann", *, client_id: str | None = None) -> AuthResult:
    result = kit.auth.initiate(
        client_id or kit.client.id, "USER_PASSWORD_AUTH", USERNAME=username, PASSWORD=TEMP
    )
    assert result.challenge is not None
    return result


def _respond(kit: Kit, result: AuthResult, **answers: str) -> AuthResult:
    assert result.session is not None
    answers.setdefault("USERNAME", "ann")
    answers.setdefault("NEW_PASSWORD", NEW_PASSWORD)
    return kit.auth.respond(kit.client.id, "NEW_PASSWORD_REQUIRED", answers, session=result.session)


@pytest.fixture
def invited(kit: Kit) -> Kit:
    kit.pool.admin_create_user(
        "ann", attributes={"email": "ann@example.com", "name": "Ann"}, temporary_password=TEMP
    )
    return kit


def test_a_temporary_password_gets_the_new_password_challenge(invited: Kit) -> None:
    result = _challenge(invited)
    assert result.tokens is None
    assert result.challenge_name is ChallengeName.NEW_PASSWORD_REQUIRED
    parameters = dict(result.challenge.parameters)  # type: ignore[union-attr]
    assert parameters["USER_ID_FOR_SRP"] == "ann"
    assert json.loads(parameters["requiredAttributes"]) == []
    assert json.loads(parameters["userAttributes"]) == {"email": "ann@example.com", "name": "Ann"}
    assert all(isinstance(value, str) for value in parameters.values())
    assert result.session is not None and 20 <= len(result.session) <= 2048


def test_answering_sets_the_password_confirms_and_signs_in(invited: Kit) -> None:
    result = _respond(invited, _challenge(invited))
    assert result.tokens is not None and result.tokens.refresh_token
    assert invited.pool.admin_get_user("ann").status is UserStatus.CONFIRMED
    assert invited.sign_in(password=NEW_PASSWORD).access_token
    with raises(NotAuthorizedError, "Incorrect username or password."):
        invited.sign_in(password=TEMP)


def test_the_admin_api_runs_the_same_challenge(invited: Kit) -> None:
    started = invited.auth.admin_initiate(
        invited.client.id, "ADMIN_USER_PASSWORD_AUTH", USERNAME="ann", PASSWORD=TEMP
    )
    assert started.session is not None
    result = invited.auth.admin_respond(
        invited.client.id,
        ChallengeName.NEW_PASSWORD_REQUIRED,
        session=started.session,
        USERNAME="ann",
        NEW_PASSWORD=NEW_PASSWORD,
    )
    assert result.tokens is not None


def test_the_session_is_single_use(invited: Kit) -> None:
    result = _challenge(invited)
    _respond(invited, result)
    with raises(NotAuthorizedError, "Invalid session for the user."):
        _respond(invited, result, NEW_PASSWORD="Another-pass-3")


def test_the_session_expires_after_the_clients_session_validity(invited: Kit) -> None:
    result = _challenge(invited)
    invited.clock.advance(3 * 60)
    with raises(NotAuthorizedError, "Invalid session for the user, session is expired."):
        _respond(invited, result)
    assert invited.pool.admin_get_user("ann").status is UserStatus.FORCE_CHANGE_PASSWORD


def test_a_longer_session_validity_is_honoured(invited: Kit) -> None:
    client = invited.pool.create_client(
        "slow", explicit_auth_flows=list(PASSWORD_FLOWS), auth_session_validity=15
    )
    result = _challenge(invited, client_id=client.id)
    invited.clock.advance(15 * 60 - 1)
    assert result.session is not None
    answered = invited.auth.respond(
        client.id,
        "NEW_PASSWORD_REQUIRED",
        session=result.session,
        USERNAME="ann",
        NEW_PASSWORD=NEW_PASSWORD,
    )
    assert answered.tokens is not None


def test_another_users_name_cannot_be_swapped_into_the_answer(invited: Kit) -> None:
    invited.pool.admin_create_user("bob", temporary_password=TEMP)
    result = _challenge(invited)
    with raises(NotAuthorizedError, "Invalid session for the user."):
        _respond(invited, result, USERNAME="bob")
    assert invited.pool.admin_get_user("bob").status is UserStatus.FORCE_CHANGE_PASSWORD


def test_the_session_belongs_to_its_client(invited: Kit) -> None:
    result = _challenge(invited)
    other = invited.pool.create_client("other")
    assert result.session is not None
    with raises(NotAuthorizedError, "Invalid session for the user."):
        invited.auth.respond(
            other.id,
            "NEW_PASSWORD_REQUIRED",
            session=result.session,
            USERNAME="ann",
            NEW_PASSWORD=NEW_PASSWORD,
        )


def test_an_unknown_session_is_invalid(invited: Kit) -> None:
    with raises(NotAuthorizedError, "Invalid session for the user."):
        invited.auth.respond(
            invited.client.id,
            "NEW_PASSWORD_REQUIRED",
            session="x" * 40,
            USERNAME="ann",
            NEW_PASSWORD=NEW_PASSWORD,
        )


def test_answering_another_challenge_than_the_sessions_is_refused(invited: Kit) -> None:
    result = _challenge(invited)
    assert result.session is not None
    with raises(InvalidParameterError, field="challenge_name"):
        invited.auth.respond(
            invited.client.id, "SMS_MFA", session=result.session, USERNAME="ann", SMS_MFA_CODE="1"
        )


def test_a_challenge_without_a_responder_is_refused(invited: Kit) -> None:
    session = "S" * 40
    invited.svc.store.put_session(
        SessionRecord(
            digest=secret_digest(session),
            pool_id=invited.pool.id,
            client_id=invited.client.id,
            username="ann",
            challenge="ADMIN_NO_SRP_AUTH",
            created_at=START,
            expires_at=START + 180,
        )
    )
    with raises(InvalidParameterError, field="challenge_name"):
        invited.auth.respond(
            invited.client.id, "ADMIN_NO_SRP_AUTH", session=session, USERNAME="ann"
        )


@pytest.mark.parametrize("missing", ["USERNAME", "NEW_PASSWORD"])
def test_username_and_new_password_are_required(invited: Kit, missing: str) -> None:
    result = _challenge(invited)
    answers = {"USERNAME": "ann", "NEW_PASSWORD": NEW_PASSWORD}
    del answers[missing]
    assert result.session is not None
    with raises(InvalidParameterError, f"Missing required parameter {missing}"):
        invited.auth.respond(
            invited.client.id, "NEW_PASSWORD_REQUIRED", answers, session=result.session
        )


def test_the_new_password_must_meet_the_policy_and_the_session_survives(invited: Kit) -> None:
    result = _challenge(invited)
    with raises(InvalidPasswordError):
        _respond(invited, result, NEW_PASSWORD="weak")
    assert _respond(invited, result).tokens is not None


def test_a_disabled_user_cannot_answer(invited: Kit) -> None:
    result = _challenge(invited)
    invited.pool.admin_disable_user("ann")
    with raises(NotAuthorizedError, "User is disabled."):
        _respond(invited, result)


def test_a_secret_client_needs_the_secret_hash_in_the_answer(invited: Kit) -> None:
    client = invited.pool.create_client(
        "server", generate_secret=True, explicit_auth_flows=list(PASSWORD_FLOWS)
    )
    started = invited.auth.initiate(
        client.id,
        "USER_PASSWORD_AUTH",
        USERNAME="ann",
        PASSWORD=TEMP,
        SECRET_HASH=client.secret_hash("ann"),
    )
    assert started.session is not None
    answers = {"USERNAME": "ann", "NEW_PASSWORD": NEW_PASSWORD}
    with raises(
        NotAuthorizedError,
        f"Client {client.id} is configured for secret but secret was not received",
    ):
        invited.auth.respond(client.id, "NEW_PASSWORD_REQUIRED", answers, session=started.session)
    result = invited.auth.respond(
        client.id,
        "NEW_PASSWORD_REQUIRED",
        {**answers, "SECRET_HASH": client.secret_hash("ann")},
        session=started.session,
    )
    assert result.tokens is not None


def test_the_answer_may_name_the_user_by_email_in_email_username_pools(svc: Cognito) -> None:
    pool = svc.create_user_pool("p", username_attributes=["email"])
    kit = Kit(svc, pool, pool.create_client("w", explicit_auth_flows=list(PASSWORD_FLOWS)))
    user = pool.admin_create_user("ann@example.com", temporary_password=TEMP)
    result = _challenge(kit, "ann@example.com")
    assert result.challenge is not None
    assert result.challenge.parameters["USER_ID_FOR_SRP"] == user.username
    assert _respond(kit, result, USERNAME="ann@example.com").tokens is not None


@pytest.mark.parametrize(
    ("session", "field"), [("short", "session"), (None, "session"), (7, "session")]
)
def test_malformed_sessions_are_invalid_parameter(invited: Kit, session: Any, field: str) -> None:
    with raises(InvalidParameterError, field=field):
        invited.auth.respond(
            invited.client.id,
            "NEW_PASSWORD_REQUIRED",
            session=session,
            USERNAME="ann",
            NEW_PASSWORD=NEW_PASSWORD,
        )


def test_responding_through_an_unknown_client_is_resource_not_found(invited: Kit) -> None:
    result = _challenge(invited)
    assert result.session is not None
    with raises(ResourceNotFoundError):
        invited.auth.respond("nosuchclient", "NEW_PASSWORD_REQUIRED", session=result.session)


# -- required attributes -----------------------------------------------------------------------


@pytest.fixture
def strict(svc: Cognito) -> Kit:
    pool = svc.create_user_pool(
        "strict",
        schema=[{"name": "name", "required": True}, {"name": "family_name", "required": True}],
    )
    kit = Kit(svc, pool, pool.create_client("w", explicit_auth_flows=list(PASSWORD_FLOWS)))
    pool.admin_create_user("ann", attributes={"family_name": "Lee"}, temporary_password=TEMP)
    return kit


def test_missing_required_attributes_are_listed(strict: Kit) -> None:
    result = _challenge(strict)
    assert result.challenge is not None
    assert json.loads(result.challenge.parameters["requiredAttributes"]) == ["userAttributes.name"]


def test_missing_required_attributes_must_be_answered(strict: Kit) -> None:
    result = _challenge(strict)
    with raises(InvalidParameterError, "Invalid attributes given, name is missing"):
        _respond(strict, result)
    answered = _respond(strict, result, **{"userAttributes.name": "Ann"})
    assert answered.tokens is not None
    assert strict.pool.admin_get_user("ann")["name"] == "Ann"


def test_a_required_attribute_already_given_cannot_be_changed(strict: Kit) -> None:
    result = _challenge(strict)
    with raises(InvalidParameterError, field="userAttributes.family_name"):
        _respond(
            strict, result, **{"userAttributes.name": "Ann", "userAttributes.family_name": "X"}
        )


def test_other_writable_attributes_may_be_set_in_the_answer(strict: Kit) -> None:
    result = _challenge(strict)
    _respond(strict, result, **{"userAttributes.name": "Ann", "userAttributes.nickname": "annie"})
    assert strict.pool.admin_get_user("ann")["nickname"] == "annie"


def test_attributes_the_client_may_not_write_are_refused_in_the_answer(strict: Kit) -> None:
    client = strict.pool.create_client(
        "narrow", explicit_auth_flows=list(PASSWORD_FLOWS), write_attributes=["name"]
    )
    result = _challenge(strict, client_id=client.id)
    assert result.session is not None
    with raises(NotAuthorizedError, "A client attempted to write unauthorized attribute"):
        strict.auth.respond(
            client.id,
            "NEW_PASSWORD_REQUIRED",
            {
                "USERNAME": "ann",
                "NEW_PASSWORD": NEW_PASSWORD,
                "userAttributes.name": "Ann",
                "userAttributes.nickname": "annie",
            },
            session=result.session,
        )


def test_challenge_repr_hides_the_session(invited: Kit) -> None:
    result = _challenge(invited)
    assert result.session is not None and result.session not in repr(result)

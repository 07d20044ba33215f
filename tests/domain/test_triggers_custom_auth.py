"""CUSTOM_AUTH: the define/create/verify auth challenge loop (spec §3.6)."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from cogkit import AppClient, AuthResult, ChallengeName
from cogkit.domain.auth_custom import MAX_CHALLENGES
from cogkit.errors import (
    InvalidLambdaResponseError,
    InvalidParameterError,
    NotAuthorizedError,
    UserLambdaValidationError,
    UserNotConfirmedError,
    UserNotFoundError,
)
from cogkit.testing.srp import SrpClient
from tests.conftest import Kit
from tests.helpers import PASSWORD, Recorder, caller, jwt_part, raises

CUSTOM_FLOWS = ["ALLOW_CUSTOM_AUTH", "ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_USER_PASSWORD_AUTH"]


class Quiz:
    """Define/Create/Verify handlers for a one-question quiz, three tries."""

    def __init__(self) -> None:
        # Recorders only keep the events here; the quiz answers itself.
        self.define = Recorder()
        self.create = Recorder()
        self.verify = Recorder()

    def install(self, kit: Kit) -> Quiz:
        kit.pool.trigger("DefineAuthChallenge", self._define)
        kit.pool.trigger("CreateAuthChallenge", self._create)
        kit.pool.trigger("VerifyAuthChallengeResponse", self._verify)
        return self

    def _define(self, event: dict[str, Any], context: Any) -> dict[str, Any]:
        self.define.events.append(_copy(event))
        session = event["request"]["session"]
        response = event["response"]
        last = session[-1] if session else None
        if last and not last["challengeResult"] and last["challengeName"] != "CUSTOM_CHALLENGE":
            response.update(issueTokens=False, failAuthentication=True)
        elif last and last["challengeName"] == "SRP_A":
            response["challengeName"] = "PASSWORD_VERIFIER"
        elif last and last["challengeName"] == "CUSTOM_CHALLENGE" and last["challengeResult"]:
            response.update(issueTokens=True, failAuthentication=False)
        elif sum(e["challengeName"] == "CUSTOM_CHALLENGE" for e in session) >= 3:
            response.update(issueTokens=False, failAuthentication=True)
        else:
            response.update(
                challengeName="CUSTOM_CHALLENGE", issueTokens=False, failAuthentication=False
            )
        return event

    def _create(self, event: dict[str, Any], context: Any) -> dict[str, Any]:
        self.create.events.append(_copy(event))
        event["response"].update(
            publicChallengeParameters={"hint": "sky colour"},
            privateChallengeParameters={"answer": "blue"},
            challengeMetadata="COLOUR",
        )
        return event

    def _verify(self, event: dict[str, Any], context: Any) -> dict[str, Any]:
        self.verify.events.append(_copy(event))
        request = event["request"]
        event["response"]["answerCorrect"] = (
            request["challengeAnswer"] == request["privateChallengeParameters"]["answer"]
        )
        return event


def _copy(event: dict[str, Any]) -> dict[str, Any]:
    return copy.deepcopy(event)


@pytest.fixture
def custom(kit: Kit) -> AppClient:
    return kit.pool.create_client("custom", explicit_auth_flows=CUSTOM_FLOWS)


def start(kit: Kit, client: AppClient, username: str = "ann", **params: str) -> AuthResult:
    return kit.auth.initiate(client.id, "CUSTOM_AUTH", USERNAME=username, **params)


def answer(
    kit: Kit,
    client: AppClient,
    result: AuthResult,
    text: str,
    *,
    username: str = "ann",
    **options: Any,
) -> AuthResult:
    return kit.auth.respond(
        client.id,
        "CUSTOM_CHALLENGE",
        {"USERNAME": username, "ANSWER": text},
        session=result.session,
        **options,
    )


def attributes(kit: Kit) -> dict[str, str]:
    return {
        "sub": kit.pool.admin_get_user("ann").sub,
        "email": "ann@example.com",
        "email_verified": "true",
        "cognito:user_status": "CONFIRMED",
    }


def envelope(kit: Kit, source: str, client: AppClient, username: str = "ann") -> dict[str, Any]:
    return {
        "version": "1",
        "triggerSource": source,
        "region": "us-east-1",
        "userPoolId": kit.pool.id,
        "userName": username,
        "callerContext": caller(client.id),
    }


def entry(name: str, result: bool, metadata: str | None = None) -> dict[str, Any]:
    return {"challengeName": name, "challengeResult": result, "challengeMetadata": metadata}


# -- the loop --------------------------------------------------------------------------


def test_a_right_answer_signs_the_user_in(kit: Kit, custom: AppClient) -> None:
    kit.confirmed()
    Quiz().install(kit)
    challenge = start(kit, custom)
    assert challenge.challenge is not None
    assert challenge.challenge_name is ChallengeName.CUSTOM_CHALLENGE
    assert dict(challenge.challenge.parameters) == {"hint": "sky colour", "USERNAME": "ann"}
    assert challenge.session
    tokens = answer(kit, custom, challenge, "blue").tokens
    assert tokens is not None and tokens.refresh_token is not None
    assert jwt_part(tokens.access_token, 1)["client_id"] == custom.id


def test_define_create_and_verify_receive_their_events(kit: Kit, custom: AppClient) -> None:
    kit.confirmed()
    quiz = Quiz().install(kit)
    challenge = start(kit, custom)
    answer(kit, custom, challenge, "blue", client_metadata={"device": "tv"})
    assert quiz.define.events[0] == {
        **envelope(kit, "DefineAuthChallenge_Authentication", custom),
        "request": {"userAttributes": attributes(kit), "session": []},
        "response": {"challengeName": None, "issueTokens": None, "failAuthentication": None},
    }
    assert quiz.create.event == {
        **envelope(kit, "CreateAuthChallenge_Authentication", custom),
        "request": {
            "userAttributes": attributes(kit),
            "challengeName": "CUSTOM_CHALLENGE",
            "session": [],
        },
        "response": {
            "publicChallengeParameters": None,
            "privateChallengeParameters": None,
            "challengeMetadata": None,
        },
    }
    assert quiz.verify.event == {
        **envelope(kit, "VerifyAuthChallengeResponse_Authentication", custom),
        "request": {
            "userAttributes": attributes(kit),
            "privateChallengeParameters": {"answer": "blue"},
            "challengeAnswer": "blue",
            "clientMetadata": {"device": "tv"},
        },
        "response": {"answerCorrect": None},
    }
    assert quiz.define.events[1]["request"] == {
        "userAttributes": attributes(kit),
        "session": [entry("CUSTOM_CHALLENGE", True, "COLOUR")],
        "clientMetadata": {"device": "tv"},
    }


def test_wrong_answers_grow_the_session_until_define_gives_up(kit: Kit, custom: AppClient) -> None:
    kit.confirmed()
    quiz = Quiz().install(kit)
    first = start(kit, custom)
    second = answer(kit, custom, first, "red")
    third = answer(kit, custom, second, "green")
    assert second.challenge_name is ChallengeName.CUSTOM_CHALLENGE
    assert third.session not in (first.session, second.session)
    with raises(NotAuthorizedError, "Incorrect username or password."):
        answer(kit, custom, third, "pink")
    assert [len(e["request"]["session"]) for e in quiz.define.events] == [0, 1, 2, 3]
    assert (
        quiz.define.events[-1]["request"]["session"]
        == [entry("CUSTOM_CHALLENGE", False, "COLOUR")] * 3
    )
    assert (
        quiz.create.events[2]["request"]["session"]
        == [entry("CUSTOM_CHALLENGE", False, "COLOUR")] * 2
    )


def test_a_wrong_then_right_answer_signs_in(kit: Kit, custom: AppClient) -> None:
    kit.confirmed()
    Quiz().install(kit)
    second = answer(kit, custom, start(kit, custom), "red")
    assert answer(kit, custom, second, "blue").tokens is not None


def test_define_may_issue_tokens_at_once(kit: Kit, custom: AppClient) -> None:
    kit.confirmed()
    kit.pool.trigger("DefineAuthChallenge", Recorder({"issueTokens": True}))
    assert start(kit, custom).tokens is not None


def test_define_may_fail_at_once(kit: Kit, custom: AppClient) -> None:
    kit.confirmed()
    kit.pool.trigger("DefineAuthChallenge", Recorder({"failAuthentication": True}))
    with raises(NotAuthorizedError, "Incorrect username or password."):
        start(kit, custom)


def test_a_session_answers_once(kit: Kit, custom: AppClient) -> None:
    kit.confirmed()
    Quiz().install(kit)
    challenge = start(kit, custom)
    answer(kit, custom, challenge, "red")
    with raises(NotAuthorizedError, "Invalid session for the user."):
        answer(kit, custom, challenge, "blue")


def test_a_session_expires(kit: Kit, custom: AppClient) -> None:
    kit.confirmed()
    Quiz().install(kit)
    challenge = start(kit, custom)
    kit.clock.advance(3 * 60)
    with raises(NotAuthorizedError, "Invalid session for the user, session is expired."):
        answer(kit, custom, challenge, "blue")


def test_a_session_belongs_to_its_user(kit: Kit, custom: AppClient) -> None:
    kit.confirmed()
    kit.session("bob")
    Quiz().install(kit)
    challenge = start(kit, custom)
    with raises(NotAuthorizedError, "Invalid session for the user."):
        answer(kit, custom, challenge, "blue", username="bob")


def test_an_endless_define_is_cut_off(kit: Kit, custom: AppClient) -> None:
    kit.confirmed()
    kit.pool.trigger("DefineAuthChallenge", Recorder({"challengeName": "CUSTOM_CHALLENGE"}))
    kit.pool.trigger("CreateAuthChallenge", Recorder())
    kit.pool.trigger("VerifyAuthChallengeResponse", Recorder({"answerCorrect": False}))
    result = start(kit, custom)
    for _round in range(MAX_CHALLENGES - 1):
        result = answer(kit, custom, result, "x")
    with raises(NotAuthorizedError, "Incorrect username or password."):
        answer(kit, custom, result, "x")


def test_a_missing_answer_is_refused(kit: Kit, custom: AppClient) -> None:
    kit.confirmed()
    Quiz().install(kit)
    challenge = start(kit, custom)
    with raises(InvalidParameterError, "Missing required parameter ANSWER"):
        kit.auth.respond(
            custom.id, "CUSTOM_CHALLENGE", {"USERNAME": "ann"}, session=challenge.session
        )


def test_admin_calls_run_the_same_loop(kit: Kit, custom: AppClient) -> None:
    kit.confirmed()
    Quiz().install(kit)
    challenge = kit.auth.admin_initiate(custom.id, "CUSTOM_AUTH", USERNAME="ann")
    result = kit.auth.admin_respond(
        custom.id,
        "CUSTOM_CHALLENGE",
        {"USERNAME": "ann", "ANSWER": "blue"},
        session=challenge.session,
    )
    assert result.tokens is not None


def test_the_other_triggers_run_around_the_loop(kit: Kit, custom: AppClient) -> None:
    kit.confirmed()
    Quiz().install(kit)
    pre = kit.pool.trigger("PreAuthentication", Recorder())
    post = kit.pool.trigger("PostAuthentication", Recorder())
    tokens = kit.pool.trigger("PreTokenGeneration", Recorder())
    challenge = kit.auth.initiate(
        custom.id, "CUSTOM_AUTH", {"USERNAME": "ann"}, client_metadata={"start": "1"}
    )
    assert pre.event["request"]["validationData"] == {"start": "1"}
    assert post.events == []
    answer(kit, custom, challenge, "blue", client_metadata={"end": "2"})
    assert post.event["request"]["clientMetadata"] == {"end": "2"}
    assert tokens.event["request"]["clientMetadata"] == {"end": "2"}


def test_an_unconfirmed_user_is_told_so_once_define_lets_it_in(kit: Kit, custom: AppClient) -> None:
    kit.sign_up()
    kit.pool.trigger("DefineAuthChallenge", Recorder({"issueTokens": True}))
    with raises(UserNotConfirmedError):
        start(kit, custom)


def test_a_disabled_user_cannot_start(kit: Kit, custom: AppClient) -> None:
    kit.confirmed()
    Quiz().install(kit)
    kit.pool.admin_disable_user("ann")
    with raises(NotAuthorizedError, "User is disabled."):
        start(kit, custom)


# -- unknown users ---------------------------------------------------------------------


def test_an_unknown_user_of_a_legacy_client_is_not_found(kit: Kit, custom: AppClient) -> None:
    quiz = Quiz().install(kit)
    with raises(UserNotFoundError):
        start(kit, custom, "nobody")
    assert quiz.define.events == []


def test_an_unknown_user_goes_round_the_loop_and_fails(kit: Kit) -> None:
    hiding = kit.pool.create_client(
        "hiding", explicit_auth_flows=CUSTOM_FLOWS, prevent_user_existence_errors="ENABLED"
    )
    quiz = Quiz().install(kit)
    challenge = start(kit, hiding, "nobody")
    assert challenge.challenge is not None
    assert challenge.challenge.parameters["USERNAME"] == "nobody"
    with raises(NotAuthorizedError, "Incorrect username or password."):
        answer(kit, hiding, challenge, "blue", username="nobody")
    assert quiz.define.events[0] == {
        **envelope(kit, "DefineAuthChallenge_Authentication", hiding, "nobody"),
        "request": {"userAttributes": {}, "session": [], "userNotFound": True},
        "response": {"challengeName": None, "issueTokens": None, "failAuthentication": None},
    }
    assert quiz.create.event["request"]["userNotFound"] is True
    assert quiz.verify.event["request"]["userNotFound"] is True
    assert quiz.define.events[1]["request"]["session"] == [
        entry("CUSTOM_CHALLENGE", True, "COLOUR")
    ]


def test_an_unknown_users_answer_must_name_the_same_user(kit: Kit) -> None:
    hiding = kit.pool.create_client(
        "hiding", explicit_auth_flows=CUSTOM_FLOWS, prevent_user_existence_errors="ENABLED"
    )
    Quiz().install(kit)
    challenge = start(kit, hiding, "nobody")
    with raises(NotAuthorizedError, "Invalid session for the user."):
        answer(kit, hiding, challenge, "blue", username="somebody")


def test_an_unknown_user_gets_a_password_verifier_no_answer_passes(kit: Kit) -> None:
    hiding = kit.pool.create_client(
        "hiding", explicit_auth_flows=CUSTOM_FLOWS, prevent_user_existence_errors="ENABLED"
    )
    Quiz().install(kit)
    srp = SrpClient(kit.pool.id, "nobody", PASSWORD)
    verifier = start(kit, hiding, "nobody", CHALLENGE_NAME="SRP_A", SRP_A=srp.start())
    assert verifier.challenge is not None
    assert verifier.challenge_name is ChallengeName.PASSWORD_VERIFIER
    with raises(NotAuthorizedError, "Incorrect username or password."):
        kit.auth.respond(
            hiding.id,
            "PASSWORD_VERIFIER",
            srp.respond(dict(verifier.challenge.parameters), kit.clock.now()),
        )


def test_a_known_user_of_a_hiding_client_is_user_not_found_false(kit: Kit) -> None:
    kit.confirmed()
    hiding = kit.pool.create_client(
        "hiding", explicit_auth_flows=CUSTOM_FLOWS, prevent_user_existence_errors="ENABLED"
    )
    quiz = Quiz().install(kit)
    start(kit, hiding)
    assert quiz.define.event["request"]["userNotFound"] is False


# -- SRP_A start -----------------------------------------------------------------------


def test_srp_then_a_custom_challenge(kit: Kit, custom: AppClient) -> None:
    kit.confirmed()
    quiz = Quiz().install(kit)
    srp = SrpClient(kit.pool.id, "ann", PASSWORD)
    verifier = start(kit, custom, CHALLENGE_NAME="SRP_A", SRP_A=srp.start())
    assert verifier.challenge is not None
    assert verifier.challenge_name is ChallengeName.PASSWORD_VERIFIER
    challenge = kit.auth.respond(
        custom.id,
        "PASSWORD_VERIFIER",
        srp.respond(dict(verifier.challenge.parameters), kit.clock.now()),
    )
    assert challenge.challenge_name is ChallengeName.CUSTOM_CHALLENGE
    assert answer(kit, custom, challenge, "blue").tokens is not None
    assert [e["request"]["session"] for e in quiz.define.events] == [
        [entry("SRP_A", True)],
        [entry("SRP_A", True), entry("PASSWORD_VERIFIER", True)],
        [
            entry("SRP_A", True),
            entry("PASSWORD_VERIFIER", True),
            entry("CUSTOM_CHALLENGE", True, "COLOUR"),
        ],
    ]


def test_a_wrong_password_in_the_srp_step_is_for_define_to_judge(
    kit: Kit, custom: AppClient
) -> None:
    kit.confirmed()
    quiz = Quiz().install(kit)
    srp = SrpClient(kit.pool.id, "ann", "Wrong-password-1")
    verifier = start(kit, custom, CHALLENGE_NAME="SRP_A", SRP_A=srp.start())
    assert verifier.challenge is not None
    with raises(NotAuthorizedError, "Incorrect username or password."):
        kit.auth.respond(
            custom.id,
            "PASSWORD_VERIFIER",
            srp.respond(dict(verifier.challenge.parameters), kit.clock.now()),
        )
    assert quiz.define.events[-1]["request"]["session"] == [
        entry("SRP_A", True),
        entry("PASSWORD_VERIFIER", False),
    ]
    record = kit.svc.store.get_user(kit.pool.id, "ann")
    assert record is not None and record.failed_attempts == 1


def test_a_locked_user_cannot_answer_the_srp_step(kit: Kit, custom: AppClient) -> None:
    kit.confirmed()
    Quiz().install(kit)
    for _attempt in range(5):
        with raises(NotAuthorizedError):
            kit.sign_in(password="Wrong-password-1", client=custom)
    srp = SrpClient(kit.pool.id, "ann", PASSWORD)
    verifier = start(kit, custom, CHALLENGE_NAME="SRP_A", SRP_A=srp.start())
    assert verifier.challenge is not None
    with raises(NotAuthorizedError, "Password attempts exceeded"):
        kit.auth.respond(
            custom.id,
            "PASSWORD_VERIFIER",
            srp.respond(dict(verifier.challenge.parameters), kit.clock.now()),
        )


def test_password_verifier_needs_srp_a(kit: Kit, custom: AppClient) -> None:
    kit.confirmed()
    kit.pool.trigger("DefineAuthChallenge", Recorder({"challengeName": "PASSWORD_VERIFIER"}))
    with raises(InvalidParameterError, field="SRP_A"):
        start(kit, custom)


def test_only_srp_a_can_start_custom_auth(kit: Kit, custom: AppClient) -> None:
    kit.confirmed()
    Quiz().install(kit)
    with raises(InvalidParameterError, field="CHALLENGE_NAME"):
        start(kit, custom, CHALLENGE_NAME="SMS_MFA")
    with raises(InvalidParameterError, "Missing required parameter SRP_A"):
        start(kit, custom, CHALLENGE_NAME="SRP_A")


# -- failures --------------------------------------------------------------------------


def test_custom_auth_needs_a_define_auth_challenge_trigger(kit: Kit, custom: AppClient) -> None:
    kit.confirmed()
    with raises(
        InvalidParameterError, "Custom auth lambda trigger is not configured for the user pool."
    ):
        start(kit, custom)


def test_custom_auth_needs_a_create_auth_challenge_trigger(kit: Kit, custom: AppClient) -> None:
    kit.confirmed()
    kit.pool.trigger("DefineAuthChallenge", Recorder({"challengeName": "CUSTOM_CHALLENGE"}))
    with raises(InvalidParameterError):
        start(kit, custom)


def test_custom_auth_needs_the_client_to_allow_it(kit: Kit) -> None:
    kit.confirmed()
    Quiz().install(kit)
    with raises(InvalidParameterError, "CUSTOM_AUTH flow not enabled for this client"):
        start(kit, kit.client)


def test_a_raising_create_leaves_no_session(kit: Kit, custom: AppClient) -> None:
    kit.confirmed()
    kit.pool.trigger("DefineAuthChallenge", Recorder({"challengeName": "CUSTOM_CHALLENGE"}))
    kit.pool.trigger("CreateAuthChallenge", Recorder(error=ValueError("sms down")))
    with raises(UserLambdaValidationError, "CreateAuthChallenge failed with error sms down."):
        start(kit, custom)
    assert list(kit.svc.store.list_sessions(kit.pool.id, after=None, limit=5)) == []


def test_a_raising_verify_uses_the_session_up(kit: Kit, custom: AppClient) -> None:
    kit.confirmed()
    quiz = Quiz().install(kit)
    kit.pool.trigger("VerifyAuthChallengeResponse", Recorder(error=ValueError("no")))
    challenge = start(kit, custom)
    with raises(UserLambdaValidationError, "VerifyAuthChallengeResponse failed with error no."):
        answer(kit, custom, challenge, "blue")
    kit.pool.trigger("VerifyAuthChallengeResponse", quiz._verify)
    with raises(NotAuthorizedError, "Invalid session for the user."):
        answer(kit, custom, challenge, "blue")


@pytest.mark.parametrize(
    "response",
    [
        {},
        {"challengeName": "SMS_MFA"},
        {"issueTokens": "yes"},
        {"challengeName": 3},
    ],
)
def test_an_unusable_define_answer_is_an_invalid_lambda_response(
    kit: Kit, custom: AppClient, response: dict[str, Any]
) -> None:
    kit.confirmed()
    kit.pool.trigger("DefineAuthChallenge", Recorder(response))
    with raises(InvalidLambdaResponseError):
        start(kit, custom)


@pytest.mark.parametrize(
    "response",
    [
        {"publicChallengeParameters": {"n": 1}},
        {"privateChallengeParameters": "blue"},
        {"challengeMetadata": ["x"]},
    ],
)
def test_an_unusable_create_answer_is_an_invalid_lambda_response(
    kit: Kit, custom: AppClient, response: dict[str, Any]
) -> None:
    kit.confirmed()
    kit.pool.trigger("DefineAuthChallenge", Recorder({"challengeName": "CUSTOM_CHALLENGE"}))
    kit.pool.trigger("CreateAuthChallenge", Recorder(response))
    with raises(InvalidLambdaResponseError):
        start(kit, custom)
    assert list(kit.svc.store.list_sessions(kit.pool.id, after=None, limit=5)) == []

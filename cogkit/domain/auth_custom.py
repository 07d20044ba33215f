"""``CUSTOM_AUTH``: sign-in decided by the pool's auth-challenge triggers (spec §3.6).

``InitiateAuth(CUSTOM_AUTH)`` asks ``DefineAuthChallenge`` what happens first, with the
``session`` so far: empty, or ``[SRP_A]`` when the client started with
``CHALLENGE_NAME=SRP_A`` (and its ``SRP_A``).  Define answers with one of:

- ``failAuthentication``: the sign-in fails (NotAuthorized);
- ``issueTokens``: the user is signed in (then the usual status gates, PostAuthentication
  and PreTokenGeneration);
- ``challengeName="CUSTOM_CHALLENGE"``: ``CreateAuthChallenge`` makes the challenge; its
  public parameters go to the client, its private ones stay in the session;
- ``challengeName="PASSWORD_VERIFIER"``: the SRP step of ``USER_SRP_AUTH`` with the
  ``SRP_A`` given at the start; right or wrong, its result joins the session (a wrong
  answer also counts toward lockout, as in USER_SRP_AUTH).

``RespondToAuthChallenge(CUSTOM_CHALLENGE, ANSWER)`` has ``VerifyAuthChallengeResponse``
judge the answer; the result joins the session (``challengeName``, ``challengeResult``,
``challengeMetadata``) and Define decides again.  Every challenge comes with a new,
single-use session that expires like any other.  With PreventUserExistenceErrors an
unknown user goes through the same loop (the triggers see ``userNotFound``) and can only
fail.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import attrs

from cogkit.domain import auth_srp, trigger_events
from cogkit.domain.auth import AuthFlow, AuthResult, Challenge, _Attempt
from cogkit.domain.client import AppClient
from cogkit.domain.config import UserPoolConfig
from cogkit.domain.enums import AuthFlowType, ChallengeName
from cogkit.domain.triggers import Trigger, flag, optional_str, str_map
from cogkit.errors import (
    InvalidLambdaResponseError,
    InvalidParameterError,
    NotAuthorizedError,
    UserNotFoundError,
)
from cogkit.stores.records import SessionRecord, UserRecord

__all__: list[str] = []

#: Challenges one sign-in may go through before it fails.
# fidelity: Cognito documents no limit on custom challenge rounds; cogkit fails the
# sign-in (NotAuthorized) once the session holds this many results, so a
# DefineAuthChallenge that never decides cannot keep a sign-in open forever.
MAX_CHALLENGES = 10

_NOT_CONFIGURED = "Custom auth lambda trigger is not configured for the user pool."
_FAILED = "Incorrect username or password."


@attrs.frozen
class _Round:
    """Where a custom sign-in stands between two trigger calls."""

    config: UserPoolConfig
    client: AppClient
    admin: bool
    #: ``None`` for a user who does not exist (PreventUserExistenceErrors=ENABLED).
    user: UserRecord | None
    username: str
    session: tuple[Mapping[str, Any], ...]
    srp_a: str | None = None

    @property
    def hides_missing_users(self) -> bool:
        return self.client.prevents_user_existence_errors

    def request(
        self, fields: dict[str, Any], client_metadata: Mapping[str, str] | None
    ) -> dict[str, Any]:
        """A challenge trigger's request: the user's attributes, ``fields``, the
        ``userNotFound`` flag (when the client hides missing users) and metadata."""
        request: dict[str, Any] = {
            "userAttributes": (
                {} if self.user is None else trigger_events.user_attributes(self.config, self.user)
            ),
            **fields,
        }
        if self.hides_missing_users:
            request["userNotFound"] = self.user is None
        return trigger_events.with_metadata(request, client_metadata)

    def invoke(
        self,
        flow: AuthFlow,
        trigger: Trigger,
        request: dict[str, Any],
        response: dict[str, Any],
    ) -> Mapping[str, Any]:
        answered = trigger_events.invoke(
            flow._rt,
            self.config,
            flow.pool.id,
            trigger,
            f"{trigger.value}_Authentication",
            username=self.username,
            client_id=self.client.id,
            request=request,
            response=response,
        )
        if answered is None:
            raise InvalidParameterError(_NOT_CONFIGURED, field="auth_flow")
        return answered

    def state(self, **extra: Any) -> dict[str, Any]:
        """What the next answer needs, kept in its session (JSON values only)."""
        return {
            "admin": self.admin,
            "user_not_found": self.user is None,
            "custom_auth": {
                "session": [dict(entry) for entry in self.session],
                "srp_a": self.srp_a,
                **extra,
            },
        }


def _custom_flow(
    flow: AuthFlow,
    config: UserPoolConfig,
    client: AppClient,
    params: Mapping[str, str],
    admin: bool,
    metadata: Mapping[str, str],
) -> AuthResult:
    """CUSTOM_AUTH: DefineAuthChallenge decides the first step."""
    username = flow._param(params, "USERNAME")
    srp_a = None
    start = params.get("CHALLENGE_NAME")
    if start is not None:
        if start != "SRP_A":
            raise InvalidParameterError(
                f"CHALLENGE_NAME {start} cannot start CUSTOM_AUTH; only SRP_A can.",
                field="CHALLENGE_NAME",
            )
        srp_a = flow._param(params, "SRP_A")
    client.check_secret_hash(username, params.get("SECRET_HASH"))
    define = trigger_events.handler_for(
        flow._rt, config, flow.pool.id, Trigger.DEFINE_AUTH_CHALLENGE
    )
    if define is None:
        raise InvalidParameterError(_NOT_CONFIGURED, field="auth_flow")
    record = flow._find(config, username)
    if record is None and not client.prevents_user_existence_errors:
        raise UserNotFoundError("User does not exist.")
    # InitiateAuth's ClientMetadata reaches PreAuthentication only (as validationData).
    flow._pre_authentication(config, client, record, username, metadata)
    if record is not None and not record.enabled:
        raise NotAuthorizedError("User is disabled.")
    session: tuple[Mapping[str, Any], ...] = ()
    if srp_a is not None:
        session = ({"challengeName": "SRP_A", "challengeResult": True, "challengeMetadata": None},)
    at = _Round(
        config,
        client,
        admin,
        record,
        username if record is None else record.username,
        session,
        srp_a,
    )
    return _define(flow, at, None)


def _define(flow: AuthFlow, at: _Round, client_metadata: Mapping[str, str] | None) -> AuthResult:
    """Asks DefineAuthChallenge for the next step, and takes it."""
    answer = at.invoke(
        flow,
        Trigger.DEFINE_AUTH_CHALLENGE,
        at.request({"session": [dict(entry) for entry in at.session]}, client_metadata),
        {"challengeName": None, "issueTokens": None, "failAuthentication": None},
    )
    fail = flag(answer, "failAuthentication")
    issue = flag(answer, "issueTokens")
    name = optional_str(answer, "challengeName")
    if fail:
        raise NotAuthorizedError(_FAILED)
    if issue:
        if at.user is None:
            raise NotAuthorizedError(_FAILED)
        return flow._after_first_factor(
            _Attempt(at.config, at.client, at.user, at.admin, dict(client_metadata or {}))
        )
    if name is None:
        raise InvalidLambdaResponseError(
            "DefineAuthChallenge must set issueTokens, failAuthentication or challengeName."
        )
    if len(at.session) >= MAX_CHALLENGES:
        raise NotAuthorizedError(_FAILED)
    if name == ChallengeName.CUSTOM_CHALLENGE.value:
        return _create(flow, at, client_metadata)
    if name == ChallengeName.PASSWORD_VERIFIER.value:
        return _password_verifier(flow, at)
    raise InvalidLambdaResponseError(
        f"DefineAuthChallenge challengeName {name} is not one cogkit can issue "
        "(CUSTOM_CHALLENGE or PASSWORD_VERIFIER)."
    )


def _create(flow: AuthFlow, at: _Round, client_metadata: Mapping[str, str] | None) -> AuthResult:
    """CreateAuthChallenge makes a CUSTOM_CHALLENGE; its session is opened only once the
    trigger has answered."""
    answer = at.invoke(
        flow,
        Trigger.CREATE_AUTH_CHALLENGE,
        at.request(
            {
                "challengeName": ChallengeName.CUSTOM_CHALLENGE.value,
                "session": [dict(entry) for entry in at.session],
            },
            client_metadata,
        ),
        {
            "publicChallengeParameters": None,
            "privateChallengeParameters": None,
            "challengeMetadata": None,
        },
    )
    public = str_map(answer, "publicChallengeParameters") or {}
    private = str_map(answer, "privateChallengeParameters") or {}
    metadata = optional_str(answer, "challengeMetadata")
    session = flow._rt.tokens.new_session()
    flow._open_session(
        session,
        at.client,
        at.username,
        ChallengeName.CUSTOM_CHALLENGE,
        at.state(private=private, metadata=metadata),
    )
    # The client sees the public parameters and the user's real username.
    parameters = {**public, "USERNAME": at.username}
    return AuthResult(challenge=Challenge(ChallengeName.CUSTOM_CHALLENGE, parameters, session))


def _password_verifier(flow: AuthFlow, at: _Round) -> AuthResult:
    """The SRP step, with the SRP_A the client started with (once per sign-in)."""
    if at.srp_a is None:
        raise InvalidParameterError(
            "DefineAuthChallenge asked for PASSWORD_VERIFIER, but CUSTOM_AUTH was started "
            "without CHALLENGE_NAME=SRP_A and SRP_A.",
            field="SRP_A",
        )
    verifier = None if at.user is None else at.user.extra.get("srp")
    if at.user is None or not isinstance(verifier, Mapping):
        # No user (or no password to prove): a challenge no answer passes.
        return auth_srp._simulated_challenge(flow, at.client, at.username, at.srp_a)
    challenge = auth_srp._issue(
        flow,
        at.user.pool_id,
        at.user.username,
        str(verifier["salt"]),
        str(verifier["verifier"]),
        at.srp_a,
    )
    # As with USER_SRP_AUTH, the SECRET_BLOCK names the exchange: no Session is needed.
    spent = attrs.evolve(at, srp_a=None)
    return flow._challenge(
        _Attempt(at.config, at.client, at.user, at.admin),
        ChallengeName.PASSWORD_VERIFIER,
        {
            "SALT": challenge.salt,
            "SRP_B": challenge.srp_b,
            "SECRET_BLOCK": challenge.secret_block,
            "USERNAME": at.user.username,
        },
        {"user_not_found": False, "custom_auth": spent.state()["custom_auth"]},
        key=challenge.secret_block,
    )


def after_password_verifier(
    flow: AuthFlow, attempt: _Attempt, stored: SessionRecord, *, proved: bool
) -> AuthResult:
    """A PASSWORD_VERIFIER answer within CUSTOM_AUTH (a wrong one already counted toward
    lockout): its result joins the session and Define decides what follows."""
    custom = stored.state["custom_auth"]
    at = _Round(
        attempt.config,
        attempt.client,
        attempt.admin,
        attempt.user,
        attempt.user.username,
        (*_entries(custom["session"]), _result(ChallengeName.PASSWORD_VERIFIER, proved, None)),
        custom.get("srp_a"),
    )
    return _define(flow, at, attempt.client_metadata)


def _answer_custom_challenge(
    flow: AuthFlow, attempt: _Attempt, stored: SessionRecord, answers: Mapping[str, str]
) -> AuthResult:
    """CUSTOM_CHALLENGE: VerifyAuthChallengeResponse judges ANSWER, Define decides."""
    at = _resume(attempt.config, attempt.client, attempt.admin, attempt.user, stored)
    return _verify(flow, at, stored, answers, attempt.client_metadata)


def answer_for_unknown_user(
    flow: AuthFlow,
    config: UserPoolConfig,
    client: AppClient,
    stored: SessionRecord,
    answers: Mapping[str, str],
    client_metadata: Mapping[str, str],
    admin: bool,
) -> AuthResult:
    """A CUSTOM_CHALLENGE answer for a user who does not exist: the triggers run on (with
    ``userNotFound``), and the sign-in can only fail."""
    if answers.get("USERNAME") != stored.username:
        raise NotAuthorizedError("Invalid session for the user.")
    client.check_secret_hash(stored.username, answers.get("SECRET_HASH"))
    at = _resume(config, client, admin, None, stored)
    return _verify(flow, at, stored, answers, client_metadata)


def _resume(
    config: UserPoolConfig,
    client: AppClient,
    admin: bool,
    user: UserRecord | None,
    stored: SessionRecord,
) -> _Round:
    custom = stored.state["custom_auth"]
    return _Round(
        config,
        client,
        admin,
        user,
        stored.username if user is None else user.username,
        _entries(custom["session"]),
        custom.get("srp_a"),
    )


def _verify(
    flow: AuthFlow,
    at: _Round,
    stored: SessionRecord,
    answers: Mapping[str, str],
    client_metadata: Mapping[str, str] | None,
) -> AuthResult:
    answer = flow._param(answers, "ANSWER")
    # One answer per challenge, right or wrong.
    flow._take(stored)
    custom = stored.state["custom_auth"]
    verdict = at.invoke(
        flow,
        Trigger.VERIFY_AUTH_CHALLENGE_RESPONSE,
        at.request(
            {
                "privateChallengeParameters": dict(custom.get("private") or {}),
                "challengeAnswer": answer,
            },
            client_metadata,
        ),
        {"answerCorrect": None},
    )
    correct = flag(verdict, "answerCorrect")
    result = _result(ChallengeName.CUSTOM_CHALLENGE, correct, custom.get("metadata"))
    return _define(flow, attrs.evolve(at, session=(*at.session, result)), client_metadata)


def _result(name: ChallengeName, correct: bool, metadata: str | None) -> dict[str, Any]:
    """One entry of the ``session`` the challenge triggers see."""
    return {"challengeName": name.value, "challengeResult": correct, "challengeMetadata": metadata}


def _entries(value: Sequence[Mapping[str, Any]]) -> tuple[Mapping[str, Any], ...]:
    return tuple(dict(entry) for entry in value)


AuthFlow.FLOWS[AuthFlowType.CUSTOM_AUTH] = _custom_flow
AuthFlow.CHALLENGES[ChallengeName.CUSTOM_CHALLENGE] = _answer_custom_challenge

"""``USER_AUTH``: choice-based sign-in (spec §3.7).

The pool's ``SignInPolicy`` names the first factors it allows (``PASSWORD`` always; with the
Essentials tier also ``EMAIL_OTP`` and ``SMS_OTP``); the client must allow
``ALLOW_USER_AUTH``.  Without ``PREFERRED_CHALLENGE`` (or when the preferred one is not
available to the user) the answer is ``SELECT_CHALLENGE`` with ``AvailableChallenges``: only
what this user can use (``PASSWORD``/``PASSWORD_SRP`` with a password, ``EMAIL_OTP`` with a
verified email, ``SMS_OTP`` with a verified phone number).  A password goes on like
``USER_PASSWORD_AUTH`` (MFA included), ``PASSWORD_SRP`` to ``PASSWORD_VERIFIER``, and an
OTP choice sends a code whose right answer signs the user in: a one-time code to the
user's own verified address is a possession factor, so no MFA follows it.  ``WEB_AUTHN``
(with a registered passkey) goes on in ``auth_passkeys``.
"""

from __future__ import annotations

import hashlib
import hmac
import uuid
from collections.abc import Mapping

import attrs

from cogkit.domain import _accounts as accounts
from cogkit.domain import auth_mfa, auth_passkeys, auth_srp, mfa, passkeys
from cogkit.domain.auth import AuthFlow, AuthResult, Challenge, _Attempt
from cogkit.domain.client import AppClient
from cogkit.domain.config import UserPoolConfig
from cogkit.domain.enums import AuthFactor, AuthFlowType, ChallengeName
from cogkit.errors import InvalidParameterError, NotAuthorizedError, UserNotFoundError
from cogkit.stores.records import SessionRecord

__all__: list[str] = []

#: What PREFERRED_CHALLENGE and a SELECT_CHALLENGE answer may name.
CHOICES = (
    ChallengeName.PASSWORD,
    ChallengeName.PASSWORD_SRP,
    ChallengeName.EMAIL_OTP,
    ChallengeName.SMS_OTP,
    ChallengeName.WEB_AUTHN,
)


def available(
    config: UserPoolConfig, attempt: _Attempt, *, passkey: bool = False
) -> list[ChallengeName]:
    """The first-factor challenges this user can answer, in Cognito's order (``passkey``:
    the user has a passkey it may sign in with)."""
    out: list[ChallengeName] = []
    for factor in mfa.configured_first_factors(config, attempt.user, passkey=passkey):
        if factor is AuthFactor.PASSWORD:
            out += [ChallengeName.PASSWORD, ChallengeName.PASSWORD_SRP]
        else:
            out.append(ChallengeName(factor.value))
    return out


def _choice(value: str, field: str) -> ChallengeName:
    if value not in {c.value for c in CHOICES}:
        allowed = ", ".join(c.value for c in CHOICES)
        raise InvalidParameterError(f"{field} must be one of {allowed}.", field=field)
    return ChallengeName(value)


def _user_auth_flow(
    flow: AuthFlow,
    config: UserPoolConfig,
    client: AppClient,
    params: Mapping[str, str],
    admin: bool,
    metadata: Mapping[str, str],
) -> AuthResult:
    username = flow._param(params, "USERNAME")
    client.check_secret_hash(username, params.get("SECRET_HASH"))
    preferred = params.get("PREFERRED_CHALLENGE")
    chosen = None if not preferred else _choice(preferred, "PREFERRED_CHALLENGE")
    record = flow._find(config, username)
    if record is None:
        if not client.prevents_user_existence_errors:
            raise UserNotFoundError("User does not exist.")
        flow._pre_authentication(config, client, None, username, metadata)
        return _simulated(flow, client, username, chosen, params)
    # InitiateAuth's ClientMetadata reaches PreAuthentication only (as validationData).
    flow._pre_authentication(config, client, record, username, metadata)
    attempt = _Attempt(config, client, record, admin, context=flow._start_context(params, admin))
    offered = available(config, attempt, passkey=passkeys.usable(flow._rt, config, record))
    if chosen is not None and chosen in offered:
        return _start(flow, attempt, chosen, params)
    if not offered:
        raise NotAuthorizedError("Incorrect username or password.")
    result = flow._challenge(
        attempt, ChallengeName.SELECT_CHALLENGE, {}, {"available": [c.value for c in offered]}
    )
    assert result.challenge is not None
    return AuthResult(challenge=attrs.evolve(result.challenge, available=tuple(offered)))


def _start(
    flow: AuthFlow, attempt: _Attempt, chosen: ChallengeName, given: Mapping[str, str]
) -> AuthResult:
    """Begins the chosen first factor; a password or SRP_A given with the choice is used
    right away."""
    if chosen is ChallengeName.PASSWORD:
        password = given.get("PASSWORD")
        if not password:
            return flow._challenge(attempt, ChallengeName.PASSWORD, {})
        return _password(flow, attempt, password)
    if chosen is ChallengeName.PASSWORD_SRP:
        srp_a = given.get("SRP_A")
        if not srp_a:
            return flow._challenge(attempt, ChallengeName.PASSWORD_SRP, {})
        return auth_srp.password_verifier(flow, attempt, srp_a)
    record = attempt.user
    if accounts.is_locked(record, flow._rt.now()):
        raise NotAuthorizedError("Password attempts exceeded")
    if not record.enabled:
        raise NotAuthorizedError("User is disabled.")
    if chosen is ChallengeName.WEB_AUTHN:
        # fidelity: the API reference shows SELECT_CHALLENGE answered with WEB_AUTHN and a
        # CREDENTIAL at once; no challenge was handed out to sign yet, so cogkit answers
        # with the WEB_AUTHN challenge (as the SDKs expect) and ignores such a CREDENTIAL.
        return auth_passkeys.challenge(flow, attempt)
    return auth_mfa.send_code(flow, attempt, chosen, kind="first_factor")


def _password(flow: AuthFlow, attempt: _Attempt, password: str) -> AuthResult:
    record = flow._check_password(
        attempt.config, attempt.client, attempt.user, password, sign_in=True
    )
    return flow._after_first_factor(attrs.evolve(attempt, user=record))


def _simulated(
    flow: AuthFlow,
    client: AppClient,
    typed: str,
    chosen: ChallengeName | None,
    params: Mapping[str, str],
) -> AuthResult:
    """An unknown user with PreventUserExistenceErrors: answers as for a real one with a
    password, and fails at the answer like a wrong password."""
    password = params.get("PASSWORD")
    if chosen is ChallengeName.PASSWORD and password:
        flow._rt.hasher.burn(password)
        raise NotAuthorizedError("Incorrect username or password.")
    if chosen is ChallengeName.PASSWORD_SRP and params.get("SRP_A"):
        return auth_srp._simulated_challenge(flow, client, typed, params["SRP_A"])
    rt = flow._rt
    seed = hmac.new(
        rt.srp(flow.pool.id).key, f"{flow.pool.id}\0{typed}".encode(), hashlib.sha256
    ).digest()
    fake_user = str(uuid.UUID(bytes=seed[:16], version=4))
    offered = [ChallengeName.PASSWORD, ChallengeName.PASSWORD_SRP]
    session = rt.tokens.new_session()
    flow._open_session(
        session, client, fake_user, ChallengeName.SELECT_CHALLENGE, {"simulated": True}
    )
    challenge = Challenge(
        ChallengeName.SELECT_CHALLENGE, {"USER_ID_FOR_SRP": fake_user}, session, tuple(offered)
    )
    return AuthResult(challenge=challenge)


def _answer_select(
    flow: AuthFlow, attempt: _Attempt, stored: SessionRecord, answers: Mapping[str, str]
) -> AuthResult:
    """SELECT_CHALLENGE: ``ANSWER`` is one of ``AvailableChallenges``, with ``PASSWORD`` or
    ``SRP_A`` when it needs one."""
    chosen = _choice(flow._param(answers, "ANSWER"), "ANSWER")
    if chosen.value not in stored.state.get("available", ()):
        raise InvalidParameterError(
            f"The {chosen.value} challenge is not available to the user.", field="ANSWER"
        )
    flow._take(stored)
    return _start(flow, attempt, chosen, answers)


def _answer_password(
    flow: AuthFlow, attempt: _Attempt, stored: SessionRecord, answers: Mapping[str, str]
) -> AuthResult:
    password = flow._param(answers, "PASSWORD")
    flow._take(stored)
    return _password(flow, attempt, password)


def _answer_password_srp(
    flow: AuthFlow, attempt: _Attempt, stored: SessionRecord, answers: Mapping[str, str]
) -> AuthResult:
    srp_a = flow._param(answers, "SRP_A")
    flow._take(stored)
    return auth_srp.password_verifier(flow, attempt, srp_a)


AuthFlow.FLOWS[AuthFlowType.USER_AUTH] = _user_auth_flow
AuthFlow.CHALLENGES.update(
    {
        ChallengeName.SELECT_CHALLENGE: _answer_select,
        ChallengeName.PASSWORD: _answer_password,
        ChallengeName.PASSWORD_SRP: _answer_password_srp,
    }
)

"""``USER_SRP_AUTH`` and its ``PASSWORD_VERIFIER`` challenge (spec §3.2, §4).

The client proves it knows the password without sending it: ``InitiateAuth`` carries
``SRP_A``; the challenge sends ``SALT``, ``SRP_B`` and a ``SECRET_BLOCK`` (sealed by
``cogkit.services.srp.SrpService``, bound to the pool and the user); the answer's
``PASSWORD_CLAIM_SIGNATURE`` is checked against the user's SRP verifier, which is made at
every password set.  A wrong signature counts toward lockout like a wrong password.
"""

from __future__ import annotations

import hashlib
import hmac
import uuid
from collections.abc import Mapping

import attrs

from cogkit.domain import _accounts as accounts
from cogkit.domain import events
from cogkit.domain.auth import AuthFlow, AuthResult, Challenge, _Attempt, secret_block_key
from cogkit.domain.client import AppClient
from cogkit.domain.config import UserPoolConfig
from cogkit.domain.enums import AuthFlowType, ChallengeName, UserStatus
from cogkit.errors import (
    InvalidParameterError,
    NotAuthorizedError,
    PasswordResetRequiredError,
    UserNotFoundError,
)
from cogkit.services import srp as srp_math
from cogkit.stores.records import SessionRecord, UserRecord

__all__: list[str] = []


def _srp_flow(
    flow: AuthFlow,
    config: UserPoolConfig,
    client: AppClient,
    params: Mapping[str, str],
    admin: bool,
    metadata: Mapping[str, str],
) -> AuthResult:
    """USER_SRP_AUTH: answer ``SRP_A`` with the ``PASSWORD_VERIFIER`` challenge."""
    username = flow._param(params, "USERNAME")
    srp_a = flow._param(params, "SRP_A")
    client.check_secret_hash(username, params.get("SECRET_HASH"))
    record = flow._find(config, username)
    if record is None:
        if not client.prevents_user_existence_errors:
            raise UserNotFoundError("User does not exist.")
        flow._pre_authentication(config, client, None, username, metadata)
        return _simulated_challenge(flow, client, username, srp_a)
    # PreAuthentication runs at InitiateAuth, before the verifier challenge.
    flow._pre_authentication(config, client, record, username, metadata)
    attempt = _Attempt(config, client, record, admin, context=flow._start_context(params, admin))
    return password_verifier(flow, attempt, srp_a)


def password_verifier(flow: AuthFlow, attempt: _Attempt, srp_a: str) -> AuthResult:
    """The ``PASSWORD_VERIFIER`` challenge for a found user's ``SRP_A`` (after the lockout
    and disabled gates); USER_SRP_AUTH and USER_AUTH's PASSWORD_SRP both end here."""
    rt, record, client = flow._rt, attempt.user, attempt.client
    if accounts.is_locked(record, rt.now()):
        raise NotAuthorizedError("Password attempts exceeded")
    if not record.enabled:
        raise NotAuthorizedError("User is disabled.")
    verifier = record.extra.get("srp")
    if not isinstance(verifier, Mapping):
        # No password to prove (an imported user awaiting a reset).
        if record.status == UserStatus.RESET_REQUIRED and not client.prevents_user_existence_errors:
            raise PasswordResetRequiredError("Password reset required for the user")
        return _simulated_challenge(flow, client, record.username, srp_a)
    challenge = _issue(
        flow,
        record.pool_id,
        record.username,
        str(verifier["salt"]),
        str(verifier["verifier"]),
        srp_a,
    )
    return flow._challenge(
        attempt,
        ChallengeName.PASSWORD_VERIFIER,
        {
            "SALT": challenge.salt,
            "SRP_B": challenge.srp_b,
            "SECRET_BLOCK": challenge.secret_block,
            "USERNAME": record.username,
        },
        key=challenge.secret_block,
    )


def _issue(
    flow: AuthFlow, pool_id: str, username: str, salt: str, verifier: str, srp_a: str
) -> srp_math.SrpChallenge:
    try:
        return flow._rt.srp(pool_id).user_challenge(
            pool_id=pool_id,
            username=username,
            salt_hex=salt,
            verifier_hex=verifier,
            srp_a=srp_a,
            now=flow._rt.now(),
        )
    except srp_math.SrpParameterError as exc:
        raise InvalidParameterError(f"SRP_A {exc.message}", field="SRP_A") from None


def _simulated_challenge(flow: AuthFlow, client: AppClient, typed: str, srp_a: str) -> AuthResult:
    """A PASSWORD_VERIFIER for a user who does not exist (PreventUserExistenceErrors).

    Salt, verifier and USER_ID_FOR_SRP are derived from the typed name under the pool's
    SRP key, so asking twice for the same name gives the same salt and id, as it would for
    a real user.  No answer can pass: the verifier belongs to no password.
    """
    rt = flow._rt
    pool_id = flow.pool.id
    seed = hmac.new(rt.srp(pool_id).key, f"{pool_id}\0{typed}".encode(), hashlib.sha256).digest()
    fake_user = str(uuid.UUID(bytes=seed[:16], version=4))
    salt = seed[16:].hex()
    fake_verifier = format(srp_math.g_pow(int.from_bytes(seed, "big")), "x")
    challenge = _issue(flow, pool_id, fake_user, salt, fake_verifier, srp_a)
    flow._open_session(
        challenge.secret_block,
        client,
        fake_user,
        ChallengeName.PASSWORD_VERIFIER,
        {"simulated": True},
    )
    params = {
        "SALT": challenge.salt,
        "SRP_B": challenge.srp_b,
        "SECRET_BLOCK": challenge.secret_block,
        "USERNAME": fake_user,
        "USER_ID_FOR_SRP": fake_user,
    }
    return AuthResult(challenge=Challenge(ChallengeName.PASSWORD_VERIFIER, params, None))


def _answer_password_verifier(
    flow: AuthFlow, attempt: _Attempt, stored: SessionRecord, answers: Mapping[str, str]
) -> AuthResult:
    """PASSWORD_VERIFIER: check the signature, then continue as after a correct password
    (within CUSTOM_AUTH, DefineAuthChallenge decides what follows, right or wrong)."""
    block = flow._param(answers, "PASSWORD_CLAIM_SECRET_BLOCK")
    signature = flow._param(answers, "PASSWORD_CLAIM_SIGNATURE")
    timestamp = flow._param(answers, "TIMESTAMP")
    rt = flow._rt
    record: UserRecord = attempt.user
    # One answer per challenge, right or wrong: a captured block cannot be tried again.
    flow._take(stored)
    if accounts.is_locked(record, rt.now()):
        raise NotAuthorizedError("Password attempts exceeded")
    proved = rt.srp(record.pool_id).verify_user(
        pool_id=record.pool_id,
        username=record.username,
        secret_block=block,
        timestamp=timestamp,
        signature=signature,
        now=rt.now(),
    )
    custom = "custom_auth" in stored.state
    if not proved:
        accounts.record_failure(rt, attempt.config, record)
        if custom:
            return _custom_auth_goes_on(flow, attempt, stored, proved=False)
        events.sign_in_failed(rt, attempt, events.PASSWORD)
        raise NotAuthorizedError("Incorrect username or password.")
    passed = events.password_passed(attrs.evolve(attempt, user=record))
    if custom:
        return _custom_auth_goes_on(flow, passed, stored, proved=True)
    # The failure count clears when the sign-in completes (after MFA, if any).
    return flow._after_first_factor(passed)


def _custom_auth_goes_on(
    flow: AuthFlow, attempt: _Attempt, stored: SessionRecord, *, proved: bool
) -> AuthResult:
    from cogkit.domain import auth_custom

    return auth_custom.after_password_verifier(flow, attempt, stored, proved=proved)


AuthFlow.FLOWS[AuthFlowType.USER_SRP_AUTH] = _srp_flow
AuthFlow.CHALLENGES[ChallengeName.PASSWORD_VERIFIER] = _answer_password_verifier
AuthFlow.SESSION_KEYS[ChallengeName.PASSWORD_VERIFIER] = secret_block_key

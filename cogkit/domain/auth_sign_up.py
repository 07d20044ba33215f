"""Passwordless sign-up and signing in right after confirming (spec §3.5, §3.7, §7.6).

A pool whose ``SignInPolicy`` allows a one-time-code first factor lets ``SignUp`` omit the
password (or send a blank one) when the app client allows ``ALLOW_USER_AUTH`` and the user
gives an address for an allowed code factor that the pool auto-verifies: an email for
``EMAIL_OTP``, a phone number for ``SMS_OTP``.  Such a user has no password hash and no SRP
verifier; the password flows fail for it as for a wrong password, ``ChangePassword`` sets a
first password without ``PreviousPassword``, and ``AdminSetUserPassword`` or a password
reset give it one too.

Sign-in after sign-up, through a client that allows ``USER_AUTH``: ``SignUp`` (for a user
awaiting confirmation) returns a session that ``ConfirmSignUp`` may carry; ``ConfirmSignUp``
returns a session that
``InitiateAuth``/``AdminInitiateAuth`` with ``AuthFlow=USER_AUTH``, the user's ``USERNAME``
and that ``Session`` turn into tokens: the confirmation code already proved the user's
email or phone, so no other factor is asked (the code stands for MFA too, as a passwordless
code does).  The sessions are kept like challenge sessions (by digest, single use, through
the same client, living ``AuthSessionValidity`` minutes) under their own markers, so no
``RespondToAuthChallenge`` takes them and no other session signs in this way.
"""

from __future__ import annotations

from collections.abc import Mapping

from cogkit.domain import _accounts as accounts
from cogkit.domain.auth import AuthFlow, AuthResult, _Attempt
from cogkit.domain.client import AppClient
from cogkit.domain.config import UserPoolConfig
from cogkit.domain.enums import AuthFactor, AuthFlowType, ExplicitAuthFlow, VerifiedAttribute
from cogkit.errors import InvalidParameterError, NotAuthorizedError
from cogkit.stores.records import SessionRecord, UserRecord

__all__: list[str] = []

#: What the sign-up sessions are kept as (beside the challenge names of sign-in sessions).
SIGN_UP = "SIGN_UP"
CONFIRMED = "CONFIRM_SIGN_UP"

#: The one-time-code first factors a passwordless user can sign in with, and where to.
_CODE_FACTORS = (
    (AuthFactor.EMAIL_OTP, VerifiedAttribute.EMAIL),
    (AuthFactor.SMS_OTP, VerifiedAttribute.PHONE_NUMBER),
)
_INVALID = "Invalid session for the user."


def check_passwordless(
    config: UserPoolConfig, client: AppClient, attributes: Mapping[str, str]
) -> None:
    """Refuses a sign-up without a password unless the new user could sign in with a code.

    Cognito's conditions: passwordless sign-in active in the pool and the app client, and
    an attribute for an allowed code factor that the pool verifies automatically (so the
    confirmation code proves it).  ``WEB_AUTHN`` alone does not qualify: a passkey is
    registered by a user already signed in.
    """
    allowed = config.sign_in_policy.allowed_first_auth_factors
    verified = set(config.auto_verified_attributes)
    usable = [
        factor
        for factor, attribute in _CODE_FACTORS
        if factor in allowed and attribute in verified and attributes.get(attribute.value)
    ]
    if not usable or not client.allows(ExplicitAuthFlow.ALLOW_USER_AUTH):
        # fidelity: Cognito's error text for a sign-up without a password where
        # passwordless sign-in is unavailable is unverified; cogkit answers
        # InvalidParameterException naming the missing password.
        raise InvalidParameterError(
            "Password is required for sign-up in this user pool.", field="password"
        )


def _open(flow: AuthFlow, client: AppClient, record: UserRecord, marker: str) -> str | None:
    # fidelity: Cognito does not say whether clients without ALLOW_USER_AUTH get these
    # sessions; cogkit gives them only to clients that can sign in with them.
    if not client.allows(ExplicitAuthFlow.ALLOW_USER_AUTH):
        return None
    session = flow._rt.tokens.new_session()
    flow._open_session(session, client, record.username, marker, {"sub": record.sub})
    return session


def sign_up_session(flow: AuthFlow, client: AppClient, record: UserRecord) -> str | None:
    """The ``Session`` of a ``SignUp`` whose user awaits confirmation (``None`` for a
    client without ``ALLOW_USER_AUTH``)."""
    return _open(flow, client, record, SIGN_UP)


def confirmed_session(flow: AuthFlow, client: AppClient, record: UserRecord) -> str | None:
    """The ``Session`` of a successful ``ConfirmSignUp``: one sign-in without a factor
    (``None`` for a client without ``ALLOW_USER_AUTH``)."""
    return _open(flow, client, record, CONFIRMED)


def _stored(
    flow: AuthFlow, client: AppClient, session: str, marker: str, record: UserRecord | None
) -> SessionRecord:
    """The live session ``session`` of kind ``marker`` for ``record`` through ``client``."""
    stored = flow._live_session(session, (marker,), client=client)
    if (
        record is None
        or record.username != stored.username
        or record.sub != stored.state.get("sub")
    ):
        # A session belongs to one user: another name (or a user since re-created under
        # the same name) cannot use it.
        raise NotAuthorizedError(_INVALID)
    return stored


def check_sign_up_session(
    flow: AuthFlow, client: AppClient, session: str, record: UserRecord
) -> SessionRecord:
    """``ConfirmSignUp``'s ``Session``: the one its user's ``SignUp`` returned."""
    # fidelity: Cognito does not document what ConfirmSignUp does with a stale or foreign
    # SignUp session; cogkit refuses it like any session (the confirmation needs none).
    return _stored(flow, client, session, SIGN_UP, record)


def _user_auth_with_session(
    flow: AuthFlow,
    config: UserPoolConfig,
    client: AppClient,
    params: Mapping[str, str],
    admin: bool,
    metadata: Mapping[str, str],
    session: str,
) -> AuthResult:
    """USER_AUTH with ``ConfirmSignUp``'s session: tokens for the user it confirmed."""
    # fidelity: Cognito accepts the session only for a user's first sign-in; cogkit keeps
    # no sign-in history, so the single-use session signs in once within its validity
    # even if the user signed in another way meanwhile.
    username = flow._param(params, "USERNAME")
    client.check_secret_hash(username, params.get("SECRET_HASH"))
    record = flow._find(config, username)
    stored = _stored(flow, client, session, CONFIRMED, record)
    assert record is not None
    # InitiateAuth's ClientMetadata reaches PreAuthentication only (as validationData).
    flow._pre_authentication(config, client, record, username, metadata)
    if accounts.is_locked(record, flow._rt.now()):
        raise NotAuthorizedError("Password attempts exceeded")
    if not record.enabled:
        raise NotAuthorizedError("User is disabled.")
    flow._take(stored)
    # The confirmation code was a one-time code to the user's own address: it is the
    # first factor and, like a passwordless code, stands for MFA too (spec §3.3).
    context = {**flow._start_context(params, admin), "mfa_done": True}
    return flow._after_first_factor(_Attempt(config, client, record, admin, context=context))


AuthFlow.SESSION_FLOWS[AuthFlowType.USER_AUTH] = _user_auth_with_session

"""MFA at sign-in: ``SMS_MFA``, ``SOFTWARE_TOKEN_MFA``, ``EMAIL_OTP``, ``SELECT_MFA_TYPE``
and ``MFA_SETUP`` (spec §3.2, §3.3 step 7, §8), and the one-time codes they share with
passwordless sign-in (``EMAIL_OTP``/``SMS_OTP`` first factors).

The MFA step runs after the first factor (and after device authentication, which a
remembered device can end it with) in every sign-in path: password, SRP, the
``NEW_PASSWORD_REQUIRED`` answer and the admin flows.  Pool ``OFF``: no MFA.  ``OPTIONAL``:
a challenge when the user enabled a factor the pool offers.  ``ON``: always; a user
without a factor gets SMS or email codes when it has a phone number or email the pool can
use, otherwise ``MFA_SETUP``.  The preferred factor wins; several enabled and none
preferred: ``SELECT_MFA_TYPE``.

SMS and email codes are sent through ``messages.send_code`` (``Purpose.AUTHENTICATION``),
kept as digests, bound to the session that asked for them and valid as long as it
(``AuthSessionValidity``).  A wrong code, SMS, email or TOTP, counts toward the user's
lockout like a wrong password (spec §11.4); ``MAX_CODE_ATTEMPTS`` wrong codes end the
session.  A TOTP code is never accepted twice: the step of the last accepted code is kept.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

import attrs

from cogkit.domain import _accounts as accounts
from cogkit.domain import messages, mfa
from cogkit.domain.auth import AuthFlow, AuthResult, _Attempt
from cogkit.domain.enums import ChallengeName, MfaConfiguration, MfaFactor
from cogkit.errors import (
    CodeMismatchError,
    ExpiredCodeError,
    InvalidParameterError,
    MFAMethodNotFoundError,
    NotAuthorizedError,
    SoftwareTokenMFANotFoundError,
)
from cogkit.services import totp
from cogkit.services.codes import codes_match, secret_digest
from cogkit.services.delivery import Channel, Purpose
from cogkit.stores.records import SessionRecord, UserRecord

__all__: list[str] = []

MFA_STEP = 50
#: Where sign-in codes are kept (one outstanding code per user, bound to its session).
CODE_PURPOSE = "authentication"
#: Wrong codes one session may try before it is used up.
# fidelity: Cognito's limit on MFA code attempts per session is undocumented; cogkit ends
# the session after three wrong codes (each also counts toward the user's lockout).
MAX_CODE_ATTEMPTS = 3
CODE_MISMATCH = "Invalid code or auth state for the user."
_SIX_DIGITS = re.compile(r"[0-9]{6}")

#: The challenges a code goes out with, and where to.
_CODE_CHALLENGES = {
    ChallengeName.SMS_MFA: "phone_number",
    ChallengeName.SMS_OTP: "phone_number",
    ChallengeName.EMAIL_OTP: "email",
}


# -- sending and checking codes --------------------------------------------------------


def send_code(
    flow: AuthFlow,
    attempt: _Attempt,
    name: ChallengeName,
    *,
    kind: str,
    to: UserRecord | None = None,
    state: Mapping[str, Any] | None = None,
) -> AuthResult:
    """Opens the ``name`` challenge and sends its code.

    ``kind`` says what the code proves: ``"mfa"``, ``"first_factor"`` (passwordless) or
    ``"setup"`` (an email being set up for MFA); ``to`` is the user as the code's
    destination should read it (an address not yet stored).
    """
    attribute = _CODE_CHALLENGES[name]
    target = to or attempt.user
    destination = target.attributes[attribute]
    channel = messages.channel_for(attribute)
    result = flow._challenge(
        attempt,
        name,
        {
            "CODE_DELIVERY_DELIVERY_MEDIUM": channel.value,
            "CODE_DELIVERY_DESTINATION": messages.masked(attribute, destination),
        },
        {"otp": kind, **(state or {})},
    )
    assert result.challenge is not None and result.challenge.session is not None
    config = attempt.config
    if channel is Channel.SMS:
        template: tuple[str, str | None] = (mfa.sms_message(config), None)
    else:
        template = (config.mfa_factors.email_message, config.mfa_factors.email_subject)
    messages.send_code(
        flow._rt,
        config,
        target,
        attribute=attribute,
        purpose=Purpose.AUTHENTICATION,
        store_purpose=CODE_PURPOSE,
        ttl=attempt.client.settings.auth_session_validity * 60,
        extra={"session": secret_digest(result.challenge.session)},
        template=template,
        client_id=attempt.client.id,
        client_metadata=attempt.client_metadata,
    )
    return result


def _locked(flow: AuthFlow, record: UserRecord) -> None:
    if accounts.is_locked(record, flow._rt.now()):
        raise NotAuthorizedError("Password attempts exceeded")


def check_code(flow: AuthFlow, attempt: _Attempt, stored: SessionRecord, code: str) -> None:
    """Accepts the session's code (using session and code up) or raises Cognito's error;
    a wrong code counts toward lockout."""
    rt, record = flow._rt, attempt.user
    _locked(flow, record)
    found = rt.store.get_code(record.pool_id, record.username, CODE_PURPOSE)
    if found is None or found.extra.get("session") != stored.digest or rt.now() >= found.expires_at:
        # Replaced by a later sign-in's code, or already used.
        raise ExpiredCodeError("Invalid code provided, please request a code again.")
    if found.attempts >= MAX_CODE_ATTEMPTS:
        rt.store.take_session(stored.digest)
        raise NotAuthorizedError("Invalid session for the user.")
    if not codes_match(code, found.salt, found.digest):
        tried = rt.store.add_code_attempt(
            record.pool_id, record.username, CODE_PURPOSE, found.digest
        )
        accounts.record_failure(rt, attempt.config, record)
        if tried >= MAX_CODE_ATTEMPTS:
            rt.store.take_session(stored.digest)
        raise CodeMismatchError(CODE_MISMATCH)
    flow._take(stored)
    rt.store.take_code(record.pool_id, record.username, CODE_PURPOSE, found.digest)


def _passed(flow: AuthFlow, attempt: _Attempt, record: UserRecord, kind: Any) -> AuthResult:
    """A code or TOTP was right: MFA is done; a passwordless first factor goes on to the
    status gates (it stands for MFA too)."""
    context = {**attempt.context, "mfa_done": True}
    following = attrs.evolve(attempt, user=record, context=context)
    if kind == "first_factor":
        return flow._after_first_factor(following)
    return flow._complete(following)


def _cleared(flow: AuthFlow, attempt: _Attempt, **attributes: str) -> UserRecord:
    """The user with its failure count cleared and ``attributes`` set."""

    def change(current: UserRecord) -> UserRecord | None:
        cleared = accounts.clear_failures(current) or current
        if attributes and any(current.attributes.get(k) != val for k, val in attributes.items()):
            cleared = attrs.evolve(
                cleared,
                attributes={**current.attributes, **attributes},
                modified_at=flow._rt.now(),
            )
        return None if cleared is current else cleared

    return accounts.mutate(
        flow._rt, attempt.config, attempt.user.pool_id, attempt.user.username, change
    )


# -- the MFA step ----------------------------------------------------------------------


def factor_challenge(flow: AuthFlow, attempt: _Attempt, factor: MfaFactor) -> AuthResult:
    """The challenge of one second factor."""
    if factor is MfaFactor.SOFTWARE_TOKEN_MFA:
        name = mfa.totp_state(attempt.user).get("name")
        parameters = {"FRIENDLY_DEVICE_NAME": str(name)} if name else {}
        return flow._challenge(attempt, ChallengeName.SOFTWARE_TOKEN_MFA, parameters)
    return send_code(flow, attempt, ChallengeName(factor.value), kind="mfa")


def _mfa_step(flow: AuthFlow, attempt: _Attempt) -> AuthResult | _Attempt:
    context, config, user = attempt.context, attempt.config, attempt.user
    if (
        config.mfa_configuration is MfaConfiguration.OFF
        or context.get("mfa_done")
        or context.get("device_trusted")
    ):
        return attempt
    offered = config.mfa_factors.enabled
    usable = [f for f in mfa.enabled_factors(user) if f in offered and mfa.has_destination(user, f)]
    required = config.mfa_configuration is MfaConfiguration.ON
    if not usable and required:
        # MFA is required and the user chose nothing: codes go to the phone or email it
        # has (SMS MFA works with an unverified number and verifies it).
        usable = [
            f
            for f in (MfaFactor.SMS_MFA, MfaFactor.EMAIL_OTP)
            if f in offered and mfa.has_destination(user, f)
        ]
    if not usable:
        if not required:
            return attempt
        return flow._challenge(
            attempt,
            ChallengeName.MFA_SETUP,
            {"MFAS_CAN_SETUP": json.dumps([f.value for f in offered])},
        )
    preferred = mfa.preferred_factor(user)
    if preferred in usable:
        assert preferred is not None
        return factor_challenge(flow, attempt, preferred)
    if len(usable) == 1:
        return factor_challenge(flow, attempt, usable[0])
    choices = [f.value for f in usable]
    return flow._challenge(
        attempt,
        ChallengeName.SELECT_MFA_TYPE,
        {"MFAS_CAN_CHOOSE": json.dumps(choices)},
        {"choices": choices},
    )


# -- answers ---------------------------------------------------------------------------


def _answer_sms(
    flow: AuthFlow, attempt: _Attempt, stored: SessionRecord, answers: Mapping[str, str]
) -> AuthResult:
    """SMS_MFA (and SMS_OTP): the code texted to the user; it verifies the phone number."""
    key = "SMS_MFA_CODE" if stored.challenge == ChallengeName.SMS_MFA else "SMS_OTP_CODE"
    check_code(flow, attempt, stored, flow._param(answers, key))
    record = _cleared(flow, attempt, phone_number_verified="true")
    return _passed(flow, attempt, record, stored.state.get("otp"))


def _answer_email(
    flow: AuthFlow, attempt: _Attempt, stored: SessionRecord, answers: Mapping[str, str]
) -> AuthResult:
    """EMAIL_OTP: a code emailed as a second factor, a first factor, or to set email MFA up."""
    check_code(flow, attempt, stored, flow._param(answers, "EMAIL_OTP_CODE"))
    kind = stored.state.get("otp")
    if kind != "setup":
        return _passed(flow, attempt, _cleared(flow, attempt), kind)
    address = str(stored.state.get("email"))

    def set_up(current: UserRecord) -> UserRecord:
        updated = attrs.evolve(
            current,
            attributes={**current.attributes, "email": address, "email_verified": "true"},
            modified_at=flow._rt.now(),
        )
        updated = accounts.clear_failures(updated) or updated
        enabled = {*mfa.enabled_factors(current), MfaFactor.EMAIL_OTP}
        return mfa.with_factors(
            updated, enabled, mfa.preferred_factor(current) or MfaFactor.EMAIL_OTP
        )

    record = accounts.mutate(flow._rt, attempt.config, flow.pool.id, attempt.user.username, set_up)
    return _passed(flow, attempt, record, "mfa")


def _answer_totp(
    flow: AuthFlow, attempt: _Attempt, stored: SessionRecord, answers: Mapping[str, str]
) -> AuthResult:
    """SOFTWARE_TOKEN_MFA: the authenticator app's code, one step of skew either way, never
    a code of a step already used."""
    code = flow._param(answers, "SOFTWARE_TOKEN_MFA_CODE")
    rt, config, user = flow._rt, attempt.config, attempt.user
    _locked(flow, user)
    now = rt.now()

    def accept(current: UserRecord) -> UserRecord:
        state = mfa.totp_state(current)
        secret = state.get("secret")
        if not secret:
            raise SoftwareTokenMFANotFoundError("Software token MFA is not set up for the user.")
        step = None
        if _SIX_DIGITS.fullmatch(code):
            step = totp.matching_step(str(secret), code, now, after=state.get("last_step"))
        if step is None:
            raise CodeMismatchError(CODE_MISMATCH)
        return mfa.with_totp(accounts.clear_failures(current) or current, last_step=step)

    try:
        record = accounts.mutate(rt, config, user.pool_id, user.username, accept)
    except CodeMismatchError:
        accounts.record_failure(rt, config, user)
        raise
    flow._take(stored)
    return _passed(flow, attempt, record, "mfa")


def _answer_select_mfa(
    flow: AuthFlow, attempt: _Attempt, stored: SessionRecord, answers: Mapping[str, str]
) -> AuthResult:
    """SELECT_MFA_TYPE: ``ANSWER`` names one of ``MFAS_CAN_CHOOSE`` (``EMAIL_MFA``, as the
    API reference spells it, means ``EMAIL_OTP``)."""
    answer = flow._param(answers, "ANSWER")
    answer = "EMAIL_OTP" if answer == "EMAIL_MFA" else answer
    if answer not in stored.state.get("choices", ()):
        raise MFAMethodNotFoundError(f"The MFA method {answer} is not available to the user.")
    flow._take(stored)
    return factor_challenge(flow, attempt, MfaFactor(answer))


def _answer_mfa_setup(
    flow: AuthFlow, attempt: _Attempt, stored: SessionRecord, answers: Mapping[str, str]
) -> AuthResult:
    """MFA_SETUP: after ``verify_software_token`` with this challenge's session, TOTP is
    turned on (and preferred when nothing is) and the sign-in goes on.  Answering with
    ``EMAIL`` sets email MFA up instead: a code goes to that address (EMAIL_OTP)."""
    config, rt = attempt.config, flow._rt
    email = answers.get("EMAIL")
    if email is not None:
        if MfaFactor.EMAIL_OTP not in config.mfa_factors.enabled:
            raise InvalidParameterError(
                "Email MFA is not enabled for this user pool.", field="EMAIL"
            )
        checked = accounts.check_attributes(
            config, {"email": email}, client=attempt.client, creating=False
        )
        flow._take(stored)
        target = attrs.evolve(
            attempt.user, attributes={**attempt.user.attributes, "email": checked["email"]}
        )
        return send_code(
            flow,
            attempt,
            ChallengeName.EMAIL_OTP,
            kind="setup",
            to=target,
            state={"email": checked["email"]},
        )
    if not stored.state.get("verified"):
        raise SoftwareTokenMFANotFoundError(
            "Verify a software token with this session (VerifySoftwareToken) first."
        )
    flow._take(stored)

    def enable(current: UserRecord) -> UserRecord:
        enabled = {*mfa.enabled_factors(current), MfaFactor.SOFTWARE_TOKEN_MFA}
        preferred = mfa.preferred_factor(current) or MfaFactor.SOFTWARE_TOKEN_MFA
        return mfa.with_factors(current, enabled, preferred)

    record = accounts.mutate(rt, config, flow.pool.id, attempt.user.username, enable)
    return _passed(flow, attempt, record, "mfa")


AuthFlow.STEPS.append((MFA_STEP, _mfa_step))
AuthFlow.CHALLENGES.update(
    {
        ChallengeName.SMS_MFA: _answer_sms,
        ChallengeName.SMS_OTP: _answer_sms,
        ChallengeName.EMAIL_OTP: _answer_email,
        ChallengeName.SOFTWARE_TOKEN_MFA: _answer_totp,
        ChallengeName.SELECT_MFA_TYPE: _answer_select_mfa,
        ChallengeName.MFA_SETUP: _answer_mfa_setup,
    }
)

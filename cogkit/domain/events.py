"""Users' authentication events: the event history of threat protection (spec §11.3).

With ``advanced_security_mode="AUDIT"`` (``UserPoolAddOns``, a Plus-tier feature) a pool
records each user's sign-ins, sign-ups, password resets and changes and code resends:
when, through which app client, the outcome, the challenges answered on the way
(``Password``/``Mfa`` ``Success``/``Failure``) and the request's context (IP address,
device).  A sign-in is one event from the first factor to the tokens, and the tokens'
``event_id`` claim is its id.  Administrators list the events and mark them ``Valid`` or
``Invalid``; a user may do so with the event's feedback token.  Without the add-on nothing
is recorded, and the event operations answer ``UserPoolAddOnNotEnabledException``, as
Cognito's do.

The sign-in engine (``cogkit.domain.auth``) calls the hooks here at a few fixed points;
the request context comes from ``event_context`` (the AWS wire layer opens one with each
request's ``ContextData``/``UserContextData``).
"""

from __future__ import annotations

import base64
import contextlib
import contextvars
import datetime as _dt
import hashlib
import hmac
from collections.abc import Iterator, Mapping, Sequence
from enum import StrEnum
from typing import TYPE_CHECKING, Any

import attrs

from cogkit.domain import _accounts as accounts
from cogkit.domain import _paging
from cogkit.domain import _validate as v
from cogkit.domain._paging import Page
from cogkit.domain.config import UserPoolConfig
from cogkit.domain.enums import AdvancedSecurityMode, ChallengeName
from cogkit.domain.users import utc
from cogkit.errors import (
    InvalidParameterError,
    NotAuthorizedError,
    ResourceNotFoundError,
    StoreConflictError,
    UserPoolAddOnNotEnabledError,
)
from cogkit.stores.records import AuthEventRecord, PoolRecord, UserRecord

if TYPE_CHECKING:
    from cogkit.domain._runtime import Runtime
    from cogkit.domain.auth import _Attempt
    from cogkit.domain.client import AppClient

__all__ = [
    "AuthEvent",
    "EventContext",
    "EventResponse",
    "EventType",
    "FeedbackValue",
    "event_context",
]

#: Challenges whose answer is a second factor: an answer to them is an ``Mfa`` response.
MFA_CHALLENGES = frozenset(
    {ChallengeName.SMS_MFA, ChallengeName.SOFTWARE_TOKEN_MFA, ChallengeName.EMAIL_OTP}
)
PASSWORD = "Password"
MFA = "Mfa"
SUCCESS = "Success"
FAILURE = "Failure"
EVENT_ID_PATTERN = r"[\w+-]+"


class EventType(StrEnum):
    """``EventType`` of ``AuthEventType``."""

    SIGN_IN = "SignIn"
    SIGN_UP = "SignUp"
    FORGOT_PASSWORD = "ForgotPassword"
    PASSWORD_CHANGE = "PasswordChange"
    RESEND_CODE = "ResendCode"


class EventResponse(StrEnum):
    PASS = "Pass"
    FAIL = "Fail"
    IN_PROGRESS = "InProgress"


class FeedbackValue(StrEnum):
    VALID = "Valid"
    INVALID = "Invalid"


@attrs.frozen
class EventContext:
    """Where a request came from (``EventContextData``).

    ``trusted`` contexts come from the server (the admin APIs' ``ContextData``, or native
    code); a client's own ``UserContextData`` is trusted with its IP address only when its
    app client allows it (``enable_propagate_additional_user_context_data``).

    .. versionadded:: 0.1
    """

    ip_address: str | None = None
    device_name: str | None = None
    timezone: str | None = None
    city: str | None = None
    country: str | None = None
    trusted: bool = True


@attrs.frozen
class AuthEvent:
    """One authentication event of a user (Cognito's ``AuthEventType``).

    ``feedback_token`` is what Cognito puts in the links of its risk notification
    emails: ``UserPool.update_auth_event_feedback`` accepts it.

    .. versionadded:: 0.1
    """

    id: str
    type: EventType
    created_at: _dt.datetime
    response: EventResponse
    client_id: str | None = None
    #: ``(challenge, outcome)`` pairs: ``("Password", "Success")``, ``("Mfa", "Failure")``.
    challenge_responses: tuple[tuple[str, str], ...] = ()
    context: EventContext | None = None
    # fidelity: cogkit scores no risk; every event is NoRisk/Low, no compromised
    # credentials (threat protection's AUDIT mode records, it never acts on the score).
    risk_decision: str = "NoRisk"
    risk_level: str = "Low"
    compromised_credentials_detected: bool = False
    feedback_value: FeedbackValue | None = None
    feedback_provider: str | None = None
    feedback_date: _dt.datetime | None = None
    feedback_token: str = attrs.field(default="", repr=False)


_CONTEXT: contextvars.ContextVar[EventContext | None] = contextvars.ContextVar(
    "cogkit_event_context", default=None
)


@contextlib.contextmanager
def event_context(
    *,
    ip_address: str | None = None,
    device_name: str | None = None,
    timezone: str | None = None,
    city: str | None = None,
    country: str | None = None,
    trusted: bool = True,
) -> Iterator[EventContext]:
    """Auth events recorded inside the ``with`` block carry this context::

        with cogkit.event_context(ip_address="203.0.113.7", device_name="Firefox 126"):
            auth.initiate(client.id, "USER_PASSWORD_AUTH", USERNAME=..., PASSWORD=...)

    .. versionadded:: 0.1
    """
    for name, value in (
        ("ip_address", ip_address),
        ("device_name", device_name),
        ("timezone", timezone),
        ("city", city),
        ("country", country),
    ):
        if value is not None:
            v.string(name, value, max_len=131072)
    v.boolean("trusted", trusted)
    context = EventContext(ip_address, device_name, timezone, city, country, trusted)
    token = _CONTEXT.set(context)
    try:
        yield context
    finally:
        _CONTEXT.reset(token)


def recording(config: UserPoolConfig) -> bool:
    """Whether the pool records auth events (threat protection is on)."""
    return config.advanced_security_mode is not AdvancedSecurityMode.OFF


def _context_data(client: AppClient | None) -> dict[str, Any] | None:
    context = _CONTEXT.get()
    if context is None:
        return None
    data = {
        "ip_address": context.ip_address,
        "device_name": context.device_name,
        "timezone": context.timezone,
        "city": context.city,
        "country": context.country,
    }
    if not context.trusted and not (
        client is not None and client.settings.enable_propagate_additional_user_context_data
    ):
        # Cognito takes the IP address a client states only from app clients that allow
        # it (EnablePropagateAdditionalUserContextData, spec §11.2).
        data["ip_address"] = None
    kept: dict[str, Any] = {k: val for k, val in data.items() if val is not None}
    return {**kept, "trusted": context.trusted} if kept else None


# -- recording -------------------------------------------------------------------------


def record(
    rt: Runtime,
    config: UserPoolConfig,
    user: UserRecord,
    event_type: EventType,
    response: EventResponse = EventResponse.PASS,
    *,
    client: AppClient | None = None,
    challenges: Sequence[tuple[str, str]] = (),
    event_id: str | None = None,
) -> str | None:
    """Records one event of ``user``; its id, or ``None`` when the pool records none."""
    if not recording(config):
        return None
    event_id = event_id or rt.ids.uuid4()
    data: dict[str, Any] = {
        "type": event_type.value,
        "response": response.value,
        "client_id": None if client is None else client.id,
        "challenges": [list(pair) for pair in challenges],
    }
    context = _context_data(client)
    if context is not None:
        data["context"] = context
    try:
        rt.store.add_auth_event(
            AuthEventRecord(
                pool_id=user.pool_id,
                username=user.username,
                event_id=event_id,
                created_at=rt.now(),
                data=data,
            )
        )
    except StoreConflictError:
        # The user was deleted meanwhile: there is nobody to keep the event for.
        return event_id
    return event_id


def _append(
    rt: Runtime,
    pool_id: str,
    username: str,
    event_id: str,
    response: EventResponse,
    challenge: tuple[str, str] | None,
) -> None:
    """Adds a challenge outcome to a sign-in event and sets its response."""
    for _attempt in range(accounts.RETRIES):
        stored = rt.store.get_auth_event(pool_id, username, event_id)
        if stored is None:
            return
        data = dict(stored.data)
        challenges = [list(pair) for pair in data.get("challenges", ())]
        if challenge is not None:
            challenges.append(list(challenge))
        data["challenges"] = challenges
        data["response"] = response.value
        try:
            rt.store.update_auth_event(
                attrs.evolve(stored, data=data), expected_version=stored.version
            )
        except StoreConflictError:
            continue
        return


# -- sign-in hooks (called by cogkit.domain.auth) --------------------------------------


def password_passed(attempt: _Attempt) -> _Attempt:
    """The attempt, noting that its password (or SRP proof) was right."""
    return attrs.evolve(attempt, factors=(*attempt.factors, PASSWORD))


def _sign_in_event(rt: Runtime, attempt: _Attempt, response: EventResponse) -> str | None:
    return record(
        rt,
        attempt.config,
        attempt.user,
        EventType.SIGN_IN,
        response,
        client=attempt.client,
        challenges=[(factor, SUCCESS) for factor in attempt.factors],
    )


def sign_in_failed(rt: Runtime, attempt: _Attempt, factor: str) -> None:
    """A wrong password (``factor="Password"``) or MFA code (``"Mfa"``): the sign-in
    event fails."""
    if not recording(attempt.config):
        return
    if attempt.event_id is None:
        record(
            rt,
            attempt.config,
            attempt.user,
            EventType.SIGN_IN,
            EventResponse.FAIL,
            client=attempt.client,
            challenges=[*((f, SUCCESS) for f in attempt.factors), (factor, FAILURE)],
        )
        return
    _append(
        rt,
        attempt.user.pool_id,
        attempt.user.username,
        attempt.event_id,
        EventResponse.FAIL,
        (factor, FAILURE),
    )


def challenge_state(rt: Runtime, attempt: _Attempt) -> dict[str, str]:
    """Session state that carries the sign-in's event to the next answer; the event is
    recorded as in progress once a factor has passed."""
    if attempt.event_id is not None:
        return {"event_id": attempt.event_id}
    if not attempt.factors or not recording(attempt.config):
        return {}
    event_id = _sign_in_event(rt, attempt, EventResponse.IN_PROGRESS)
    return {} if event_id is None else {"event_id": event_id}


def answering(stored_state: Mapping[str, Any], name: ChallengeName) -> dict[str, Any]:
    """``_Attempt`` fields for an answer to challenge ``name`` in a session."""
    event_id = stored_state.get("event_id")
    return {"event_id": event_id if isinstance(event_id, str) else None, "answering": name}


def answer_failed(rt: Runtime, attempt: _Attempt) -> None:
    """A wrong code in answer to an MFA challenge."""
    if attempt.answering in MFA_CHALLENGES:
        sign_in_failed(rt, attempt, MFA)


def sign_in_succeeded(rt: Runtime, attempt: _Attempt) -> str:
    """The id of the completed sign-in's event (the tokens' ``event_id``), recorded as
    passed when the pool records events."""
    mfa = (MFA, SUCCESS) if attempt.answering in MFA_CHALLENGES else None
    if attempt.event_id is not None:
        if recording(attempt.config):
            _append(
                rt,
                attempt.user.pool_id,
                attempt.user.username,
                attempt.event_id,
                EventResponse.PASS,
                mfa,
            )
        return attempt.event_id
    passed = attrs.evolve(attempt, factors=(*attempt.factors, MFA) if mfa else attempt.factors)
    event_id = _sign_in_event(rt, passed, EventResponse.PASS)
    return event_id if event_id is not None else rt.ids.uuid4()


# -- reading and feedback --------------------------------------------------------------


def _feedback_key(rt: Runtime, pool_id: str) -> bytes:
    # Derived from the pool's SRP block key (itself derived from its first signing key):
    # every process sharing the store makes and checks the same tokens, none is stored.
    return hmac.new(rt.srp(pool_id).key, b"cogkit auth event feedback", hashlib.sha256).digest()


def make_feedback_token(rt: Runtime, pool_id: str, username: str, event_id: str) -> str:
    # fidelity: Cognito's feedback tokens come only in its risk notification emails,
    # which cogkit does not send; cogkit's are an HMAC of the event any caller can get
    # from ``AuthEvent.feedback_token``.
    mac = hmac.new(
        _feedback_key(rt, pool_id), f"{pool_id}\0{username}\0{event_id}".encode(), "sha256"
    ).digest()
    return base64.urlsafe_b64encode(mac).decode().rstrip("=")


def to_event(rt: Runtime, stored: AuthEventRecord) -> AuthEvent:
    data = stored.data
    context = data.get("context")
    feedback = data.get("feedback")
    return AuthEvent(
        id=stored.event_id,
        type=EventType(data["type"]),
        created_at=utc(stored.created_at),
        response=EventResponse(data["response"]),
        client_id=data.get("client_id"),
        challenge_responses=tuple(
            (str(name), str(outcome)) for name, outcome in data.get("challenges", ())
        ),
        context=None if not isinstance(context, Mapping) else EventContext(**context),
        feedback_value=None if not feedback else FeedbackValue(feedback["value"]),
        feedback_provider=None if not feedback else str(feedback["provider"]),
        feedback_date=None if not feedback else utc(float(feedback["date"])),
        feedback_token=make_feedback_token(rt, stored.pool_id, stored.username, stored.event_id),
    )


class AuthEvents:
    """Mixin of ``UserPool``: the auth event history (threat protection)."""

    id: str
    _rt: Runtime

    if TYPE_CHECKING:  # provided by UserPool

        def _state(self) -> tuple[PoolRecord, UserPoolConfig]: ...

    def _events_user(self, username: str) -> UserRecord:
        v.username(username)
        _record, config = self._state()
        if not recording(config):
            raise UserPoolAddOnNotEnabledError(
                "Threat protection (UserPoolAddOns AdvancedSecurityMode) is not enabled for "
                f"user pool {self.id}."
            )
        return accounts.require(self._rt, self.id, config, username)

    def admin_list_user_auth_events(
        self, username: str, *, max_results: int = 60, next_token: str | None = None
    ) -> Page[AuthEvent]:
        """A user's auth events, newest first, ``max_results`` (0 to 60) a page
        (``AdminListUserAuthEvents``).  Needs threat protection (AUDIT)."""
        v.integer("max_results", max_results, minimum=0, maximum=60)
        before: tuple[float, str] | None = None
        owner: str | None = None
        if next_token is not None:
            state = _paging.decode(next_token, "next_token", "auth_events")
            position = state.get("before")
            if (
                state.get("pool") != self.id
                or not isinstance(state.get("user"), str)
                or not isinstance(position, list)
                or len(position) != 2
                or not isinstance(position[0], int | float)
                or not isinstance(position[1], str)
            ):
                raise InvalidParameterError("Invalid next_token.", field="next_token")
            before, owner = (float(position[0]), position[1]), state["user"]
        user = self._events_user(username)
        if owner is not None and owner != user.username:
            raise InvalidParameterError("Invalid next_token.", field="next_token")
        if max_results == 0:
            return Page((), None)
        stored = self._rt.store.list_auth_events(
            self.id, user.username, before=before, limit=max_results + 1
        )
        events = tuple(to_event(self._rt, s) for s in stored[:max_results])
        token = None
        if len(stored) > max_results:
            last = stored[max_results - 1]
            token = _paging.encode(
                {
                    "k": "auth_events",
                    "pool": self.id,
                    "user": user.username,
                    "before": [last.created_at, last.event_id],
                }
            )
        return Page(events, token)

    def admin_update_auth_event_feedback(
        self, username: str, event_id: str, feedback_value: FeedbackValue | str
    ) -> None:
        """Marks an event ``Valid`` or ``Invalid`` as an administrator
        (``AdminUpdateAuthEventFeedback``)."""
        v.string("event_id", event_id, min_len=1, max_len=50, pattern=EVENT_ID_PATTERN)
        value = v.enum("feedback_value", feedback_value, FeedbackValue)
        user = self._events_user(username)
        # fidelity: Cognito does not document the Provider it records; cogkit says
        # "Admin" for an administrator's feedback and "Email" for a feedback token's.
        self._feedback(user, event_id, value, "Admin")

    def update_auth_event_feedback(
        self,
        username: str,
        event_id: str,
        feedback_token: str,
        feedback_value: FeedbackValue | str,
    ) -> None:
        """Marks an event ``Valid`` or ``Invalid`` with the event's feedback token, as a
        user following the link of a risk notification would (``UpdateAuthEventFeedback``)."""
        v.string("event_id", event_id, min_len=1, max_len=50, pattern=EVENT_ID_PATTERN)
        v.string("feedback_token", feedback_token, min_len=1, pattern=r"[A-Za-z0-9-_=.]+")
        value = v.enum("feedback_value", feedback_value, FeedbackValue)
        user = self._events_user(username)
        expected = make_feedback_token(self._rt, self.id, user.username, event_id)
        if not hmac.compare_digest(feedback_token, expected):
            raise NotAuthorizedError("The feedback token is not valid for this event.")
        self._feedback(user, event_id, value, "Email")

    def _feedback(
        self, user: UserRecord, event_id: str, value: FeedbackValue, provider: str
    ) -> None:
        for _attempt in range(accounts.RETRIES):
            stored = self._rt.store.get_auth_event(self.id, user.username, event_id)
            if stored is None:
                raise ResourceNotFoundError(f"Auth event {event_id} does not exist.")
            data = {
                **stored.data,
                "feedback": {"value": value.value, "provider": provider, "date": self._rt.now()},
            }
            try:
                self._rt.store.update_auth_event(
                    attrs.evolve(stored, data=data), expected_version=stored.version
                )
            except StoreConflictError:
                continue
            return
        raise StoreConflictError(f"auth event {event_id} is being changed concurrently")

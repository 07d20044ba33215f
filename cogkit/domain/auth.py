"""``AuthFlow``: sign-up, confirmation, sign-in with challenges, refresh, and the calls a
signed-in user makes with an access token.

Sign-in is a small state machine.  ``initiate`` runs the flow the client asked for
(``USER_PASSWORD_AUTH``, ``REFRESH_TOKEN_AUTH``, ...); a flow either issues tokens or
returns a challenge with a single-use, expiring session, which ``respond`` resumes.  Flows
and challenges are looked up in two tables (``FLOWS``, ``CHALLENGES``) so further flows
(SRP, custom auth, MFA) plug in beside the password flows without touching them.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Collection, Iterable, Mapping
from typing import TYPE_CHECKING, Any, ClassVar

import attrs

from cogkit.domain import _accounts as accounts
from cogkit.domain import _validate as v
from cogkit.domain import events, messages, migration, pre_token, trigger_events
from cogkit.domain import tokens as token_rules
from cogkit.domain._runtime import Runtime
from cogkit.domain.attributes import VERIFIED_FLAGS
from cogkit.domain.client import AppClient
from cogkit.domain.config import UserPoolConfig
from cogkit.domain.devices import DeviceCalls
from cogkit.domain.enums import (
    AuthFlowType,
    ChallengeName,
    ExplicitAuthFlow,
    RecoveryOption,
    UserStatus,
    VerifiedAttribute,
)
from cogkit.domain.messages import CodeDelivery
from cogkit.domain.mfa import MfaCalls
from cogkit.domain.passkeys import PasskeyCalls
from cogkit.domain.pool_admin import delete_attributes, recovery_attribute
from cogkit.domain.tokens import Grant, Tokens, TokenVerificationError
from cogkit.domain.trigger_events import Composed
from cogkit.domain.users import User
from cogkit.errors import (
    CodeMismatchError,
    CogkitError,
    ExpiredCodeError,
    InvalidParameterError,
    NotAuthorizedError,
    PasswordResetRequiredError,
    RefreshTokenReuseError,
    ResourceNotFoundError,
    UnauthorizedError,
    UnsupportedOperationError,
    UnsupportedTokenTypeError,
    UserNotConfirmedError,
    UserNotFoundError,
)
from cogkit.services.codes import secret_digest
from cogkit.services.delivery import Channel, Purpose
from cogkit.stores.records import CodeRecord, RefreshTokenRecord, SessionRecord, UserRecord

if TYPE_CHECKING:
    from cogkit.domain.pool import UserPool

__all__ = ["AuthFlow", "AuthResult", "Challenge", "SignUpResult"]

CONFIRMATION_TTL = 24 * 3600
VERIFICATION_TTL = 24 * 3600


@attrs.frozen
class Challenge:
    """A challenge to answer with ``AuthFlow.respond`` (all parameters are strings).

    ``session`` is ``None`` for ``PASSWORD_VERIFIER`` after ``USER_SRP_AUTH``: as with
    Cognito, its ``SECRET_BLOCK`` carries the exchange and the answer needs no session.
    """

    name: ChallengeName
    parameters: Mapping[str, str]
    session: str | None = attrs.field(repr=False)
    #: ``AvailableChallenges`` of a ``SELECT_CHALLENGE`` (choice-based sign-in).
    available: tuple[ChallengeName, ...] = ()


@attrs.frozen
class AuthResult:
    """The outcome of ``initiate``/``respond``: tokens, or a challenge to answer."""

    tokens: Tokens | None = None
    challenge: Challenge | None = None

    @property
    def challenge_name(self) -> ChallengeName | None:
        return None if self.challenge is None else self.challenge.name

    @property
    def session(self) -> str | None:
        return None if self.challenge is None else self.challenge.session


@attrs.frozen
class SignUpResult:
    """Cognito's ``SignUpResponse``."""

    user_confirmed: bool
    user_sub: str
    code_delivery: CodeDelivery | None = None
    #: For ``confirm_sign_up(..., session=...)``: given while the user awaits confirmation,
    #: through a client that allows ``USER_AUTH``.
    session: str | None = attrs.field(default=None, repr=False)


@attrs.frozen
class _Attempt:
    """One sign-in in progress: who, through which client, by which flow."""

    config: UserPoolConfig
    client: AppClient
    user: UserRecord
    admin: bool
    client_metadata: Mapping[str, str] = attrs.field(factory=dict)
    #: The sign-in's auth event, once recorded (``cogkit.domain.events``).
    event_id: str | None = None
    #: Factors proven so far (``"Password"``) and the challenge being answered.
    factors: tuple[str, ...] = ()
    answering: ChallengeName | None = None
    #: What the sign-in has established so far (device key given or verified, MFA done,
    #: ...), carried from challenge to challenge in the session.
    context: Mapping[str, Any] = attrs.field(factory=dict)


def secret_block_key(flow: AuthFlow, client: AppClient, answers: Mapping[str, str]) -> str:
    """The SRP verifier steps are kept under their SECRET_BLOCK, which the answer echoes."""
    return flow._param(answers, "PASSWORD_CLAIM_SECRET_BLOCK")


_FLOW_PERMISSION = {
    AuthFlowType.USER_PASSWORD_AUTH: ExplicitAuthFlow.ALLOW_USER_PASSWORD_AUTH,
    AuthFlowType.ADMIN_USER_PASSWORD_AUTH: ExplicitAuthFlow.ALLOW_ADMIN_USER_PASSWORD_AUTH,
    AuthFlowType.ADMIN_NO_SRP_AUTH: ExplicitAuthFlow.ALLOW_ADMIN_USER_PASSWORD_AUTH,
    AuthFlowType.REFRESH_TOKEN_AUTH: ExplicitAuthFlow.ALLOW_REFRESH_TOKEN_AUTH,
    AuthFlowType.REFRESH_TOKEN: ExplicitAuthFlow.ALLOW_REFRESH_TOKEN_AUTH,
    AuthFlowType.USER_SRP_AUTH: ExplicitAuthFlow.ALLOW_USER_SRP_AUTH,
    AuthFlowType.CUSTOM_AUTH: ExplicitAuthFlow.ALLOW_CUSTOM_AUTH,
    AuthFlowType.USER_AUTH: ExplicitAuthFlow.ALLOW_USER_AUTH,
}
#: Flows only the admin API (IAM-signed) may start, and flows it may not.
_ADMIN_ONLY = frozenset({AuthFlowType.ADMIN_USER_PASSWORD_AUTH, AuthFlowType.ADMIN_NO_SRP_AUTH})
_PUBLIC_ONLY = frozenset({AuthFlowType.USER_PASSWORD_AUTH})
_CHALLENGE_NAMES = frozenset(c.value for c in ChallengeName)

FlowHandler = Callable[
    ["AuthFlow", UserPoolConfig, AppClient, Mapping[str, str], bool, Mapping[str, str]], AuthResult
]
ChallengeHandler = Callable[["AuthFlow", _Attempt, SessionRecord, Mapping[str, str]], AuthResult]
#: A step between a proven first factor and the tokens: a challenge to answer first, or the
#: attempt (its context updated) to go on with.
StepHandler = Callable[["AuthFlow", _Attempt], "AuthResult | _Attempt"]
#: Where a challenge answered without a Session names its exchange.
SessionKey = Callable[["AuthFlow", AppClient, Mapping[str, str]], str]
IssuedHook = Callable[["AuthFlow", _Attempt, Grant, Tokens], Tokens]
#: A flow started with a ``Session`` (``USER_AUTH`` after ``ConfirmSignUp``).
SessionFlowHandler = Callable[
    ["AuthFlow", UserPoolConfig, AppClient, Mapping[str, str], bool, Mapping[str, str], str],
    AuthResult,
]


class AuthFlow(MfaCalls, DeviceCalls, PasskeyCalls):
    """The sign-up and sign-in engine of one user pool."""

    #: Auth flows by name; later features register theirs here.
    FLOWS: ClassVar[dict[AuthFlowType, FlowHandler]] = {}
    #: Challenge responders by name.
    CHALLENGES: ClassVar[dict[ChallengeName, ChallengeHandler]] = {}
    #: Steps after the first factor, run in order of their number (devices, MFA, ...).
    STEPS: ClassVar[list[tuple[int, StepHandler]]] = []
    #: Challenges that may be answered without a Session, and how to find their exchange.
    SESSION_KEYS: ClassVar[dict[ChallengeName, SessionKey]] = {}
    #: Called with every sign-in's tokens as they are issued (device tracking adds
    #: ``NewDeviceMetadata`` and keeps the refresh token's family with the device).
    ISSUED: ClassVar[list[IssuedHook]] = []
    #: Flows that accept a ``Session`` at ``initiate`` (spec §3.5), and how they use it.
    SESSION_FLOWS: ClassVar[dict[AuthFlowType, SessionFlowHandler]] = {}

    def __init__(self, pool: UserPool) -> None:
        from cogkit.domain.pool import UserPool

        if not isinstance(pool, UserPool):
            raise InvalidParameterError(
                f"AuthFlow needs a UserPool, not {type(pool).__name__}", field="pool"
            )
        self.pool = pool
        self._rt: Runtime = pool._rt

    def __repr__(self) -> str:
        return f"AuthFlow({self.pool.id!r})"

    # -- shared lookups ----------------------------------------------------------------

    def _client(self, client_id: str) -> tuple[UserPoolConfig, AppClient]:
        v.client_id(client_id)
        _record, config = self._rt.pool(self.pool.id)
        return config, self._rt.client(client_id, self.pool.id)

    def _find(self, config: UserPoolConfig, username: str) -> UserRecord | None:
        return accounts.find(self._rt, self.pool.id, config, username)

    def _unknown_user(self, client: AppClient, *, password: str | None = None) -> Exception:
        """What a sign-in with an unknown user raises, by PreventUserExistenceErrors."""
        if client.prevents_user_existence_errors:
            if password is not None:
                # As slow as checking a real password, so timing does not tell either.
                self._rt.hasher.burn(password)
            return NotAuthorizedError("Incorrect username or password.")
        return UserNotFoundError("User does not exist.")

    # -- sign-up -----------------------------------------------------------------------

    def sign_up(
        self,
        client_id: str,
        username: str,
        password: str | None = None,
        attributes: Mapping[str, str] | Iterable[Mapping[str, str]] | None = None,
        *,
        secret_hash: str | None = None,
        validation_data: Mapping[str, str] | Iterable[Mapping[str, str]] | None = None,
        client_metadata: Mapping[str, str] | None = None,
    ) -> SignUpResult:
        """Registers an UNCONFIRMED user and sends a confirmation code to the first
        auto-verified attribute it has (phone before email, as Cognito does).

        Without a password (``None`` or blank) the user is passwordless, which the pool
        and client must allow (``cogkit.domain.auth_sign_up``).  The result's ``session``
        may go to ``confirm_sign_up``.

        .. versionchanged:: Unreleased ``password`` may be omitted; ``session`` added.
        """
        v.username(username)
        # A blank password asks for a passwordless user, as an omitted one does.
        password = None if password is None or password == "" else v.password(password)
        v.secret_hash(secret_hash)
        given = accounts.attribute_map("user_attributes", attributes)
        validation = accounts.attribute_map("validation_data", validation_data)
        v.client_metadata(client_metadata)
        config, client = self._client(client_id)
        client.check_secret_hash(username, secret_hash)
        if config.allow_admin_create_user_only:
            raise NotAuthorizedError("SignUp is not permitted for this user pool")
        checked = accounts.check_attributes(config, given, client=client, creating=True)
        accounts.check_preferred_username_alias(config, checked)
        internal, sub = accounts.sign_up_identity(config, self._rt, username, checked)
        accounts.check_required(config, checked)
        if password is None:
            auth_sign_up.check_passwordless(config, client, checked)
        else:
            accounts.check_policy(config, password)
        decision = trigger_events.pre_sign_up(
            self._rt,
            config,
            self.pool.id,
            "PreSignUp_SignUp",
            username=internal,
            attributes=checked,
            validation_data=validation,
            client_metadata=client_metadata,
            client_id=client.id,
        )
        checked = decision.verified(checked)
        status = UserStatus.CONFIRMED if decision.auto_confirm else UserStatus.UNCONFIRMED
        now = self._rt.now()
        record = UserRecord(
            pool_id=self.pool.id,
            username=internal,
            sub=sub,
            status=status.value,
            enabled=True,
            created_at=now,
            modified_at=now,
            attributes=checked,
        )
        if password is not None:
            record = accounts.with_password(self._rt, record, password)
        # The confirmation message is made before the user exists, so a failing
        # CustomMessage trigger leaves no user behind.
        composed = (
            None
            if decision.auto_confirm
            else self._compose_confirmation(
                config, record, Purpose.SIGN_UP, client, client_metadata
            )
        )
        # The confirmation code is stored with the user: a sign-up writes once.
        attribute = None if composed is None else self._confirmation_attribute(config, record)
        issued = None if attribute is None else self._confirmation_code(record, attribute)
        if decision.auto_verify_email or decision.auto_verify_phone:
            # An auto-verified alias is taken from a user who holds it (spec §6.4).
            record = self.pool._create_forcing_aliases(config, record)
            if issued is not None:
                self._rt.store.put_code(issued[1])
        else:
            accounts.create(self._rt, config, record, code=None if issued is None else issued[1])
        events.record(self._rt, config, record, events.EventType.SIGN_UP, client=client)
        if decision.auto_confirm:
            try:
                trigger_events.post_confirmation(
                    self._rt,
                    config,
                    record,
                    "PostConfirmation_ConfirmSignUp",
                    client_id=client.id,
                    client_metadata=client_metadata,
                )
            except CogkitError:
                # Nothing half-done: the user this sign-up made goes again.
                self._rt.store.delete_user(self.pool.id, record.username)
                raise
            return SignUpResult(user_confirmed=True, user_sub=sub, code_delivery=None)
        delivery = None
        if issued is not None and composed is not None and attribute is not None:
            delivery = messages.deliver_code(
                self._rt, config, record, attribute=attribute, composed=composed, code=issued[0]
            )
        session = auth_sign_up.sign_up_session(self, client, record)
        return SignUpResult(
            user_confirmed=False, user_sub=sub, code_delivery=delivery, session=session
        )

    @staticmethod
    def _confirmation_attribute(config: UserPoolConfig, record: UserRecord) -> str | None:
        verified = set(config.auto_verified_attributes)
        for attribute in (VerifiedAttribute.PHONE_NUMBER, VerifiedAttribute.EMAIL):
            if attribute in verified and record.attributes.get(attribute.value):
                return attribute.value
        return None

    def _compose_confirmation(
        self,
        config: UserPoolConfig,
        record: UserRecord,
        purpose: Purpose,
        client: AppClient,
        client_metadata: Mapping[str, str] | None,
    ) -> Composed | None:
        attribute = self._confirmation_attribute(config, record)
        if attribute is None:
            return None
        return messages.compose_code(
            self._rt,
            config,
            record,
            attribute=attribute,
            purpose=purpose,
            client_id=client.id,
            client_metadata=client_metadata,
        )

    def _send_confirmation(
        self,
        config: UserPoolConfig,
        record: UserRecord,
        purpose: Purpose,
        *,
        composed: Composed | None = None,
        client_id: str | None = None,
        client_metadata: Mapping[str, str] | None = None,
    ) -> CodeDelivery | None:
        attribute = self._confirmation_attribute(config, record)
        if attribute is None:
            return None
        if composed is None:
            composed = messages.compose_code(
                self._rt,
                config,
                record,
                attribute=attribute,
                purpose=purpose,
                client_id=client_id,
                client_metadata=client_metadata,
            )
        code, stored = self._confirmation_code(record, attribute, purpose)
        self._rt.store.put_code(stored)
        return messages.deliver_code(
            self._rt, config, record, attribute=attribute, composed=composed, code=code
        )

    def _confirmation_code(
        self, record: UserRecord, attribute: str, purpose: Purpose = Purpose.SIGN_UP
    ) -> tuple[str, CodeRecord]:
        """A new confirmation code for ``attribute`` and its record (not stored yet)."""
        return messages.new_code(
            self._rt,
            record,
            purpose=purpose,
            store_purpose="sign_up",
            ttl=CONFIRMATION_TTL,
            extra={"attribute": attribute},
        )

    def confirm_sign_up(
        self,
        client_id: str,
        username: str,
        code: str,
        *,
        secret_hash: str | None = None,
        force_alias_creation: bool = False,
        client_metadata: Mapping[str, str] | None = None,
        session: str | None = None,
    ) -> str | None:
        """Confirms a user with the code sent at sign-up; the attribute it went to becomes
        verified (and, in alias pools, a sign-in alias).

        ``session`` is the optional one ``sign_up`` returned.  Returns a session with which
        ``initiate(client_id, "USER_AUTH", USERNAME=..., session=...)`` signs the user in
        without another factor (once, through this client, within ``AuthSessionValidity``);
        ``None`` when the client does not allow ``USER_AUTH``.

        .. versionchanged:: Unreleased ``session`` added; returns the sign-in session.
        """
        v.username(username)
        v.code(code)
        v.secret_hash(secret_hash)
        v.boolean("force_alias_creation", force_alias_creation)
        v.client_metadata(client_metadata)
        if session is not None:
            v.string("session", session, min_len=20, max_len=2048)
        config, client = self._client(client_id)
        client.check_secret_hash(username, secret_hash)
        record = self._find(config, username)
        if record is None:
            if client.prevents_user_existence_errors:
                raise CodeMismatchError("Invalid verification code provided, please try again.")
            raise UserNotFoundError("Username/client id combination not found.")
        if record.status != UserStatus.UNCONFIRMED:
            raise NotAuthorizedError(f"User cannot be confirmed. Current status is {record.status}")
        given = (
            None
            if session is None
            else auth_sign_up.check_sign_up_session(self, client, session, record)
        )
        found = messages.check_code(self._rt, record, "sign_up", code)
        attribute = found.extra.get("attribute")

        def confirm(current: UserRecord) -> UserRecord:
            if current.status != UserStatus.UNCONFIRMED:
                raise NotAuthorizedError(
                    f"User cannot be confirmed. Current status is {current.status}"
                )
            changed = dict(current.attributes)
            if isinstance(attribute, str) and current.attributes.get(attribute):
                changed[VERIFIED_FLAGS[attribute]] = "true"
            return attrs.evolve(
                current,
                status=UserStatus.CONFIRMED.value,
                attributes=changed,
                modified_at=self._rt.now(),
            )

        # PostConfirmation sees the user as confirmed, before the write: a failing trigger
        # leaves the user unconfirmed and the code usable.
        trigger_events.post_confirmation(
            self._rt,
            config,
            confirm(record),
            "PostConfirmation_ConfirmSignUp",
            client_id=client.id,
            client_metadata=client_metadata,
        )
        accounts.mutate(
            self._rt,
            config,
            self.pool.id,
            record.username,
            confirm,
            force_alias=force_alias_creation,
        )
        messages.discard(self._rt, found)
        if given is not None:
            self._rt.store.take_session(given.digest)
        return auth_sign_up.confirmed_session(self, client, record)

    def resend_confirmation_code(
        self,
        client_id: str,
        username: str,
        *,
        secret_hash: str | None = None,
        client_metadata: Mapping[str, str] | None = None,
    ) -> CodeDelivery:
        """Sends a new confirmation code (the previous one stops working)."""
        v.username(username)
        v.secret_hash(secret_hash)
        v.client_metadata(client_metadata)
        config, client = self._client(client_id)
        client.check_secret_hash(username, secret_hash)
        record = self._find(config, username)
        if record is None or (not record.enabled and client.prevents_user_existence_errors):
            if client.prevents_user_existence_errors:
                return self._simulated_delivery(config, username)
            raise UserNotFoundError("Username/client id combination not found.")
        if record.status != UserStatus.UNCONFIRMED:
            raise InvalidParameterError("User is already confirmed.", field="username")
        delivery = self._send_confirmation(
            config,
            record,
            Purpose.RESEND_CODE,
            client_id=client.id,
            client_metadata=client_metadata,
        )
        if delivery is None:
            raise InvalidParameterError(
                "Auto verification not turned on for the user's attributes.", field="username"
            )
        events.record(self._rt, config, record, events.EventType.RESEND_CODE, client=client)
        return delivery

    def _simulated_delivery(self, config: UserPoolConfig, username: str) -> CodeDelivery:
        """A plausible answer for an unknown user (PreventUserExistenceErrors=ENABLED)."""
        wants_phone = (
            VerifiedAttribute.PHONE_NUMBER in config.auto_verified_attributes
            and VerifiedAttribute.EMAIL not in config.auto_verified_attributes
        )
        if wants_phone:
            return CodeDelivery(
                messages.masked("phone_number", "+10000000000"), Channel.SMS, "phone_number"
            )
        local = username.partition("@")[0] or "x"
        return CodeDelivery(
            messages.masked("email", f"{local}@example.com"), Channel.EMAIL, "email"
        )

    # -- sign-in -----------------------------------------------------------------------

    def initiate(
        self,
        client_id: str,
        auth_flow: AuthFlowType | str,
        auth_parameters: Mapping[str, str] | None = None,
        *,
        client_metadata: Mapping[str, str] | None = None,
        session: str | None = None,
        **parameters: str,
    ) -> AuthResult:
        """``InitiateAuth``: starts a sign-in.  Parameters may be given as a mapping or as
        keywords (``USERNAME=..., PASSWORD=...``); ``session`` is ``confirm_sign_up``'s,
        for ``USER_AUTH`` right after confirming.

        .. versionchanged:: Unreleased ``session`` added.
        """
        return self._initiate(
            client_id,
            auth_flow,
            auth_parameters,
            parameters,
            client_metadata,
            admin=False,
            session=session,
        )

    def admin_initiate(
        self,
        client_id: str,
        auth_flow: AuthFlowType | str,
        auth_parameters: Mapping[str, str] | None = None,
        *,
        client_metadata: Mapping[str, str] | None = None,
        session: str | None = None,
        **parameters: str,
    ) -> AuthResult:
        """``AdminInitiateAuth``: the server-side variant (``ADMIN_USER_PASSWORD_AUTH``).

        .. versionchanged:: Unreleased ``session`` added.
        """
        return self._initiate(
            client_id,
            auth_flow,
            auth_parameters,
            parameters,
            client_metadata,
            admin=True,
            session=session,
        )

    def _initiate(
        self,
        client_id: str,
        auth_flow: AuthFlowType | str,
        auth_parameters: Mapping[str, str] | None,
        keyword: Mapping[str, str],
        client_metadata: Mapping[str, str] | None,
        *,
        admin: bool,
        session: str | None = None,
    ) -> AuthResult:
        flow = v.enum("auth_flow", auth_flow, AuthFlowType)
        params = {
            **v.string_map("auth_parameters", auth_parameters),
            **v.string_map("auth_parameters", keyword),
        }
        metadata = v.client_metadata(client_metadata)
        if session is not None:
            v.string("session", session, min_len=20, max_len=2048)
        config, client = self._client(client_id)
        if (admin and flow in _PUBLIC_ONLY) or (not admin and flow in _ADMIN_ONLY):
            raise InvalidParameterError("Initiate Auth method not supported.", field="auth_flow")
        if not client.allows(_FLOW_PERMISSION[flow]):
            raise InvalidParameterError(
                f"{flow.value} flow not enabled for this client", field="auth_flow"
            )
        if session is not None:
            resume = self.SESSION_FLOWS.get(flow)
            if resume is None:
                raise InvalidParameterError(
                    f"A Session is accepted only with the USER_AUTH flow, not {flow.value}.",
                    field="session",
                )
            return resume(self, config, client, params, admin, metadata, session)
        handler = self.FLOWS.get(flow)
        if handler is None:
            raise UnsupportedOperationError(f"cogkit does not implement the {flow.value} flow.")
        return handler(self, config, client, params, admin, metadata)

    @staticmethod
    def _param(params: Mapping[str, str], name: str) -> str:
        value = params.get(name)
        if not value:
            raise InvalidParameterError(f"Missing required parameter {name}", field=name)
        return value

    def _password_flow(
        self,
        config: UserPoolConfig,
        client: AppClient,
        params: Mapping[str, str],
        admin: bool,
        metadata: Mapping[str, str],
    ) -> AuthResult:
        """USER_PASSWORD_AUTH and ADMIN_USER_PASSWORD_AUTH."""
        username = self._param(params, "USERNAME")
        password = self._param(params, "PASSWORD")
        client.check_secret_hash(username, params.get("SECRET_HASH"))
        record = self._find(config, username)
        if record is None:
            # Unknown users may come from another system (the UserMigration trigger).
            migrated = migration.on_sign_in(self, config, client, username, password, metadata)
            if migrated is not None:
                # PreAuthentication sees the user before it exists: refused, none is made.
                self._pre_authentication(config, client, migrated.record, username, metadata)
                record = migrated.commit(self)
                attempt = _Attempt(
                    config, client, record, admin, context=self._start_context(params, admin)
                )
                return self._after_first_factor(events.password_passed(attempt))
            self._pre_authentication(config, client, None, username, metadata)
            raise self._unknown_user(client, password=password)
        # InitiateAuth's ClientMetadata reaches PreAuthentication only (as validationData).
        self._pre_authentication(config, client, record, username, metadata)
        attempt = _Attempt(
            config, client, record, admin, context=self._start_context(params, admin)
        )
        try:
            record = self._check_password(config, client, record, password, sign_in=True)
        except NotAuthorizedError:
            events.sign_in_failed(self._rt, attempt, events.PASSWORD)
            raise
        return self._after_first_factor(events.password_passed(attrs.evolve(attempt, user=record)))

    @staticmethod
    def _start_context(params: Mapping[str, str], admin: bool) -> dict[str, Any]:
        """The context a sign-in starts with: the device key a public flow presents."""
        device_key = params.get("DEVICE_KEY")
        return {"device_key_given": device_key} if device_key and not admin else {}

    def _pre_authentication(
        self,
        config: UserPoolConfig,
        client: AppClient,
        record: UserRecord | None,
        username: str,
        validation_data: Mapping[str, str],
    ) -> None:
        """The PreAuthentication trigger; for an unknown user only when the client hides
        missing users (the trigger then sees ``userNotFound``)."""
        if record is None and not client.prevents_user_existence_errors:
            return
        trigger_events.pre_authentication(
            self._rt,
            config,
            self.pool.id,
            record=record,
            typed_username=username,
            client_id=client.id,
            hides_missing_users=client.prevents_user_existence_errors,
            validation_data=validation_data,
        )

    def _check_password(
        self,
        config: UserPoolConfig,
        client: AppClient,
        record: UserRecord,
        password: str,
        *,
        sign_in: bool = False,
    ) -> UserRecord:
        """Verifies a password with Cognito's gates: lockout, disabled, reset-required.

        A right password clears the failure count, except in a sign-in: there the count
        clears when the sign-in completes, so wrong MFA codes after a right password still
        lead to a lockout.
        """
        # fidelity: Cognito does not document when its failure count resets within a
        # sign-in; cogkit resets it only when the whole sign-in (MFA included) succeeds.
        now = self._rt.now()
        if accounts.is_locked(record, now):
            raise NotAuthorizedError("Password attempts exceeded")
        if not record.enabled:
            raise NotAuthorizedError("User is disabled.")
        if record.password_hash is None:
            if (
                record.status == UserStatus.RESET_REQUIRED
                and not client.prevents_user_existence_errors
            ):
                raise PasswordResetRequiredError("Password reset required for the user")
            self._rt.hasher.burn(password)
            raise NotAuthorizedError("Incorrect username or password.")
        ok, upgraded = self._rt.hasher.verify(password, record.password_hash)
        if not ok:
            accounts.record_failure(self._rt, config, record)
            raise NotAuthorizedError("Incorrect username or password.")
        failures = record.failed_attempts or record.locked_until is not None
        if upgraded is not None or (failures and not sign_in):

            def refresh(current: UserRecord) -> UserRecord | None:
                cleared = current if sign_in else (accounts.clear_failures(current) or current)
                if upgraded is not None and current.password_hash == record.password_hash:
                    cleared = attrs.evolve(cleared, password_hash=upgraded)
                return None if cleared is current else cleared

            record = accounts.mutate(self._rt, config, self.pool.id, record.username, refresh)
        return record

    def _after_first_factor(self, attempt: _Attempt) -> AuthResult:
        """Status gates after a correct password, then the next challenge or tokens."""
        record, config = attempt.user, attempt.config
        status = UserStatus(record.status)
        if status is UserStatus.UNCONFIRMED:
            raise UserNotConfirmedError("User is not confirmed.")
        if status is UserStatus.RESET_REQUIRED:
            raise PasswordResetRequiredError("Password reset required for the user")
        if status is UserStatus.FORCE_CHANGE_PASSWORD:
            set_at = record.password_set_at or record.created_at
            if self._rt.now() >= set_at + config.temporary_password_days * 86400:
                raise NotAuthorizedError(
                    "Temporary password has expired and must be reset by an administrator."
                )
            return self._new_password_challenge(attempt)
        return self._complete(attempt)

    def _complete(self, attempt: _Attempt, *, source: str = pre_token.AUTHENTICATION) -> AuthResult:
        """The steps after the first factor (device authentication, MFA, ...), then tokens
        (``source`` names the token generation when no step interposes a challenge)."""
        for _order, step in sorted(self.STEPS, key=lambda item: item[0]):
            outcome = step(self, attempt)
            if isinstance(outcome, AuthResult):
                return outcome
            attempt = outcome
        return self._success(attempt, source=source)

    def _success(self, attempt: _Attempt, *, source: str = pre_token.AUTHENTICATION) -> AuthResult:
        """Issues the tokens of a completed sign-in (after the PostAuthentication and
        PreTokenGeneration triggers); a completed sign-in clears the failure count."""
        client = attempt.client
        trigger_events.post_authentication(
            self._rt,
            attempt.config,
            attempt.user,
            client_id=client.id,
            client_metadata=attempt.client_metadata,
            # Set by the new-device step when this sign-in hands out a device key.
            new_device_used="new_device" in attempt.context,
        )
        if attempt.user.failed_attempts or attempt.user.locked_until is not None:
            user = accounts.mutate(
                self._rt,
                attempt.config,
                self.pool.id,
                attempt.user.username,
                accounts.clear_failures,
            )
            attempt = attrs.evolve(attempt, user=user)
        grant = Grant(
            auth_time=math.floor(self._rt.now()),
            event_id=events.sign_in_succeeded(self._rt, attempt),
            origin_jti=self._rt.ids.uuid4() if client.settings.enable_token_revocation else None,
            device_key=attempt.context.get("device_key"),
        )
        tokens = pre_token.issue_tokens(
            self._rt,
            attempt.config,
            client,
            attempt.user,
            grant,
            source=source,
            with_refresh_token=True,
            client_metadata=attempt.client_metadata,
        )
        for hook in self.ISSUED:
            tokens = hook(self, attempt, grant, tokens)
        return AuthResult(tokens=tokens)

    # -- challenges --------------------------------------------------------------------

    def _challenge(
        self,
        attempt: _Attempt,
        name: ChallengeName,
        parameters: Mapping[str, str],
        state: Mapping[str, Any] | None = None,
        *,
        key: str | None = None,
    ) -> AuthResult:
        """Opens a session for ``name`` and returns the challenge.

        With ``key`` (an SRP ``SECRET_BLOCK``) the session is kept under it and the
        challenge carries no ``Session``: the answer names the exchange by that block.
        """
        session = key or self._rt.tokens.new_session()
        self._open_session(
            session,
            attempt.client,
            attempt.user.username,
            name,
            {
                "admin": attempt.admin,
                "context": dict(attempt.context),
                **(state or {}),
                **events.challenge_state(self._rt, attempt),
            },
        )
        params = {"USER_ID_FOR_SRP": attempt.user.username, **parameters}
        return AuthResult(challenge=Challenge(name, params, None if key else session))

    def _live_session(
        self, session: str, kinds: Collection[str], *, client: AppClient | None = None
    ) -> SessionRecord:
        """The unexpired session ``session`` of one of ``kinds`` in this pool (opened
        through ``client``, when given); NotAuthorized otherwise."""
        stored = self._rt.store.get_session(secret_digest(session))
        if (
            stored is None
            or stored.pool_id != self.pool.id
            or (client is not None and stored.client_id != client.id)
            or stored.challenge not in kinds
        ):
            raise NotAuthorizedError("Invalid session for the user.")
        if self._rt.now() >= stored.expires_at:
            raise NotAuthorizedError("Invalid session for the user, session is expired.")
        return stored

    def _open_session(
        self,
        session: str,
        client: AppClient,
        username: str,
        name: ChallengeName | str,
        state: Mapping[str, Any],
    ) -> None:
        now = self._rt.now()
        self._rt.store.put_session(
            SessionRecord(
                digest=secret_digest(session),
                pool_id=self.pool.id,
                client_id=client.id,
                username=username,
                challenge=str(name),
                created_at=now,
                expires_at=now + client.settings.auth_session_validity * 60,
                state=dict(state),
            )
        )

    def _new_password_challenge(self, attempt: _Attempt) -> AuthResult:
        record, config = attempt.user, attempt.config
        missing = [
            f"userAttributes.{name}"
            for name in config.required_attributes
            if not record.attributes.get(name)
        ]
        current = dict(record.attributes)
        return self._challenge(
            attempt,
            ChallengeName.NEW_PASSWORD_REQUIRED,
            {
                "requiredAttributes": json.dumps(missing),
                "userAttributes": json.dumps(current),
            },
        )

    def respond(
        self,
        client_id: str,
        challenge_name: ChallengeName | str,
        challenge_responses: Mapping[str, str] | None = None,
        *,
        session: str | None = None,
        client_metadata: Mapping[str, str] | None = None,
        **responses: str,
    ) -> AuthResult:
        """``RespondToAuthChallenge``: answers a challenge within its session."""
        return self._respond(
            client_id,
            challenge_name,
            challenge_responses,
            responses,
            session,
            client_metadata,
            admin=False,
        )

    def admin_respond(
        self,
        client_id: str,
        challenge_name: ChallengeName | str,
        challenge_responses: Mapping[str, str] | None = None,
        *,
        session: str | None = None,
        client_metadata: Mapping[str, str] | None = None,
        **responses: str,
    ) -> AuthResult:
        """``AdminRespondToAuthChallenge``."""
        return self._respond(
            client_id,
            challenge_name,
            challenge_responses,
            responses,
            session,
            client_metadata,
            admin=True,
        )

    def _respond(
        self,
        client_id: str,
        challenge_name: ChallengeName | str,
        challenge_responses: Mapping[str, str] | None,
        keyword: Mapping[str, str],
        session: str | None,
        client_metadata: Mapping[str, str] | None,
        *,
        admin: bool,
    ) -> AuthResult:
        name = v.enum("challenge_name", challenge_name, ChallengeName)
        answers = {
            **v.string_map("challenge_responses", challenge_responses),
            **v.string_map("challenge_responses", keyword),
        }
        metadata = v.client_metadata(client_metadata)
        keyed = None
        if session is None:
            # Only the SRP verifier steps (and device SRP) may come without a session: their
            # SECRET_BLOCK (or user and device) names the exchange, the key it was kept under.
            keyed = self.SESSION_KEYS.get(name)
            if keyed is None:
                raise InvalidParameterError("Missing required parameter Session", field="session")
        else:
            v.string("session", session, min_len=20, max_len=2048)
        config, client = self._client(client_id)
        session_key = session if keyed is None else keyed(self, client, answers)
        assert session_key is not None
        # Sessions that are not a challenge's (sign-up's) answer no challenge.
        stored = self._live_session(session_key, _CHALLENGE_NAMES, client=client)
        if stored.challenge != name.value:
            raise InvalidParameterError(
                f"The session is for the {stored.challenge} challenge, not {name.value}.",
                field="challenge_name",
            )
        username = self._param(answers, "USERNAME")
        if stored.state.get("simulated"):
            # A challenge made up for an unknown user (PreventUserExistenceErrors=ENABLED)
            # fails like a wrong password, never like a missing user.
            self._take(stored)
            raise NotAuthorizedError("Incorrect username or password.")
        if stored.state.get("user_not_found"):
            # CUSTOM_AUTH for an unknown user: its triggers run on, and it can only fail.
            from cogkit.domain import auth_custom

            return auth_custom.answer_for_unknown_user(
                self, config, client, stored, answers, metadata, admin
            )
        record = self._find(config, username)
        if record is None or record.username != stored.username:
            # The session belongs to one user: a client cannot swap USERNAME in its answer.
            raise NotAuthorizedError("Invalid session for the user.")
        client.check_secret_hash(username, answers.get("SECRET_HASH"))
        if not record.enabled:
            raise NotAuthorizedError("User is disabled.")
        handler = self.CHALLENGES.get(name)
        if handler is None:
            raise InvalidParameterError(
                f"Cannot respond to the {name.value} challenge.", field="challenge_name"
            )
        context = dict(stored.state.get("context") or {})
        if answers.get("DEVICE_KEY") and not admin:
            # Clients may present their device key in any answer before device checks run.
            context.setdefault("device_key_given", answers["DEVICE_KEY"])
        attempt = _Attempt(
            config,
            client,
            record,
            admin,
            metadata,
            context=context,
            **events.answering(stored.state, name),
        )
        try:
            return handler(self, attempt, stored, answers)
        except CodeMismatchError:
            events.answer_failed(self._rt, attempt)
            raise

    def _take(self, stored: SessionRecord) -> None:
        """Uses the session up; the loser of a race is told the session is invalid."""
        if self._rt.store.take_session(stored.digest) is None:
            raise NotAuthorizedError("Invalid session for the user.")

    def _answer_new_password(
        self, attempt: _Attempt, stored: SessionRecord, answers: Mapping[str, str]
    ) -> AuthResult:
        config, record = attempt.config, attempt.user
        password = v.password(self._param(answers, "NEW_PASSWORD"), "NEW_PASSWORD")
        given = {
            key.removeprefix("userAttributes."): value
            for key, value in answers.items()
            if key.startswith("userAttributes.")
        }
        checked = accounts.check_attributes(config, given, client=attempt.client, creating=False)
        for name in checked:
            if name in config.required_attributes and record.attributes.get(name):
                raise InvalidParameterError(
                    f"Cannot modify an already provided required attribute: {name}",
                    field=f"userAttributes.{name}",
                )
        merged = {**record.attributes, **checked}
        for name in config.required_attributes:
            if not merged.get(name):
                raise InvalidParameterError(
                    f"Invalid attributes given, {name} is missing", field=f"userAttributes.{name}"
                )
        accounts.check_policy(config, password)
        self._take(stored)

        def change(current: UserRecord) -> UserRecord:
            if current.status != UserStatus.FORCE_CHANGE_PASSWORD:
                raise NotAuthorizedError("Invalid session for the user.")
            updated = attrs.evolve(current, attributes={**current.attributes, **checked})
            return accounts.with_password(self._rt, updated, password, status=UserStatus.CONFIRMED)

        record = accounts.mutate(self._rt, config, self.pool.id, record.username, change)
        return self._complete(
            attrs.evolve(attempt, user=record), source=pre_token.NEW_PASSWORD_CHALLENGE
        )

    # -- refresh -----------------------------------------------------------------------

    def _refresh_flow(
        self,
        config: UserPoolConfig,
        client: AppClient,
        params: Mapping[str, str],
        admin: bool,
        metadata: Mapping[str, str],
    ) -> AuthResult:
        """REFRESH_TOKEN_AUTH: new ID and access tokens, no new refresh token."""
        token = self._param(params, "REFRESH_TOKEN")
        if client.settings.refresh_token_rotation.enabled:
            # Cognito: a client that rotates refresh tokens refreshes only with
            # GetTokensFromRefreshToken.  fidelity: refused here, when the flow is used
            # (not when the client is configured), with cogkit's own wording.
            raise InvalidParameterError(
                "Refresh token rotation is enabled for this client: refresh with "
                "GetTokensFromRefreshToken instead of REFRESH_TOKEN_AUTH.",
                field="auth_flow",
            )

        def check_secret(username: str) -> None:
            if client.secret is None:
                return
            presented = params.get("SECRET_HASH")
            if not presented:
                raise NotAuthorizedError(
                    f"Client {client.id} is configured for secret but secret was not received"
                )
            try:
                client.check_secret_hash(username, presented)
            except NotAuthorizedError:
                raise NotAuthorizedError(
                    f"SecretHash does not match for the client: {client.id}"
                ) from None

        stored, record = self._redeem(
            client, token, check_secret, device_key=params.get("DEVICE_KEY"), rotating=False
        )
        # Refreshing runs PreTokenGeneration (TokenGeneration_RefreshTokens) but neither
        # authentication trigger; InitiateAuth's ClientMetadata does not reach it.
        tokens = pre_token.issue_tokens(
            self._rt,
            config,
            client,
            record,
            self._refresh_grant(stored),
            source=pre_token.REFRESH_TOKENS,
            with_refresh_token=False,
        )
        return AuthResult(tokens=tokens)

    def _redeem(
        self,
        client: AppClient,
        token: str,
        check_secret: Callable[[str], None],
        *,
        device_key: str | None,
        rotating: bool,
    ) -> tuple[RefreshTokenRecord, UserRecord]:
        """The stored refresh token and its user, after every check a refresh makes
        (``check_secret`` is given the token's username: SECRET_HASH uses it)."""
        stored = self._rt.store.get_refresh_token(secret_digest(token))
        if stored is None or stored.pool_id != self.pool.id or stored.client_id != client.id:
            raise NotAuthorizedError("Invalid Refresh Token")
        if stored.revoked_at is not None:
            raise NotAuthorizedError("Refresh Token has been revoked")
        now = self._rt.now()
        if now >= stored.expires_at:
            raise NotAuthorizedError("Refresh Token has expired")
        check_secret(stored.username)
        grace = client.settings.refresh_token_rotation.retry_grace_period_seconds
        if stored.rotated_at is not None and now >= stored.rotated_at + grace:
            # Rotation replaced this token and its grace period is over.  fidelity: Cognito
            # does not say whether reuse also revokes the token's family; cogkit refuses
            # the reused token only, so the legitimate holder of its successor goes on.
            if rotating:
                raise RefreshTokenReuseError("Refresh Token has already been used.")
            raise NotAuthorizedError("Invalid Refresh Token")
        if stored.device_key is not None and device_key != stored.device_key:
            # A token bound to a device refreshes only with that device's key (Cognito
            # answers a missing or different DEVICE_KEY this way).
            raise NotAuthorizedError("Invalid Refresh Token")
        record = self._rt.store.get_user(self.pool.id, stored.username)
        if record is None:
            raise NotAuthorizedError("Invalid Refresh Token")
        if not record.enabled:
            raise NotAuthorizedError("User is disabled.")
        return stored, record

    @staticmethod
    def _refresh_grant(stored: RefreshTokenRecord) -> Grant:
        """What a refresh token's new tokens stand for: the sign-in it descends from
        (same ``auth_time``, ``event_id`` and ``origin_jti``)."""
        return Grant(
            auth_time=stored.auth_time,
            event_id=stored.event_id,
            origin_jti=stored.origin_jti if stored.extra.get("revocable", True) else None,
            scopes=tuple(stored.extra.get("scopes", (token_rules.ADMIN_SCOPE,))),
            device_key=stored.device_key,
        )

    def get_tokens_from_refresh_token(
        self,
        refresh_token: str,
        client_id: str,
        *,
        client_secret: str | None = None,
        device_key: str | None = None,
        client_metadata: Mapping[str, str] | None = None,
    ) -> Tokens:
        """``GetTokensFromRefreshToken``: new ID and access tokens from a refresh token.

        With the client's ``refresh_token_rotation`` ENABLED the answer also carries a new
        refresh token of the same family (same ``auth_time``, ``origin_jti`` and expiry),
        and the token presented stops working ``retry_grace_period_seconds`` later; using
        it after that raises ``RefreshTokenReuseError``.  A retry within the grace period
        gets another new refresh token.  ``client_metadata`` reaches the pre token
        generation trigger (``TokenGeneration_RefreshTokens``).

        .. versionadded:: 0.1
        """
        v.token(refresh_token, "refresh_token")
        if client_secret is not None:
            v.string(
                "client_secret", client_secret, min_len=24, max_len=64, pattern=v.CLIENT_SECRET
            )
        if device_key is not None:
            from cogkit.domain.devices import DEVICE_KEY

            v.string("device_key", device_key, min_len=1, max_len=55, pattern=DEVICE_KEY)
        metadata = v.client_metadata(client_metadata)
        config, client = self._client(client_id)
        rotation = client.settings.refresh_token_rotation

        def check_secret(_username: str) -> None:
            if client.secret is not None and client_secret is None:
                raise NotAuthorizedError(
                    f"Client {client.id} is configured for secret but secret was not received"
                )
            client.check_client_secret(client_secret)

        stored, record = self._redeem(
            client, refresh_token, check_secret, device_key=device_key, rotating=True
        )
        # Everything that may fail (the trigger included) runs before the token is used
        # up, so a failed refresh leaves it as it was.
        tokens = pre_token.issue_tokens(
            self._rt,
            config,
            client,
            record,
            self._refresh_grant(stored),
            source=pre_token.REFRESH_TOKENS,
            with_refresh_token=False,
            client_metadata=metadata,
        )
        if not rotation.enabled:
            return tokens
        now = self._rt.now()
        replacement = self._rt.tokens.new_refresh_token()
        successor = attrs.evolve(
            stored,
            digest=secret_digest(replacement),
            issued_at=now,
            rotated_at=None,
            parent=stored.digest,
        )
        # The store uses the token up once: of concurrent refreshes past the grace
        # period (or with none) exactly one gets new tokens.  fidelity: a retry within the
        # grace period gets another new token and the first one stays valid (Cognito does
        # not document which token a retry gets).
        rotated = self._rt.store.rotate_refresh_token(
            stored.digest,
            successor,
            at=now,
            grace_from=now - rotation.retry_grace_period_seconds,
        )
        if not rotated:
            current = self._rt.store.get_refresh_token(stored.digest)
            if current is None or current.revoked_at is not None:
                raise NotAuthorizedError("Refresh Token has been revoked")
            raise RefreshTokenReuseError("Refresh Token has already been used.")
        return attrs.evolve(tokens, refresh_token=replacement)

    def revoke_token(self, token: str, client_id: str, *, client_secret: str | None = None) -> None:
        """``RevokeToken``: kills a refresh token and every token issued from it."""
        v.token(token, "token")
        config, client = self._client(client_id)
        if client_secret is not None:
            v.string("client_secret", client_secret, min_len=1, max_len=64)
        try:
            client.check_client_secret(client_secret)
        except NotAuthorizedError:
            # RevokeToken answers a client that fails to authenticate with Unauthorized.
            raise UnauthorizedError("Unable to authenticate the client.") from None
        if not client.settings.enable_token_revocation:
            raise UnsupportedOperationError("Token revocation is not enabled for this client.")
        if token.count(".") == 2:
            raise UnsupportedTokenTypeError("Only refresh tokens can be revoked.")
        stored = self._rt.store.get_refresh_token(secret_digest(token))
        if stored is None or stored.pool_id != self.pool.id:
            # RFC 7009: an unknown token is not an error.
            return
        if stored.client_id != client.id:
            raise UnauthorizedError("The token was not issued to this client.")
        self._rt.store.revoke_refresh_family(stored.origin_jti, self._rt.now())
        _ = config

    # -- forgotten passwords -----------------------------------------------------------

    def forgot_password(
        self,
        client_id: str,
        username: str,
        *,
        secret_hash: str | None = None,
        client_metadata: Mapping[str, str] | None = None,
    ) -> CodeDelivery:
        """Sends a password-reset code to the user's verified email or phone (by the pool's
        account-recovery order)."""
        v.username(username)
        v.secret_hash(secret_hash)
        v.client_metadata(client_metadata)
        config, client = self._client(client_id)
        client.check_secret_hash(username, secret_hash)
        if any(m.name is RecoveryOption.ADMIN_ONLY for m in config.account_recovery):
            # Decided by the pool alone, before the lookup, so it reveals nobody's existence.
            raise NotAuthorizedError("Contact administrator to reset password.")
        record = self._find(config, username)
        hide = client.prevents_user_existence_errors
        migrated = None
        if record is None:
            migrated = migration.on_forgot_password(self, config, client, username, client_metadata)
            if migrated is not None:
                record = migrated.record
        if record is None:
            if hide:
                return self._simulated_delivery(config, username)
            raise UserNotFoundError("Username/client id combination not found.")
        if not record.enabled:
            if hide:
                return self._simulated_delivery(config, username)
            raise NotAuthorizedError("User is disabled.")
        if record.status == UserStatus.FORCE_CHANGE_PASSWORD:
            # An invited user answers the invitation (NEW_PASSWORD_REQUIRED) instead.
            if hide:
                return self._simulated_delivery(config, username)
            raise NotAuthorizedError("User password cannot be reset in the current state.")
        attribute = recovery_attribute(config, record)
        if attribute is None:
            if hide:
                return self._simulated_delivery(config, username)
            raise InvalidParameterError(
                "Cannot reset password for the user as there is no registered/verified email "
                "or phone_number",
                field="username",
            )
        composed = messages.compose_code(
            self._rt,
            config,
            record,
            attribute=attribute,
            purpose=Purpose.FORGOT_PASSWORD,
            client_id=client.id,
            client_metadata=client_metadata,
        )
        if migrated is not None:
            # Made only now that the reset can go ahead: nothing is left of a failed one.
            record = migrated.commit(self)
        delivery = messages.send_reset_code(self._rt, config, record, attribute, composed=composed)
        events.record(self._rt, config, record, events.EventType.FORGOT_PASSWORD, client=client)
        return delivery

    def confirm_forgot_password(
        self,
        client_id: str,
        username: str,
        code: str,
        password: str,
        *,
        secret_hash: str | None = None,
        client_metadata: Mapping[str, str] | None = None,
    ) -> None:
        """Sets a new password with the code from ``forgot_password``; the user becomes
        CONFIRMED."""
        v.username(username)
        v.code(code)
        v.password(password)
        v.secret_hash(secret_hash)
        v.client_metadata(client_metadata)
        config, client = self._client(client_id)
        client.check_secret_hash(username, secret_hash)
        record = self._find(config, username)
        if record is None or (not record.enabled and client.prevents_user_existence_errors):
            if client.prevents_user_existence_errors:
                raise CodeMismatchError("Invalid verification code provided, please try again.")
            raise UserNotFoundError("Username/client id combination not found.")
        if not record.enabled:
            raise NotAuthorizedError("User is disabled.")
        found = messages.check_code(self._rt, record, "forgot_password", code)
        accounts.check_policy(config, password)
        # PostConfirmation sees the user as the reset leaves it, before the write: a
        # failing trigger leaves the password and the code as they were.
        trigger_events.post_confirmation(
            self._rt,
            config,
            attrs.evolve(record, status=UserStatus.CONFIRMED.value),
            "PostConfirmation_ConfirmForgotPassword",
            client_id=client.id,
            client_metadata=client_metadata,
        )
        messages.consume(self._rt, found)
        accounts.mutate(
            self._rt,
            config,
            self.pool.id,
            record.username,
            lambda current: accounts.with_password(
                self._rt, current, password, status=UserStatus.CONFIRMED
            ),
        )
        events.record(self._rt, config, record, events.EventType.PASSWORD_CHANGE, client=client)

    # -- calls made with an access token ----------------------------------------------

    def _access(self, access_token: str) -> tuple[UserPoolConfig, AppClient, UserRecord]:
        """The pool configuration, client and user behind a valid access token."""
        v.token(access_token, "access_token")
        _record, config = self._rt.pool(self.pool.id)
        claims = token_rules.verify(
            self._rt, self.pool.id, access_token, token_use="access", check_revocation=False
        )
        scopes = str(claims.get("scope", "")).split()
        if token_rules.ADMIN_SCOPE not in scopes:
            raise NotAuthorizedError("Access Token does not have required scopes")
        try:
            client = self._rt.client(str(claims.get("client_id")), self.pool.id)
        except ResourceNotFoundError:
            raise TokenVerificationError("Invalid Access Token", reason="client") from None
        # The user before revocation: Cognito answers a deleted or disabled user's tokens
        # with "User does not exist." / "User is disabled." (a user since re-created under
        # the same name is another user: its sub differs).
        record = self._rt.store.get_user(self.pool.id, str(claims.get("username")))
        if record is None or record.sub != claims.get("sub"):
            raise UserNotFoundError("User does not exist.")
        if not record.enabled:
            raise NotAuthorizedError("User is disabled.")
        if token_rules.is_revoked(self._rt, self.pool.id, claims, user=record):
            raise TokenVerificationError("Access Token has been revoked", reason="revoked")
        return config, client, record

    def get_user(self, access_token: str) -> User:
        """``GetUser``: the signed-in user, with the attributes the client may read."""
        config, client, record = self._access(access_token)
        names = frozenset(a.name for a in config.schema)
        return User.from_record(record, readable=client.readable(names))

    def update_user_attributes(
        self,
        access_token: str,
        attributes: Mapping[str, str] | Iterable[Mapping[str, str]],
        *,
        client_metadata: Mapping[str, str] | None = None,
    ) -> list[CodeDelivery]:
        """``UpdateUserAttributes``: a changed email or phone becomes unverified and, when
        auto-verified, gets a code; with ``attributes_require_verification_before_update``
        the old value stays in force until the new one is verified."""
        given = accounts.attribute_map("user_attributes", attributes)
        v.client_metadata(client_metadata)
        config, client, record = self._access(access_token)
        checked = accounts.check_attributes(config, given, client=client, creating=False)
        auto = {a.value for a in config.auto_verified_attributes}
        hold = {a.value for a in config.attributes_require_verification_before_update}
        to_verify = [
            name
            for name in ("email", "phone_number")
            if name in checked and checked[name] != record.attributes.get(name)
        ]
        pending = {name: checked.pop(name) for name in to_verify if name in hold}

        def change(current: UserRecord) -> UserRecord:
            merged = dict(current.attributes)
            merged.update(checked)
            for name in to_verify:
                if name not in pending:
                    merged[VERIFIED_FLAGS[name]] = "false"
            return attrs.evolve(current, attributes=merged, modified_at=self._rt.now())

        def target(changed: UserRecord, name: str) -> UserRecord:
            if name not in pending:
                return changed
            return attrs.evolve(changed, attributes={**changed.attributes, name: pending[name]})

        # The messages are made before the change is written: a failing CustomMessage
        # trigger leaves the attributes as they were.
        prospective = change(record)
        composed = {
            name: messages.compose_code(
                self._rt,
                config,
                target(prospective, name),
                attribute=name,
                purpose=Purpose.UPDATE_USER_ATTRIBUTE,
                client_id=client.id,
                client_metadata=client_metadata,
            )
            for name in to_verify
            if name in auto
        }
        record = accounts.mutate(self._rt, config, self.pool.id, record.username, change)
        deliveries = []
        for name, message in composed.items():
            verified = target(record, name)
            deliveries.append(
                messages.send_code(
                    self._rt,
                    config,
                    verified,
                    attribute=name,
                    purpose=Purpose.UPDATE_USER_ATTRIBUTE,
                    store_purpose=f"verify:{name}",
                    ttl=VERIFICATION_TTL,
                    extra={"value": verified.attributes[name]},
                    composed=message,
                )
            )
        return deliveries

    def get_user_attribute_verification_code(
        self,
        access_token: str,
        attribute_name: str,
        *,
        client_metadata: Mapping[str, str] | None = None,
    ) -> CodeDelivery:
        """Sends a code to verify the user's email or phone number."""
        v.string("attribute_name", attribute_name, min_len=1, max_len=32)
        v.client_metadata(client_metadata)
        config, client, record = self._access(access_token)
        if attribute_name not in VERIFIED_FLAGS:
            raise InvalidParameterError(
                f"Only email and phone_number can be verified, not {attribute_name}.",
                field="attribute_name",
            )
        value = record.attributes.get(attribute_name)
        pending = self._rt.store.get_code(self.pool.id, record.username, f"verify:{attribute_name}")
        if pending is not None and "value" in pending.extra:
            value = str(pending.extra["value"])
        if not value:
            raise InvalidParameterError(
                f"The user has no {attribute_name} to verify.", field="attribute_name"
            )
        target = attrs.evolve(record, attributes={**record.attributes, attribute_name: value})
        return messages.send_code(
            self._rt,
            config,
            target,
            attribute=attribute_name,
            purpose=Purpose.VERIFY_USER_ATTRIBUTE,
            store_purpose=f"verify:{attribute_name}",
            ttl=VERIFICATION_TTL,
            extra={"value": value},
            client_id=client.id,
            client_metadata=client_metadata,
        )

    def verify_user_attribute(self, access_token: str, attribute_name: str, code: str) -> None:
        """Verifies an email or phone number with the code sent for it."""
        v.string("attribute_name", attribute_name, min_len=1, max_len=32)
        v.code(code, "code")
        config, _client, record = self._access(access_token)
        if attribute_name not in VERIFIED_FLAGS:
            raise InvalidParameterError(
                f"Only email and phone_number can be verified, not {attribute_name}.",
                field="attribute_name",
            )
        found = messages.check_code(self._rt, record, f"verify:{attribute_name}", code)
        value = found.extra.get("value")

        def change(current: UserRecord) -> UserRecord:
            merged = dict(current.attributes)
            if isinstance(value, str):
                merged[attribute_name] = value
            if not merged.get(attribute_name):
                raise ExpiredCodeError("Invalid code provided, please request a code again.")
            merged[VERIFIED_FLAGS[attribute_name]] = "true"
            return attrs.evolve(current, attributes=merged, modified_at=self._rt.now())

        accounts.mutate(self._rt, config, self.pool.id, record.username, change)
        messages.discard(self._rt, found)

    def change_password(
        self, access_token: str, proposed_password: str, previous_password: str | None = None
    ) -> None:
        """``ChangePassword``: needs the current password; counts toward lockout.  A
        passwordless user sets its first password without ``previous_password``.

        .. versionchanged:: Unreleased ``previous_password`` optional for passwordless users.
        """
        v.password(proposed_password, "proposed_password")
        if previous_password is not None:
            v.password(previous_password, "previous_password")
        config, client, record = self._access(access_token)
        if previous_password is None and record.password_hash is not None:
            raise InvalidParameterError(
                "Missing required parameter PreviousPassword", field="previous_password"
            )
        try:
            if previous_password is not None:
                self._check_password(config, client, record, previous_password)
        except NotAuthorizedError:
            events.record(
                self._rt,
                config,
                record,
                events.EventType.PASSWORD_CHANGE,
                events.EventResponse.FAIL,
                client=client,
            )
            raise
        accounts.check_policy(config, proposed_password)

        def change(current: UserRecord) -> UserRecord:
            if previous_password is None and current.password_hash is not None:
                # A password was set meanwhile: it now has to be given.
                raise InvalidParameterError(
                    "Missing required parameter PreviousPassword", field="previous_password"
                )
            return accounts.with_password(self._rt, current, proposed_password)

        accounts.mutate(self._rt, config, self.pool.id, record.username, change)
        events.record(self._rt, config, record, events.EventType.PASSWORD_CHANGE, client=client)

    def delete_user(self, access_token: str) -> None:
        """``DeleteUser``: the signed-in user deletes itself."""
        _config, _client, record = self._access(access_token)
        self._rt.store.delete_user(self.pool.id, record.username)

    def delete_user_attributes(self, access_token: str, names: Iterable[str]) -> None:
        """``DeleteUserAttributes``: the signed-in user removes some of its attributes
        (only those its app client may write)."""
        wanted = v.string_list("user_attribute_names", names, min_len=1, max_len=32)
        config, client, record = self._access(access_token)
        schema = frozenset(a.name for a in config.schema)
        delete_attributes(self._rt, config, record, wanted, writable=client.writable(schema))

    def global_sign_out(self, access_token: str) -> None:
        """``GlobalSignOut``: revokes every refresh token of the user and their tokens."""
        from cogkit.domain.pool import sign_out

        config, _client, record = self._access(access_token)
        sign_out(self._rt, config, record)


AuthFlow.FLOWS.update(
    {
        AuthFlowType.USER_PASSWORD_AUTH: AuthFlow._password_flow,
        AuthFlowType.ADMIN_USER_PASSWORD_AUTH: AuthFlow._password_flow,
        AuthFlowType.ADMIN_NO_SRP_AUTH: AuthFlow._password_flow,
        AuthFlowType.REFRESH_TOKEN_AUTH: AuthFlow._refresh_flow,
        AuthFlowType.REFRESH_TOKEN: AuthFlow._refresh_flow,
    }
)
AuthFlow.CHALLENGES.update(
    {
        ChallengeName.NEW_PASSWORD_REQUIRED: AuthFlow._answer_new_password,
    }
)

# Flows that live in their own modules register themselves in FLOWS and CHALLENGES.
from cogkit.domain import (  # noqa: E402, F401
    auth_custom,
    auth_devices,
    auth_mfa,
    auth_passkeys,
    auth_passwordless,
    auth_sign_up,
    auth_srp,
)

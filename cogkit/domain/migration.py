"""Users brought in from another system at their first sign-in or password reset: the
``UserMigration`` trigger (spec §3.3, §6.4).

When a password sign-in (``USER_PASSWORD_AUTH``, ``ADMIN_USER_PASSWORD_AUTH``) or
``ForgotPassword`` names a user the pool does not have, the pool's ``UserMigration``
handler may vouch for it.  Its answer becomes a new user: the returned attributes, the
password just typed (the pool's password policy does not apply to it), the status
``finalUserStatus`` says, and a welcome message unless ``messageAction`` is
``SUPPRESS``.  The user is made only once every trigger before it has agreed, so a
failing handler leaves nothing behind.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import attrs

from cogkit.domain import _accounts as accounts
from cogkit.domain import messages, trigger_events
from cogkit.domain.attributes import is_email, is_phone
from cogkit.domain.client import AppClient
from cogkit.domain.config import UserPoolConfig
from cogkit.domain.enums import AliasAttribute, UserStatus
from cogkit.domain.trigger_events import Composed
from cogkit.domain.triggers import Trigger, flag, optional_str, str_list, str_map
from cogkit.errors import CogkitError, InvalidLambdaResponseError
from cogkit.services.delivery import Channel, Message, Purpose
from cogkit.stores.records import UserRecord

if TYPE_CHECKING:
    from cogkit.domain.auth import AuthFlow

__all__: list[str] = []

AUTHENTICATION = "UserMigration_Authentication"
FORGOT_PASSWORD = "UserMigration_ForgotPassword"

_RESPONSE: Mapping[str, Any] = {
    "userAttributes": None,
    "finalUserStatus": None,
    "messageAction": None,
    "desiredDeliveryMediums": None,
    "forceAliasCreation": None,
    "enableSMSMFA": None,
}


@attrs.frozen
class Migration:
    """A user the migration handler vouched for, not yet created."""

    record: UserRecord
    typed_username: str
    force_alias: bool
    welcome: tuple[tuple[Composed, str], ...] = ()

    def commit(self, flow: AuthFlow) -> UserRecord:
        """Creates the user and sends the welcome message."""
        rt = flow._rt
        config = flow.pool.config
        if self.force_alias:
            record = flow.pool._create_forcing_aliases(config, self.record)
        else:
            record = accounts.create(rt, config, self.record)
        for composed, destination in self.welcome:
            messages.deliver(
                rt,
                config,
                composed,
                Message(
                    to=destination,
                    channel=composed.channel,
                    purpose=Purpose.ADMIN_CREATE_USER,
                    pool_id=record.pool_id,
                    username=record.username,
                    text=messages.render(composed.text, code="", username=self.typed_username),
                    subject=composed.subject,
                    sent_at=rt.now(),
                ),
            )
        return record


def on_sign_in(
    flow: AuthFlow,
    config: UserPoolConfig,
    client: AppClient,
    typed_username: str,
    password: str,
    validation_data: Mapping[str, str],
) -> Migration | None:
    """``UserMigration_Authentication``: the user the handler vouches for (with the
    password typed), or ``None`` when the pool has no migration trigger."""
    return _migrate(
        flow,
        config,
        client,
        typed_username,
        AUTHENTICATION,
        request={"password": password, "validationData": dict(validation_data) or None},
        password=password,
    )


def on_forgot_password(
    flow: AuthFlow,
    config: UserPoolConfig,
    client: AppClient,
    typed_username: str,
    client_metadata: Mapping[str, str] | None,
) -> Migration | None:
    """``UserMigration_ForgotPassword``: the user the handler vouches for, who has no
    password yet (RESET_REQUIRED), or ``None`` when the pool has no migration trigger."""
    return _migrate(
        flow,
        config,
        client,
        typed_username,
        FORGOT_PASSWORD,
        request=trigger_events.with_metadata({"validationData": None}, client_metadata),
        password=None,
    )


def _migrate(
    flow: AuthFlow,
    config: UserPoolConfig,
    client: AppClient,
    typed: str,
    source: str,
    *,
    request: dict[str, Any],
    password: str | None,
) -> Migration | None:
    rt = flow._rt
    pool_id = flow.pool.id
    found = trigger_events.handler_for(rt, config, pool_id, Trigger.USER_MIGRATION)
    if found is None:
        return None
    response = trigger_events.invoke(
        rt,
        config,
        pool_id,
        Trigger.USER_MIGRATION,
        source,
        username=typed,
        client_id=client.id,
        request=request,
        response=_RESPONSE,
        found=found,
    )
    assert response is not None
    given = str_map(response, "userAttributes")
    if given is None:
        raise InvalidLambdaResponseError("UserMigration must return userAttributes.")
    status = _final_status(optional_str(response, "finalUserStatus"))
    action = optional_str(response, "messageAction")
    if action not in (None, "SUPPRESS", "RESEND"):
        raise InvalidLambdaResponseError(f"UserMigration messageAction {action!r} is not SUPPRESS.")
    mediums = _mediums(str_list(response, "desiredDeliveryMediums"))
    force_alias = flag(response, "forceAliasCreation")
    sms_mfa = flag(response, "enableSMSMFA")
    try:
        checked = accounts.check_attributes(config, given, client=None, creating=True)
        username, sub = _identity(flow, config, typed, checked)
    except CogkitError as exc:
        raise InvalidLambdaResponseError(f"UserMigration userAttributes: {exc.message}") from exc
    now = rt.now()
    record = UserRecord(
        pool_id=pool_id,
        username=username,
        sub=sub,
        status=UserStatus.RESET_REQUIRED.value,
        enabled=True,
        created_at=now,
        modified_at=now,
        attributes=checked,
    )
    if sms_mfa and checked.get("phone_number"):
        record = attrs.evolve(record, extra={"mfa": {"enabled": ["SMS_MFA"]}})
    if password is not None and status is UserStatus.CONFIRMED:
        # The old system vouched for the password: it is kept as typed, policy or not
        # (spec §7.7).  A user told to reset keeps none, like an imported user.
        record = accounts.with_password(rt, record, password, status=UserStatus.CONFIRMED)
    welcome = () if action == "SUPPRESS" else _welcome(flow, config, record, client, mediums)
    return Migration(record=record, typed_username=typed, force_alias=force_alias, welcome=welcome)


def _final_status(value: str | None) -> UserStatus:
    # Cognito: at sign-in an unset finalUserStatus confirms the user; in the
    # forgot-password flow the user has no password, so it stays RESET_REQUIRED.
    if value is None or value == UserStatus.CONFIRMED.value:
        return UserStatus.CONFIRMED
    if value == UserStatus.RESET_REQUIRED.value:
        return UserStatus.RESET_REQUIRED
    raise InvalidLambdaResponseError(
        f"UserMigration finalUserStatus must be CONFIRMED or RESET_REQUIRED, not {value!r}."
    )


def _mediums(given: list[str] | None) -> tuple[Channel, ...]:
    if given is None:
        return (Channel.SMS,)
    try:
        return tuple(Channel(m) for m in given)
    except ValueError:
        raise InvalidLambdaResponseError(
            "UserMigration desiredDeliveryMediums takes EMAIL and SMS."
        ) from None


def _identity(
    flow: AuthFlow, config: UserPoolConfig, typed: str, attributes: dict[str, str]
) -> tuple[str, str]:
    """The migrated user's username and sub.

    In alias pools a user may sign in with an email or phone alias; that name cannot be
    a username there, so the user gets a generated one (its sub), and the alias goes in
    the attributes the handler returned.
    """
    aliases = set(config.alias_attributes)
    if (AliasAttribute.EMAIL in aliases and is_email(typed)) or (
        AliasAttribute.PHONE_NUMBER in aliases and is_phone(typed)
    ):
        sub = flow._rt.ids.uuid4()
        return sub, sub
    return accounts.sign_up_identity(config, flow._rt, typed, attributes)


def _welcome(
    flow: AuthFlow,
    config: UserPoolConfig,
    record: UserRecord,
    client: AppClient,
    mediums: tuple[Channel, ...],
) -> tuple[tuple[Composed, str], ...]:
    # fidelity: Cognito's welcome message to a migrated user is not documented; cogkit
    # sends the pool's invitation template with {username} filled in and {####} left
    # empty (a migrated user has no temporary password), through the CustomMessage and
    # custom sender triggers of AdminCreateUser.
    template = config.invitation
    out = []
    for medium in mediums:
        destination = record.attributes.get("phone_number" if medium is Channel.SMS else "email")
        if not destination:
            continue
        composed = trigger_events.compose(
            flow._rt,
            config,
            record,
            purpose=Purpose.ADMIN_CREATE_USER,
            channel=medium,
            text=template.sms_message if medium is Channel.SMS else template.email_message,
            subject=template.email_subject if medium is Channel.EMAIL else None,
            client_id=client.id,
            client_metadata=None,
            with_username=True,
            with_code=False,
        )
        out.append((composed, destination))
    return tuple(out)

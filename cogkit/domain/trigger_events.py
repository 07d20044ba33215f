"""The Lambda events of the user-pool triggers, and what their answers change (spec §6).

Each function here builds one trigger's event exactly as Cognito sends it (the common
envelope of ``triggers.envelope`` with that trigger's ``request`` and prefilled
``response``), runs the pool's handler if it has one, and reads the answer.  The flows
call them at the point Cognito does: triggers that decide (pre sign-up, pre
authentication, custom message, ...) run before the operation writes anything, so a
failing one leaves no user, no code and no session behind.

Which calls pass ``clientMetadata`` and ``validationData`` follows Cognito's list (spec
§6.5): ``InitiateAuth``'s ``ClientMetadata`` reaches only pre authentication and user
migration, as ``validationData``.  Both are left out of an event (``clientMetadata``) or
sent as ``null`` (``validationData``) when the call carried none, as Cognito does.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

import attrs

from cogkit.domain._runtime import Runtime
from cogkit.domain.config import UserPoolConfig
from cogkit.domain.enums import AliasAttribute
from cogkit.domain.triggers import (
    Handler,
    Trigger,
    envelope,
    flag,
    optional_str,
    response_of,
)
from cogkit.errors import CogkitError, InvalidLambdaResponseError
from cogkit.services.delivery import Channel, Purpose
from cogkit.stores.records import UserRecord

__all__: list[str] = []

log = logging.getLogger("cogkit.triggers")

#: The placeholders a CustomMessage handler must keep in the messages it writes.
CODE_PARAMETER = "{####}"
USERNAME_PARAMETER = "{username}"
LINK_PARAMETER = "{##Click Here##}"
#: Longest message and subject a CustomMessage handler may return (Cognito's limits for
#: ``EmailMessage`` and ``EmailSubject``).
EMAIL_MESSAGE_MAX = 20000
EMAIL_SUBJECT_MAX = 140


def pool_region(pool_id: str) -> str:
    return pool_id.split("_", 1)[0]


def handler_for(
    rt: Runtime, config: UserPoolConfig, pool_id: str, trigger: Trigger
) -> tuple[Handler, str] | None:
    """The pool's handler for ``trigger`` (registered directly, or by its Lambda ARN)."""
    return rt.triggers.handler_for(
        pool_id, trigger, config.lambda_config.arn(trigger), account_id=rt.account_id
    )


def invoke(
    rt: Runtime,
    config: UserPoolConfig,
    pool_id: str,
    trigger: Trigger,
    source: str,
    *,
    username: str | None,
    client_id: str | None,
    request: Mapping[str, Any],
    response: Mapping[str, Any],
    version: str = "1",
    found: tuple[Handler, str] | None = None,
) -> Mapping[str, Any] | None:
    """Runs the pool's ``trigger`` on its event; the handler's ``response``, or ``None``
    when the pool has no such trigger."""
    found = found or handler_for(rt, config, pool_id, trigger)
    if found is None:
        return None
    handler, arn = found
    event = envelope(
        source,
        region=pool_region(pool_id),
        pool_id=pool_id,
        username=username,
        client_id=client_id,
        request=request,
        response=response,
        version=version,
    )
    answered = rt.triggers.invoke(trigger, handler, arn, event, rt.ids.uuid4())
    return response_of(answered)


def user_attributes(config: UserPoolConfig, record: UserRecord) -> dict[str, str]:
    """``request.userAttributes``: every attribute as a string, with ``sub``, the user's
    status (``cognito:user_status``) and, in alias pools, the verified email and phone
    aliases (``cognito:email_alias``, ``cognito:phone_number_alias``)."""
    attributes = {"sub": record.sub, **record.attributes, "cognito:user_status": record.status}
    for alias in config.alias_attributes:
        if alias is AliasAttribute.PREFERRED_USERNAME:
            continue
        value = record.attributes.get(alias.value)
        if value and record.attributes.get(f"{alias.value}_verified") == "true":
            attributes[f"cognito:{alias.value}_alias"] = value
    return attributes


def with_metadata(
    request: dict[str, Any], client_metadata: Mapping[str, str] | None
) -> dict[str, Any]:
    if client_metadata:
        request["clientMetadata"] = dict(client_metadata)
    return request


def _validation_data(given: Mapping[str, str] | None) -> dict[str, str] | None:
    return dict(given) if given else None


# -- sign-up and confirmation ----------------------------------------------------------


@attrs.frozen
class SignUpDecision:
    """What a pre sign-up handler decided."""

    auto_confirm: bool = False
    auto_verify_email: bool = False
    auto_verify_phone: bool = False

    def verified(self, attributes: Mapping[str, str]) -> dict[str, str]:
        """``attributes`` with the email and phone the handler auto-verified."""
        out = dict(attributes)
        if self.auto_verify_email:
            out["email_verified"] = "true"
        if self.auto_verify_phone:
            out["phone_number_verified"] = "true"
        return out


def pre_sign_up(
    rt: Runtime,
    config: UserPoolConfig,
    pool_id: str,
    source: str,
    *,
    username: str,
    attributes: Mapping[str, str],
    validation_data: Mapping[str, str] | None,
    client_metadata: Mapping[str, str] | None,
    client_id: str | None,
) -> SignUpDecision:
    """``PreSignUp_SignUp`` / ``PreSignUp_AdminCreateUser``: may refuse the new user (by
    raising) or, for sign-up, confirm it and verify its email or phone at once.
    (``PreSignUp_ExternalProvider`` comes with federation, which cogkit does not have.)"""
    found = handler_for(rt, config, pool_id, Trigger.PRE_SIGN_UP)
    if found is None:
        return SignUpDecision()
    response = invoke(
        rt,
        config,
        pool_id,
        Trigger.PRE_SIGN_UP,
        source,
        found=found,
        username=username,
        client_id=client_id,
        request=with_metadata(
            {
                "userAttributes": dict(attributes),
                "validationData": _validation_data(validation_data),
            },
            client_metadata,
        ),
        response={"autoConfirmUser": False, "autoVerifyEmail": False, "autoVerifyPhone": False},
    )
    assert response is not None
    decision = SignUpDecision(
        auto_confirm=flag(response, "autoConfirmUser"),
        auto_verify_email=flag(response, "autoVerifyEmail"),
        auto_verify_phone=flag(response, "autoVerifyPhone"),
    )
    # Cognito: auto-verifying needs the attribute to verify.
    for wanted, attribute in (
        (decision.auto_verify_email, "email"),
        (decision.auto_verify_phone, "phone_number"),
    ):
        if wanted and not attributes.get(attribute):
            raise InvalidLambdaResponseError(
                f"PreSignUp cannot auto-verify {attribute}: the user has no {attribute}."
            )
    return decision


def post_confirmation(
    rt: Runtime,
    config: UserPoolConfig,
    record: UserRecord,
    source: str,
    *,
    client_id: str | None,
    client_metadata: Mapping[str, str] | None,
) -> None:
    """``PostConfirmation_ConfirmSignUp`` / ``_ConfirmForgotPassword``, with the user as
    the confirmation leaves it."""
    found = handler_for(rt, config, record.pool_id, Trigger.POST_CONFIRMATION)
    if found is None:
        return
    invoke(
        rt,
        config,
        record.pool_id,
        Trigger.POST_CONFIRMATION,
        source,
        found=found,
        username=record.username,
        client_id=client_id,
        request=with_metadata({"userAttributes": user_attributes(config, record)}, client_metadata),
        response={},
    )


# -- sign-in ---------------------------------------------------------------------------


def pre_authentication(
    rt: Runtime,
    config: UserPoolConfig,
    pool_id: str,
    *,
    record: UserRecord | None,
    typed_username: str,
    client_id: str,
    hides_missing_users: bool,
    validation_data: Mapping[str, str] | None,
) -> None:
    """``PreAuthentication_Authentication``: raising denies the sign-in.  With
    PreventUserExistenceErrors it also runs for unknown users, with ``userNotFound``."""
    found = handler_for(rt, config, pool_id, Trigger.PRE_AUTHENTICATION)
    if found is None:
        return
    request: dict[str, Any] = {
        "userAttributes": {} if record is None else user_attributes(config, record),
        "validationData": _validation_data(validation_data),
    }
    if hides_missing_users:
        request["userNotFound"] = record is None
    invoke(
        rt,
        config,
        pool_id,
        Trigger.PRE_AUTHENTICATION,
        "PreAuthentication_Authentication",
        username=typed_username if record is None else record.username,
        client_id=client_id,
        request=request,
        response={},
        found=found,
    )


def post_authentication(
    rt: Runtime,
    config: UserPoolConfig,
    record: UserRecord,
    *,
    client_id: str,
    client_metadata: Mapping[str, str] | None,
    new_device_used: bool,
) -> None:
    """``PostAuthentication_Authentication``, before the tokens are issued; raising means
    no tokens.  ``newDeviceUsed`` is set only in pools that remember devices."""
    found = handler_for(rt, config, record.pool_id, Trigger.POST_AUTHENTICATION)
    if found is None:
        return
    request: dict[str, Any] = {"userAttributes": user_attributes(config, record)}
    if config.device_configuration is not None:
        request["newDeviceUsed"] = new_device_used
    invoke(
        rt,
        config,
        record.pool_id,
        Trigger.POST_AUTHENTICATION,
        "PostAuthentication_Authentication",
        found=found,
        username=record.username,
        client_id=client_id,
        request=with_metadata(request, client_metadata),
        response={},
    )


# -- messages --------------------------------------------------------------------------


@attrs.frozen
class Composed:
    """A message made ready before the operation writes anything: the text and subject to
    send (placeholders still in), or the custom sender that sends it instead."""

    purpose: Purpose
    channel: Channel
    text: str
    subject: str | None
    sender: tuple[Handler, str] | None = None
    #: For a custom sender: the event parts known before the code is.
    pool_id: str = ""
    username: str = ""
    user_attributes: Mapping[str, str] = attrs.field(factory=dict, repr=False)
    client_id: str | None = None
    client_metadata: Mapping[str, str] | None = attrs.field(default=None, repr=False)


def _sender_trigger(channel: Channel) -> Trigger:
    return Trigger.CUSTOM_SMS_SENDER if channel is Channel.SMS else Trigger.CUSTOM_EMAIL_SENDER


def compose(
    rt: Runtime,
    config: UserPoolConfig,
    record: UserRecord,
    *,
    purpose: Purpose,
    channel: Channel,
    text: str,
    subject: str | None,
    client_id: str | None,
    client_metadata: Mapping[str, str] | None,
    with_username: bool = False,
    with_code: bool = True,
) -> Composed:
    """The message for ``purpose`` by ``channel``: a custom sender configured for the
    channel takes it over; otherwise the ``CustomMessage_<purpose>`` trigger may rewrite
    the pool's ``text`` and ``subject``, keeping the ``{####}`` placeholder (and
    ``{username}`` for invitations), else InvalidLambdaResponse."""
    sender = handler_for(rt, config, record.pool_id, _sender_trigger(channel))
    found = None if sender else handler_for(rt, config, record.pool_id, Trigger.CUSTOM_MESSAGE)
    if sender is None and found is None:
        return Composed(purpose, channel, text, subject)
    attributes = user_attributes(config, record)
    if sender is not None:
        # Cognito hands the code to the custom sender and sends nothing itself (nor runs
        # CustomMessage for that channel).
        return Composed(
            purpose,
            channel,
            text,
            subject,
            sender=sender,
            pool_id=record.pool_id,
            username=record.username,
            user_attributes=attributes,
            client_id=client_id,
            client_metadata=dict(client_metadata) if client_metadata else None,
        )
    response = invoke(
        rt,
        config,
        record.pool_id,
        Trigger.CUSTOM_MESSAGE,
        f"CustomMessage_{purpose.value}",
        found=found,
        username=record.username,
        client_id=client_id,
        request=with_metadata(
            {
                "userAttributes": attributes,
                "codeParameter": CODE_PARAMETER,
                "linkParameter": LINK_PARAMETER,
                "usernameParameter": USERNAME_PARAMETER if with_username else None,
            },
            client_metadata,
        ),
        response={"smsMessage": None, "emailMessage": None, "emailSubject": None},
    )
    assert response is not None
    sms = optional_str(response, "smsMessage")
    email = optional_str(response, "emailMessage")
    email_subject = optional_str(response, "emailSubject")
    written = sms if channel is Channel.SMS else email
    if written is not None:
        wanted = [CODE_PARAMETER] if with_code else []
        if with_username:
            wanted.append(USERNAME_PARAMETER)
        missing = [p for p in wanted if p not in written]
        if missing:
            raise InvalidLambdaResponseError(
                f"The CustomMessage {'smsMessage' if channel is Channel.SMS else 'emailMessage'}"
                f" must contain {' and '.join(missing)}."
            )
        if len(written) > EMAIL_MESSAGE_MAX:
            raise InvalidLambdaResponseError(
                f"The CustomMessage message is longer than {EMAIL_MESSAGE_MAX} characters."
            )
        text = written
    if channel is Channel.EMAIL and email_subject is not None:
        if not 0 < len(email_subject) <= EMAIL_SUBJECT_MAX:
            raise InvalidLambdaResponseError(
                f"The CustomMessage emailSubject must be 1 to {EMAIL_SUBJECT_MAX} characters."
            )
        # fidelity: Cognito honours emailMessage and emailSubject only for pools that send
        # mail through their own SES identity (EmailSendingAccount=DEVELOPER); cogkit
        # delivers all mail itself and always honours them.
        subject = email_subject
    return Composed(purpose, channel, text, subject)


def custom_send(rt: Runtime, config: UserPoolConfig, composed: Composed, code: str | None) -> None:
    """Hands a code to the pool's custom sender (``CustomSMSSender_<purpose>`` /
    ``CustomEmailSender_<purpose>``).

    Cognito invokes custom senders asynchronously: their failures never reach the caller
    and nothing the operation did is undone.  cogkit logs a failure on the
    ``cogkit.triggers`` logger.
    """
    # fidelity: Cognito does not wait for a custom sender; cogkit runs it before the call
    # returns, so a test can read what it sent right after the call.
    assert composed.sender is not None
    trigger = _sender_trigger(composed.channel)
    kind = "SMS" if composed.channel is Channel.SMS else "Email"
    request = with_metadata(
        {
            "type": f"custom{kind}SenderRequestV1",
            # fidelity: Cognito encrypts the code with the pool's KMS key (the AWS
            # Encryption SDK format), for the handler to decrypt; cogkit has no KMS and
            # passes the code in the clear.
            "code": code,
            "userAttributes": dict(composed.user_attributes),
        },
        composed.client_metadata,
    )
    try:
        invoke(
            rt,
            config,
            composed.pool_id,
            trigger,
            f"{trigger.value}_{composed.purpose.value}",
            username=composed.username,
            client_id=composed.client_id,
            request=request,
            response={},
            found=composed.sender,
        )
    except CogkitError as exc:
        log.warning("%s failed; the message was not sent: %s", trigger.value, exc.message)

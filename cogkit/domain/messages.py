"""Codes and the messages that carry them: make, keep (as digests), send, check.

Every message goes through ``compose`` and ``deliver``: the pool's ``CustomMessage``
trigger may rewrite it, and a custom sender trigger (``CustomSMSSender``,
``CustomEmailSender``) replaces the delivery.  Callers that write before sending compose
first, so a failing trigger leaves their write undone.
"""

from __future__ import annotations

from collections.abc import Mapping

import attrs

from cogkit.domain import trigger_events
from cogkit.domain._runtime import Runtime
from cogkit.domain.config import UserPoolConfig
from cogkit.domain.trigger_events import Composed
from cogkit.errors import (
    CodeDeliveryFailureError,
    CodeMismatchError,
    ExpiredCodeError,
    LimitExceededError,
)
from cogkit.services.codes import code_digest, codes_match
from cogkit.services.delivery import Channel, Message, Purpose
from cogkit.stores.records import CodeRecord, UserRecord

__all__ = ["CodeDelivery"]

#: How long a password-reset code is valid (``ForgotPassword``, ``AdminResetUserPassword``).
RESET_CODE_TTL = 3600
#: Wrong guesses allowed against one code before it stops being accepted.
# fidelity: Cognito limits code attempts per user per hour (ConfirmSignUp 15/h,
# ConfirmForgotPassword 5-20/h, by its undocumented quotas); cogkit counts wrong guesses
# against each code, and a new code starts the count again.
MAX_CODE_ATTEMPTS = 5
DAY = 86400
HOUR = 3600


@attrs.frozen
class CodeDelivery:
    """Where a code went (Cognito's ``CodeDeliveryDetailsType``), destination masked."""

    destination: str
    delivery_medium: Channel
    attribute_name: str


def channel_for(attribute: str) -> Channel:
    return Channel.SMS if attribute == "phone_number" else Channel.EMAIL


def masked(attribute: str, value: str) -> str:
    from cogkit.domain.users import mask_email, mask_phone

    return mask_phone(value) if attribute == "phone_number" else mask_email(value)


def render(template: str, *, code: str, username: str | None = None) -> str:
    text = template.replace("{####}", code)
    if username is not None:
        text = text.replace("{username}", username)
    return text


def send(rt: Runtime, message: Message) -> None:
    """Hands a message to the sender; a failing sender is Cognito's CodeDeliveryFailure."""
    try:
        rt.sender.send(message)
    except Exception as exc:
        raise CodeDeliveryFailureError(
            f"Unable to deliver the message by {message.channel.value}."
        ) from exc


def compose_code(
    rt: Runtime,
    config: UserPoolConfig,
    user: UserRecord,
    *,
    attribute: str,
    purpose: Purpose,
    client_id: str | None = None,
    client_metadata: Mapping[str, str] | None = None,
    template: tuple[str, str | None] | None = None,
) -> Composed:
    """The message that will carry a code to ``attribute``: ``template`` (text, email
    subject) or the pool's verification template, as the CustomMessage trigger leaves it
    (``client_id`` ``None`` for admin calls)."""
    channel = channel_for(attribute)
    verification = config.verification
    if template is not None:
        text, subject = template
    elif channel is Channel.SMS:
        text, subject = verification.sms_message, None
    else:
        text, subject = verification.email_message, verification.email_subject
    if channel is Channel.SMS:
        subject = None
    return trigger_events.compose(
        rt,
        config,
        user,
        purpose=purpose,
        channel=channel,
        text=text,
        subject=subject,
        client_id=client_id,
        client_metadata=client_metadata,
    )


def deliver(rt: Runtime, config: UserPoolConfig, composed: Composed, message: Message) -> None:
    """Sends ``message`` as ``composed`` says: through the pool's custom sender, or the
    service's sender."""
    if composed.sender is not None:
        trigger_events.custom_send(rt, config, composed, message.code)
        return
    send(rt, message)


def send_code(
    rt: Runtime,
    config: UserPoolConfig,
    user: UserRecord,
    *,
    attribute: str,
    purpose: Purpose,
    store_purpose: str,
    ttl: float,
    extra: dict[str, str] | None = None,
    client_id: str | None = None,
    client_metadata: Mapping[str, str] | None = None,
    composed: Composed | None = None,
    template: tuple[str, str | None] | None = None,
) -> CodeDelivery:
    """Makes a code, keeps its digest for ``store_purpose`` and sends it to ``attribute``
    (in the message ``composed`` beforehand, or composed now).

    ``template`` (text with ``{####}``, email subject) replaces the pool's verification
    message, as MFA and sign-in codes do.
    """
    if composed is None:
        composed = compose_code(
            rt,
            config,
            user,
            attribute=attribute,
            purpose=purpose,
            client_id=client_id,
            client_metadata=client_metadata,
            template=template,
        )
    code, record = new_code(
        rt, user, purpose=purpose, store_purpose=store_purpose, ttl=ttl, extra=extra
    )
    rt.store.put_code(record)
    return deliver_code(rt, config, user, attribute=attribute, composed=composed, code=code)


def new_code(
    rt: Runtime,
    user: UserRecord,
    *,
    purpose: Purpose,
    store_purpose: str,
    ttl: float,
    extra: dict[str, str] | None = None,
) -> tuple[str, CodeRecord]:
    """A fresh code and the record that keeps its digest for ``store_purpose`` (not stored
    yet: ``send_code`` stores it, a sign-up stores it with the new user)."""
    code = rt.codes.new_code(purpose.value)
    now = rt.now()
    salt = rt.ids.token_bytes(16).hex()
    record = CodeRecord(
        pool_id=user.pool_id,
        username=user.username,
        purpose=store_purpose,
        digest=code_digest(code, salt),
        salt=salt,
        created_at=now,
        expires_at=now + ttl,
        extra=extra or {},
    )
    return code, record


def deliver_code(
    rt: Runtime,
    config: UserPoolConfig,
    user: UserRecord,
    *,
    attribute: str,
    composed: Composed,
    code: str,
) -> CodeDelivery:
    """Sends ``code`` to the user's ``attribute`` in the message ``composed`` made."""
    destination = user.attributes[attribute]
    now = rt.now()
    channel = channel_for(attribute)
    deliver(
        rt,
        config,
        composed,
        Message(
            to=destination,
            channel=channel,
            purpose=composed.purpose,
            pool_id=user.pool_id,
            username=user.username,
            text=render(composed.text, code=code),
            subject=composed.subject,
            code=code,
            sent_at=now,
        ),
    )
    return CodeDelivery(masked(attribute, destination), channel, attribute)


def check_code(rt: Runtime, user: UserRecord, store_purpose: str, code: str) -> CodeRecord:
    """The code record when ``code`` is right; otherwise Cognito's error.

    No code (never sent, already used, replaced) or an expired one: ExpiredCode.  A wrong
    guess counts against the code; past ``MAX_CODE_ATTEMPTS`` it is LimitExceeded.  The
    caller takes the code (``consume``) once the rest of the operation has succeeded.
    """
    record = rt.store.get_code(user.pool_id, user.username, store_purpose)
    if record is None or rt.now() >= record.expires_at:
        raise ExpiredCodeError("Invalid code provided, please request a code again.")
    if record.attempts >= MAX_CODE_ATTEMPTS:
        raise LimitExceededError("Attempt limit exceeded, please try after some time.")
    if not codes_match(code, record.salt, record.digest):
        rt.store.add_code_attempt(user.pool_id, user.username, store_purpose, record.digest)
        raise CodeMismatchError("Invalid verification code provided, please try again.")
    return record


def consume(rt: Runtime, record: CodeRecord) -> None:
    """Uses the code up; a concurrent user of the same code gets ExpiredCode."""
    if not rt.store.take_code(record.pool_id, record.username, record.purpose, record.digest):
        raise ExpiredCodeError("Invalid code provided, please request a code again.")


def discard(rt: Runtime, record: CodeRecord) -> None:
    """Removes a code whose work is done (the change it allowed is idempotent)."""
    rt.store.take_code(record.pool_id, record.username, record.purpose, record.digest)


def send_reset_code(
    rt: Runtime,
    config: UserPoolConfig,
    user: UserRecord,
    attribute: str,
    *,
    composed: Composed | None = None,
    client_id: str | None = None,
) -> CodeDelivery:
    """Sends the code ``ConfirmForgotPassword`` accepts to ``attribute`` (valid an hour)."""
    return send_code(
        rt,
        config,
        user,
        attribute=attribute,
        purpose=Purpose.FORGOT_PASSWORD,
        store_purpose="forgot_password",
        ttl=RESET_CODE_TTL,
        composed=composed,
        client_id=client_id,
    )

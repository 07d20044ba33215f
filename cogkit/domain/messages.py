"""Codes and the messages that carry them: make, keep (as digests), send, check."""

from __future__ import annotations

import attrs

from cogkit.domain._runtime import Runtime
from cogkit.domain.config import UserPoolConfig
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
    template: tuple[str, str | None] | None = None,
) -> CodeDelivery:
    """Makes a code, keeps its digest for ``store_purpose`` and sends it to ``attribute``.

    ``template`` (text with ``{####}``, email subject) replaces the pool's verification
    message, as MFA and sign-in codes do.
    """
    destination = user.attributes[attribute]
    code = rt.codes.new_code(purpose.value)
    now = rt.now()
    salt = rt.ids.token_bytes(16).hex()
    rt.store.put_code(
        CodeRecord(
            pool_id=user.pool_id,
            username=user.username,
            purpose=store_purpose,
            digest=code_digest(code, salt),
            salt=salt,
            created_at=now,
            expires_at=now + ttl,
            extra=extra or {},
        )
    )
    channel = channel_for(attribute)
    verification = config.verification
    if template is not None:
        text, subject = render(template[0], code=code), template[1]
    elif channel is Channel.SMS:
        text, subject = render(verification.sms_message, code=code), None
    else:
        text, subject = render(verification.email_message, code=code), verification.email_subject
    if channel is Channel.SMS:
        subject = None
    send(
        rt,
        Message(
            to=destination,
            channel=channel,
            purpose=purpose,
            pool_id=user.pool_id,
            username=user.username,
            text=text,
            subject=subject,
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

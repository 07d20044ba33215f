from __future__ import annotations

import pytest

from cogkit import Channel, Message, MessageSender, Outbox, Purpose
from cogkit.errors import MessageNotFoundError


def _message(to: str, purpose: Purpose = Purpose.SIGN_UP, code: str = "123456") -> Message:
    channel = Channel.SMS if to.startswith("+") else Channel.EMAIL
    return Message(
        to=to,
        channel=channel,
        purpose=purpose,
        pool_id="us-east-1_AAAAAAAAA",
        username=to,
        text=f"Your code is {code}",
        code=code,
    )


def test_outbox_keeps_messages_oldest_first() -> None:
    outbox = Outbox()
    outbox.send(_message("a@example.com"))
    outbox.send(_message("b@example.com"))
    assert [m.to for m in outbox] == ["a@example.com", "b@example.com"]
    assert len(outbox) == 2
    assert [m.to for m in outbox.messages] == ["a@example.com", "b@example.com"]


def test_last_returns_the_newest_match() -> None:
    outbox = Outbox()
    outbox.send(_message("a@example.com", code="111111"))
    outbox.send(_message("b@example.com", code="222222"))
    outbox.send(_message("a@example.com", code="333333"))
    assert outbox.last(to="a@example.com").code == "333333"
    assert outbox.last().code == "333333"


def test_find_filters_on_every_criterion_given() -> None:
    outbox = Outbox()
    outbox.send(_message("a@example.com", Purpose.SIGN_UP))
    outbox.send(_message("a@example.com", Purpose.FORGOT_PASSWORD))
    outbox.send(_message("+15555550100", Purpose.FORGOT_PASSWORD))
    assert len(outbox.find(purpose=Purpose.FORGOT_PASSWORD)) == 2
    assert len(outbox.find(purpose="ForgotPassword", channel="SMS")) == 1
    assert len(outbox.find(to="a@example.com", username="a@example.com")) == 2
    assert outbox.find(to="nobody@example.com") == []


def test_last_without_a_match_raises_message_not_found() -> None:
    outbox = Outbox()
    outbox.send(_message("a@example.com"))
    with pytest.raises(MessageNotFoundError, match=r"to='b@example.com', purpose='SignUp'"):
        outbox.last(to="b@example.com", purpose="SignUp")


def test_last_on_an_empty_outbox_says_nothing_matches() -> None:
    with pytest.raises(MessageNotFoundError, match="matches anything"):
        Outbox().last()


def test_message_not_found_is_also_a_lookup_error() -> None:
    with pytest.raises(LookupError):
        Outbox().last()


def test_clear_forgets_every_message() -> None:
    outbox = Outbox()
    outbox.send(_message("a@example.com"))
    outbox.clear()
    assert len(outbox) == 0
    assert repr(outbox) == "Outbox(0 messages)"


def test_outbox_is_a_message_sender() -> None:
    assert isinstance(Outbox(), MessageSender)


def test_message_repr_hides_code_text_and_temporary_password() -> None:
    message = Message(
        to="a@example.com",
        channel=Channel.EMAIL,
        purpose=Purpose.ADMIN_CREATE_USER,
        pool_id="us-east-1_AAAAAAAAA",
        username="a",
        text="password Secret-Temp-9 code 654321",
        code="654321",
        temporary_password="Secret-Temp-9",
    )
    shown = repr(message)
    assert "654321" not in shown and "Secret-Temp-9" not in shown
    assert "a@example.com" in shown

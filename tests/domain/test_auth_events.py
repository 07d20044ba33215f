"""Users' auth events (threat protection's event history): what is recorded, when, with
which outcome and context; listing, paging and feedback; and the add-on they need."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest

from cogkit import AppClient, AuthFlow, AuthFlowType, ChallengeName, Cognito
from cogkit.domain import events
from cogkit.domain.auth import _Attempt
from cogkit.domain.events import EventContext, EventResponse, EventType, FeedbackValue
from cogkit.errors import (
    CodeMismatchError,
    FeatureUnavailableInTierError,
    InvalidParameterError,
    NotAuthorizedError,
    ResourceNotFoundError,
    UserNotFoundError,
    UserPoolAddOnNotEnabledError,
)
from cogkit.stores.records import SessionRecord
from cogkit.testing.srp import SrpClient
from tests.conftest import Kit
from tests.helpers import NEW_PASSWORD, PASSWORD, PASSWORD_FLOWS


@pytest.fixture
def audited(svc: Cognito) -> Kit:
    """A Plus pool with threat protection in AUDIT mode."""
    pool = svc.create_user_pool(
        "app", auto_verified_attributes=["email"], tier="PLUS", advanced_security_mode="AUDIT"
    )
    client = pool.create_client("web", explicit_auth_flows=[*PASSWORD_FLOWS, "ALLOW_CUSTOM_AUTH"])
    return Kit(svc, pool, client)


def history(kit: Kit, username: str = "ann") -> list[events.AuthEvent]:
    return list(kit.pool.admin_list_user_auth_events(username))


def kinds(kit: Kit, username: str = "ann") -> list[tuple[str, str]]:
    """(type, response) of the user's events, oldest first."""
    return [(e.type.value, e.response.value) for e in reversed(history(kit, username))]


# -- the add-on ----------------------------------------------------------------------------


def test_threat_protection_needs_the_plus_tier(svc: Cognito) -> None:
    with pytest.raises(FeatureUnavailableInTierError):
        svc.create_user_pool("app", advanced_security_mode="AUDIT")
    assert list(svc.list_user_pools()) == []


def test_threat_protection_enforcement_is_refused(svc: Cognito) -> None:
    with pytest.raises(InvalidParameterError) as info:
        svc.create_user_pool("app", tier="PLUS", advanced_security_mode="ENFORCED")
    assert info.value.field == "advanced_security_mode"
    assert list(svc.list_user_pools()) == []


def test_without_threat_protection_event_calls_are_refused(kit: Kit) -> None:
    kit.session("ann")
    with pytest.raises(UserPoolAddOnNotEnabledError):
        kit.pool.admin_list_user_auth_events("ann")
    with pytest.raises(UserPoolAddOnNotEnabledError):
        kit.pool.admin_update_auth_event_feedback("ann", "e1", "Valid")
    with pytest.raises(UserPoolAddOnNotEnabledError):
        kit.pool.update_auth_event_feedback("ann", "e1", "token", "Valid")


def test_events_are_recorded_only_while_threat_protection_is_on(svc: Cognito) -> None:
    pool = svc.create_user_pool("app", auto_verified_attributes=["email"], tier="PLUS")
    kit = Kit(svc, pool, pool.create_client("web", explicit_auth_flows=list(PASSWORD_FLOWS)))
    kit.session("ann")
    pool.update(advanced_security_mode="AUDIT")
    assert history(kit) == []
    kit.sign_in("ann")
    assert kinds(kit) == [("SignIn", "Pass")]


# -- sign-in -------------------------------------------------------------------------------


def test_a_sign_in_is_one_passed_event_whose_id_the_tokens_carry(audited: Kit) -> None:
    audited.confirmed("ann")
    audited.clock.advance(1)
    tokens = audited.sign_in("ann")
    [event, _sign_up] = history(audited)
    assert event.type is EventType.SIGN_IN
    assert event.response is EventResponse.PASS
    assert event.client_id == audited.client.id
    assert event.challenge_responses == (("Password", "Success"),)
    assert event.created_at.timestamp() == audited.clock.now()
    assert (event.risk_decision, event.risk_level) == ("NoRisk", "Low")
    assert not event.compromised_credentials_detected
    for token, use in ((tokens.access_token, "access"), (tokens.id_token, "id")):
        assert audited.pool.verify(token, token_use=use)["event_id"] == event.id


def test_refreshed_tokens_keep_the_sign_in_event_id(audited: Kit) -> None:
    audited.confirmed("ann")
    tokens = audited.sign_in("ann")
    assert tokens.refresh_token is not None
    refreshed = audited.auth.initiate(
        audited.client.id, "REFRESH_TOKEN_AUTH", REFRESH_TOKEN=tokens.refresh_token
    ).tokens
    assert refreshed is not None
    original = audited.pool.verify(tokens.access_token)["event_id"]
    assert audited.pool.verify(refreshed.access_token)["event_id"] == original
    assert kinds(audited).count(("SignIn", "Pass")) == 1


def test_a_wrong_password_is_a_failed_sign_in(audited: Kit) -> None:
    audited.confirmed("ann")
    audited.clock.advance(1)
    with pytest.raises(NotAuthorizedError):
        audited.sign_in("ann", "Wrong-horse-1")
    [failed, _sign_up] = history(audited)
    assert failed.response is EventResponse.FAIL
    assert failed.challenge_responses == (("Password", "Failure"),)


def test_an_unknown_user_leaves_no_event_anywhere(audited: Kit) -> None:
    with pytest.raises(UserNotFoundError):
        audited.sign_in("ghost")
    with pytest.raises(UserNotFoundError):
        audited.pool.admin_list_user_auth_events("ghost")


def _srp(kit: Kit, password: str) -> Any:
    client = SrpClient(kit.pool.id, "ann", password, client_id=kit.client.id)
    started = kit.auth.initiate(
        kit.client.id, "USER_SRP_AUTH", USERNAME="ann", SRP_A=client.start()
    )
    answers = client.respond(started.challenge.parameters, kit.clock.now())
    return kit.auth.respond(kit.client.id, "PASSWORD_VERIFIER", answers)


def test_srp_sign_ins_are_recorded_like_password_ones(audited: Kit) -> None:
    audited.confirmed("ann")
    audited.clock.advance(1)
    with pytest.raises(NotAuthorizedError):
        _srp(audited, "Wrong-horse-1")
    audited.clock.advance(1)
    tokens = _srp(audited, PASSWORD).tokens
    passed, failed, _sign_up = history(audited)
    assert failed.challenge_responses == (("Password", "Failure"),)
    assert passed.challenge_responses == (("Password", "Success"),)
    assert audited.pool.verify(tokens.access_token)["event_id"] == passed.id


def test_a_sign_in_with_a_challenge_is_in_progress_until_answered(audited: Kit) -> None:
    audited.pool.admin_create_user(
        "bob", temporary_password="Temporary-pass-1", message_action="SUPPRESS"
    )
    result = audited.auth.initiate(
        audited.client.id, "USER_PASSWORD_AUTH", USERNAME="bob", PASSWORD="Temporary-pass-1"
    )
    [pending] = history(audited, "bob")
    assert pending.response is EventResponse.IN_PROGRESS
    assert pending.challenge_responses == (("Password", "Success"),)
    done = audited.auth.respond(
        audited.client.id,
        "NEW_PASSWORD_REQUIRED",
        USERNAME="bob",
        NEW_PASSWORD=NEW_PASSWORD,
        session=result.session,
    )
    [passed] = history(audited, "bob")
    assert passed.id == pending.id
    assert passed.response is EventResponse.PASS
    assert done.tokens is not None
    assert audited.pool.verify(done.tokens.access_token)["event_id"] == passed.id


def _plug_in_a_second_factor(monkeypatch: pytest.MonkeyPatch) -> None:
    """Stands in for MFA the way the MFA feature plugs in: a flow that proves the
    password and asks for an SMS code, and the challenge handler that checks it."""

    def flow(
        engine: AuthFlow,
        config: Any,
        client: AppClient,
        params: Mapping[str, str],
        admin: bool,
        metadata: Mapping[str, str],
    ) -> Any:
        record = engine._find(config, params["USERNAME"])
        assert record is not None
        engine._check_password(config, client, record, params["PASSWORD"])
        attempt = events.password_passed(_Attempt(config, client, record, admin, metadata))
        return engine._challenge(attempt, ChallengeName.SMS_MFA, {})

    def answer(
        engine: AuthFlow, attempt: _Attempt, stored: SessionRecord, answers: Mapping[str, str]
    ) -> Any:
        if answers.get("SMS_MFA_CODE") != "123456":
            raise CodeMismatchError("Invalid code or auth state for the user.")
        engine._take(stored)
        return engine._success(attempt)

    monkeypatch.setitem(AuthFlow.FLOWS, AuthFlowType.CUSTOM_AUTH, flow)
    monkeypatch.setitem(AuthFlow.CHALLENGES, ChallengeName.SMS_MFA, answer)


def test_mfa_answers_join_the_sign_in_event(audited: Kit, monkeypatch: pytest.MonkeyPatch) -> None:
    _plug_in_a_second_factor(monkeypatch)
    audited.confirmed("ann")
    audited.clock.advance(1)
    started = audited.auth.initiate(
        audited.client.id, "CUSTOM_AUTH", USERNAME="ann", PASSWORD=PASSWORD
    )
    with pytest.raises(CodeMismatchError):
        audited.auth.respond(
            audited.client.id,
            "SMS_MFA",
            USERNAME="ann",
            SMS_MFA_CODE="000000",
            session=started.session,
        )
    [failed, _sign_up] = history(audited)
    assert failed.response is EventResponse.FAIL
    assert failed.challenge_responses == (("Password", "Success"), ("Mfa", "Failure"))
    done = audited.auth.respond(
        audited.client.id,
        "SMS_MFA",
        USERNAME="ann",
        SMS_MFA_CODE="123456",
        session=started.session,
    )
    [passed, _sign_up] = history(audited)
    assert passed.id == failed.id
    assert passed.response is EventResponse.PASS
    assert passed.challenge_responses == (
        ("Password", "Success"),
        ("Mfa", "Failure"),
        ("Mfa", "Success"),
    )
    assert done.tokens is not None
    assert audited.pool.verify(done.tokens.id_token, token_use="id")["event_id"] == passed.id


# -- the other events ------------------------------------------------------------------------


def test_sign_up_resend_reset_and_password_changes_are_recorded(audited: Kit) -> None:
    audited.sign_up("ann")
    audited.auth.resend_confirmation_code(audited.client.id, "ann")
    audited.auth.confirm_sign_up(audited.client.id, "ann", audited.code())
    audited.auth.forgot_password(audited.client.id, "ann")
    audited.auth.confirm_forgot_password(audited.client.id, "ann", audited.code(), NEW_PASSWORD)
    tokens = audited.sign_in("ann", NEW_PASSWORD)
    with pytest.raises(NotAuthorizedError):
        audited.auth.change_password(tokens.access_token, PASSWORD, "Wrong-horse-1")
    audited.auth.change_password(tokens.access_token, PASSWORD, NEW_PASSWORD)
    recorded = sorted((e.created_at, e.type.value, e.response.value) for e in history(audited))
    assert [(t, r) for _at, t, r in recorded] == sorted(
        [
            ("SignUp", "Pass"),
            ("ResendCode", "Pass"),
            ("ForgotPassword", "Pass"),
            ("PasswordChange", "Pass"),
            ("SignIn", "Pass"),
            ("PasswordChange", "Fail"),
            ("PasswordChange", "Pass"),
        ]
    )
    assert all(e.client_id == audited.client.id for e in history(audited))


# -- listing -----------------------------------------------------------------------------


def test_events_list_newest_first_a_page_at_a_time(audited: Kit) -> None:
    audited.confirmed("ann")
    for _ in range(4):
        audited.clock.advance(1)
        audited.sign_in("ann")
    everything = [e.id for e in history(audited)]
    first = audited.pool.admin_list_user_auth_events("ann", max_results=2)
    second = audited.pool.admin_list_user_auth_events(
        "ann", max_results=2, next_token=first.next_token
    )
    third = audited.pool.admin_list_user_auth_events(
        "ann", max_results=2, next_token=second.next_token
    )
    assert [e.id for e in (*first, *second, *third)] == everything
    assert third.next_token is None
    assert [e.created_at for e in first] == sorted((e.created_at for e in first), reverse=True)


def test_no_events_are_asked_for_with_max_results_zero(audited: Kit) -> None:
    audited.session("ann")
    page = audited.pool.admin_list_user_auth_events("ann", max_results=0)
    assert list(page) == [] and page.next_token is None


@pytest.mark.parametrize("size", [-1, 61, "10"])
def test_page_sizes_outside_0_to_60_are_refused(audited: Kit, size: Any) -> None:
    audited.session("ann")
    with pytest.raises(InvalidParameterError) as info:
        audited.pool.admin_list_user_auth_events("ann", max_results=size)
    assert info.value.field == "max_results"


def test_a_token_for_another_user_or_a_forged_one_is_refused(audited: Kit) -> None:
    audited.session("ann")
    audited.sign_in("ann")
    audited.session("bob")
    page = audited.pool.admin_list_user_auth_events("ann", max_results=1)
    assert page.next_token is not None
    for username, token in (("bob", page.next_token), ("ann", "forged")):
        with pytest.raises(InvalidParameterError) as info:
            audited.pool.admin_list_user_auth_events(username, next_token=token)
        assert info.value.field == "next_token"


def test_events_are_found_by_alias_and_go_with_their_user(svc: Cognito) -> None:
    pool = svc.create_user_pool(
        "app",
        auto_verified_attributes=["email"],
        alias_attributes=["email"],
        tier="PLUS",
        advanced_security_mode="AUDIT",
    )
    kit = Kit(svc, pool, pool.create_client("web", explicit_auth_flows=list(PASSWORD_FLOWS)))
    kit.confirmed("ann")
    kit.clock.advance(1)
    kit.sign_in("ann")
    assert [e.type for e in pool.admin_list_user_auth_events("ann@example.com")] == [
        EventType.SIGN_IN,
        EventType.SIGN_UP,
    ]
    pool.admin_delete_user("ann")
    kit.confirmed("ann")
    assert [e.type for e in pool.admin_list_user_auth_events("ann")] == [EventType.SIGN_UP]


# -- context -------------------------------------------------------------------------------


def test_the_request_context_is_recorded(audited: Kit) -> None:
    audited.confirmed("ann")
    audited.clock.advance(1)
    with events.event_context(ip_address="203.0.113.7", device_name="Firefox 126"):
        audited.sign_in("ann")
    [event, sign_up] = history(audited)
    assert event.context == EventContext(ip_address="203.0.113.7", device_name="Firefox 126")
    assert sign_up.context is None


def test_a_clients_own_ip_address_counts_only_when_its_app_client_propagates_it(
    audited: Kit,
) -> None:
    propagating = audited.pool.create_client(
        "server",
        generate_secret=True,
        explicit_auth_flows=list(PASSWORD_FLOWS),
        enable_propagate_additional_user_context_data=True,
    )
    audited.confirmed("ann")
    with events.event_context(ip_address="198.51.100.1", trusted=False):
        audited.sign_in("ann")
        secret_hash = propagating.secret_hash("ann")
        audited.auth.initiate(
            propagating.id,
            "USER_PASSWORD_AUTH",
            USERNAME="ann",
            PASSWORD=PASSWORD,
            SECRET_HASH=secret_hash,
        )
    contexts = {e.client_id: e.context for e in history(audited) if e.type is EventType.SIGN_IN}
    assert contexts[audited.client.id] is None
    assert contexts[propagating.id] == EventContext(ip_address="198.51.100.1", trusted=False)


def test_context_values_are_checked(audited: Kit) -> None:
    with (
        pytest.raises(InvalidParameterError) as info,
        events.event_context(ip_address=42),  # type: ignore[arg-type]
    ):
        pass
    assert info.value.field == "ip_address"


# -- feedback ------------------------------------------------------------------------------


def test_an_administrator_marks_an_event(audited: Kit) -> None:
    audited.session("ann")
    event = history(audited)[0]
    audited.clock.advance(5)
    audited.pool.admin_update_auth_event_feedback("ann", event.id, "Invalid")
    marked = history(audited)[0]
    assert marked.feedback_value is FeedbackValue.INVALID
    assert marked.feedback_provider == "Admin"
    assert marked.feedback_date is not None
    assert marked.feedback_date.timestamp() == audited.clock.now()


def test_a_user_marks_an_event_with_its_feedback_token(audited: Kit) -> None:
    audited.session("ann")
    event = history(audited)[0]
    assert event.feedback_token and event.feedback_token not in repr(event)
    audited.pool.update_auth_event_feedback("ann", event.id, event.feedback_token, "Valid")
    marked = history(audited)[0]
    assert (marked.feedback_value, marked.feedback_provider) == (FeedbackValue.VALID, "Email")


def test_a_feedback_token_of_another_event_is_refused(audited: Kit) -> None:
    audited.session("ann")
    newest, older = history(audited)
    with pytest.raises(NotAuthorizedError):
        audited.pool.update_auth_event_feedback("ann", newest.id, older.feedback_token, "Valid")
    assert history(audited)[0].feedback_value is None


def test_feedback_on_an_unknown_event_is_resource_not_found(audited: Kit) -> None:
    audited.session("ann")
    with pytest.raises(ResourceNotFoundError):
        audited.pool.admin_update_auth_event_feedback("ann", "no-such-event", "Valid")


@pytest.mark.parametrize(
    ("event_id", "value", "field"),
    [("e 1", "Valid", "event_id"), ("", "Valid", "event_id"), ("e1", "Maybe", "feedback_value")],
)
def test_bad_feedback_is_refused_and_nothing_changes(
    audited: Kit, event_id: str, value: str, field: str
) -> None:
    audited.session("ann")
    with pytest.raises(InvalidParameterError) as info:
        audited.pool.admin_update_auth_event_feedback("ann", event_id, value)
    assert info.value.field == field
    assert all(e.feedback_value is None for e in history(audited))


def test_feedback_for_an_unknown_user_is_user_not_found(audited: Kit) -> None:
    with pytest.raises(UserNotFoundError):
        audited.pool.admin_update_auth_event_feedback("ghost", "e1", "Valid")

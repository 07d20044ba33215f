"""User-management semantics across flows: what ``PreventUserExistenceErrors`` hides, how
aliases and verified flags follow changes, and invitation delivery."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from cogkit import AppClient, Channel, Cognito, FrozenClock, Purpose
from cogkit.errors import (
    AliasExistsError,
    CodeMismatchError,
    CogkitError,
    InvalidParameterError,
    NotAuthorizedError,
)
from cogkit.services.passwords import PasslibHasher, PasswordProfile
from cogkit.testing import make_cognito
from cogkit.testing.srp import SrpClient
from tests.conftest import Kit
from tests.helpers import NEW_PASSWORD, PASSWORD, PASSWORD_FLOWS, raises

WRONG = "Wrong-horse-1"


def _hiding(kit: Kit) -> AppClient:
    return kit.pool.create_client(
        "hiding",
        explicit_auth_flows=list(PASSWORD_FLOWS),
        prevent_user_existence_errors="ENABLED",
    )


def _outcome(call: Callable[[], Any]) -> tuple[str, str] | Any:
    """The error (code, message) of ``call``, or what it returned."""
    try:
        return call()
    except CogkitError as exc:
        return (getattr(exc, "code", type(exc).__name__), exc.message)


# -- PreventUserExistenceErrors ------------------------------------------------------------


def test_an_unknown_user_and_a_wrong_password_answer_alike_in_every_sign_in(kit: Kit) -> None:
    kit.confirmed("ann")
    hiding = _hiding(kit)

    def password(user: str, secret: str, admin: bool = False) -> Any:
        start = kit.auth.admin_initiate if admin else kit.auth.initiate
        flow = "ADMIN_USER_PASSWORD_AUTH" if admin else "USER_PASSWORD_AUTH"
        return _outcome(lambda: start(hiding.id, flow, USERNAME=user, PASSWORD=secret))

    def srp(user: str, secret: str) -> Any:
        client = SrpClient(kit.pool.id, user, secret, client_id=hiding.id)
        started = kit.auth.initiate(hiding.id, "USER_SRP_AUTH", USERNAME=user, SRP_A=client.start())
        answers = client.respond(started.challenge.parameters, kit.clock.now())
        return _outcome(lambda: kit.auth.respond(hiding.id, "PASSWORD_VERIFIER", answers))

    expected = ("NotAuthorizedException", "Incorrect username or password.")
    assert password("ghost", PASSWORD) == password("ann", WRONG) == expected
    assert password("ghost", PASSWORD, True) == password("ann", WRONG, True) == expected
    assert srp("ghost", PASSWORD) == srp("ann", WRONG) == expected


def test_an_unknown_user_costs_a_password_hash_like_a_known_one(clock: FrozenClock) -> None:
    class Counting(PasslibHasher):
        checks = 0

        def verify(self, password: str, password_hash: str) -> tuple[bool, str | None]:
            Counting.checks += 1
            return super().verify(password, password_hash)

        def burn(self, password: str) -> None:
            Counting.checks += 1
            super().burn(password)

    svc = make_cognito(clock=clock, hasher=Counting(PasswordProfile.CHEAP))
    pool = svc.create_user_pool("app", auto_verified_attributes=["email"])
    kit = Kit(svc, pool, pool.create_client("web", explicit_auth_flows=list(PASSWORD_FLOWS)))
    kit.confirmed("ann")
    hiding = _hiding(kit)
    for name in ("ghost", "ann"):
        Counting.checks = 0
        with pytest.raises(NotAuthorizedError):
            kit.sign_in(name, WRONG, client=hiding)
        assert Counting.checks == 1


def test_hidden_recovery_flows_answer_an_unknown_user_like_a_known_one(kit: Kit) -> None:
    kit.confirmed("ann")
    hiding = _hiding(kit).id
    auth = kit.auth
    delivery_ghost = auth.forgot_password(hiding, "ghost@example.com")
    sent = len(kit.svc.outbox)
    assert delivery_ghost.delivery_medium is Channel.EMAIL
    assert delivery_ghost.destination.endswith("***")
    assert len(kit.svc.outbox) == sent
    mismatch = ("CodeMismatchException", "Invalid verification code provided, please try again.")
    assert _outcome(lambda: auth.confirm_forgot_password(hiding, "ghost", "1", NEW_PASSWORD)) == (
        mismatch
    )
    auth.forgot_password(hiding, "ann")
    assert _outcome(lambda: auth.confirm_forgot_password(hiding, "ann", "1", NEW_PASSWORD)) == (
        mismatch
    )
    assert _outcome(lambda: auth.confirm_sign_up(hiding, "ghost", "1")) == mismatch


def test_a_disabled_user_looks_unknown_to_a_hidden_resend_and_reset_confirmation(
    kit: Kit,
) -> None:
    kit.sign_up("ann")
    hiding = _hiding(kit).id
    kit.pool.admin_disable_user("ann")
    sent = len(kit.svc.outbox)
    delivery = kit.auth.resend_confirmation_code(hiding, "ann")
    assert delivery.destination.endswith("***")
    assert len(kit.svc.outbox) == sent
    with raises(CodeMismatchError, "Invalid verification code provided, please try again."):
        kit.auth.confirm_forgot_password(hiding, "ann", "123456", NEW_PASSWORD)


def test_an_imported_user_gets_a_simulated_srp_challenge_from_a_hiding_client(
    kit: Kit,
) -> None:
    from tests.domain.test_imports import csv_text, person, run

    run(kit.pool, csv_text(kit.pool, person("ann")))
    hiding = _hiding(kit)
    client = SrpClient(kit.pool.id, "ann", PASSWORD, client_id=hiding.id)
    started = kit.auth.initiate(hiding.id, "USER_SRP_AUTH", USERNAME="ann", SRP_A=client.start())
    assert started.challenge is not None
    assert started.challenge.parameters["USER_ID_FOR_SRP"] != "ann"
    answers = client.respond(started.challenge.parameters, kit.clock.now())
    with raises(NotAuthorizedError, "Incorrect username or password."):
        kit.auth.respond(hiding.id, "PASSWORD_VERIFIER", answers)


# -- verification of changed addresses by administrators ----------------------------------


def test_an_admin_change_of_an_auto_verified_email_sends_a_code(kit: Kit) -> None:
    tokens = kit.session("ann")
    kit.pool.admin_update_user_attributes("ann", {"email": "new@example.com"})
    user = kit.pool.admin_get_user("ann")
    assert (user["email"], user["email_verified"]) == ("new@example.com", "false")
    message = kit.svc.outbox.last(to="new@example.com")
    assert message.purpose is Purpose.UPDATE_USER_ATTRIBUTE
    assert message.code is not None
    kit.auth.verify_user_attribute(tokens.access_token, "email", message.code)
    assert kit.pool.admin_get_user("ann")["email_verified"] == "true"


def test_an_admin_change_verified_in_the_same_call_sends_nothing(kit: Kit) -> None:
    kit.confirmed("ann")
    sent = len(kit.svc.outbox)
    kit.pool.admin_update_user_attributes(
        "ann", {"email": "new@example.com", "email_verified": "true"}
    )
    assert len(kit.svc.outbox) == sent
    assert kit.pool.admin_get_user("ann")["email_verified"] == "true"


def test_an_admin_change_of_an_address_not_auto_verified_sends_nothing(kit: Kit) -> None:
    kit.confirmed("ann")
    sent = len(kit.svc.outbox)
    kit.pool.admin_update_user_attributes("ann", {"phone_number": "+14325551212"})
    assert len(kit.svc.outbox) == sent
    assert kit.pool.admin_get_user("ann")["phone_number_verified"] == "false"


def test_an_admin_change_held_for_verification_keeps_the_old_email(svc: Cognito) -> None:
    pool = svc.create_user_pool(
        "held",
        auto_verified_attributes=["email"],
        attributes_require_verification_before_update=["email"],
    )
    kit = Kit(svc, pool, pool.create_client("web", explicit_auth_flows=list(PASSWORD_FLOWS)))
    tokens = kit.session("ann")
    pool.admin_update_user_attributes("ann", {"email": "new@example.com"})
    user = pool.admin_get_user("ann")
    assert (user["email"], user["email_verified"]) == ("ann@example.com", "true")
    code = kit.svc.outbox.last(to="new@example.com").code
    assert code is not None
    kit.auth.verify_user_attribute(tokens.access_token, "email", code)
    user = pool.admin_get_user("ann")
    assert (user["email"], user["email_verified"]) == ("new@example.com", "true")


def test_an_admin_change_held_for_verification_applies_when_verified_at_once(
    svc: Cognito,
) -> None:
    pool = svc.create_user_pool(
        "held",
        auto_verified_attributes=["email"],
        attributes_require_verification_before_update=["email"],
    )
    kit = Kit(svc, pool, pool.create_client("web", explicit_auth_flows=list(PASSWORD_FLOWS)))
    kit.confirmed("ann")
    pool.admin_update_user_attributes("ann", {"email": "new@example.com", "email_verified": "true"})
    assert pool.admin_get_user("ann")["email"] == "new@example.com"


def test_a_preferred_username_alias_cannot_be_set_on_an_unconfirmed_user(svc: Cognito) -> None:
    pool = svc.create_user_pool(
        "alias", alias_attributes=["preferred_username"], auto_verified_attributes=["email"]
    )
    client = pool.create_client("web")
    pool.auth.sign_up(client.id, "ann", PASSWORD, {"email": "ann@example.com"})
    with raises(InvalidParameterError, field="user_attributes"):
        pool.admin_update_user_attributes("ann", {"preferred_username": "annie"})
    assert pool.admin_get_user("ann").get("preferred_username") is None


# -- aliases move to the newest verified owner ----------------------------------------------


@pytest.fixture
def alias_kit(svc: Cognito) -> Kit:
    pool = svc.create_user_pool(
        "alias", alias_attributes=["email"], auto_verified_attributes=["email"]
    )
    return Kit(svc, pool, pool.create_client("web", explicit_auth_flows=list(PASSWORD_FLOWS)))


def test_verifying_an_email_another_user_holds_is_alias_exists(alias_kit: Kit) -> None:
    alias_kit.confirmed("ann", email="same@example.com")
    tokens = alias_kit.session("bob")
    alias_kit.auth.update_user_attributes(tokens.access_token, {"email": "same@example.com"})
    code = alias_kit.svc.outbox.last(to="same@example.com").code
    assert code is not None
    with raises(AliasExistsError):
        alias_kit.auth.verify_user_attribute(tokens.access_token, "email", code)
    assert alias_kit.pool.admin_get_user("same@example.com").username == "ann"


def test_an_alias_signs_in_its_newest_verified_owner_only(alias_kit: Kit) -> None:
    alias_kit.confirmed("ann", email="same@example.com")
    alias_kit.sign_up("bob", email="same@example.com")
    code = alias_kit.code("same@example.com")
    alias_kit.auth.confirm_sign_up(alias_kit.client.id, "bob", code, force_alias_creation=True)
    tokens = alias_kit.sign_in("same@example.com")
    assert alias_kit.pool.verify(tokens.access_token)["username"] == "bob"
    # ann keeps the address, unverified: it no longer signs her in.
    assert alias_kit.pool.admin_get_user("ann")["email"] == "same@example.com"
    assert alias_kit.pool.admin_get_user("ann")["email_verified"] == "false"
    assert alias_kit.sign_in("ann").access_token


def test_aliases_ignore_case_only_in_case_insensitive_pools(svc: Cognito) -> None:
    for case_sensitive, found in ((True, False), (False, True)):
        pool = svc.create_user_pool(
            "alias",
            alias_attributes=["email", "preferred_username"],
            auto_verified_attributes=["email"],
            case_sensitive=case_sensitive,
        )
        pool.admin_create_user(
            "ann",
            attributes={
                "email": "Ann@Example.com",
                "email_verified": "true",
                "preferred_username": "Annie",
            },
            message_action="SUPPRESS",
        )
        for typed in ("ann@example.com", "ANNIE", "ANN"):
            if found:
                assert pool.admin_get_user(typed).username == "ann"
            else:
                with pytest.raises(CogkitError):
                    pool.admin_get_user(typed)


# -- invitations ----------------------------------------------------------------------------


def test_an_email_invitation_needs_an_email(kit: Kit) -> None:
    with raises(
        InvalidParameterError,
        "No email provided but desired delivery medium was Email",
        field="desired_delivery_mediums",
    ):
        kit.pool.admin_create_user("ann", desired_delivery_mediums=["EMAIL"])
    assert list(kit.pool.list_users()) == []
    kit.pool.admin_create_user("ann", desired_delivery_mediums=["EMAIL"], message_action="SUPPRESS")


def test_an_sms_invitation_to_a_user_without_a_phone_sends_nothing(kit: Kit) -> None:
    kit.pool.admin_create_user("ann", attributes={"email": "ann@example.com"})
    assert len(kit.svc.outbox) == 0
    assert kit.pool.admin_get_user("ann").status.value == "FORCE_CHANGE_PASSWORD"


def test_an_invitation_goes_by_every_medium_asked_for(kit: Kit) -> None:
    kit.pool.admin_create_user(
        "ann",
        attributes={"email": "ann@example.com", "phone_number": "+14325551212"},
        desired_delivery_mediums=["SMS", "EMAIL"],
    )
    channels = sorted(m.channel.value for m in kit.svc.outbox.messages)
    assert channels == ["EMAIL", "SMS"]


def test_a_resent_invitation_needs_an_email_when_asked_by_email(kit: Kit) -> None:
    kit.pool.admin_create_user("ann", message_action="SUPPRESS")
    with raises(InvalidParameterError, field="desired_delivery_mediums"):
        kit.pool.admin_create_user(
            "ann", message_action="RESEND", desired_delivery_mediums=["EMAIL"]
        )

"""USER_SRP_AUTH and the PASSWORD_VERIFIER challenge (spec §3.2, §4)."""

from __future__ import annotations

from typing import Any

import pytest

from cogkit import ChallengeName, UserStatus
from cogkit.errors import (
    InvalidParameterError,
    NotAuthorizedError,
    UserNotConfirmedError,
    UserNotFoundError,
)
from cogkit.services import srp
from cogkit.testing.srp import SrpClient
from tests.conftest import Kit
from tests.helpers import NEW_PASSWORD, PASSWORD, jwt_part, raises


def start(
    kit: Kit,
    username: str = "ann",
    password: str = PASSWORD,
    *,
    client: Any = None,
    admin: bool = False,
    **extra: str,
) -> tuple[SrpClient, Any]:
    used = client or kit.client
    srp_client = SrpClient(
        kit.pool.id, username, password, client_id=used.id, client_secret=used.secret
    )
    initiate = kit.auth.admin_initiate if admin else kit.auth.initiate
    result = initiate(
        used.id, "USER_SRP_AUTH", USERNAME=username, SRP_A=srp_client.start(), **extra
    )
    return srp_client, result


def answer(
    kit: Kit, srp_client: SrpClient, result: Any, *, client: Any = None, **override: str
) -> Any:
    params = dict(result.challenge.parameters)
    answers = {**srp_client.respond(params, kit.clock.now()), **override}
    return kit.auth.respond((client or kit.client).id, "PASSWORD_VERIFIER", answers)


def test_srp_sign_in_issues_tokens(kit: Kit) -> None:
    kit.confirmed()
    srp_client, result = start(kit)
    done = answer(kit, srp_client, result)
    assert done.tokens is not None
    assert jwt_part(done.tokens.access_token, 1)["username"] == "ann"


def test_challenge_parameters_are_cognitos(kit: Kit) -> None:
    kit.confirmed()
    _srp_client, result = start(kit)
    challenge = result.challenge
    assert challenge.name is ChallengeName.PASSWORD_VERIFIER
    assert set(challenge.parameters) == {
        "SALT",
        "SRP_B",
        "SECRET_BLOCK",
        "USERNAME",
        "USER_ID_FOR_SRP",
    }
    assert all(isinstance(v, str) for v in challenge.parameters.values())
    assert challenge.parameters["USER_ID_FOR_SRP"] == "ann"
    int(challenge.parameters["SRP_B"], 16)
    int(challenge.parameters["SALT"], 16)


def test_the_challenge_carries_no_session(kit: Kit) -> None:
    kit.confirmed()
    _srp_client, result = start(kit)
    assert result.challenge.session is None


def test_wrong_password_is_refused_and_counted(kit: Kit) -> None:
    internal = kit.confirmed()
    srp_client, result = start(kit, password="Wrong-horse-1")
    with raises(NotAuthorizedError, "Incorrect username or password."):
        answer(kit, srp_client, result)
    assert kit.svc.store.get_user(kit.pool.id, internal).failed_attempts == 1  # type: ignore[union-attr]


def test_five_wrong_answers_lock_the_user(kit: Kit) -> None:
    kit.confirmed()
    for _ in range(5):
        srp_client, result = start(kit, password="Wrong-horse-1")
        with raises(NotAuthorizedError, "Incorrect username or password."):
            answer(kit, srp_client, result)
    with raises(NotAuthorizedError, "Password attempts exceeded"):
        start(kit)
    kit.clock.advance(1)
    srp_client, result = start(kit)
    assert answer(kit, srp_client, result).tokens is not None


def test_a_success_clears_the_failure_count(kit: Kit) -> None:
    internal = kit.confirmed()
    srp_client, result = start(kit, password="Wrong-horse-1")
    with pytest.raises(NotAuthorizedError):
        answer(kit, srp_client, result)
    srp_client, result = start(kit)
    answer(kit, srp_client, result)
    assert kit.svc.store.get_user(kit.pool.id, internal).failed_attempts == 0  # type: ignore[union-attr]


def test_an_answer_is_accepted_once(kit: Kit) -> None:
    kit.confirmed()
    srp_client, result = start(kit)
    answers = srp_client.respond(dict(result.challenge.parameters), kit.clock.now())
    kit.auth.respond(kit.client.id, "PASSWORD_VERIFIER", answers)
    with raises(NotAuthorizedError, "Invalid session for the user."):
        kit.auth.respond(kit.client.id, "PASSWORD_VERIFIER", answers)


def test_a_wrong_answer_uses_the_challenge_up(kit: Kit) -> None:
    kit.confirmed()
    srp_client, result = start(kit)
    params = dict(result.challenge.parameters)
    good = srp_client.respond(params, kit.clock.now())
    with pytest.raises(NotAuthorizedError):
        kit.auth.respond(
            kit.client.id,
            "PASSWORD_VERIFIER",
            {**good, "PASSWORD_CLAIM_SIGNATURE": "AAAA" + good["PASSWORD_CLAIM_SIGNATURE"][4:]},
        )
    with raises(NotAuthorizedError, "Invalid session for the user."):
        kit.auth.respond(kit.client.id, "PASSWORD_VERIFIER", good)


def test_a_swapped_username_is_refused(kit: Kit) -> None:
    kit.confirmed()
    kit.confirmed("bob", email="bob@example.com")
    srp_client, result = start(kit)
    with raises(NotAuthorizedError, "Invalid session for the user."):
        answer(kit, srp_client, result, USERNAME="bob")


def test_an_expired_challenge_is_refused(kit: Kit) -> None:
    kit.confirmed()
    srp_client, result = start(kit)
    kit.clock.advance(3 * 60)
    with raises(NotAuthorizedError, "Invalid session for the user, session is expired."):
        answer(kit, srp_client, result)


def test_a_stale_timestamp_is_refused(kit: Kit) -> None:
    kit.confirmed()
    srp_client, result = start(kit)
    params = dict(result.challenge.parameters)
    stale = srp_client.respond(params, kit.clock.now() - 3600)
    with raises(NotAuthorizedError, "Incorrect username or password."):
        kit.auth.respond(kit.client.id, "PASSWORD_VERIFIER", stale)


def test_answer_needs_every_member(kit: Kit) -> None:
    kit.confirmed()
    srp_client, result = start(kit)
    answers = srp_client.respond(dict(result.challenge.parameters), kit.clock.now())
    del answers["TIMESTAMP"]
    with raises(InvalidParameterError, "Missing required parameter TIMESTAMP"):
        kit.auth.respond(kit.client.id, "PASSWORD_VERIFIER", answers)


def test_other_challenges_still_need_a_session(kit: Kit) -> None:
    with raises(InvalidParameterError, "Missing required parameter Session"):
        kit.auth.respond(
            kit.client.id, "NEW_PASSWORD_REQUIRED", USERNAME="ann", NEW_PASSWORD=PASSWORD
        )


@pytest.mark.parametrize("bad", ["not-hex", "0", format(srp.N, "x"), "f" * 3000])
def test_unusable_srp_a_is_invalid_parameter(kit: Kit, bad: str) -> None:
    kit.confirmed()
    with raises(InvalidParameterError, field="SRP_A"):
        kit.auth.initiate(kit.client.id, "USER_SRP_AUTH", USERNAME="ann", SRP_A=bad)


def test_missing_srp_a_is_invalid_parameter(kit: Kit) -> None:
    with raises(InvalidParameterError, "Missing required parameter SRP_A"):
        kit.auth.initiate(kit.client.id, "USER_SRP_AUTH", USERNAME="ann")


def test_clients_without_srp_refuse_the_flow(kit: Kit) -> None:
    kit.confirmed()
    plain = kit.pool.create_client("no-srp", explicit_auth_flows=["ALLOW_USER_PASSWORD_AUTH"])
    with raises(InvalidParameterError, "USER_SRP_AUTH flow not enabled for this client"):
        start(kit, client=plain)


def test_default_clients_allow_srp(kit: Kit) -> None:
    kit.confirmed()
    default = kit.pool.create_client("default")
    srp_client, result = start(kit, client=default)
    assert answer(kit, srp_client, result, client=default).tokens is not None


def test_unknown_user_is_user_not_found_under_legacy(kit: Kit) -> None:
    with raises(UserNotFoundError, "User does not exist."):
        start(kit, "ghost")


def test_unknown_user_gets_a_stable_simulated_challenge_under_enabled(kit: Kit) -> None:
    hiding = kit.pool.create_client(
        "hiding",
        prevent_user_existence_errors="ENABLED",
        explicit_auth_flows=["ALLOW_USER_SRP_AUTH"],
    )
    srp_client, first = start(kit, "ghost", client=hiding)
    _again, second = start(kit, "ghost", client=hiding)
    assert first.challenge.name is ChallengeName.PASSWORD_VERIFIER
    assert first.challenge.parameters["SALT"] == second.challenge.parameters["SALT"]
    user_id = first.challenge.parameters["USER_ID_FOR_SRP"]
    assert user_id == second.challenge.parameters["USER_ID_FOR_SRP"] != "ghost"
    answers = srp_client.respond(dict(first.challenge.parameters), kit.clock.now())
    with raises(NotAuthorizedError, "Incorrect username or password."):
        kit.auth.respond(hiding.id, "PASSWORD_VERIFIER", answers)


def test_secret_clients_need_secret_hash_on_both_steps(kit: Kit) -> None:
    kit.confirmed()
    secret = kit.pool.create_client(
        "secret", generate_secret=True, explicit_auth_flows=["ALLOW_USER_SRP_AUTH"]
    )
    message = f"Client {secret.id} is configured for secret but secret was not received"
    with raises(NotAuthorizedError, message):
        kit.auth.initiate(
            secret.id,
            "USER_SRP_AUTH",
            USERNAME="ann",
            SRP_A=SrpClient(kit.pool.id, "ann", PASSWORD).start(),
        )
    srp_client, result = start(kit, client=secret, SECRET_HASH=secret.secret_hash("ann"))
    answers = srp_client.respond(dict(result.challenge.parameters), kit.clock.now())
    without = {k: v for k, v in answers.items() if k != "SECRET_HASH"}
    with raises(NotAuthorizedError, message):
        kit.auth.respond(secret.id, "PASSWORD_VERIFIER", without)
    assert kit.auth.respond(secret.id, "PASSWORD_VERIFIER", answers).tokens is not None


def test_disabled_users_are_refused(kit: Kit) -> None:
    kit.confirmed()
    kit.pool.admin_disable_user("ann")
    with raises(NotAuthorizedError, "User is disabled."):
        start(kit)


def test_unconfirmed_users_are_told_after_the_proof(kit: Kit) -> None:
    kit.sign_up()
    srp_client, result = start(kit)
    with raises(UserNotConfirmedError, "User is not confirmed."):
        answer(kit, srp_client, result)


def test_temporary_passwords_lead_to_new_password_required(kit: Kit) -> None:
    kit.pool.admin_create_user("ann", temporary_password="Temporary-1", message_action="SUPPRESS")
    srp_client, result = start(kit, password="Temporary-1")
    done = answer(kit, srp_client, result)
    assert done.challenge.name is ChallengeName.NEW_PASSWORD_REQUIRED
    assert done.challenge.session


def test_a_changed_password_changes_the_verifier(kit: Kit) -> None:
    tokens = kit.session()
    kit.auth.change_password(tokens.access_token, NEW_PASSWORD, PASSWORD)
    srp_client, result = start(kit)
    with pytest.raises(NotAuthorizedError):
        answer(kit, srp_client, result)
    srp_client, result = start(kit, password=NEW_PASSWORD)
    assert answer(kit, srp_client, result).tokens is not None


def test_admin_initiate_supports_srp(kit: Kit) -> None:
    kit.confirmed()
    srp_client, result = start(kit, admin=True)
    answers = srp_client.respond(dict(result.challenge.parameters), kit.clock.now())
    assert kit.auth.admin_respond(kit.client.id, "PASSWORD_VERIFIER", answers).tokens


def test_email_username_pools_prove_with_the_internal_username(kit: Kit) -> None:
    pool = kit.svc.create_user_pool("emails", username_attributes=["email"])
    client = pool.create_client("c")
    pool.admin_create_user(
        "ann@example.com", temporary_password="Temporary-1", message_action="SUPPRESS"
    )
    pool.admin_set_user_password("ann@example.com", PASSWORD, permanent=True)
    internal = pool.admin_get_user("ann@example.com").username
    srp_client = SrpClient(pool.id, "ann@example.com", PASSWORD)
    result = pool.auth.initiate(
        client.id, "USER_SRP_AUTH", USERNAME="ann@example.com", SRP_A=srp_client.start()
    )
    params = dict(result.challenge.parameters)
    assert params["USER_ID_FOR_SRP"] == internal
    # A client that proves with the typed email instead of USER_ID_FOR_SRP is refused.
    typed = srp_client.respond({**params, "USER_ID_FOR_SRP": "ann@example.com"}, kit.clock.now())
    with raises(NotAuthorizedError, "Incorrect username or password."):
        pool.auth.respond(client.id, "PASSWORD_VERIFIER", typed)
    result = pool.auth.initiate(
        client.id, "USER_SRP_AUTH", USERNAME="ann@example.com", SRP_A=srp_client.start()
    )
    done = pool.auth.respond(
        client.id,
        "PASSWORD_VERIFIER",
        srp_client.respond(dict(result.challenge.parameters), kit.clock.now()),
    )
    assert done.tokens is not None


def test_the_verifier_is_stored_beside_the_hash_never_in_a_repr(kit: Kit) -> None:
    internal = kit.confirmed()
    record = kit.svc.store.get_user(kit.pool.id, internal)
    assert record is not None
    assert set(record.extra["srp"]) == {"salt", "verifier"}
    assert record.extra["srp"]["verifier"] not in repr(record)
    assert record.status == UserStatus.CONFIRMED

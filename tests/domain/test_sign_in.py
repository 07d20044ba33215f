"""Password sign-in (USER_PASSWORD_AUTH, ADMIN_USER_PASSWORD_AUTH): gates, errors, lockout."""

from __future__ import annotations

from typing import Any

import attrs
import pytest

from cogkit import Cognito, PasswordProfile, UserStatus
from cogkit.errors import (
    InvalidParameterError,
    NotAuthorizedError,
    PasswordResetRequiredError,
    UnsupportedOperationError,
    UsernameExistsError,
    UserNotConfirmedError,
    UserNotFoundError,
)
from cogkit.testing import make_cognito
from tests.conftest import Kit
from tests.helpers import PASSWORD, PASSWORD_FLOWS, raises

WRONG = "Wrong-horse-1"


def _wrong(kit: Kit, times: int = 1, username: str = "ann") -> None:
    for _ in range(times):
        with raises(NotAuthorizedError, "Incorrect username or password."):
            kit.sign_in(username, WRONG)


# -- the two password flows ----------------------------------------------------------------


def test_user_password_auth_issues_tokens(kit: Kit) -> None:
    kit.confirmed()
    result = kit.auth.initiate(
        kit.client.id, "USER_PASSWORD_AUTH", {"USERNAME": "ann", "PASSWORD": PASSWORD}
    )
    assert result.challenge is None and result.challenge_name is None and result.session is None
    tokens = result.tokens
    assert tokens is not None
    assert tokens.access_token and tokens.id_token and tokens.refresh_token
    assert (tokens.expires_in, tokens.token_type) == (3600, "Bearer")
    assert tokens.new_device_metadata is None


def test_admin_user_password_auth_issues_tokens(kit: Kit) -> None:
    kit.confirmed()
    result = kit.auth.admin_initiate(
        kit.client.id, "ADMIN_USER_PASSWORD_AUTH", USERNAME="ann", PASSWORD=PASSWORD
    )
    assert result.tokens is not None and result.tokens.refresh_token


def test_user_password_auth_is_not_an_admin_flow(kit: Kit) -> None:
    kit.confirmed()
    with raises(InvalidParameterError, "Initiate Auth method not supported.", field="auth_flow"):
        kit.auth.admin_initiate(
            kit.client.id, "USER_PASSWORD_AUTH", USERNAME="ann", PASSWORD=PASSWORD
        )


@pytest.mark.parametrize("flow", ["ADMIN_USER_PASSWORD_AUTH", "ADMIN_NO_SRP_AUTH"])
def test_admin_flows_are_not_public(kit: Kit, flow: str) -> None:
    kit.confirmed()
    with raises(InvalidParameterError, "Initiate Auth method not supported."):
        kit.auth.initiate(kit.client.id, flow, USERNAME="ann", PASSWORD=PASSWORD)


@pytest.mark.parametrize("flow", ["MAGIC_AUTH", "", None, 3])
def test_unknown_flows_are_invalid_parameter(kit: Kit, flow: Any) -> None:
    with raises(InvalidParameterError, field="auth_flow"):
        kit.auth.initiate(kit.client.id, flow, USERNAME="ann", PASSWORD=PASSWORD)


def test_a_flow_without_a_handler_is_unsupported_operation(
    kit: Kit, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cogkit.domain.auth import AuthFlow
    from cogkit.domain.enums import AuthFlowType

    monkeypatch.delitem(AuthFlow.FLOWS, AuthFlowType.USER_PASSWORD_AUTH)
    with raises(UnsupportedOperationError):
        kit.sign_in()


@pytest.mark.parametrize("missing", ["USERNAME", "PASSWORD"])
def test_username_and_password_are_required(kit: Kit, missing: str) -> None:
    params = {"USERNAME": "ann", "PASSWORD": PASSWORD}
    del params[missing]
    with raises(InvalidParameterError, f"Missing required parameter {missing}", field=missing):
        kit.auth.initiate(kit.client.id, "USER_PASSWORD_AUTH", params)


def test_sign_in_works_with_the_email_of_an_email_username_pool(svc: Cognito) -> None:
    pool = svc.create_user_pool("p", username_attributes=["email"])
    client = pool.create_client("web", explicit_auth_flows=list(PASSWORD_FLOWS))
    pool.auth.sign_up(client.id, "ann@example.com", PASSWORD)
    pool.admin_confirm_sign_up("ann@example.com")
    result = pool.auth.initiate(
        client.id, "USER_PASSWORD_AUTH", USERNAME="ann@example.com", PASSWORD=PASSWORD
    )
    assert result.tokens is not None


def test_an_unverified_alias_does_not_sign_in(svc: Cognito) -> None:
    pool = svc.create_user_pool("p", alias_attributes=["email"])
    client = pool.create_client("web", explicit_auth_flows=list(PASSWORD_FLOWS))
    pool.auth.sign_up(client.id, "ann", PASSWORD, {"email": "ann@example.com"})
    pool.admin_confirm_sign_up("ann")
    with raises(UserNotFoundError, "User does not exist."):
        pool.auth.initiate(
            client.id, "USER_PASSWORD_AUTH", USERNAME="ann@example.com", PASSWORD=PASSWORD
        )


def test_usernames_sign_in_case_insensitively_when_the_pool_says_so(svc: Cognito) -> None:
    pool = svc.create_user_pool("p", case_sensitive=False)
    client = pool.create_client("web", explicit_auth_flows=list(PASSWORD_FLOWS))
    pool.auth.sign_up(client.id, "Ann", PASSWORD)
    pool.admin_confirm_sign_up("ann")
    result = pool.auth.initiate(client.id, "USER_PASSWORD_AUTH", USERNAME="ANN", PASSWORD=PASSWORD)
    assert result.tokens is not None


def test_usernames_are_case_sensitive_at_sign_in_by_default(kit: Kit) -> None:
    kit.confirmed("ann")
    with raises(UserNotFoundError):
        kit.sign_in("ANN")


# -- wrong password, unknown user ------------------------------------------------------------


def test_a_wrong_password_is_not_authorized(kit: Kit) -> None:
    kit.confirmed()
    _wrong(kit)


def test_an_unknown_user_is_user_not_found_by_default(kit: Kit) -> None:
    with raises(UserNotFoundError, "User does not exist."):
        kit.sign_in("nobody")


def test_an_unknown_user_looks_like_a_wrong_password_when_existence_is_hidden(kit: Kit) -> None:
    client = kit.pool.create_client(
        "hidden", explicit_auth_flows=list(PASSWORD_FLOWS), prevent_user_existence_errors="ENABLED"
    )
    with raises(NotAuthorizedError, "Incorrect username or password."):
        kit.sign_in("nobody", client=client)
    with raises(NotAuthorizedError, "Incorrect username or password."):
        kit.auth.admin_initiate(
            client.id, "ADMIN_USER_PASSWORD_AUTH", USERNAME="nobody", PASSWORD=PASSWORD
        )


def test_the_password_is_checked_before_the_confirmation_status(kit: Kit) -> None:
    kit.sign_up()
    _wrong(kit)


def test_an_unconfirmed_user_with_the_right_password_is_user_not_confirmed(kit: Kit) -> None:
    kit.sign_up()
    with raises(UserNotConfirmedError, "User is not confirmed."):
        kit.sign_in()


def test_a_disabled_user_cannot_sign_in_whatever_the_password(kit: Kit) -> None:
    kit.confirmed()
    kit.pool.admin_disable_user("ann")
    with raises(NotAuthorizedError, "User is disabled."):
        kit.sign_in()
    with raises(NotAuthorizedError, "User is disabled."):
        kit.sign_in(password=WRONG)


def test_an_enabled_again_user_signs_in(kit: Kit) -> None:
    kit.confirmed()
    kit.pool.admin_disable_user("ann")
    kit.pool.admin_enable_user("ann")
    assert kit.sign_in().access_token


def _set_status(kit: Kit, status: UserStatus, *, password_hash: str | None = "keep") -> None:
    store = kit.svc.store
    record = store.get_user(kit.pool.id, "ann")
    assert record is not None
    changed = attrs.evolve(record, status=status.value)
    if password_hash != "keep":
        changed = attrs.evolve(changed, password_hash=password_hash)
    store.update_user(changed, expected_version=record.version)


def test_a_reset_required_user_is_told_to_reset(kit: Kit) -> None:
    kit.confirmed()
    _set_status(kit, UserStatus.RESET_REQUIRED)
    with raises(PasswordResetRequiredError, "Password reset required for the user"):
        kit.sign_in()


def test_a_reset_required_user_without_a_password_is_told_to_reset(kit: Kit) -> None:
    kit.confirmed()
    _set_status(kit, UserStatus.RESET_REQUIRED, password_hash=None)
    with raises(PasswordResetRequiredError):
        kit.sign_in()


def test_reset_required_is_hidden_when_existence_is_hidden(kit: Kit) -> None:
    kit.confirmed()
    _set_status(kit, UserStatus.RESET_REQUIRED, password_hash=None)
    client = kit.pool.create_client(
        "hidden", explicit_auth_flows=list(PASSWORD_FLOWS), prevent_user_existence_errors="ENABLED"
    )
    with raises(NotAuthorizedError, "Incorrect username or password."):
        kit.sign_in(client=client)


def test_an_unreadable_stored_hash_never_signs_in(kit: Kit) -> None:
    kit.confirmed()
    _set_status(kit, UserStatus.CONFIRMED, password_hash="garbage")
    with raises(NotAuthorizedError, "Incorrect username or password."):
        kit.sign_in()


# -- lockout -------------------------------------------------------------------------------


def test_five_failures_lock_the_user_for_a_second(kit: Kit) -> None:
    kit.confirmed()
    _wrong(kit, 5)
    with raises(NotAuthorizedError, "Password attempts exceeded"):
        kit.sign_in()
    kit.clock.advance(1)
    assert kit.sign_in().access_token


def test_four_failures_do_not_lock(kit: Kit) -> None:
    kit.confirmed()
    _wrong(kit, 4)
    assert kit.sign_in().access_token


def _fail_waiting_out_locks(kit: Kit, failures: int) -> None:
    """``failures`` wrong passwords, each tried once the previous lock has run out."""
    for _ in range(failures):
        record = kit.svc.store.get_user(kit.pool.id, "ann")
        assert record is not None
        if record.locked_until is not None and record.locked_until > kit.clock.now():
            kit.clock.set(record.locked_until)
        _wrong(kit)


@pytest.mark.parametrize(("failures", "lock"), [(5, 1), (6, 2), (7, 4), (10, 32), (14, 512)])
def test_each_further_failure_doubles_the_lock(kit: Kit, failures: int, lock: int) -> None:
    kit.confirmed()
    _fail_waiting_out_locks(kit, failures)
    record = kit.svc.store.get_user(kit.pool.id, "ann")
    assert record is not None and record.failed_attempts == failures
    assert record.locked_until == kit.clock.now() + lock
    kit.clock.advance(lock - 1)
    with raises(NotAuthorizedError, "Password attempts exceeded"):
        kit.sign_in()
    kit.clock.advance(1)
    assert kit.sign_in().access_token


def test_the_lock_is_capped_at_fifteen_minutes(kit: Kit) -> None:
    kit.confirmed()
    _fail_waiting_out_locks(kit, 15)  # 2^10 s would be 1024 s
    record = kit.svc.store.get_user(kit.pool.id, "ann")
    assert record is not None and record.locked_until == kit.clock.now() + 900


def test_waiting_out_the_longest_lock_is_fifteen_quiet_minutes(kit: Kit) -> None:
    kit.confirmed()
    _fail_waiting_out_locks(kit, 16)
    record = kit.svc.store.get_user(kit.pool.id, "ann")
    assert record is not None and record.failed_attempts == 1 and record.locked_until is None


def test_attempts_during_a_lock_are_not_counted(kit: Kit) -> None:
    kit.confirmed()
    _wrong(kit, 5)
    for _ in range(3):
        with raises(NotAuthorizedError, "Password attempts exceeded"):
            kit.sign_in(password=WRONG)
    kit.clock.advance(1)
    _wrong(kit)  # the sixth counted failure: a two-second lock
    kit.clock.advance(2)
    assert kit.sign_in().access_token


def test_the_counter_starts_again_after_fifteen_quiet_minutes(kit: Kit) -> None:
    kit.confirmed()
    _wrong(kit, 4)
    kit.clock.advance(15 * 60)
    _wrong(kit, 4)
    assert kit.sign_in().access_token


def test_the_counter_is_kept_within_fifteen_minutes(kit: Kit) -> None:
    kit.confirmed()
    _wrong(kit, 4)
    kit.clock.advance(15 * 60 - 1)
    _wrong(kit)
    with raises(NotAuthorizedError, "Password attempts exceeded"):
        kit.sign_in()


def test_a_successful_sign_in_resets_the_counter(kit: Kit) -> None:
    kit.confirmed()
    _wrong(kit, 4)
    kit.sign_in()
    _wrong(kit, 4)
    assert kit.sign_in().access_token
    record = kit.svc.store.get_user(kit.pool.id, "ann")
    assert record is not None and record.failed_attempts == 0 and record.locked_until is None


def test_lockout_is_per_user(kit: Kit) -> None:
    kit.confirmed("ann")
    kit.confirmed("bob", email="bob@example.com")
    _wrong(kit, 5, "ann")
    assert kit.sign_in("bob").access_token


# -- password hashing --------------------------------------------------------------------------


def test_passwords_are_stored_only_as_argon2id_hashes(kit: Kit) -> None:
    kit.confirmed()
    record = kit.svc.store.get_user(kit.pool.id, "ann")
    assert record is not None and record.password_hash is not None
    assert record.password_hash.startswith("$argon2id$")
    assert PASSWORD not in record.password_hash and PASSWORD not in repr(record)


def test_the_hash_is_upgraded_at_sign_in_when_the_profile_changed(kit: Kit) -> None:
    kit.confirmed()
    before = kit.svc.store.get_user(kit.pool.id, "ann")
    assert before is not None and before.password_hash is not None
    assert before.password_hash.startswith("$argon2id$v=19$m=8,t=1,")
    stronger = PasswordProfile("stronger", time_cost=2, memory_cost=16)
    reopened = make_cognito(store=kit.svc.store, clock=kit.clock, password_profile=stronger)
    pool = reopened.user_pool(kit.pool.id)
    result = pool.auth.initiate(
        kit.client.id, "USER_PASSWORD_AUTH", USERNAME="ann", PASSWORD=PASSWORD
    )
    assert result.tokens is not None
    after = kit.svc.store.get_user(kit.pool.id, "ann")
    assert after is not None and after.password_hash is not None
    assert after.password_hash.startswith("$argon2id$v=19$m=16,t=2,")
    # The old service (old profile) still accepts the upgraded hash.
    assert kit.sign_in().access_token


def test_the_hash_is_left_alone_when_the_profile_is_current(kit: Kit) -> None:
    kit.confirmed()
    before = kit.svc.store.get_user(kit.pool.id, "ann")
    kit.sign_in()
    after = kit.svc.store.get_user(kit.pool.id, "ann")
    assert before is not None and after is not None
    assert after.password_hash == before.password_hash and after.version == before.version


# -- case of email sign-in names -----------------------------------------------------------


def _email_pool(svc: Cognito, **config: Any) -> tuple[Any, str]:
    pool = svc.create_user_pool("p", username_attributes=["email"], **config)
    return pool, pool.create_client("web", explicit_auth_flows=list(PASSWORD_FLOWS)).id


def test_email_usernames_keep_their_case_in_case_sensitive_pools(svc: Cognito) -> None:
    pool, client_id = _email_pool(svc)
    first = pool.auth.sign_up(client_id, "Ann@Example.com", PASSWORD).user_sub
    second = pool.auth.sign_up(client_id, "ann@example.com", PASSWORD).user_sub
    assert first != second
    pool.admin_confirm_sign_up("Ann@Example.com")
    with raises(UserNotFoundError):
        pool.auth.initiate(
            client_id, "USER_PASSWORD_AUTH", USERNAME="ANN@EXAMPLE.COM", PASSWORD=PASSWORD
        )


def test_email_usernames_ignore_case_in_case_insensitive_pools(svc: Cognito) -> None:
    pool, client_id = _email_pool(svc, case_sensitive=False)
    pool.auth.sign_up(client_id, "Ann@Example.com", PASSWORD)
    with raises(UsernameExistsError, "An account with the given email already exists."):
        pool.auth.sign_up(client_id, "ann@example.com", PASSWORD)
    pool.admin_confirm_sign_up("ANN@example.COM")
    result = pool.auth.initiate(
        client_id, "USER_PASSWORD_AUTH", USERNAME="ann@EXAMPLE.com", PASSWORD=PASSWORD
    )
    assert result.tokens is not None


def test_email_aliases_follow_the_pools_case_rule(svc: Cognito) -> None:
    sensitive = svc.create_user_pool("s", alias_attributes=["email"])
    insensitive = svc.create_user_pool("i", alias_attributes=["email"], case_sensitive=False)
    for pool in (sensitive, insensitive):
        pool.admin_create_user(
            "ann",
            attributes={"email": "Ann@Example.com", "email_verified": "true"},
            temporary_password="Temp-pass-123",
        )
    assert insensitive.admin_get_user("ann@example.com").username == "ann"
    with raises(UserNotFoundError):
        sensitive.admin_get_user("ann@example.com")
    assert sensitive.admin_get_user("Ann@Example.com").username == "ann"

"""GetTokensFromRefreshToken and app-client refresh-token rotation."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from cogkit import AppClient, Cognito, RefreshTokenRotation, Tokens
from cogkit.domain.config import RESET
from cogkit.domain.enums import FeatureState
from cogkit.errors import (
    CogkitError,
    FeatureUnavailableInTierError,
    InvalidParameterError,
    NotAuthorizedError,
    RefreshTokenReuseError,
    UserLambdaValidationError,
)
from cogkit.services.codes import secret_digest
from tests.conftest import Kit
from tests.domain.conftest import mfa_pool
from tests.helpers import PASSWORD, PASSWORD_FLOWS, START, Recorder, jwt_part, raises

#: The password flows without ALLOW_REFRESH_TOKEN_AUTH: a rotating client refreshes with
#: GetTokensFromRefreshToken only.
ROTATING_FLOWS = [f for f in PASSWORD_FLOWS if f != "ALLOW_REFRESH_TOKEN_AUTH"]


def rotating(kit: Kit, grace: int = 0, **settings: Any) -> AppClient:
    return kit.pool.create_client(
        "rotating",
        explicit_auth_flows=ROTATING_FLOWS,
        refresh_token_rotation={"feature": "ENABLED", "retry_grace_period_seconds": grace},
        **settings,
    )


def signed_in(kit: Kit, client: AppClient) -> Tokens:
    kit.confirmed()
    return kit.sign_in(client=client)


def refresh(kit: Kit, token: str | None, client: AppClient | None = None, **kw: Any) -> Tokens:
    assert token is not None
    return kit.auth.get_tokens_from_refresh_token(token, (client or kit.client).id, **kw)


# -- configuration ------------------------------------------------------------------------


def test_clients_do_not_rotate_by_default(kit: Kit) -> None:
    assert kit.client.settings.refresh_token_rotation == RefreshTokenRotation()
    assert not kit.client.settings.refresh_token_rotation.enabled


def test_rotation_is_kept_with_its_grace_period(kit: Kit) -> None:
    client = rotating(kit, grace=30)
    stored = kit.pool.client(client.id).settings.refresh_token_rotation
    assert stored == RefreshTokenRotation(FeatureState.ENABLED, 30)


def test_rotation_can_be_given_as_a_value(kit: Kit) -> None:
    client = kit.pool.create_client(
        "c", refresh_token_rotation=RefreshTokenRotation(FeatureState.ENABLED, 5)
    )
    assert client.settings.refresh_token_rotation.retry_grace_period_seconds == 5


def test_an_update_resets_rotation_only_when_told_to(kit: Kit) -> None:
    client = rotating(kit, grace=10)
    updated = kit.pool.update_client(client.id, refresh_token_rotation=None)
    assert updated.settings.refresh_token_rotation.enabled
    reset = kit.pool.update_client(client.id, refresh_token_rotation=RESET)
    assert reset.settings.refresh_token_rotation == RefreshTokenRotation()


@pytest.mark.parametrize(
    ("rotation", "field"),
    [
        ({"feature": "ON"}, "refresh_token_rotation.feature"),
        ({"feature": None}, "refresh_token_rotation.feature"),
        ({"feature": "ENABLED", "retry_grace_period_seconds": 61}, None),
        ({"feature": "ENABLED", "retry_grace_period_seconds": -1}, None),
        ({"feature": "ENABLED", "retry_grace_period_seconds": "5"}, None),
        ({"feature": "ENABLED", "retry_grace_period_seconds": True}, None),
        ({"feature": "ENABLED", "grace": 5}, "refresh_token_rotation.grace"),
        ("ENABLED", "refresh_token_rotation"),
    ],
)
def test_bad_rotation_settings_are_refused(kit: Kit, rotation: Any, field: str | None) -> None:
    with raises(
        InvalidParameterError,
        field=field or "refresh_token_rotation.retry_grace_period_seconds",
    ):
        kit.pool.create_client("c", refresh_token_rotation=rotation)
    assert [c.name for c in kit.pool.list_clients()] == ["web"]


def test_rotation_needs_the_essentials_or_plus_plan(svc: Cognito) -> None:
    pool = svc.create_user_pool("lite", tier="LITE")
    with raises(FeatureUnavailableInTierError):
        pool.create_client("c", refresh_token_rotation={"feature": "ENABLED"})
    assert pool.create_client("c", refresh_token_rotation={"feature": "DISABLED"})


# -- without rotation ---------------------------------------------------------------------


def test_without_rotation_it_refreshes_like_refresh_token_auth(kit: Kit) -> None:
    tokens = kit.session()
    kit.clock.advance(600)
    refreshed = refresh(kit, tokens.refresh_token)
    assert refreshed.refresh_token is None
    old, new = jwt_part(tokens.access_token, 1), jwt_part(refreshed.access_token, 1)
    assert new["auth_time"] == old["auth_time"] == START
    assert new["origin_jti"] == old["origin_jti"]
    assert new["iat"] == START + 600
    assert kit.auth.get_user(refreshed.access_token).username == "ann"
    assert refresh(kit, tokens.refresh_token).access_token


def test_without_rotation_refresh_token_auth_still_works(kit: Kit) -> None:
    tokens = kit.session()
    assert tokens.refresh_token is not None
    result = kit.auth.initiate(
        kit.client.id, "REFRESH_TOKEN_AUTH", REFRESH_TOKEN=tokens.refresh_token
    )
    assert result.tokens is not None


# -- with rotation --------------------------------------------------------------------------


def test_rotation_returns_a_new_refresh_token_of_the_same_sign_in(kit: Kit) -> None:
    client = rotating(kit)
    tokens = signed_in(kit, client)
    kit.clock.advance(600)
    refreshed = refresh(kit, tokens.refresh_token, client)
    assert refreshed.refresh_token is not None
    assert refreshed.refresh_token != tokens.refresh_token
    for old_token, new_token in (
        (tokens.access_token, refreshed.access_token),
        (tokens.id_token, refreshed.id_token),
    ):
        old, new = jwt_part(old_token, 1), jwt_part(new_token, 1)
        assert new["auth_time"] == old["auth_time"] == START
        assert new["origin_jti"] == old["origin_jti"]
        assert new["event_id"] == old["event_id"]
        assert new["iat"] == START + 600


def test_the_new_refresh_token_refreshes_again(kit: Kit) -> None:
    client = rotating(kit)
    first = refresh(kit, signed_in(kit, client).refresh_token, client)
    second = refresh(kit, first.refresh_token, client)
    assert second.refresh_token not in (None, first.refresh_token)
    assert kit.auth.get_user(second.access_token).username == "ann"


def test_the_new_refresh_token_keeps_the_sign_in_expiry(kit: Kit) -> None:
    client = rotating(kit)
    tokens = signed_in(kit, client)
    kit.clock.advance(29 * 86400)
    refreshed = refresh(kit, tokens.refresh_token, client)
    kit.clock.advance(86400)
    with raises(NotAuthorizedError, "Refresh Token has expired"):
        refresh(kit, refreshed.refresh_token, client)


def test_the_new_refresh_token_is_kept_only_as_a_digest(kit: Kit) -> None:
    client = rotating(kit)
    tokens = signed_in(kit, client)
    refreshed = refresh(kit, tokens.refresh_token, client)
    assert refreshed.refresh_token is not None and tokens.refresh_token is not None
    stored = kit.svc.store.get_refresh_token(secret_digest(refreshed.refresh_token))
    assert stored is not None
    assert stored.parent == secret_digest(tokens.refresh_token)
    assert refreshed.refresh_token not in repr(stored)
    assert refreshed.refresh_token not in repr(refreshed)


def test_without_grace_the_old_token_is_refused_at_once(kit: Kit) -> None:
    client = rotating(kit)
    tokens = signed_in(kit, client)
    refresh(kit, tokens.refresh_token, client)
    with raises(RefreshTokenReuseError, "Refresh Token has already been used."):
        refresh(kit, tokens.refresh_token, client)


def test_within_grace_the_old_token_gets_another_new_token(kit: Kit) -> None:
    client = rotating(kit, grace=30)
    tokens = signed_in(kit, client)
    first = refresh(kit, tokens.refresh_token, client)
    kit.clock.advance(29)
    retry = refresh(kit, tokens.refresh_token, client)
    assert retry.refresh_token not in (None, first.refresh_token, tokens.refresh_token)
    # Both new tokens stay usable: the retry does not undo the first rotation.
    assert refresh(kit, first.refresh_token, client).access_token
    assert refresh(kit, retry.refresh_token, client).access_token


def test_after_grace_the_old_token_is_reuse(kit: Kit) -> None:
    client = rotating(kit, grace=30)
    tokens = signed_in(kit, client)
    first = refresh(kit, tokens.refresh_token, client)
    kit.clock.advance(30)
    with raises(RefreshTokenReuseError):
        refresh(kit, tokens.refresh_token, client)
    # fidelity: reuse refuses the old token only; its family (the new token) lives on.
    assert refresh(kit, first.refresh_token, client).access_token


def test_a_refused_reuse_changes_nothing(kit: Kit) -> None:
    client = rotating(kit)
    tokens = signed_in(kit, client)
    refresh(kit, tokens.refresh_token, client)
    assert tokens.refresh_token is not None
    before = kit.svc.store.get_refresh_token(secret_digest(tokens.refresh_token))
    with raises(RefreshTokenReuseError):
        refresh(kit, tokens.refresh_token, client)
    assert kit.svc.store.get_refresh_token(secret_digest(tokens.refresh_token)) == before
    assert len(kit.svc.store.list_refresh_tokens(kit.pool.id, after=None, limit=10)) == 2


def test_rotation_turned_off_later_still_refuses_rotated_tokens(kit: Kit) -> None:
    client = rotating(kit)
    tokens = signed_in(kit, client)
    first = refresh(kit, tokens.refresh_token, client)
    kit.pool.update_client(
        client.id,
        explicit_auth_flows=PASSWORD_FLOWS,
        refresh_token_rotation={"feature": "DISABLED"},
    )
    with raises(RefreshTokenReuseError):
        refresh(kit, tokens.refresh_token, client)
    assert tokens.refresh_token is not None
    with raises(NotAuthorizedError, "Invalid Refresh Token"):
        kit.auth.initiate(client.id, "REFRESH_TOKEN_AUTH", REFRESH_TOKEN=tokens.refresh_token)
    assert refresh(kit, first.refresh_token, client).refresh_token is None


def test_refresh_token_auth_is_refused_while_rotating(kit: Kit) -> None:
    client = rotating(kit)
    client = kit.pool.update_client(
        client.id,
        explicit_auth_flows=PASSWORD_FLOWS,
        refresh_token_rotation={"feature": "ENABLED"},
    )
    tokens = signed_in(kit, client)
    assert tokens.refresh_token is not None
    for flow in ("REFRESH_TOKEN_AUTH", "REFRESH_TOKEN"):
        with raises(InvalidParameterError, field="auth_flow"):
            kit.auth.initiate(client.id, flow, REFRESH_TOKEN=tokens.refresh_token)
        with raises(InvalidParameterError, field="auth_flow"):
            kit.auth.admin_initiate(client.id, flow, REFRESH_TOKEN=tokens.refresh_token)
    # The refused attempts used nothing up.
    assert refresh(kit, tokens.refresh_token, client).refresh_token is not None


def test_concurrent_rotations_without_grace_mint_once(kit: Kit) -> None:
    client = rotating(kit)
    tokens = signed_in(kit, client)
    barrier = threading.Barrier(6)
    outcomes: list[object] = []

    def attempt() -> None:
        barrier.wait()
        try:
            outcomes.append(refresh(kit, tokens.refresh_token, client))
        except CogkitError as exc:
            outcomes.append(exc)

    threads = [threading.Thread(target=attempt) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(isinstance(o, Tokens) for o in outcomes) == 1
    assert all(isinstance(o, RefreshTokenReuseError) for o in outcomes if not isinstance(o, Tokens))
    assert len(kit.svc.store.list_refresh_tokens(kit.pool.id, after=None, limit=20)) == 2


# -- revocation ---------------------------------------------------------------------------


def test_revoking_the_first_token_kills_its_rotated_descendants(kit: Kit) -> None:
    client = rotating(kit, grace=60)
    tokens = signed_in(kit, client)
    first = refresh(kit, tokens.refresh_token, client)
    second = refresh(kit, first.refresh_token, client)
    assert tokens.refresh_token is not None
    kit.auth.revoke_token(tokens.refresh_token, client.id)
    for token in (tokens.refresh_token, first.refresh_token, second.refresh_token):
        with raises(NotAuthorizedError, "Refresh Token has been revoked"):
            refresh(kit, token, client)
    for access in (tokens.access_token, first.access_token, second.access_token):
        with raises(NotAuthorizedError, "Access Token has been revoked"):
            kit.auth.get_user(access)


def test_revoking_a_rotated_token_kills_the_whole_family(kit: Kit) -> None:
    client = rotating(kit)
    tokens = signed_in(kit, client)
    first = refresh(kit, tokens.refresh_token, client)
    assert first.refresh_token is not None
    kit.auth.revoke_token(first.refresh_token, client.id)
    with raises(NotAuthorizedError, "Access Token has been revoked"):
        kit.auth.get_user(tokens.access_token)
    with raises(NotAuthorizedError, "Refresh Token has been revoked"):
        refresh(kit, first.refresh_token, client)


def test_global_sign_out_kills_rotated_tokens(kit: Kit) -> None:
    client = rotating(kit)
    tokens = signed_in(kit, client)
    first = refresh(kit, tokens.refresh_token, client)
    kit.auth.global_sign_out(first.access_token)
    with raises(NotAuthorizedError, "Refresh Token has been revoked"):
        refresh(kit, first.refresh_token, client)
    with raises(NotAuthorizedError, "Access Token has been revoked"):
        kit.auth.get_user(first.access_token)


def test_admin_global_sign_out_kills_rotated_tokens(kit: Kit) -> None:
    client = rotating(kit)
    first = refresh(kit, signed_in(kit, client).refresh_token, client)
    kit.pool.admin_user_global_sign_out("ann")
    with raises(NotAuthorizedError, "Refresh Token has been revoked"):
        refresh(kit, first.refresh_token, client)


def test_a_revoked_family_cannot_rotate_within_grace(kit: Kit) -> None:
    client = rotating(kit, grace=60)
    tokens = signed_in(kit, client)
    first = refresh(kit, tokens.refresh_token, client)
    assert first.refresh_token is not None
    kit.auth.revoke_token(first.refresh_token, client.id)
    with raises(NotAuthorizedError, "Refresh Token has been revoked"):
        refresh(kit, tokens.refresh_token, client)


# -- the checks a refresh makes -----------------------------------------------------------


def test_an_unknown_refresh_token_is_invalid(kit: Kit) -> None:
    kit.session()
    with raises(NotAuthorizedError, "Invalid Refresh Token"):
        refresh(kit, "not.a.refresh.token.at-all")


def test_a_refresh_token_only_works_with_its_own_client(kit: Kit) -> None:
    tokens = kit.session()
    other = rotating(kit)
    with raises(NotAuthorizedError, "Invalid Refresh Token"):
        refresh(kit, tokens.refresh_token, other)


def test_an_expired_refresh_token_is_refused(kit: Kit) -> None:
    tokens = kit.session()
    kit.clock.advance(30 * 86400)
    with raises(NotAuthorizedError, "Refresh Token has expired"):
        refresh(kit, tokens.refresh_token)


def test_a_disabled_or_deleted_user_cannot_refresh(kit: Kit) -> None:
    client = rotating(kit)
    tokens = signed_in(kit, client)
    kit.pool.admin_disable_user("ann")
    with raises(NotAuthorizedError, "User is disabled."):
        refresh(kit, tokens.refresh_token, client)
    kit.pool.admin_delete_user("ann")
    with raises(NotAuthorizedError, "Invalid Refresh Token"):
        refresh(kit, tokens.refresh_token, client)


def test_a_client_with_a_secret_needs_the_raw_secret(kit: Kit) -> None:
    client = kit.pool.create_client(
        "server",
        generate_secret=True,
        explicit_auth_flows=["ALLOW_ADMIN_USER_PASSWORD_AUTH"],
        refresh_token_rotation={"feature": "ENABLED"},
    )
    kit.confirmed()
    result = kit.auth.admin_initiate(
        client.id,
        "ADMIN_USER_PASSWORD_AUTH",
        USERNAME="ann",
        PASSWORD=PASSWORD,
        SECRET_HASH=client.secret_hash("ann"),
    )
    assert result.tokens is not None and client.secret is not None
    token = result.tokens.refresh_token
    with raises(
        NotAuthorizedError,
        f"Client {client.id} is configured for secret but secret was not received",
    ):
        refresh(kit, token, client)
    with raises(NotAuthorizedError, f"Unable to verify secret for client {client.id}"):
        refresh(kit, token, client, client_secret="w" * 51)
    assert refresh(kit, token, client, client_secret=client.secret).refresh_token


def test_a_secret_sent_to_a_public_client_is_ignored(kit: Kit) -> None:
    tokens = kit.session()
    assert refresh(kit, tokens.refresh_token, client_secret="w" * 30).access_token


def test_a_device_bound_token_rotates_with_its_device_key_only(svc: Cognito) -> None:
    dkit = mfa_pool(svc, device_configuration={"challenge_required_on_new_device": True})
    client = rotating(dkit)
    dkit.confirmed()
    tokens = dkit.sign_in(client=client)
    assert tokens.new_device_metadata is not None
    key = tokens.new_device_metadata["DeviceKey"]
    for wrong in (None, f"{svc.region}_00000000-0000-4000-8000-000000000000"):
        with raises(NotAuthorizedError, "Invalid Refresh Token"):
            refresh(dkit, tokens.refresh_token, client, device_key=wrong)
    refreshed = refresh(dkit, tokens.refresh_token, client, device_key=key)
    assert dkit.pool.verify(refreshed.access_token)["device_key"] == key
    again = refresh(dkit, refreshed.refresh_token, client, device_key=key)
    assert again.refresh_token is not None


def test_pre_token_generation_runs_with_the_refresh_source_and_metadata(kit: Kit) -> None:
    client = rotating(kit)
    tokens = signed_in(kit, client)
    handler = kit.pool.trigger(
        "PreTokenGeneration",
        Recorder({"claimsOverrideDetails": {"claimsToAddOrOverride": {"tenant": "acme"}}}),
    )
    refreshed = refresh(kit, tokens.refresh_token, client, client_metadata={"app": "web"})
    assert handler.sources == ["TokenGeneration_RefreshTokens"]
    assert handler.events[0]["request"]["clientMetadata"] == {"app": "web"}
    assert jwt_part(refreshed.id_token, 1)["tenant"] == "acme"


def test_a_failing_trigger_leaves_the_token_unused(kit: Kit) -> None:
    client = rotating(kit)
    tokens = signed_in(kit, client)
    kit.pool.trigger("PreTokenGeneration", Recorder(error=RuntimeError("no")))
    with raises(UserLambdaValidationError):
        refresh(kit, tokens.refresh_token, client)
    kit.pool.trigger("PreTokenGeneration", Recorder())
    assert refresh(kit, tokens.refresh_token, client).refresh_token is not None


@pytest.mark.parametrize(
    ("arguments", "field"),
    [
        ({"refresh_token": ""}, "refresh_token"),
        ({"refresh_token": "has space"}, "refresh_token"),
        ({"refresh_token": 5}, "refresh_token"),
        ({"refresh_token": None}, "refresh_token"),
        ({"client_id": ""}, "client_id"),
        ({"client_id": 7}, "client_id"),
        ({"client_secret": "short"}, "client_secret"),
        ({"client_secret": "x" * 30 + "!"}, "client_secret"),
        ({"client_secret": 12345}, "client_secret"),
        ({"device_key": "not-a-device-key"}, "device_key"),
        ({"device_key": 3}, "device_key"),
        ({"client_metadata": {"a": 1}}, "client_metadata.value"),
        ({"client_metadata": "x"}, "client_metadata"),
    ],
)
def test_bad_input_is_refused_and_uses_nothing_up(
    kit: Kit, arguments: dict[str, Any], field: str
) -> None:
    client = rotating(kit)
    tokens = signed_in(kit, client)
    given: dict[str, Any] = {"refresh_token": tokens.refresh_token, "client_id": client.id}
    given.update(arguments)
    token, client_id = given.pop("refresh_token"), given.pop("client_id")
    with raises(InvalidParameterError, field=field):
        kit.auth.get_tokens_from_refresh_token(token, client_id, **given)
    assert refresh(kit, tokens.refresh_token, client).refresh_token is not None


def test_a_family_revoked_during_the_refresh_gets_no_new_token(kit: Kit) -> None:
    client = rotating(kit)
    tokens = signed_in(kit, client)
    assert tokens.refresh_token is not None
    token = tokens.refresh_token

    def revoke_meanwhile(event: dict[str, Any], _context: Any) -> dict[str, Any]:
        kit.auth.revoke_token(token, client.id)
        return event

    kit.pool.trigger("PreTokenGeneration", revoke_meanwhile)
    with raises(NotAuthorizedError, "Refresh Token has been revoked"):
        refresh(kit, token, client)
    assert len(kit.svc.store.list_refresh_tokens(kit.pool.id, after=None, limit=10)) == 1

"""Remembered devices: NewDeviceMetadata, ConfirmDevice, device SRP at sign-in, remembered
devices standing in for MFA, device-bound tokens, and the device calls."""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from typing import Any

import pytest

from cogkit import (
    AuthResult,
    ChallengeName,
    Cognito,
    DeviceRememberedStatus,
    Tokens,
)
from cogkit.errors import (
    DeviceKeyExistsError,
    InvalidParameterError,
    InvalidUserPoolConfigurationError,
    NotAuthorizedError,
    ResourceNotFoundError,
    UserNotFoundError,
)
from cogkit.testing.srp import SrpClient, SrpDeviceClient
from tests.domain.conftest import MfaKit, mfa_pool
from tests.helpers import PASSWORD, Recorder, raises

ALWAYS = {"challenge_required_on_new_device": True}


def tracked(svc: Cognito, device: Mapping[str, bool] = ALWAYS, **config: Any) -> MfaKit:
    return mfa_pool(svc, device_configuration=dict(device), **config)


@pytest.fixture
def dkit(svc: Cognito) -> MfaKit:
    kit = tracked(svc)
    kit.confirmed()
    return kit


def _new_device(kit: MfaKit, username: str = "ann") -> tuple[Tokens, dict[str, str]]:
    tokens = kit.sign_in(username)
    assert tokens.new_device_metadata is not None
    return tokens, dict(tokens.new_device_metadata)


def _confirmed_device(kit: MfaKit, username: str = "ann", name: str = "laptop") -> SrpDeviceClient:
    tokens, metadata = _new_device(kit, username)
    device = SrpDeviceClient.create(username, metadata["DeviceGroupKey"], metadata["DeviceKey"])
    kit.auth.confirm_device(
        tokens.access_token, metadata["DeviceKey"], device.verifier_config(), device_name=name
    )
    return device


def _with_device(kit: MfaKit, device: SrpDeviceClient, username: str = "ann") -> AuthResult:
    """Password sign-in presenting the device key, up to what follows the password."""
    return kit.auth.initiate(
        kit.client.id,
        "USER_PASSWORD_AUTH",
        USERNAME=username,
        PASSWORD=PASSWORD,
        DEVICE_KEY=device.device_key,
    )


def _prove_device(
    kit: MfaKit, result: AuthResult, device: SrpDeviceClient, *, with_session: bool = True
) -> AuthResult:
    assert result.challenge_name is ChallengeName.DEVICE_SRP_AUTH
    verifier = kit.auth.respond(
        kit.client.id,
        "DEVICE_SRP_AUTH",
        device.srp_auth_response(),
        session=result.session if with_session else None,
    )
    assert verifier.challenge is not None
    assert verifier.challenge_name is ChallengeName.DEVICE_PASSWORD_VERIFIER
    return kit.auth.respond(
        kit.client.id,
        "DEVICE_PASSWORD_VERIFIER",
        device.respond(verifier.challenge.parameters, kit.clock.now()),
    )


# -- NewDeviceMetadata -------------------------------------------------------------------


def test_a_sign_in_without_a_device_key_gets_new_device_metadata(dkit: MfaKit) -> None:
    _tokens, metadata = _new_device(dkit)
    region, _, rest = metadata["DeviceKey"].partition("_")
    assert region == dkit.pool.id.split("_")[0]
    assert str(uuid.UUID(rest)) == rest
    assert re.fullmatch(r"-[A-Za-z0-9]{9}", metadata["DeviceGroupKey"])


def test_the_access_token_is_bound_to_the_new_device(dkit: MfaKit) -> None:
    tokens, metadata = _new_device(dkit)
    claims = dkit.pool.verify(tokens.access_token, token_use="access")
    assert claims["device_key"] == metadata["DeviceKey"]
    assert "device_key" not in dkit.pool.verify(tokens.id_token, token_use="id")


def test_each_sign_in_gets_a_new_key_in_the_users_one_group(dkit: MfaKit) -> None:
    _first, one = _new_device(dkit)
    _second, two = _new_device(dkit)
    assert one["DeviceKey"] != two["DeviceKey"]
    assert one["DeviceGroupKey"] == two["DeviceGroupKey"]


def test_no_device_metadata_without_device_tracking(mfa: MfaKit) -> None:
    tokens = mfa.session()
    assert tokens.new_device_metadata is None
    assert "device_key" not in mfa.pool.verify(tokens.access_token)


def test_admin_flows_track_no_devices(dkit: MfaKit) -> None:
    result = dkit.auth.admin_initiate(
        dkit.client.id, "ADMIN_USER_PASSWORD_AUTH", USERNAME="ann", PASSWORD=PASSWORD
    )
    assert result.tokens is not None
    assert result.tokens.new_device_metadata is None


def test_srp_sign_in_gets_new_device_metadata(dkit: MfaKit) -> None:
    srp = SrpClient(dkit.pool.id, "ann", PASSWORD)
    started = dkit.auth.initiate(dkit.client.id, "USER_SRP_AUTH", srp.auth_parameters())
    assert started.challenge is not None
    done = dkit.auth.respond(
        dkit.client.id,
        "PASSWORD_VERIFIER",
        srp.respond(started.challenge.parameters, dkit.clock.now()),
    )
    assert done.tokens is not None and done.tokens.new_device_metadata is not None


# -- ConfirmDevice -------------------------------------------------------------------------


def test_confirm_device_remembers_it_without_asking_by_default(dkit: MfaKit) -> None:
    tokens, metadata = _new_device(dkit)
    device = SrpDeviceClient.create("ann", metadata["DeviceGroupKey"], metadata["DeviceKey"])
    necessary = dkit.auth.confirm_device(
        tokens.access_token, metadata["DeviceKey"], device.verifier_config(), device_name="laptop"
    )
    assert necessary is False
    stored = dkit.auth.get_device(tokens.access_token, metadata["DeviceKey"])
    assert stored.remembered is DeviceRememberedStatus.REMEMBERED
    assert stored.name == "laptop"
    assert stored.attributes["dev:device_remembered_status"] == "remembered"
    assert stored.attributes["device_status"] == "valid"


def test_with_user_prompt_confirmation_needs_the_users_word(svc: Cognito) -> None:
    kit = tracked(svc, {"device_only_remembered_on_user_prompt": True})
    kit.confirmed()
    tokens, metadata = _new_device(kit)
    device = SrpDeviceClient.create("ann", metadata["DeviceGroupKey"], metadata["DeviceKey"])
    assert kit.auth.confirm_device(
        tokens.access_token, metadata["DeviceKey"], device.verifier_config()
    )
    key = metadata["DeviceKey"]
    assert kit.auth.get_device(tokens.access_token, key).remembered.value == "not_remembered"
    kit.auth.update_device_status(tokens.access_token, key, "remembered")
    assert kit.auth.get_device(tokens.access_token, key).remembered.value == "remembered"


def test_confirm_device_refuses_a_key_the_token_was_not_issued_for(dkit: MfaKit) -> None:
    tokens, _metadata = _new_device(dkit)
    _other, metadata = _new_device(dkit)
    device = SrpDeviceClient.create("ann", metadata["DeviceGroupKey"], metadata["DeviceKey"])
    with raises(InvalidParameterError, "Invalid device key given."):
        dkit.auth.confirm_device(
            tokens.access_token, metadata["DeviceKey"], device.verifier_config()
        )


def test_confirming_a_device_twice_is_refused(dkit: MfaKit) -> None:
    tokens, metadata = _new_device(dkit)
    device = SrpDeviceClient.create("ann", metadata["DeviceGroupKey"], metadata["DeviceKey"])
    dkit.auth.confirm_device(tokens.access_token, metadata["DeviceKey"], device.verifier_config())
    with raises(DeviceKeyExistsError):
        dkit.auth.confirm_device(
            tokens.access_token, metadata["DeviceKey"], device.verifier_config()
        )


def test_a_malformed_verifier_is_refused(dkit: MfaKit) -> None:
    tokens, metadata = _new_device(dkit)
    with raises(InvalidParameterError, field="device_secret_verifier_config"):
        dkit.auth.confirm_device(
            tokens.access_token,
            metadata["DeviceKey"],
            {"PasswordVerifier": "not base64!", "Salt": "AAAA"},
        )


# -- device sign-in ------------------------------------------------------------------------


def test_a_known_device_key_leads_to_device_srp(dkit: MfaKit) -> None:
    device = _confirmed_device(dkit)
    result = _with_device(dkit, device)
    assert result.challenge_name is ChallengeName.DEVICE_SRP_AUTH
    assert result.challenge is not None
    assert dict(result.challenge.parameters) == {"USERNAME": "ann", "USER_ID_FOR_SRP": "ann"}


def test_proving_the_device_signs_in_with_tokens_bound_to_it(dkit: MfaKit) -> None:
    device = _confirmed_device(dkit)
    done = _prove_device(dkit, _with_device(dkit, device), device)
    assert done.tokens is not None
    assert done.tokens.new_device_metadata is None
    assert dkit.pool.verify(done.tokens.access_token)["device_key"] == device.device_key


def test_post_authentication_is_told_whether_the_device_is_new(dkit: MfaKit) -> None:
    handler = dkit.pool.trigger("PostAuthentication", Recorder())
    device = _confirmed_device(dkit)
    _prove_device(dkit, _with_device(dkit, device), device)
    assert [e["request"]["newDeviceUsed"] for e in handler.events] == [True, False]
    assert list(handler.events[0]["request"]) == ["userAttributes", "newDeviceUsed"]


def test_device_srp_can_be_answered_without_the_session(dkit: MfaKit) -> None:
    device = _confirmed_device(dkit)
    done = _prove_device(dkit, _with_device(dkit, device), device, with_session=False)
    assert done.tokens is not None


def test_device_srp_after_user_srp(dkit: MfaKit) -> None:
    device = _confirmed_device(dkit)
    srp = SrpClient(dkit.pool.id, "ann", PASSWORD)
    started = dkit.auth.initiate(
        dkit.client.id,
        "USER_SRP_AUTH",
        {**srp.auth_parameters(), "DEVICE_KEY": device.device_key},
    )
    assert started.challenge is not None
    result = dkit.auth.respond(
        dkit.client.id,
        "PASSWORD_VERIFIER",
        srp.respond(started.challenge.parameters, dkit.clock.now()),
    )
    assert _prove_device(dkit, result, device).tokens is not None


def test_a_wrong_device_secret_is_refused(dkit: MfaKit) -> None:
    device = _confirmed_device(dkit)
    impostor = SrpDeviceClient(
        "ann", device.device_group_key, device.device_key, "not-the-device-password"
    )
    with raises(NotAuthorizedError, "Incorrect username or password."):
        _prove_device(dkit, _with_device(dkit, device), impostor)


def test_device_srp_needs_the_password_first(dkit: MfaKit) -> None:
    device = _confirmed_device(dkit)
    with raises(NotAuthorizedError, "Invalid session for the user."):
        dkit.auth.respond(dkit.client.id, "DEVICE_SRP_AUTH", device.srp_auth_response())


def test_device_srp_refuses_another_device_key(dkit: MfaKit) -> None:
    device = _confirmed_device(dkit)
    other = _confirmed_device(dkit, name="phone")
    result = _with_device(dkit, device)
    with raises(NotAuthorizedError):
        dkit.auth.respond(
            dkit.client.id, "DEVICE_SRP_AUTH", other.srp_auth_response(), session=result.session
        )


def test_device_srp_refuses_a_swapped_username(dkit: MfaKit) -> None:
    device = _confirmed_device(dkit)
    dkit.confirmed("bob", email="bob@example.com")
    result = _with_device(dkit, device)
    answer = {**device.srp_auth_response(), "USERNAME": "bob"}
    with raises(NotAuthorizedError, "Invalid session for the user."):
        dkit.auth.respond(dkit.client.id, "DEVICE_SRP_AUTH", answer, session=result.session)


def test_an_unknown_device_key_is_resource_not_found(dkit: MfaKit) -> None:
    with raises(ResourceNotFoundError, "Device does not exist."):
        dkit.auth.initiate(
            dkit.client.id,
            "USER_PASSWORD_AUTH",
            USERNAME="ann",
            PASSWORD=PASSWORD,
            DEVICE_KEY=f"{dkit.svc.region}_{uuid.uuid4()}",
        )


def test_another_users_device_key_is_resource_not_found(dkit: MfaKit) -> None:
    device = _confirmed_device(dkit)
    dkit.confirmed("bob", email="bob@example.com")
    with raises(ResourceNotFoundError):
        _with_device(dkit, device, username="bob")


def test_device_sign_in_updates_the_last_authentication(dkit: MfaKit) -> None:
    device = _confirmed_device(dkit)
    dkit.clock.advance(120)
    done = _prove_device(dkit, _with_device(dkit, device), device)
    assert done.tokens is not None
    seen = dkit.auth.get_device(done.tokens.access_token, device.device_key)
    assert seen.last_authenticated_at is not None
    assert seen.last_authenticated_at.timestamp() == dkit.clock.now()


# -- remembered devices and MFA ------------------------------------------------------------


@pytest.fixture
def secured(svc: Cognito) -> tuple[MfaKit, str, SrpDeviceClient]:
    """MFA with TOTP, a remembered device that may stand in for it."""
    kit = tracked(svc)
    kit.confirmed()
    device = _confirmed_device(kit)
    secret = kit.with_totp()
    return kit, secret, device


def test_a_remembered_device_skips_mfa(secured: tuple[MfaKit, str, SrpDeviceClient]) -> None:
    kit, _secret, device = secured
    done = _prove_device(kit, _with_device(kit, device), device)
    assert done.tokens is not None


def test_without_a_device_key_mfa_is_asked(secured: tuple[MfaKit, str, SrpDeviceClient]) -> None:
    kit, secret, _device = secured
    result = kit.start()
    assert result.challenge_name is ChallengeName.SOFTWARE_TOKEN_MFA
    tokens = kit.answer_totp(result, secret)
    assert tokens.new_device_metadata is not None


def test_a_device_set_not_remembered_still_needs_mfa(
    secured: tuple[MfaKit, str, SrpDeviceClient],
) -> None:
    kit, _secret, device = secured
    kit.pool.admin_update_device_status("ann", device.device_key, "not_remembered")
    result = _prove_device(kit, _with_device(kit, device), device)
    assert result.challenge_name is ChallengeName.SOFTWARE_TOKEN_MFA


def test_a_pool_that_does_not_let_devices_replace_mfa_asks_for_it(svc: Cognito) -> None:
    kit = tracked(svc, {"challenge_required_on_new_device": False})
    kit.confirmed()
    device = _confirmed_device(kit)
    secret = kit.with_totp()
    result = _prove_device(kit, _with_device(kit, device), device)
    assert result.challenge_name is ChallengeName.SOFTWARE_TOKEN_MFA
    tokens = kit.answer_totp(result, secret)
    assert kit.pool.verify(tokens.access_token)["device_key"] == device.device_key


# -- refresh -------------------------------------------------------------------------------


def test_device_bound_tokens_refresh_with_the_device_key(dkit: MfaKit) -> None:
    tokens, metadata = _new_device(dkit)
    refreshed = dkit.auth.initiate(
        dkit.client.id,
        "REFRESH_TOKEN_AUTH",
        REFRESH_TOKEN=tokens.refresh_token or "",
        DEVICE_KEY=metadata["DeviceKey"],
    )
    assert refreshed.tokens is not None
    assert dkit.pool.verify(refreshed.tokens.access_token)["device_key"] == metadata["DeviceKey"]


@pytest.mark.parametrize("device_key", [None, "us-east-1_00000000-0000-4000-8000-000000000000"])
def test_device_bound_tokens_do_not_refresh_without_their_key(
    dkit: MfaKit, device_key: str | None
) -> None:
    tokens, _metadata = _new_device(dkit)
    params = {"REFRESH_TOKEN": tokens.refresh_token or ""}
    if device_key:
        params["DEVICE_KEY"] = device_key
    with raises(NotAuthorizedError, "Invalid Refresh Token"):
        dkit.auth.initiate(dkit.client.id, "REFRESH_TOKEN_AUTH", params)


def test_forgetting_a_device_revokes_its_refresh_tokens(dkit: MfaKit) -> None:
    device = _confirmed_device(dkit)
    done = _prove_device(dkit, _with_device(dkit, device), device)
    assert done.tokens is not None and done.tokens.refresh_token is not None
    dkit.auth.forget_device(done.tokens.access_token, device.device_key)
    with raises(NotAuthorizedError, "Refresh Token has been revoked"):
        dkit.auth.initiate(
            dkit.client.id,
            "REFRESH_TOKEN_AUTH",
            REFRESH_TOKEN=done.tokens.refresh_token,
            DEVICE_KEY=device.device_key,
        )


def test_a_forgotten_device_cannot_sign_in(dkit: MfaKit) -> None:
    device = _confirmed_device(dkit)
    dkit.pool.admin_forget_device("ann", device.device_key)
    with raises(ResourceNotFoundError):
        _with_device(dkit, device)


# -- device calls --------------------------------------------------------------------------


def test_list_devices_pages_through_the_users_devices(dkit: MfaKit) -> None:
    keys = sorted(_confirmed_device(dkit, name=f"d{i}").device_key for i in range(3))
    tokens = dkit.sign_in()
    first = dkit.auth.list_devices(tokens.access_token, limit=2)
    assert [d.key for d in first] == keys[:2] and first.next_token is not None
    rest = dkit.auth.list_devices(tokens.access_token, limit=2, pagination_token=first.next_token)
    assert [d.key for d in rest] == keys[2:] and rest.next_token is None


def test_list_devices_shows_only_confirmed_devices_of_the_user(dkit: MfaKit) -> None:
    mine = _confirmed_device(dkit)
    dkit.confirmed("bob", email="bob@example.com")
    _confirmed_device(dkit, "bob")
    assert [d.key for d in dkit.pool.admin_list_devices("ann")] == [mine.device_key]


def test_a_bad_pagination_token_is_refused(dkit: MfaKit) -> None:
    with raises(InvalidParameterError, field="pagination_token"):
        dkit.pool.admin_list_devices("ann", pagination_token="nonsense")


def test_get_device_of_another_user_is_resource_not_found(dkit: MfaKit) -> None:
    device = _confirmed_device(dkit)
    bob = dkit.session("bob")
    with raises(ResourceNotFoundError, "Device does not exist."):
        dkit.auth.get_device(bob.access_token, device.device_key)


def test_update_device_status_checks_the_status(dkit: MfaKit) -> None:
    device = _confirmed_device(dkit)
    with raises(InvalidParameterError, field="device_remembered_status"):
        dkit.pool.admin_update_device_status("ann", device.device_key, "forever")


def test_admin_get_device_reads_the_device(dkit: MfaKit) -> None:
    device = _confirmed_device(dkit)
    assert dkit.pool.admin_get_device("ann", device.device_key).name == "laptop"


def test_device_calls_need_device_tracking(mfa: MfaKit) -> None:
    tokens = mfa.session()
    with raises(InvalidUserPoolConfigurationError):
        mfa.auth.list_devices(tokens.access_token)
    with raises(InvalidUserPoolConfigurationError):
        mfa.pool.admin_list_devices("ann")


def test_device_calls_of_an_unknown_user_name_the_missing_user(dkit: MfaKit) -> None:
    missing = "us-east-1_00000000-0000-4000-8000-000000000000"
    with raises(ResourceNotFoundError, "User does not exist."):
        dkit.pool.admin_get_device("ghost", missing)
    with raises(UserNotFoundError):
        dkit.pool.admin_forget_device("ghost", missing)


def test_the_device_verifier_stays_out_of_reprs(dkit: MfaKit) -> None:
    device = _confirmed_device(dkit)
    record = dkit.svc.store.get_device(dkit.pool.id, device.device_key)
    assert record is not None
    verifier = record.extra["srp"]["verifier"]
    assert verifier not in repr(record)
    assert verifier not in repr(dkit.pool.admin_get_device("ann", device.device_key))


def test_device_srp_refuses_a_malformed_srp_a(dkit: MfaKit) -> None:
    device = _confirmed_device(dkit)
    result = _with_device(dkit, device)
    answer = {**device.srp_auth_response(), "SRP_A": "0"}
    with raises(InvalidParameterError, field="SRP_A"):
        dkit.auth.respond(dkit.client.id, "DEVICE_SRP_AUTH", answer, session=result.session)


def test_a_user_locked_meanwhile_cannot_finish_device_srp(dkit: MfaKit) -> None:
    device = _confirmed_device(dkit)
    result = _with_device(dkit, device)
    verifier = dkit.auth.respond(
        dkit.client.id, "DEVICE_SRP_AUTH", device.srp_auth_response(), session=result.session
    )
    assert verifier.challenge is not None
    for _attempt in range(5):
        with raises(NotAuthorizedError):
            dkit.start(password="Wrong-horse-1")
    with raises(NotAuthorizedError, "Password attempts exceeded"):
        dkit.auth.respond(
            dkit.client.id,
            "DEVICE_PASSWORD_VERIFIER",
            device.respond(verifier.challenge.parameters, dkit.clock.now()),
        )

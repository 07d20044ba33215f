"""Client secret rotation: adding, listing and deleting an app client's secrets, and
every active secret proving the client."""

from __future__ import annotations

import datetime as _dt
import threading
from typing import Any

import pytest

from cogkit import AppClient, ClientSecretDescriptor, secret_hash
from cogkit.errors import (
    CogkitError,
    InvalidParameterError,
    LimitExceededError,
    NotAuthorizedError,
    ResourceNotFoundError,
    UnauthorizedError,
)
from tests.conftest import Kit
from tests.helpers import PASSWORD, PASSWORD_FLOWS, START, raises

CUSTOM = "Custom_secret+value_0123456789"


@pytest.fixture
def confidential(kit: Kit) -> AppClient:
    return kit.pool.create_client(
        "server", generate_secret=True, explicit_auth_flows=list(PASSWORD_FLOWS)
    )


def sign_in(kit: Kit, client: AppClient, secret: str) -> Any:
    return kit.auth.initiate(
        client.id,
        "USER_PASSWORD_AUTH",
        USERNAME="ann",
        PASSWORD=PASSWORD,
        SECRET_HASH=secret_hash(secret, "ann", client.id),
    )


# -- a client created with a secret ---------------------------------------------------------


def test_a_client_created_with_a_secret_lists_it(kit: Kit, confidential: AppClient) -> None:
    listed = kit.pool.list_client_secrets(confidential.id)
    assert listed == [
        ClientSecretDescriptor(
            id=f"{confidential.id}--{START * 1000}",
            created_at=_dt.datetime.fromtimestamp(START, _dt.UTC),
        )
    ]
    assert listed[0].value is None


def test_a_client_without_a_secret_lists_none(kit: Kit) -> None:
    assert kit.pool.list_client_secrets(kit.client.id) == []


def test_the_secret_value_stays_out_of_reprs(kit: Kit, confidential: AppClient) -> None:
    added = kit.pool.add_client_secret(confidential.id)
    assert added.value is not None
    client = kit.pool.client(confidential.id)
    assert confidential.secret is not None
    for shown in (repr(added), repr(client), repr(client.settings), repr(client.settings.secrets)):
        assert added.value not in shown
        assert confidential.secret not in shown


# -- AddUserPoolClientSecret ----------------------------------------------------------------


def test_adding_a_secret_generates_one_and_shows_it_once(kit: Kit, confidential: AppClient) -> None:
    kit.clock.advance(5)
    added = kit.pool.add_client_secret(confidential.id)
    assert added.id == f"{confidential.id}--{(START + 5) * 1000}"
    assert added.created_at == _dt.datetime.fromtimestamp(START + 5, _dt.UTC)
    assert added.value is not None and len(added.value) == 51 and added.value.isalnum()
    listed = kit.pool.list_client_secrets(confidential.id)
    assert [s.id for s in listed] == [f"{confidential.id}--{START * 1000}", added.id]
    assert all(s.value is None for s in listed)


def test_a_custom_secret_is_kept_but_not_shown(kit: Kit, confidential: AppClient) -> None:
    added = kit.pool.add_client_secret(confidential.id, CUSTOM)
    assert added.value is None
    kit.confirmed()
    assert sign_in(kit, kit.pool.client(confidential.id), CUSTOM).tokens is not None


def test_describe_keeps_showing_the_oldest_secret(kit: Kit, confidential: AppClient) -> None:
    kit.pool.add_client_secret(confidential.id, CUSTOM)
    assert kit.pool.client(confidential.id).secret == confidential.secret


def test_secrets_added_in_the_same_millisecond_get_distinct_ids(
    kit: Kit, confidential: AppClient
) -> None:
    kit.pool.delete_client_secret(confidential.id, kit.pool.add_client_secret(confidential.id).id)
    first = kit.pool.list_client_secrets(confidential.id)[0]
    second = kit.pool.add_client_secret(confidential.id)
    assert second.id != first.id


def test_a_third_secret_is_over_the_limit(kit: Kit, confidential: AppClient) -> None:
    kit.pool.add_client_secret(confidential.id)
    with raises(LimitExceededError):
        kit.pool.add_client_secret(confidential.id, CUSTOM)
    assert len(kit.pool.list_client_secrets(confidential.id)) == 2


def test_a_public_client_cannot_get_a_secret(kit: Kit) -> None:
    with raises(InvalidParameterError, field="client_id"):
        kit.pool.add_client_secret(kit.client.id)
    assert kit.pool.client(kit.client.id).secret is None


def test_adding_to_an_unknown_client_is_resource_not_found(kit: Kit) -> None:
    with raises(ResourceNotFoundError):
        kit.pool.add_client_secret("nosuchclient")


def test_adding_to_another_pools_client_is_resource_not_found(kit: Kit) -> None:
    other = kit.svc.create_user_pool("other").create_client("x", generate_secret=True)
    with raises(ResourceNotFoundError):
        kit.pool.add_client_secret(other.id)


@pytest.mark.parametrize(
    ("value", "field"),
    [
        ("short", "client_secret"),
        ("x" * 65, "client_secret"),
        ("has-a-dash-which-is-not-allowed", "client_secret"),
        ("has space but is long enough", "client_secret"),
        (123456789012345678901234567, "client_secret"),
    ],
)
def test_a_malformed_custom_secret_is_refused(
    kit: Kit, confidential: AppClient, value: Any, field: str
) -> None:
    with raises(InvalidParameterError, field=field) as info:
        kit.pool.add_client_secret(confidential.id, value)
    assert str(value) not in info.value.message
    assert len(kit.pool.list_client_secrets(confidential.id)) == 1


@pytest.mark.parametrize("client_id", ["", "bad id", None, 5])
def test_a_malformed_client_id_is_refused(kit: Kit, client_id: Any) -> None:
    with raises(InvalidParameterError, field="client_id"):
        kit.pool.add_client_secret(client_id)
    with raises(InvalidParameterError, field="client_id"):
        kit.pool.list_client_secrets(client_id)
    with raises(InvalidParameterError, field="client_id"):
        kit.pool.delete_client_secret(client_id, "x--1")


def test_concurrent_additions_never_pass_the_limit(kit: Kit, confidential: AppClient) -> None:
    barrier = threading.Barrier(6)
    outcomes: list[object] = []

    def add() -> None:
        barrier.wait()
        try:
            outcomes.append(kit.pool.add_client_secret(confidential.id))
        except CogkitError as exc:
            outcomes.append(exc)

    threads = [threading.Thread(target=add) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(isinstance(o, ClientSecretDescriptor) for o in outcomes) == 1
    assert all(
        isinstance(o, LimitExceededError)
        for o in outcomes
        if not isinstance(o, ClientSecretDescriptor)
    )
    assert len(kit.pool.list_client_secrets(confidential.id)) == 2


# -- every active secret proves the client ----------------------------------------------------


def test_both_secrets_sign_in(kit: Kit, confidential: AppClient) -> None:
    added = kit.pool.add_client_secret(confidential.id)
    assert added.value is not None and confidential.secret is not None
    kit.confirmed()
    client = kit.pool.client(confidential.id)
    for secret in (confidential.secret, added.value):
        assert sign_in(kit, client, secret).tokens is not None
    with raises(NotAuthorizedError, f"Unable to verify secret hash for client {client.id}"):
        sign_in(kit, client, "w" * 51)


def test_both_secrets_work_for_sign_up_and_refresh(kit: Kit, confidential: AppClient) -> None:
    added = kit.pool.add_client_secret(confidential.id, CUSTOM)
    assert added.value is None
    kit.auth.sign_up(
        confidential.id,
        "ann",
        PASSWORD,
        {"email": "ann@example.com"},
        secret_hash=secret_hash(CUSTOM, "ann", confidential.id),
    )
    kit.pool.admin_confirm_sign_up("ann")
    result = sign_in(kit, confidential, CUSTOM)
    assert result.tokens is not None and confidential.secret is not None
    token = result.tokens.refresh_token
    assert token is not None
    for secret in (CUSTOM, confidential.secret):
        assert kit.auth.get_tokens_from_refresh_token(token, confidential.id, client_secret=secret)
        refreshed = kit.auth.initiate(
            confidential.id,
            "REFRESH_TOKEN_AUTH",
            REFRESH_TOKEN=token,
            SECRET_HASH=secret_hash(secret, "ann", confidential.id),
        )
        assert refreshed.tokens is not None


def test_revoke_token_accepts_either_secret(kit: Kit, confidential: AppClient) -> None:
    kit.pool.add_client_secret(confidential.id, CUSTOM)
    kit.confirmed()
    result = sign_in(kit, confidential, CUSTOM)
    assert result.tokens is not None and result.tokens.refresh_token is not None
    with raises(UnauthorizedError):
        kit.auth.revoke_token(result.tokens.refresh_token, confidential.id, client_secret="w" * 51)
    kit.auth.revoke_token(result.tokens.refresh_token, confidential.id, client_secret=CUSTOM)


# -- DeleteUserPoolClientSecret -----------------------------------------------------------------


def test_deleting_the_old_secret_retires_it(kit: Kit, confidential: AppClient) -> None:
    old = kit.pool.list_client_secrets(confidential.id)[0]
    added = kit.pool.add_client_secret(confidential.id)
    assert added.value is not None and confidential.secret is not None
    kit.pool.delete_client_secret(confidential.id, old.id)
    assert [s.id for s in kit.pool.list_client_secrets(confidential.id)] == [added.id]
    client = kit.pool.client(confidential.id)
    assert client.secret == added.value
    kit.confirmed()
    with raises(NotAuthorizedError):
        sign_in(kit, client, confidential.secret)
    assert sign_in(kit, client, added.value).tokens is not None


def test_the_last_secret_cannot_be_deleted(kit: Kit, confidential: AppClient) -> None:
    only = kit.pool.list_client_secrets(confidential.id)[0]
    with raises(InvalidParameterError, field="client_secret_id"):
        kit.pool.delete_client_secret(confidential.id, only.id)
    assert kit.pool.list_client_secrets(confidential.id) == [only]


def test_deleting_an_unknown_secret_is_resource_not_found(
    kit: Kit, confidential: AppClient
) -> None:
    with raises(ResourceNotFoundError):
        kit.pool.delete_client_secret(confidential.id, f"{confidential.id}--1")
    with raises(ResourceNotFoundError):
        kit.pool.delete_client_secret(kit.client.id, f"{kit.client.id}--1")


@pytest.mark.parametrize("secret_id", ["", "x" * 129, None, 7])
def test_a_malformed_secret_id_is_refused(
    kit: Kit, confidential: AppClient, secret_id: Any
) -> None:
    with raises(InvalidParameterError, field="client_secret_id"):
        kit.pool.delete_client_secret(confidential.id, secret_id)
    assert len(kit.pool.list_client_secrets(confidential.id)) == 1


def test_an_update_cannot_change_the_secrets(kit: Kit, confidential: AppClient) -> None:
    with raises(InvalidParameterError, field="client_secret"):
        kit.pool.update_client(confidential.id, secrets=())
    assert kit.pool.client(confidential.id).secret == confidential.secret


def test_an_update_keeps_every_secret(kit: Kit, confidential: AppClient) -> None:
    kit.pool.add_client_secret(confidential.id, CUSTOM)
    kit.pool.update_client(confidential.id, name="renamed")
    assert len(kit.pool.list_client_secrets(confidential.id)) == 2

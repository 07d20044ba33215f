"""``Cognito``, the service root: creating, finding, listing and deleting user pools."""

from __future__ import annotations

import re

import pytest

from cogkit import Cognito, FrozenClock, Outbox, PasswordProfile, SeededIds, UserPool
from cogkit.errors import (
    CognitoError,
    ConfigurationError,
    InvalidParameterError,
    ResourceNotFoundError,
)
from cogkit.testing import make_cognito
from tests.conftest import Kit
from tests.helpers import raises


def test_pool_ids_are_region_underscore_nine_alphanumerics(svc: Cognito) -> None:
    pool = svc.create_user_pool("app")
    assert re.fullmatch(r"us-east-1_[0-9A-Za-z]{9}", pool.id)


def test_pool_ids_follow_the_service_region() -> None:
    svc = make_cognito(region="eu-west-2")
    assert svc.create_user_pool("app").id.startswith("eu-west-2_")


def test_pool_arn_names_region_account_and_id() -> None:
    svc = make_cognito(account_id="210987654321")
    pool = svc.create_user_pool("app")
    assert pool.arn == f"arn:aws:cognito-idp:us-east-1:210987654321:userpool/{pool.id}"


def test_seeded_ids_make_pool_and_client_ids_repeatable() -> None:
    def ids() -> tuple[str, str]:
        svc = make_cognito(ids=SeededIds(42))
        pool = svc.create_user_pool("app")
        return pool.id, pool.create_client("web").id

    assert ids() == ids()


def test_user_pool_finds_an_existing_pool(svc: Cognito) -> None:
    pool = svc.create_user_pool("app")
    assert svc.user_pool(pool.id) == pool
    assert svc.user_pool(pool.id).name == "app"


def test_unknown_pool_is_resource_not_found(svc: Cognito) -> None:
    with raises(ResourceNotFoundError, "User pool us-east-1_Nope12345 does not exist."):
        svc.user_pool("us-east-1_Nope12345")


@pytest.mark.parametrize("pool_id", ["", "no-underscore", "us-east-1_" + "a" * 60, 7, None])
def test_malformed_pool_id_is_invalid_parameter(svc: Cognito, pool_id: object) -> None:
    with raises(InvalidParameterError, field="user_pool_id"):
        svc.user_pool(pool_id)  # type: ignore[arg-type]


def test_list_user_pools_pages_in_id_order(svc: Cognito) -> None:
    made = sorted(svc.create_user_pool(f"p{i}").id for i in range(5))
    first = svc.list_user_pools(max_results=2)
    assert [p.id for p in first] == made[:2] and first.next_token is not None
    second = svc.list_user_pools(max_results=2, next_token=first.next_token)
    third = svc.list_user_pools(max_results=2, next_token=second.next_token)
    assert [p.id for p in second] + [p.id for p in third] == made[2:]
    assert third.next_token is None


def test_list_user_pools_last_full_page_has_no_token(svc: Cognito) -> None:
    for i in range(2):
        svc.create_user_pool(f"p{i}")
    page = svc.list_user_pools(max_results=2)
    assert len(page) == 2 and page.next_token is None


@pytest.mark.parametrize("max_results", [0, 61, "10", None])
def test_list_user_pools_max_results_is_1_to_60(svc: Cognito, max_results: object) -> None:
    with raises(InvalidParameterError, field="max_results"):
        svc.list_user_pools(max_results=max_results)  # type: ignore[arg-type]


@pytest.mark.parametrize("token", ["garbage", "", 12, "eyJrIjoiY2xpZW50cyJ9"])
def test_list_user_pools_refuses_a_foreign_or_garbage_token(svc: Cognito, token: object) -> None:
    with raises(InvalidParameterError, field="next_token"):
        svc.list_user_pools(next_token=token)  # type: ignore[arg-type]


def test_list_user_pools_refuses_a_token_with_a_wrong_position(svc: Cognito) -> None:
    from cogkit.domain import _paging

    svc.create_user_pool("app")
    with raises(InvalidParameterError, field="next_token"):
        svc.list_user_pools(next_token=_paging.encode({"k": "pools", "after": 5}))


def test_delete_user_pool_removes_it(svc: Cognito) -> None:
    pool = svc.create_user_pool("app")
    svc.delete_user_pool(pool.id)
    with raises(ResourceNotFoundError):
        svc.user_pool(pool.id)
    assert list(svc.list_user_pools()) == []


def test_pool_for_client_finds_the_clients_pool(svc: Cognito) -> None:
    pool = svc.create_user_pool("app")
    client = pool.create_client("web")
    assert svc.pool_for_client(client.id) == pool
    with raises(ResourceNotFoundError):
        svc.pool_for_client("nosuchclient")


def test_pool_for_token_reads_the_issuer(kit: Kit) -> None:
    tokens = kit.session()
    assert kit.svc.pool_for_token(tokens.access_token) == kit.pool


@pytest.mark.parametrize(
    "token",
    [
        "x.y.z",
        # A well-formed JWT from an issuer that is no pool of this service.
        "eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJodHRwczovL2V4YW1wbGUuY29tL3VzLWVhc3QtMV9Ob3BlIn0.c2ln",
    ],
)
def test_pool_for_token_refuses_unknown_issuers_and_garbage(svc: Cognito, token: str) -> None:
    with raises(CognitoError):  # a Cognito error, never a traceback
        svc.pool_for_token(token)


def test_constructor_checks_region_and_account(svc: Cognito) -> None:
    with raises(InvalidParameterError, field="region"):
        Cognito(region="Mars")
    with raises(InvalidParameterError, field="account_id"):
        Cognito(account_id="12")
    with raises(InvalidParameterError, field="issuer_base_url"):
        Cognito(issuer_base_url="ftp://x")


def test_hasher_and_password_profile_exclude_each_other() -> None:
    from cogkit.services.passwords import PasslibHasher

    with pytest.raises(ConfigurationError):
        Cognito(hasher=PasslibHasher(PasswordProfile.CHEAP), password_profile=PasswordProfile.CHEAP)


def test_outbox_is_the_default_sender(svc: Cognito) -> None:
    assert isinstance(svc.outbox, Outbox)


def test_outbox_is_unavailable_with_a_custom_sender() -> None:
    class Sink:
        def send(self, message: object) -> None:
            pass

    svc = make_cognito(sender=Sink())
    with pytest.raises(ConfigurationError):
        _ = svc.outbox


def test_service_exposes_clock_region_account_and_store() -> None:
    clock = FrozenClock(5)
    svc = make_cognito(clock=clock)
    assert svc.clock is clock
    assert (svc.region, svc.account_id) == ("us-east-1", "123456789012")
    assert svc.store is not None
    assert repr(svc).startswith("Cognito(region='us-east-1'")


def test_service_is_a_context_manager() -> None:
    with make_cognito() as svc:
        assert isinstance(svc.create_user_pool("app"), UserPool)


def test_open_memory_url_gives_an_empty_service() -> None:
    svc = Cognito.open("memory://", password_profile=PasswordProfile.CHEAP)
    assert list(svc.list_user_pools()) == []


def test_open_refuses_an_unknown_scheme() -> None:
    with pytest.raises(ConfigurationError, match="cannot open"):
        Cognito.open("redis://localhost")
    with raises(InvalidParameterError, field="url"):
        Cognito.open(5)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "collaborator",
    ["store", "clock", "ids", "hasher", "sender", "codes", "keys", "password_profile"],
)
def test_collaborators_must_fit_their_protocol(collaborator: str) -> None:
    with pytest.raises(ConfigurationError, match=collaborator):
        Cognito(**{collaborator: "not one"})  # type: ignore[arg-type]


def test_auth_flow_needs_a_user_pool() -> None:
    from cogkit import AuthFlow

    with raises(InvalidParameterError, field="pool"):
        AuthFlow("us-east-1_AAAAAAAAA")  # type: ignore[arg-type]

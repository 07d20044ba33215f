"""The fixtures cogkit's pytest plugin gives every test suite."""

from __future__ import annotations

from typing import Any

import boto3

import cogkit


def test_service_fixture_is_a_fresh_test_service(cogkit_service: cogkit.Cognito) -> None:
    assert isinstance(cogkit_service.clock, cogkit.FrozenClock)
    assert cogkit_service.list_user_pools().items == ()


def test_clock_fixture_moves_the_service_clock(
    cogkit_service: cogkit.Cognito, cogkit_clock: cogkit.FrozenClock
) -> None:
    before = cogkit_service.clock.now()
    cogkit_clock.advance(60)
    assert cogkit_service.clock.now() == before + 60


def test_outbox_fixture_holds_the_service_messages(
    cogkit_service: cogkit.Cognito, cogkit_outbox: cogkit.Outbox
) -> None:
    pool = cogkit_service.create_user_pool("p", auto_verified_attributes=["email"])
    client = pool.create_client("c")
    pool.auth.sign_up(client.id, "ann", "Correct-horse-1", {"email": "ann@example.com"})
    assert cogkit_outbox.last(to="ann@example.com").code


def test_mock_fixture_routes_boto3_to_the_service(
    cogkit_service: cogkit.Cognito, cogkit_mock: Any
) -> None:
    idp = boto3.client("cognito-idp", region_name="us-east-1")
    pool_id = idp.create_user_pool(PoolName="via-boto3")["UserPool"]["Id"]
    assert cogkit_service.user_pool(pool_id).name == "via-boto3"

"""cogkit's pytest plugin (installed with cogkit; pytest finds it by entry point).

Fixtures:

- ``cogkit_service``: a fresh ``Cognito`` from ``make_cognito()`` (frozen clock, cheap
  hashing) per test;
- ``cogkit_clock``: that service's ``FrozenClock``;
- ``cogkit_outbox``: that service's outbox;
- ``cogkit_mock``: ``cogkit.aws.mock_aws(service=cogkit_service)`` active for the test,
  so boto3 code under test talks to the same service (needs ``cogkit[aws]``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

from cogkit.domain.service import Cognito
from cogkit.services.clock import FrozenClock
from cogkit.services.delivery import Outbox
from cogkit.testing import make_cognito

if TYPE_CHECKING:
    from cogkit.aws import CognitoMock


@pytest.fixture
def cogkit_service() -> Iterator[Cognito]:
    """A fresh in-memory ``Cognito`` for one test."""
    service = make_cognito()
    yield service
    service.close()


@pytest.fixture
def cogkit_clock(cogkit_service: Cognito) -> FrozenClock:
    """The frozen clock of ``cogkit_service``: ``advance(seconds)`` to expire things."""
    clock = cogkit_service.clock
    assert isinstance(clock, FrozenClock)
    return clock


@pytest.fixture
def cogkit_outbox(cogkit_service: Cognito) -> Outbox:
    """Every message ``cogkit_service`` sent, with its code."""
    return cogkit_service.outbox


@pytest.fixture
def cogkit_mock(cogkit_service: Cognito) -> Iterator[CognitoMock]:
    """boto3's cognito-idp calls answered by ``cogkit_service`` for the test."""
    from cogkit.aws import mock_aws

    with mock_aws(service=cogkit_service) as mock:
        yield mock

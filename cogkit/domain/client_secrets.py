"""Client secret rotation: a confidential app client may hold two secrets at once.

AddUserPoolClientSecret adds a secret (generated, or the caller's own), so callers can move
to it while the old one still works; DeleteUserPoolClientSecret retires the old one.  Any
of a client's secrets proves it (``AppClient.check_secret_hash`` and
``check_client_secret``).  ``UserPool`` inherits ``PoolClientSecrets``; the secrets are kept
in the client's settings (``ClientSettings.secrets``), readable as the first always was.
"""

from __future__ import annotations

import datetime as _dt
import math
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

import attrs

from cogkit.domain import _validate as v
from cogkit.domain.client import AppClient
from cogkit.domain.config import MAX_CLIENT_SECRETS, ClientSecret, ClientSettings
from cogkit.errors import (
    InvalidParameterError,
    LimitExceededError,
    ResourceNotFoundError,
)

if TYPE_CHECKING:
    from cogkit.domain._runtime import Runtime

__all__ = ["ClientSecretDescriptor", "PoolClientSecrets"]

_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789"


@attrs.frozen
class ClientSecretDescriptor:
    """A client secret as AddUserPoolClientSecret and ListUserPoolClientSecrets describe
    it (``ClientSecretDescriptorType``): ``value`` only when cogkit generated the secret
    and only in the answer that added it."""

    id: str
    created_at: _dt.datetime
    value: str | None = attrs.field(default=None, repr=False)


def generate(rt: Runtime) -> str:
    """A new secret as Cognito makes them: 51 lowercase letters and digits (obs)."""
    return rt.ids.choice_string(_ALPHABET, 51)


def new_secret(
    client_id: str, value: str, now: float, existing: Iterable[ClientSecret]
) -> ClientSecret:
    """A secret with the id Cognito gives: ``<client id>--<epoch milliseconds>``.

    fidelity: Cognito does not document the unit of the epoch in the id; cogkit uses
    milliseconds and, should two secrets be added within one, the next free one.
    """
    taken = {s.id for s in existing}
    millis = math.floor(now * 1000)
    while f"{client_id}--{millis}" in taken:
        millis += 1
    return ClientSecret(id=f"{client_id}--{millis}", value=value, created_at=now)


def _describe(secret: ClientSecret, *, value: str | None = None) -> ClientSecretDescriptor:
    created = _dt.datetime.fromtimestamp(secret.created_at, _dt.UTC)
    return ClientSecretDescriptor(id=secret.id, created_at=created, value=value)


class PoolClientSecrets:
    """AddUserPoolClientSecret, DeleteUserPoolClientSecret and ListUserPoolClientSecrets."""

    _rt: Runtime
    id: str

    if TYPE_CHECKING:  # provided by UserPool

        def client(self, client_id: str) -> AppClient: ...
        def _change_client(
            self, client_id: str, change: Callable[[ClientSettings], ClientSettings]
        ) -> AppClient: ...

    def add_client_secret(
        self, client_id: str, client_secret: str | None = None
    ) -> ClientSecretDescriptor:
        """Adds a secret to a confidential client (one that has a secret already): the
        ``client_secret`` given, or a generated one, whose value only this answer carries.
        A client holds at most two secrets (``LimitExceededError``).

        .. versionadded:: 0.1
        """
        if client_secret is not None:
            v.string(
                "client_secret", client_secret, min_len=24, max_len=64, pattern=v.CLIENT_SECRET
            )
        v.client_id(client_id)
        value = client_secret if client_secret is not None else generate(self._rt)
        added: list[ClientSecret] = []

        def add(settings: ClientSettings) -> ClientSettings:
            if not settings.secrets:
                raise InvalidParameterError(
                    f"Client {client_id} has no client secret: secrets can only be added to "
                    "a client created with one.",
                    field="client_id",
                )
            if len(settings.secrets) >= MAX_CLIENT_SECRETS:
                raise LimitExceededError(
                    f"Client {client_id} already has {MAX_CLIENT_SECRETS} secrets: delete "
                    "one before adding another."
                )
            secret = new_secret(client_id, value, self._rt.now(), settings.secrets)
            added[:] = [secret]
            return attrs.evolve(settings, secrets=(*settings.secrets, secret))

        self._change_client(client_id, add)
        # Cognito shows the value of a secret it generated, never of one it was given.
        return _describe(added[0], value=None if client_secret is not None else value)

    def delete_client_secret(self, client_id: str, client_secret_id: str) -> None:
        """Deletes one of a client's secrets; the last one cannot go.

        .. versionadded:: 0.1
        """
        v.client_id(client_id)
        v.string("client_secret_id", client_secret_id, min_len=1, max_len=128)

        def delete(settings: ClientSettings) -> ClientSettings:
            kept = tuple(s for s in settings.secrets if s.id != client_secret_id)
            if len(kept) == len(settings.secrets):
                raise ResourceNotFoundError(
                    f"Client secret {client_secret_id} does not exist for client {client_id}."
                )
            if not kept:
                raise InvalidParameterError(
                    f"Client secret {client_secret_id} is the last secret of client "
                    f"{client_id} and cannot be deleted.",
                    field="client_secret_id",
                )
            return attrs.evolve(settings, secrets=kept)

        self._change_client(client_id, delete)

    def list_client_secrets(self, client_id: str) -> list[ClientSecretDescriptor]:
        """The client's secrets, oldest first, without their values.

        .. versionadded:: 0.1
        """
        return [_describe(s) for s in self.client(client_id).settings.secrets]

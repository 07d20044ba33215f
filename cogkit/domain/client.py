"""App clients: the ``AppClient`` value and the SECRET_HASH rule."""

from __future__ import annotations

import base64
import datetime as _dt
import hashlib
import hmac

import attrs

from cogkit.domain import _serde
from cogkit.domain.attributes import CUSTOM_PREFIX, DEV_PREFIX
from cogkit.domain.config import ClientSettings
from cogkit.domain.enums import ExplicitAuthFlow, PreventUserExistenceErrors
from cogkit.errors import NotAuthorizedError
from cogkit.stores.records import ClientRecord

__all__ = ["AppClient", "secret_hash"]


def secret_hash(client_secret: str, username: str, client_id: str) -> str:
    """Cognito's SECRET_HASH: base64(HMAC-SHA256(secret, username + client_id))."""
    digest = hmac.new(client_secret.encode(), (username + client_id).encode(), hashlib.sha256)
    return base64.b64encode(digest.digest()).decode()


@attrs.frozen
class AppClient:
    """An app client of a user pool (Cognito's ``UserPoolClientType``)."""

    id: str
    pool_id: str
    created_at: _dt.datetime
    modified_at: _dt.datetime
    settings: ClientSettings

    @classmethod
    def from_record(cls, record: ClientRecord) -> AppClient:
        return cls(
            id=record.id,
            pool_id=record.pool_id,
            created_at=_dt.datetime.fromtimestamp(record.created_at, _dt.UTC),
            modified_at=_dt.datetime.fromtimestamp(record.modified_at, _dt.UTC),
            settings=_serde.load(ClientSettings, record.config),
        )

    @property
    def name(self) -> str:
        return self.settings.name

    @property
    def secret(self) -> str | None:
        return self.settings.secret

    @property
    def explicit_auth_flows(self) -> tuple[ExplicitAuthFlow, ...]:
        return self.settings.explicit_auth_flows

    @property
    def prevents_user_existence_errors(self) -> bool:
        return self.settings.prevent_user_existence_errors is PreventUserExistenceErrors.ENABLED

    def allows(self, flow: ExplicitAuthFlow) -> bool:
        return flow in self.settings.effective_auth_flows

    def secret_hash(self, username: str) -> str:
        """The SECRET_HASH a caller must send for ``username`` (clients with a secret)."""
        if self.secret is None:
            raise NotAuthorizedError(f"Client {self.id} is not configured with a secret.")
        return secret_hash(self.secret, username, self.id)

    def check_secret_hash(self, username: str, presented: str | None) -> None:
        """Cognito's SECRET_HASH check; a client without a secret needs none.  A hash made
        with any of the client's secrets passes (secret rotation)."""
        if self.secret is None:
            return
        if not presented:
            raise NotAuthorizedError(
                f"Client {self.id} is configured for secret but secret was not received"
            )
        given = presented.encode()
        # Every secret is compared, so the time taken tells nothing of which one matched.
        matches = [
            hmac.compare_digest(secret_hash(s.value, username, self.id).encode(), given)
            for s in self.settings.secrets
        ]
        if not any(matches):
            raise NotAuthorizedError(f"Unable to verify secret hash for client {self.id}")

    def check_client_secret(self, presented: str | None) -> None:
        """For calls that take the raw ``ClientSecret`` (RevokeToken, token refresh); any
        of the client's secrets passes."""
        if self.secret is None:
            return
        given = (presented or "").encode()
        matches = [hmac.compare_digest(s.value.encode(), given) for s in self.settings.secrets]
        if not presented or not any(matches):
            raise NotAuthorizedError(f"Unable to verify secret for client {self.id}")

    def readable(self, schema_names: frozenset[str]) -> frozenset[str]:
        """Attributes this client may read.

        Cognito: a client without ``ReadAttributes`` reads the standard attributes and the
        verification flags; custom attributes must be listed to be read.
        """
        if self.settings.read_attributes is None:
            return frozenset(n for n in schema_names if not _is_custom(n)) | {"sub"}
        return frozenset(self.settings.read_attributes) | {"sub"}

    def writable(self, schema_names: frozenset[str]) -> frozenset[str]:
        """Attributes this client may write.

        Cognito: a client without ``WriteAttributes`` writes the standard attributes, except
        ``sub`` and the verification flags; custom attributes must be listed to be written.
        """
        if self.settings.write_attributes is None:
            return frozenset(
                name
                for name in schema_names
                if name not in ("sub", "email_verified", "phone_number_verified")
                and not _is_custom(name)
            )
        return frozenset(self.settings.write_attributes) - {"sub"}


def _is_custom(name: str) -> bool:
    return name.startswith((CUSTOM_PREFIX, DEV_PREFIX))

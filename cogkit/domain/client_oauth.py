"""The OAuth settings of an app client, checked as Cognito checks them (spec §9.1, §9.2).

``client_config`` checks each setting's shape; ``check_oauth_settings`` then checks what
needs the whole client and the pool: redirect URLs, identity providers that exist, scopes
that exist, and flows that fit together and with the client's secret.  The pool calls it
on every create and update of a client, before anything is stored.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from cogkit.domain.config import ClientSettings
from cogkit.domain.resource_servers import custom_scopes
from cogkit.errors import InvalidOAuthFlowError, InvalidParameterError, ScopeDoesNotExistError

if TYPE_CHECKING:
    from cogkit.domain._runtime import Runtime

__all__ = ["RESERVED_SCOPES", "check_oauth_settings"]

#: Scopes every pool has (spec §9.2); custom ones are ``{resource server}/{scope}``.
RESERVED_SCOPES = frozenset(
    {"openid", "email", "phone", "profile", "aws.cognito.signin.user.admin"}
)
#: The user pool itself as an identity provider.
COGNITO_PROVIDER = "COGNITO"
#: Items of this kind name a pool's external identity providers (federation).
IDENTITY_PROVIDER_KIND = "identity_provider"
#: Hosts that may use plain HTTP: the loopback names, for local development.
_LOOPBACK = frozenset({"localhost", "127.0.0.1", "::1"})


def check_oauth_settings(rt: Runtime, pool_id: str, settings: ClientSettings) -> None:
    """Refuses OAuth settings Cognito refuses, naming the field at fault."""
    for field, urls in (
        ("callback_urls", settings.callback_urls),
        ("logout_urls", settings.logout_urls),
    ):
        for url in urls:
            _check_url(field, url)
    for provider in settings.supported_identity_providers:
        if provider != COGNITO_PROVIDER and (
            rt.store.get_item(pool_id, IDENTITY_PROVIDER_KIND, provider) is None
        ):
            raise InvalidParameterError(
                f"The provider {provider} does not exist for User Pool {pool_id}",
                field="supported_identity_providers",
            )
    scopes = settings.allowed_oauth_scopes
    unknown = [s for s in scopes if s not in RESERVED_SCOPES]
    if unknown:
        known = custom_scopes(rt, pool_id)
        for scope in unknown:
            if scope not in known:
                raise ScopeDoesNotExistError(f"Invalid scope requested: {scope}")
    flows = settings.allowed_oauth_flows
    if "client_credentials" in flows:
        if len(flows) > 1:
            raise InvalidOAuthFlowError(
                "client_credentials flow can not be selected along with code flow or implicit flow."
            )
        if settings.secret is None:
            raise InvalidOAuthFlowError(
                "client_credentials flow can not be selected if client does not have a client "
                "secret."
            )
        reserved = [s for s in scopes if s in RESERVED_SCOPES]
        if reserved:
            raise InvalidOAuthFlowError(
                f"client_credentials flow can only be used with custom scopes, not {reserved[0]}."
            )
    if settings.allowed_oauth_flows_user_pool_client:
        if not flows:
            raise InvalidOAuthFlowError(
                "AllowedOAuthFlows is required if user pool client is allowed to use OAuth flows."
            )
        if not scopes:
            raise InvalidOAuthFlowError(
                "AllowedOAuthScopes is required if user pool client is allowed to use OAuth flows."
            )
        if {"code", "implicit"} & set(flows) and not settings.callback_urls:
            raise InvalidOAuthFlowError(
                "CallbackUrls can not be empty when code flow or implicit flow is selected"
            )


def _check_url(field: str, url: str) -> None:
    """Cognito's rules for redirect URLs: absolute, no fragment, HTTPS except to the
    loopback names (any port), custom app schemes (``myapp://callback``) allowed."""
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        raise InvalidParameterError(f"{url} is not a valid URL.", field=field) from None
    scheme = parts.scheme.lower()
    if not scheme or (scheme in ("http", "https") and not host):
        raise InvalidParameterError(f"{url} is not an absolute URL.", field=field)
    if "#" in url:
        raise InvalidParameterError(f"{url} cannot contain a fragment.", field=field)
    if scheme == "http" and host not in _LOOPBACK:
        raise InvalidParameterError(f"{url} cannot use the HTTP protocol.", field=field)

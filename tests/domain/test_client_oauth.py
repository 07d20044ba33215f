"""An app client's OAuth settings checked as Cognito checks them: redirect URLs, identity
providers, flows that fit together and with the client's secret."""

from __future__ import annotations

from typing import Any

import pytest

from cogkit import UserPool
from cogkit.errors import InvalidOAuthFlowError, InvalidParameterError
from tests.helpers import raises

HOSTED = {
    "allowed_oauth_flows": ["code"],
    "allowed_oauth_scopes": ["openid", "email"],
    "allowed_oauth_flows_user_pool_client": True,
    "supported_identity_providers": ["COGNITO"],
}


def m2m_scopes(pool: UserPool) -> list[str]:
    pool.create_resource_server("orders", "Orders", scopes=[{"name": "read", "description": "r"}])
    return ["orders/read"]


@pytest.mark.parametrize(
    "url",
    [
        "https://app.example.com/callback",
        "https://app.example.com:8443/cb?x=1",
        "http://localhost",
        "http://localhost:3000/cb",
        "http://127.0.0.1:8080/cb",
        "http://[::1]:5000/cb",
        "myapp://callback",
        "com.example.app:/oauth",
    ],
)
def test_callback_urls_cognito_accepts(pool: UserPool, url: str) -> None:
    client = pool.create_client("web", callback_urls=[url], logout_urls=[url])
    assert client.settings.callback_urls == (url,)
    assert client.settings.logout_urls == (url,)


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://app.example.com/cb", "http://app.example.com/cb cannot use the HTTP protocol."),
        ("http://localhost.com/", "http://localhost.com/ cannot use the HTTP protocol."),
        ("http://10.0.0.1/cb", "http://10.0.0.1/cb cannot use the HTTP protocol."),
        (
            "https://app.example.com/cb#top",
            "https://app.example.com/cb#top cannot contain a fragment.",
        ),
        ("/relative/cb", "/relative/cb is not an absolute URL."),
        ("app.example.com/cb", "app.example.com/cb is not an absolute URL."),
        ("https:///cb", "https:///cb is not an absolute URL."),
        ("https://[bad/cb", "https://[bad/cb is not a valid URL."),
    ],
)
@pytest.mark.parametrize("field", ["callback_urls", "logout_urls"])
def test_callback_and_logout_urls_cognito_refuses(
    pool: UserPool, url: str, message: str, field: str
) -> None:
    with raises(InvalidParameterError, message, field=field):
        pool.create_client("web", **{field: ["https://fine.example.com", url]})
    assert list(pool.list_clients()) == []


def test_an_update_with_a_bad_url_changes_nothing(pool: UserPool) -> None:
    client = pool.create_client("web", callback_urls=["https://app.example.com/cb"])
    with raises(InvalidParameterError, field="callback_urls"):
        pool.update_client(client.id, callback_urls=["http://app.example.com/cb"])
    assert pool.client(client.id).settings.callback_urls == ("https://app.example.com/cb",)


def test_the_user_pool_is_always_an_identity_provider(pool: UserPool) -> None:
    client = pool.create_client("web", supported_identity_providers=["COGNITO"])
    assert client.settings.supported_identity_providers == ("COGNITO",)


def test_identity_providers_the_pool_does_not_have_are_refused(pool: UserPool) -> None:
    with raises(
        InvalidParameterError,
        f"The provider Google does not exist for User Pool {pool.id}",
        field="supported_identity_providers",
    ):
        pool.create_client("web", supported_identity_providers=["COGNITO", "Google"])
    assert list(pool.list_clients()) == []


def test_a_hosted_ui_client_with_code_flow(pool: UserPool) -> None:
    client = pool.create_client("web", callback_urls=["https://app.example.com/cb"], **HOSTED)
    assert client.settings.allowed_oauth_flows_user_pool_client is True


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"allowed_oauth_flows": []},
            "AllowedOAuthFlows is required if user pool client is allowed to use OAuth flows.",
        ),
        (
            {"allowed_oauth_scopes": []},
            "AllowedOAuthScopes is required if user pool client is allowed to use OAuth flows.",
        ),
        (
            {"callback_urls": []},
            "CallbackUrls can not be empty when code flow or implicit flow is selected",
        ),
        (
            {"allowed_oauth_flows": ["implicit"], "callback_urls": []},
            "CallbackUrls can not be empty when code flow or implicit flow is selected",
        ),
    ],
)
def test_an_oauth_client_needs_flows_scopes_and_callbacks(
    pool: UserPool, changes: dict[str, Any], message: str
) -> None:
    settings = {**HOSTED, "callback_urls": ["https://app.example.com/cb"], **changes}
    with raises(InvalidOAuthFlowError, message):
        pool.create_client("web", **settings)
    assert list(pool.list_clients()) == []


def test_without_oauth_enabled_flows_need_no_callbacks(pool: UserPool) -> None:
    client = pool.create_client("web", allowed_oauth_flows=["code"])
    assert client.settings.allowed_oauth_flows == ("code",)


def test_a_client_credentials_client_with_a_secret_and_custom_scopes(pool: UserPool) -> None:
    client = pool.create_client(
        "m2m",
        generate_secret=True,
        allowed_oauth_flows=["client_credentials"],
        allowed_oauth_scopes=m2m_scopes(pool),
        allowed_oauth_flows_user_pool_client=True,
    )
    assert client.settings.allowed_oauth_flows == ("client_credentials",)


def test_client_credentials_needs_a_secret(pool: UserPool) -> None:
    with raises(
        InvalidOAuthFlowError,
        "client_credentials flow can not be selected if client does not have a client secret.",
    ):
        pool.create_client(
            "m2m",
            allowed_oauth_flows=["client_credentials"],
            allowed_oauth_scopes=m2m_scopes(pool),
            allowed_oauth_flows_user_pool_client=True,
        )
    assert list(pool.list_clients()) == []


@pytest.mark.parametrize("other", ["code", "implicit"])
def test_client_credentials_cannot_be_combined(pool: UserPool, other: str) -> None:
    with raises(
        InvalidOAuthFlowError,
        "client_credentials flow can not be selected along with code flow or implicit flow.",
    ):
        pool.create_client(
            "m2m",
            generate_secret=True,
            allowed_oauth_flows=["client_credentials", other],
            allowed_oauth_scopes=m2m_scopes(pool),
            callback_urls=["https://app.example.com/cb"],
            allowed_oauth_flows_user_pool_client=True,
        )


def test_client_credentials_takes_only_custom_scopes(pool: UserPool) -> None:
    with raises(
        InvalidOAuthFlowError,
        "client_credentials flow can only be used with custom scopes, not openid.",
    ):
        pool.create_client(
            "m2m",
            generate_secret=True,
            allowed_oauth_flows=["client_credentials"],
            allowed_oauth_scopes=[*m2m_scopes(pool), "openid"],
            allowed_oauth_flows_user_pool_client=True,
        )


def test_an_update_keeps_the_secret_for_client_credentials(pool: UserPool) -> None:
    client = pool.create_client("m2m", generate_secret=True)
    updated = pool.update_client(
        client.id,
        allowed_oauth_flows=["client_credentials"],
        allowed_oauth_scopes=m2m_scopes(pool),
        allowed_oauth_flows_user_pool_client=True,
    )
    assert updated.settings.allowed_oauth_flows == ("client_credentials",)


def test_an_update_to_client_credentials_without_a_secret_changes_nothing(
    pool: UserPool,
) -> None:
    client = pool.create_client("web")
    with raises(InvalidOAuthFlowError):
        pool.update_client(
            client.id,
            allowed_oauth_flows=["client_credentials"],
            allowed_oauth_scopes=m2m_scopes(pool),
        )
    assert pool.client(client.id).settings.allowed_oauth_flows == ()

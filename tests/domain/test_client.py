"""App clients: ids, secrets, auth-flow gating, token validity, attribute permissions."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from typing import Any

import pytest

from cogkit import AppClient, Cognito, ExplicitAuthFlow, FrozenClock, UserPool, secret_hash
from cogkit.domain.enums import PreventUserExistenceErrors, TimeUnit
from cogkit.errors import (
    InvalidParameterError,
    NotAuthorizedError,
    ResourceNotFoundError,
    UserNotFoundError,
)
from tests.conftest import Kit
from tests.helpers import PASSWORD, START, jwt_part, raises

DEFAULT_FLOWS = (
    ExplicitAuthFlow.ALLOW_REFRESH_TOKEN_AUTH,
    ExplicitAuthFlow.ALLOW_USER_SRP_AUTH,
    ExplicitAuthFlow.ALLOW_CUSTOM_AUTH,
)


# -- identity and secret -------------------------------------------------------------------


def test_client_ids_are_26_lowercase_alphanumerics(pool: UserPool) -> None:
    client = pool.create_client("web")
    assert re.fullmatch(r"[a-z0-9]{26}", client.id)
    assert client.pool_id == pool.id and client.name == "web"


def test_clients_have_no_secret_unless_asked(pool: UserPool) -> None:
    assert pool.create_client("web").secret is None


def test_generated_secrets_are_51_lowercase_alphanumerics(pool: UserPool) -> None:
    secret = pool.create_client("server", generate_secret=True).secret
    assert secret is not None and re.fullmatch(r"[a-z0-9]{51}", secret)


def test_a_chosen_secret_is_kept(pool: UserPool) -> None:
    client = pool.create_client("server", client_secret="s" * 24)
    assert client.secret == "s" * 24


@pytest.mark.parametrize("secret", ["s" * 23, "s" * 65, "has space in it" * 2, 12])
def test_a_chosen_secret_must_be_24_to_64_word_characters(pool: UserPool, secret: Any) -> None:
    with raises(InvalidParameterError, field="client_secret"):
        pool.create_client("server", client_secret=secret)
    assert list(pool.list_clients()) == []


def test_secret_hash_is_base64_hmac_sha256_of_username_and_client_id() -> None:
    expected = base64.b64encode(
        hmac.new(b"the-secret", b"annclient1", hashlib.sha256).digest()
    ).decode()
    assert secret_hash("the-secret", "ann", "client1") == expected


def test_client_computes_the_secret_hash_a_caller_must_send(pool: UserPool) -> None:
    client = pool.create_client("server", generate_secret=True)
    assert client.secret is not None
    assert client.secret_hash("ann") == secret_hash(client.secret, "ann", client.id)
    with raises(NotAuthorizedError):
        pool.create_client("web").secret_hash("ann")


def test_client_repr_never_shows_the_secret(pool: UserPool) -> None:
    client = pool.create_client("server", generate_secret=True)
    assert client.secret is not None
    assert client.secret not in repr(client)
    assert client.secret not in repr(client.settings)


# -- SECRET_HASH on every call that takes it -----------------------------------------------


@pytest.fixture
def secret_kit(kit: Kit) -> tuple[Kit, AppClient]:
    """A confirmed, signed-in user ``ann`` and a client with a secret allowing password flows."""
    client = kit.pool.create_client(
        "server",
        generate_secret=True,
        explicit_auth_flows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_ADMIN_USER_PASSWORD_AUTH"],
    )
    kit.confirmed()
    return kit, client


def _calls(kit: Kit, client: AppClient, hashed: str | None) -> dict[str, Any]:
    auth = kit.auth
    params = {"SECRET_HASH": hashed} if hashed is not None else {}
    return {
        "sign_up": lambda: auth.sign_up(
            client.id, "bob", PASSWORD, {"email": "b@example.com"}, secret_hash=hashed
        ),
        "confirm_sign_up": lambda: auth.confirm_sign_up(
            client.id, "ann", "123456", secret_hash=hashed
        ),
        "resend_confirmation_code": lambda: auth.resend_confirmation_code(
            client.id, "ann", secret_hash=hashed
        ),
        "forgot_password": lambda: auth.forgot_password(client.id, "ann", secret_hash=hashed),
        "confirm_forgot_password": lambda: auth.confirm_forgot_password(
            client.id, "ann", "123456", PASSWORD, secret_hash=hashed
        ),
        "initiate": lambda: auth.initiate(
            client.id, "USER_PASSWORD_AUTH", USERNAME="ann", PASSWORD=PASSWORD, **params
        ),
        "admin_initiate": lambda: auth.admin_initiate(
            client.id, "ADMIN_USER_PASSWORD_AUTH", USERNAME="ann", PASSWORD=PASSWORD, **params
        ),
    }


CALLS = [
    "sign_up",
    "confirm_sign_up",
    "resend_confirmation_code",
    "forgot_password",
    "confirm_forgot_password",
    "initiate",
    "admin_initiate",
]


@pytest.mark.parametrize("call", CALLS)
def test_missing_secret_hash_is_refused(secret_kit: tuple[Kit, AppClient], call: str) -> None:
    kit, client = secret_kit
    with raises(
        NotAuthorizedError,
        f"Client {client.id} is configured for secret but secret was not received",
    ):
        _calls(kit, client, None)[call]()


@pytest.mark.parametrize("call", CALLS)
def test_wrong_secret_hash_is_refused(secret_kit: tuple[Kit, AppClient], call: str) -> None:
    kit, client = secret_kit
    wrong = secret_hash("not-the-secret", "ann", client.id)
    with raises(NotAuthorizedError, f"Unable to verify secret hash for client {client.id}"):
        _calls(kit, client, wrong)[call]()


def test_secret_hash_for_another_username_is_refused(secret_kit: tuple[Kit, AppClient]) -> None:
    kit, client = secret_kit
    with raises(NotAuthorizedError, f"Unable to verify secret hash for client {client.id}"):
        kit.auth.initiate(
            client.id,
            "USER_PASSWORD_AUTH",
            USERNAME="ann",
            PASSWORD=PASSWORD,
            SECRET_HASH=client.secret_hash("bob"),
        )


def test_right_secret_hash_signs_in(secret_kit: tuple[Kit, AppClient]) -> None:
    kit, client = secret_kit
    result = kit.auth.initiate(
        client.id,
        "USER_PASSWORD_AUTH",
        USERNAME="ann",
        PASSWORD=PASSWORD,
        SECRET_HASH=client.secret_hash("ann"),
    )
    assert result.tokens is not None


def test_right_secret_hash_signs_up(secret_kit: tuple[Kit, AppClient]) -> None:
    kit, client = secret_kit
    result = kit.auth.sign_up(
        client.id,
        "bob",
        PASSWORD,
        {"email": "b@example.com"},
        secret_hash=client.secret_hash("bob"),
    )
    assert result.user_confirmed is False


def test_secret_hash_is_checked_before_the_user_is_looked_up(
    secret_kit: tuple[Kit, AppClient],
) -> None:
    kit, client = secret_kit
    with raises(NotAuthorizedError, f"Unable to verify secret hash for client {client.id}"):
        kit.auth.initiate(
            client.id, "USER_PASSWORD_AUTH", USERNAME="nobody", PASSWORD=PASSWORD, SECRET_HASH="x"
        )


# -- explicit auth flows -------------------------------------------------------------------


def test_default_flows_are_srp_refresh_and_custom(pool: UserPool) -> None:
    client = pool.create_client("web")
    assert client.explicit_auth_flows == DEFAULT_FLOWS
    assert not client.allows(ExplicitAuthFlow.ALLOW_USER_PASSWORD_AUTH)


def test_an_empty_flow_list_means_the_defaults(pool: UserPool) -> None:
    assert pool.create_client("web", explicit_auth_flows=[]).explicit_auth_flows == DEFAULT_FLOWS


def test_user_password_auth_needs_the_client_to_allow_it(kit: Kit) -> None:
    kit.confirmed()
    client = kit.pool.create_client("web")
    with raises(
        InvalidParameterError,
        "USER_PASSWORD_AUTH flow not enabled for this client",
        field="auth_flow",
    ):
        kit.auth.initiate(client.id, "USER_PASSWORD_AUTH", USERNAME="ann", PASSWORD=PASSWORD)


def test_admin_password_auth_needs_the_client_to_allow_it(kit: Kit) -> None:
    kit.confirmed()
    client = kit.pool.create_client("web")
    with raises(InvalidParameterError, "ADMIN_USER_PASSWORD_AUTH flow not enabled for this client"):
        kit.auth.admin_initiate(
            client.id, "ADMIN_USER_PASSWORD_AUTH", USERNAME="ann", PASSWORD=PASSWORD
        )


def test_refresh_needs_the_client_to_allow_it(kit: Kit) -> None:
    tokens = kit.session()
    kit.pool.update_client(kit.client.id, explicit_auth_flows=["ALLOW_USER_PASSWORD_AUTH"])
    with raises(InvalidParameterError, "REFRESH_TOKEN_AUTH flow not enabled for this client"):
        kit.auth.initiate(kit.client.id, "REFRESH_TOKEN_AUTH", REFRESH_TOKEN=tokens.refresh_token)


@pytest.mark.parametrize(
    ("legacy", "allowed", "refused"),
    [
        (
            ["USER_PASSWORD_AUTH"],
            {"ALLOW_USER_PASSWORD_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"},
            {"ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_CUSTOM_AUTH"},
        ),
        (
            ["ADMIN_NO_SRP_AUTH"],
            {"ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"},
            {"ALLOW_USER_PASSWORD_AUTH"},
        ),
        (
            ["CUSTOM_AUTH_FLOW_ONLY"],
            {"ALLOW_CUSTOM_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"},
            {"ALLOW_USER_SRP_AUTH", "ALLOW_USER_PASSWORD_AUTH"},
        ),
    ],
)
def test_legacy_flow_names_map_to_their_allow_flows(
    pool: UserPool, legacy: list[str], allowed: set[str], refused: set[str]
) -> None:
    client = pool.create_client("legacy", explicit_auth_flows=legacy)
    for flow in allowed:
        assert client.allows(ExplicitAuthFlow(flow)), flow
    for flow in refused:
        assert not client.allows(ExplicitAuthFlow(flow)), flow


def test_legacy_user_password_flow_signs_in(kit: Kit) -> None:
    kit.confirmed()
    client = kit.pool.create_client("legacy", explicit_auth_flows=["USER_PASSWORD_AUTH"])
    assert kit.sign_in(client=client).access_token


def test_legacy_admin_no_srp_flow_signs_in_through_the_admin_api(kit: Kit) -> None:
    kit.confirmed()
    client = kit.pool.create_client("legacy", explicit_auth_flows=["ADMIN_NO_SRP_AUTH"])
    result = kit.auth.admin_initiate(
        client.id, "ADMIN_NO_SRP_AUTH", USERNAME="ann", PASSWORD=PASSWORD
    )
    assert result.tokens is not None


@pytest.mark.parametrize(
    ("flows", "field"),
    [
        (["USER_PASSWORD_AUTH", "ALLOW_USER_SRP_AUTH"], "explicit_auth_flows"),
        (["ALLOW_EVERYTHING"], "explicit_auth_flows.member"),
        (["ALLOW_USER_SRP_AUTH", "ALLOW_USER_SRP_AUTH"], "explicit_auth_flows"),
        ("ALLOW_USER_SRP_AUTH", "explicit_auth_flows"),
    ],
)
def test_bad_flow_lists_are_refused(pool: UserPool, flows: Any, field: str) -> None:
    with raises(InvalidParameterError, field=field):
        pool.create_client("web", explicit_auth_flows=flows)
    assert list(pool.list_clients()) == []


# -- token validity -------------------------------------------------------------------------


def test_default_validity_is_an_hour_for_id_and_access_and_30_days_for_refresh(
    pool: UserPool,
) -> None:
    settings = pool.create_client("web").settings
    assert (settings.access_token_validity, settings.access_token_unit) == (60, TimeUnit.MINUTES)
    assert (settings.id_token_validity, settings.id_token_unit) == (60, TimeUnit.MINUTES)
    assert (settings.refresh_token_validity, settings.refresh_token_unit) == (30, TimeUnit.DAYS)
    assert settings.access_token_seconds == settings.id_token_seconds == 3600
    assert settings.refresh_token_seconds == 30 * 86400


def test_validity_without_units_is_in_hours_and_days(pool: UserPool) -> None:
    settings = pool.create_client(
        "web", access_token_validity=2, id_token_validity=3, refresh_token_validity=5
    ).settings
    assert settings.access_token_seconds == 2 * 3600
    assert settings.id_token_seconds == 3 * 3600
    assert settings.refresh_token_seconds == 5 * 86400


def test_validity_units_apply_to_their_token(pool: UserPool) -> None:
    settings = pool.create_client(
        "web",
        access_token_validity=5,
        id_token_validity=300,
        refresh_token_validity=60,
        token_validity_units={
            "access_token": "minutes",
            "id_token": "seconds",
            "refresh_token": "minutes",
        },
    ).settings
    assert settings.access_token_seconds == settings.id_token_seconds == 300
    assert settings.refresh_token_seconds == 3600


def test_tokens_live_as_long_as_the_client_says(kit: Kit) -> None:
    client = kit.pool.create_client(
        "short",
        explicit_auth_flows=["ALLOW_USER_PASSWORD_AUTH"],
        access_token_validity=10,
        id_token_validity=1,
        token_validity_units={"access_token": "minutes", "id_token": "days"},
    )
    kit.confirmed()
    tokens = kit.sign_in(client=client)
    access, id_token = jwt_part(tokens.access_token, 1), jwt_part(tokens.id_token, 1)
    assert access["exp"] - access["iat"] == 600 == tokens.expires_in
    assert id_token["exp"] - id_token["iat"] == 86400


def test_refresh_validity_zero_means_the_30_day_default(pool: UserPool) -> None:
    settings = pool.create_client("web", refresh_token_validity=0).settings
    assert settings.refresh_token_seconds == 30 * 86400


@pytest.mark.parametrize(
    ("settings", "field"),
    [
        ({"access_token_validity": 25}, "access_token_validity"),
        ({"access_token_validity": 0}, "access_token_validity"),
        ({"access_token_validity": 86401}, "access_token_validity"),
        (
            {"access_token_validity": 4, "token_validity_units": {"access_token": "minutes"}},
            "access_token_validity",
        ),
        (
            {"id_token_validity": 2, "token_validity_units": {"id_token": "days"}},
            "id_token_validity",
        ),
        ({"refresh_token_validity": 3651}, "refresh_token_validity"),
        (
            {"refresh_token_validity": 59, "token_validity_units": {"refresh_token": "minutes"}},
            "refresh_token_validity",
        ),
        (
            {
                "refresh_token_validity": 60,
                "access_token_validity": 2,
                "token_validity_units": {"refresh_token": "minutes"},
            },
            "refresh_token_validity",
        ),
        ({"refresh_token_validity": -1}, "refresh_token_validity"),
        ({"access_token_validity": "1"}, "access_token_validity"),
        ({"token_validity_units": {"access_token": "weeks"}}, "token_validity_units.access_token"),
        ({"token_validity_units": {"session": "minutes"}}, "token_validity_units"),
        ({"token_validity_units": ["minutes"]}, "token_validity_units"),
        ({"auth_session_validity": 2}, "auth_session_validity"),
        ({"auth_session_validity": 16}, "auth_session_validity"),
    ],
)
def test_validity_out_of_range_is_refused(
    pool: UserPool, settings: dict[str, Any], field: str
) -> None:
    with raises(InvalidParameterError, field=field):
        pool.create_client("web", **settings)
    assert list(pool.list_clients()) == []


def test_validity_limits_are_inclusive(pool: UserPool) -> None:
    settings = pool.create_client(
        "edge",
        access_token_validity=1,
        id_token_validity=5,
        refresh_token_validity=3650,
        auth_session_validity=15,
        token_validity_units={"access_token": "days", "id_token": "minutes"},
    ).settings
    assert settings.access_token_seconds == 86400
    assert settings.id_token_seconds == 300
    assert settings.refresh_token_seconds == 3650 * 86400
    assert settings.auth_session_validity == 15


# -- attribute permissions ------------------------------------------------------------------


@pytest.fixture
def custom_pool(svc: Cognito) -> UserPool:
    return svc.create_user_pool(
        "custom", auto_verified_attributes=["email"], schema=[{"name": "plan"}]
    )


def test_default_permissions_cover_standard_attributes_only(custom_pool: UserPool) -> None:
    client = custom_pool.create_client("web")
    names = frozenset(a.name for a in custom_pool.config.schema)
    readable, writable = client.readable(names), client.writable(names)
    assert {"email", "email_verified", "name", "sub"} <= readable
    assert "custom:plan" not in readable
    assert {"email", "name"} <= writable
    assert not {"custom:plan", "sub", "email_verified", "phone_number_verified"} & writable


def test_custom_attributes_need_to_be_listed_to_be_read_or_written(custom_pool: UserPool) -> None:
    client = custom_pool.create_client(
        "web", read_attributes=["email", "custom:plan"], write_attributes=["custom:plan"]
    )
    names = frozenset(a.name for a in custom_pool.config.schema)
    assert client.readable(names) == {"email", "custom:plan", "sub"}
    assert client.writable(names) == {"custom:plan"}


def test_get_user_shows_only_readable_attributes(kit: Kit) -> None:
    client = kit.pool.create_client(
        "narrow", explicit_auth_flows=["ALLOW_USER_PASSWORD_AUTH"], read_attributes=["name"]
    )
    kit.confirmed(attributes={"name": "Ann", "family_name": "Lee"})
    user = kit.auth.get_user(kit.sign_in(client=client).access_token)
    assert dict(user.attributes) == {"sub": user.sub, "name": "Ann"}


def test_id_token_carries_only_readable_attributes(kit: Kit) -> None:
    client = kit.pool.create_client(
        "narrow", explicit_auth_flows=["ALLOW_USER_PASSWORD_AUTH"], read_attributes=["name"]
    )
    kit.confirmed(attributes={"name": "Ann", "family_name": "Lee"})
    claims = jwt_part(kit.sign_in(client=client).id_token, 1)
    assert claims["name"] == "Ann"
    assert "family_name" not in claims and "email" not in claims


def test_writing_an_unwritable_attribute_is_not_authorized(kit: Kit) -> None:
    client = kit.pool.create_client(
        "narrow", explicit_auth_flows=["ALLOW_USER_PASSWORD_AUTH"], write_attributes=["name"]
    )
    kit.confirmed()
    tokens = kit.sign_in(client=client)
    with raises(NotAuthorizedError, "A client attempted to write unauthorized attribute"):
        kit.auth.update_user_attributes(tokens.access_token, {"family_name": "Lee"})
    assert kit.pool.admin_get_user("ann").get("family_name") is None


def test_sign_up_cannot_write_an_unwritable_attribute(kit: Kit) -> None:
    with raises(NotAuthorizedError, "A client attempted to write unauthorized attribute"):
        kit.sign_up(attributes={"email_verified": "true"})
    with raises(UserNotFoundError):
        kit.pool.admin_get_user("ann")


@pytest.mark.parametrize("setting", ["read_attributes", "write_attributes"])
def test_permissions_must_name_schema_attributes(pool: UserPool, setting: str) -> None:
    with raises(InvalidParameterError, field=setting):
        pool.create_client("web", **{setting: ["custom:nope"]})


# -- user existence errors and revocation ---------------------------------------------------


def test_prevent_user_existence_errors_defaults_to_legacy(pool: UserPool) -> None:
    client = pool.create_client("web")
    assert client.settings.prevent_user_existence_errors is PreventUserExistenceErrors.LEGACY
    assert not client.prevents_user_existence_errors


def test_prevent_user_existence_errors_can_be_enabled(pool: UserPool) -> None:
    client = pool.create_client("web", prevent_user_existence_errors="ENABLED")
    assert client.prevents_user_existence_errors


def test_token_revocation_is_on_by_default(pool: UserPool) -> None:
    assert pool.create_client("web").settings.enable_token_revocation is True
    assert (
        pool.create_client("w2", enable_token_revocation=False).settings.enable_token_revocation
        is False
    )


@pytest.mark.parametrize(
    ("settings", "field"),
    [
        ({"prevent_user_existence_errors": "SOMETIMES"}, "prevent_user_existence_errors"),
        ({"enable_token_revocation": "yes"}, "enable_token_revocation"),
        ({"callback_urls": "https://x"}, "callback_urls"),
        ({"callback_urls": ["https://x y"]}, "callback_urls.member"),
        ({"default_redirect_uri": "https://elsewhere"}, "default_redirect_uri"),
        ({"allowed_oauth_flows": ["password"]}, "allowed_oauth_flows"),
        (
            {"allowed_oauth_flows": ["code", "implicit", "client_credentials", "code"]},
            "allowed_oauth_flows",
        ),
        ({"allowed_oauth_scopes": [""]}, "allowed_oauth_scopes.member"),
        ({"supported_identity_providers": ["x" * 33]}, "supported_identity_providers.member"),
        ({"favourite_colour": "blue"}, "favourite_colour"),
        ({"generate_secret": "yes"}, "generate_secret"),
    ],
)
def test_bad_client_settings_are_refused_and_nothing_is_stored(
    pool: UserPool, settings: dict[str, Any], field: str
) -> None:
    with raises(InvalidParameterError, field=field):
        pool.create_client("web", **settings)
    assert list(pool.list_clients()) == []


def test_oauth_settings_are_kept(pool: UserPool) -> None:
    settings = pool.create_client(
        "hosted",
        callback_urls=["https://app.example.com/cb"],
        logout_urls=["https://app.example.com/bye"],
        default_redirect_uri="https://app.example.com/cb",
        allowed_oauth_flows=["code"],
        allowed_oauth_scopes=["openid", "email"],
        allowed_oauth_flows_user_pool_client=True,
        supported_identity_providers=["COGNITO"],
    ).settings
    assert settings.callback_urls == ("https://app.example.com/cb",)
    assert settings.default_redirect_uri == "https://app.example.com/cb"
    assert settings.allowed_oauth_flows == ("code",)
    assert settings.allowed_oauth_scopes == ("openid", "email")


@pytest.mark.parametrize("name", ["", "x" * 129, "bad/name", None, 3])
def test_client_name_is_1_to_128_allowed_characters(pool: UserPool, name: Any) -> None:
    with raises(InvalidParameterError, field="client_name"):
        pool.create_client(name)


# -- describe, update, delete, list ----------------------------------------------------------


def test_client_finds_a_client_of_the_pool(pool: UserPool) -> None:
    client = pool.create_client("web")
    found = pool.client(client.id)
    assert found == client
    assert found.created_at.timestamp() == found.modified_at.timestamp() == START


def test_a_client_of_another_pool_is_not_found(svc: Cognito, pool: UserPool) -> None:
    other = svc.create_user_pool("other").create_client("web")
    with raises(ResourceNotFoundError, f"User pool client {other.id} does not exist."):
        pool.client(other.id)


def test_update_client_changes_settings_and_keeps_id_and_secret(
    pool: UserPool, clock: FrozenClock
) -> None:
    client = pool.create_client("server", generate_secret=True)
    clock.advance(30)
    updated = pool.update_client(
        client.id,
        name="renamed",
        explicit_auth_flows=["ALLOW_USER_PASSWORD_AUTH"],
        prevent_user_existence_errors="ENABLED",
    )
    assert (updated.id, updated.secret) == (client.id, client.secret)
    assert updated.name == "renamed"
    assert updated.explicit_auth_flows == (ExplicitAuthFlow.ALLOW_USER_PASSWORD_AUTH,)
    assert updated.modified_at.timestamp() == START + 30
    assert pool.client(client.id) == updated


def test_update_client_refuses_to_change_the_secret(pool: UserPool) -> None:
    client = pool.create_client("server", generate_secret=True)
    with raises(InvalidParameterError, field="client_secret"):
        pool.update_client(client.id, secret="s" * 30)
    assert pool.client(client.id).secret == client.secret


def test_update_client_refuses_bad_settings_and_changes_nothing(pool: UserPool) -> None:
    client = pool.create_client("web")
    with raises(InvalidParameterError, field="access_token_validity"):
        pool.update_client(client.id, name="renamed", access_token_validity=48)
    assert pool.client(client.id) == client


def test_update_of_an_unknown_client_is_resource_not_found(pool: UserPool) -> None:
    with raises(ResourceNotFoundError):
        pool.update_client("nosuchclient", name="x")


def test_delete_client_removes_it(pool: UserPool) -> None:
    client = pool.create_client("web")
    pool.delete_client(client.id)
    with raises(ResourceNotFoundError):
        pool.client(client.id)
    with raises(ResourceNotFoundError):
        pool.delete_client(client.id)


def test_deleted_client_can_no_longer_sign_in(kit: Kit) -> None:
    kit.confirmed()
    kit.pool.delete_client(kit.client.id)
    with raises(ResourceNotFoundError, f"User pool client {kit.client.id} does not exist."):
        kit.sign_in()


def test_list_clients_pages_through_every_client(pool: UserPool) -> None:
    made = sorted(pool.create_client(f"c{i}").id for i in range(5))
    seen: list[str] = []
    page = pool.list_clients(max_results=2)
    while True:
        seen += [c.id for c in page]
        if page.next_token is None:
            break
        page = pool.list_clients(max_results=2, next_token=page.next_token)
    assert seen == made


def test_list_clients_refuses_a_bad_page_size_or_token(pool: UserPool) -> None:
    pool.create_client("web")
    with raises(InvalidParameterError, field="max_results"):
        pool.list_clients(max_results=61)
    with raises(InvalidParameterError, field="next_token"):
        pool.list_clients(next_token="not-a-token")
    from cogkit.domain import _paging

    with raises(InvalidParameterError, field="next_token"):
        pool.list_clients(next_token=_paging.encode({"k": "pools", "after": "x"}))
    with raises(InvalidParameterError, field="next_token"):
        pool.list_clients(next_token=_paging.encode({"k": "clients", "after": ["x"]}))


def test_clients_of_a_deleted_pool_are_gone(svc: Cognito) -> None:
    pool = svc.create_user_pool("app")
    pool.create_client("web")
    pool.delete()
    with raises(ResourceNotFoundError):
        pool.list_clients()
    with raises(ResourceNotFoundError):
        pool.create_client("web")

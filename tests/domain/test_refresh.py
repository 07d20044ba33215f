"""REFRESH_TOKEN_AUTH, RevokeToken, GlobalSignOut and AdminUserGlobalSignOut."""

from __future__ import annotations

import pytest

from cogkit import AppClient, Cognito, Tokens
from cogkit.errors import (
    InvalidParameterError,
    NotAuthorizedError,
    UnauthorizedError,
    UnsupportedOperationError,
    UnsupportedTokenTypeError,
)
from tests.conftest import Kit
from tests.helpers import PASSWORD, PASSWORD_FLOWS, START, jwt_part, raises


def _refresh(
    kit: Kit, refresh_token: str | None, *, client: AppClient | None = None, **extra: str
) -> Tokens:
    assert refresh_token is not None
    result = kit.auth.initiate(
        (client or kit.client).id, "REFRESH_TOKEN_AUTH", REFRESH_TOKEN=refresh_token, **extra
    )
    assert result.tokens is not None
    return result.tokens


# -- refresh ---------------------------------------------------------------------------------


def test_refresh_issues_new_id_and_access_tokens_but_no_refresh_token(kit: Kit) -> None:
    tokens = kit.session()
    kit.clock.advance(600)
    refreshed = _refresh(kit, tokens.refresh_token)
    assert refreshed.refresh_token is None
    assert refreshed.access_token != tokens.access_token
    assert refreshed.id_token != tokens.id_token
    assert refreshed.expires_in == 3600


def test_refresh_keeps_auth_time_origin_jti_and_event_id(kit: Kit) -> None:
    tokens = kit.session()
    kit.clock.advance(600)
    refreshed = _refresh(kit, tokens.refresh_token)
    for old_token, new_token in (
        (tokens.access_token, refreshed.access_token),
        (tokens.id_token, refreshed.id_token),
    ):
        old, new = jwt_part(old_token, 1), jwt_part(new_token, 1)
        assert new["auth_time"] == old["auth_time"] == START
        assert new["origin_jti"] == old["origin_jti"]
        assert new["event_id"] == old["event_id"]
        assert new["iat"] == START + 600 and new["exp"] == START + 600 + 3600
        assert new["jti"] != old["jti"]


def test_refreshed_tokens_verify(kit: Kit) -> None:
    refreshed = _refresh(kit, kit.session().refresh_token)
    assert kit.pool.verify(refreshed.access_token, token_use="access")["username"] == "ann"
    assert kit.pool.verify(refreshed.id_token, token_use="id", client_id=kit.client.id)


def test_refreshed_id_tokens_show_the_current_attributes(kit: Kit) -> None:
    tokens = kit.session()
    kit.pool.admin_update_user_attributes("ann", {"name": "Annie"})
    assert jwt_part(_refresh(kit, tokens.refresh_token).id_token, 1)["name"] == "Annie"


def test_refresh_token_is_a_synonym(kit: Kit) -> None:
    tokens = kit.session()
    result = kit.auth.initiate(kit.client.id, "REFRESH_TOKEN", REFRESH_TOKEN=tokens.refresh_token)
    assert result.tokens is not None and result.tokens.refresh_token is None


def test_refresh_works_through_the_admin_api(kit: Kit) -> None:
    tokens = kit.session()
    result = kit.auth.admin_initiate(
        kit.client.id, "REFRESH_TOKEN_AUTH", {"REFRESH_TOKEN": tokens.refresh_token or ""}
    )
    assert result.tokens is not None


def test_refresh_can_be_repeated(kit: Kit) -> None:
    tokens = kit.session()
    _refresh(kit, tokens.refresh_token)
    assert _refresh(kit, tokens.refresh_token).access_token


def test_refresh_without_the_token_is_invalid_parameter(kit: Kit) -> None:
    with raises(InvalidParameterError, "Missing required parameter REFRESH_TOKEN"):
        kit.auth.initiate(kit.client.id, "REFRESH_TOKEN_AUTH")


def test_an_unknown_refresh_token_is_invalid(kit: Kit) -> None:
    kit.session()
    with raises(NotAuthorizedError, "Invalid Refresh Token"):
        _refresh(kit, "not.a.refresh.token.at-all")


def test_a_refresh_token_only_works_with_its_own_client(kit: Kit) -> None:
    tokens = kit.session()
    other = kit.pool.create_client("other", explicit_auth_flows=list(PASSWORD_FLOWS))
    with raises(NotAuthorizedError, "Invalid Refresh Token"):
        _refresh(kit, tokens.refresh_token, client=other)


def test_a_refresh_token_only_works_in_its_own_pool(kit: Kit, svc: Cognito) -> None:
    tokens = kit.session()
    other_pool = svc.create_user_pool("other")
    other_client = other_pool.create_client("web", explicit_auth_flows=list(PASSWORD_FLOWS))
    with raises(NotAuthorizedError, "Invalid Refresh Token"):
        other_pool.auth.initiate(
            other_client.id, "REFRESH_TOKEN_AUTH", REFRESH_TOKEN=tokens.refresh_token or ""
        )


def test_a_refresh_token_expires_after_the_client_validity(kit: Kit) -> None:
    tokens = kit.session()
    kit.clock.advance(30 * 86400 - 1)
    _refresh(kit, tokens.refresh_token)
    kit.clock.advance(1)
    with raises(NotAuthorizedError, "Refresh Token has expired"):
        _refresh(kit, tokens.refresh_token)


def test_a_short_refresh_validity_is_honoured(kit: Kit) -> None:
    client = kit.pool.create_client(
        "short",
        explicit_auth_flows=list(PASSWORD_FLOWS),
        refresh_token_validity=60,
        access_token_validity=5,
        id_token_validity=5,
        token_validity_units={
            "refresh_token": "minutes",
            "access_token": "minutes",
            "id_token": "minutes",
        },
    )
    kit.confirmed()
    tokens = kit.sign_in(client=client)
    kit.clock.advance(3600)
    with raises(NotAuthorizedError, "Refresh Token has expired"):
        _refresh(kit, tokens.refresh_token, client=client)


def test_a_disabled_user_cannot_refresh(kit: Kit) -> None:
    tokens = kit.session()
    kit.pool.admin_disable_user("ann")
    with raises(NotAuthorizedError, "User is disabled."):
        _refresh(kit, tokens.refresh_token)


def test_a_deleted_user_cannot_refresh(kit: Kit) -> None:
    tokens = kit.session()
    kit.pool.admin_delete_user("ann")
    with raises(NotAuthorizedError, "Invalid Refresh Token"):
        _refresh(kit, tokens.refresh_token)


def test_refresh_without_revocation_issues_tokens_without_origin_jti(kit: Kit) -> None:
    client = kit.pool.create_client(
        "norevoke", explicit_auth_flows=list(PASSWORD_FLOWS), enable_token_revocation=False
    )
    kit.confirmed()
    refreshed = _refresh(kit, kit.sign_in(client=client).refresh_token, client=client)
    assert "origin_jti" not in jwt_part(refreshed.access_token, 1)
    assert "jti" in jwt_part(refreshed.access_token, 1)


def test_refresh_token_is_kept_only_as_a_digest(kit: Kit) -> None:
    from cogkit.services.codes import secret_digest

    tokens = kit.session()
    assert tokens.refresh_token is not None
    stored = kit.svc.store.get_refresh_token(secret_digest(tokens.refresh_token))
    assert stored is not None and tokens.refresh_token not in repr(stored)


# -- refresh with a client secret -------------------------------------------------------------


def test_refresh_with_a_secret_needs_the_hash_of_the_internal_username(svc: Cognito) -> None:
    pool = svc.create_user_pool("p", username_attributes=["email"])
    client = pool.create_client(
        "server", generate_secret=True, explicit_auth_flows=list(PASSWORD_FLOWS)
    )
    sub = pool.auth.sign_up(
        client.id, "ann@example.com", PASSWORD, secret_hash=client.secret_hash("ann@example.com")
    ).user_sub
    pool.admin_confirm_sign_up("ann@example.com")
    tokens = pool.auth.initiate(
        client.id,
        "USER_PASSWORD_AUTH",
        USERNAME="ann@example.com",
        PASSWORD=PASSWORD,
        SECRET_HASH=client.secret_hash("ann@example.com"),
    ).tokens
    assert tokens is not None and tokens.refresh_token is not None
    refresh = {"REFRESH_TOKEN": tokens.refresh_token}
    with raises(
        NotAuthorizedError,
        f"Client {client.id} is configured for secret but secret was not received",
    ):
        pool.auth.initiate(client.id, "REFRESH_TOKEN_AUTH", refresh)
    with raises(NotAuthorizedError, f"SecretHash does not match for the client: {client.id}"):
        pool.auth.initiate(
            client.id,
            "REFRESH_TOKEN_AUTH",
            refresh,
            SECRET_HASH=client.secret_hash("ann@example.com"),
        )
    result = pool.auth.initiate(
        client.id, "REFRESH_TOKEN_AUTH", refresh, SECRET_HASH=client.secret_hash(sub)
    )
    assert result.tokens is not None


# -- revoke token ------------------------------------------------------------------------------


def test_revoking_a_refresh_token_kills_every_token_from_it(kit: Kit) -> None:
    tokens = kit.session()
    refreshed = _refresh(kit, tokens.refresh_token)
    assert tokens.refresh_token is not None
    kit.auth.revoke_token(tokens.refresh_token, kit.client.id)
    with raises(NotAuthorizedError, "Refresh Token has been revoked"):
        _refresh(kit, tokens.refresh_token)
    for access in (tokens.access_token, refreshed.access_token):
        with raises(NotAuthorizedError, "Access Token has been revoked"):
            kit.auth.get_user(access)
    for id_token in (tokens.id_token, refreshed.id_token):
        with raises(NotAuthorizedError, "Id Token has been revoked"):
            kit.pool.verify(id_token)


def test_revoking_leaves_other_sessions_alone(kit: Kit) -> None:
    first = kit.session()
    second = kit.sign_in()
    assert first.refresh_token is not None
    kit.auth.revoke_token(first.refresh_token, kit.client.id)
    assert kit.auth.get_user(second.access_token).username == "ann"
    assert _refresh(kit, second.refresh_token).access_token


def test_revoking_twice_or_an_unknown_token_succeeds(kit: Kit) -> None:
    tokens = kit.session()
    assert tokens.refresh_token is not None
    kit.auth.revoke_token(tokens.refresh_token, kit.client.id)
    kit.auth.revoke_token(tokens.refresh_token, kit.client.id)
    kit.auth.revoke_token("unknown.refresh.token.of.nobody", kit.client.id)


@pytest.mark.parametrize("which", ["access_token", "id_token"])
def test_revoking_a_jwt_is_unsupported_token_type(kit: Kit, which: str) -> None:
    tokens = kit.session()
    with raises(UnsupportedTokenTypeError):
        kit.auth.revoke_token(getattr(tokens, which), kit.client.id)
    assert kit.auth.get_user(tokens.access_token).username == "ann"


def test_revoking_needs_revocation_enabled_on_the_client(kit: Kit) -> None:
    client = kit.pool.create_client(
        "norevoke", explicit_auth_flows=list(PASSWORD_FLOWS), enable_token_revocation=False
    )
    kit.confirmed()
    tokens = kit.sign_in(client=client)
    assert tokens.refresh_token is not None
    with raises(UnsupportedOperationError):
        kit.auth.revoke_token(tokens.refresh_token, client.id)
    assert _refresh(kit, tokens.refresh_token, client=client).access_token


def test_revoking_a_token_of_another_client_is_refused(kit: Kit) -> None:
    tokens = kit.session()
    other = kit.pool.create_client("other")
    assert tokens.refresh_token is not None
    with raises(UnauthorizedError):
        kit.auth.revoke_token(tokens.refresh_token, other.id)
    assert _refresh(kit, tokens.refresh_token).access_token


def test_revoking_with_a_secret_client_needs_the_secret(kit: Kit) -> None:
    client = kit.pool.create_client(
        "server", generate_secret=True, explicit_auth_flows=["ALLOW_ADMIN_USER_PASSWORD_AUTH"]
    )
    kit.confirmed()
    result = kit.auth.admin_initiate(
        client.id,
        "ADMIN_USER_PASSWORD_AUTH",
        USERNAME="ann",
        PASSWORD=PASSWORD,
        SECRET_HASH=client.secret_hash("ann"),
    )
    assert result.tokens is not None and result.tokens.refresh_token is not None
    refresh = result.tokens.refresh_token
    with raises(UnauthorizedError):
        kit.auth.revoke_token(refresh, client.id)
    with raises(UnauthorizedError):
        kit.auth.revoke_token(refresh, client.id, client_secret="w" * 51)
    kit.auth.revoke_token(refresh, client.id, client_secret=client.secret)
    with raises(NotAuthorizedError, "Access Token has been revoked"):
        kit.auth.get_user(result.tokens.access_token)


@pytest.mark.parametrize("token", ["", "has space", 5, None])
def test_revoke_refuses_malformed_input(kit: Kit, token: object) -> None:
    with raises(InvalidParameterError, field="token"):
        kit.auth.revoke_token(token, kit.client.id)  # type: ignore[arg-type]


# -- global sign-out --------------------------------------------------------------------------


def test_global_sign_out_kills_every_session_of_the_user(kit: Kit) -> None:
    first = kit.session()
    second = kit.sign_in()
    kit.auth.global_sign_out(first.access_token)
    for tokens in (first, second):
        with raises(NotAuthorizedError, "Access Token has been revoked"):
            kit.auth.get_user(tokens.access_token)
        with raises(NotAuthorizedError, "Refresh Token has been revoked"):
            _refresh(kit, tokens.refresh_token)


def test_global_sign_out_leaves_other_users_alone(kit: Kit) -> None:
    ann = kit.session("ann")
    bob = kit.session("bob")
    kit.auth.global_sign_out(ann.access_token)
    assert kit.auth.get_user(bob.access_token).username == "bob"


def test_signing_in_after_a_global_sign_out_works(kit: Kit) -> None:
    kit.auth.global_sign_out(kit.session().access_token)
    fresh = kit.sign_in()
    assert kit.auth.get_user(fresh.access_token).username == "ann"


def test_admin_global_sign_out_kills_every_session(kit: Kit) -> None:
    tokens = kit.session()
    kit.pool.admin_user_global_sign_out("ann")
    with raises(NotAuthorizedError, "Access Token has been revoked"):
        kit.auth.get_user(tokens.access_token)
    with raises(NotAuthorizedError, "Refresh Token has been revoked"):
        _refresh(kit, tokens.refresh_token)


def test_global_sign_out_reaches_tokens_of_clients_without_revocation(kit: Kit) -> None:
    client = kit.pool.create_client(
        "norevoke", explicit_auth_flows=list(PASSWORD_FLOWS), enable_token_revocation=False
    )
    kit.confirmed()
    tokens = kit.sign_in(client=client)
    kit.clock.advance(1)
    kit.pool.admin_user_global_sign_out("ann")
    with raises(NotAuthorizedError, "Access Token has been revoked"):
        kit.auth.get_user(tokens.access_token)
    kit.clock.advance(1)
    assert kit.auth.get_user(kit.sign_in(client=client).access_token).username == "ann"


def test_tokens_without_origin_jti_from_the_sign_out_second_survive_it(kit: Kit) -> None:
    # fidelity: without origin_jti only the issue second links a token to the sign-out.
    client = kit.pool.create_client(
        "norevoke", explicit_auth_flows=list(PASSWORD_FLOWS), enable_token_revocation=False
    )
    kit.confirmed()
    tokens = kit.sign_in(client=client)
    kit.pool.admin_user_global_sign_out("ann")
    assert kit.auth.get_user(tokens.access_token).username == "ann"

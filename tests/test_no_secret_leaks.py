"""Secrets never leak through ``repr``: not passwords, codes, tokens, sessions, client
secrets or signing keys, whichever object or error a caller might print or log."""

from __future__ import annotations

from typing import Any

import pytest

from cogkit import AuthFlow, FixedCodes, Purpose
from cogkit.errors import CogkitError
from cogkit.services.codes import secret_digest
from cogkit.testing import make_cognito
from tests.helpers import NEW_PASSWORD, PASSWORD

CODE = "864213"
TEMP = "Temp-pass-123"
CUSTOM_SECRET = "Custom_secret_value_0123456789"


def _collect() -> tuple[list[Any], list[str]]:
    """Runs every flow once; returns the objects it produced and the secrets involved."""
    svc = make_cognito(codes=FixedCodes(CODE))
    pool = svc.create_user_pool(
        "leaks", auto_verified_attributes=["email"], schema=[{"name": "plan"}]
    )
    client = pool.create_client(
        "server",
        generate_secret=True,
        explicit_auth_flows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    )
    assert client.secret is not None
    auth = AuthFlow(pool)
    objects: list[Any] = [svc, pool, auth, client, client.settings, pool.describe()]

    signed_up = auth.sign_up(
        client.id,
        "ann",
        PASSWORD,
        {"email": "ann@example.com"},
        secret_hash=client.secret_hash("ann"),
    )
    objects += [signed_up, signed_up.code_delivery]
    auth.confirm_sign_up(client.id, "ann", CODE, secret_hash=client.secret_hash("ann"))
    result = auth.initiate(
        client.id,
        "USER_PASSWORD_AUTH",
        USERNAME="ann",
        PASSWORD=PASSWORD,
        SECRET_HASH=client.secret_hash("ann"),
    )
    tokens = result.tokens
    assert tokens is not None and tokens.refresh_token is not None
    objects += [result, tokens, auth.get_user(tokens.access_token)]
    objects.append(auth.forgot_password(client.id, "ann", secret_hash=client.secret_hash("ann")))

    pool.admin_create_user(
        "bob",
        attributes={"email": "bob@example.com"},
        temporary_password=TEMP,
        desired_delivery_mediums=["EMAIL"],
    )
    challenge = auth.initiate(
        client.id,
        "USER_PASSWORD_AUTH",
        USERNAME="bob",
        PASSWORD=TEMP,
        SECRET_HASH=client.secret_hash("bob"),
    )
    assert challenge.session is not None
    objects += [challenge, challenge.challenge]

    added = pool.add_client_secret(client.id)
    assert added.value is not None
    rotating = pool.create_client(
        "rotating",
        generate_secret=True,
        explicit_auth_flows=["ALLOW_USER_PASSWORD_AUTH"],
        refresh_token_rotation={"feature": "ENABLED"},
    )
    rotated = auth.get_tokens_from_refresh_token(
        tokens.refresh_token, client.id, client_secret=added.value
    )
    objects += [added, *pool.list_client_secrets(client.id), pool.client(client.id), rotated]
    objects += [rotating, rotating.settings]

    store = svc.store
    objects += [
        store.get_pool(pool.id),
        store.get_client(client.id),
        store.get_user(pool.id, "ann"),
        store.get_user(pool.id, "bob"),
        store.get_code(pool.id, "ann", "forgot_password"),
        store.get_session(secret_digest(challenge.session)),
        store.get_refresh_token(secret_digest(tokens.refresh_token)),
        *store.list_signing_keys(pool.id),
        *svc.outbox.messages,
    ]

    errors: list[CogkitError] = []
    attempts = [
        lambda: auth.sign_up(client.id, "cy", f" {PASSWORD}", secret_hash=client.secret_hash("cy")),
        lambda: auth.sign_up(client.id, "cy", "weak", secret_hash=client.secret_hash("cy")),
        lambda: auth.initiate(
            client.id,
            "USER_PASSWORD_AUTH",
            USERNAME="ann",
            PASSWORD=NEW_PASSWORD,
            SECRET_HASH=client.secret_hash("ann"),
        ),
        lambda: auth.initiate(
            client.id, "USER_PASSWORD_AUTH", USERNAME="ann", PASSWORD=PASSWORD, SECRET_HASH="wrong"
        ),
        lambda: auth.confirm_forgot_password(
            client.id, "ann", "000000", NEW_PASSWORD, secret_hash=client.secret_hash("ann")
        ),
        lambda: auth.get_user(tokens.id_token),
        lambda: auth.revoke_token(tokens.refresh_token or "", client.id, client_secret="w" * 51),
        lambda: auth.get_tokens_from_refresh_token(
            tokens.refresh_token or "", client.id, client_secret="w" * 51
        ),
        lambda: pool.add_client_secret(client.id, CUSTOM_SECRET),
        lambda: pool.add_client_secret(rotating.id, "bad-" + CUSTOM_SECRET),
        lambda: auth.respond(
            client.id,
            "NEW_PASSWORD_REQUIRED",
            session=challenge.session or "",
            USERNAME="bob",
            NEW_PASSWORD="weak",
            SECRET_HASH=client.secret_hash("bob"),
        ),
    ]
    for attempt in attempts:
        try:
            attempt()
        except CogkitError as exc:
            errors.append(exc)
        else:  # pragma: no cover - each attempt is made to fail
            raise AssertionError("expected an error")
    objects += errors

    pem_bodies = [k.private_pem.splitlines()[1] for k in store.list_signing_keys(pool.id)]
    secrets = [
        PASSWORD,
        NEW_PASSWORD,
        TEMP,
        CODE,
        client.secret,
        added.value,
        rotating.secret,
        CUSTOM_SECRET,
        tokens.access_token,
        tokens.id_token,
        tokens.refresh_token,
        challenge.session,
        *pem_bodies,
    ]
    assert svc.outbox.last(purpose=Purpose.FORGOT_PASSWORD).code == CODE
    return objects, secrets


OBJECTS, SECRETS = _collect()


@pytest.mark.parametrize("obj", OBJECTS, ids=lambda o: type(o).__name__)
def test_no_repr_shows_a_secret(obj: Any) -> None:
    shown = repr(obj) + str(obj)
    for secret in SECRETS:
        assert secret not in shown


def test_error_messages_show_no_secret() -> None:
    for obj in OBJECTS:
        if isinstance(obj, CogkitError):
            for secret in SECRETS:
                assert secret not in obj.message

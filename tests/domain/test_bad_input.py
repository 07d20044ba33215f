"""Bad input at every public entry point: wrong types, oversized values, malformed tokens
and garbage.  Each is a cogkit error naming the field (never a TypeError or an
AttributeError), and the call changes nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from cogkit import Tokens
from cogkit.errors import InvalidParameterError, NotAuthorizedError
from tests.conftest import Kit
from tests.helpers import NEW_PASSWORD, PASSWORD, raises

Call = Callable[[Kit, Tokens], Any]


def _snapshot(kit: Kit) -> tuple[Any, ...]:
    users = tuple(
        (u.username, u.version, u.status, u.enabled, dict(u.attributes), u.password_hash)
        for u in kit.svc.store.list_users(kit.pool.id, limit=100)
    )
    pools = tuple((p.id, p.version) for p in kit.svc.store.list_pools(after=None, limit=100))
    clients = tuple(
        (c.id, c.version) for c in kit.svc.store.list_clients(kit.pool.id, after=None, limit=100)
    )
    return users, pools, clients, len(kit.svc.outbox)


@pytest.fixture
def ready(kit: Kit) -> tuple[Kit, Tokens]:
    tokens = kit.session()
    return kit, tokens


HUGE = "x" * 300_000

CASES: list[tuple[str, Call, str]] = [
    # the service root
    ("pool name int", lambda k, t: k.svc.create_user_pool(5), "pool_name"),
    (
        "pool policy list",
        lambda k, t: k.svc.create_user_pool("p", password_policy=[8]),
        "password_policy",
    ),
    (
        "pool flag str",
        lambda k, t: k.svc.create_user_pool("p", case_sensitive="no"),
        "case_sensitive",
    ),
    ("pool tags list", lambda k, t: k.svc.create_user_pool("p", tags=["a"]), "tags"),
    ("user_pool None", lambda k, t: k.svc.user_pool(None), "user_pool_id"),
    ("list pools str", lambda k, t: k.svc.list_user_pools(max_results="5"), "max_results"),
    ("delete pool int", lambda k, t: k.svc.delete_user_pool(5), "user_pool_id"),
    ("pool_for_client list", lambda k, t: k.svc.pool_for_client(["x"]), "client_id"),
    ("pool_for_token int", lambda k, t: k.svc.pool_for_token(5), "access_token"),
    # pools and clients
    ("update name int", lambda k, t: k.pool.update(name=5), "pool_name"),
    (
        "update policy",
        lambda k, t: k.pool.update(password_policy={"minimum_length": None}),
        "password_policy.minimum_length",
    ),
    ("client name dict", lambda k, t: k.pool.create_client({"name": "x"}), "client_name"),
    (
        "client flows dict",
        lambda k, t: k.pool.create_client("c", explicit_auth_flows={"a": 1}),
        "explicit_auth_flows",
    ),
    (
        "client read None item",
        lambda k, t: k.pool.create_client("c", read_attributes=[None]),
        "read_attributes.member",
    ),
    (
        "client validity float",
        lambda k, t: k.pool.create_client("c", access_token_validity=1.5),
        "access_token_validity",
    ),
    (
        "client units str",
        lambda k, t: k.pool.create_client("c", token_validity_units="hours"),
        "token_validity_units",
    ),
    ("client id int", lambda k, t: k.pool.client(5), "client_id"),
    ("client id huge", lambda k, t: k.pool.client("a" * 129), "client_id"),
    (
        "update client flows",
        lambda k, t: k.pool.update_client(k.client.id, explicit_auth_flows=5),
        "explicit_auth_flows",
    ),
    ("delete client None", lambda k, t: k.pool.delete_client(None), "client_id"),
    ("list clients token", lambda k, t: k.pool.list_clients(next_token=["x"]), "next_token"),
    # admin user API
    ("admin get int", lambda k, t: k.pool.admin_get_user(5), "username"),
    ("admin get huge", lambda k, t: k.pool.admin_get_user("a" * 129), "username"),
    (
        "admin create attrs str",
        lambda k, t: k.pool.admin_create_user("z", attributes="name=z"),
        "user_attributes",
    ),
    (
        "admin create attr value",
        lambda k, t: k.pool.admin_create_user("z", attributes={"name": 5}),
        "user_attributes.value",
    ),
    (
        "admin create attr huge",
        lambda k, t: k.pool.admin_create_user("z", attributes={"name": "x" * 2049}),
        "user_attributes.value",
    ),
    (
        "admin create pair",
        lambda k, t: k.pool.admin_create_user("z", attributes=[{"Name": 5}]),
        "user_attributes.member.name",
    ),
    (
        "admin create pair list",
        lambda k, t: k.pool.admin_create_user("z", attributes=[["name", "z"]]),
        "user_attributes.member",
    ),
    ("admin delete list", lambda k, t: k.pool.admin_delete_user(["ann"]), "username"),
    ("admin disable None", lambda k, t: k.pool.admin_disable_user(None), "username"),
    ("admin enable dict", lambda k, t: k.pool.admin_enable_user({}), "username"),
    (
        "admin confirm meta",
        lambda k, t: k.pool.admin_confirm_sign_up("ann", client_metadata=5),
        "client_metadata",
    ),
    ("admin set pw int", lambda k, t: k.pool.admin_set_user_password("ann", 5), "password"),
    (
        "admin set pw huge",
        lambda k, t: k.pool.admin_set_user_password("ann", "Aa1!" * 65),
        "password",
    ),
    ("admin sign out int", lambda k, t: k.pool.admin_user_global_sign_out(5), "username"),
    (
        "admin update list",
        lambda k, t: k.pool.admin_update_user_attributes("ann", ["name"]),
        "user_attributes.member",
    ),
    (
        "admin update value",
        lambda k, t: k.pool.admin_update_user_attributes("ann", {"name": None}),
        "user_attributes.value",
    ),
    (
        "admin update key",
        lambda k, t: k.pool.admin_update_user_attributes("ann", {5: "x"}),
        "user_attributes.key",
    ),
    ("list users filter", lambda k, t: k.pool.list_users(filter={"email": "x"}), "filter"),
    ("list users limit", lambda k, t: k.pool.list_users(limit=1.0), "limit"),
    (
        "list users attrs",
        lambda k, t: k.pool.list_users(attributes_to_get=[5]),
        "attributes_to_get.member",
    ),
    ("verify token", lambda k, t: k.pool.verify(None), "token"),
    # sign-up and confirmation
    ("sign up client int", lambda k, t: k.auth.sign_up(5, "z", PASSWORD), "client_id"),
    ("sign up username int", lambda k, t: k.auth.sign_up(k.client.id, 5, PASSWORD), "username"),
    ("sign up password None", lambda k, t: k.auth.sign_up(k.client.id, "z", None), "password"),
    (
        "sign up attrs int",
        lambda k, t: k.auth.sign_up(k.client.id, "z", PASSWORD, 5),
        "user_attributes",
    ),
    (
        "sign up validation",
        lambda k, t: k.auth.sign_up(k.client.id, "z", PASSWORD, validation_data=[1]),
        "validation_data.member",
    ),
    (
        "sign up hash int",
        lambda k, t: k.auth.sign_up(k.client.id, "z", PASSWORD, secret_hash=5),
        "secret_hash",
    ),
    (
        "sign up hash bad",
        lambda k, t: k.auth.sign_up(k.client.id, "z", PASSWORD, secret_hash="not valid!"),
        "secret_hash",
    ),
    (
        "sign up meta",
        lambda k, t: k.auth.sign_up(k.client.id, "z", PASSWORD, client_metadata={"a": []}),
        "client_metadata.value",
    ),
    (
        "confirm code int",
        lambda k, t: k.auth.confirm_sign_up(k.client.id, "ann", 123456),
        "confirmation_code",
    ),
    (
        "confirm code huge",
        lambda k, t: k.auth.confirm_sign_up(k.client.id, "ann", "1" * 2049),
        "confirmation_code",
    ),
    (
        "confirm force str",
        lambda k, t: k.auth.confirm_sign_up(k.client.id, "ann", "1", force_alias_creation="y"),
        "force_alias_creation",
    ),
    ("resend None", lambda k, t: k.auth.resend_confirmation_code(k.client.id, None), "username"),
    # sign-in
    (
        "initiate params list",
        lambda k, t: k.auth.initiate(k.client.id, "USER_PASSWORD_AUTH", [("USERNAME", "ann")]),
        "auth_parameters",
    ),
    (
        "initiate param int",
        lambda k, t: k.auth.initiate(
            k.client.id, "USER_PASSWORD_AUTH", USERNAME=5, PASSWORD=PASSWORD
        ),
        "auth_parameters.value",
    ),
    (
        "initiate flow list",
        lambda k, t: k.auth.initiate(k.client.id, ["USER_PASSWORD_AUTH"]),
        "auth_flow",
    ),
    ("initiate client None", lambda k, t: k.auth.initiate(None, "USER_PASSWORD_AUTH"), "client_id"),
    (
        "initiate meta",
        lambda k, t: k.auth.initiate(k.client.id, "USER_PASSWORD_AUTH", client_metadata="x"),
        "client_metadata",
    ),
    (
        "admin initiate param",
        lambda k, t: k.auth.admin_initiate(
            k.client.id, "ADMIN_USER_PASSWORD_AUTH", {"USERNAME": None}
        ),
        "auth_parameters.value",
    ),
    (
        "respond responses list",
        lambda k, t: k.auth.respond(k.client.id, "NEW_PASSWORD_REQUIRED", [1], session="s" * 30),
        "challenge_responses",
    ),
    (
        "respond name int",
        lambda k, t: k.auth.respond(k.client.id, 5, session="s" * 30),
        "challenge_name",
    ),
    (
        "respond session huge",
        lambda k, t: k.auth.respond(k.client.id, "NEW_PASSWORD_REQUIRED", session="s" * 2049),
        "session",
    ),
    (
        "admin respond session",
        lambda k, t: k.auth.admin_respond(k.client.id, "NEW_PASSWORD_REQUIRED", session=None),
        "session",
    ),
    # forgotten passwords
    ("forgot username int", lambda k, t: k.auth.forgot_password(k.client.id, 5), "username"),
    (
        "confirm forgot pw int",
        lambda k, t: k.auth.confirm_forgot_password(k.client.id, "ann", "1", 5),
        "password",
    ),
    # access-token calls
    ("get user int", lambda k, t: k.auth.get_user(5), "access_token"),
    ("get user huge", lambda k, t: k.auth.get_user(HUGE), "access_token"),
    (
        "update attrs int",
        lambda k, t: k.auth.update_user_attributes(t.access_token, 5),
        "user_attributes",
    ),
    (
        "update attrs value",
        lambda k, t: k.auth.update_user_attributes(t.access_token, {"name": 1}),
        "user_attributes.value",
    ),
    (
        "update attrs token",
        lambda k, t: k.auth.update_user_attributes(None, {"name": "x"}),
        "access_token",
    ),
    (
        "verification code name",
        lambda k, t: k.auth.get_user_attribute_verification_code(t.access_token, 5),
        "attribute_name",
    ),
    (
        "verify attribute code",
        lambda k, t: k.auth.verify_user_attribute(t.access_token, "email", 5),
        "code",
    ),
    (
        "change pw proposed",
        lambda k, t: k.auth.change_password(t.access_token, 5, PASSWORD),
        "proposed_password",
    ),
    (
        "change pw previous",
        lambda k, t: k.auth.change_password(t.access_token, NEW_PASSWORD, 5),
        "previous_password",
    ),
    (
        "change pw token",
        lambda k, t: k.auth.change_password([], NEW_PASSWORD, PASSWORD),
        "access_token",
    ),
    ("delete user None", lambda k, t: k.auth.delete_user(None), "access_token"),
    ("sign out int", lambda k, t: k.auth.global_sign_out(5), "access_token"),
    ("revoke client int", lambda k, t: k.auth.revoke_token(t.refresh_token, 5), "client_id"),
    (
        "revoke secret int",
        lambda k, t: k.auth.revoke_token(t.refresh_token, k.client.id, client_secret=5),
        "client_secret",
    ),
]


@pytest.mark.parametrize(("call", "field"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_input_is_invalid_parameter_naming_the_field_and_changes_nothing(
    ready: tuple[Kit, Tokens], call: Call, field: str
) -> None:
    kit, tokens = ready
    before = _snapshot(kit)
    with raises(InvalidParameterError, field=field):
        call(kit, tokens)
    assert _snapshot(kit) == before


MALFORMED_TOKENS = ["abc", "a.b.c", "a..c", "....", "e30.e30.", "eyJhbGciOiJub25lIn0.e30."]


@pytest.mark.parametrize("token", MALFORMED_TOKENS)
@pytest.mark.parametrize(
    "call",
    [
        lambda k, tok: k.auth.get_user(tok),
        lambda k, tok: k.auth.update_user_attributes(tok, {"name": "x"}),
        lambda k, tok: k.auth.change_password(tok, NEW_PASSWORD, PASSWORD),
        lambda k, tok: k.auth.delete_user(tok),
        lambda k, tok: k.auth.global_sign_out(tok),
        lambda k, tok: k.auth.get_user_attribute_verification_code(tok, "email"),
        lambda k, tok: k.auth.verify_user_attribute(tok, "email", "123456"),
    ],
    ids=["get", "update", "change_password", "delete", "sign_out", "code", "verify"],
)
def test_malformed_access_tokens_are_not_authorized(
    ready: tuple[Kit, Tokens], call: Callable[[Kit, str], Any], token: str
) -> None:
    kit, _tokens = ready
    before = _snapshot(kit)
    with raises(NotAuthorizedError, "Invalid Access Token"):
        call(kit, token)
    assert _snapshot(kit) == before


@pytest.mark.parametrize("token", [*MALFORMED_TOKENS, "a.b.c.d.e", "x" * 10])
def test_malformed_refresh_tokens_are_not_authorized(ready: tuple[Kit, Tokens], token: str) -> None:
    kit, _tokens = ready
    with raises(NotAuthorizedError, "Invalid Refresh Token"):
        kit.auth.initiate(kit.client.id, "REFRESH_TOKEN_AUTH", REFRESH_TOKEN=token)


@pytest.mark.parametrize(
    "filter",
    [
        'email = "a" or email = "b"',
        "email ^= ",
        '"email" = "a"',
        'email = "a"; drop table users',
        "\x00",
        'email = "\\"',
        'emäil = "x"',
    ],
)
def test_garbage_filters_are_invalid_parameter(ready: tuple[Kit, Tokens], filter: str) -> None:
    kit, _tokens = ready
    with raises(InvalidParameterError, field="filter"):
        kit.pool.list_users(filter=filter)

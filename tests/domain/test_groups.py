"""Groups: create, get, update, delete and list them; add and remove members; list a
user's groups and a group's users; quotas; and the group claims of tokens."""

from __future__ import annotations

from typing import Any

import pytest

from cogkit import Cognito, Tokens
from cogkit.domain.groups import Group, PoolGroups
from cogkit.errors import (
    GroupExistsError,
    InvalidParameterError,
    LimitExceededError,
    ResourceNotFoundError,
    UserNotFoundError,
)
from tests.conftest import Kit
from tests.helpers import PASSWORD, START, jwt_part, raises

ADMIN_ROLE = "arn:aws:iam::123456789012:role/admin"
READER_ROLE = "arn:aws:iam::123456789012:role/reader"


def names(groups: Any) -> list[str]:
    return [g.name for g in groups]


def usernames(users: Any) -> list[str]:
    return [u.username for u in users]


def refreshed(kit: Kit, tokens: Tokens) -> Tokens:
    result = kit.auth.initiate(
        kit.client.id, "REFRESH_TOKEN_AUTH", REFRESH_TOKEN=tokens.refresh_token
    )
    assert result.tokens is not None
    return result.tokens


# -- creating and reading ----------------------------------------------------------------


def test_a_created_group_has_what_was_given_and_the_time(kit: Kit) -> None:
    group = kit.pool.create_group(
        "admins", description="Administrators", role_arn=ADMIN_ROLE, precedence=1
    )
    assert (group.name, group.pool_id) == ("admins", kit.pool.id)
    assert (group.description, group.role_arn, group.precedence) == (
        "Administrators",
        ADMIN_ROLE,
        1,
    )
    assert group.created_at.timestamp() == group.modified_at.timestamp() == START


def test_a_group_needs_only_a_name(kit: Kit) -> None:
    group = kit.pool.create_group("readers")
    assert (group.description, group.role_arn, group.precedence) == (None, None, None)


def test_get_group_returns_the_stored_group(kit: Kit) -> None:
    created = kit.pool.create_group("admins", precedence=0)
    assert kit.pool.group("admins") == created


def test_get_group_of_an_unknown_name_is_resource_not_found(kit: Kit) -> None:
    with raises(ResourceNotFoundError, "Group not found."):
        kit.pool.group("nobody")


def test_a_taken_name_is_group_exists_and_the_first_group_stays(kit: Kit) -> None:
    kit.pool.create_group("admins", description="first")
    with raises(GroupExistsError, "A group with the name already exists."):
        kit.pool.create_group("admins", description="second")
    assert kit.pool.group("admins").description == "first"


def test_group_names_are_case_sensitive(kit: Kit) -> None:
    kit.pool.create_group("admins")
    kit.pool.create_group("Admins")
    assert names(kit.pool.list_groups()) == ["Admins", "admins"]


def test_the_same_name_may_be_used_in_another_pool(kit: Kit, svc: Cognito) -> None:
    kit.pool.create_group("admins")
    other = svc.create_user_pool("other")
    assert other.create_group("admins").pool_id == other.id


@pytest.mark.parametrize(
    ("given", "field"),
    [
        ({"name": ""}, "group_name"),
        ({"name": "x" * 129}, "group_name"),
        ({"name": "two words"}, "group_name"),
        ({"name": None}, "group_name"),
        ({"name": 7}, "group_name"),
        ({"description": "d" * 2049}, "description"),
        ({"description": 5}, "description"),
        ({"role_arn": "admin-role-of-mine-x"}, "role_arn"),
        ({"role_arn": "arn:aws:iam::1:r"}, "role_arn"),
        ({"precedence": -1}, "precedence"),
        ({"precedence": "1"}, "precedence"),
        ({"precedence": True}, "precedence"),
        ({"precedence": 2**31}, "precedence"),
    ],
)
def test_bad_group_input_names_the_field_and_stores_nothing(
    kit: Kit, given: dict[str, Any], field: str
) -> None:
    options = dict(given)
    name = options.pop("name", "admins")
    with raises(InvalidParameterError, field=field):
        kit.pool.create_group(name, **options)
    assert list(kit.pool.list_groups()) == []


def test_a_description_of_2048_characters_and_unicode_names_are_accepted(kit: Kit) -> None:
    group = kit.pool.create_group("administração", description="d" * 2048)
    assert kit.pool.group("administração") == group


def test_groups_of_a_deleted_pool_are_resource_not_found(kit: Kit) -> None:
    kit.pool.delete()
    with raises(ResourceNotFoundError, f"User pool {kit.pool.id} does not exist."):
        kit.pool.create_group("admins")


# -- quotas ----------------------------------------------------------------------------


def test_cognitos_quotas_are_the_defaults() -> None:
    assert PoolGroups.MAX_GROUPS == 10_000
    assert PoolGroups.MAX_GROUPS_PER_USER == 100


def test_a_pool_over_its_group_quota_is_limit_exceeded(
    kit: Kit, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(PoolGroups, "MAX_GROUPS", 3)
    for name in ("a", "b", "c"):
        kit.pool.create_group(name)
    with raises(LimitExceededError):
        kit.pool.create_group("d")
    assert names(kit.pool.list_groups()) == ["a", "b", "c"]


def test_a_user_over_its_group_quota_is_limit_exceeded(
    kit: Kit, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(PoolGroups, "MAX_GROUPS_PER_USER", 2)
    kit.confirmed()
    for name in ("a", "b", "c"):
        kit.pool.create_group(name)
    kit.pool.admin_add_user_to_group("ann", "a")
    kit.pool.admin_add_user_to_group("ann", "b")
    with raises(LimitExceededError):
        kit.pool.admin_add_user_to_group("ann", "c")
    # Adding again a group the user already has is not a new membership.
    kit.pool.admin_add_user_to_group("ann", "a")
    assert names(kit.pool.admin_list_groups_for_user("ann")) == ["a", "b"]


# -- updating and deleting -------------------------------------------------------------


def test_update_changes_what_is_given_and_keeps_the_rest(kit: Kit) -> None:
    kit.pool.create_group("admins", description="old", role_arn=ADMIN_ROLE, precedence=3)
    kit.clock.advance(60)
    updated = kit.pool.update_group("admins", precedence=1)
    assert (updated.description, updated.role_arn, updated.precedence) == ("old", ADMIN_ROLE, 1)
    assert updated.created_at.timestamp() == START
    assert updated.modified_at.timestamp() == START + 60
    assert kit.pool.group("admins") == updated


def test_update_can_set_every_field(kit: Kit) -> None:
    kit.pool.create_group("admins")
    updated = kit.pool.update_group("admins", description="new", role_arn=READER_ROLE, precedence=0)
    assert (updated.description, updated.role_arn, updated.precedence) == ("new", READER_ROLE, 0)


def test_update_of_an_unknown_group_is_resource_not_found(kit: Kit) -> None:
    with raises(ResourceNotFoundError, "Group not found."):
        kit.pool.update_group("nobody", precedence=1)


def test_bad_update_input_changes_nothing(kit: Kit) -> None:
    created = kit.pool.create_group("admins", precedence=2)
    with raises(InvalidParameterError, field="precedence"):
        kit.pool.update_group("admins", description="new", precedence=-1)
    assert kit.pool.group("admins") == created


def test_delete_group_removes_it_and_its_memberships_but_not_the_users(kit: Kit) -> None:
    kit.confirmed()
    kit.pool.create_group("admins")
    kit.pool.admin_add_user_to_group("ann", "admins")
    kit.pool.delete_group("admins")
    with raises(ResourceNotFoundError):
        kit.pool.group("admins")
    assert list(kit.pool.admin_list_groups_for_user("ann")) == []
    kit.pool.create_group("admins")
    assert list(kit.pool.list_users_in_group("admins")) == []
    assert kit.pool.admin_get_user("ann").username == "ann"


def test_delete_of_an_unknown_group_is_resource_not_found(kit: Kit) -> None:
    with raises(ResourceNotFoundError, "Group not found."):
        kit.pool.delete_group("nobody")


# -- listing groups ---------------------------------------------------------------------


def test_list_groups_pages_by_name(kit: Kit) -> None:
    for name in ("e", "c", "a", "d", "b"):
        kit.pool.create_group(name)
    seen: list[str] = []
    pages = 0
    token = None
    while True:
        page = kit.pool.list_groups(limit=2, next_token=token)
        seen += names(page)
        pages += 1
        token = page.next_token
        if token is None:
            break
    assert seen == ["a", "b", "c", "d", "e"]
    assert pages == 3


def test_list_groups_of_an_empty_pool_is_empty(kit: Kit) -> None:
    page = kit.pool.list_groups()
    assert list(page) == [] and page.next_token is None


@pytest.mark.parametrize("limit", [-1, 61, "10", None])
def test_list_groups_limit_is_0_to_60(kit: Kit, limit: Any) -> None:
    with raises(InvalidParameterError, field="limit"):
        kit.pool.list_groups(limit=limit)


@pytest.mark.parametrize("token", ["not-a-token", "", "eyJrIjoidXNlcnMifQ=="])
def test_list_groups_refuses_a_token_it_did_not_make(kit: Kit, token: str) -> None:
    with raises(InvalidParameterError, field="next_token"):
        kit.pool.list_groups(next_token=token)


# -- members -------------------------------------------------------------------------------


def test_added_users_are_listed_in_the_group_and_the_group_for_them(kit: Kit) -> None:
    kit.confirmed()
    kit.confirmed("bob", email="bob@example.com")
    kit.pool.create_group("admins")
    kit.pool.admin_add_user_to_group("bob", "admins")
    kit.pool.admin_add_user_to_group("ann", "admins")
    members = list(kit.pool.list_users_in_group("admins"))
    assert usernames(members) == ["ann", "bob"]
    assert members[0]["email"] == "ann@example.com"
    assert names(kit.pool.admin_list_groups_for_user("ann")) == ["admins"]


def test_adding_a_member_again_changes_nothing(kit: Kit) -> None:
    kit.confirmed()
    kit.pool.create_group("admins")
    kit.pool.admin_add_user_to_group("ann", "admins")
    kit.pool.admin_add_user_to_group("ann", "admins")
    assert usernames(kit.pool.list_users_in_group("admins")) == ["ann"]


def test_adding_an_unknown_user_is_user_not_found(kit: Kit) -> None:
    kit.pool.create_group("admins")
    with raises(UserNotFoundError, "User does not exist."):
        kit.pool.admin_add_user_to_group("ghost", "admins")


def test_adding_to_an_unknown_group_is_resource_not_found_and_adds_nothing(kit: Kit) -> None:
    kit.confirmed()
    with raises(ResourceNotFoundError, "Group not found."):
        kit.pool.admin_add_user_to_group("ann", "admins")
    assert list(kit.pool.admin_list_groups_for_user("ann")) == []


def test_users_are_found_by_their_email_in_email_username_pools(svc: Cognito) -> None:
    pool = svc.create_user_pool("p", username_attributes=["email"])
    user = pool.admin_create_user(
        "ann@example.com",
        attributes={"email": "ann@example.com", "email_verified": "true"},
        message_action="SUPPRESS",
    )
    pool.create_group("admins")
    pool.admin_add_user_to_group("ann@example.com", "admins")
    assert usernames(pool.list_users_in_group("admins")) == [user.username]
    assert names(pool.admin_list_groups_for_user(user.username)) == ["admins"]


def test_removed_users_leave_the_group(kit: Kit) -> None:
    kit.confirmed()
    kit.pool.create_group("admins")
    kit.pool.create_group("readers")
    kit.pool.admin_add_user_to_group("ann", "admins")
    kit.pool.admin_add_user_to_group("ann", "readers")
    kit.pool.admin_remove_user_from_group("ann", "admins")
    assert list(kit.pool.list_users_in_group("admins")) == []
    assert names(kit.pool.admin_list_groups_for_user("ann")) == ["readers"]


def test_removing_a_non_member_changes_nothing(kit: Kit) -> None:
    kit.confirmed()
    kit.pool.create_group("admins")
    kit.pool.admin_remove_user_from_group("ann", "admins")
    assert list(kit.pool.list_users_in_group("admins")) == []


def test_removing_an_unknown_user_or_from_an_unknown_group(kit: Kit) -> None:
    kit.confirmed()
    kit.pool.create_group("admins")
    with raises(UserNotFoundError):
        kit.pool.admin_remove_user_from_group("ghost", "admins")
    with raises(ResourceNotFoundError, "Group not found."):
        kit.pool.admin_remove_user_from_group("ann", "nobody")


def test_deleted_users_leave_their_groups(kit: Kit) -> None:
    kit.confirmed()
    kit.pool.create_group("admins")
    kit.pool.admin_add_user_to_group("ann", "admins")
    kit.pool.admin_delete_user("ann")
    assert list(kit.pool.list_users_in_group("admins")) == []


def test_list_users_in_group_pages_by_username(kit: Kit) -> None:
    kit.pool.create_group("g")
    for name in ("eve", "cy", "ann", "dan", "bob"):
        kit.pool.admin_create_user(name, message_action="SUPPRESS")
        kit.pool.admin_add_user_to_group(name, "g")
    first = kit.pool.list_users_in_group("g", limit=2)
    second = kit.pool.list_users_in_group("g", limit=2, next_token=first.next_token)
    third = kit.pool.list_users_in_group("g", limit=2, next_token=second.next_token)
    assert [usernames(p) for p in (first, second, third)] == [
        ["ann", "bob"],
        ["cy", "dan"],
        ["eve"],
    ]
    assert third.next_token is None


def test_a_users_in_group_token_is_for_its_group_only(kit: Kit) -> None:
    kit.pool.create_group("g")
    kit.pool.create_group("h")
    for name in ("ann", "bob"):
        kit.pool.admin_create_user(name, message_action="SUPPRESS")
        kit.pool.admin_add_user_to_group(name, "g")
    token = kit.pool.list_users_in_group("g", limit=1).next_token
    assert token is not None
    with raises(InvalidParameterError, field="next_token"):
        kit.pool.list_users_in_group("h", next_token=token)


def test_users_in_an_unknown_group_is_resource_not_found(kit: Kit) -> None:
    with raises(ResourceNotFoundError, "Group not found."):
        kit.pool.list_users_in_group("nobody")


def test_groups_for_a_user_come_by_precedence_then_name(kit: Kit) -> None:
    kit.confirmed()
    for name, precedence in (("a", None), ("b", 7), ("c", 0), ("d", 7), ("e", None)):
        kit.pool.create_group(name, precedence=precedence)
        kit.pool.admin_add_user_to_group("ann", name)
    pages = []
    token = None
    while True:
        page = kit.pool.admin_list_groups_for_user("ann", limit=2, next_token=token)
        pages.append(names(page))
        token = page.next_token
        if token is None:
            break
    assert pages == [["c", "b"], ["d", "a"], ["e"]]


def test_later_pages_follow_the_ranking_at_their_time(kit: Kit) -> None:
    kit.confirmed()
    for name, precedence in (("a", 1), ("b", 2), ("c", 3)):
        kit.pool.create_group(name, precedence=precedence)
        kit.pool.admin_add_user_to_group("ann", name)
    first = kit.pool.admin_list_groups_for_user("ann", limit=2)
    kit.pool.update_group("a", precedence=9)
    rest = kit.pool.admin_list_groups_for_user("ann", limit=2, next_token=first.next_token)
    assert (names(first), names(rest)) == (["a", "b"], ["c", "a"])


@pytest.mark.parametrize("after", [[1], ["1", "a"], [True, "a"], [1, 2], "a", None])
def test_groups_for_a_user_refuses_a_token_it_did_not_make(kit: Kit, after: Any) -> None:
    from cogkit.domain import _paging

    kit.confirmed()
    token = _paging.encode({"k": "user_groups", "after": after})
    with raises(InvalidParameterError, field="next_token"):
        kit.pool.admin_list_groups_for_user("ann", next_token=token)


def test_groups_for_a_user_page_by_name(kit: Kit) -> None:
    kit.confirmed()
    for name in ("c", "a", "b"):
        kit.pool.create_group(name)
        kit.pool.admin_add_user_to_group("ann", name)
    first = kit.pool.admin_list_groups_for_user("ann", limit=2)
    rest = kit.pool.admin_list_groups_for_user("ann", limit=2, next_token=first.next_token)
    assert (names(first), names(rest), rest.next_token) == (["a", "b"], ["c"], None)
    assert isinstance(first[0], Group)


def test_groups_for_an_unknown_user_is_user_not_found(kit: Kit) -> None:
    with raises(UserNotFoundError):
        kit.pool.admin_list_groups_for_user("ghost")


def test_a_limit_of_zero_lists_nothing(kit: Kit) -> None:
    kit.confirmed()
    kit.pool.create_group("g")
    kit.pool.admin_add_user_to_group("ann", "g")
    assert list(kit.pool.list_groups(limit=0)) == []
    assert list(kit.pool.list_users_in_group("g", limit=0)) == []
    assert list(kit.pool.admin_list_groups_for_user("ann", limit=0)) == []


# -- group claims in tokens ----------------------------------------------------------------


def claims(tokens: Tokens) -> tuple[dict[str, Any], dict[str, Any]]:
    return jwt_part(tokens.id_token, 1), jwt_part(tokens.access_token, 1)


def member_of(kit: Kit, *groups: tuple[str, str | None, int | None]) -> Tokens:
    """Signs ann in as a member of ``groups`` (name, role, precedence)."""
    kit.confirmed()
    for name, role, precedence in groups:
        kit.pool.create_group(name, role_arn=role, precedence=precedence)
        kit.pool.admin_add_user_to_group("ann", name)
    return kit.sign_in()


def test_tokens_of_a_user_without_groups_carry_no_group_claims(kit: Kit) -> None:
    id_claims, access = claims(kit.session())
    for name in ("cognito:groups", "cognito:roles", "cognito:preferred_role"):
        assert name not in id_claims and name not in access


def test_token_groups_come_by_precedence_then_name(kit: Kit) -> None:
    id_claims, access = claims(
        member_of(
            kit, ("zeta", None, 0), ("alpha", None, None), ("mid", None, 4), ("beta", None, None)
        )
    )
    assert id_claims["cognito:groups"] == ["zeta", "mid", "alpha", "beta"]
    assert access["cognito:groups"] == ["zeta", "mid", "alpha", "beta"]


def test_both_tokens_carry_the_groups(kit: Kit) -> None:
    id_claims, access = claims(member_of(kit, ("readers", None, None), ("admins", None, None)))
    assert id_claims["cognito:groups"] == ["admins", "readers"]
    assert access["cognito:groups"] == ["admins", "readers"]


def test_groups_without_roles_give_no_role_claims(kit: Kit) -> None:
    id_claims, _access = claims(member_of(kit, ("admins", None, 1)))
    assert "cognito:roles" not in id_claims and "cognito:preferred_role" not in id_claims


def test_the_id_token_carries_the_roles_of_the_groups(kit: Kit) -> None:
    id_claims, access = claims(
        member_of(kit, ("admins", ADMIN_ROLE, 1), ("readers", READER_ROLE, 2), ("plain", None, 0))
    )
    assert id_claims["cognito:roles"] == [ADMIN_ROLE, READER_ROLE]
    assert id_claims["cognito:groups"] == ["plain", "admins", "readers"]
    assert "cognito:roles" not in access and "cognito:preferred_role" not in access


def test_a_role_shared_by_groups_is_listed_once(kit: Kit) -> None:
    id_claims, _access = claims(member_of(kit, ("a", ADMIN_ROLE, 1), ("b", ADMIN_ROLE, 2)))
    assert id_claims["cognito:roles"] == [ADMIN_ROLE]


def test_the_preferred_role_is_the_lowest_precedence(kit: Kit) -> None:
    id_claims, _access = claims(
        member_of(kit, ("admins", ADMIN_ROLE, 5), ("readers", READER_ROLE, 0))
    )
    assert id_claims["cognito:preferred_role"] == READER_ROLE


def test_a_group_without_precedence_loses_to_any_with_one(kit: Kit) -> None:
    id_claims, _access = claims(
        member_of(kit, ("admins", ADMIN_ROLE, None), ("readers", READER_ROLE, 100))
    )
    assert id_claims["cognito:preferred_role"] == READER_ROLE


def test_a_tie_between_different_roles_gives_no_preferred_role(kit: Kit) -> None:
    id_claims, _access = claims(
        member_of(kit, ("admins", ADMIN_ROLE, 1), ("readers", READER_ROLE, 1))
    )
    assert "cognito:preferred_role" not in id_claims
    assert id_claims["cognito:roles"] == [ADMIN_ROLE, READER_ROLE]


def test_a_tie_between_groups_of_one_role_keeps_it_preferred(kit: Kit) -> None:
    id_claims, _access = claims(member_of(kit, ("a", ADMIN_ROLE, 1), ("b", ADMIN_ROLE, 1)))
    assert id_claims["cognito:preferred_role"] == ADMIN_ROLE


def test_the_only_group_with_a_role_gives_it_without_precedence(kit: Kit) -> None:
    id_claims, _access = claims(member_of(kit, ("admins", ADMIN_ROLE, None), ("x", None, 0)))
    assert id_claims["cognito:preferred_role"] == ADMIN_ROLE


def test_a_new_membership_shows_at_the_next_refresh_not_before(kit: Kit) -> None:
    tokens = kit.session()
    kit.pool.create_group("admins")
    kit.pool.admin_add_user_to_group("ann", "admins")
    assert "cognito:groups" not in kit.pool.verify(tokens.access_token, token_use="access")
    assert claims(refreshed(kit, tokens))[1]["cognito:groups"] == ["admins"]


def test_a_removed_membership_leaves_the_next_tokens(kit: Kit) -> None:
    tokens = member_of(kit, ("admins", ADMIN_ROLE, 1))
    kit.pool.admin_remove_user_from_group("ann", "admins")
    id_claims, access = claims(refreshed(kit, tokens))
    assert "cognito:groups" not in id_claims and "cognito:groups" not in access
    assert "cognito:roles" not in id_claims


def test_group_changes_show_at_the_next_sign_in(kit: Kit) -> None:
    member_of(kit, ("admins", ADMIN_ROLE, 5), ("readers", READER_ROLE, 3))
    kit.pool.update_group("admins", precedence=1)
    assert claims(kit.sign_in("ann", PASSWORD))[0]["cognito:preferred_role"] == ADMIN_ROLE
    kit.pool.delete_group("admins")
    id_claims, _access = claims(kit.sign_in("ann", PASSWORD))
    assert id_claims["cognito:groups"] == ["readers"]
    assert id_claims["cognito:preferred_role"] == READER_ROLE

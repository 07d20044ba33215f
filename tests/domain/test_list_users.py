"""ListUsers: the filter grammar, case rules, limits and pagination tokens."""

from __future__ import annotations

from typing import Any

import pytest

from cogkit import Cognito, FrozenClock, UserPool, UserStatus
from cogkit.domain import _paging
from cogkit.errors import InvalidParameterError
from tests.helpers import PASSWORD, raises

TEMP = "Temp-pass-123"


@pytest.fixture
def people(svc: Cognito) -> UserPool:
    pool = svc.create_user_pool("people", schema=[{"name": "plan"}])
    rows = [
        (
            "ann",
            {
                "email": "Ann@Example.com",
                "name": "Ann Lee",
                "given_name": "Ann",
                "family_name": "Lee",
                "phone_number": "+14325551212",
                "preferred_username": "annie",
                "custom:plan": "pro",
            },
        ),
        (
            "bob",
            {
                "email": "bob@example.com",
                "name": "Bob Stone",
                "given_name": "Bob",
                "family_name": "Stone",
                "phone_number": "+14325559999",
            },
        ),
        (
            "Carl",
            {
                "email": "carl@other.org",
                "name": "Carl Lee",
                "given_name": "Carl",
                "family_name": "Lee",
            },
        ),
    ]
    for username, attributes in rows:
        pool.admin_create_user(username, attributes=attributes, temporary_password=TEMP)
    client = pool.create_client("web")
    pool.auth.sign_up(client.id, "dora", PASSWORD, {"email": "dora@example.com"})
    pool.admin_disable_user("bob")
    return pool


def _names(pool: UserPool, filter: str | None = None, **options: Any) -> list[str]:
    return [u.username for u in pool.list_users(filter=filter, **options)]


def test_without_a_filter_every_user_is_listed_by_username(people: UserPool) -> None:
    assert _names(people) == ["Carl", "ann", "bob", "dora"]


@pytest.mark.parametrize(
    ("filter", "expected"),
    [
        ('username = "ann"', ["ann"]),
        ('username ^= "a"', ["ann"]),
        ('email = "ann@example.com"', ["ann"]),
        ('email ^= "ANN@"', ["ann"]),
        ('email ^= "carl@other"', ["Carl"]),
        ('phone_number = "+14325559999"', ["bob"]),
        ('phone_number ^= "+1432555"', ["ann", "bob"]),
        ('name = "ann lee"', ["ann"]),
        ('name ^= "Carl"', ["Carl"]),
        ('given_name = "Bob"', ["bob"]),
        ('given_name ^= "b"', ["bob"]),
        ('family_name = "Lee"', ["Carl", "ann"]),
        ('family_name ^= "st"', ["bob"]),
        ('preferred_username = "ANNIE"', ["ann"]),
        ('preferred_username ^= "ann"', ["ann"]),
        ('cognito:user_status = "UNCONFIRMED"', ["dora"]),
        ('cognito:user_status = "force_change_password"', ["Carl", "ann", "bob"]),
        ('cognito:user_status ^= "Force"', ["Carl", "ann", "bob"]),
        ('status = "Disabled"', ["bob"]),
        ('status = "Enabled"', ["Carl", "ann", "dora"]),
        ('status ^= "En"', ["Carl", "ann", "dora"]),
    ],
)
def test_every_searchable_attribute_filters(
    people: UserPool, filter: str, expected: list[str]
) -> None:
    assert sorted(_names(people, filter)) == sorted(expected)


def test_sub_is_searchable_exactly(people: UserPool) -> None:
    sub = people.admin_get_user("bob").sub
    assert _names(people, f'sub = "{sub}"') == ["bob"]
    assert _names(people, f'sub ^= "{sub[:8]}"') == ["bob"]
    assert _names(people, f'sub = "{sub.upper()}"') == []


def test_username_search_is_case_sensitive(people: UserPool) -> None:
    assert _names(people, 'username = "carl"') == []
    assert _names(people, 'username = "Carl"') == ["Carl"]


def test_status_search_is_case_sensitive(people: UserPool) -> None:
    assert _names(people, 'status = "disabled"') == []


def test_results_are_ordered_by_the_searched_attribute(people: UserPool) -> None:
    assert _names(people, 'email ^= ""') == ["ann", "bob", "Carl", "dora"]


def test_an_exact_match_does_not_match_longer_values(people: UserPool) -> None:
    assert _names(people, 'given_name = "An"') == []


def test_escaped_quotes_in_the_value_are_matched(svc: Cognito) -> None:
    pool = svc.create_user_pool("p")
    pool.admin_create_user("q", attributes={"name": 'Ann "The" Lee'}, temporary_password=TEMP)
    assert _names(pool, r'name = "Ann \"The\" Lee"') == ["q"]


@pytest.mark.parametrize("blank", ["", "   "])
def test_an_empty_filter_lists_everyone(people: UserPool, blank: str) -> None:
    assert len(_names(people, blank)) == 4


def test_spaces_around_the_operator_are_optional(people: UserPool) -> None:
    assert (
        _names(people, 'given_name="Bob"') == _names(people, '  given_name  =  "Bob"  ') == ["bob"]
    )


@pytest.mark.parametrize(
    "filter",
    [
        "email = ann@example.com",
        'email == "a"',
        'email ~ "a"',
        'email = "a" and name = "b"',
        'email = "unterminated',
        "garbage",
        '= "value"',
    ],
)
def test_unparseable_filters_are_invalid_parameter(people: UserPool, filter: str) -> None:
    with raises(InvalidParameterError, "Error while parsing filter.", field="filter"):
        people.list_users(filter=filter)


@pytest.mark.parametrize("attribute", ["custom:plan", "address", "email_verified", "nickname"])
def test_unsearchable_attributes_are_refused(people: UserPool, attribute: str) -> None:
    with raises(InvalidParameterError, f"Invalid search attribute: {attribute}", field="filter"):
        people.list_users(filter=f'{attribute} = "x"')


@pytest.mark.parametrize("filter", [5, ["email"], b'email = "a"'])
def test_a_filter_that_is_not_a_string_is_refused(people: UserPool, filter: Any) -> None:
    with raises(InvalidParameterError, field="filter"):
        people.list_users(filter=filter)


def test_a_filter_longer_than_256_characters_is_refused(people: UserPool) -> None:
    with raises(InvalidParameterError, field="filter"):
        people.list_users(filter='name = "' + "x" * 250 + '"')


# -- limit and pagination ---------------------------------------------------------------------


@pytest.mark.parametrize("limit", [61, -1, "10", None])
def test_limit_is_0_to_60(people: UserPool, limit: Any) -> None:
    with raises(InvalidParameterError, field="limit"):
        people.list_users(limit=limit)


def test_limit_zero_returns_an_empty_page(people: UserPool) -> None:
    page = people.list_users(limit=0)
    assert list(page) == [] and page.next_token is None


def test_the_default_limit_is_60(svc: Cognito) -> None:
    pool = svc.create_user_pool("many")
    for i in range(61):
        pool.admin_create_user(f"user{i:02d}", message_action="SUPPRESS", temporary_password=TEMP)
    page = pool.list_users()
    assert len(page) == 60 and page.next_token is not None
    rest = pool.list_users(pagination_token=page.next_token)
    assert [u.username for u in rest] == ["user60"] and rest.next_token is None


def _all_pages(pool: UserPool, **options: Any) -> list[str]:
    seen: list[str] = []
    page = pool.list_users(**options)
    while True:
        seen += [u.username for u in page]
        if page.next_token is None:
            return seen
        page = pool.list_users(pagination_token=page.next_token, **options)


def test_pages_cover_every_user_once(people: UserPool) -> None:
    assert _all_pages(people, limit=1) == ["Carl", "ann", "bob", "dora"]
    assert _all_pages(people, limit=3) == ["Carl", "ann", "bob", "dora"]


def test_filtered_pages_cover_every_match_once(people: UserPool) -> None:
    assert _all_pages(people, filter='family_name = "Lee"', limit=1) == ["Carl", "ann"]
    assert _all_pages(people, filter='email ^= ""', limit=2) == ["ann", "bob", "Carl", "dora"]


def test_paging_is_stable_when_users_arrive_before_the_cursor(people: UserPool) -> None:
    first = people.list_users(limit=2)
    people.admin_create_user("Aaron", message_action="SUPPRESS", temporary_password=TEMP)
    assert first.next_token is not None
    rest = people.list_users(limit=2, pagination_token=first.next_token)
    assert [u.username for u in first] + [u.username for u in rest] == [
        "Carl",
        "ann",
        "bob",
        "dora",
    ]


def test_a_page_token_belongs_to_its_filter(people: UserPool) -> None:
    page = people.list_users(limit=1, filter='family_name = "Lee"')
    assert page.next_token is not None
    with raises(InvalidParameterError, "Invalid pagination token.", field="pagination_token"):
        people.list_users(pagination_token=page.next_token, filter='family_name = "Stone"')
    with raises(InvalidParameterError, field="pagination_token"):
        people.list_users(pagination_token=page.next_token)


def test_a_page_token_belongs_to_its_pool(people: UserPool, svc: Cognito) -> None:
    page = people.list_users(limit=1)
    other = svc.create_user_pool("other")
    with raises(InvalidParameterError, field="pagination_token"):
        other.list_users(pagination_token=page.next_token)


def test_a_page_token_expires_after_an_hour(people: UserPool, clock: FrozenClock) -> None:
    page = people.list_users(limit=1)
    clock.advance(3600)
    assert people.list_users(limit=1, pagination_token=page.next_token)
    clock.advance(1)
    with raises(InvalidParameterError, "Pagination token expired.", field="pagination_token"):
        people.list_users(limit=1, pagination_token=page.next_token)


@pytest.mark.parametrize(
    "token",
    [
        "garbage!",
        "",
        5,
        _paging.encode({"k": "pools", "after": "x"}),
        _paging.encode({"k": "users", "pool": "x", "filter": None, "after": "x", "at": 0}),
    ],
)
def test_garbage_page_tokens_are_invalid_parameter(people: UserPool, token: Any) -> None:
    with raises(InvalidParameterError, field="pagination_token"):
        people.list_users(pagination_token=token)


def test_a_forged_position_in_a_page_token_is_refused(people: UserPool) -> None:
    page = people.list_users(limit=1)
    assert page.next_token is not None
    state = _paging.decode(page.next_token, "t", "users")
    for bad in ([1], "ann", [None, None, None], {"a": 1}):
        forged = _paging.encode({**state, "after": bad})
        with raises(InvalidParameterError, field="pagination_token"):
            people.list_users(limit=1, pagination_token=forged)
    with raises(InvalidParameterError, field="pagination_token"):
        people.list_users(limit=1, pagination_token=_paging.encode({**state, "at": "now"}))


# -- attributes to get ----------------------------------------------------------------------------


def test_attributes_to_get_limits_the_attributes_returned(people: UserPool) -> None:
    users = people.list_users(filter='username = "ann"', attributes_to_get=["email"])
    (ann,) = users
    assert dict(ann.attributes) == {"email": "Ann@Example.com", "sub": ann.sub}
    assert ann.status is UserStatus.FORCE_CHANGE_PASSWORD


def test_attributes_to_get_must_name_schema_attributes(people: UserPool) -> None:
    with raises(InvalidParameterError, field="attributes_to_get"):
        people.list_users(attributes_to_get=["favourite_colour"])
    with raises(InvalidParameterError, field="attributes_to_get"):
        people.list_users(attributes_to_get="email")


def test_email_username_pools_list_by_uuid_username(svc: Cognito) -> None:
    pool = svc.create_user_pool("p", username_attributes=["email"])
    user = pool.admin_create_user("ann@example.com", temporary_password=TEMP)
    assert _names(pool, f'username = "{user.username}"') == [user.username]
    assert _names(pool, 'username = "ann@example.com"') == []
    assert _names(pool, 'email = "ann@example.com"') == [user.username]


def test_page_is_a_sequence(people: UserPool) -> None:
    page = people.list_users(limit=2)
    assert len(page) == 2 and page[0].username == "Carl"

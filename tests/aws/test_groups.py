"""Groups through boto3: CreateGroup, GetGroup, UpdateGroup, DeleteGroup, ListGroups,
AdminAddUserToGroup, AdminRemoveUserFromGroup, AdminListGroupsForUser, ListUsersInGroup,
and the group claims of the tokens a sign-in returns."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.config import Config

from tests.aws.conftest import Aws
from tests.aws.helpers import REGION, START, at, aws_error
from tests.helpers import jwt_part

MISSING = f"{REGION}_AAAAAAAAA"
ADMIN_ROLE = "arn:aws:iam::123456789012:role/admin"
READER_ROLE = "arn:aws:iam::123456789012:role/reader"


def group(aws: Aws, name: str = "admins", **params: Any) -> dict[str, Any]:
    made: dict[str, Any] = aws.idp.create_group(UserPoolId=aws.pool_id, GroupName=name, **params)[
        "Group"
    ]
    return made


def unchecked(aws: Aws) -> Any:
    """A client that sends what botocore itself would refuse, as other SDKs may."""
    return boto3.client(
        "cognito-idp", region_name=REGION, config=Config(parameter_validation=False)
    )


def add(aws: Aws, username: str, name: str) -> None:
    aws.idp.admin_add_user_to_group(UserPoolId=aws.pool_id, Username=username, GroupName=name)


def group_names(answer: dict[str, Any]) -> list[str]:
    return [g["GroupName"] for g in answer["Groups"]]


def member_names(aws: Aws, name: str) -> list[str]:
    answer = aws.idp.list_users_in_group(UserPoolId=aws.pool_id, GroupName=name)
    return [u["Username"] for u in answer["Users"]]


# -- CreateGroup -----------------------------------------------------------------------


def test_create_group_answers_the_group_with_dates(aws: Aws) -> None:
    made = group(aws, Description="Administrators", RoleArn=ADMIN_ROLE, Precedence=1)
    assert made == {
        "GroupName": "admins",
        "UserPoolId": aws.pool_id,
        "Description": "Administrators",
        "RoleArn": ADMIN_ROLE,
        "Precedence": 1,
        "LastModifiedDate": at(START),
        "CreationDate": at(START),
    }


def test_create_group_with_a_taken_name_is_group_exists(aws: Aws) -> None:
    group(aws)
    with aws_error(
        aws.idp.exceptions.GroupExistsException, "A group with the name already exists."
    ):
        group(aws)


def test_create_group_in_an_unknown_pool_is_resource_not_found(aws: Aws) -> None:
    with aws_error(aws.idp.exceptions.ResourceNotFoundException):
        aws.idp.create_group(UserPoolId=MISSING, GroupName="admins")


@pytest.mark.parametrize(
    ("params", "message"),
    [
        (
            {"GroupName": "two words"},
            "1 validation error detected: Value 'two words' at 'groupName' failed to satisfy "
            "constraint: Member must satisfy regular expression pattern: "
            "[\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}]+",
        ),
        (
            {"Precedence": -1},
            "1 validation error detected: Value '-1' at 'precedence' failed to satisfy "
            "constraint: Member must have value greater than or equal to 0",
        ),
        ({"RoleArn": "not-a-role-arn-at-all"}, None),
        ({"Description": "d" * 2049}, None),
    ],
)
def test_create_group_refuses_bad_input_and_stores_nothing(
    aws: Aws, params: dict[str, Any], message: str | None
) -> None:
    given = {"GroupName": "admins", **params}
    with aws_error(aws.idp.exceptions.InvalidParameterException, message):
        unchecked(aws).create_group(UserPoolId=aws.pool_id, **given)
    assert aws.idp.list_groups(UserPoolId=aws.pool_id)["Groups"] == []


# -- GetGroup --------------------------------------------------------------------------


def test_get_group_answers_the_stored_group(aws: Aws) -> None:
    made = group(aws, Precedence=3)
    assert aws.idp.get_group(UserPoolId=aws.pool_id, GroupName="admins")["Group"] == made


def test_get_group_of_an_unknown_name_is_resource_not_found(aws: Aws) -> None:
    with aws_error(aws.idp.exceptions.ResourceNotFoundException, "Group not found."):
        aws.idp.get_group(UserPoolId=aws.pool_id, GroupName="nobody")


# -- UpdateGroup -----------------------------------------------------------------------


def test_update_group_changes_what_is_given(aws: Aws) -> None:
    group(aws, Description="old", RoleArn=ADMIN_ROLE, Precedence=5)
    aws.clock.advance(30)
    updated = aws.idp.update_group(UserPoolId=aws.pool_id, GroupName="admins", Precedence=0)[
        "Group"
    ]
    assert (updated["Description"], updated["RoleArn"], updated["Precedence"]) == (
        "old",
        ADMIN_ROLE,
        0,
    )
    assert updated["LastModifiedDate"] == at(START + 30)
    assert updated["CreationDate"] == at(START)


def test_update_group_of_an_unknown_name_is_resource_not_found(aws: Aws) -> None:
    with aws_error(aws.idp.exceptions.ResourceNotFoundException):
        aws.idp.update_group(UserPoolId=aws.pool_id, GroupName="nobody", Precedence=1)


def test_update_group_with_a_bad_role_changes_nothing(aws: Aws) -> None:
    made = group(aws, RoleArn=ADMIN_ROLE)
    with aws_error(aws.idp.exceptions.InvalidParameterException):
        aws.idp.update_group(UserPoolId=aws.pool_id, GroupName="admins", RoleArn="x" * 20)
    assert aws.idp.get_group(UserPoolId=aws.pool_id, GroupName="admins")["Group"] == made


# -- DeleteGroup -----------------------------------------------------------------------


def test_delete_group_removes_it_and_its_memberships(aws: Aws) -> None:
    aws.confirmed()
    group(aws)
    add(aws, "ann", "admins")
    aws.idp.delete_group(UserPoolId=aws.pool_id, GroupName="admins")
    with aws_error(aws.idp.exceptions.ResourceNotFoundException):
        aws.idp.get_group(UserPoolId=aws.pool_id, GroupName="admins")
    groups = aws.idp.admin_list_groups_for_user(UserPoolId=aws.pool_id, Username="ann")
    assert groups["Groups"] == []


def test_delete_group_of_an_unknown_name_is_resource_not_found(aws: Aws) -> None:
    with aws_error(aws.idp.exceptions.ResourceNotFoundException, "Group not found."):
        aws.idp.delete_group(UserPoolId=aws.pool_id, GroupName="nobody")


# -- ListGroups ------------------------------------------------------------------------


def test_list_groups_pages_with_limit_and_next_token(aws: Aws) -> None:
    for name in ("c", "a", "b"):
        group(aws, name)
    first = aws.idp.list_groups(UserPoolId=aws.pool_id, Limit=2)
    rest = aws.idp.list_groups(UserPoolId=aws.pool_id, Limit=2, NextToken=first["NextToken"])
    assert group_names(first) == ["a", "b"]
    assert group_names(rest) == ["c"] and "NextToken" not in rest


def test_list_groups_paginator_walks_every_page(aws: Aws) -> None:
    for i in range(5):
        group(aws, f"g{i}")
    pages = aws.idp.get_paginator("list_groups").paginate(
        UserPoolId=aws.pool_id, PaginationConfig={"PageSize": 2}
    )
    assert [name for page in pages for name in group_names(page)] == [f"g{i}" for i in range(5)]


def test_list_groups_with_a_limit_over_60_is_invalid_parameter(aws: Aws) -> None:
    with aws_error(aws.idp.exceptions.InvalidParameterException):
        aws.idp.list_groups(UserPoolId=aws.pool_id, Limit=61)


def test_list_groups_of_an_unknown_pool_is_resource_not_found(aws: Aws) -> None:
    with aws_error(aws.idp.exceptions.ResourceNotFoundException):
        aws.idp.list_groups(UserPoolId=MISSING)


# -- AdminAddUserToGroup / AdminRemoveUserFromGroup --------------------------------------


def test_admin_add_user_to_group_makes_a_member(aws: Aws) -> None:
    aws.confirmed()
    group(aws)
    add(aws, "ann", "admins")
    add(aws, "ann", "admins")
    assert member_names(aws, "admins") == ["ann"]


def test_admin_add_user_to_group_of_an_unknown_user_is_user_not_found(aws: Aws) -> None:
    group(aws)
    with aws_error(aws.idp.exceptions.UserNotFoundException, "User does not exist."):
        add(aws, "ghost", "admins")


def test_admin_add_user_to_group_of_an_unknown_group_is_resource_not_found(aws: Aws) -> None:
    aws.confirmed()
    with aws_error(aws.idp.exceptions.ResourceNotFoundException, "Group not found."):
        add(aws, "ann", "nobody")


def test_admin_remove_user_from_group_ends_the_membership(aws: Aws) -> None:
    aws.confirmed()
    group(aws)
    add(aws, "ann", "admins")
    aws.idp.admin_remove_user_from_group(UserPoolId=aws.pool_id, Username="ann", GroupName="admins")
    assert member_names(aws, "admins") == []


def test_admin_remove_user_from_group_of_an_unknown_user_is_user_not_found(aws: Aws) -> None:
    group(aws)
    with aws_error(aws.idp.exceptions.UserNotFoundException):
        aws.idp.admin_remove_user_from_group(
            UserPoolId=aws.pool_id, Username="ghost", GroupName="admins"
        )


def test_admin_remove_user_from_group_of_an_unknown_group_is_resource_not_found(aws: Aws) -> None:
    aws.confirmed()
    with aws_error(aws.idp.exceptions.ResourceNotFoundException):
        aws.idp.admin_remove_user_from_group(
            UserPoolId=aws.pool_id, Username="ann", GroupName="nobody"
        )


# -- AdminListGroupsForUser / ListUsersInGroup -------------------------------------------


def test_admin_list_groups_for_user_answers_group_types(aws: Aws) -> None:
    aws.confirmed()
    made = group(aws, Precedence=2)
    add(aws, "ann", "admins")
    answer = aws.idp.admin_list_groups_for_user(UserPoolId=aws.pool_id, Username="ann")
    assert answer["Groups"] == [made]


def test_admin_list_groups_for_user_paginator_walks_every_page(aws: Aws) -> None:
    aws.confirmed()
    for i in range(5):
        group(aws, f"g{i}")
        add(aws, "ann", f"g{i}")
    pages = aws.idp.get_paginator("admin_list_groups_for_user").paginate(
        UserPoolId=aws.pool_id, Username="ann", PaginationConfig={"PageSize": 2}
    )
    assert [n for page in pages for n in group_names(page)] == [f"g{i}" for i in range(5)]


def test_admin_list_groups_for_user_of_an_unknown_user_is_user_not_found(aws: Aws) -> None:
    with aws_error(aws.idp.exceptions.UserNotFoundException):
        aws.idp.admin_list_groups_for_user(UserPoolId=aws.pool_id, Username="ghost")


def test_list_users_in_group_answers_user_types(aws: Aws) -> None:
    aws.confirmed()
    group(aws)
    add(aws, "ann", "admins")
    [user] = aws.idp.list_users_in_group(UserPoolId=aws.pool_id, GroupName="admins")["Users"]
    assert user["Username"] == "ann"
    assert user["UserStatus"] == "CONFIRMED" and user["Enabled"] is True
    assert {"Name": "email", "Value": "ann@example.com"} in user["Attributes"]


def test_list_users_in_group_paginator_walks_every_page(aws: Aws) -> None:
    group(aws)
    for name in ("eve", "cy", "ann", "dan", "bob"):
        aws.invited(name)
        add(aws, name, "admins")
    pages = aws.idp.get_paginator("list_users_in_group").paginate(
        UserPoolId=aws.pool_id, GroupName="admins", PaginationConfig={"PageSize": 2}
    )
    assert [u["Username"] for page in pages for u in page["Users"]] == [
        "ann",
        "bob",
        "cy",
        "dan",
        "eve",
    ]


def test_list_users_in_group_of_an_unknown_group_is_resource_not_found(aws: Aws) -> None:
    with aws_error(aws.idp.exceptions.ResourceNotFoundException):
        aws.idp.list_users_in_group(UserPoolId=aws.pool_id, GroupName="nobody")


# -- tokens --------------------------------------------------------------------------------


def test_tokens_carry_groups_roles_and_the_preferred_role(aws: Aws) -> None:
    aws.confirmed()
    group(aws, "admins", RoleArn=ADMIN_ROLE, Precedence=1)
    group(aws, "readers", RoleArn=READER_ROLE, Precedence=2)
    add(aws, "ann", "readers")
    add(aws, "ann", "admins")
    result = aws.sign_in()
    id_claims = jwt_part(result["IdToken"], 1)
    access = jwt_part(result["AccessToken"], 1)
    assert id_claims["cognito:groups"] == access["cognito:groups"] == ["admins", "readers"]
    assert id_claims["cognito:roles"] == [ADMIN_ROLE, READER_ROLE]
    assert id_claims["cognito:preferred_role"] == ADMIN_ROLE


def test_tokens_refreshed_after_a_membership_change_show_it(aws: Aws) -> None:
    aws.confirmed()
    group(aws)
    first = aws.sign_in()
    assert "cognito:groups" not in jwt_part(first["AccessToken"], 1)
    add(aws, "ann", "admins")
    again = aws.idp.initiate_auth(
        ClientId=aws.client_id,
        AuthFlow="REFRESH_TOKEN_AUTH",
        AuthParameters={"REFRESH_TOKEN": first["RefreshToken"]},
    )["AuthenticationResult"]
    assert jwt_part(again["AccessToken"], 1)["cognito:groups"] == ["admins"]

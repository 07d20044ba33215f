"""Users as an administrator sees them, through boto3: AdminCreateUser, AdminGetUser,
AdminDeleteUser, AdminEnableUser, AdminDisableUser, AdminConfirmSignUp,
AdminUpdateUserAttributes, AdminUserGlobalSignOut, ListUsers."""

from __future__ import annotations

import datetime as _dt
from typing import Any

import pytest

from tests.aws.conftest import Aws
from tests.aws.helpers import REGION, START, at, aws_error

MISSING_POOL = f"{REGION}_AAAAAAAAA"
TEMPORARY = "Temporary-pass-1"


def attributes(items: list[dict[str, str]]) -> dict[str, str]:
    return {item["Name"]: item["Value"] for item in items}


def create_user(aws: Aws, username: str = "bob", **params: Any) -> dict[str, Any]:
    params.setdefault("MessageAction", "SUPPRESS")
    user: dict[str, Any] = aws.idp.admin_create_user(
        UserPoolId=aws.pool_id, Username=username, **params
    )["User"]
    return user


def get(aws: Aws, username: str = "ann") -> dict[str, Any]:
    user: dict[str, Any] = aws.idp.admin_get_user(UserPoolId=aws.pool_id, Username=username)
    return user


# -- AdminCreateUser -------------------------------------------------------------------


def test_admin_create_user_answers_a_user_type(aws: Aws) -> None:
    user = create_user(aws, UserAttributes=[{"Name": "email", "Value": "bob@example.com"}])
    assert set(user) == {
        "Username",
        "Attributes",
        "UserCreateDate",
        "UserLastModifiedDate",
        "Enabled",
        "UserStatus",
    }
    assert user["Username"] == "bob"
    assert user["UserStatus"] == "FORCE_CHANGE_PASSWORD"
    assert user["Enabled"] is True
    assert user["UserCreateDate"] == at(START)
    assert attributes(user["Attributes"])["email"] == "bob@example.com"


def test_admin_create_user_sends_the_temporary_password_by_email(aws: Aws) -> None:
    aws.idp.admin_create_user(
        UserPoolId=aws.pool_id,
        Username="bob",
        UserAttributes=[{"Name": "email", "Value": "bob@example.com"}],
        TemporaryPassword=TEMPORARY,
        DesiredDeliveryMediums=["EMAIL"],
    )
    assert aws.svc.outbox.last(to="bob@example.com").temporary_password == TEMPORARY


def test_admin_create_user_suppressed_sends_nothing(aws: Aws) -> None:
    create_user(aws, UserAttributes=[{"Name": "email", "Value": "bob@example.com"}])
    assert len(aws.svc.outbox) == 0


def test_admin_create_user_may_verify_the_email_directly(aws: Aws) -> None:
    create_user(
        aws,
        UserAttributes=[
            {"Name": "email", "Value": "bob@example.com"},
            {"Name": "email_verified", "Value": "true"},
        ],
    )
    assert attributes(get(aws, "bob")["UserAttributes"])["email_verified"] == "true"


def test_admin_create_user_with_a_taken_username_is_username_exists(aws: Aws) -> None:
    create_user(aws)
    with aws_error(aws.idp.exceptions.UsernameExistsException, "User already exists"):
        create_user(aws)


def test_admin_create_user_resend_reinvites_an_invited_user(aws: Aws) -> None:
    aws.idp.admin_create_user(
        UserPoolId=aws.pool_id,
        Username="bob",
        UserAttributes=[{"Name": "email", "Value": "bob@example.com"}],
        DesiredDeliveryMediums=["EMAIL"],
    )
    first = aws.svc.outbox.last(to="bob@example.com").temporary_password
    aws.idp.admin_create_user(
        UserPoolId=aws.pool_id,
        Username="bob",
        MessageAction="RESEND",
        DesiredDeliveryMediums=["EMAIL"],
    )
    second = aws.svc.outbox.last(to="bob@example.com").temporary_password
    assert second is not None and second != first


def test_admin_create_user_resend_to_a_confirmed_user_is_unsupported_user_state(
    aws: Aws,
) -> None:
    aws.confirmed()
    with aws_error(aws.idp.exceptions.UnsupportedUserStateException):
        aws.idp.admin_create_user(UserPoolId=aws.pool_id, Username="ann", MessageAction="RESEND")


def test_admin_create_user_resend_to_an_unknown_user_is_user_not_found(aws: Aws) -> None:
    with aws_error(aws.idp.exceptions.UserNotFoundException):
        aws.idp.admin_create_user(UserPoolId=aws.pool_id, Username="nobody", MessageAction="RESEND")


def test_admin_create_user_with_a_weak_temporary_password_is_invalid_password(
    aws: Aws,
) -> None:
    with aws_error(aws.idp.exceptions.InvalidPasswordException):
        create_user(aws, TemporaryPassword="weakweak")


def test_admin_create_user_with_an_unknown_delivery_medium_is_invalid_parameter(
    aws: Aws,
) -> None:
    with aws_error(aws.idp.exceptions.InvalidParameterException) as info:
        create_user(aws, DesiredDeliveryMediums=["PIGEON"])
    assert info.value.response["Error"]["Message"] == (
        "1 validation error detected: Value '[PIGEON]' at 'desiredDeliveryMediums' failed to "
        "satisfy constraint: Member must satisfy constraint: [Member must satisfy enum value "
        "set: [SMS, EMAIL]]"
    )


def test_admin_create_user_never_echoes_an_attribute_value(aws: Aws) -> None:
    with aws_error(aws.idp.exceptions.InvalidParameterException) as info:
        create_user(aws, UserAttributes=[{"Name": "name", "Value": "private-" * 300}])
    message = info.value.response["Error"]["Message"]
    assert "private-" not in message
    assert "userAttributes.1.member.value" in message


def test_admin_create_user_in_an_unknown_pool_is_resource_not_found(aws: Aws) -> None:
    with aws_error(
        aws.idp.exceptions.ResourceNotFoundException, f"User pool {MISSING_POOL} does not exist."
    ):
        aws.idp.admin_create_user(UserPoolId=MISSING_POOL, Username="bob")


# -- AdminGetUser ----------------------------------------------------------------------


def test_admin_get_user_answers_the_user(aws: Aws) -> None:
    aws.sign_up()
    user = get(aws)
    assert set(user) == {
        "Username",
        "UserAttributes",
        "UserCreateDate",
        "UserLastModifiedDate",
        "Enabled",
        "UserStatus",
        "ResponseMetadata",
    }
    assert user["Username"] == "ann"
    assert user["UserStatus"] == "UNCONFIRMED"
    assert user["Enabled"] is True
    assert isinstance(user["UserCreateDate"], _dt.datetime)
    assert user["UserCreateDate"] == at(START)
    got = attributes(user["UserAttributes"])
    assert got["email"] == "ann@example.com"
    assert got["sub"] == aws.svc.user_pool(aws.pool_id).admin_get_user("ann").sub
    assert got.get("email_verified") != "true"


def test_admin_get_user_reports_the_last_change(aws: Aws) -> None:
    aws.sign_up()
    aws.clock.advance(90)
    aws.idp.admin_confirm_sign_up(UserPoolId=aws.pool_id, Username="ann")
    user = get(aws)
    assert user["UserLastModifiedDate"] == at(START + 90)
    assert user["UserCreateDate"] == at(START)


def test_admin_get_user_finds_the_user_by_sub(aws: Aws) -> None:
    sub = aws.sign_up()["UserSub"]
    assert get(aws, sub)["Username"] == "ann"


def test_admin_get_user_of_an_unknown_user_is_user_not_found(aws: Aws) -> None:
    with aws_error(aws.idp.exceptions.UserNotFoundException, "User does not exist."):
        get(aws, "nobody")


def test_admin_get_user_in_an_unknown_pool_is_resource_not_found(aws: Aws) -> None:
    with aws_error(aws.idp.exceptions.ResourceNotFoundException):
        aws.idp.admin_get_user(UserPoolId=MISSING_POOL, Username="ann")


# -- AdminDeleteUser -------------------------------------------------------------------


def test_admin_delete_user_removes_the_user(aws: Aws) -> None:
    aws.sign_up()
    answer = aws.idp.admin_delete_user(UserPoolId=aws.pool_id, Username="ann")
    assert set(answer) == {"ResponseMetadata"}
    with aws_error(aws.idp.exceptions.UserNotFoundException):
        get(aws)


def test_admin_delete_user_frees_the_username(aws: Aws) -> None:
    aws.sign_up()
    aws.idp.admin_delete_user(UserPoolId=aws.pool_id, Username="ann")
    assert aws.sign_up()["UserConfirmed"] is False


def test_admin_delete_user_of_an_unknown_user_is_user_not_found(aws: Aws) -> None:
    with aws_error(aws.idp.exceptions.UserNotFoundException, "User does not exist."):
        aws.idp.admin_delete_user(UserPoolId=aws.pool_id, Username="nobody")


# -- AdminDisableUser / AdminEnableUser ------------------------------------------------


def test_admin_disable_user_marks_the_user_disabled(aws: Aws) -> None:
    aws.confirmed()
    answer = aws.idp.admin_disable_user(UserPoolId=aws.pool_id, Username="ann")
    assert set(answer) == {"ResponseMetadata"}
    assert get(aws)["Enabled"] is False


def test_admin_disable_user_stops_refresh(aws: Aws) -> None:
    token = aws.session()["RefreshToken"]
    aws.idp.admin_disable_user(UserPoolId=aws.pool_id, Username="ann")
    with aws_error(aws.idp.exceptions.NotAuthorizedException, "User is disabled."):
        aws.idp.initiate_auth(
            ClientId=aws.client_id,
            AuthFlow="REFRESH_TOKEN_AUTH",
            AuthParameters={"REFRESH_TOKEN": token},
        )


def test_admin_enable_user_lets_the_user_sign_in_again(aws: Aws) -> None:
    aws.confirmed()
    aws.idp.admin_disable_user(UserPoolId=aws.pool_id, Username="ann")
    answer = aws.idp.admin_enable_user(UserPoolId=aws.pool_id, Username="ann")
    assert set(answer) == {"ResponseMetadata"}
    assert get(aws)["Enabled"] is True
    assert "AccessToken" in aws.sign_in()


def test_admin_enable_user_of_an_enabled_user_changes_nothing(aws: Aws) -> None:
    aws.confirmed()
    before = get(aws)
    aws.clock.advance(60)
    aws.idp.admin_enable_user(UserPoolId=aws.pool_id, Username="ann")
    after = get(aws)
    assert after["Enabled"] is True
    assert after["UserLastModifiedDate"] == before["UserLastModifiedDate"]


def test_admin_enable_user_in_an_unknown_pool_is_resource_not_found(aws: Aws) -> None:
    with aws_error(aws.idp.exceptions.ResourceNotFoundException):
        aws.idp.admin_enable_user(UserPoolId=MISSING_POOL, Username="ann")


@pytest.mark.parametrize("operation", ["admin_disable_user", "admin_enable_user"])
def test_admin_enable_and_disable_of_an_unknown_user_are_user_not_found(
    aws: Aws, operation: str
) -> None:
    with aws_error(aws.idp.exceptions.UserNotFoundException, "User does not exist."):
        getattr(aws.idp, operation)(UserPoolId=aws.pool_id, Username="nobody")


# -- AdminConfirmSignUp ----------------------------------------------------------------


def test_admin_confirm_sign_up_confirms_without_a_code(aws: Aws) -> None:
    aws.sign_up()
    answer = aws.idp.admin_confirm_sign_up(UserPoolId=aws.pool_id, Username="ann")
    assert set(answer) == {"ResponseMetadata"}
    user = get(aws)
    assert user["UserStatus"] == "CONFIRMED"
    # Confirming without a code verifies nothing.
    assert attributes(user["UserAttributes"]).get("email_verified") != "true"


def test_admin_confirm_sign_up_of_a_confirmed_user_is_not_authorized(aws: Aws) -> None:
    aws.confirmed()
    with aws_error(
        aws.idp.exceptions.NotAuthorizedException,
        "User cannot be confirmed. Current status is CONFIRMED",
    ):
        aws.idp.admin_confirm_sign_up(UserPoolId=aws.pool_id, Username="ann")


def test_admin_confirm_sign_up_of_an_unknown_user_is_user_not_found(aws: Aws) -> None:
    with aws_error(aws.idp.exceptions.UserNotFoundException):
        aws.idp.admin_confirm_sign_up(UserPoolId=aws.pool_id, Username="nobody")


# -- AdminUpdateUserAttributes ---------------------------------------------------------


def test_admin_update_user_attributes_changes_attributes(aws: Aws) -> None:
    aws.confirmed()
    answer = aws.idp.admin_update_user_attributes(
        UserPoolId=aws.pool_id,
        Username="ann",
        UserAttributes=[{"Name": "name", "Value": "Ann"}],
    )
    assert set(answer) == {"ResponseMetadata"}
    assert attributes(get(aws)["UserAttributes"])["name"] == "Ann"


def test_admin_update_user_attributes_of_the_email_unverifies_it(aws: Aws) -> None:
    aws.confirmed()
    aws.idp.admin_update_user_attributes(
        UserPoolId=aws.pool_id,
        Username="ann",
        UserAttributes=[{"Name": "email", "Value": "new@example.com"}],
    )
    assert attributes(get(aws)["UserAttributes"])["email_verified"] == "false"


def test_admin_update_user_attributes_may_set_the_verified_flag(aws: Aws) -> None:
    aws.sign_up()
    aws.idp.admin_update_user_attributes(
        UserPoolId=aws.pool_id,
        Username="ann",
        UserAttributes=[{"Name": "email_verified", "Value": "true"}],
    )
    assert attributes(get(aws)["UserAttributes"])["email_verified"] == "true"


def test_admin_update_user_attributes_of_sub_is_invalid_parameter(aws: Aws) -> None:
    aws.sign_up()
    with aws_error(aws.idp.exceptions.InvalidParameterException):
        aws.idp.admin_update_user_attributes(
            UserPoolId=aws.pool_id, Username="ann", UserAttributes=[{"Name": "sub", "Value": "x"}]
        )


def test_admin_update_user_attributes_of_an_unknown_user_is_user_not_found(aws: Aws) -> None:
    with aws_error(aws.idp.exceptions.UserNotFoundException):
        aws.idp.admin_update_user_attributes(
            UserPoolId=aws.pool_id,
            Username="nobody",
            UserAttributes=[{"Name": "name", "Value": "x"}],
        )


def test_admin_update_user_attributes_to_a_taken_alias_is_alias_exists(aws: Aws) -> None:
    pool_id = aws.idp.create_user_pool(PoolName="alias", AliasAttributes=["email"])["UserPool"][
        "Id"
    ]
    for name in ("ann", "bob"):
        aws.idp.admin_create_user(
            UserPoolId=pool_id,
            Username=name,
            MessageAction="SUPPRESS",
            UserAttributes=[
                {"Name": "email", "Value": f"{name}@example.com"},
                {"Name": "email_verified", "Value": "true"},
            ],
        )
    with aws_error(aws.idp.exceptions.AliasExistsException):
        aws.idp.admin_update_user_attributes(
            UserPoolId=pool_id,
            Username="bob",
            UserAttributes=[
                {"Name": "email", "Value": "ann@example.com"},
                {"Name": "email_verified", "Value": "true"},
            ],
        )


# -- AdminUserGlobalSignOut ------------------------------------------------------------


def test_admin_user_global_sign_out_revokes_refresh_tokens(aws: Aws) -> None:
    token = aws.session()["RefreshToken"]
    answer = aws.idp.admin_user_global_sign_out(UserPoolId=aws.pool_id, Username="ann")
    assert set(answer) == {"ResponseMetadata"}
    with aws_error(aws.idp.exceptions.NotAuthorizedException, "Refresh Token has been revoked"):
        aws.idp.initiate_auth(
            ClientId=aws.client_id,
            AuthFlow="REFRESH_TOKEN_AUTH",
            AuthParameters={"REFRESH_TOKEN": token},
        )


def test_admin_user_global_sign_out_stops_access_tokens(aws: Aws) -> None:
    token = aws.access_token()
    aws.clock.advance(1)
    aws.idp.admin_user_global_sign_out(UserPoolId=aws.pool_id, Username="ann")
    with aws_error(aws.idp.exceptions.NotAuthorizedException, "Access Token has been revoked"):
        aws.idp.get_user(AccessToken=token)


def test_admin_user_global_sign_out_of_an_unknown_user_is_user_not_found(aws: Aws) -> None:
    with aws_error(aws.idp.exceptions.UserNotFoundException):
        aws.idp.admin_user_global_sign_out(UserPoolId=aws.pool_id, Username="nobody")


# -- ListUsers -------------------------------------------------------------------------


def test_list_users_answers_user_types(aws: Aws) -> None:
    aws.sign_up()
    listed = aws.idp.list_users(UserPoolId=aws.pool_id)
    assert "PaginationToken" not in listed
    [user] = listed["Users"]
    assert set(user) == {
        "Username",
        "Attributes",
        "UserCreateDate",
        "UserLastModifiedDate",
        "Enabled",
        "UserStatus",
    }
    assert user["UserStatus"] == "UNCONFIRMED"
    assert user["UserCreateDate"] == at(START)


def test_list_users_of_an_empty_pool_answers_no_users(aws: Aws) -> None:
    assert aws.idp.list_users(UserPoolId=aws.pool_id)["Users"] == []


def test_list_users_filters_by_email_prefix(aws: Aws) -> None:
    aws.sign_up("ann", "ann@example.com")
    aws.sign_up("bob", "bob@example.com")
    listed = aws.idp.list_users(UserPoolId=aws.pool_id, Filter='email ^= "bo"')
    assert [u["Username"] for u in listed["Users"]] == ["bob"]


def test_list_users_filters_by_status(aws: Aws) -> None:
    aws.confirmed("ann", "ann@example.com")
    aws.sign_up("bob", "bob@example.com")
    listed = aws.idp.list_users(
        UserPoolId=aws.pool_id, Filter='cognito:user_status = "UNCONFIRMED"'
    )
    assert [u["Username"] for u in listed["Users"]] == ["bob"]


def test_list_users_pages_with_pagination_token(aws: Aws) -> None:
    for name in ("ann", "bob", "cat"):
        aws.sign_up(name, f"{name}@example.com")
    first = aws.idp.list_users(UserPoolId=aws.pool_id, Limit=2)
    second = aws.idp.list_users(
        UserPoolId=aws.pool_id, Limit=2, PaginationToken=first["PaginationToken"]
    )
    assert "PaginationToken" not in second
    names = [u["Username"] for u in first["Users"] + second["Users"]]
    assert sorted(names) == ["ann", "bob", "cat"]


def test_list_users_paginator_walks_every_page(aws: Aws) -> None:
    for name in ("ann", "bob", "cat", "dan", "eve"):
        aws.sign_up(name, f"{name}@example.com")
    pages = aws.idp.get_paginator("list_users").paginate(
        UserPoolId=aws.pool_id, PaginationConfig={"PageSize": 2}
    )
    assert sorted(u["Username"] for page in pages for u in page["Users"]) == [
        "ann",
        "bob",
        "cat",
        "dan",
        "eve",
    ]


def test_list_users_answers_only_the_attributes_asked_for(aws: Aws) -> None:
    aws.sign_up()
    [user] = aws.idp.list_users(UserPoolId=aws.pool_id, AttributesToGet=["email"])["Users"]
    assert set(attributes(user["Attributes"])) <= {"email", "sub"}
    assert attributes(user["Attributes"])["email"] == "ann@example.com"


def test_list_users_with_a_custom_attribute_filter_is_invalid_parameter(aws: Aws) -> None:
    with aws_error(aws.idp.exceptions.InvalidParameterException):
        aws.idp.list_users(UserPoolId=aws.pool_id, Filter='custom:tier = "1"')


def test_list_users_with_a_malformed_filter_is_invalid_parameter(aws: Aws) -> None:
    with aws_error(aws.idp.exceptions.InvalidParameterException):
        aws.idp.list_users(UserPoolId=aws.pool_id, Filter="email is ann")


def test_list_users_with_more_than_60_is_invalid_parameter(aws: Aws) -> None:
    with aws_error(
        aws.idp.exceptions.InvalidParameterException,
        "1 validation error detected: Value '61' at 'limit' failed to satisfy constraint: "
        "Member must have value less than or equal to 60",
    ):
        aws.idp.list_users(UserPoolId=aws.pool_id, Limit=61)


def test_list_users_with_a_foreign_pagination_token_is_invalid_parameter(aws: Aws) -> None:
    with aws_error(aws.idp.exceptions.InvalidParameterException):
        aws.idp.list_users(UserPoolId=aws.pool_id, PaginationToken="bm90LWEtdG9rZW4=")


def test_list_users_in_an_unknown_pool_is_resource_not_found(aws: Aws) -> None:
    with aws_error(aws.idp.exceptions.ResourceNotFoundException):
        aws.idp.list_users(UserPoolId=MISSING_POOL)

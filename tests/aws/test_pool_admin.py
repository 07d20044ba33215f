"""AddCustomAttributes, GetCSVHeader, (Admin)DeleteUserAttributes, AdminResetUserPassword and
the tagging operations through boto3."""

from __future__ import annotations

from typing import Any

import pytest

from tests.aws.conftest import Aws
from tests.aws.helpers import PASSWORD


def attributes(aws: Aws, username: str = "ann") -> dict[str, str]:
    user = aws.idp.admin_get_user(UserPoolId=aws.pool_id, Username=username)
    return {a["Name"]: a["Value"] for a in user["UserAttributes"]}


def test_add_custom_attributes_shows_them_in_the_schema(aws: Aws) -> None:
    aws.idp.add_custom_attributes(
        UserPoolId=aws.pool_id,
        CustomAttributes=[
            {
                "Name": "plan",
                "AttributeDataType": "String",
                "StringAttributeConstraints": {"MaxLength": "10"},
            }
        ],
    )
    schema = aws.idp.describe_user_pool(UserPoolId=aws.pool_id)["UserPool"]["SchemaAttributes"]
    plan = next(a for a in schema if a["Name"] == "custom:plan")
    assert plan["StringAttributeConstraints"]["MaxLength"] == "10"


def test_add_custom_attributes_refuses_an_existing_name(aws: Aws) -> None:
    spec = [{"Name": "plan", "AttributeDataType": "String"}]
    aws.idp.add_custom_attributes(UserPoolId=aws.pool_id, CustomAttributes=spec)
    with pytest.raises(aws.idp.exceptions.InvalidParameterException):
        aws.idp.add_custom_attributes(UserPoolId=aws.pool_id, CustomAttributes=spec)


def test_add_custom_attributes_of_an_unknown_pool(aws: Aws) -> None:
    with pytest.raises(aws.idp.exceptions.ResourceNotFoundException):
        aws.idp.add_custom_attributes(
            UserPoolId="us-east-1_AAAAAAAAA",
            CustomAttributes=[{"Name": "plan", "AttributeDataType": "String"}],
        )


def test_get_csv_header_ends_with_cognitos_columns(aws: Aws) -> None:
    answer = aws.idp.get_csv_header(UserPoolId=aws.pool_id)
    assert answer["UserPoolId"] == aws.pool_id
    assert answer["CSVHeader"][-2:] == ["cognito:mfa_enabled", "cognito:username"]


def test_get_csv_header_of_an_unknown_pool(aws: Aws) -> None:
    with pytest.raises(aws.idp.exceptions.ResourceNotFoundException):
        aws.idp.get_csv_header(UserPoolId="us-east-1_AAAAAAAAA")


def test_admin_delete_user_attributes_removes_them(aws: Aws) -> None:
    aws.confirmed()
    aws.idp.admin_update_user_attributes(
        UserPoolId=aws.pool_id, Username="ann", UserAttributes=[{"Name": "name", "Value": "Ann"}]
    )
    aws.idp.admin_delete_user_attributes(
        UserPoolId=aws.pool_id, Username="ann", UserAttributeNames=["name"]
    )
    assert "name" not in attributes(aws)


def test_admin_delete_user_attributes_of_an_unknown_user(aws: Aws) -> None:
    with pytest.raises(aws.idp.exceptions.UserNotFoundException):
        aws.idp.admin_delete_user_attributes(
            UserPoolId=aws.pool_id, Username="ghost", UserAttributeNames=["name"]
        )


def test_admin_delete_user_attributes_refuses_sub(aws: Aws) -> None:
    aws.confirmed()
    with pytest.raises(aws.idp.exceptions.InvalidParameterException):
        aws.idp.admin_delete_user_attributes(
            UserPoolId=aws.pool_id, Username="ann", UserAttributeNames=["sub"]
        )


def test_delete_user_attributes_with_an_access_token(aws: Aws) -> None:
    token = aws.access_token()
    aws.idp.update_user_attributes(
        AccessToken=token, UserAttributes=[{"Name": "name", "Value": "Ann"}]
    )
    aws.idp.delete_user_attributes(AccessToken=token, UserAttributeNames=["name"])
    assert "name" not in attributes(aws)


def test_delete_user_attributes_with_a_bad_token(aws: Aws) -> None:
    with pytest.raises(aws.idp.exceptions.NotAuthorizedException):
        aws.idp.delete_user_attributes(AccessToken="a.b.c", UserAttributeNames=["name"])


def test_admin_reset_user_password_forces_a_reset(aws: Aws) -> None:
    aws.confirmed()
    aws.idp.admin_reset_user_password(UserPoolId=aws.pool_id, Username="ann")
    user = aws.idp.admin_get_user(UserPoolId=aws.pool_id, Username="ann")
    assert user["UserStatus"] == "RESET_REQUIRED"
    with pytest.raises(aws.idp.exceptions.PasswordResetRequiredException):
        aws.sign_in()
    aws.idp.confirm_forgot_password(
        ClientId=aws.client_id,
        Username="ann",
        ConfirmationCode=aws.code(),
        Password="Another-pass-2",
    )
    assert aws.sign_in(password="Another-pass-2")["AccessToken"]


def test_admin_reset_user_password_of_an_unknown_user(aws: Aws) -> None:
    with pytest.raises(aws.idp.exceptions.UserNotFoundException):
        aws.idp.admin_reset_user_password(UserPoolId=aws.pool_id, Username="ghost")


def test_admin_reset_user_password_without_a_verified_channel(aws: Aws) -> None:
    aws.invited()
    with pytest.raises(aws.idp.exceptions.InvalidParameterException):
        aws.idp.admin_reset_user_password(UserPoolId=aws.pool_id, Username="bob")


def arn(aws: Aws) -> str:
    value: str = aws.idp.describe_user_pool(UserPoolId=aws.pool_id)["UserPool"]["Arn"]
    return value


def test_tag_resource_adds_tags(aws: Aws) -> None:
    aws.idp.tag_resource(ResourceArn=arn(aws), Tags={"team": "auth"})
    assert aws.idp.list_tags_for_resource(ResourceArn=arn(aws))["Tags"] == {"team": "auth"}


def test_tag_resource_of_an_unknown_pool(aws: Aws) -> None:
    with pytest.raises(aws.idp.exceptions.ResourceNotFoundException):
        aws.idp.tag_resource(
            ResourceArn="arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_AAAAAAAAA",
            Tags={"team": "auth"},
        )


def test_untag_resource_removes_tags(aws: Aws) -> None:
    aws.idp.tag_resource(ResourceArn=arn(aws), Tags={"team": "auth", "env": "dev"})
    aws.idp.untag_resource(ResourceArn=arn(aws), TagKeys=["team"])
    assert aws.idp.list_tags_for_resource(ResourceArn=arn(aws))["Tags"] == {"env": "dev"}


def test_untag_resource_of_another_service(aws: Aws) -> None:
    with pytest.raises(aws.idp.exceptions.ResourceNotFoundException):
        aws.idp.untag_resource(
            ResourceArn="arn:aws:sns:us-east-1:123456789012:topic", TagKeys=["team"]
        )


def test_list_tags_for_resource_starts_with_the_pool_tags(aws: Aws, idp: Any) -> None:
    made = idp.create_user_pool(PoolName="tagged", UserPoolTags={"a": "1"})["UserPool"]
    assert idp.list_tags_for_resource(ResourceArn=made["Arn"])["Tags"] == {"a": "1"}


def test_list_tags_for_resource_needs_the_pools_own_account(aws: Aws) -> None:
    other = arn(aws).replace(":123456789012:", ":999999999999:")
    with pytest.raises(aws.idp.exceptions.ResourceNotFoundException):
        aws.idp.list_tags_for_resource(ResourceArn=other)


def test_create_user_pool_keeps_email_configuration(aws: Aws, idp: Any) -> None:
    made = idp.create_user_pool(
        PoolName="ses",
        EmailConfiguration={
            "EmailSendingAccount": "DEVELOPER",
            "SourceArn": "arn:aws:ses:us-east-1:123456789012:identity/no-reply@example.com",
        },
    )["UserPool"]
    assert made["EmailConfiguration"]["EmailSendingAccount"] == "DEVELOPER"
    assert PASSWORD

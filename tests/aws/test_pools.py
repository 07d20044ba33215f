"""User pools through boto3: CreateUserPool, DescribeUserPool, UpdateUserPool,
DeleteUserPool, ListUserPools."""

from __future__ import annotations

import datetime as _dt
from typing import Any

import pytest

from cogkit import Cognito
from tests.aws.conftest import Aws
from tests.aws.helpers import ACCOUNT, REGION, START, at, aws_error

MISSING = f"{REGION}_AAAAAAAAA"


def create(idp: Any, **params: Any) -> dict[str, Any]:
    params.setdefault("PoolName", "app")
    pool: dict[str, Any] = idp.create_user_pool(**params)["UserPool"]
    return pool


# -- CreateUserPool --------------------------------------------------------------------


def test_create_user_pool_id_starts_with_the_region(idp: Any) -> None:
    pool = create(idp)
    prefix, _, suffix = pool["Id"].partition("_")
    assert prefix == REGION
    assert len(suffix) == 9 and suffix.isalnum()


def test_create_user_pool_answers_arn_with_the_account(idp: Any) -> None:
    pool = create(idp)
    assert pool["Arn"] == f"arn:aws:cognito-idp:{REGION}:{ACCOUNT}:userpool/{pool['Id']}"


def test_create_user_pool_dates_are_datetimes_of_the_clock(idp: Any) -> None:
    pool = create(idp)
    assert isinstance(pool["CreationDate"], _dt.datetime)
    assert pool["CreationDate"] == at(START)
    assert pool["LastModifiedDate"] == at(START)


def test_create_user_pool_reports_default_settings(idp: Any) -> None:
    pool = create(idp)
    assert pool["Name"] == "app"
    assert pool["Policies"]["PasswordPolicy"] == {
        "MinimumLength": 8,
        "RequireUppercase": True,
        "RequireLowercase": True,
        "RequireNumbers": True,
        "RequireSymbols": True,
        "PasswordHistorySize": 0,
        "TemporaryPasswordValidityDays": 7,
    }
    assert pool["MfaConfiguration"] == "OFF"
    assert pool["DeletionProtection"] == "INACTIVE"
    assert pool["EstimatedNumberOfUsers"] == 0
    assert pool["UsernameConfiguration"] == {"CaseSensitive": True}
    assert pool["AdminCreateUserConfig"]["AllowAdminCreateUserOnly"] is False


def test_create_user_pool_lists_the_standard_schema(idp: Any) -> None:
    schema = {a["Name"]: a for a in create(idp)["SchemaAttributes"]}
    assert schema["sub"]["Required"] is True
    assert schema["sub"]["Mutable"] is False
    assert schema["email_verified"]["AttributeDataType"] == "Boolean"
    assert schema["email"]["StringAttributeConstraints"] == {"MinLength": "0", "MaxLength": "2048"}


def test_create_user_pool_keeps_the_given_settings(idp: Any) -> None:
    pool = create(
        idp,
        UsernameAttributes=["email"],
        AutoVerifiedAttributes=["email"],
        MfaConfiguration="OFF",
        DeletionProtection="ACTIVE",
        Policies={"PasswordPolicy": {"MinimumLength": 12, "RequireSymbols": False}},
        UserPoolTags={"team": "auth"},
        UsernameConfiguration={"CaseSensitive": False},
    )
    assert pool["UsernameAttributes"] == ["email"]
    assert pool["AutoVerifiedAttributes"] == ["email"]
    assert pool["DeletionProtection"] == "ACTIVE"
    assert pool["Policies"]["PasswordPolicy"]["MinimumLength"] == 12
    assert pool["Policies"]["PasswordPolicy"]["RequireSymbols"] is False
    assert pool["UserPoolTags"] == {"team": "auth"}
    assert pool["UsernameConfiguration"] == {"CaseSensitive": False}


def test_create_user_pool_adds_custom_attributes_with_the_prefix(idp: Any) -> None:
    pool = create(
        idp,
        Schema=[
            {
                "Name": "tier",
                "AttributeDataType": "Number",
                "NumberAttributeConstraints": {"MinValue": "1", "MaxValue": "5"},
            }
        ],
    )
    tier = next(a for a in pool["SchemaAttributes"] if a["Name"] == "custom:tier")
    assert tier["AttributeDataType"] == "Number"
    assert tier["NumberAttributeConstraints"] == {"MinValue": "1", "MaxValue": "5"}


def test_create_user_pool_refuses_username_and_alias_attributes_together(idp: Any) -> None:
    with aws_error(idp.exceptions.InvalidParameterException):
        create(idp, UsernameAttributes=["email"], AliasAttributes=["email"])


def test_create_user_pool_refuses_an_unknown_enum_value(idp: Any) -> None:
    with aws_error(
        idp.exceptions.InvalidParameterException,
        "1 validation error detected: Value 'SOMETIMES' at 'mfaConfiguration' failed to "
        "satisfy constraint: Member must satisfy enum value set: [OFF, ON, OPTIONAL]",
    ):
        create(idp, MfaConfiguration="SOMETIMES")


def test_create_user_pool_refuses_a_name_over_128_characters(idp: Any) -> None:
    name = "p" * 129
    with aws_error(
        idp.exceptions.InvalidParameterException,
        f"1 validation error detected: Value '{name}' at 'poolName' failed to satisfy "
        "constraint: Member must have length less than or equal to 128",
    ):
        create(idp, PoolName=name)


def test_create_user_pool_refuses_the_federation_trigger_cogkit_lacks(idp: Any) -> None:
    arn = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:federate"
    with aws_error(idp.exceptions.InvalidParameterException) as info:
        create(idp, LambdaConfig={"InboundFederation": {"LambdaVersion": "V1_0", "LambdaArn": arn}})
    assert "LambdaConfig.InboundFederation" in info.value.response["Error"]["Message"]


def test_create_user_pool_names_the_nested_member_that_breaks_a_constraint(idp: Any) -> None:
    with aws_error(
        idp.exceptions.InvalidParameterException,
        "1 validation error detected: Value '100' at 'policies.passwordPolicy.minimumLength' "
        "failed to satisfy constraint: Member must have value less than or equal to 99",
    ):
        create(idp, Policies={"PasswordPolicy": {"MinimumLength": 100}})


# -- DescribeUserPool ------------------------------------------------------------------


def test_describe_user_pool_answers_what_create_answered(idp: Any) -> None:
    made = create(idp, AutoVerifiedAttributes=["email"])
    described = idp.describe_user_pool(UserPoolId=made["Id"])["UserPool"]
    assert described == made


def test_describe_user_pool_counts_users(aws: Aws) -> None:
    aws.sign_up()
    pool = aws.idp.describe_user_pool(UserPoolId=aws.pool_id)["UserPool"]
    assert pool["EstimatedNumberOfUsers"] == 1


def test_describe_user_pool_of_an_unknown_pool_is_resource_not_found(idp: Any) -> None:
    with aws_error(
        idp.exceptions.ResourceNotFoundException, f"User pool {MISSING} does not exist."
    ):
        idp.describe_user_pool(UserPoolId=MISSING)


def test_describe_user_pool_refuses_a_malformed_pool_id(idp: Any) -> None:
    with aws_error(
        idp.exceptions.InvalidParameterException,
        "1 validation error detected: Value 'no-underscore' at 'userPoolId' failed to "
        "satisfy constraint: Member must satisfy regular expression pattern: "
        "[\\w-]+_[0-9a-zA-Z]+",
    ):
        idp.describe_user_pool(UserPoolId="no-underscore")


# -- UpdateUserPool --------------------------------------------------------------------


def test_update_user_pool_answers_an_empty_response(idp: Any) -> None:
    pool_id = create(idp)["Id"]
    answer = idp.update_user_pool(UserPoolId=pool_id, MfaConfiguration="OFF")
    assert set(answer) == {"ResponseMetadata"}


def test_update_user_pool_changes_what_describe_reports(aws: Aws) -> None:
    aws.clock.advance(60)
    aws.idp.update_user_pool(
        UserPoolId=aws.pool_id,
        Policies={"PasswordPolicy": {"MinimumLength": 10}},
        AutoVerifiedAttributes=["email"],
        DeletionProtection="ACTIVE",
    )
    pool = aws.idp.describe_user_pool(UserPoolId=aws.pool_id)["UserPool"]
    assert pool["Policies"]["PasswordPolicy"]["MinimumLength"] == 10
    assert pool["DeletionProtection"] == "ACTIVE"
    assert pool["LastModifiedDate"] == at(START + 60)
    assert pool["CreationDate"] == at(START)


def test_update_user_pool_resets_members_not_given(aws: Aws) -> None:
    # Cognito: "If you don't provide a value for an attribute, Amazon Cognito sets it to
    # its default value."
    aws.idp.update_user_pool(
        UserPoolId=aws.pool_id, Policies={"PasswordPolicy": {"MinimumLength": 10}}
    )
    pool = aws.idp.describe_user_pool(UserPoolId=aws.pool_id)["UserPool"]
    assert "AutoVerifiedAttributes" not in pool


def test_update_user_pool_renames_the_pool(aws: Aws) -> None:
    aws.idp.update_user_pool(UserPoolId=aws.pool_id, PoolName="renamed")
    assert aws.idp.describe_user_pool(UserPoolId=aws.pool_id)["UserPool"]["Name"] == "renamed"


def test_update_user_pool_of_an_unknown_pool_is_resource_not_found(idp: Any) -> None:
    with aws_error(
        idp.exceptions.ResourceNotFoundException, f"User pool {MISSING} does not exist."
    ):
        idp.update_user_pool(UserPoolId=MISSING)


def test_update_user_pool_refuses_an_invalid_policy(aws: Aws) -> None:
    with aws_error(aws.idp.exceptions.InvalidParameterException):
        aws.idp.update_user_pool(
            UserPoolId=aws.pool_id, Policies={"PasswordPolicy": {"MinimumLength": 100}}
        )


# -- DeleteUserPool --------------------------------------------------------------------


def test_delete_user_pool_removes_it(idp: Any) -> None:
    pool_id = create(idp)["Id"]
    answer = idp.delete_user_pool(UserPoolId=pool_id)
    assert set(answer) == {"ResponseMetadata"}
    with aws_error(idp.exceptions.ResourceNotFoundException):
        idp.describe_user_pool(UserPoolId=pool_id)


def test_delete_user_pool_of_an_unknown_pool_is_resource_not_found(idp: Any) -> None:
    with aws_error(
        idp.exceptions.ResourceNotFoundException, f"User pool {MISSING} does not exist."
    ):
        idp.delete_user_pool(UserPoolId=MISSING)


def test_delete_user_pool_with_deletion_protection_is_invalid_parameter(idp: Any) -> None:
    pool_id = create(idp, DeletionProtection="ACTIVE")["Id"]
    with aws_error(idp.exceptions.InvalidParameterException):
        idp.delete_user_pool(UserPoolId=pool_id)


# -- ListUserPools ---------------------------------------------------------------------


def test_list_user_pools_answers_descriptions(idp: Any) -> None:
    made = create(idp)
    listed = idp.list_user_pools(MaxResults=10)
    assert listed["UserPools"] == [
        {
            "Id": made["Id"],
            "Name": "app",
            "LambdaConfig": {},
            "LastModifiedDate": at(START),
            "CreationDate": at(START),
        }
    ]
    assert "NextToken" not in listed


def test_list_user_pools_pages_with_next_token(idp: Any) -> None:
    ids = {create(idp, PoolName=f"p{i}")["Id"] for i in range(3)}
    first = idp.list_user_pools(MaxResults=2)
    assert len(first["UserPools"]) == 2
    second = idp.list_user_pools(MaxResults=2, NextToken=first["NextToken"])
    assert "NextToken" not in second
    assert {p["Id"] for p in first["UserPools"] + second["UserPools"]} == ids


def test_list_user_pools_paginator_walks_every_page(idp: Any) -> None:
    ids = {create(idp, PoolName=f"p{i}")["Id"] for i in range(5)}
    pages = idp.get_paginator("list_user_pools").paginate(MaxResults=2)
    assert {p["Id"] for page in pages for p in page["UserPools"]} == ids


def test_list_user_pools_refuses_more_than_60(idp: Any) -> None:
    with aws_error(
        idp.exceptions.InvalidParameterException,
        "1 validation error detected: Value '61' at 'maxResults' failed to satisfy "
        "constraint: Member must have value less than or equal to 60",
    ):
        idp.list_user_pools(MaxResults=61)


def test_list_user_pools_refuses_a_foreign_next_token(idp: Any) -> None:
    with aws_error(idp.exceptions.InvalidParameterException):
        idp.list_user_pools(MaxResults=10, NextToken="bm90LWEtdG9rZW4=")


@pytest.mark.parametrize("native_first", [True, False])
def test_pools_made_natively_and_through_boto3_are_one_set(
    svc: Cognito, idp: Any, native_first: bool
) -> None:
    if native_first:
        native = svc.create_user_pool("native")
        assert idp.describe_user_pool(UserPoolId=native.id)["UserPool"]["Name"] == "native"
    else:
        wire = create(idp, PoolName="wire")
        assert svc.user_pool(wire["Id"]).name == "wire"


def test_create_user_pool_keeps_the_verification_messages(idp: Any) -> None:
    pool = create(
        idp,
        VerificationMessageTemplate={"EmailSubject": "Welcome", "SmsMessage": "Code {####}"},
        EmailVerificationMessage="Your code: {####}",
    )
    template = pool["VerificationMessageTemplate"]
    assert template["EmailSubject"] == "Welcome"
    assert template["SmsMessage"] == "Code {####}"
    assert template["EmailMessage"] == "Your code: {####}"
    assert pool["EmailVerificationMessage"] == "Your code: {####}"
    assert template["DefaultEmailOption"] == "CONFIRM_WITH_CODE"


def test_create_user_pool_keeps_the_invitation_and_admin_only_setting(idp: Any) -> None:
    pool = create(
        idp,
        AdminCreateUserConfig={
            "AllowAdminCreateUserOnly": True,
            "InviteMessageTemplate": {"EmailSubject": "Join us"},
        },
    )
    config = pool["AdminCreateUserConfig"]
    assert config["AllowAdminCreateUserOnly"] is True
    assert config["InviteMessageTemplate"]["EmailSubject"] == "Join us"


def test_create_user_pool_keeps_the_account_recovery_setting(idp: Any) -> None:
    mechanisms = [
        {"Priority": 1, "Name": "verified_email"},
        {"Priority": 2, "Name": "verified_phone_number"},
    ]
    pool = create(idp, AccountRecoverySetting={"RecoveryMechanisms": mechanisms})
    assert pool["AccountRecoverySetting"] == {"RecoveryMechanisms": mechanisms}


def test_create_user_pool_keeps_attributes_verified_before_update(idp: Any) -> None:
    pool = create(
        idp,
        AutoVerifiedAttributes=["email"],
        UserAttributeUpdateSettings={"AttributesRequireVerificationBeforeUpdate": ["email"]},
    )
    assert pool["UserAttributeUpdateSettings"] == {
        "AttributesRequireVerificationBeforeUpdate": ["email"]
    }


def test_create_user_pool_refuses_a_schema_constraint_that_is_not_a_number(idp: Any) -> None:
    with aws_error(idp.exceptions.InvalidParameterException):
        create(
            idp,
            Schema=[
                {
                    "Name": "code",
                    "AttributeDataType": "String",
                    "StringAttributeConstraints": {"MinLength": "three"},
                }
            ],
        )


def test_create_user_pool_refuses_an_invitation_without_the_password(idp: Any) -> None:
    with aws_error(idp.exceptions.InvalidParameterException) as info:
        create(idp, AdminCreateUserConfig={"InviteMessageTemplate": {"SMSMessage": "Hello!"}})
    message = info.value.response["Error"]["Message"]
    assert " at 'adminCreateUserConfig.inviteMessageTemplate.sMSMessage' " in message


def test_update_user_pool_resets_the_mfa_configuration_when_not_given(aws: Aws) -> None:
    aws.idp.update_user_pool(UserPoolId=aws.pool_id, DeletionProtection="ACTIVE")
    aws.idp.update_user_pool(UserPoolId=aws.pool_id, PoolName="app")
    pool = aws.idp.describe_user_pool(UserPoolId=aws.pool_id)["UserPool"]
    assert pool["DeletionProtection"] == "INACTIVE"
    assert pool["MfaConfiguration"] == "OFF"


def test_update_user_pool_resets_recovery_and_sms_message_when_not_given(idp: Any) -> None:
    pool_id = idp.create_user_pool(
        PoolName="resets",
        SmsAuthenticationMessage="Your code: {####}",
        AccountRecoverySetting={"RecoveryMechanisms": [{"Priority": 1, "Name": "admin_only"}]},
        AdminCreateUserConfig={"UnusedAccountValidityDays": 3},
    )["UserPool"]["Id"]
    idp.update_user_pool(UserPoolId=pool_id)
    pool = idp.describe_user_pool(UserPoolId=pool_id)["UserPool"]
    assert "SmsAuthenticationMessage" not in pool
    assert "AccountRecoverySetting" not in pool
    assert pool["AdminCreateUserConfig"]["UnusedAccountValidityDays"] == 7

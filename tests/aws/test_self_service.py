"""What a signed-in user does with an access token, through boto3: GetUser,
UpdateUserAttributes, GetUserAttributeVerificationCode, VerifyUserAttribute, DeleteUser,
GlobalSignOut."""

from __future__ import annotations

from typing import Any

import pytest

from tests.aws.conftest import Aws
from tests.aws.helpers import aws_error


def attributes(items: list[dict[str, str]]) -> dict[str, str]:
    return {item["Name"]: item["Value"] for item in items}


def stored(aws: Aws, username: str = "ann") -> dict[str, str]:
    user = aws.idp.admin_get_user(UserPoolId=aws.pool_id, Username=username)
    return attributes(user["UserAttributes"])


def refresh(aws: Aws, token: str) -> Any:
    return aws.idp.initiate_auth(
        ClientId=aws.client_id,
        AuthFlow="REFRESH_TOKEN_AUTH",
        AuthParameters={"REFRESH_TOKEN": token},
    )


# Every access-token call refuses the same bad tokens; one parametrised test per case.
TOKEN_CALLS = {
    "get_user": lambda idp, t: idp.get_user(AccessToken=t),
    "update_user_attributes": lambda idp, t: idp.update_user_attributes(
        AccessToken=t, UserAttributes=[{"Name": "name", "Value": "Ann"}]
    ),
    "get_user_attribute_verification_code": lambda idp, t: idp.get_user_attribute_verification_code(
        AccessToken=t, AttributeName="email"
    ),
    "verify_user_attribute": lambda idp, t: idp.verify_user_attribute(
        AccessToken=t, AttributeName="email", Code="123456"
    ),
    "delete_user": lambda idp, t: idp.delete_user(AccessToken=t),
    "global_sign_out": lambda idp, t: idp.global_sign_out(AccessToken=t),
    "change_password": lambda idp, t: idp.change_password(
        AccessToken=t, PreviousPassword="Correct-horse-1", ProposedPassword="Battery-staple-2"
    ),
}


@pytest.mark.parametrize("call", sorted(TOKEN_CALLS))
def test_token_calls_refuse_a_forged_token(aws: Aws, call: str) -> None:
    with aws_error(aws.idp.exceptions.NotAuthorizedException, "Invalid Access Token"):
        TOKEN_CALLS[call](aws.idp, "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.c2ln")


@pytest.mark.parametrize("call", sorted(TOKEN_CALLS))
def test_token_calls_refuse_an_expired_token(aws: Aws, call: str) -> None:
    token = aws.access_token()
    aws.clock.advance(3601)
    with aws_error(aws.idp.exceptions.NotAuthorizedException, "Access Token has expired"):
        TOKEN_CALLS[call](aws.idp, token)


@pytest.mark.parametrize("call", sorted(TOKEN_CALLS))
def test_token_calls_refuse_an_id_token(aws: Aws, call: str) -> None:
    token = aws.session()["IdToken"]
    with aws_error(aws.idp.exceptions.NotAuthorizedException):
        TOKEN_CALLS[call](aws.idp, token)


@pytest.mark.parametrize("call", sorted(TOKEN_CALLS))
def test_token_calls_refuse_a_disabled_user(aws: Aws, call: str) -> None:
    token = aws.access_token()
    aws.idp.admin_disable_user(UserPoolId=aws.pool_id, Username="ann")
    with aws_error(aws.idp.exceptions.NotAuthorizedException, "User is disabled."):
        TOKEN_CALLS[call](aws.idp, token)


@pytest.mark.parametrize("call", sorted(TOKEN_CALLS))
def test_token_calls_refuse_a_token_after_global_sign_out(aws: Aws, call: str) -> None:
    token = aws.access_token()
    aws.clock.advance(1)
    aws.idp.admin_user_global_sign_out(UserPoolId=aws.pool_id, Username="ann")
    with aws_error(aws.idp.exceptions.NotAuthorizedException, "Access Token has been revoked"):
        TOKEN_CALLS[call](aws.idp, token)


# -- GetUser ---------------------------------------------------------------------------


def test_get_user_answers_the_username_and_attributes(aws: Aws) -> None:
    token = aws.access_token()
    user = aws.idp.get_user(AccessToken=token)
    assert set(user) == {"Username", "UserAttributes", "ResponseMetadata"}
    assert user["Username"] == "ann"
    got = attributes(user["UserAttributes"])
    assert got["email"] == "ann@example.com"
    assert got["email_verified"] == "true"
    assert set(got) == {"sub", "email", "email_verified"}


def test_get_user_shows_only_what_the_client_may_read(aws: Aws) -> None:
    aws.idp.update_user_pool_client(
        UserPoolId=aws.pool_id,
        ClientId=aws.client_id,
        ClientName="web",
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
        ReadAttributes=["name"],
    )
    token = aws.access_token()
    got = attributes(aws.idp.get_user(AccessToken=token)["UserAttributes"])
    assert set(got) == {"sub"}


def test_get_user_after_the_user_is_deleted_is_user_not_found(aws: Aws) -> None:
    token = aws.access_token()
    aws.idp.admin_delete_user(UserPoolId=aws.pool_id, Username="ann")
    with aws_error(aws.idp.exceptions.UserNotFoundException, "User does not exist."):
        aws.idp.get_user(AccessToken=token)


# -- UpdateUserAttributes --------------------------------------------------------------


def test_update_user_attributes_changes_a_plain_attribute(aws: Aws) -> None:
    token = aws.access_token()
    answer = aws.idp.update_user_attributes(
        AccessToken=token, UserAttributes=[{"Name": "name", "Value": "Ann"}]
    )
    assert answer.get("CodeDeliveryDetailsList", []) == []
    assert stored(aws)["name"] == "Ann"


def test_update_user_attributes_of_the_email_sends_a_code(aws: Aws) -> None:
    token = aws.access_token()
    answer = aws.idp.update_user_attributes(
        AccessToken=token, UserAttributes=[{"Name": "email", "Value": "new@example.com"}]
    )
    assert answer["CodeDeliveryDetailsList"] == [
        {"Destination": "n***@e***", "DeliveryMedium": "EMAIL", "AttributeName": "email"}
    ]
    assert aws.code("new@example.com").isdigit()


def test_update_user_attributes_of_the_email_unverifies_it(aws: Aws) -> None:
    token = aws.access_token()
    aws.idp.update_user_attributes(
        AccessToken=token, UserAttributes=[{"Name": "email", "Value": "new@example.com"}]
    )
    assert stored(aws)["email"] == "new@example.com"
    assert stored(aws)["email_verified"] == "false"


def test_update_user_attributes_outside_the_schema_is_invalid_parameter(aws: Aws) -> None:
    token = aws.access_token()
    with aws_error(aws.idp.exceptions.InvalidParameterException):
        aws.idp.update_user_attributes(
            AccessToken=token, UserAttributes=[{"Name": "shoe_size", "Value": "9"}]
        )


def test_update_user_attributes_of_a_verification_flag_is_not_authorized(aws: Aws) -> None:
    token = aws.access_token()
    with aws_error(
        aws.idp.exceptions.NotAuthorizedException,
        "A client attempted to write unauthorized attribute",
    ):
        aws.idp.update_user_attributes(
            AccessToken=token, UserAttributes=[{"Name": "email_verified", "Value": "true"}]
        )


def test_update_user_attributes_with_a_malformed_email_is_invalid_parameter(aws: Aws) -> None:
    token = aws.access_token()
    with aws_error(aws.idp.exceptions.InvalidParameterException):
        aws.idp.update_user_attributes(
            AccessToken=token, UserAttributes=[{"Name": "email", "Value": "not-an-email"}]
        )


# -- GetUserAttributeVerificationCode --------------------------------------------------


def test_get_user_attribute_verification_code_answers_where_it_went(aws: Aws) -> None:
    token = aws.access_token()
    answer = aws.idp.get_user_attribute_verification_code(AccessToken=token, AttributeName="email")
    assert answer["CodeDeliveryDetails"] == {
        "Destination": "a***@e***",
        "DeliveryMedium": "EMAIL",
        "AttributeName": "email",
    }


def test_get_user_attribute_verification_code_of_a_plain_attribute_is_invalid_parameter(
    aws: Aws,
) -> None:
    token = aws.access_token()
    with aws_error(aws.idp.exceptions.InvalidParameterException):
        aws.idp.get_user_attribute_verification_code(AccessToken=token, AttributeName="name")


def test_get_user_attribute_verification_code_without_a_phone_is_invalid_parameter(
    aws: Aws,
) -> None:
    token = aws.access_token()
    with aws_error(aws.idp.exceptions.InvalidParameterException):
        aws.idp.get_user_attribute_verification_code(
            AccessToken=token, AttributeName="phone_number"
        )


# -- VerifyUserAttribute ---------------------------------------------------------------


def test_verify_user_attribute_verifies_the_email(aws: Aws) -> None:
    token = aws.access_token()
    aws.idp.update_user_attributes(
        AccessToken=token, UserAttributes=[{"Name": "email", "Value": "new@example.com"}]
    )
    answer = aws.idp.verify_user_attribute(
        AccessToken=token, AttributeName="email", Code=aws.code("new@example.com")
    )
    assert set(answer) == {"ResponseMetadata"}
    assert stored(aws)["email_verified"] == "true"


def test_verify_user_attribute_with_a_wrong_code_is_code_mismatch(aws: Aws) -> None:
    token = aws.access_token()
    aws.idp.get_user_attribute_verification_code(AccessToken=token, AttributeName="email")
    wrong = "000000" if aws.code() != "000000" else "111111"
    with aws_error(
        aws.idp.exceptions.CodeMismatchException,
        "Invalid verification code provided, please try again.",
    ):
        aws.idp.verify_user_attribute(AccessToken=token, AttributeName="email", Code=wrong)


def test_verify_user_attribute_without_a_code_sent_is_expired_code(aws: Aws) -> None:
    token = aws.access_token()
    with aws_error(
        aws.idp.exceptions.ExpiredCodeException,
        "Invalid code provided, please request a code again.",
    ):
        aws.idp.verify_user_attribute(AccessToken=token, AttributeName="email", Code="123456")


def test_verify_user_attribute_of_a_plain_attribute_is_invalid_parameter(aws: Aws) -> None:
    token = aws.access_token()
    with aws_error(aws.idp.exceptions.InvalidParameterException):
        aws.idp.verify_user_attribute(AccessToken=token, AttributeName="name", Code="123456")


# -- DeleteUser ------------------------------------------------------------------------


def test_delete_user_removes_the_user(aws: Aws) -> None:
    token = aws.access_token()
    answer = aws.idp.delete_user(AccessToken=token)
    assert set(answer) == {"ResponseMetadata"}
    with aws_error(aws.idp.exceptions.UserNotFoundException):
        aws.idp.admin_get_user(UserPoolId=aws.pool_id, Username="ann")


def test_delete_user_twice_is_user_not_found(aws: Aws) -> None:
    token = aws.access_token()
    aws.idp.delete_user(AccessToken=token)
    with aws_error(aws.idp.exceptions.UserNotFoundException):
        aws.idp.delete_user(AccessToken=token)


# -- GlobalSignOut ---------------------------------------------------------------------


def test_global_sign_out_answers_an_empty_response(aws: Aws) -> None:
    token = aws.access_token()
    assert set(aws.idp.global_sign_out(AccessToken=token)) == {"ResponseMetadata"}


def test_global_sign_out_revokes_the_refresh_token(aws: Aws) -> None:
    result = aws.session()
    aws.idp.global_sign_out(AccessToken=result["AccessToken"])
    with aws_error(aws.idp.exceptions.NotAuthorizedException, "Refresh Token has been revoked"):
        refresh(aws, result["RefreshToken"])


def test_global_sign_out_leaves_later_sign_ins_working(aws: Aws) -> None:
    token = aws.access_token()
    aws.idp.global_sign_out(AccessToken=token)
    aws.clock.advance(1)
    fresh = aws.sign_in()["AccessToken"]
    assert aws.idp.get_user(AccessToken=fresh)["Username"] == "ann"

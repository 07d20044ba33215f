"""User-management semantics through boto3: answers that hide which users exist, aliases,
verification after administrative changes, and invitation delivery."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from botocore.exceptions import ClientError

from tests.aws.conftest import Aws
from tests.aws.helpers import NEW_PASSWORD, PASSWORD, aws_error

WRONG = "Wrong-horse-1"


def error_of(call: Callable[[], Any]) -> tuple[str, str] | None:
    try:
        call()
    except ClientError as exc:
        return exc.response["Error"]["Code"], exc.response["Error"]["Message"]
    return None


def test_initiate_auth_answers_an_unknown_user_like_a_wrong_password_when_hidden(
    aws: Aws,
) -> None:
    aws.confirmed("ann")
    hiding = aws.new_client("hiding", PreventUserExistenceErrors="ENABLED")

    def sign_in(user: str, password: str) -> tuple[str, str] | None:
        return error_of(
            lambda: aws.idp.initiate_auth(
                ClientId=hiding,
                AuthFlow="USER_PASSWORD_AUTH",
                AuthParameters={"USERNAME": user, "PASSWORD": password},
            )
        )

    def admin_sign_in(user: str, password: str) -> tuple[str, str] | None:
        return error_of(
            lambda: aws.idp.admin_initiate_auth(
                UserPoolId=aws.pool_id,
                ClientId=hiding,
                AuthFlow="ADMIN_USER_PASSWORD_AUTH",
                AuthParameters={"USERNAME": user, "PASSWORD": password},
            )
        )

    expected = ("NotAuthorizedException", "Incorrect username or password.")
    assert sign_in("ghost", PASSWORD) == sign_in("ann", WRONG) == expected
    assert admin_sign_in("ghost", PASSWORD) == admin_sign_in("ann", WRONG) == expected


def test_initiate_auth_names_an_unknown_user_under_legacy(aws: Aws) -> None:
    with aws_error(aws.idp.exceptions.UserNotFoundException, "User does not exist."):
        aws.sign_in("ghost")


def test_confirm_forgot_password_of_an_unknown_user_is_a_code_mismatch_when_hidden(
    aws: Aws,
) -> None:
    hiding = aws.new_client("hiding", PreventUserExistenceErrors="ENABLED")
    delivery = aws.idp.forgot_password(ClientId=hiding, Username="ghost")["CodeDeliveryDetails"]
    assert delivery["DeliveryMedium"] == "EMAIL"
    assert len(aws.svc.outbox) == 0
    with aws_error(aws.idp.exceptions.CodeMismatchException):
        aws.idp.confirm_forgot_password(
            ClientId=hiding, Username="ghost", ConfirmationCode="123456", Password=NEW_PASSWORD
        )
    with aws_error(aws.idp.exceptions.CodeMismatchException):
        aws.idp.confirm_sign_up(ClientId=hiding, Username="ghost", ConfirmationCode="123456")
    resent = aws.idp.resend_confirmation_code(ClientId=hiding, Username="ghost")
    assert resent["CodeDeliveryDetails"]["AttributeName"] == "email"


def test_sign_up_refuses_a_preferred_username_alias(aws: Aws) -> None:
    pool_id = aws.idp.create_user_pool(
        PoolName="alias", AliasAttributes=["preferred_username"], AutoVerifiedAttributes=["email"]
    )["UserPool"]["Id"]
    client_id = aws.idp.create_user_pool_client(UserPoolId=pool_id, ClientName="web")[
        "UserPoolClient"
    ]["ClientId"]
    with aws_error(
        aws.idp.exceptions.InvalidParameterException,
        "Preferred username cannot be provided for unconfirmed account, since user pool is "
        "configured for preferred username alias.",
    ):
        aws.idp.sign_up(
            ClientId=client_id,
            Username="ann",
            Password=PASSWORD,
            UserAttributes=[{"Name": "preferred_username", "Value": "annie"}],
        )
    assert aws.idp.list_users(UserPoolId=pool_id)["Users"] == []


def test_admin_update_user_attributes_of_an_auto_verified_email_sends_a_code(aws: Aws) -> None:
    token = aws.access_token("ann")
    aws.idp.admin_update_user_attributes(
        UserPoolId=aws.pool_id,
        Username="ann",
        UserAttributes=[{"Name": "email", "Value": "new@example.com"}],
    )
    aws.idp.verify_user_attribute(
        AccessToken=token, AttributeName="email", Code=aws.code("new@example.com")
    )
    attributes = aws.idp.admin_get_user(UserPoolId=aws.pool_id, Username="ann")["UserAttributes"]
    assert {"Name": "email_verified", "Value": "true"} in attributes
    assert {"Name": "email", "Value": "new@example.com"} in attributes


def test_admin_update_user_attributes_held_until_verified(aws: Aws) -> None:
    aws.idp.update_user_pool(
        UserPoolId=aws.pool_id,
        AutoVerifiedAttributes=["email"],
        UserAttributeUpdateSettings={"AttributesRequireVerificationBeforeUpdate": ["email"]},
    )
    aws.confirmed("ann")
    aws.idp.admin_update_user_attributes(
        UserPoolId=aws.pool_id,
        Username="ann",
        UserAttributes=[{"Name": "email", "Value": "new@example.com"}],
    )
    attributes = aws.idp.admin_get_user(UserPoolId=aws.pool_id, Username="ann")["UserAttributes"]
    assert {"Name": "email", "Value": "ann@example.com"} in attributes
    assert aws.code("new@example.com")


def test_admin_create_user_by_email_without_an_email_is_invalid(aws: Aws) -> None:
    with aws_error(
        aws.idp.exceptions.InvalidParameterException,
        "No email provided but desired delivery medium was Email",
    ):
        aws.idp.admin_create_user(
            UserPoolId=aws.pool_id, Username="ann", DesiredDeliveryMediums=["EMAIL"]
        )
    assert aws.idp.list_users(UserPoolId=aws.pool_id)["Users"] == []


def test_admin_create_user_by_both_mediums_sends_both(aws: Aws) -> None:
    aws.idp.admin_create_user(
        UserPoolId=aws.pool_id,
        Username="ann",
        UserAttributes=[
            {"Name": "email", "Value": "ann@example.com"},
            {"Name": "phone_number", "Value": "+14325551212"},
        ],
        DesiredDeliveryMediums=["EMAIL", "SMS"],
    )
    assert {m.to for m in aws.svc.outbox.messages} == {"ann@example.com", "+14325551212"}

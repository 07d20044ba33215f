"""Passwords through boto3: ForgotPassword, ConfirmForgotPassword, ChangePassword,
AdminSetUserPassword."""

from __future__ import annotations

from tests.aws.conftest import Aws
from tests.aws.helpers import NEW_PASSWORD, PASSWORD, REGION, aws_error

MISSING_CLIENT = "a" * 26


def forgot(aws: Aws, username: str = "ann") -> None:
    aws.idp.forgot_password(ClientId=aws.client_id, Username=username)


def confirm_forgot(aws: Aws, code: str, password: str = NEW_PASSWORD) -> None:
    aws.idp.confirm_forgot_password(
        ClientId=aws.client_id, Username="ann", ConfirmationCode=code, Password=password
    )


# -- ForgotPassword --------------------------------------------------------------------


def test_forgot_password_answers_where_the_code_went(aws: Aws) -> None:
    aws.confirmed()
    answer = aws.idp.forgot_password(ClientId=aws.client_id, Username="ann")
    assert answer["CodeDeliveryDetails"] == {
        "Destination": "a***@e***",
        "DeliveryMedium": "EMAIL",
        "AttributeName": "email",
    }


def test_forgot_password_sends_a_code(aws: Aws) -> None:
    aws.confirmed()
    sent = len(aws.svc.outbox)
    forgot(aws)
    assert len(aws.svc.outbox) == sent + 1
    assert aws.code().isdigit()


def test_forgot_password_of_an_unknown_user_is_user_not_found(aws: Aws) -> None:
    with aws_error(
        aws.idp.exceptions.UserNotFoundException, "Username/client id combination not found."
    ):
        forgot(aws, "nobody")


def test_forgot_password_simulates_delivery_for_hidden_unknown_users(aws: Aws) -> None:
    client_id = aws.new_client("hiding", PreventUserExistenceErrors="ENABLED")
    answer = aws.idp.forgot_password(ClientId=client_id, Username="nobody")
    assert answer["CodeDeliveryDetails"]["DeliveryMedium"] == "EMAIL"
    assert len(aws.svc.outbox) == 0


def test_forgot_password_without_a_verified_channel_is_invalid_parameter(aws: Aws) -> None:
    aws.sign_up()  # unconfirmed: the email is not verified
    with aws_error(
        aws.idp.exceptions.InvalidParameterException,
        "Cannot reset password for the user as there is no registered/verified email or "
        "phone_number",
    ):
        forgot(aws)


def test_forgot_password_of_a_disabled_user_is_not_authorized(aws: Aws) -> None:
    aws.confirmed()
    aws.idp.admin_disable_user(UserPoolId=aws.pool_id, Username="ann")
    with aws_error(aws.idp.exceptions.NotAuthorizedException, "User is disabled."):
        forgot(aws)


def test_forgot_password_with_an_unknown_client_is_resource_not_found(aws: Aws) -> None:
    with aws_error(aws.idp.exceptions.ResourceNotFoundException):
        aws.idp.forgot_password(ClientId=MISSING_CLIENT, Username="ann")


# -- ConfirmForgotPassword -------------------------------------------------------------


def test_confirm_forgot_password_answers_an_empty_response(aws: Aws) -> None:
    aws.confirmed()
    forgot(aws)
    answer = aws.idp.confirm_forgot_password(
        ClientId=aws.client_id, Username="ann", ConfirmationCode=aws.code(), Password=NEW_PASSWORD
    )
    assert set(answer) == {"ResponseMetadata"}


def test_confirm_forgot_password_sets_the_new_password(aws: Aws) -> None:
    aws.confirmed()
    forgot(aws)
    confirm_forgot(aws, aws.code())
    assert "AccessToken" in aws.sign_in(password=NEW_PASSWORD)
    with aws_error(aws.idp.exceptions.NotAuthorizedException):
        aws.sign_in(password=PASSWORD)


def test_confirm_forgot_password_with_a_wrong_code_is_code_mismatch(aws: Aws) -> None:
    aws.confirmed()
    forgot(aws)
    wrong = "000000" if aws.code() != "000000" else "111111"
    with aws_error(
        aws.idp.exceptions.CodeMismatchException,
        "Invalid verification code provided, please try again.",
    ):
        confirm_forgot(aws, wrong)


def test_confirm_forgot_password_after_an_hour_is_expired_code(aws: Aws) -> None:
    aws.confirmed()
    forgot(aws)
    aws.clock.advance(3601)
    with aws_error(
        aws.idp.exceptions.ExpiredCodeException,
        "Invalid code provided, please request a code again.",
    ):
        confirm_forgot(aws, aws.code())


def test_confirm_forgot_password_without_a_request_is_expired_code(aws: Aws) -> None:
    aws.confirmed()
    with aws_error(aws.idp.exceptions.ExpiredCodeException):
        confirm_forgot(aws, "123456")


def test_confirm_forgot_password_with_a_weak_password_is_invalid_password(aws: Aws) -> None:
    aws.confirmed()
    forgot(aws)
    with aws_error(
        aws.idp.exceptions.InvalidPasswordException,
        "Password did not conform with policy: Password must have uppercase characters",
    ):
        confirm_forgot(aws, aws.code(), "lowercase-only-1")


def test_confirm_forgot_password_of_an_unknown_user_is_user_not_found(aws: Aws) -> None:
    with aws_error(aws.idp.exceptions.UserNotFoundException):
        aws.idp.confirm_forgot_password(
            ClientId=aws.client_id, Username="nobody", ConfirmationCode="1", Password=NEW_PASSWORD
        )


def test_confirm_forgot_password_never_echoes_the_password(aws: Aws) -> None:
    aws.confirmed()
    with aws_error(aws.idp.exceptions.InvalidParameterException) as info:
        aws.idp.confirm_forgot_password(
            ClientId=aws.client_id,
            Username="ann",
            ConfirmationCode="123456",
            Password="Secret-" + "x" * 300,
        )
    message = info.value.response["Error"]["Message"]
    assert "Secret-" not in message
    assert "at 'password'" in message


# -- ChangePassword --------------------------------------------------------------------


def test_change_password_answers_an_empty_response(aws: Aws) -> None:
    token = aws.access_token()
    answer = aws.idp.change_password(
        AccessToken=token, PreviousPassword=PASSWORD, ProposedPassword=NEW_PASSWORD
    )
    assert set(answer) == {"ResponseMetadata"}


def test_change_password_sets_the_new_password(aws: Aws) -> None:
    token = aws.access_token()
    aws.idp.change_password(
        AccessToken=token, PreviousPassword=PASSWORD, ProposedPassword=NEW_PASSWORD
    )
    assert "IdToken" in aws.sign_in(password=NEW_PASSWORD)


def test_change_password_with_a_wrong_previous_password_is_not_authorized(aws: Aws) -> None:
    token = aws.access_token()
    with aws_error(aws.idp.exceptions.NotAuthorizedException, "Incorrect username or password."):
        aws.idp.change_password(
            AccessToken=token, PreviousPassword="Wrong-horse-1", ProposedPassword=NEW_PASSWORD
        )


def test_change_password_to_a_weak_password_is_invalid_password(aws: Aws) -> None:
    token = aws.access_token()
    with aws_error(aws.idp.exceptions.InvalidPasswordException):
        aws.idp.change_password(
            AccessToken=token, PreviousPassword=PASSWORD, ProposedPassword="weakweak"
        )


def test_change_password_with_an_invalid_token_is_not_authorized(aws: Aws) -> None:
    with aws_error(aws.idp.exceptions.NotAuthorizedException, "Invalid Access Token"):
        aws.idp.change_password(
            AccessToken="e30.e30.sig", PreviousPassword=PASSWORD, ProposedPassword=NEW_PASSWORD
        )


def test_change_password_with_an_expired_token_is_not_authorized(aws: Aws) -> None:
    token = aws.access_token()
    aws.clock.advance(3601)
    with aws_error(aws.idp.exceptions.NotAuthorizedException, "Access Token has expired"):
        aws.idp.change_password(
            AccessToken=token, PreviousPassword=PASSWORD, ProposedPassword=NEW_PASSWORD
        )


# -- AdminSetUserPassword --------------------------------------------------------------


def test_admin_set_user_password_permanent_confirms_the_user(aws: Aws) -> None:
    aws.sign_up()
    answer = aws.idp.admin_set_user_password(
        UserPoolId=aws.pool_id, Username="ann", Password=NEW_PASSWORD, Permanent=True
    )
    assert set(answer) == {"ResponseMetadata"}
    user = aws.idp.admin_get_user(UserPoolId=aws.pool_id, Username="ann")
    assert user["UserStatus"] == "CONFIRMED"
    assert "AccessToken" in aws.sign_in(password=NEW_PASSWORD)


def test_admin_set_user_password_temporary_forces_a_change(aws: Aws) -> None:
    aws.confirmed()
    aws.idp.admin_set_user_password(UserPoolId=aws.pool_id, Username="ann", Password=NEW_PASSWORD)
    user = aws.idp.admin_get_user(UserPoolId=aws.pool_id, Username="ann")
    assert user["UserStatus"] == "FORCE_CHANGE_PASSWORD"


def test_admin_set_user_password_with_a_weak_password_is_invalid_password(aws: Aws) -> None:
    aws.confirmed()
    with aws_error(
        aws.idp.exceptions.InvalidPasswordException,
        "Password did not conform with policy: Password must have numeric characters",
    ):
        aws.idp.admin_set_user_password(
            UserPoolId=aws.pool_id, Username="ann", Password="No-numbers-here"
        )


def test_admin_set_user_password_of_an_unknown_user_is_user_not_found(aws: Aws) -> None:
    with aws_error(aws.idp.exceptions.UserNotFoundException, "User does not exist."):
        aws.idp.admin_set_user_password(
            UserPoolId=aws.pool_id, Username="nobody", Password=NEW_PASSWORD
        )


def test_admin_set_user_password_in_an_unknown_pool_is_resource_not_found(aws: Aws) -> None:
    with aws_error(aws.idp.exceptions.ResourceNotFoundException):
        aws.idp.admin_set_user_password(
            UserPoolId=f"{REGION}_AAAAAAAAA", Username="ann", Password=NEW_PASSWORD
        )


def test_admin_set_user_password_with_surrounding_spaces_is_invalid_parameter(
    aws: Aws,
) -> None:
    aws.confirmed()
    with aws_error(
        aws.idp.exceptions.InvalidParameterException,
        "1 validation error detected: Value at 'password' failed to satisfy constraint: "
        "Member must satisfy regular expression pattern: ^[\\S]+.*[\\S]+$",
    ):
        aws.idp.admin_set_user_password(
            UserPoolId=aws.pool_id, Username="ann", Password=" Spaced-pass-1 "
        )


def test_admin_set_user_password_accepts_inner_spaces(aws: Aws) -> None:
    # The model's pattern is [\S]+, but Cognito takes inner spaces (they count as symbols).
    aws.confirmed()
    aws.idp.admin_set_user_password(
        UserPoolId=aws.pool_id, Username="ann", Password="Inner space 1", Permanent=True
    )
    assert "AccessToken" in aws.sign_in(password="Inner space 1")

"""Sign-up through boto3: SignUp, ConfirmSignUp, ResendConfirmationCode."""

from __future__ import annotations

import uuid

from cogkit import secret_hash
from tests.aws.conftest import Aws
from tests.aws.helpers import PASSWORD, aws_error

MISSING_CLIENT = "a" * 26


def status(aws: Aws, username: str = "ann") -> str:
    user_status: str = aws.idp.admin_get_user(UserPoolId=aws.pool_id, Username=username)[
        "UserStatus"
    ]
    return user_status


# -- SignUp ----------------------------------------------------------------------------


def test_sign_up_answers_an_unconfirmed_user_and_where_the_code_went(aws: Aws) -> None:
    answer = aws.sign_up()
    assert answer["UserConfirmed"] is False
    assert str(uuid.UUID(answer["UserSub"])) == answer["UserSub"]
    assert answer["CodeDeliveryDetails"] == {
        "Destination": "a***@e***",
        "DeliveryMedium": "EMAIL",
        "AttributeName": "email",
    }


def test_sign_up_leaves_the_user_unconfirmed(aws: Aws) -> None:
    aws.sign_up()
    assert status(aws) == "UNCONFIRMED"


def test_sign_up_sends_the_code_to_the_email(aws: Aws) -> None:
    aws.sign_up()
    assert aws.code().isdigit()


def test_sign_up_without_auto_verification_answers_no_delivery(aws: Aws) -> None:
    pool_id = aws.idp.create_user_pool(PoolName="quiet")["UserPool"]["Id"]
    client_id = aws.idp.create_user_pool_client(UserPoolId=pool_id, ClientName="c")[
        "UserPoolClient"
    ]["ClientId"]
    answer = aws.idp.sign_up(ClientId=client_id, Username="ann", Password=PASSWORD)
    assert "CodeDeliveryDetails" not in answer


def test_sign_up_with_a_taken_username_is_username_exists(aws: Aws) -> None:
    aws.sign_up()
    with aws_error(aws.idp.exceptions.UsernameExistsException, "User already exists"):
        aws.sign_up(email="other@example.com")


def test_sign_up_with_a_weak_password_is_invalid_password(aws: Aws) -> None:
    with aws_error(
        aws.idp.exceptions.InvalidPasswordException,
        "Password did not conform with policy: Password not long enough",
    ):
        aws.sign_up(password="Aa1-")


def test_sign_up_with_an_unknown_client_is_resource_not_found(aws: Aws) -> None:
    with aws_error(
        aws.idp.exceptions.ResourceNotFoundException,
        f"User pool client {MISSING_CLIENT} does not exist.",
    ):
        aws.idp.sign_up(ClientId=MISSING_CLIENT, Username="ann", Password=PASSWORD)


def test_sign_up_with_whitespace_in_the_username_is_invalid_parameter(aws: Aws) -> None:
    with aws_error(
        aws.idp.exceptions.InvalidParameterException,
        "1 validation error detected: Value at 'username' failed to satisfy constraint: "
        "Member must satisfy regular expression pattern: [\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}]+",
    ):
        aws.sign_up(username="ann smith")


def test_sign_up_with_an_attribute_outside_the_schema_is_invalid_parameter(aws: Aws) -> None:
    with aws_error(aws.idp.exceptions.InvalidParameterException):
        aws.idp.sign_up(
            ClientId=aws.client_id,
            Username="ann",
            Password=PASSWORD,
            UserAttributes=[{"Name": "shoe_size", "Value": "9"}],
        )


def test_sign_up_without_a_password_is_invalid_parameter(aws: Aws) -> None:
    with aws_error(aws.idp.exceptions.InvalidParameterException):
        aws.idp.sign_up(ClientId=aws.client_id, Username="ann")


def test_sign_up_in_an_admin_only_pool_is_not_authorized(aws: Aws) -> None:
    aws.idp.update_user_pool(
        UserPoolId=aws.pool_id, AdminCreateUserConfig={"AllowAdminCreateUserOnly": True}
    )
    with aws_error(
        aws.idp.exceptions.NotAuthorizedException, "SignUp is not permitted for this user pool"
    ):
        aws.sign_up()


def test_sign_up_with_a_secret_client_needs_the_secret_hash(aws: Aws) -> None:
    client_id = aws.new_client("secret", GenerateSecret=True)
    with aws_error(
        aws.idp.exceptions.NotAuthorizedException,
        f"Client {client_id} is configured for secret but secret was not received",
    ):
        aws.idp.sign_up(ClientId=client_id, Username="ann", Password=PASSWORD)


def test_sign_up_with_a_secret_client_accepts_the_right_secret_hash(aws: Aws) -> None:
    client_id = aws.new_client("secret", GenerateSecret=True)
    secret = aws.idp.describe_user_pool_client(UserPoolId=aws.pool_id, ClientId=client_id)[
        "UserPoolClient"
    ]["ClientSecret"]
    answer = aws.idp.sign_up(
        ClientId=client_id,
        Username="ann",
        Password=PASSWORD,
        SecretHash=secret_hash(secret, "ann", client_id),
    )
    assert answer["UserConfirmed"] is False


def test_sign_up_with_a_wrong_secret_hash_is_not_authorized(aws: Aws) -> None:
    client_id = aws.new_client("secret", GenerateSecret=True)
    with aws_error(
        aws.idp.exceptions.NotAuthorizedException,
        f"Unable to verify secret hash for client {client_id}",
    ):
        aws.idp.sign_up(
            ClientId=client_id, Username="ann", Password=PASSWORD, SecretHash="d3Jvbmc="
        )


def test_sign_up_in_an_email_username_pool_needs_an_email(aws: Aws) -> None:
    pool_id = aws.idp.create_user_pool(PoolName="mail", UsernameAttributes=["email"])["UserPool"][
        "Id"
    ]
    client_id = aws.idp.create_user_pool_client(UserPoolId=pool_id, ClientName="c")[
        "UserPoolClient"
    ]["ClientId"]
    with aws_error(aws.idp.exceptions.InvalidParameterException):
        aws.idp.sign_up(ClientId=client_id, Username="ann", Password=PASSWORD)


def test_sign_up_in_an_email_username_pool_makes_the_sub_the_username(aws: Aws) -> None:
    pool_id = aws.idp.create_user_pool(PoolName="mail", UsernameAttributes=["email"])["UserPool"][
        "Id"
    ]
    client_id = aws.idp.create_user_pool_client(UserPoolId=pool_id, ClientName="c")[
        "UserPoolClient"
    ]["ClientId"]
    sub = aws.idp.sign_up(ClientId=client_id, Username="ann@example.com", Password=PASSWORD)[
        "UserSub"
    ]
    user = aws.idp.admin_get_user(UserPoolId=pool_id, Username="ann@example.com")
    assert user["Username"] == sub


# -- ConfirmSignUp ---------------------------------------------------------------------


def test_confirm_sign_up_confirms_the_user(aws: Aws) -> None:
    aws.sign_up()
    answer = aws.idp.confirm_sign_up(
        ClientId=aws.client_id, Username="ann", ConfirmationCode=aws.code()
    )
    assert set(answer) <= {"ResponseMetadata", "Session"}
    assert status(aws) == "CONFIRMED"


def test_confirm_sign_up_verifies_the_email_the_code_went_to(aws: Aws) -> None:
    aws.confirmed()
    user = aws.idp.admin_get_user(UserPoolId=aws.pool_id, Username="ann")
    assert {"Name": "email_verified", "Value": "true"} in user["UserAttributes"]


def test_confirm_sign_up_with_a_wrong_code_is_code_mismatch(aws: Aws) -> None:
    aws.sign_up()
    wrong = "000000" if aws.code() != "000000" else "111111"
    with aws_error(
        aws.idp.exceptions.CodeMismatchException,
        "Invalid verification code provided, please try again.",
    ):
        aws.idp.confirm_sign_up(ClientId=aws.client_id, Username="ann", ConfirmationCode=wrong)


def test_confirm_sign_up_after_a_day_is_expired_code(aws: Aws) -> None:
    aws.sign_up()
    aws.clock.advance(24 * 3600 + 1)
    with aws_error(
        aws.idp.exceptions.ExpiredCodeException,
        "Invalid code provided, please request a code again.",
    ):
        aws.idp.confirm_sign_up(ClientId=aws.client_id, Username="ann", ConfirmationCode=aws.code())


def test_confirm_sign_up_of_a_confirmed_user_is_not_authorized(aws: Aws) -> None:
    aws.confirmed()
    with aws_error(
        aws.idp.exceptions.NotAuthorizedException,
        "User cannot be confirmed. Current status is CONFIRMED",
    ):
        aws.idp.confirm_sign_up(ClientId=aws.client_id, Username="ann", ConfirmationCode="1")


def test_confirm_sign_up_of_an_unknown_user_is_user_not_found(aws: Aws) -> None:
    with aws_error(
        aws.idp.exceptions.UserNotFoundException, "Username/client id combination not found."
    ):
        aws.idp.confirm_sign_up(ClientId=aws.client_id, Username="nobody", ConfirmationCode="1")


def test_confirm_sign_up_hides_unknown_users_when_the_client_prevents_it(aws: Aws) -> None:
    client_id = aws.new_client("hiding", PreventUserExistenceErrors="ENABLED")
    with aws_error(aws.idp.exceptions.CodeMismatchException):
        aws.idp.confirm_sign_up(ClientId=client_id, Username="nobody", ConfirmationCode="1")


# -- ResendConfirmationCode ------------------------------------------------------------


def test_resend_confirmation_code_answers_where_the_code_went(aws: Aws) -> None:
    aws.sign_up()
    answer = aws.idp.resend_confirmation_code(ClientId=aws.client_id, Username="ann")
    assert answer["CodeDeliveryDetails"] == {
        "Destination": "a***@e***",
        "DeliveryMedium": "EMAIL",
        "AttributeName": "email",
    }


def test_resend_confirmation_code_sends_a_code_that_confirms(aws: Aws) -> None:
    aws.sign_up()
    aws.idp.resend_confirmation_code(ClientId=aws.client_id, Username="ann")
    assert len(aws.svc.outbox.find(to="ann@example.com")) == 2
    aws.idp.confirm_sign_up(ClientId=aws.client_id, Username="ann", ConfirmationCode=aws.code())
    assert status(aws) == "CONFIRMED"


def test_resend_confirmation_code_to_a_confirmed_user_is_invalid_parameter(aws: Aws) -> None:
    aws.confirmed()
    with aws_error(aws.idp.exceptions.InvalidParameterException, "User is already confirmed."):
        aws.idp.resend_confirmation_code(ClientId=aws.client_id, Username="ann")


def test_resend_confirmation_code_to_an_unknown_user_is_user_not_found(aws: Aws) -> None:
    with aws_error(
        aws.idp.exceptions.UserNotFoundException, "Username/client id combination not found."
    ):
        aws.idp.resend_confirmation_code(ClientId=aws.client_id, Username="nobody")


def test_resend_confirmation_code_simulates_delivery_for_hidden_unknown_users(aws: Aws) -> None:
    client_id = aws.new_client("hiding", PreventUserExistenceErrors="ENABLED")
    answer = aws.idp.resend_confirmation_code(ClientId=client_id, Username="nobody")
    assert answer["CodeDeliveryDetails"]["DeliveryMedium"] == "EMAIL"
    assert len(aws.svc.outbox) == 0


def test_resend_confirmation_code_with_an_unknown_client_is_resource_not_found(
    aws: Aws,
) -> None:
    with aws_error(aws.idp.exceptions.ResourceNotFoundException):
        aws.idp.resend_confirmation_code(ClientId=MISSING_CLIENT, Username="ann")

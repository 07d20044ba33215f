"""Passwordless sign-up and signing in right after confirming, through boto3: SignUp
without Password, the Session of SignUp and ConfirmSignUp, InitiateAuth/AdminInitiateAuth
with USER_AUTH and that Session, and the errors of each."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ParamValidationError

from cogkit.testing.srp import SrpClient
from tests.aws.conftest import Aws
from tests.aws.helpers import NEW_PASSWORD, PASSWORD, aws_error

FACTORS = ["PASSWORD", "EMAIL_OTP", "SMS_OTP"]
INVALID = "Invalid session for the user."
EXPIRED = "Invalid session for the user, session is expired."
REFUSED = "Password is required for sign-up in this user pool."


@pytest.fixture
def paws(aws: Aws) -> Aws:
    """The ``aws`` pool allowing passwordless factors and a client allowing USER_AUTH."""
    aws.idp.update_user_pool(
        UserPoolId=aws.pool_id,
        AutoVerifiedAttributes=["email"],
        Policies={"SignInPolicy": {"AllowedFirstAuthFactors": FACTORS}},
    )
    aws.client_id = aws.new_client(
        "choice",
        ExplicitAuthFlows=[
            "ALLOW_USER_AUTH",
            "ALLOW_USER_PASSWORD_AUTH",
            "ALLOW_USER_SRP_AUTH",
            "ALLOW_REFRESH_TOKEN_AUTH",
        ],
    )
    return aws


def sign_up(aws: Aws, username: str = "ann", **extra: Any) -> Any:
    return aws.idp.sign_up(
        ClientId=aws.client_id,
        Username=username,
        UserAttributes=[{"Name": "email", "Value": f"{username}@example.com"}],
        **extra,
    )


def confirm(aws: Aws, username: str = "ann", **extra: Any) -> str:
    """Signs ``username`` up without a password and confirms it; returns the Session."""
    sign_up(aws, username)
    answer = aws.idp.confirm_sign_up(
        ClientId=aws.client_id,
        Username=username,
        ConfirmationCode=aws.code(f"{username}@example.com"),
        **extra,
    )
    session: str = answer["Session"]
    return session


def resume(aws: Aws, session: str, username: str = "ann", **extra: Any) -> Any:
    return aws.idp.initiate_auth(
        ClientId=extra.pop("ClientId", aws.client_id),
        AuthFlow=extra.pop("AuthFlow", "USER_AUTH"),
        AuthParameters={"USERNAME": username},
        Session=session,
        **extra,
    )


def test_sign_up_without_a_password_answers_with_a_session(paws: Aws) -> None:
    answer = sign_up(paws)
    assert answer["UserConfirmed"] is False
    assert answer["CodeDeliveryDetails"]["AttributeName"] == "email"
    assert 20 <= len(answer["Session"]) <= 2048


def test_sign_up_with_a_blank_password_is_passwordless(paws: Aws) -> None:
    sign_up(paws, Password="")
    stored = paws.svc.store.get_user(paws.pool_id, "ann")
    assert stored is not None and stored.password_hash is None


def test_passwordless_sign_up_is_refused_where_the_pool_does_not_allow_it(aws: Aws) -> None:
    with aws_error(aws.idp.exceptions.InvalidParameterException, REFUSED):
        sign_up(aws)
    with aws_error(aws.idp.exceptions.UserNotFoundException):
        aws.idp.admin_get_user(UserPoolId=aws.pool_id, Username="ann")


def test_confirm_sign_up_answers_with_a_session_that_signs_in(paws: Aws) -> None:
    answer = resume(paws, confirm(paws))
    assert answer["AuthenticationResult"]["AccessToken"]
    assert answer["AuthenticationResult"]["RefreshToken"]


def test_confirm_sign_up_takes_sign_ups_session(paws: Aws) -> None:
    signed_up = sign_up(paws)
    answer = paws.idp.confirm_sign_up(
        ClientId=paws.client_id,
        Username="ann",
        ConfirmationCode=paws.code(),
        Session=signed_up["Session"],
    )
    assert resume(paws, answer["Session"])["AuthenticationResult"]


def test_a_client_without_user_auth_gets_no_session(aws: Aws) -> None:
    answer = aws.sign_up()
    assert "Session" not in answer
    confirmed = aws.idp.confirm_sign_up(
        ClientId=aws.client_id, Username="ann", ConfirmationCode=aws.code()
    )
    assert "Session" not in confirmed


def test_admin_initiate_auth_takes_the_session(paws: Aws) -> None:
    answer = paws.idp.admin_initiate_auth(
        UserPoolId=paws.pool_id,
        ClientId=paws.client_id,
        AuthFlow="USER_AUTH",
        AuthParameters={"USERNAME": "ann"},
        Session=confirm(paws),
    )
    assert answer["AuthenticationResult"]["IdToken"]


def test_a_reused_session_is_not_authorized(paws: Aws) -> None:
    session = confirm(paws)
    resume(paws, session)
    with aws_error(paws.idp.exceptions.NotAuthorizedException, INVALID):
        resume(paws, session)


def test_an_expired_session_is_not_authorized(paws: Aws) -> None:
    session = confirm(paws)
    paws.clock.advance(3 * 60)
    with aws_error(paws.idp.exceptions.NotAuthorizedException, EXPIRED):
        resume(paws, session)


def test_a_session_through_another_client_is_not_authorized(paws: Aws) -> None:
    session = confirm(paws)
    other = paws.new_client("second", ExplicitAuthFlows=["ALLOW_USER_AUTH"])
    with aws_error(paws.idp.exceptions.NotAuthorizedException, INVALID):
        resume(paws, session, ClientId=other)
    assert resume(paws, session)["AuthenticationResult"]


def test_a_session_with_another_flow_is_invalid(paws: Aws) -> None:
    session = confirm(paws)
    with aws_error(paws.idp.exceptions.InvalidParameterException):
        paws.idp.initiate_auth(
            ClientId=paws.client_id,
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": "ann", "PASSWORD": PASSWORD},
            Session=session,
        )
    assert resume(paws, session)["AuthenticationResult"]


def test_a_session_with_another_username_is_not_authorized(paws: Aws) -> None:
    session = confirm(paws)
    confirm(paws, "bob")
    with aws_error(paws.idp.exceptions.NotAuthorizedException, INVALID):
        resume(paws, session, "bob")
    assert resume(paws, session)["AuthenticationResult"]


def test_a_too_short_session_is_refused_before_sending(paws: Aws) -> None:
    confirm(paws)
    # botocore refuses it (the model's minimum length is 20); cogkit would too.
    with pytest.raises(ParamValidationError, match="Session"):
        resume(paws, "short")


def test_an_unknown_session_is_not_authorized(paws: Aws) -> None:
    confirm(paws)
    with aws_error(paws.idp.exceptions.NotAuthorizedException, INVALID):
        resume(paws, "s" * 40)


def test_a_blank_password_is_still_invalid_where_a_password_is_set(paws: Aws) -> None:
    confirm(paws)
    with aws_error(paws.idp.exceptions.InvalidParameterException):
        paws.idp.admin_set_user_password(
            UserPoolId=paws.pool_id, Username="ann", Password="", Permanent=True
        )


def test_confirm_sign_up_refuses_a_stale_sign_up_session(paws: Aws) -> None:
    signed_up = sign_up(paws)
    paws.clock.advance(3 * 60)
    with aws_error(paws.idp.exceptions.NotAuthorizedException, EXPIRED):
        paws.idp.confirm_sign_up(
            ClientId=paws.client_id,
            Username="ann",
            ConfirmationCode=paws.code(),
            Session=signed_up["Session"],
        )
    user = paws.idp.admin_get_user(UserPoolId=paws.pool_id, Username="ann")
    assert user["UserStatus"] == "UNCONFIRMED"


# -- the passwordless user -------------------------------------------------------------


def test_password_sign_in_of_a_passwordless_user_is_not_authorized(paws: Aws) -> None:
    confirm(paws)
    with aws_error(paws.idp.exceptions.NotAuthorizedException, "Incorrect username or password."):
        paws.sign_in()


def test_srp_sign_in_of_a_passwordless_user_is_not_authorized(paws: Aws) -> None:
    confirm(paws)
    srp = SrpClient(paws.pool_id, "ann", PASSWORD)
    started = paws.idp.initiate_auth(
        ClientId=paws.client_id, AuthFlow="USER_SRP_AUTH", AuthParameters=srp.auth_parameters()
    )
    with aws_error(paws.idp.exceptions.NotAuthorizedException, "Incorrect username or password."):
        paws.idp.respond_to_auth_challenge(
            ClientId=paws.client_id,
            ChallengeName="PASSWORD_VERIFIER",
            ChallengeResponses=srp.respond(started["ChallengeParameters"], paws.clock.now()),
        )


def test_get_user_auth_factors_of_a_passwordless_user(paws: Aws) -> None:
    tokens = resume(paws, confirm(paws))["AuthenticationResult"]
    factors = paws.idp.get_user_auth_factors(AccessToken=tokens["AccessToken"])
    assert factors["ConfiguredUserAuthFactors"] == ["EMAIL_OTP"]


def test_change_password_without_previous_password_sets_the_first_one(paws: Aws) -> None:
    tokens = resume(paws, confirm(paws))["AuthenticationResult"]
    paws.idp.change_password(AccessToken=tokens["AccessToken"], ProposedPassword=NEW_PASSWORD)
    assert paws.sign_in(password=NEW_PASSWORD)["AccessToken"]
    with aws_error(paws.idp.exceptions.InvalidParameterException):
        paws.idp.change_password(AccessToken=tokens["AccessToken"], ProposedPassword=PASSWORD)


def test_admin_set_user_password_gives_a_passwordless_user_a_password(paws: Aws) -> None:
    confirm(paws)
    paws.idp.admin_set_user_password(
        UserPoolId=paws.pool_id, Username="ann", Password=PASSWORD, Permanent=True
    )
    assert paws.sign_in()["AccessToken"]


def test_list_users_shows_a_passwordless_user(paws: Aws) -> None:
    confirm(paws)
    users = paws.idp.list_users(UserPoolId=paws.pool_id)["Users"]
    assert [(u["Username"], u["UserStatus"]) for u in users] == [("ann", "CONFIRMED")]

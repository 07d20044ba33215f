"""Choice-based sign-in through boto3: the pool's SignInPolicy, USER_AUTH with
AvailableChallenges, one-time codes as first factor, and GetUserAuthFactors."""

from __future__ import annotations

from typing import Any

import pytest

from cogkit.testing.srp import SrpClient
from tests.aws.conftest import Aws
from tests.aws.helpers import PASSWORD, aws_error

FACTORS = ["PASSWORD", "EMAIL_OTP", "SMS_OTP"]


@pytest.fixture
def uaws(aws: Aws) -> Aws:
    """The ``aws`` pool allowing passwordless factors, a USER_AUTH client, a confirmed user."""
    aws.idp.update_user_pool(
        UserPoolId=aws.pool_id,
        AutoVerifiedAttributes=["email"],
        Policies={"SignInPolicy": {"AllowedFirstAuthFactors": FACTORS}},
    )
    aws.client_id = aws.new_client(
        "choice", ExplicitAuthFlows=["ALLOW_USER_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
    )
    aws.confirmed()
    return aws


def user_auth(aws: Aws, **params: str) -> Any:
    return aws.idp.initiate_auth(
        ClientId=aws.client_id,
        AuthFlow="USER_AUTH",
        AuthParameters={"USERNAME": "ann", **params},
    )


def test_the_sign_in_policy_shows_in_describe_user_pool(uaws: Aws) -> None:
    pool = uaws.idp.describe_user_pool(UserPoolId=uaws.pool_id)["UserPool"]
    assert pool["Policies"]["SignInPolicy"] == {"AllowedFirstAuthFactors": FACTORS}


def test_a_sign_in_policy_without_password_is_refused(aws: Aws) -> None:
    with aws_error(aws.idp.exceptions.InvalidParameterException):
        aws.idp.update_user_pool(
            UserPoolId=aws.pool_id,
            Policies={"SignInPolicy": {"AllowedFirstAuthFactors": ["EMAIL_OTP"]}},
        )


def test_initiate_auth_user_auth_lists_the_available_challenges(uaws: Aws) -> None:
    answer = user_auth(uaws)
    assert answer["ChallengeName"] == "SELECT_CHALLENGE"
    assert answer["AvailableChallenges"] == ["PASSWORD", "PASSWORD_SRP", "EMAIL_OTP"]
    assert answer["Session"]


def test_initiate_auth_user_auth_with_a_preferred_password_signs_in(uaws: Aws) -> None:
    answer = user_auth(uaws, PREFERRED_CHALLENGE="PASSWORD", PASSWORD=PASSWORD)
    assert answer["AuthenticationResult"]["AccessToken"]


def test_respond_to_auth_challenge_select_challenge_with_srp(uaws: Aws) -> None:
    srp = SrpClient(uaws.pool_id, "ann", PASSWORD)
    chosen = uaws.idp.respond_to_auth_challenge(
        ClientId=uaws.client_id,
        ChallengeName="SELECT_CHALLENGE",
        Session=user_auth(uaws)["Session"],
        ChallengeResponses={
            "USERNAME": "ann",
            "ANSWER": "PASSWORD_SRP",
            "SRP_A": srp.auth_parameters()["SRP_A"],
        },
    )
    assert chosen["ChallengeName"] == "PASSWORD_VERIFIER"
    done = uaws.idp.respond_to_auth_challenge(
        ClientId=uaws.client_id,
        ChallengeName="PASSWORD_VERIFIER",
        ChallengeResponses=srp.respond(chosen["ChallengeParameters"], uaws.clock.now()),
    )
    assert done["AuthenticationResult"]["IdToken"]


def test_an_email_code_as_first_factor_through_boto3(uaws: Aws) -> None:
    challenge = user_auth(uaws, PREFERRED_CHALLENGE="EMAIL_OTP")
    assert challenge["ChallengeName"] == "EMAIL_OTP"
    assert challenge["ChallengeParameters"]["CODE_DELIVERY_DELIVERY_MEDIUM"] == "EMAIL"
    code = uaws.code()
    with aws_error(uaws.idp.exceptions.CodeMismatchException):
        uaws.idp.respond_to_auth_challenge(
            ClientId=uaws.client_id,
            ChallengeName="EMAIL_OTP",
            Session=challenge["Session"],
            ChallengeResponses={
                "USERNAME": "ann",
                "EMAIL_OTP_CODE": "000000" if code != "000000" else "111111",
            },
        )
    done = uaws.idp.respond_to_auth_challenge(
        ClientId=uaws.client_id,
        ChallengeName="EMAIL_OTP",
        Session=challenge["Session"],
        ChallengeResponses={"USERNAME": "ann", "EMAIL_OTP_CODE": code},
    )
    assert done["AuthenticationResult"]["AccessToken"]


def test_user_auth_on_a_client_without_it_is_refused(aws: Aws) -> None:
    aws.confirmed()
    with aws_error(aws.idp.exceptions.InvalidParameterException):
        user_auth(aws)


# -- GetUserAuthFactors --------------------------------------------------------------------


def test_get_user_auth_factors_lists_the_users_factors(uaws: Aws) -> None:
    token = user_auth(uaws, PREFERRED_CHALLENGE="PASSWORD", PASSWORD=PASSWORD)[
        "AuthenticationResult"
    ]["AccessToken"]
    answer = uaws.idp.get_user_auth_factors(AccessToken=token)
    assert answer["Username"] == "ann"
    assert answer["ConfiguredUserAuthFactors"] == ["PASSWORD", "EMAIL_OTP"]
    assert "UserMFASettingList" not in answer
    assert "PreferredMfaSetting" not in answer


def test_get_user_auth_factors_shows_mfa_settings(aws: Aws) -> None:
    aws.idp.set_user_pool_mfa_config(
        UserPoolId=aws.pool_id,
        SmsMfaConfiguration={"SmsAuthenticationMessage": "Code {####}"},
        MfaConfiguration="OPTIONAL",
    )
    token = aws.access_token()
    aws.idp.update_user_attributes(
        AccessToken=token, UserAttributes=[{"Name": "phone_number", "Value": "+15550001234"}]
    )
    aws.idp.set_user_mfa_preference(
        AccessToken=token, SMSMfaSettings={"Enabled": True, "PreferredMfa": True}
    )
    answer = aws.idp.get_user_auth_factors(AccessToken=token)
    assert answer["UserMFASettingList"] == ["SMS_MFA"]
    assert answer["PreferredMfaSetting"] == "SMS_MFA"
    assert answer["ConfiguredUserAuthFactors"] == ["PASSWORD"]


def test_get_user_auth_factors_with_a_bad_token_is_refused(aws: Aws) -> None:
    with aws_error(aws.idp.exceptions.NotAuthorizedException):
        aws.idp.get_user_auth_factors(AccessToken="not.a.token")

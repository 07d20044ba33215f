"""MFA through boto3: SetUserPoolMfaConfig, GetUserPoolMfaConfig, AssociateSoftwareToken,
VerifySoftwareToken, SetUserMFAPreference, AdminSetUserMFAPreference, SetUserSettings,
AdminSetUserSettings, and the MFA challenges of sign-in."""

from __future__ import annotations

import json
from typing import Any

import pytest

from cogkit.testing import totp_code
from tests.aws.conftest import Aws
from tests.aws.helpers import PASSWORD, aws_error

PHONE = "+15550001234"
SNS = {"SnsCallerArn": "arn:aws:iam::123456789012:role/cognito-sms", "ExternalId": "x"}
SES = {
    "EmailSendingAccount": "DEVELOPER",
    "SourceArn": "arn:aws:ses:eu-west-1:123456789012:identity/example.com",
}


@pytest.fixture
def maws(aws: Aws) -> Aws:
    """The ``aws`` pool with SMS and TOTP MFA offered, MFA optional."""
    aws.idp.set_user_pool_mfa_config(
        UserPoolId=aws.pool_id,
        SmsMfaConfiguration={"SmsAuthenticationMessage": "Code {####}", "SmsConfiguration": SNS},
        SoftwareTokenMfaConfiguration={"Enabled": True},
        MfaConfiguration="OPTIONAL",
    )
    return aws


def phone_user(aws: Aws, username: str = "ann") -> None:
    aws.confirmed(username, f"{username}@example.com")
    aws.idp.admin_update_user_attributes(
        UserPoolId=aws.pool_id,
        Username=username,
        UserAttributes=[{"Name": "phone_number", "Value": PHONE}],
    )


def start(aws: Aws, username: str = "ann") -> Any:
    return aws.idp.initiate_auth(
        ClientId=aws.client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": username, "PASSWORD": PASSWORD},
    )


def with_totp(aws: Aws, username: str = "ann") -> str:
    """A verified, enabled and preferred software token; the clock moves on a step."""
    token = aws.sign_in(username)["AccessToken"]
    secret: str = aws.idp.associate_software_token(AccessToken=token)["SecretCode"]
    aws.idp.verify_software_token(
        AccessToken=token, UserCode=totp_code(secret, aws.clock.now()), FriendlyDeviceName="phone"
    )
    aws.idp.set_user_mfa_preference(
        AccessToken=token, SoftwareTokenMfaSettings={"Enabled": True, "PreferredMfa": True}
    )
    aws.clock.advance(30)
    return secret


# -- SetUserPoolMfaConfig / GetUserPoolMfaConfig -----------------------------------------------


def test_set_user_pool_mfa_config_answers_the_configuration(aws: Aws) -> None:
    answer = aws.idp.set_user_pool_mfa_config(
        UserPoolId=aws.pool_id,
        SoftwareTokenMfaConfiguration={"Enabled": True},
        MfaConfiguration="ON",
    )
    assert answer["MfaConfiguration"] == "ON"
    assert answer["SoftwareTokenMfaConfiguration"] == {"Enabled": True}
    assert "SmsMfaConfiguration" not in answer


def test_set_user_pool_mfa_config_on_without_a_factor_is_refused(aws: Aws) -> None:
    with aws_error(aws.idp.exceptions.InvalidParameterException):
        aws.idp.set_user_pool_mfa_config(UserPoolId=aws.pool_id, MfaConfiguration="ON")


def test_set_user_pool_mfa_config_email_needs_ses(aws: Aws) -> None:
    with aws_error(aws.idp.exceptions.InvalidParameterException):
        aws.idp.set_user_pool_mfa_config(
            UserPoolId=aws.pool_id,
            EmailMfaConfiguration={"Message": "Code {####}", "Subject": "Code"},
        )


def test_set_user_pool_mfa_config_email_needs_the_essentials_tier(aws: Aws) -> None:
    pool_id = aws.idp.create_user_pool(
        PoolName="lite", UserPoolTier="LITE", EmailConfiguration=SES
    )["UserPool"]["Id"]
    with aws_error(aws.idp.exceptions.FeatureUnavailableInTierException):
        aws.idp.set_user_pool_mfa_config(
            UserPoolId=pool_id,
            EmailMfaConfiguration={"Message": "Code {####}", "Subject": "Code"},
        )


def test_set_user_pool_mfa_config_sets_the_passkey_configuration(aws: Aws) -> None:
    given = {"RelyingPartyId": "example.com", "UserVerification": "required"}
    answer = aws.idp.set_user_pool_mfa_config(UserPoolId=aws.pool_id, WebAuthnConfiguration=given)
    assert answer["WebAuthnConfiguration"] == {**given, "FactorConfiguration": "SINGLE_FACTOR"}
    shown = aws.idp.get_user_pool_mfa_config(UserPoolId=aws.pool_id)["WebAuthnConfiguration"]
    assert shown == answer["WebAuthnConfiguration"]


def test_set_user_pool_mfa_config_resets_passkey_settings_it_leaves_out(aws: Aws) -> None:
    aws.idp.set_user_pool_mfa_config(
        UserPoolId=aws.pool_id,
        WebAuthnConfiguration={"RelyingPartyId": "example.com", "UserVerification": "required"},
    )
    answer = aws.idp.set_user_pool_mfa_config(
        UserPoolId=aws.pool_id, WebAuthnConfiguration={"RelyingPartyId": "example.com"}
    )
    assert answer["WebAuthnConfiguration"]["UserVerification"] == "preferred"


def test_set_user_pool_mfa_config_refuses_an_unknown_user_verification(aws: Aws) -> None:
    with aws_error(aws.idp.exceptions.InvalidParameterException):
        aws.idp.set_user_pool_mfa_config(
            UserPoolId=aws.pool_id, WebAuthnConfiguration={"UserVerification": "sometimes"}
        )


def test_set_user_pool_mfa_config_turns_off_the_factors_it_leaves_out(maws: Aws) -> None:
    maws.idp.set_user_pool_mfa_config(
        UserPoolId=maws.pool_id, SoftwareTokenMfaConfiguration={"Enabled": True}
    )
    answer = maws.idp.get_user_pool_mfa_config(UserPoolId=maws.pool_id)
    assert "SmsMfaConfiguration" not in answer
    assert answer["MfaConfiguration"] == "OPTIONAL"


def test_get_user_pool_mfa_config_shows_every_factor(maws: Aws) -> None:
    answer = maws.idp.get_user_pool_mfa_config(UserPoolId=maws.pool_id)
    assert answer["SmsMfaConfiguration"] == {
        "SmsAuthenticationMessage": "Code {####}",
        "SmsConfiguration": SNS,
    }
    assert answer["SoftwareTokenMfaConfiguration"] == {"Enabled": True}
    assert answer["MfaConfiguration"] == "OPTIONAL"
    described = maws.idp.describe_user_pool(UserPoolId=maws.pool_id)["UserPool"]
    assert described["MfaConfiguration"] == "OPTIONAL"


def test_get_user_pool_mfa_config_of_a_new_pool_is_off(aws: Aws) -> None:
    answer = aws.idp.get_user_pool_mfa_config(UserPoolId=aws.pool_id)
    assert answer["MfaConfiguration"] == "OFF"
    assert answer["SoftwareTokenMfaConfiguration"] == {"Enabled": False}


def test_get_user_pool_mfa_config_of_an_unknown_pool_is_not_found(aws: Aws) -> None:
    with aws_error(aws.idp.exceptions.ResourceNotFoundException):
        aws.idp.get_user_pool_mfa_config(UserPoolId="eu-west-1_missing00")


def test_get_user_pool_mfa_config_shows_email_mfa(aws: Aws) -> None:
    pool_id = aws.idp.create_user_pool(PoolName="mail", EmailConfiguration=SES)["UserPool"]["Id"]
    aws.idp.set_user_pool_mfa_config(
        UserPoolId=pool_id,
        EmailMfaConfiguration={"Message": "Code {####}", "Subject": "Your code"},
        MfaConfiguration="ON",
    )
    answer = aws.idp.get_user_pool_mfa_config(UserPoolId=pool_id)
    assert answer["EmailMfaConfiguration"] == {"Message": "Code {####}", "Subject": "Your code"}


def test_create_user_pool_with_mfa_on_needs_an_sms_configuration(aws: Aws) -> None:
    with aws_error(aws.idp.exceptions.InvalidParameterException):
        aws.idp.create_user_pool(PoolName="mfa", MfaConfiguration="ON")
    made = aws.idp.create_user_pool(PoolName="mfa", MfaConfiguration="ON", SmsConfiguration=SNS)
    pool_id = made["UserPool"]["Id"]
    assert aws.idp.get_user_pool_mfa_config(UserPoolId=pool_id)["SmsMfaConfiguration"]


# -- AssociateSoftwareToken / VerifySoftwareToken ----------------------------------------------


def test_associate_software_token_gives_a_52_character_secret(maws: Aws) -> None:
    token = maws.access_token()
    answer = maws.idp.associate_software_token(AccessToken=token)
    assert len(answer["SecretCode"]) == 52
    assert "Session" not in answer


def test_associate_software_token_without_pool_totp_is_refused(aws: Aws) -> None:
    token = aws.access_token()
    with aws_error(
        aws.idp.exceptions.SoftwareTokenMFANotFoundException,
        "Software Token MFA has not been enabled by the userPool",
    ):
        aws.idp.associate_software_token(AccessToken=token)


def test_associate_software_token_needs_a_token_or_a_session(maws: Aws) -> None:
    with aws_error(maws.idp.exceptions.InvalidParameterException):
        maws.idp.associate_software_token()


def test_associate_software_token_with_an_unknown_session_is_refused(maws: Aws) -> None:
    with aws_error(maws.idp.exceptions.NotAuthorizedException):
        maws.idp.associate_software_token(Session="x" * 40)


def test_verify_software_token_with_the_right_code_succeeds(maws: Aws) -> None:
    token = maws.access_token()
    secret = maws.idp.associate_software_token(AccessToken=token)["SecretCode"]
    answer = maws.idp.verify_software_token(
        AccessToken=token, UserCode=totp_code(secret, maws.clock.now())
    )
    assert answer["Status"] == "SUCCESS"
    assert "Session" not in answer


def test_verify_software_token_with_a_wrong_code_is_refused(maws: Aws) -> None:
    token = maws.access_token()
    secret = maws.idp.associate_software_token(AccessToken=token)["SecretCode"]
    right = totp_code(secret, maws.clock.now())
    with aws_error(
        maws.idp.exceptions.EnableSoftwareTokenMFAException,
        "Code mismatch and fail enable Software Token MFA",
    ):
        maws.idp.verify_software_token(
            AccessToken=token, UserCode="000000" if right != "000000" else "111111"
        )


def test_verify_software_token_code_must_be_six_digits(maws: Aws) -> None:
    token = maws.access_token()
    with aws_error(maws.idp.exceptions.InvalidParameterException):
        maws.idp.verify_software_token(AccessToken=token, UserCode="12ab56")


def test_associate_software_token_and_verify_software_token_set_mfa_up(aws: Aws) -> None:
    aws.idp.set_user_pool_mfa_config(
        UserPoolId=aws.pool_id,
        SoftwareTokenMfaConfiguration={"Enabled": True},
        MfaConfiguration="ON",
    )
    aws.confirmed()
    challenge = start(aws)
    assert challenge["ChallengeName"] == "MFA_SETUP"
    assert json.loads(challenge["ChallengeParameters"]["MFAS_CAN_SETUP"]) == ["SOFTWARE_TOKEN_MFA"]
    made = aws.idp.associate_software_token(Session=challenge["Session"])
    verified = aws.idp.verify_software_token(
        Session=made["Session"],
        UserCode=totp_code(made["SecretCode"], aws.clock.now()),
        FriendlyDeviceName="phone",
    )
    assert verified["Status"] == "SUCCESS"
    done = aws.idp.respond_to_auth_challenge(
        ClientId=aws.client_id,
        ChallengeName="MFA_SETUP",
        Session=verified["Session"],
        ChallengeResponses={"USERNAME": "ann"},
    )
    assert done["AuthenticationResult"]["AccessToken"]
    user = aws.idp.admin_get_user(UserPoolId=aws.pool_id, Username="ann")
    assert user["UserMFASettingList"] == ["SOFTWARE_TOKEN_MFA"]
    assert user["PreferredMfaSetting"] == "SOFTWARE_TOKEN_MFA"


# -- SetUserMFAPreference / AdminSetUserMFAPreference -----------------------------------------


def test_set_user_mfa_preference_enables_sms(maws: Aws) -> None:
    phone_user(maws)
    token = maws.sign_in()["AccessToken"]
    maws.idp.set_user_mfa_preference(
        AccessToken=token, SMSMfaSettings={"Enabled": True, "PreferredMfa": True}
    )
    user = maws.idp.get_user(AccessToken=token)
    assert user["UserMFASettingList"] == ["SMS_MFA"]
    assert user["PreferredMfaSetting"] == "SMS_MFA"


def test_set_user_mfa_preference_without_a_verified_token_is_refused(maws: Aws) -> None:
    token = maws.access_token()
    with aws_error(
        maws.idp.exceptions.InvalidParameterException, "User has not verified software token mfa"
    ):
        maws.idp.set_user_mfa_preference(
            AccessToken=token, SoftwareTokenMfaSettings={"Enabled": True}
        )


def test_set_user_mfa_preference_refuses_passkey_mfa_where_passkeys_are_one_factor(
    maws: Aws,
) -> None:
    token = maws.access_token()
    with aws_error(maws.idp.exceptions.InvalidParameterException):
        maws.idp.set_user_mfa_preference(AccessToken=token, WebAuthnMfaSettings={"Enabled": True})


def test_admin_set_user_mfa_preference_sets_sms(maws: Aws) -> None:
    phone_user(maws)
    maws.idp.admin_set_user_mfa_preference(
        UserPoolId=maws.pool_id, Username="ann", SMSMfaSettings={"Enabled": True}
    )
    user = maws.idp.admin_get_user(UserPoolId=maws.pool_id, Username="ann")
    assert user["UserMFASettingList"] == ["SMS_MFA"]
    assert "PreferredMfaSetting" not in user


def test_admin_set_user_mfa_preference_without_a_phone_is_refused(maws: Aws) -> None:
    maws.confirmed()
    with aws_error(
        maws.idp.exceptions.InvalidParameterException,
        "User does not have delivery config set to turn on SMS_MFA",
    ):
        maws.idp.admin_set_user_mfa_preference(
            UserPoolId=maws.pool_id, Username="ann", SMSMfaSettings={"Enabled": True}
        )


def test_admin_set_user_mfa_preference_of_an_unknown_user_is_not_found(maws: Aws) -> None:
    with aws_error(maws.idp.exceptions.UserNotFoundException):
        maws.idp.admin_set_user_mfa_preference(
            UserPoolId=maws.pool_id, Username="ghost", SMSMfaSettings={"Enabled": True}
        )


# -- SetUserSettings / AdminSetUserSettings (legacy) --------------------------------------------


def test_set_user_settings_turns_sms_mfa_on(maws: Aws) -> None:
    phone_user(maws)
    token = maws.sign_in()["AccessToken"]
    maws.idp.set_user_settings(
        AccessToken=token, MFAOptions=[{"DeliveryMedium": "SMS", "AttributeName": "phone_number"}]
    )
    assert maws.idp.get_user(AccessToken=token)["UserMFASettingList"] == ["SMS_MFA"]


def test_set_user_settings_with_email_is_refused(maws: Aws) -> None:
    token = maws.access_token()
    with aws_error(maws.idp.exceptions.InvalidParameterException):
        maws.idp.set_user_settings(
            AccessToken=token, MFAOptions=[{"DeliveryMedium": "EMAIL", "AttributeName": "email"}]
        )


def test_admin_set_user_settings_turns_sms_mfa_off(maws: Aws) -> None:
    phone_user(maws)
    maws.idp.admin_set_user_mfa_preference(
        UserPoolId=maws.pool_id, Username="ann", SMSMfaSettings={"Enabled": True}
    )
    maws.idp.admin_set_user_settings(UserPoolId=maws.pool_id, Username="ann", MFAOptions=[])
    user = maws.idp.admin_get_user(UserPoolId=maws.pool_id, Username="ann")
    assert "UserMFASettingList" not in user


def test_admin_set_user_settings_of_an_unknown_user_is_not_found(maws: Aws) -> None:
    with aws_error(maws.idp.exceptions.UserNotFoundException):
        maws.idp.admin_set_user_settings(UserPoolId=maws.pool_id, Username="ghost", MFAOptions=[])


# -- the challenges ------------------------------------------------------------------------------


def test_sms_mfa_challenge_through_boto3(maws: Aws) -> None:
    phone_user(maws)
    maws.idp.admin_set_user_mfa_preference(
        UserPoolId=maws.pool_id, Username="ann", SMSMfaSettings={"Enabled": True}
    )
    challenge = start(maws)
    assert challenge["ChallengeName"] == "SMS_MFA"
    assert challenge["ChallengeParameters"] == {
        "USER_ID_FOR_SRP": "ann",
        "CODE_DELIVERY_DELIVERY_MEDIUM": "SMS",
        "CODE_DELIVERY_DESTINATION": "+*******1234",
    }
    message = maws.svc.outbox.last(to=PHONE)
    assert message.text == f"Code {message.code}"
    with aws_error(maws.idp.exceptions.CodeMismatchException):
        maws.idp.respond_to_auth_challenge(
            ClientId=maws.client_id,
            ChallengeName="SMS_MFA",
            Session=challenge["Session"],
            ChallengeResponses={
                "USERNAME": "ann",
                "SMS_MFA_CODE": "000000" if message.code != "000000" else "111111",
            },
        )
    done = maws.idp.respond_to_auth_challenge(
        ClientId=maws.client_id,
        ChallengeName="SMS_MFA",
        Session=challenge["Session"],
        ChallengeResponses={"USERNAME": "ann", "SMS_MFA_CODE": message.code},
    )
    assert done["AuthenticationResult"]["IdToken"]
    attributes = maws.idp.admin_get_user(UserPoolId=maws.pool_id, Username="ann")["UserAttributes"]
    assert {"Name": "phone_number_verified", "Value": "true"} in attributes


def test_software_token_mfa_challenge_through_boto3(maws: Aws) -> None:
    maws.confirmed()
    secret = with_totp(maws)
    challenge = start(maws)
    assert challenge["ChallengeName"] == "SOFTWARE_TOKEN_MFA"
    assert challenge["ChallengeParameters"]["FRIENDLY_DEVICE_NAME"] == "phone"
    code = totp_code(secret, maws.clock.now())
    done = maws.idp.respond_to_auth_challenge(
        ClientId=maws.client_id,
        ChallengeName="SOFTWARE_TOKEN_MFA",
        Session=challenge["Session"],
        ChallengeResponses={"USERNAME": "ann", "SOFTWARE_TOKEN_MFA_CODE": code},
    )
    assert done["AuthenticationResult"]["AccessToken"]
    replay = start(maws)
    with aws_error(maws.idp.exceptions.CodeMismatchException):
        maws.idp.respond_to_auth_challenge(
            ClientId=maws.client_id,
            ChallengeName="SOFTWARE_TOKEN_MFA",
            Session=replay["Session"],
            ChallengeResponses={"USERNAME": "ann", "SOFTWARE_TOKEN_MFA_CODE": code},
        )


def test_select_mfa_type_through_boto3(maws: Aws) -> None:
    phone_user(maws)
    token = maws.sign_in()["AccessToken"]
    secret = maws.idp.associate_software_token(AccessToken=token)["SecretCode"]
    maws.idp.verify_software_token(AccessToken=token, UserCode=totp_code(secret, maws.clock.now()))
    maws.idp.set_user_mfa_preference(
        AccessToken=token,
        SoftwareTokenMfaSettings={"Enabled": True},
        SMSMfaSettings={"Enabled": True},
    )
    challenge = start(maws)
    assert challenge["ChallengeName"] == "SELECT_MFA_TYPE"
    assert (
        challenge["ChallengeParameters"]["MFAS_CAN_CHOOSE"] == '["SMS_MFA", "SOFTWARE_TOKEN_MFA"]'
    )
    chosen = maws.idp.respond_to_auth_challenge(
        ClientId=maws.client_id,
        ChallengeName="SELECT_MFA_TYPE",
        Session=challenge["Session"],
        ChallengeResponses={"USERNAME": "ann", "ANSWER": "SMS_MFA"},
    )
    assert chosen["ChallengeName"] == "SMS_MFA"


def test_an_unknown_mfa_choice_is_mfa_method_not_found(maws: Aws) -> None:
    phone_user(maws)
    secret = with_totp(maws)
    maws.idp.admin_set_user_mfa_preference(
        UserPoolId=maws.pool_id,
        Username="ann",
        SMSMfaSettings={"Enabled": True},
        SoftwareTokenMfaSettings={"Enabled": True, "PreferredMfa": False},
    )
    challenge = start(maws)
    assert secret and challenge["ChallengeName"] == "SELECT_MFA_TYPE"
    with aws_error(maws.idp.exceptions.MFAMethodNotFoundException):
        maws.idp.respond_to_auth_challenge(
            ClientId=maws.client_id,
            ChallengeName="SELECT_MFA_TYPE",
            Session=challenge["Session"],
            ChallengeResponses={"USERNAME": "ann", "ANSWER": "EMAIL_OTP"},
        )


def test_admin_initiate_auth_is_challenged_for_mfa(maws: Aws) -> None:
    maws.confirmed()
    secret = with_totp(maws)
    challenge = maws.idp.admin_initiate_auth(
        UserPoolId=maws.pool_id,
        ClientId=maws.client_id,
        AuthFlow="ADMIN_USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "ann", "PASSWORD": PASSWORD},
    )
    assert challenge["ChallengeName"] == "SOFTWARE_TOKEN_MFA"
    done = maws.idp.admin_respond_to_auth_challenge(
        UserPoolId=maws.pool_id,
        ClientId=maws.client_id,
        ChallengeName="SOFTWARE_TOKEN_MFA",
        Session=challenge["Session"],
        ChallengeResponses={
            "USERNAME": "ann",
            "SOFTWARE_TOKEN_MFA_CODE": totp_code(secret, maws.clock.now()),
        },
    )
    assert done["AuthenticationResult"]["AccessToken"]


# -- AdminGetUserAuthFactors / AdminDeleteSoftwareToken ----------------------------------------


def test_admin_get_user_auth_factors_tells_what_the_user_is_told(maws: Aws) -> None:
    maws.confirmed()
    token = maws.sign_in()["AccessToken"]
    with_totp(maws)
    answer = maws.idp.admin_get_user_auth_factors(UserPoolId=maws.pool_id, Username="ann")
    own = maws.idp.get_user_auth_factors(AccessToken=token)
    for member in ("Username", "PreferredMfaSetting", "UserMFASettingList"):
        assert answer[member] == own[member]
    assert answer["PreferredMfaSetting"] == "SOFTWARE_TOKEN_MFA"
    assert answer["UserMFASettingList"] == ["SOFTWARE_TOKEN_MFA"]
    assert answer["ConfiguredUserAuthFactors"] == ["PASSWORD"]


def test_admin_get_user_auth_factors_of_an_unknown_user_is_not_found(maws: Aws) -> None:
    with aws_error(maws.idp.exceptions.UserNotFoundException):
        maws.idp.admin_get_user_auth_factors(UserPoolId=maws.pool_id, Username="nobody")


def test_admin_delete_software_token_forgets_the_authenticator(maws: Aws) -> None:
    maws.confirmed()
    with_totp(maws)
    assert maws.idp.admin_delete_software_token(UserPoolId=maws.pool_id, Username="ann")
    factors = maws.idp.admin_get_user_auth_factors(UserPoolId=maws.pool_id, Username="ann")
    assert "UserMFASettingList" not in factors and "PreferredMfaSetting" not in factors
    # No TOTP challenge any more, and TOTP cannot be turned back on without a new one.
    token = start(maws)["AuthenticationResult"]["AccessToken"]
    with aws_error(
        maws.idp.exceptions.InvalidParameterException, "User has not verified software token mfa"
    ):
        maws.idp.set_user_mfa_preference(
            AccessToken=token, SoftwareTokenMfaSettings={"Enabled": True}
        )
    # A new authenticator can be set up.
    secret = maws.idp.associate_software_token(AccessToken=token)["SecretCode"]
    verified = maws.idp.verify_software_token(
        AccessToken=token, UserCode=totp_code(secret, maws.clock.now())
    )
    assert verified["Status"] == "SUCCESS"


def test_admin_delete_software_token_keeps_other_factors(maws: Aws) -> None:
    phone_user(maws)
    with_totp(maws)
    maws.idp.admin_set_user_mfa_preference(
        UserPoolId=maws.pool_id, Username="ann", SMSMfaSettings={"Enabled": True}
    )
    maws.idp.admin_delete_software_token(UserPoolId=maws.pool_id, Username="ann")
    factors = maws.idp.admin_get_user_auth_factors(UserPoolId=maws.pool_id, Username="ann")
    assert factors["UserMFASettingList"] == ["SMS_MFA"]
    assert start(maws)["ChallengeName"] == "SMS_MFA"


def test_admin_delete_software_token_in_a_pool_requiring_mfa_leads_to_set_up(maws: Aws) -> None:
    maws.confirmed()
    with_totp(maws)
    maws.idp.set_user_pool_mfa_config(
        UserPoolId=maws.pool_id,
        SoftwareTokenMfaConfiguration={"Enabled": True},
        MfaConfiguration="ON",
    )
    maws.idp.admin_delete_software_token(UserPoolId=maws.pool_id, Username="ann")
    assert start(maws)["ChallengeName"] == "MFA_SETUP"


def test_admin_delete_software_token_without_one_is_not_found(maws: Aws) -> None:
    maws.confirmed()
    with aws_error(
        maws.idp.exceptions.ResourceNotFoundException, "The user has no software token to delete."
    ):
        maws.idp.admin_delete_software_token(UserPoolId=maws.pool_id, Username="ann")


def test_admin_delete_software_token_of_an_unknown_user_is_not_found(maws: Aws) -> None:
    with aws_error(maws.idp.exceptions.UserNotFoundException):
        maws.idp.admin_delete_software_token(UserPoolId=maws.pool_id, Username="nobody")

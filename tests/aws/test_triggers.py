"""Lambda triggers through boto3: pools configured with ``LambdaConfig`` ARNs whose
handlers are bound with ``svc.register_lambda``, every trigger source, and the three
trigger errors on the wire."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest

from cogkit import Cognito, FrozenClock
from cogkit.testing import make_cognito
from cogkit.testing.srp import SrpClient
from tests.aws.helpers import ACCOUNT, NEW_PASSWORD, PASSWORD, REGION, START, aws_error
from tests.helpers import Recorder, caller

TRIGGERS = (
    "PreSignUp",
    "CustomMessage",
    "PostConfirmation",
    "PreAuthentication",
    "PostAuthentication",
    "DefineAuthChallenge",
    "CreateAuthChallenge",
    "VerifyAuthChallengeResponse",
    "PreTokenGeneration",
    "UserMigration",
    "CustomSMSSender",
    "CustomEmailSender",
)
KMS = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
FLOWS = [
    "ALLOW_USER_PASSWORD_AUTH",
    "ALLOW_ADMIN_USER_PASSWORD_AUTH",
    "ALLOW_REFRESH_TOKEN_AUTH",
    "ALLOW_CUSTOM_AUTH",
    "ALLOW_USER_SRP_AUTH",
]
#: Small enough that the timeout test is quick, large enough for any real handler here.
TIMEOUT = 0.5


def arn(name: str) -> str:
    return f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{name}"


@pytest.fixture
def svc() -> Iterator[Cognito]:
    made = make_cognito(region=REGION, clock=FrozenClock(START), trigger_timeout=TIMEOUT)
    yield made
    made.close()


class Lambdas:
    """One Lambda function (a ``Recorder``) per trigger, bound to its ARN."""

    def __init__(self, svc: Cognito) -> None:
        self.svc = svc
        self.handlers: dict[str, Recorder] = {}
        for name in TRIGGERS:
            self.handlers[name] = svc.register_lambda(arn(name), Recorder())

    def __getitem__(self, name: str) -> Recorder:
        return self.handlers[name]

    def config(self, *names: str, **extra: Any) -> dict[str, Any]:
        """A ``LambdaConfig`` naming the ARNs of ``names``."""
        out: dict[str, Any] = {}
        for name in names:
            if name in ("CustomSMSSender", "CustomEmailSender"):
                out[name] = {"LambdaVersion": "V1_0", "LambdaArn": arn(name)}
                out["KMSKeyID"] = KMS
            else:
                out[name] = arn(name)
        return {**out, **extra}


class Pool:
    """A pool made through boto3 with a LambdaConfig, a client and the usual steps."""

    def __init__(self, idp: Any, svc: Cognito, lambda_config: dict[str, Any]) -> None:
        self.idp = idp
        self.svc = svc
        self.id = idp.create_user_pool(
            PoolName="app", AutoVerifiedAttributes=["email"], LambdaConfig=lambda_config
        )["UserPool"]["Id"]
        self.client_id = idp.create_user_pool_client(
            UserPoolId=self.id, ClientName="web", ExplicitAuthFlows=FLOWS
        )["UserPoolClient"]["ClientId"]

    def code(self, to: str = "ann@example.com") -> str:
        code = self.svc.outbox.last(to=to).code
        assert code is not None
        return code

    def sign_up(self, username: str = "ann", **extra: Any) -> Any:
        return self.idp.sign_up(
            ClientId=self.client_id,
            Username=username,
            Password=PASSWORD,
            UserAttributes=[{"Name": "email", "Value": f"{username}@example.com"}],
            **extra,
        )

    def confirmed(self, username: str = "ann") -> None:
        self.sign_up(username)
        self.idp.admin_update_user_attributes(
            UserPoolId=self.id,
            Username=username,
            UserAttributes=[{"Name": "email_verified", "Value": "true"}],
        )
        self.idp.admin_confirm_sign_up(UserPoolId=self.id, Username=username)

    def sign_in(self, username: str = "ann", password: str = PASSWORD, **extra: Any) -> Any:
        return self.idp.initiate_auth(
            ClientId=self.client_id,
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": username, "PASSWORD": password},
            **extra,
        )

    def sub(self, username: str = "ann") -> str:
        attributes = self.idp.admin_get_user(UserPoolId=self.id, Username=username)[
            "UserAttributes"
        ]
        return next(a["Value"] for a in attributes if a["Name"] == "sub")


@pytest.fixture
def lambdas(svc: Cognito) -> Lambdas:
    return Lambdas(svc)


def envelope(pool: Pool, source: str, client_id: str | None, user: str = "ann") -> dict[str, Any]:
    return {
        "version": "1",
        "triggerSource": source,
        "region": REGION,
        "userPoolId": pool.id,
        "userName": user,
        "callerContext": caller(client_id),
    }


# -- configuration ---------------------------------------------------------------------


def test_create_user_pool_keeps_the_lambda_config(idp: Any, lambdas: Lambdas) -> None:
    given = lambdas.config(
        "PreSignUp",
        "CustomMessage",
        "PostConfirmation",
        "PreAuthentication",
        "PostAuthentication",
        "DefineAuthChallenge",
        "CreateAuthChallenge",
        "VerifyAuthChallengeResponse",
        "UserMigration",
        "CustomSMSSender",
        "CustomEmailSender",
        PreTokenGenerationConfig={"LambdaVersion": "V2_0", "LambdaArn": arn("PreTokenGeneration")},
    )
    made = idp.create_user_pool(PoolName="app", LambdaConfig=given)["UserPool"]
    expected = {**given, "PreTokenGeneration": arn("PreTokenGeneration")}
    assert made["LambdaConfig"] == expected
    described = idp.describe_user_pool(UserPoolId=made["Id"])["UserPool"]
    assert described["LambdaConfig"] == expected
    listed = idp.list_user_pools(MaxResults=10)["UserPools"][0]
    assert listed["LambdaConfig"] == expected


def test_create_user_pool_reads_the_legacy_pre_token_generation_as_v1(idp: Any) -> None:
    made = idp.create_user_pool(
        PoolName="app", LambdaConfig={"PreTokenGeneration": arn("PreTokenGeneration")}
    )["UserPool"]
    assert made["LambdaConfig"] == {
        "PreTokenGeneration": arn("PreTokenGeneration"),
        "PreTokenGenerationConfig": {
            "LambdaVersion": "V1_0",
            "LambdaArn": arn("PreTokenGeneration"),
        },
    }


def test_create_user_pool_refuses_two_different_pre_token_lambdas(idp: Any) -> None:
    with aws_error(idp.exceptions.InvalidParameterException) as info:
        idp.create_user_pool(
            PoolName="app",
            LambdaConfig={
                "PreTokenGeneration": arn("one"),
                "PreTokenGenerationConfig": {"LambdaVersion": "V2_0", "LambdaArn": arn("two")},
            },
        )
    assert "PreTokenGenerationConfig" in info.value.response["Error"]["Message"]


def test_create_user_pool_refuses_a_custom_sender_without_a_kms_key(idp: Any) -> None:
    with aws_error(
        idp.exceptions.InvalidParameterException,
        "KMSKeyID is required when a custom sender Lambda is configured.",
    ):
        idp.create_user_pool(
            PoolName="app",
            LambdaConfig={
                "CustomEmailSender": {"LambdaVersion": "V1_0", "LambdaArn": arn("sender")}
            },
        )


def test_create_user_pool_refuses_a_malformed_lambda_arn(idp: Any) -> None:
    with aws_error(idp.exceptions.InvalidParameterException) as info:
        idp.create_user_pool(
            PoolName="app", LambdaConfig={"PreSignUp": "this-is-not-a-lambda-arn-at-all"}
        )
    assert "lambdaConfig.preSignUp" in info.value.response["Error"]["Message"]


def test_update_user_pool_replaces_the_whole_lambda_config(idp: Any, lambdas: Lambdas) -> None:
    pool_id = idp.create_user_pool(
        PoolName="app", LambdaConfig=lambdas.config("PreSignUp", "PostConfirmation")
    )["UserPool"]["Id"]
    idp.update_user_pool(UserPoolId=pool_id, LambdaConfig=lambdas.config("CustomMessage"))
    described = idp.describe_user_pool(UserPoolId=pool_id)["UserPool"]
    assert described["LambdaConfig"] == {"CustomMessage": arn("CustomMessage")}


def test_update_user_pool_without_lambda_config_removes_every_trigger(
    idp: Any, lambdas: Lambdas
) -> None:
    pool = Pool(idp, lambdas.svc, lambdas.config("PreSignUp"))
    idp.update_user_pool(UserPoolId=pool.id)
    assert idp.describe_user_pool(UserPoolId=pool.id)["UserPool"]["LambdaConfig"] == {}
    pool.sign_up()
    assert lambdas["PreSignUp"].events == []


# -- sign-up and confirmation ----------------------------------------------------------


def test_sign_up_runs_pre_sign_up_custom_message_and_post_confirmation(
    idp: Any, lambdas: Lambdas
) -> None:
    pool = Pool(idp, lambdas.svc, lambdas.config("PreSignUp", "CustomMessage", "PostConfirmation"))
    lambdas["CustomMessage"].response = {"emailMessage": "Hello! {####}"}
    pool.sign_up(ValidationData=[{"Name": "captcha", "Value": "ok"}], ClientMetadata={"lang": "fr"})
    assert lambdas["PreSignUp"].event == {
        **envelope(pool, "PreSignUp_SignUp", pool.client_id),
        "request": {
            "userAttributes": {"email": "ann@example.com"},
            "validationData": {"captcha": "ok"},
            "clientMetadata": {"lang": "fr"},
        },
        "response": {"autoConfirmUser": False, "autoVerifyEmail": False, "autoVerifyPhone": False},
    }
    assert lambdas["CustomMessage"].sources == ["CustomMessage_SignUp"]
    assert lambdas.svc.outbox.last(to="ann@example.com").text == f"Hello! {pool.code()}"
    idp.confirm_sign_up(
        ClientId=pool.client_id,
        Username="ann",
        ConfirmationCode=pool.code(),
        ClientMetadata={"k": "v"},
    )
    assert lambdas["PostConfirmation"].event == {
        **envelope(pool, "PostConfirmation_ConfirmSignUp", pool.client_id),
        "request": {
            "userAttributes": {
                "sub": pool.sub(),
                "email": "ann@example.com",
                "email_verified": "true",
                "cognito:user_status": "CONFIRMED",
            },
            "clientMetadata": {"k": "v"},
        },
        "response": {},
    }


def test_sign_up_auto_confirmed_by_pre_sign_up_answers_user_confirmed(
    idp: Any, lambdas: Lambdas
) -> None:
    pool = Pool(idp, lambdas.svc, lambdas.config("PreSignUp", "PostConfirmation"))
    lambdas["PreSignUp"].response = {"autoConfirmUser": True, "autoVerifyEmail": True}
    answer = pool.sign_up()
    assert answer["UserConfirmed"] is True and "CodeDeliveryDetails" not in answer
    assert lambdas["PostConfirmation"].sources == ["PostConfirmation_ConfirmSignUp"]
    assert pool.sign_in()["AuthenticationResult"]["AccessToken"]


def test_sign_up_refused_by_pre_sign_up_is_user_lambda_validation(
    idp: Any, lambdas: Lambdas
) -> None:
    pool = Pool(idp, lambdas.svc, lambdas.config("PreSignUp"))
    lambdas["PreSignUp"].error = ValueError("Domain not allowed")
    with aws_error(
        idp.exceptions.UserLambdaValidationException,
        "PreSignUp failed with error Domain not allowed.",
    ):
        pool.sign_up()
    with aws_error(idp.exceptions.UserNotFoundException):
        idp.admin_get_user(UserPoolId=pool.id, Username="ann")


def test_sign_up_with_junk_from_the_trigger_is_invalid_lambda_response(
    idp: Any, lambdas: Lambdas
) -> None:
    pool = Pool(idp, lambdas.svc, lambdas.config("CustomMessage"))
    lambdas["CustomMessage"].response = {"emailMessage": "no code here"}
    with aws_error(idp.exceptions.InvalidLambdaResponseException):
        pool.sign_up()
    assert len(lambdas.svc.outbox) == 0


def test_sign_up_past_the_trigger_timeout_is_unexpected_lambda(idp: Any, svc: Cognito) -> None:
    release = threading.Event()

    def hang(event: dict[str, Any], context: Any) -> dict[str, Any]:
        release.wait(5)
        return event

    svc.register_lambda(arn("slow"), hang)
    pool = Pool(idp, svc, {"PreSignUp": arn("slow")})
    try:
        with aws_error(
            idp.exceptions.UnexpectedLambdaException,
            "PreSignUp invocation failed due to error Socket timeout while invoking Lambda "
            "function.",
        ):
            pool.sign_up()
    finally:
        release.set()
    with aws_error(idp.exceptions.UserNotFoundException):
        idp.admin_get_user(UserPoolId=pool.id, Username="ann")


def test_sign_up_with_an_arn_nobody_registered_is_unexpected_lambda(idp: Any, svc: Cognito) -> None:
    pool = Pool(idp, svc, {"PreSignUp": arn("missing")})
    with aws_error(idp.exceptions.UnexpectedLambdaException):
        pool.sign_up()


def test_admin_confirm_sign_up_runs_post_confirmation_without_a_client(
    idp: Any, lambdas: Lambdas
) -> None:
    pool = Pool(idp, lambdas.svc, lambdas.config("PostConfirmation"))
    pool.sign_up()
    idp.admin_confirm_sign_up(UserPoolId=pool.id, Username="ann", ClientMetadata={"by": "ops"})
    assert lambdas["PostConfirmation"].event == {
        **envelope(pool, "PostConfirmation_ConfirmSignUp", None),
        "request": {
            "userAttributes": {
                "sub": pool.sub(),
                "email": "ann@example.com",
                "cognito:user_status": "CONFIRMED",
            },
            "clientMetadata": {"by": "ops"},
        },
        "response": {},
    }


def test_admin_confirm_sign_up_refused_by_post_confirmation_leaves_the_user(
    idp: Any, lambdas: Lambdas
) -> None:
    pool = Pool(idp, lambdas.svc, lambdas.config("PostConfirmation"))
    pool.sign_up()
    lambdas["PostConfirmation"].error = ValueError("no")
    with aws_error(idp.exceptions.UserLambdaValidationException):
        idp.admin_confirm_sign_up(UserPoolId=pool.id, Username="ann")
    user = idp.admin_get_user(UserPoolId=pool.id, Username="ann")
    assert user["UserStatus"] == "UNCONFIRMED"


def test_resend_confirmation_code_runs_custom_message_resend_code(
    idp: Any, lambdas: Lambdas
) -> None:
    pool = Pool(idp, lambdas.svc, lambdas.config("CustomMessage"))
    pool.sign_up()
    idp.resend_confirmation_code(ClientId=pool.client_id, Username="ann")
    assert lambdas["CustomMessage"].sources == ["CustomMessage_SignUp", "CustomMessage_ResendCode"]


def test_admin_create_user_runs_pre_sign_up_and_custom_message(idp: Any, lambdas: Lambdas) -> None:
    pool = Pool(idp, lambdas.svc, lambdas.config("PreSignUp", "CustomMessage"))
    lambdas["CustomMessage"].response = {"emailMessage": "{username}: {####}"}
    idp.admin_create_user(
        UserPoolId=pool.id,
        Username="bob",
        UserAttributes=[{"Name": "email", "Value": "bob@example.com"}],
        TemporaryPassword="Temporary-pass-1",
        DesiredDeliveryMediums=["EMAIL"],
        ClientMetadata={"k": "v"},
    )
    assert lambdas["PreSignUp"].event["triggerSource"] == "PreSignUp_AdminCreateUser"
    assert lambdas["PreSignUp"].event["callerContext"] == caller(None)
    custom = lambdas["CustomMessage"].event
    assert custom["triggerSource"] == "CustomMessage_AdminCreateUser"
    assert custom["request"]["usernameParameter"] == "{username}"
    assert lambdas.svc.outbox.last(to="bob@example.com").text == "bob: Temporary-pass-1"


def test_admin_create_user_refused_by_pre_sign_up_creates_nobody(
    idp: Any, lambdas: Lambdas
) -> None:
    pool = Pool(idp, lambdas.svc, lambdas.config("PreSignUp"))
    lambdas["PreSignUp"].error = ValueError("no")
    with aws_error(idp.exceptions.UserLambdaValidationException, "PreSignUp failed with error no."):
        idp.admin_create_user(UserPoolId=pool.id, Username="bob")
    with aws_error(idp.exceptions.UserNotFoundException):
        idp.admin_get_user(UserPoolId=pool.id, Username="bob")


# -- passwords and attributes ----------------------------------------------------------


def test_forgot_password_runs_custom_message_and_the_reset_post_confirmation(
    idp: Any, lambdas: Lambdas
) -> None:
    pool = Pool(idp, lambdas.svc, lambdas.config("CustomMessage", "PostConfirmation"))
    pool.confirmed()
    idp.forgot_password(ClientId=pool.client_id, Username="ann", ClientMetadata={"k": "v"})
    assert lambdas["CustomMessage"].events[-1]["triggerSource"] == "CustomMessage_ForgotPassword"
    assert lambdas["CustomMessage"].events[-1]["request"]["clientMetadata"] == {"k": "v"}
    idp.confirm_forgot_password(
        ClientId=pool.client_id, Username="ann", ConfirmationCode=pool.code(), Password=NEW_PASSWORD
    )
    assert lambdas["PostConfirmation"].sources[-1] == "PostConfirmation_ConfirmForgotPassword"


def test_confirm_forgot_password_refused_by_post_confirmation_keeps_the_password(
    idp: Any, lambdas: Lambdas
) -> None:
    pool = Pool(idp, lambdas.svc, lambdas.config("PostConfirmation"))
    pool.confirmed()
    idp.forgot_password(ClientId=pool.client_id, Username="ann")
    lambdas["PostConfirmation"].error = ValueError("no")
    with aws_error(idp.exceptions.UserLambdaValidationException):
        idp.confirm_forgot_password(
            ClientId=pool.client_id,
            Username="ann",
            ConfirmationCode=pool.code(),
            Password=NEW_PASSWORD,
        )
    assert pool.sign_in(password=PASSWORD)["AuthenticationResult"]


def test_update_user_attributes_and_get_user_attribute_verification_code_run_custom_message(
    idp: Any, lambdas: Lambdas
) -> None:
    pool = Pool(idp, lambdas.svc, lambdas.config("CustomMessage"))
    pool.confirmed()
    token = pool.sign_in()["AuthenticationResult"]["AccessToken"]
    idp.update_user_attributes(
        AccessToken=token, UserAttributes=[{"Name": "email", "Value": "new@example.com"}]
    )
    idp.get_user_attribute_verification_code(AccessToken=token, AttributeName="email")
    assert lambdas["CustomMessage"].sources[-2:] == [
        "CustomMessage_UpdateUserAttribute",
        "CustomMessage_VerifyUserAttribute",
    ]


def test_custom_email_sender_replaces_delivery(idp: Any, lambdas: Lambdas) -> None:
    pool = Pool(idp, lambdas.svc, lambdas.config("CustomEmailSender"))
    pool.sign_up()
    event = lambdas["CustomEmailSender"].event
    assert event["triggerSource"] == "CustomEmailSender_SignUp"
    assert event["request"]["type"] == "customEmailSenderRequestV1"
    assert len(lambdas.svc.outbox) == 0
    idp.confirm_sign_up(
        ClientId=pool.client_id, Username="ann", ConfirmationCode=event["request"]["code"]
    )


def test_custom_sms_sender_replaces_sms_delivery(idp: Any, lambdas: Lambdas) -> None:
    pool_id = idp.create_user_pool(
        PoolName="sms",
        AutoVerifiedAttributes=["phone_number"],
        LambdaConfig=lambdas.config("CustomSMSSender"),
    )["UserPool"]["Id"]
    client_id = idp.create_user_pool_client(UserPoolId=pool_id, ClientName="web")["UserPoolClient"][
        "ClientId"
    ]
    answer = idp.sign_up(
        ClientId=client_id,
        Username="ann",
        Password=PASSWORD,
        UserAttributes=[{"Name": "phone_number", "Value": "+15555550100"}],
    )
    assert answer["CodeDeliveryDetails"]["DeliveryMedium"] == "SMS"
    event = lambdas["CustomSMSSender"].event
    assert event["triggerSource"] == "CustomSMSSender_SignUp"
    assert event["request"]["type"] == "customSMSSenderRequestV1"
    assert event["request"]["userAttributes"]["phone_number"] == "+15555550100"
    assert len(lambdas.svc.outbox) == 0


# -- sign-in ---------------------------------------------------------------------------


def test_initiate_auth_runs_the_authentication_and_token_triggers(
    idp: Any, lambdas: Lambdas
) -> None:
    pool = Pool(
        idp,
        lambdas.svc,
        lambdas.config("PreAuthentication", "PostAuthentication", "PreTokenGeneration"),
    )
    pool.confirmed()
    lambdas["PreTokenGeneration"].response = {
        "claimsOverrideDetails": {"claimsToAddOrOverride": {"tenant": "acme"}}
    }
    result = pool.sign_in(ClientMetadata={"device": "tv"})["AuthenticationResult"]
    attributes = {
        "sub": pool.sub(),
        "email": "ann@example.com",
        "email_verified": "true",
        "cognito:user_status": "CONFIRMED",
    }
    assert lambdas["PreAuthentication"].event == {
        **envelope(pool, "PreAuthentication_Authentication", pool.client_id),
        "request": {"userAttributes": attributes, "validationData": {"device": "tv"}},
        "response": {},
    }
    assert lambdas["PostAuthentication"].event == {
        **envelope(pool, "PostAuthentication_Authentication", pool.client_id),
        "request": {"userAttributes": attributes},
        "response": {},
    }
    assert lambdas["PreTokenGeneration"].event["triggerSource"] == "TokenGeneration_Authentication"
    claims = lambdas.svc.user_pool(pool.id).verify(result["IdToken"], token_use="id")
    assert claims["tenant"] == "acme"


def test_initiate_auth_refused_by_pre_authentication_is_user_lambda_validation(
    idp: Any, lambdas: Lambdas
) -> None:
    pool = Pool(idp, lambdas.svc, lambdas.config("PreAuthentication"))
    pool.confirmed()
    lambdas["PreAuthentication"].error = ValueError("blocked")
    with aws_error(
        idp.exceptions.UserLambdaValidationException,
        "PreAuthentication failed with error blocked.",
    ):
        pool.sign_in()


def test_initiate_auth_with_the_refresh_token_runs_only_pre_token_generation(
    idp: Any, lambdas: Lambdas
) -> None:
    pool = Pool(
        idp,
        lambdas.svc,
        lambdas.config("PreAuthentication", "PostAuthentication", "PreTokenGeneration"),
    )
    pool.confirmed()
    refresh = pool.sign_in()["AuthenticationResult"]["RefreshToken"]
    idp.initiate_auth(
        ClientId=pool.client_id,
        AuthFlow="REFRESH_TOKEN_AUTH",
        AuthParameters={"REFRESH_TOKEN": refresh},
    )
    assert lambdas["PreTokenGeneration"].sources == [
        "TokenGeneration_Authentication",
        "TokenGeneration_RefreshTokens",
    ]
    assert len(lambdas["PreAuthentication"].events) == 1
    assert len(lambdas["PostAuthentication"].events) == 1


def test_initiate_auth_with_v2_pre_token_generation_customizes_the_access_token(
    idp: Any, lambdas: Lambdas
) -> None:
    pool = Pool(
        idp,
        lambdas.svc,
        {
            "PreTokenGenerationConfig": {
                "LambdaVersion": "V2_0",
                "LambdaArn": arn("PreTokenGeneration"),
            }
        },
    )
    pool.confirmed()
    lambdas["PreTokenGeneration"].response = {
        "claimsAndScopeOverrideDetails": {
            "accessTokenGeneration": {
                "claimsToAddOrOverride": {"roles": ["editor"]},
                "scopesToAdd": ["orders/read"],
            }
        }
    }
    access = pool.sign_in()["AuthenticationResult"]["AccessToken"]
    claims = lambdas.svc.user_pool(pool.id).verify(access, token_use="access")
    assert claims["roles"] == ["editor"]
    assert claims["scope"] == "aws.cognito.signin.user.admin orders/read"
    assert lambdas["PreTokenGeneration"].event["version"] == "2"


def test_admin_initiate_auth_with_a_protected_claim_is_invalid_lambda_response(
    idp: Any, lambdas: Lambdas
) -> None:
    pool = Pool(idp, lambdas.svc, lambdas.config("PreTokenGeneration"))
    pool.confirmed()
    lambdas["PreTokenGeneration"].response = {
        "claimsOverrideDetails": {"claimsToAddOrOverride": {"sub": "someone-else"}}
    }
    with aws_error(idp.exceptions.InvalidLambdaResponseException):
        idp.admin_initiate_auth(
            UserPoolId=pool.id,
            ClientId=pool.client_id,
            AuthFlow="ADMIN_USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": "ann", "PASSWORD": PASSWORD},
        )


def test_respond_to_auth_challenge_new_password_has_its_own_token_source(
    idp: Any, lambdas: Lambdas
) -> None:
    pool = Pool(idp, lambdas.svc, lambdas.config("PreTokenGeneration"))
    idp.admin_create_user(
        UserPoolId=pool.id,
        Username="bob",
        TemporaryPassword="Temporary-pass-1",
        MessageAction="SUPPRESS",
    )
    challenge = pool.sign_in("bob", "Temporary-pass-1")
    idp.respond_to_auth_challenge(
        ClientId=pool.client_id,
        ChallengeName="NEW_PASSWORD_REQUIRED",
        Session=challenge["Session"],
        ChallengeResponses={"USERNAME": "bob", "NEW_PASSWORD": NEW_PASSWORD},
        ClientMetadata={"step": "2"},
    )
    event = lambdas["PreTokenGeneration"].event
    assert event["triggerSource"] == "TokenGeneration_NewPasswordChallenge"
    assert event["request"]["clientMetadata"] == {"step": "2"}


def test_initiate_auth_migrates_an_unknown_user(idp: Any, lambdas: Lambdas) -> None:
    pool = Pool(idp, lambdas.svc, lambdas.config("UserMigration"))
    lambdas["UserMigration"].response = {
        "userAttributes": {"email": "ann@example.com", "email_verified": "true"},
        "finalUserStatus": "CONFIRMED",
        "messageAction": "SUPPRESS",
    }
    result = pool.sign_in(password="old")
    assert result["AuthenticationResult"]["AccessToken"]
    event = lambdas["UserMigration"].event
    assert event["triggerSource"] == "UserMigration_Authentication"
    assert event["request"] == {"password": "old", "validationData": None}
    user = idp.admin_get_user(UserPoolId=pool.id, Username="ann")
    assert user["UserStatus"] == "CONFIRMED"


def test_forgot_password_migrates_an_unknown_user(idp: Any, lambdas: Lambdas) -> None:
    pool = Pool(idp, lambdas.svc, lambdas.config("UserMigration"))
    lambdas["UserMigration"].response = {
        "userAttributes": {"email": "ann@example.com", "email_verified": "true"},
        "messageAction": "SUPPRESS",
    }
    delivery = idp.forgot_password(ClientId=pool.client_id, Username="ann")["CodeDeliveryDetails"]
    assert delivery["DeliveryMedium"] == "EMAIL"
    assert lambdas["UserMigration"].event["triggerSource"] == "UserMigration_ForgotPassword"
    user = idp.admin_get_user(UserPoolId=pool.id, Username="ann")
    assert user["UserStatus"] == "RESET_REQUIRED"


# -- CUSTOM_AUTH -----------------------------------------------------------------------


def quiz(lambdas: Lambdas) -> None:
    """Define asks one question (after the SRP step when there is one)."""

    def define(event: dict[str, Any], context: Any) -> dict[str, Any]:
        session = event["request"]["session"]
        last = session[-1] if session else None
        if last and last["challengeName"] == "SRP_A":
            event["response"]["challengeName"] = "PASSWORD_VERIFIER"
        elif last and last["challengeName"] == "CUSTOM_CHALLENGE":
            event["response"]["issueTokens"] = last["challengeResult"]
            event["response"]["failAuthentication"] = not last["challengeResult"]
        else:
            event["response"]["challengeName"] = "CUSTOM_CHALLENGE"
        return event

    def verify(event: dict[str, Any], context: Any) -> dict[str, Any]:
        request = event["request"]
        event["response"]["answerCorrect"] = (
            request["challengeAnswer"] == request["privateChallengeParameters"]["answer"]
        )
        return event

    lambdas.svc.register_lambda(arn("DefineAuthChallenge"), define)
    lambdas.svc.register_lambda(arn("VerifyAuthChallengeResponse"), verify)
    lambdas["CreateAuthChallenge"].response = {
        "publicChallengeParameters": {"question": "2+2"},
        "privateChallengeParameters": {"answer": "4"},
        "challengeMetadata": "MATH",
    }


def custom_pool(idp: Any, lambdas: Lambdas) -> Pool:
    quiz(lambdas)
    pool = Pool(
        idp,
        lambdas.svc,
        lambdas.config("DefineAuthChallenge", "CreateAuthChallenge", "VerifyAuthChallengeResponse"),
    )
    pool.confirmed()
    return pool


def test_initiate_auth_custom_auth_answers_the_created_challenge(
    idp: Any, lambdas: Lambdas
) -> None:
    pool = custom_pool(idp, lambdas)
    challenge = idp.initiate_auth(
        ClientId=pool.client_id, AuthFlow="CUSTOM_AUTH", AuthParameters={"USERNAME": "ann"}
    )
    assert challenge["ChallengeName"] == "CUSTOM_CHALLENGE"
    assert challenge["ChallengeParameters"] == {"question": "2+2", "USERNAME": "ann"}
    result = idp.respond_to_auth_challenge(
        ClientId=pool.client_id,
        ChallengeName="CUSTOM_CHALLENGE",
        Session=challenge["Session"],
        ChallengeResponses={"USERNAME": "ann", "ANSWER": "4"},
    )
    assert result["AuthenticationResult"]["AccessToken"]


def test_respond_to_auth_challenge_with_a_wrong_answer_fails(idp: Any, lambdas: Lambdas) -> None:
    pool = custom_pool(idp, lambdas)
    challenge = idp.initiate_auth(
        ClientId=pool.client_id, AuthFlow="CUSTOM_AUTH", AuthParameters={"USERNAME": "ann"}
    )
    with aws_error(idp.exceptions.NotAuthorizedException, "Incorrect username or password."):
        idp.respond_to_auth_challenge(
            ClientId=pool.client_id,
            ChallengeName="CUSTOM_CHALLENGE",
            Session=challenge["Session"],
            ChallengeResponses={"USERNAME": "ann", "ANSWER": "5"},
        )


def test_admin_initiate_auth_and_admin_respond_run_custom_auth(idp: Any, lambdas: Lambdas) -> None:
    pool = custom_pool(idp, lambdas)
    challenge = idp.admin_initiate_auth(
        UserPoolId=pool.id,
        ClientId=pool.client_id,
        AuthFlow="CUSTOM_AUTH",
        AuthParameters={"USERNAME": "ann"},
    )
    result = idp.admin_respond_to_auth_challenge(
        UserPoolId=pool.id,
        ClientId=pool.client_id,
        ChallengeName="CUSTOM_CHALLENGE",
        Session=challenge["Session"],
        ChallengeResponses={"USERNAME": "ann", "ANSWER": "4"},
    )
    assert result["AuthenticationResult"]["IdToken"]


def test_custom_auth_with_srp_a_starts_with_the_password_verifier(
    idp: Any, lambdas: Lambdas
) -> None:
    pool = custom_pool(idp, lambdas)
    srp = SrpClient(pool.id, "ann", PASSWORD)
    verifier = idp.initiate_auth(
        ClientId=pool.client_id,
        AuthFlow="CUSTOM_AUTH",
        AuthParameters={"USERNAME": "ann", "CHALLENGE_NAME": "SRP_A", "SRP_A": srp.start()},
    )
    assert verifier["ChallengeName"] == "PASSWORD_VERIFIER"
    challenge = idp.respond_to_auth_challenge(
        ClientId=pool.client_id,
        ChallengeName="PASSWORD_VERIFIER",
        ChallengeResponses=srp.respond(verifier["ChallengeParameters"], lambdas.svc.clock.now()),
    )
    assert challenge["ChallengeName"] == "CUSTOM_CHALLENGE"
    result = idp.respond_to_auth_challenge(
        ClientId=pool.client_id,
        ChallengeName="CUSTOM_CHALLENGE",
        Session=challenge["Session"],
        ChallengeResponses={"USERNAME": "ann", "ANSWER": "4"},
    )
    assert result["AuthenticationResult"]["AccessToken"]


def test_initiate_auth_custom_auth_without_triggers_is_invalid_parameter(
    idp: Any, svc: Cognito
) -> None:
    pool = Pool(idp, svc, {})
    pool.confirmed()
    with aws_error(
        idp.exceptions.InvalidParameterException,
        "Custom auth lambda trigger is not configured for the user pool.",
    ):
        idp.initiate_auth(
            ClientId=pool.client_id, AuthFlow="CUSTOM_AUTH", AuthParameters={"USERNAME": "ann"}
        )

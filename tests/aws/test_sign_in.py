"""Sign-in through boto3: InitiateAuth, AdminInitiateAuth, RespondToAuthChallenge,
AdminRespondToAuthChallenge, RevokeToken."""

from __future__ import annotations

import json
from typing import Any

import pytest

from cogkit import secret_hash
from tests.aws.conftest import Aws
from tests.aws.helpers import NEW_PASSWORD, PASSWORD, REGION, aws_error

MISSING_CLIENT = "a" * 26
TEMPORARY = "Temporary-pass-1"


def password_auth(aws: Aws, username: str = "ann", password: str = PASSWORD, **extra: str) -> Any:
    return aws.idp.initiate_auth(
        ClientId=aws.client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": username, "PASSWORD": password, **extra},
    )


def admin_auth(aws: Aws, username: str = "ann", password: str = PASSWORD) -> Any:
    return aws.idp.admin_initiate_auth(
        UserPoolId=aws.pool_id,
        ClientId=aws.client_id,
        AuthFlow="ADMIN_USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": username, "PASSWORD": password},
    )


def refresh(aws: Aws, token: str, flow: str = "REFRESH_TOKEN_AUTH") -> Any:
    return aws.idp.initiate_auth(
        ClientId=aws.client_id, AuthFlow=flow, AuthParameters={"REFRESH_TOKEN": token}
    )


def new_password_challenge(aws: Aws, username: str = "bob") -> Any:
    aws.invited(username, TEMPORARY)
    return admin_auth(aws, username, TEMPORARY)


def answer_new_password(aws: Aws, session: str, username: str = "bob", **extra: str) -> Any:
    return aws.idp.respond_to_auth_challenge(
        ClientId=aws.client_id,
        ChallengeName="NEW_PASSWORD_REQUIRED",
        Session=session,
        ChallengeResponses={"USERNAME": username, "NEW_PASSWORD": NEW_PASSWORD, **extra},
    )


# -- InitiateAuth ----------------------------------------------------------------------


def test_initiate_auth_with_a_password_answers_tokens(aws: Aws) -> None:
    aws.confirmed()
    answer = password_auth(aws)
    assert answer["ChallengeParameters"] == {}
    assert "ChallengeName" not in answer
    assert "Session" not in answer
    result = answer["AuthenticationResult"]
    assert set(result) == {"AccessToken", "IdToken", "RefreshToken", "ExpiresIn", "TokenType"}
    assert result["ExpiresIn"] == 3600
    assert result["TokenType"] == "Bearer"


def test_initiate_auth_tokens_verify_against_the_pool(aws: Aws) -> None:
    aws.confirmed()
    result = password_auth(aws)["AuthenticationResult"]
    pool = aws.svc.user_pool(aws.pool_id)
    access = pool.verify(result["AccessToken"], token_use="access", client_id=aws.client_id)
    identity = pool.verify(result["IdToken"], token_use="id", client_id=aws.client_id)
    assert access["username"] == "ann"
    assert identity["email"] == "ann@example.com"
    assert identity["iss"] == f"https://cognito-idp.{REGION}.amazonaws.com/{aws.pool_id}"


def test_initiate_auth_expires_in_follows_the_client_validity(aws: Aws) -> None:
    aws.confirmed()
    aws.idp.update_user_pool_client(
        UserPoolId=aws.pool_id,
        ClientId=aws.client_id,
        ClientName="web",
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
        AccessTokenValidity=2,
    )
    assert password_auth(aws)["AuthenticationResult"]["ExpiresIn"] == 7200


def test_initiate_auth_refresh_answers_tokens_without_a_refresh_token(aws: Aws) -> None:
    token = aws.session()["RefreshToken"]
    result = refresh(aws, token)["AuthenticationResult"]
    assert set(result) == {"AccessToken", "IdToken", "ExpiresIn", "TokenType"}


def test_initiate_auth_refresh_token_is_a_synonym_of_refresh_token_auth(aws: Aws) -> None:
    token = aws.session()["RefreshToken"]
    assert "AccessToken" in refresh(aws, token, "REFRESH_TOKEN")["AuthenticationResult"]


def test_initiate_auth_with_an_invalid_refresh_token_is_not_authorized(aws: Aws) -> None:
    with aws_error(aws.idp.exceptions.NotAuthorizedException, "Invalid Refresh Token"):
        refresh(aws, "a.b.c.d.e")


def test_initiate_auth_refresh_after_expiry_is_not_authorized(aws: Aws) -> None:
    token = aws.session()["RefreshToken"]
    aws.clock.advance(30 * 86400 + 1)
    with aws_error(aws.idp.exceptions.NotAuthorizedException, "Refresh Token has expired"):
        refresh(aws, token)


def test_initiate_auth_with_a_wrong_password_is_not_authorized(aws: Aws) -> None:
    aws.confirmed()
    with aws_error(aws.idp.exceptions.NotAuthorizedException, "Incorrect username or password."):
        password_auth(aws, password="Wrong-horse-1")


def test_initiate_auth_of_an_unknown_user_is_user_not_found(aws: Aws) -> None:
    with aws_error(aws.idp.exceptions.UserNotFoundException, "User does not exist."):
        password_auth(aws, "nobody")


def test_initiate_auth_hides_unknown_users_when_the_client_prevents_it(aws: Aws) -> None:
    client_id = aws.new_client("hiding", PreventUserExistenceErrors="ENABLED")
    with aws_error(aws.idp.exceptions.NotAuthorizedException, "Incorrect username or password."):
        aws.idp.initiate_auth(
            ClientId=client_id,
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": "nobody", "PASSWORD": PASSWORD},
        )


def test_initiate_auth_of_an_unconfirmed_user_is_user_not_confirmed(aws: Aws) -> None:
    aws.sign_up()
    with aws_error(aws.idp.exceptions.UserNotConfirmedException, "User is not confirmed."):
        password_auth(aws)


def test_initiate_auth_of_a_disabled_user_is_not_authorized(aws: Aws) -> None:
    aws.confirmed()
    aws.idp.admin_disable_user(UserPoolId=aws.pool_id, Username="ann")
    with aws_error(aws.idp.exceptions.NotAuthorizedException, "User is disabled."):
        password_auth(aws)


def test_initiate_auth_locks_out_after_five_failures(aws: Aws) -> None:
    aws.confirmed()
    for _ in range(5):
        with aws_error(aws.idp.exceptions.NotAuthorizedException):
            password_auth(aws, password="Wrong-horse-1")
    with aws_error(aws.idp.exceptions.NotAuthorizedException, "Password attempts exceeded"):
        password_auth(aws)


def test_initiate_auth_with_a_flow_the_client_forbids_is_invalid_parameter(aws: Aws) -> None:
    client_id = aws.new_client("srp-only", ExplicitAuthFlows=["ALLOW_USER_SRP_AUTH"])
    with aws_error(
        aws.idp.exceptions.InvalidParameterException,
        "USER_PASSWORD_AUTH flow not enabled for this client",
    ):
        aws.idp.initiate_auth(
            ClientId=client_id,
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": "ann", "PASSWORD": PASSWORD},
        )


def test_initiate_auth_refuses_the_admin_flow(aws: Aws) -> None:
    with aws_error(
        aws.idp.exceptions.InvalidParameterException, "Initiate Auth method not supported."
    ):
        aws.idp.initiate_auth(
            ClientId=aws.client_id,
            AuthFlow="ADMIN_USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": "ann", "PASSWORD": PASSWORD},
        )


def test_initiate_auth_without_the_password_is_invalid_parameter(aws: Aws) -> None:
    with aws_error(
        aws.idp.exceptions.InvalidParameterException, "Missing required parameter PASSWORD"
    ):
        aws.idp.initiate_auth(
            ClientId=aws.client_id,
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": "ann"},
        )


def test_initiate_auth_with_an_unknown_flow_is_invalid_parameter(aws: Aws) -> None:
    with aws_error(aws.idp.exceptions.InvalidParameterException) as info:
        aws.idp.initiate_auth(ClientId=aws.client_id, AuthFlow="MAGIC_AUTH")
    assert info.value.response["Error"]["Message"].startswith(
        "1 validation error detected: Value 'MAGIC_AUTH' at 'authFlow' failed to satisfy "
        "constraint: Member must satisfy enum value set: ["
    )


def test_initiate_auth_with_an_unknown_client_is_resource_not_found(aws: Aws) -> None:
    with aws_error(
        aws.idp.exceptions.ResourceNotFoundException,
        f"User pool client {MISSING_CLIENT} does not exist.",
    ):
        aws.idp.initiate_auth(
            ClientId=MISSING_CLIENT,
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": "ann", "PASSWORD": PASSWORD},
        )


def test_initiate_auth_with_a_secret_client_needs_the_secret_hash(aws: Aws) -> None:
    client_id = aws.new_client("secret", GenerateSecret=True)
    aws.confirmed()
    with aws_error(
        aws.idp.exceptions.NotAuthorizedException,
        f"Client {client_id} is configured for secret but secret was not received",
    ):
        aws.idp.initiate_auth(
            ClientId=client_id,
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": "ann", "PASSWORD": PASSWORD},
        )


def test_initiate_auth_with_a_secret_client_accepts_the_secret_hash(aws: Aws) -> None:
    client_id = aws.new_client("secret", GenerateSecret=True)
    secret = aws.idp.describe_user_pool_client(UserPoolId=aws.pool_id, ClientId=client_id)[
        "UserPoolClient"
    ]["ClientSecret"]
    aws.confirmed()
    answer = aws.idp.initiate_auth(
        ClientId=client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={
            "USERNAME": "ann",
            "PASSWORD": PASSWORD,
            "SECRET_HASH": secret_hash(secret, "ann", client_id),
        },
    )
    assert "AccessToken" in answer["AuthenticationResult"]


def secret_client(aws: Aws) -> tuple[str, str]:
    client_id = aws.new_client("secret", GenerateSecret=True)
    secret: str = aws.idp.describe_user_pool_client(UserPoolId=aws.pool_id, ClientId=client_id)[
        "UserPoolClient"
    ]["ClientSecret"]
    return client_id, secret


def secret_refresh_token(aws: Aws, client_id: str, secret: str) -> str:
    aws.confirmed()
    token: str = aws.idp.initiate_auth(
        ClientId=client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={
            "USERNAME": "ann",
            "PASSWORD": PASSWORD,
            "SECRET_HASH": secret_hash(secret, "ann", client_id),
        },
    )["AuthenticationResult"]["RefreshToken"]
    return token


def test_initiate_auth_refresh_with_a_secret_client_takes_the_secret_hash(aws: Aws) -> None:
    client_id, secret = secret_client(aws)
    token = secret_refresh_token(aws, client_id, secret)
    answer = aws.idp.initiate_auth(
        ClientId=client_id,
        AuthFlow="REFRESH_TOKEN_AUTH",
        AuthParameters={
            "REFRESH_TOKEN": token,
            "SECRET_HASH": secret_hash(secret, "ann", client_id),
        },
    )
    assert "AccessToken" in answer["AuthenticationResult"]


def test_initiate_auth_refresh_with_a_wrong_secret_hash_is_not_authorized(aws: Aws) -> None:
    client_id, secret = secret_client(aws)
    token = secret_refresh_token(aws, client_id, secret)
    with aws_error(
        aws.idp.exceptions.NotAuthorizedException,
        f"SecretHash does not match for the client: {client_id}",
    ):
        aws.idp.initiate_auth(
            ClientId=client_id,
            AuthFlow="REFRESH_TOKEN_AUTH",
            AuthParameters={"REFRESH_TOKEN": token, "SECRET_HASH": "d3Jvbmc="},
        )


def test_initiate_auth_refresh_from_another_client_is_not_authorized(aws: Aws) -> None:
    token = aws.session()["RefreshToken"]
    other = aws.new_client("other")
    with aws_error(aws.idp.exceptions.NotAuthorizedException, "Invalid Refresh Token"):
        aws.idp.initiate_auth(
            ClientId=other,
            AuthFlow="REFRESH_TOKEN_AUTH",
            AuthParameters={"REFRESH_TOKEN": token},
        )


def test_initiate_auth_of_an_invited_user_is_a_new_password_challenge(aws: Aws) -> None:
    aws.invited("bob", TEMPORARY)
    answer = password_auth(aws, "bob", TEMPORARY)
    assert answer["ChallengeName"] == "NEW_PASSWORD_REQUIRED"
    assert "AuthenticationResult" not in answer


def test_initiate_auth_with_an_expired_temporary_password_is_not_authorized(aws: Aws) -> None:
    aws.invited("bob", TEMPORARY)
    aws.clock.advance(7 * 86400 + 1)
    with aws_error(
        aws.idp.exceptions.NotAuthorizedException,
        "Temporary password has expired and must be reset by an administrator.",
    ):
        password_auth(aws, "bob", TEMPORARY)


# -- AdminInitiateAuth -----------------------------------------------------------------


def test_admin_initiate_auth_answers_tokens(aws: Aws) -> None:
    aws.confirmed()
    answer = admin_auth(aws)
    assert answer["ChallengeParameters"] == {}
    assert set(answer["AuthenticationResult"]) == {
        "AccessToken",
        "IdToken",
        "RefreshToken",
        "ExpiresIn",
        "TokenType",
    }


def test_admin_initiate_auth_accepts_the_legacy_admin_no_srp_auth(aws: Aws) -> None:
    aws.confirmed()
    answer = aws.idp.admin_initiate_auth(
        UserPoolId=aws.pool_id,
        ClientId=aws.client_id,
        AuthFlow="ADMIN_NO_SRP_AUTH",
        AuthParameters={"USERNAME": "ann", "PASSWORD": PASSWORD},
    )
    assert "IdToken" in answer["AuthenticationResult"]


def test_admin_initiate_auth_refreshes(aws: Aws) -> None:
    token = aws.session()["RefreshToken"]
    answer = aws.idp.admin_initiate_auth(
        UserPoolId=aws.pool_id,
        ClientId=aws.client_id,
        AuthFlow="REFRESH_TOKEN_AUTH",
        AuthParameters={"REFRESH_TOKEN": token},
    )
    assert "RefreshToken" not in answer["AuthenticationResult"]


def test_admin_initiate_auth_refuses_the_public_password_flow(aws: Aws) -> None:
    with aws_error(
        aws.idp.exceptions.InvalidParameterException, "Initiate Auth method not supported."
    ):
        aws.idp.admin_initiate_auth(
            UserPoolId=aws.pool_id,
            ClientId=aws.client_id,
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": "ann", "PASSWORD": PASSWORD},
        )


def test_admin_initiate_auth_with_a_wrong_password_is_not_authorized(aws: Aws) -> None:
    aws.confirmed()
    with aws_error(aws.idp.exceptions.NotAuthorizedException, "Incorrect username or password."):
        admin_auth(aws, password="Wrong-horse-1")


def test_admin_initiate_auth_in_an_unknown_pool_is_resource_not_found(aws: Aws) -> None:
    missing = f"{REGION}_AAAAAAAAA"
    with aws_error(
        aws.idp.exceptions.ResourceNotFoundException, f"User pool {missing} does not exist."
    ):
        aws.idp.admin_initiate_auth(
            UserPoolId=missing,
            ClientId=aws.client_id,
            AuthFlow="ADMIN_USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": "ann", "PASSWORD": PASSWORD},
        )


def test_admin_initiate_auth_with_another_pools_client_is_resource_not_found(aws: Aws) -> None:
    other = aws.idp.create_user_pool(PoolName="other")["UserPool"]["Id"]
    with aws_error(aws.idp.exceptions.ResourceNotFoundException):
        aws.idp.admin_initiate_auth(
            UserPoolId=other,
            ClientId=aws.client_id,
            AuthFlow="ADMIN_USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": "ann", "PASSWORD": PASSWORD},
        )


def test_admin_initiate_auth_challenge_parameters_are_all_strings(aws: Aws) -> None:
    aws.idp.admin_create_user(
        UserPoolId=aws.pool_id,
        Username="bob",
        TemporaryPassword=TEMPORARY,
        MessageAction="SUPPRESS",
        UserAttributes=[{"Name": "email", "Value": "bob@example.com"}],
    )
    answer = admin_auth(aws, "bob", TEMPORARY)
    assert answer["ChallengeName"] == "NEW_PASSWORD_REQUIRED"
    assert isinstance(answer["Session"], str) and 20 <= len(answer["Session"]) <= 2048
    parameters = answer["ChallengeParameters"]
    assert all(isinstance(v, str) for v in parameters.values())
    assert parameters["USER_ID_FOR_SRP"] == "bob"
    assert json.loads(parameters["requiredAttributes"]) == []
    assert json.loads(parameters["userAttributes"])["email"] == "bob@example.com"


# -- RespondToAuthChallenge ------------------------------------------------------------


def test_respond_to_auth_challenge_with_a_new_password_answers_tokens(aws: Aws) -> None:
    session = new_password_challenge(aws)["Session"]
    answer = answer_new_password(aws, session)
    assert answer["ChallengeParameters"] == {}
    assert "RefreshToken" in answer["AuthenticationResult"]


def test_respond_to_auth_challenge_confirms_the_invited_user(aws: Aws) -> None:
    session = new_password_challenge(aws)["Session"]
    answer_new_password(aws, session)
    user = aws.idp.admin_get_user(UserPoolId=aws.pool_id, Username="bob")
    assert user["UserStatus"] == "CONFIRMED"


def test_respond_to_auth_challenge_asks_for_missing_required_attributes(aws: Aws) -> None:
    pool_id = aws.idp.create_user_pool(
        PoolName="named",
        Schema=[{"Name": "name", "AttributeDataType": "String", "Required": True}],
    )["UserPool"]["Id"]
    client_id = aws.idp.create_user_pool_client(
        UserPoolId=pool_id, ClientName="c", ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH"]
    )["UserPoolClient"]["ClientId"]
    aws.idp.admin_create_user(
        UserPoolId=pool_id, Username="bob", TemporaryPassword=TEMPORARY, MessageAction="SUPPRESS"
    )
    answer = aws.idp.initiate_auth(
        ClientId=client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "bob", "PASSWORD": TEMPORARY},
    )
    assert json.loads(answer["ChallengeParameters"]["requiredAttributes"]) == [
        "userAttributes.name"
    ]
    done = aws.idp.respond_to_auth_challenge(
        ClientId=client_id,
        ChallengeName="NEW_PASSWORD_REQUIRED",
        Session=answer["Session"],
        ChallengeResponses={
            "USERNAME": "bob",
            "NEW_PASSWORD": NEW_PASSWORD,
            "userAttributes.name": "Bob",
        },
    )
    assert "IdToken" in done["AuthenticationResult"]


def test_respond_to_auth_challenge_without_a_required_attribute_is_invalid_parameter(
    aws: Aws,
) -> None:
    pool_id = aws.idp.create_user_pool(
        PoolName="named",
        Schema=[{"Name": "name", "AttributeDataType": "String", "Required": True}],
    )["UserPool"]["Id"]
    client_id = aws.idp.create_user_pool_client(
        UserPoolId=pool_id, ClientName="c", ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH"]
    )["UserPoolClient"]["ClientId"]
    aws.idp.admin_create_user(
        UserPoolId=pool_id, Username="bob", TemporaryPassword=TEMPORARY, MessageAction="SUPPRESS"
    )
    session = aws.idp.initiate_auth(
        ClientId=client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "bob", "PASSWORD": TEMPORARY},
    )["Session"]
    with aws_error(aws.idp.exceptions.InvalidParameterException):
        aws.idp.respond_to_auth_challenge(
            ClientId=client_id,
            ChallengeName="NEW_PASSWORD_REQUIRED",
            Session=session,
            ChallengeResponses={"USERNAME": "bob", "NEW_PASSWORD": NEW_PASSWORD},
        )


def test_respond_to_auth_challenge_twice_with_one_session_is_not_authorized(aws: Aws) -> None:
    session = new_password_challenge(aws)["Session"]
    answer_new_password(aws, session)
    with aws_error(aws.idp.exceptions.NotAuthorizedException, "Invalid session for the user."):
        answer_new_password(aws, session)


def test_respond_to_auth_challenge_after_the_session_expires_is_not_authorized(
    aws: Aws,
) -> None:
    session = new_password_challenge(aws)["Session"]
    aws.clock.advance(3 * 60 + 1)
    with aws_error(
        aws.idp.exceptions.NotAuthorizedException,
        "Invalid session for the user, session is expired.",
    ):
        answer_new_password(aws, session)


def test_respond_to_auth_challenge_with_another_username_is_not_authorized(aws: Aws) -> None:
    aws.confirmed()
    session = new_password_challenge(aws)["Session"]
    with aws_error(aws.idp.exceptions.NotAuthorizedException, "Invalid session for the user."):
        answer_new_password(aws, session, username="ann")


def test_respond_to_auth_challenge_with_a_weak_password_is_invalid_password(aws: Aws) -> None:
    session = new_password_challenge(aws)["Session"]
    with aws_error(aws.idp.exceptions.InvalidPasswordException):
        aws.idp.respond_to_auth_challenge(
            ClientId=aws.client_id,
            ChallengeName="NEW_PASSWORD_REQUIRED",
            Session=session,
            ChallengeResponses={"USERNAME": "bob", "NEW_PASSWORD": "weakpass"},
        )


def test_respond_to_auth_challenge_naming_another_challenge_is_invalid_parameter(
    aws: Aws,
) -> None:
    session = new_password_challenge(aws)["Session"]
    with aws_error(aws.idp.exceptions.InvalidParameterException):
        aws.idp.respond_to_auth_challenge(
            ClientId=aws.client_id,
            ChallengeName="SMS_MFA",
            Session=session,
            ChallengeResponses={"USERNAME": "bob", "SMS_MFA_CODE": "123456"},
        )


def test_respond_to_auth_challenge_without_a_session_is_invalid_parameter(aws: Aws) -> None:
    with aws_error(aws.idp.exceptions.InvalidParameterException):
        aws.idp.respond_to_auth_challenge(
            ClientId=aws.client_id,
            ChallengeName="NEW_PASSWORD_REQUIRED",
            ChallengeResponses={"USERNAME": "bob", "NEW_PASSWORD": NEW_PASSWORD},
        )


def test_respond_to_auth_challenge_with_an_unknown_session_is_not_authorized(aws: Aws) -> None:
    with aws_error(aws.idp.exceptions.NotAuthorizedException, "Invalid session for the user."):
        answer_new_password(aws, "x" * 40)


# -- AdminRespondToAuthChallenge -------------------------------------------------------


def test_admin_respond_to_auth_challenge_answers_tokens(aws: Aws) -> None:
    session = new_password_challenge(aws)["Session"]
    answer = aws.idp.admin_respond_to_auth_challenge(
        UserPoolId=aws.pool_id,
        ClientId=aws.client_id,
        ChallengeName="NEW_PASSWORD_REQUIRED",
        Session=session,
        ChallengeResponses={"USERNAME": "bob", "NEW_PASSWORD": NEW_PASSWORD},
    )
    assert "AccessToken" in answer["AuthenticationResult"]


def test_admin_respond_to_auth_challenge_with_a_used_session_is_not_authorized(
    aws: Aws,
) -> None:
    session = new_password_challenge(aws)["Session"]
    answer_new_password(aws, session)
    with aws_error(aws.idp.exceptions.NotAuthorizedException, "Invalid session for the user."):
        aws.idp.admin_respond_to_auth_challenge(
            UserPoolId=aws.pool_id,
            ClientId=aws.client_id,
            ChallengeName="NEW_PASSWORD_REQUIRED",
            Session=session,
            ChallengeResponses={"USERNAME": "bob", "NEW_PASSWORD": NEW_PASSWORD},
        )


def test_admin_respond_to_auth_challenge_in_an_unknown_pool_is_resource_not_found(
    aws: Aws,
) -> None:
    session = new_password_challenge(aws)["Session"]
    with aws_error(aws.idp.exceptions.ResourceNotFoundException):
        aws.idp.admin_respond_to_auth_challenge(
            UserPoolId=f"{REGION}_AAAAAAAAA",
            ClientId=aws.client_id,
            ChallengeName="NEW_PASSWORD_REQUIRED",
            Session=session,
            ChallengeResponses={"USERNAME": "bob", "NEW_PASSWORD": NEW_PASSWORD},
        )


# -- RevokeToken -----------------------------------------------------------------------


def test_revoke_token_answers_an_empty_response(aws: Aws) -> None:
    token = aws.session()["RefreshToken"]
    answer = aws.idp.revoke_token(Token=token, ClientId=aws.client_id)
    assert set(answer) == {"ResponseMetadata"}


def test_revoke_token_stops_the_refresh_token(aws: Aws) -> None:
    token = aws.session()["RefreshToken"]
    aws.idp.revoke_token(Token=token, ClientId=aws.client_id)
    with aws_error(aws.idp.exceptions.NotAuthorizedException, "Refresh Token has been revoked"):
        refresh(aws, token)


def test_revoke_token_stops_the_access_tokens_issued_with_it(aws: Aws) -> None:
    result = aws.session()
    aws.idp.revoke_token(Token=result["RefreshToken"], ClientId=aws.client_id)
    with aws_error(aws.idp.exceptions.NotAuthorizedException, "Access Token has been revoked"):
        aws.idp.get_user(AccessToken=result["AccessToken"])


def test_revoke_token_of_an_access_token_is_unsupported_token_type(aws: Aws) -> None:
    token = aws.access_token()
    with aws_error(aws.idp.exceptions.UnsupportedTokenTypeException):
        aws.idp.revoke_token(Token=token, ClientId=aws.client_id)


def test_revoke_token_without_revocation_on_the_client_is_unsupported_operation(
    aws: Aws,
) -> None:
    client_id = aws.new_client("plain", EnableTokenRevocation=False)
    with aws_error(aws.idp.exceptions.UnsupportedOperationException):
        aws.idp.revoke_token(Token="a.b.c.d.e", ClientId=client_id)


def test_revoke_token_with_a_wrong_client_secret_is_unauthorized(aws: Aws) -> None:
    client_id = aws.new_client("secret", GenerateSecret=True)
    with aws_error(aws.idp.exceptions.UnauthorizedException, status=401):
        aws.idp.revoke_token(Token="a.b.c.d.e", ClientId=client_id, ClientSecret="w" * 30)


def test_revoke_token_with_an_unknown_client_is_unauthorized(aws: Aws) -> None:
    with aws_error(aws.idp.exceptions.UnauthorizedException, status=401):
        aws.idp.revoke_token(Token="a.b.c.d.e", ClientId=MISSING_CLIENT)


def test_revoke_token_of_an_unknown_token_succeeds(aws: Aws) -> None:
    answer = aws.idp.revoke_token(Token="a.b.c.d.e", ClientId=aws.client_id)
    assert answer["ResponseMetadata"]["HTTPStatusCode"] == 200


@pytest.mark.parametrize("token", ["not a token", "a" * 131073])
def test_revoke_token_refuses_a_malformed_token(aws: Aws, token: str) -> None:
    with aws_error(aws.idp.exceptions.InvalidParameterException):
        aws.idp.revoke_token(Token=token, ClientId=aws.client_id)

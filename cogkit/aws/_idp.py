"""cognito-idp operations: each is one thin mapping from the wire onto one domain call."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cogkit.aws import _shapes as shapes
from cogkit.aws._dispatch import Call, operation
from cogkit.aws._model import IDP, epoch
from cogkit.domain.auth import AuthFlow, AuthResult
from cogkit.domain.pool import UserPool
from cogkit.errors import InvalidParameterError, ResourceNotFoundError, UnauthorizedError

Result = Mapping[str, Any] | None


def _pool(call: Call) -> UserPool:
    return call.service.user_pool(call.params["UserPoolId"])


def _client_auth(call: Call) -> AuthFlow:
    return call.service.pool_for_client(call.params["ClientId"]).auth


def _token_auth(call: Call, member: str = "AccessToken") -> AuthFlow:
    return call.service.pool_for_token(call.params[member]).auth


def _get(call: Call, member: str) -> Any:
    return call.params.get(member)


# -- user pools ------------------------------------------------------------------------


@operation(IDP, "CreateUserPool")
def create_user_pool(call: Call) -> Result:
    config = shapes.pool_config_in(call.params, creating=True)
    pool = call.service.create_user_pool(
        call.params["PoolName"], schema=shapes.schema_in(_get(call, "Schema")), **config
    )
    return {"UserPool": shapes.pool_out(pool.describe())}


@operation(IDP, "DescribeUserPool")
def describe_user_pool(call: Call) -> Result:
    return {"UserPool": shapes.pool_out(_pool(call).describe())}


@operation(IDP, "UpdateUserPool")
def update_user_pool(call: Call) -> Result:
    config = shapes.pool_config_in(call.params, creating=False)
    _pool(call).update(name=_get(call, "PoolName"), **config)
    return {}


@operation(IDP, "DeleteUserPool")
def delete_user_pool(call: Call) -> Result:
    _pool(call).delete()
    return {}


@operation(IDP, "ListUserPools")
def list_user_pools(call: Call) -> Result:
    page = call.service.list_user_pools(
        max_results=call.params["MaxResults"], next_token=_get(call, "NextToken")
    )
    pools = []
    for pool in page:
        described = pool.describe()
        pools.append(
            {
                "Id": described.id,
                "Name": described.name,
                "LambdaConfig": shapes.lambda_config_out(described.config.lambda_config),
                "LastModifiedDate": epoch(described.modified_at),
                "CreationDate": epoch(described.created_at),
            }
        )
    return {"UserPools": pools, "NextToken": page.next_token}


# -- app clients -----------------------------------------------------------------------


@operation(IDP, "CreateUserPoolClient")
def create_user_pool_client(call: Call) -> Result:
    settings, units = shapes.client_settings_in(call.params)
    name = settings.pop("name")
    client = _pool(call).create_client(
        name,
        generate_secret=bool(_get(call, "GenerateSecret")),
        client_secret=_get(call, "ClientSecret"),
        token_validity_units=units,
        **settings,
    )
    return {"UserPoolClient": shapes.client_out(client)}


@operation(IDP, "DescribeUserPoolClient")
def describe_user_pool_client(call: Call) -> Result:
    return {"UserPoolClient": shapes.client_out(_pool(call).client(call.params["ClientId"]))}


@operation(IDP, "UpdateUserPoolClient")
def update_user_pool_client(call: Call) -> Result:
    settings, units = shapes.client_settings_in(call.params, updating=True)
    client = _pool(call).update_client(
        call.params["ClientId"], token_validity_units=units, **settings
    )
    return {"UserPoolClient": shapes.client_out(client)}


@operation(IDP, "DeleteUserPoolClient")
def delete_user_pool_client(call: Call) -> Result:
    _pool(call).delete_client(call.params["ClientId"])
    return {}


@operation(IDP, "ListUserPoolClients")
def list_user_pool_clients(call: Call) -> Result:
    page = _pool(call).list_clients(
        max_results=_get(call, "MaxResults") or 60, next_token=_get(call, "NextToken")
    )
    return {
        "UserPoolClients": [
            {"ClientId": c.id, "UserPoolId": c.pool_id, "ClientName": c.name} for c in page
        ],
        "NextToken": page.next_token,
    }


@operation(IDP, "AddUserPoolClientSecret")
def add_user_pool_client_secret(call: Call) -> Result:
    added = _pool(call).add_client_secret(call.params["ClientId"], _get(call, "ClientSecret"))
    return {"ClientSecretDescriptor": shapes.client_secret_out(added)}


@operation(IDP, "DeleteUserPoolClientSecret")
def delete_user_pool_client_secret(call: Call) -> Result:
    _pool(call).delete_client_secret(call.params["ClientId"], call.params["ClientSecretId"])
    return {}


@operation(IDP, "ListUserPoolClientSecrets")
def list_user_pool_client_secrets(call: Call) -> Result:
    # Two secrets at most: every answer holds them all, and carries no NextToken.
    secrets = _pool(call).list_client_secrets(call.params["ClientId"])
    return {"ClientSecrets": [shapes.client_secret_out(s) for s in secrets]}


# -- sign-up ---------------------------------------------------------------------------


@operation(IDP, "SignUp")
def sign_up(call: Call) -> Result:
    p = call.params
    result = _client_auth(call).sign_up(
        p["ClientId"],
        p["Username"],
        p.get("Password"),
        shapes.attributes_in(p.get("UserAttributes")),
        secret_hash=p.get("SecretHash"),
        validation_data=shapes.attributes_in(p.get("ValidationData")),
        client_metadata=p.get("ClientMetadata"),
    )
    return {
        "UserConfirmed": result.user_confirmed,
        "UserSub": result.user_sub,
        "CodeDeliveryDetails": shapes.delivery_out(result.code_delivery),
        "Session": result.session,
    }


@operation(IDP, "ConfirmSignUp")
def confirm_sign_up(call: Call) -> Result:
    p = call.params
    session = _client_auth(call).confirm_sign_up(
        p["ClientId"],
        p["Username"],
        p["ConfirmationCode"],
        secret_hash=p.get("SecretHash"),
        force_alias_creation=bool(p.get("ForceAliasCreation")),
        client_metadata=p.get("ClientMetadata"),
        session=_session(p),
    )
    return {"Session": session}


@operation(IDP, "ResendConfirmationCode")
def resend_confirmation_code(call: Call) -> Result:
    p = call.params
    delivery = _client_auth(call).resend_confirmation_code(
        p["ClientId"],
        p["Username"],
        secret_hash=p.get("SecretHash"),
        client_metadata=p.get("ClientMetadata"),
    )
    return {"CodeDeliveryDetails": shapes.delivery_out(delivery)}


# -- sign-in ---------------------------------------------------------------------------


@operation(IDP, "InitiateAuth")
def initiate_auth(call: Call) -> Result:
    p = call.params
    result = _client_auth(call).initiate(
        p["ClientId"],
        p["AuthFlow"],
        p.get("AuthParameters"),
        client_metadata=p.get("ClientMetadata"),
        session=_session(p),
    )
    return shapes.auth_out(result)


@operation(IDP, "AdminInitiateAuth")
def admin_initiate_auth(call: Call) -> Result:
    p = call.params
    result = _pool(call).auth.admin_initiate(
        p["ClientId"],
        p["AuthFlow"],
        p.get("AuthParameters"),
        client_metadata=p.get("ClientMetadata"),
        session=_session(p),
    )
    return shapes.auth_out(result)


@operation(IDP, "RespondToAuthChallenge")
def respond_to_auth_challenge(call: Call) -> Result:
    p = call.params
    result = _client_auth(call).respond(
        p["ClientId"],
        p["ChallengeName"],
        p.get("ChallengeResponses"),
        session=_session(p),
        client_metadata=p.get("ClientMetadata"),
    )
    return shapes.auth_out(result)


@operation(IDP, "AdminRespondToAuthChallenge")
def admin_respond_to_auth_challenge(call: Call) -> Result:
    p = call.params
    result = _pool(call).auth.admin_respond(
        p["ClientId"],
        p["ChallengeName"],
        p.get("ChallengeResponses"),
        session=_session(p),
        client_metadata=p.get("ClientMetadata"),
    )
    return shapes.auth_out(result)


def _session(params: Mapping[str, Any]) -> str | None:
    # The domain decides which challenges may come without one (the SRP verifier steps).
    session = params.get("Session")
    return None if session is None else str(session)


@operation(IDP, "GetTokensFromRefreshToken")
def get_tokens_from_refresh_token(call: Call) -> Result:
    p = call.params
    tokens = _client_auth(call).get_tokens_from_refresh_token(
        p["RefreshToken"],
        p["ClientId"],
        client_secret=p.get("ClientSecret"),
        device_key=p.get("DeviceKey"),
        client_metadata=p.get("ClientMetadata"),
    )
    return {
        "AuthenticationResult": shapes.auth_out(AuthResult(tokens=tokens))["AuthenticationResult"]
    }


@operation(IDP, "RevokeToken")
def revoke_token(call: Call) -> Result:
    p = call.params
    try:
        auth = _client_auth(call)
    except ResourceNotFoundError:
        # RevokeToken authenticates the client first (RFC 7009); its model has no
        # ResourceNotFoundException, so an unknown client fails authentication.
        raise UnauthorizedError("Unable to authenticate the client.") from None
    auth.revoke_token(p["Token"], p["ClientId"], client_secret=p.get("ClientSecret"))
    return {}


# -- passwords -------------------------------------------------------------------------


@operation(IDP, "ForgotPassword")
def forgot_password(call: Call) -> Result:
    p = call.params
    delivery = _client_auth(call).forgot_password(
        p["ClientId"],
        p["Username"],
        secret_hash=p.get("SecretHash"),
        client_metadata=p.get("ClientMetadata"),
    )
    return {"CodeDeliveryDetails": shapes.delivery_out(delivery)}


@operation(IDP, "ConfirmForgotPassword")
def confirm_forgot_password(call: Call) -> Result:
    p = call.params
    _client_auth(call).confirm_forgot_password(
        p["ClientId"],
        p["Username"],
        p["ConfirmationCode"],
        p["Password"],
        secret_hash=p.get("SecretHash"),
        client_metadata=p.get("ClientMetadata"),
    )
    return {}


@operation(IDP, "ChangePassword")
def change_password(call: Call) -> Result:
    p = call.params
    _token_auth(call).change_password(
        p["AccessToken"], p["ProposedPassword"], p.get("PreviousPassword")
    )
    return {}


# -- the signed-in user ----------------------------------------------------------------


@operation(IDP, "GetUser")
def get_user(call: Call) -> Result:
    user = _token_auth(call).get_user(call.params["AccessToken"])
    return {
        "Username": user.username,
        "UserAttributes": shapes.attributes_out(user.attributes),
        "UserMFASettingList": list(user.mfa_settings) or None,
        "PreferredMfaSetting": user.preferred_mfa,
    }


@operation(IDP, "UpdateUserAttributes")
def update_user_attributes(call: Call) -> Result:
    p = call.params
    deliveries = _token_auth(call).update_user_attributes(
        p["AccessToken"],
        shapes.attributes_in(p["UserAttributes"]),
        client_metadata=p.get("ClientMetadata"),
    )
    return {"CodeDeliveryDetailsList": [shapes.delivery_out(d) for d in deliveries]}


@operation(IDP, "GetUserAttributeVerificationCode")
def get_user_attribute_verification_code(call: Call) -> Result:
    p = call.params
    delivery = _token_auth(call).get_user_attribute_verification_code(
        p["AccessToken"], p["AttributeName"], client_metadata=p.get("ClientMetadata")
    )
    return {"CodeDeliveryDetails": shapes.delivery_out(delivery)}


@operation(IDP, "VerifyUserAttribute")
def verify_user_attribute(call: Call) -> Result:
    p = call.params
    _token_auth(call).verify_user_attribute(p["AccessToken"], p["AttributeName"], p["Code"])
    return {}


@operation(IDP, "DeleteUser")
def delete_user(call: Call) -> Result:
    _token_auth(call).delete_user(call.params["AccessToken"])
    return {}


@operation(IDP, "GlobalSignOut")
def global_sign_out(call: Call) -> Result:
    _token_auth(call).global_sign_out(call.params["AccessToken"])
    return {}


# -- users (admin) ---------------------------------------------------------------------


@operation(IDP, "AdminCreateUser")
def admin_create_user(call: Call) -> Result:
    p = call.params
    user = _pool(call).admin_create_user(
        p["Username"],
        attributes=shapes.attributes_in(p.get("UserAttributes")),
        temporary_password=p.get("TemporaryPassword"),
        message_action=p.get("MessageAction"),
        desired_delivery_mediums=p.get("DesiredDeliveryMediums") or ["SMS"],
        force_alias_creation=bool(p.get("ForceAliasCreation")),
        validation_data=shapes.attributes_in(p.get("ValidationData")),
        client_metadata=p.get("ClientMetadata"),
    )
    return {"User": shapes.user_out(user, list_shape=True)}


@operation(IDP, "AdminGetUser")
def admin_get_user(call: Call) -> Result:
    return shapes.user_out(_pool(call).admin_get_user(call.params["Username"]))


@operation(IDP, "AdminDeleteUser")
def admin_delete_user(call: Call) -> Result:
    _pool(call).admin_delete_user(call.params["Username"])
    return {}


@operation(IDP, "AdminEnableUser")
def admin_enable_user(call: Call) -> Result:
    _pool(call).admin_enable_user(call.params["Username"])
    return {}


@operation(IDP, "AdminDisableUser")
def admin_disable_user(call: Call) -> Result:
    _pool(call).admin_disable_user(call.params["Username"])
    return {}


@operation(IDP, "AdminConfirmSignUp")
def admin_confirm_sign_up(call: Call) -> Result:
    _pool(call).admin_confirm_sign_up(
        call.params["Username"], client_metadata=_get(call, "ClientMetadata")
    )
    return {}


@operation(IDP, "AdminSetUserPassword")
def admin_set_user_password(call: Call) -> Result:
    p = call.params
    _pool(call).admin_set_user_password(
        p["Username"], p["Password"], permanent=bool(p.get("Permanent"))
    )
    return {}


@operation(IDP, "AdminUserGlobalSignOut")
def admin_user_global_sign_out(call: Call) -> Result:
    _pool(call).admin_user_global_sign_out(call.params["Username"])
    return {}


@operation(IDP, "AdminUpdateUserAttributes")
def admin_update_user_attributes(call: Call) -> Result:
    p = call.params
    _pool(call).admin_update_user_attributes(
        p["Username"],
        shapes.attributes_in(p["UserAttributes"]),
        client_metadata=p.get("ClientMetadata"),
    )
    return {}


@operation(IDP, "ListUsers")
def list_users(call: Call) -> Result:
    p = call.params
    page = _pool(call).list_users(
        filter=p.get("Filter"),
        limit=p.get("Limit", 60),
        pagination_token=p.get("PaginationToken"),
        attributes_to_get=p.get("AttributesToGet"),
    )
    return {
        "Users": [shapes.user_out(u, list_shape=True) for u in page],
        "PaginationToken": page.next_token,
    }


# -- schema, attributes and administration (user management) ----------------------------


@operation(IDP, "AddCustomAttributes")
def add_custom_attributes(call: Call) -> Result:
    _pool(call).add_custom_attributes(shapes.schema_in(call.params["CustomAttributes"]))
    return {}


@operation(IDP, "GetCSVHeader")
def get_csv_header(call: Call) -> Result:
    pool = _pool(call)
    return {"UserPoolId": pool.id, "CSVHeader": pool.csv_header()}


@operation(IDP, "AdminDeleteUserAttributes")
def admin_delete_user_attributes(call: Call) -> Result:
    p = call.params
    _pool(call).admin_delete_user_attributes(p["Username"], p["UserAttributeNames"])
    return {}


@operation(IDP, "DeleteUserAttributes")
def delete_user_attributes(call: Call) -> Result:
    p = call.params
    _token_auth(call).delete_user_attributes(p["AccessToken"], p["UserAttributeNames"])
    return {}


@operation(IDP, "AdminResetUserPassword")
def admin_reset_user_password(call: Call) -> Result:
    p = call.params
    _pool(call).admin_reset_user_password(p["Username"], client_metadata=p.get("ClientMetadata"))
    return {}


def _tagged_pool(call: Call) -> UserPool:
    """The pool a ``ResourceArn`` names (``arn:aws:cognito-idp:...:userpool/<id>``)."""
    arn = str(call.params["ResourceArn"])
    prefix, _, pool_id = arn.partition(":userpool/")
    if not prefix.startswith("arn:aws:cognito-idp:") or not pool_id:
        raise ResourceNotFoundError(f"Resource {arn} does not exist.")
    try:
        pool = call.service.user_pool(pool_id)
    except (ResourceNotFoundError, InvalidParameterError):
        raise ResourceNotFoundError(f"Resource {arn} does not exist.") from None
    if pool.arn != arn:
        raise ResourceNotFoundError(f"Resource {arn} does not exist.")
    return pool


@operation(IDP, "TagResource")
def tag_resource(call: Call) -> Result:
    _tagged_pool(call).tag(call.params["Tags"])
    return {}


@operation(IDP, "UntagResource")
def untag_resource(call: Call) -> Result:
    _tagged_pool(call).untag(call.params["TagKeys"])
    return {}


@operation(IDP, "ListTagsForResource")
def list_tags_for_resource(call: Call) -> Result:
    return {"Tags": _tagged_pool(call).tags}

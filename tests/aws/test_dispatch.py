"""The JSON 1.1 dispatcher with raw requests: what botocore's client-side validation lets
through (wrong JSON types, maximum lengths, patterns, enums), protocol errors, and how
errors leave (``__type``, ``message``, status, headers)."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest

from cogkit import Cognito
from cogkit.aws import Dispatcher, WireResponse, implemented
from cogkit.aws import _dispatch as dispatch_module
from cogkit.aws._dispatch import operation
from cogkit.errors import ConfigurationError, StoreConflictError
from cogkit.testing import make_cognito
from tests.aws.helpers import service_model

IDP = "AWSCognitoIdentityProviderService."
IDENTITY = "AWSCognitoIdentityService."
SECRET = "Secret-value-42"


@pytest.fixture
def svc() -> Cognito:
    return make_cognito()


@pytest.fixture
def dispatcher(svc: Cognito) -> Dispatcher:
    return Dispatcher(lambda region: svc)


@pytest.fixture
def client_id(svc: Cognito) -> str:
    pool = svc.create_user_pool("app")
    return pool.create_client("web", explicit_auth_flows=["ALLOW_USER_PASSWORD_AUTH"]).id


def call(dispatcher: Dispatcher, target: str | None, body: Any) -> WireResponse:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    return dispatcher.handle(target, raw)


def error(response: WireResponse) -> tuple[str, str]:
    data = response.json()
    assert set(data) == {"__type", "message"}
    return data["__type"], data["message"]


# -- protocol errors -------------------------------------------------------------------


def test_an_unknown_operation_is_unknown_operation(dispatcher: Dispatcher) -> None:
    response = call(dispatcher, IDP + "MakeCoffee", {})
    assert response.status == 400
    assert error(response)[0] == "UnknownOperationException"


def test_a_missing_target_is_unknown_operation(dispatcher: Dispatcher) -> None:
    assert error(call(dispatcher, None, {}))[0] == "UnknownOperationException"


def test_an_unknown_service_prefix_is_unknown_operation(dispatcher: Dispatcher) -> None:
    assert error(call(dispatcher, "AmazonS3.ListBuckets", {}))[0] == "UnknownOperationException"


def lacking(service: str) -> str:
    """An operation of the model cogkit does not implement (yet)."""
    done = set(implemented(service))
    return next(n for n in sorted(service_model(service).operation_names) if n not in done)


def test_a_model_operation_cogkit_lacks_names_itself(dispatcher: Dispatcher) -> None:
    name = lacking("cognito-idp")
    response = call(dispatcher, IDP + name, {})
    assert response.status == 400
    assert error(response) == (
        "UnsupportedOperationException",
        f"cogkit does not implement the cognito-idp operation {name} yet.",
    )


def test_an_identity_pool_operation_cogkit_lacks_names_its_service(
    dispatcher: Dispatcher,
) -> None:
    name = lacking("cognito-identity")
    assert error(call(dispatcher, IDENTITY + name, {})) == (
        "UnsupportedOperationException",
        f"cogkit does not implement the cognito-identity operation {name} yet.",
    )


def test_a_body_that_is_not_json_is_a_serialization_error(dispatcher: Dispatcher) -> None:
    response = call(dispatcher, IDP + "CreateUserPool", b"{not json")
    assert response.status == 400
    assert error(response)[0] == "SerializationException"


def test_a_body_that_is_not_utf8_is_a_serialization_error(dispatcher: Dispatcher) -> None:
    response = call(dispatcher, IDP + "CreateUserPool", b'{"PoolName": "\xff"}')
    assert error(response)[0] == "SerializationException"


def test_a_body_that_is_not_an_object_is_a_serialization_error(dispatcher: Dispatcher) -> None:
    assert error(call(dispatcher, IDP + "CreateUserPool", [1, 2]))[0] == "SerializationException"


def test_an_empty_body_is_an_empty_request(dispatcher: Dispatcher) -> None:
    response = call(dispatcher, IDP + "ListUserPools", b"")
    assert error(response) == (
        "InvalidParameterException",
        "1 validation error detected: Value null at 'maxResults' failed to satisfy constraint: "
        "Member must not be null",
    )


# -- wrong JSON types ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("target", "body"),
    [
        ("CreateUserPool", {"PoolName": 5}),
        ("ListUserPools", {"MaxResults": "10"}),
        ("ListUserPools", {"MaxResults": True}),
        ("ListUserPools", {"MaxResults": 1.5}),
        ("CreateUserPool", {"PoolName": "p", "AutoVerifiedAttributes": "email"}),
        ("CreateUserPool", {"PoolName": "p", "UserPoolTags": ["a"]}),
        ("CreateUserPool", {"PoolName": "p", "Policies": "strict"}),
        ("CreateUserPoolClient", {"UserPoolId": "a_b", "ClientName": "c", "GenerateSecret": 1}),
        ("InitiateAuth", {"ClientId": "c", "AuthFlow": "X", "AuthParameters": {"USERNAME": 1}}),
    ],
)
def test_a_value_of_the_wrong_json_type_is_a_serialization_error(
    dispatcher: Dispatcher, target: str, body: dict[str, Any]
) -> None:
    response = call(dispatcher, IDP + target, body)
    assert response.status == 400
    assert error(response)[0] == "SerializationException"


# -- constraint violations -------------------------------------------------------------


def test_a_missing_required_member_is_value_null(dispatcher: Dispatcher) -> None:
    assert error(call(dispatcher, IDP + "CreateUserPool", {}))[1] == (
        "1 validation error detected: Value null at 'poolName' failed to satisfy constraint: "
        "Member must not be null"
    )


def test_every_broken_constraint_is_counted(dispatcher: Dispatcher) -> None:
    code, message = error(call(dispatcher, IDP + "CreateUserPool", {"PoolName": ""}))
    assert code == "InvalidParameterException"
    assert message == (
        "2 validation errors detected: "
        "Value '' at 'poolName' failed to satisfy constraint: Member must have length "
        "greater than or equal to 1; "
        "Value '' at 'poolName' failed to satisfy constraint: Member must satisfy regular "
        "expression pattern: [\\w\\s+=,.@-]+"
    )


def test_a_value_below_the_minimum_is_named(dispatcher: Dispatcher) -> None:
    assert error(call(dispatcher, IDP + "ListUserPools", {"MaxResults": 0}))[1] == (
        "1 validation error detected: Value '0' at 'maxResults' failed to satisfy constraint: "
        "Member must have value greater than or equal to 1"
    )


def test_a_nested_member_is_named_by_its_path(dispatcher: Dispatcher) -> None:
    body = {"PoolName": "p", "Policies": {"PasswordPolicy": {"MinimumLength": 3}}}
    assert error(call(dispatcher, IDP + "CreateUserPool", body))[1] == (
        "1 validation error detected: Value '3' at 'policies.passwordPolicy.minimumLength' "
        "failed to satisfy constraint: Member must have value greater than or equal to 6"
    )


def test_a_member_of_a_list_of_structures_is_named_by_its_position(
    dispatcher: Dispatcher,
) -> None:
    body = {"UserPoolId": "us-east-1_abc", "Username": "u", "UserAttributes": [{"Value": "v"}]}
    assert error(call(dispatcher, IDP + "AdminCreateUser", body))[1] == (
        "1 validation error detected: Value null at 'userAttributes.1.member.name' failed to "
        "satisfy constraint: Member must not be null"
    )


def test_a_list_of_scalars_fails_as_a_whole(dispatcher: Dispatcher) -> None:
    body = {"PoolName": "p", "AutoVerifiedAttributes": ["email", "fax"]}
    assert error(call(dispatcher, IDP + "CreateUserPool", body))[1] == (
        "1 validation error detected: Value '[email, fax]' at 'autoVerifiedAttributes' failed "
        "to satisfy constraint: Member must satisfy constraint: [Member must satisfy enum "
        "value set: [phone_number, email]]"
    )


def test_map_keys_that_break_a_constraint_are_reported_on_the_map(
    dispatcher: Dispatcher,
) -> None:
    body = {"PoolName": "p", "UserPoolTags": {"": "v"}}
    assert error(call(dispatcher, IDP + "CreateUserPool", body))[1] == (
        "1 validation error detected: Value '{=v}' at 'userPoolTags' failed to satisfy "
        "constraint: Map keys must satisfy constraint: [Member must have length greater than "
        "or equal to 1]"
    )


def test_map_values_that_break_a_constraint_are_reported_on_the_map(
    dispatcher: Dispatcher,
) -> None:
    body = {"PoolName": "p", "UserPoolTags": {"k": "v" * 257}}
    assert error(call(dispatcher, IDP + "CreateUserPool", body))[1] == (
        "1 validation error detected: Value at 'userPoolTags' failed to satisfy constraint: "
        "Map value must satisfy constraint: [Member must have length less than or equal to "
        "256]"
    )


def test_an_enum_violation_lists_the_allowed_values(dispatcher: Dispatcher) -> None:
    body = {"PoolName": "p", "DeletionProtection": "MAYBE"}
    assert error(call(dispatcher, IDP + "CreateUserPool", body))[1] == (
        "1 validation error detected: Value 'MAYBE' at 'deletionProtection' failed to satisfy "
        "constraint: Member must satisfy enum value set: [ACTIVE, INACTIVE]"
    )


def test_members_the_operation_lacks_are_ignored(dispatcher: Dispatcher) -> None:
    response = call(dispatcher, IDP + "ListUserPools", {"MaxResults": 5, "Colour": "blue"})
    assert response.status == 200


def test_a_domain_validation_names_the_wire_path(dispatcher: Dispatcher) -> None:
    body = {
        "PoolName": "p",
        "AdminCreateUserConfig": {"InviteMessageTemplate": {"SMSMessage": "no code here"}},
    }
    code, message = error(call(dispatcher, IDP + "CreateUserPool", body))
    assert code == "InvalidParameterException"
    assert " at 'adminCreateUserConfig.inviteMessageTemplate.sMSMessage' " in message


# -- secrets never echoed --------------------------------------------------------------


@pytest.mark.parametrize(
    ("target", "body", "path"),
    [
        ("SignUp", {"ClientId": "c", "Username": "u", "Password": f" {SECRET} "}, "password"),
        ("SignUp", {"ClientId": "c", "Username": f"{SECRET} x"}, "username"),
        (
            "SignUp",
            {"ClientId": "c", "Username": "u", "SecretHash": f"{SECRET}!"},
            "secretHash",
        ),
        ("GetUser", {"AccessToken": f"{SECRET} x"}, "accessToken"),
        (
            "RespondToAuthChallenge",
            {"ClientId": "c", "ChallengeName": "SMS_MFA", "Session": SECRET},
            "session",
        ),
        (
            "AdminCreateUser",
            {
                "UserPoolId": "us-east-1_abc",
                "Username": "u",
                "UserAttributes": [{"Name": "name", "Value": SECRET * 200}],
            },
            "userAttributes.1.member.value",
        ),
        (
            "AdminCreateUser",
            {"UserPoolId": "us-east-1_abc", "Username": "u", "TemporaryPassword": f"{SECRET} "},
            "temporaryPassword",
        ),
    ],
)
def test_a_sensitive_value_is_never_echoed(
    dispatcher: Dispatcher, target: str, body: dict[str, Any], path: str
) -> None:
    code, message = error(call(dispatcher, IDP + target, body))
    assert code == "InvalidParameterException"
    assert f"Value at '{path}'" in message
    assert SECRET not in message


def test_a_password_with_inner_spaces_passes_validation(
    dispatcher: Dispatcher, client_id: str
) -> None:
    body = {"ClientId": client_id, "Username": "u", "Password": "Inner space 1"}
    assert call(dispatcher, IDP + "SignUp", body).status == 200


# -- how answers leave -----------------------------------------------------------------


def test_a_success_is_compact_json_without_nulls(dispatcher: Dispatcher) -> None:
    response = call(dispatcher, IDP + "CreateUserPool", {"PoolName": "p"})
    assert response.status == 200
    assert response.headers["Content-Type"] == "application/x-amz-json-1.1"
    assert b": " not in response.body
    assert b"null" not in response.body


def test_an_error_carries_its_type_in_the_headers(dispatcher: Dispatcher) -> None:
    missing = "us-east-1_AAAAAAAAA"
    response = call(dispatcher, IDP + "DescribeUserPool", {"UserPoolId": missing})
    assert response.headers["x-amzn-ErrorType"].split(":")[0] == "ResourceNotFoundException"
    assert response.headers["x-amzn-ErrorMessage"] == f"User pool {missing} does not exist."
    assert response.headers["Content-Type"] == "application/x-amz-json-1.1"


def test_a_domain_error_keeps_its_code(dispatcher: Dispatcher, client_id: str) -> None:
    body = {
        "ClientId": client_id,
        "AuthFlow": "USER_PASSWORD_AUTH",
        "AuthParameters": {"USERNAME": "nobody", "PASSWORD": SECRET},
    }
    response = call(dispatcher, IDP + "InitiateAuth", body)
    assert response.status == 400
    assert error(response) == ("UserNotFoundException", "User does not exist.")


def test_an_unexpected_failure_is_an_internal_error_without_details(
    dispatcher: Dispatcher, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(call: Any) -> None:
        raise RuntimeError("database on fire at /secret/path")

    monkeypatch.setitem(dispatch_module.HANDLERS, ("cognito-idp", "ListUserPools"), broken)
    with caplog.at_level(logging.CRITICAL, logger="cogkit.aws"):
        response = call(dispatcher, IDP + "ListUserPools", {"MaxResults": 5})
    assert response.status == 500
    code, message = error(response)
    assert code == "InternalErrorException"
    assert "fire" not in message and "Traceback" not in message


def test_a_cogkit_failure_that_is_not_cognitos_is_an_internal_error(
    dispatcher: Dispatcher, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def misconfigured(call: Any) -> None:
        raise ConfigurationError("the store at sqlite:///x.db has schema version 9")

    monkeypatch.setitem(dispatch_module.HANDLERS, ("cognito-idp", "ListUserPools"), misconfigured)
    with caplog.at_level(logging.CRITICAL, logger="cogkit.aws"):
        response = call(dispatcher, IDP + "ListUserPools", {"MaxResults": 5})
    assert response.status == 500
    assert error(response) == (
        "InternalErrorException",
        "cogkit could not complete the request.",
    )


@pytest.mark.parametrize(
    ("operation", "params", "expected"),
    [
        # UpdateUserPool lists ConcurrentModificationException: AWS's word for this.
        (
            "UpdateUserPool",
            {"UserPoolId": "us-east-1_abcdefghi"},
            "ConcurrentModificationException",
        ),
        # AdminUpdateUserAttributes does not, but lists TooManyRequestsException.
        (
            "AdminUpdateUserAttributes",
            {"UserPoolId": "us-east-1_abcdefghi", "Username": "ann", "UserAttributes": []},
            "TooManyRequestsException",
        ),
    ],
)
def test_a_write_that_keeps_losing_to_concurrent_writers_is_retryable(
    dispatcher: Dispatcher,
    monkeypatch: pytest.MonkeyPatch,
    operation: str,
    params: dict[str, Any],
    expected: str,
) -> None:
    def conflicted(call: Any) -> None:
        raise StoreConflictError("user ann is being changed by too many writers at once")

    monkeypatch.setitem(dispatch_module.HANDLERS, ("cognito-idp", operation), conflicted)
    response = call(dispatcher, IDP + operation, params)
    assert response.status == 400
    assert error(response) == (expected, "Too many concurrent changes; try again.")


def test_contention_in_an_operation_without_a_retryable_error_is_an_internal_error(
    dispatcher: Dispatcher, monkeypatch: pytest.MonkeyPatch
) -> None:
    def conflicted(call: Any) -> None:
        raise StoreConflictError("changed meanwhile")

    # SetUserSettings lists neither ConcurrentModification nor TooManyRequests.
    monkeypatch.setitem(dispatch_module.HANDLERS, ("cognito-idp", "SetUserSettings"), conflicted)
    response = call(dispatcher, IDP + "SetUserSettings", {"AccessToken": "x", "MFAOptions": []})
    assert response.status == 500
    assert error(response)[0] == "InternalErrorException"


def test_the_region_given_reaches_the_service(monkeypatch: pytest.MonkeyPatch) -> None:
    services: dict[str, Cognito] = {}

    def resolve(region: str) -> Cognito:
        return services.setdefault(region, make_cognito(region=region))

    dispatcher = Dispatcher(resolve)
    body = json.dumps({"PoolName": "p"}).encode()
    answer = dispatcher.handle(IDP + "CreateUserPool", body, region="ap-south-1").json()
    assert answer["UserPool"]["Id"].startswith("ap-south-1_")


def test_without_a_region_the_default_region_is_used() -> None:
    seen: list[str] = []

    def resolve(region: str) -> Cognito:
        seen.append(region)
        return make_cognito(region=region)

    Dispatcher(resolve, default_region="sa-east-1").handle(
        IDP + "CreateUserPool", json.dumps({"PoolName": "p"}).encode()
    )
    assert seen == ["sa-east-1"]


# -- the operation table ---------------------------------------------------------------


def test_implemented_operations_are_model_operations() -> None:
    names = implemented("cognito-idp")
    assert names == sorted(names)
    assert set(names) <= set(service_model().operation_names)
    assert "SignUp" in names


def test_an_operation_the_model_lacks_is_left_unregistered(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(dispatch_module, "UNKNOWN_TO_BOTOCORE", set())
    handler = operation("cognito-idp", "MakeCoffee")(lambda call: {})
    assert callable(handler)
    assert ("cognito-idp", "MakeCoffee") not in dispatch_module.HANDLERS
    assert sorted(dispatch_module.UNKNOWN_TO_BOTOCORE) == [("cognito-idp", "MakeCoffee")]


def test_every_operation_cogkit_implements_is_in_the_installed_model() -> None:
    # The test tools install the newest botocore: a name missing here is a typo.
    implemented("cognito-idp")
    assert not dispatch_module.UNKNOWN_TO_BOTOCORE

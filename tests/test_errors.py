from __future__ import annotations

import pytest

from cogkit import errors
from cogkit.errors import (
    CogkitError,
    CognitoError,
    InvalidParameterError,
    NotAuthorizedError,
    StoreConflictError,
    error_class_for_code,
)


def _cognito_error_classes() -> list[type[CognitoError]]:
    return [
        obj
        for name in errors.__all__
        if isinstance(obj := getattr(errors, name), type)
        and issubclass(obj, CognitoError)
        and obj is not CognitoError
    ]


@pytest.mark.parametrize("cls", _cognito_error_classes(), ids=lambda c: c.__name__)
def test_every_cognito_error_carries_its_aws_name(cls: type[CognitoError]) -> None:
    assert cls.code.endswith("Exception")
    assert cls.code == cls.__name__.removesuffix("Error") + "Exception" or cls.code in {
        "InternalErrorException"
    }
    assert error_class_for_code(cls.code) is cls


def test_aws_codes_are_unique() -> None:
    codes = [cls.code for cls in _cognito_error_classes()]
    assert len(codes) == len(set(codes))


def test_unknown_codes_have_no_class() -> None:
    assert error_class_for_code("NoSuchThingException") is None


def test_not_authorized_has_cognitos_code_and_a_400() -> None:
    err = NotAuthorizedError("Incorrect username or password.")
    assert err.code == "NotAuthorizedException"
    assert err.status == 400
    assert err.message == str(err) == "Incorrect username or password."


def test_server_side_errors_answer_with_5xx() -> None:
    assert errors.InternalError.status == 500
    assert errors.UnauthorizedError.status == 401
    assert errors.ForbiddenError.status == 403


def test_invalid_parameter_names_the_field() -> None:
    err = InvalidParameterError("bad", field="username")
    assert err.field == "username"
    assert InvalidParameterError("bad").field is None


def test_store_conflict_names_the_claimed_key() -> None:
    assert StoreConflictError("taken", key="username:ann").key == "username:ann"
    assert StoreConflictError("changed").key is None


def test_every_error_is_a_cogkit_error() -> None:
    for name in errors.__all__:
        obj = getattr(errors, name)
        if isinstance(obj, type):
            assert issubclass(obj, CogkitError)


def test_error_repr_shows_class_and_message() -> None:
    assert (
        repr(NotAuthorizedError("User is disabled.")) == "NotAuthorizedError('User is disabled.')"
    )


def test_errors_all_is_sorted() -> None:
    assert errors.__all__ == sorted(errors.__all__)

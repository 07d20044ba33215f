"""Helpers for the boto3-level tests: error assertions and a check of raw wire bodies
against botocore's output shapes (botocore's parser silently drops members it does not
know, so a misnamed field would only show up as a missing one without this)."""

from __future__ import annotations

import datetime as _dt
import json
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import pytest
from botocore.exceptions import ClientError
from botocore.model import Shape, StructureShape
from botocore.session import get_session

PASSWORD = "Correct-horse-1"
NEW_PASSWORD = "Battery-staple-2"
REGION = "eu-west-1"
ACCOUNT = "123456789012"
START = 1_700_000_000
PASSWORD_FLOWS = [
    "ALLOW_USER_PASSWORD_AUTH",
    "ALLOW_ADMIN_USER_PASSWORD_AUTH",
    "ALLOW_REFRESH_TOKEN_AUTH",
    "ALLOW_USER_SRP_AUTH",
]
#: Errors any JSON 1.1 operation may answer even when its model does not list them.
PROTOCOL_ERRORS = frozenset(
    {"SerializationException", "UnknownOperationException", "InternalErrorException"}
)


def at(epoch: float) -> _dt.datetime:
    """The aware datetime botocore parses from an epoch-seconds timestamp."""
    return _dt.datetime.fromtimestamp(epoch, _dt.UTC)


@contextmanager
def aws_error(
    exception: type[Exception], message: str | None = None, *, status: int = 400
) -> Iterator[pytest.ExceptionInfo[ClientError]]:
    """Expects boto3 to raise ``exception`` (one of ``client.exceptions``), whose name is
    the wire code, with ``message`` when given and the HTTP status AWS uses."""
    with pytest.raises(exception) as info:
        yield info  # type: ignore[misc]
    error = info.value
    assert isinstance(error, ClientError)
    assert error.response["Error"]["Code"] == exception.__name__
    if message is not None:
        assert error.response["Error"]["Message"] == message
    assert error.response["ResponseMetadata"]["HTTPStatusCode"] == status


def service_model(service: str = "cognito-idp") -> Any:
    return get_session().get_service_model(service)


def shape_problems(shape: Shape, value: Any, path: str = "") -> list[str]:
    """Every way ``value`` (raw JSON) departs from ``shape``: unknown members, wrong JSON
    types, timestamps not given as epoch seconds."""
    kind = shape.type_name
    if kind == "structure" and getattr(shape, "is_document_type", False):
        return []  # a Document holds any JSON value
    if kind == "structure":
        if not isinstance(value, Mapping):
            return [f"{path or '<body>'}: expected an object, got {value!r}"]
        assert isinstance(shape, StructureShape)
        problems = []
        for name, item in value.items():
            member = shape.members.get(name)
            where = f"{path}.{name}" if path else name
            if member is None:
                problems.append(f"{where}: not a member of {shape.name}")
            elif item is None:
                problems.append(f"{where}: null (AWS omits absent members)")
            else:
                problems.extend(shape_problems(member, item, where))
        return problems
    if kind == "list":
        if not isinstance(value, list):
            return [f"{path}: expected a list"]
        return [
            p for i, v in enumerate(value) for p in shape_problems(shape.member, v, f"{path}[{i}]")
        ]
    if kind == "map":
        if not isinstance(value, Mapping):
            return [f"{path}: expected an object"]
        return [p for k, v in value.items() for p in shape_problems(shape.value, v, f"{path}[{k}]")]
    expected: tuple[type, ...] = {
        "string": (str,),
        "boolean": (bool,),
        "integer": (int,),
        "long": (int,),
        "timestamp": (int, float),
        "double": (int, float),
        "float": (int, float),
        "blob": (str,),
    }[kind]
    if isinstance(value, bool) and kind != "boolean":
        return [f"{path}: expected {kind}, got a boolean"]
    if not isinstance(value, expected):
        return [f"{path}: expected {kind}, got {type(value).__name__}"]
    if kind == "string" and shape.enum and value not in shape.enum:
        return [f"{path}: {value!r} is not one of {shape.name}"]
    return []


def wire_problems(target: str, status: int, body: bytes) -> list[str]:
    """What is wrong with one raw response to ``target`` (``Prefix.Operation``)."""
    prefix, _, name = target.partition(".")
    service = "cognito-identity" if prefix == "AWSCognitoIdentityService" else "cognito-idp"
    model = service_model(service)
    if name not in model.operation_names:
        return []
    operation = model.operation_model(name)
    data = json.loads(body)
    if status == 200:
        if operation.output_shape is None:
            return [] if data == {} else [f"{name}: has no output shape but answered {data}"]
        return [f"{name}: {p}" for p in shape_problems(operation.output_shape, data)]
    problems = []
    code = data.get("__type")
    if set(data) - {"__type", "message"}:
        problems.append(f"{name}: error body has {sorted(data)}")
    if not isinstance(data.get("message"), str):
        problems.append(f"{name}: error without a message")
    modeled = {e.name for e in operation.error_shapes} | PROTOCOL_ERRORS
    if code not in modeled and code != "UnsupportedOperationException":
        problems.append(f"{name}: {code} is not an error AWS models for it")
    return problems

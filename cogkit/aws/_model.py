"""botocore's service models, read at run time: operation names, input validation and
output shapes all come from here, so no list of operations is written by hand."""

from __future__ import annotations

import base64
import datetime as _dt
from collections.abc import Mapping
from functools import cache
from typing import Any

import regex
from botocore.model import OperationModel, ServiceModel, Shape, StructureShape
from botocore.session import get_session

__all__ = ["IDENTITY", "IDP", "ValidationProblem", "service_model", "validate_input"]

IDP = "cognito-idp"
IDENTITY = "cognito-identity"


@cache
def service_model(service: str) -> ServiceModel:
    return get_session().get_service_model(service)


@cache
def target_prefix(service: str) -> str:
    return str(service_model(service).metadata["targetPrefix"])


@cache
def _pattern(pattern: str) -> regex.Pattern[str]:
    # The model's patterns are Java regexes (\p{L} classes, ASCII \w and \s).
    return regex.compile(pattern, regex.ASCII | regex.V0)


def wire_name(member: str) -> str:
    """How AWS names a member in validation messages: lowerCamelCase."""
    return member[:1].lower() + member[1:]


class ValidationProblem:
    __slots__ = ("path", "rule", "value")

    def __init__(self, path: str, rule: str, value: Any = None) -> None:
        self.path = path
        self.rule = rule
        self.value = value

    def render(self) -> str:
        if self.value is None:
            return f"Value at '{self.path}' failed to satisfy constraint: {self.rule}"
        return f"Value '{self.value}' at '{self.path}' failed to satisfy constraint: {self.rule}"


class SerializationProblem(Exception):
    """A value of the wrong JSON type (AWS answers SerializationException)."""


def _show(shape: Shape, value: Any) -> Any:
    if shape.metadata.get("sensitive") or not isinstance(value, str | int | float):
        return None
    text = str(value)
    return text if len(text) <= 256 else None


def _check(shape: Shape, value: Any, path: str, problems: list[ValidationProblem]) -> None:
    kind = shape.type_name
    meta = shape.metadata
    if kind == "structure":
        if not isinstance(value, Mapping):
            raise SerializationProblem(f"Expected an object at '{path}'")
        assert isinstance(shape, StructureShape)
        for name in shape.required_members:
            if value.get(name) is None:
                problems.append(
                    ValidationProblem(_join(path, wire_name(name)), "Member must not be null")
                )
        for name, member in shape.members.items():
            if value.get(name) is not None:
                _check(member, value[name], _join(path, wire_name(name)), problems)
        return
    if kind == "list":
        if not isinstance(value, list):
            raise SerializationProblem(f"Expected a list at '{path}'")
        _length(meta, len(value), path, problems, None)
        for index, item in enumerate(value, start=1):
            if item is None:
                continue
            _check(shape.member, item, f"{path}.{index}.member", problems)
        return
    if kind == "map":
        if not isinstance(value, Mapping):
            raise SerializationProblem(f"Expected an object at '{path}'")
        _length(meta, len(value), path, problems, None)
        for key, item in value.items():
            _check(shape.key, key, path, problems)
            if item is not None:
                _check(shape.value, item, path, problems)
        return
    if kind == "string":
        if not isinstance(value, str):
            raise SerializationProblem(f"Expected a string at '{path}'")
        _length(meta, len(value), path, problems, _show(shape, value))
        if shape.enum and value not in shape.enum:
            problems.append(
                ValidationProblem(
                    path,
                    f"Member must satisfy enum value set: [{', '.join(shape.enum)}]",
                    _show(shape, value),
                )
            )
        pattern = meta.get("pattern")
        if pattern and not _pattern(pattern).fullmatch(value):
            problems.append(
                ValidationProblem(
                    path,
                    f"Member must satisfy regular expression pattern: {pattern}",
                    _show(shape, value),
                )
            )
        return
    if kind in ("integer", "long"):
        if isinstance(value, bool) or not isinstance(value, int):
            raise SerializationProblem(f"Expected an integer at '{path}'")
        if "min" in meta and value < meta["min"]:
            problems.append(
                ValidationProblem(
                    path, f"Member must have value greater than or equal to {meta['min']}", value
                )
            )
        if "max" in meta and value > meta["max"]:
            problems.append(
                ValidationProblem(
                    path, f"Member must have value less than or equal to {meta['max']}", value
                )
            )
        return
    if kind in ("float", "double"):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise SerializationProblem(f"Expected a number at '{path}'")
        return
    if kind == "boolean":
        if not isinstance(value, bool):
            raise SerializationProblem(f"Expected a boolean at '{path}'")
        return
    if kind == "timestamp":
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            raise SerializationProblem(f"Expected a timestamp at '{path}'")
        return
    if kind == "blob":
        if not isinstance(value, str):
            raise SerializationProblem(f"Expected base64 text at '{path}'")
        try:
            base64.b64decode(value, validate=True)
        except ValueError:
            raise SerializationProblem(f"Invalid base64 at '{path}'") from None
        return


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def _length(
    meta: Mapping[str, Any], length: int, path: str, problems: list[ValidationProblem], shown: Any
) -> None:
    if "min" in meta and length < meta["min"]:
        problems.append(
            ValidationProblem(
                path, f"Member must have length greater than or equal to {meta['min']}", shown
            )
        )
    if "max" in meta and length > meta["max"]:
        problems.append(
            ValidationProblem(
                path, f"Member must have length less than or equal to {meta['max']}", shown
            )
        )


def validate_input(operation: OperationModel, body: Mapping[str, Any]) -> list[ValidationProblem]:
    """Every constraint the request breaks (empty when it is valid).

    Raises ``SerializationProblem`` for a value of the wrong JSON type.
    """
    problems: list[ValidationProblem] = []
    if operation.input_shape is not None:
        _check(operation.input_shape, body, "", problems)
    return problems


def epoch(value: _dt.datetime) -> float:
    """Timestamps travel as epoch seconds."""
    return value.timestamp()

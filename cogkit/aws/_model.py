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
    """One broken constraint, rendered as AWS renders it: ``Value 'x' at 'path' failed to
    satisfy constraint: rule`` (``Value null at`` for a missing member, no value at all
    for a sensitive one)."""

    __slots__ = ("path", "rule", "value")

    def __init__(self, path: str, rule: str, value: Any = None) -> None:
        self.path = path
        self.rule = rule
        self.value = value

    def render(self) -> str:
        if self.value is _NULL:
            shown = "Value null"
        elif self.value is None:
            shown = "Value"
        else:
            shown = f"Value '{self.value}'"
        return f"{shown} at '{self.path}' failed to satisfy constraint: {self.rule}"


#: Marks a missing required member (rendered ``Value null``).
_NULL = object()
#: Longest value echoed in a validation message.
_SHOWN_MAX = 256
_SCALARS = frozenset(
    {"string", "integer", "long", "boolean", "float", "double", "timestamp", "blob"}
)


#: Where the service checks another pattern than the published model states.  Passwords:
#: the model says ``[\S]+`` but Cognito accepts inner spaces (they count as symbols) and
#: refuses only leading or trailing whitespace, citing this pattern (spec 1.2, 7.7).
_SERVER_PATTERNS: dict[str, str | None] = {
    "PasswordType": r"^[\S]+.*[\S]+$",
    # Domains: the model gives the pattern of a prefix domain (one label), yet the member
    # also names custom domains such as auth.example.com, so the service checks no pattern
    # here; it checks the name against the kind of domain asked for, in its own words
    # (cogkit.domain.domains).
    "DomainType": None,
}


class SerializationProblem(Exception):
    """A value of the wrong JSON type (AWS answers SerializationException)."""


def _java(value: Any) -> str:
    """How the Java service prints a value in a validation message."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(_java(v) for v in value) + "]"
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{_java(k)}={_java(v)}" for k, v in value.items()) + "}"
    return str(value)


def _show(secret: bool, value: Any) -> Any:
    """The value to echo, or ``None`` for a sensitive (or very long) one."""
    if secret or value is None:
        return None
    text = _java(value)
    return text if len(text) <= _SHOWN_MAX else None


def _is_secret(shape: Shape, inherited: bool) -> bool:
    return inherited or bool(shape.metadata.get("sensitive"))


def _check(
    shape: Shape, value: Any, path: str, problems: list[ValidationProblem], secret: bool = False
) -> None:
    kind = shape.type_name
    meta = shape.metadata
    secret = _is_secret(shape, secret)
    if kind == "structure" and getattr(shape, "is_document_type", False):
        return  # a Document (CompleteWebAuthnRegistration's Credential): any JSON value
    if kind == "structure":
        if not isinstance(value, Mapping):
            raise SerializationProblem(f"Expected an object at '{path or '<body>'}'")
        assert isinstance(shape, StructureShape)
        for name in shape.required_members:
            if value.get(name) is None:
                problems.append(
                    ValidationProblem(
                        _join(path, wire_name(name)), "Member must not be null", _NULL
                    )
                )
        for name, member in shape.members.items():
            if value.get(name) is not None:
                _check(member, value[name], _join(path, wire_name(name)), problems, secret)
        return
    if kind == "list":
        if not isinstance(value, list):
            raise SerializationProblem(f"Expected a list at '{path}'")
        _length(meta, len(value), path, problems, _show(secret, value))
        member = shape.member
        if member.type_name not in _SCALARS:
            # Members that are structures are checked one by one: 'list.1.member.name'.
            for index, item in enumerate(value, start=1):
                if item is not None:
                    _check(member, item, f"{path}.{index}.member", problems, secret)
            return
        # A list of scalars fails as a whole: "Member must satisfy constraint: [...]".
        rules = _rules(member, [v for v in value if v is not None], path, secret)
        if rules:
            problems.append(
                ValidationProblem(
                    path,
                    f"Member must satisfy constraint: [{', '.join(rules)}]",
                    _show(_is_secret(member, secret), value),
                )
            )
        return
    if kind == "map":
        if not isinstance(value, Mapping):
            raise SerializationProblem(f"Expected an object at '{path}'")
        _length(meta, len(value), path, problems, _show(secret, value))
        shown = _show(secret or _is_secret(shape.value, False), value)
        key_rules = _rules(shape.key, list(value), path, secret)
        if key_rules:
            problems.append(
                ValidationProblem(
                    path, f"Map keys must satisfy constraint: [{', '.join(key_rules)}]", shown
                )
            )
        items = [v for v in value.values() if v is not None]
        if shape.value.type_name in _SCALARS:
            value_rules = _rules(shape.value, items, path, secret)
            if value_rules:
                problems.append(
                    ValidationProblem(
                        path,
                        f"Map value must satisfy constraint: [{', '.join(value_rules)}]",
                        shown,
                    )
                )
        else:
            for key, item in value.items():
                if item is not None:
                    _check(shape.value, item, f"{path}.{key}", problems, secret)
        return
    if kind == "string":
        if not isinstance(value, str):
            raise SerializationProblem(f"Expected a string at '{path}'")
        shown = _show(secret, value)
        _length(meta, len(value), path, problems, shown)
        if shape.enum and value not in shape.enum:
            problems.append(
                ValidationProblem(
                    path, f"Member must satisfy enum value set: [{', '.join(shape.enum)}]", shown
                )
            )
        pattern = _SERVER_PATTERNS.get(shape.name, meta.get("pattern"))
        # A blank password means none (SignUp of a passwordless user, spec §7.6): the
        # domain decides whether that is allowed where it is given.
        blank_password = shape.name == "PasswordType" and value == ""
        if pattern and not blank_password and not _pattern(pattern).fullmatch(value):
            problems.append(
                ValidationProblem(
                    path, f"Member must satisfy regular expression pattern: {pattern}", shown
                )
            )
        return
    if kind in ("integer", "long"):
        if isinstance(value, bool) or not isinstance(value, int):
            raise SerializationProblem(f"Expected an integer at '{path}'")
        shown = _show(secret, value)
        if "min" in meta and value < meta["min"]:
            problems.append(
                ValidationProblem(
                    path, f"Member must have value greater than or equal to {meta['min']}", shown
                )
            )
        if "max" in meta and value > meta["max"]:
            problems.append(
                ValidationProblem(
                    path, f"Member must have value less than or equal to {meta['max']}", shown
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


def _rules(shape: Shape, items: list[Any], path: str, secret: bool) -> list[str]:
    """The distinct rules of ``shape`` that any of ``items`` breaks, in order."""
    found: list[ValidationProblem] = []
    for item in items:
        _check(shape, item, path, found, secret)
    rules: list[str] = []
    for problem in found:
        if problem.rule not in rules:
            rules.append(problem.rule)
    return rules


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

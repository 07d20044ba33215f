"""Input checks for every public entry point.

Each helper checks one value and raises ``InvalidParameterError`` naming the field and the
rule, in the wording AWS uses for its own validation errors ("1 validation error detected:
Value at 'username' failed to satisfy constraint: ...").  Limits follow botocore's
cognito-idp model.  Values are never echoed for fields that may hold secrets.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from enum import Enum
from typing import Any, TypeVar

from cogkit.errors import InvalidParameterError

E = TypeVar("E", bound=Enum)

#: Fields whose values never appear in error messages.
SECRET_FIELDS = frozenset(
    {
        "password",
        "previous_password",
        "proposed_password",
        "temporary_password",
        "code",
        "confirmation_code",
        "secret_hash",
        "client_secret",
        "refresh_token",
        "access_token",
        "session",
        "token",
        "new_password",
    }
)


def _fail(field: str, rule: str, value: Any = None, *, show: bool = True) -> InvalidParameterError:
    shown = show and field not in SECRET_FIELDS and value is not None and len(repr(value)) < 200
    at = f"Value '{value}' at '{field}'" if shown else f"Value at '{field}'"
    return InvalidParameterError(
        f"1 validation error detected: {at} failed to satisfy constraint: {rule}", field=field
    )


def missing(field: str) -> InvalidParameterError:
    return InvalidParameterError(
        f"1 validation error detected: Value null at '{field}' failed to satisfy constraint: "
        "Member must not be null",
        field=field,
    )


def printable(text: str) -> bool:
    """Cognito's ``[\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}]+``: letters, marks, symbols, numbers,
    punctuation; no whitespace or control characters."""
    return bool(text) and all(unicodedata.category(ch)[0] in "LMSNP" for ch in text)


def string(
    field: str,
    value: Any,
    *,
    min_len: int = 0,
    max_len: int | None = None,
    pattern: str | re.Pattern[str] | None = None,
    printable_only: bool = False,
) -> str:
    if value is None:
        raise missing(field)
    if not isinstance(value, str):
        raise InvalidParameterError(
            f"Invalid type for parameter {field}, value type: {type(value).__name__}, "
            "valid types: str",
            field=field,
        )
    if len(value) < min_len:
        raise _fail(field, f"Member must have length greater than or equal to {min_len}", value)
    if max_len is not None and len(value) > max_len:
        raise _fail(
            field, f"Member must have length less than or equal to {max_len}", value, show=False
        )
    if printable_only and value and not printable(value):
        raise _fail(
            field,
            "Member must satisfy regular expression pattern: [\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}]+",
            value,
        )
    if pattern is not None:
        compiled = re.compile(pattern) if isinstance(pattern, str) else pattern
        if not compiled.fullmatch(value):
            raise _fail(
                field, f"Member must satisfy regular expression pattern: {compiled.pattern}", value
            )
    return value


def integer(
    field: str, value: Any, *, minimum: int | None = None, maximum: int | None = None
) -> int:
    if value is None:
        raise missing(field)
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidParameterError(
            f"Invalid type for parameter {field}, value type: {type(value).__name__}, "
            "valid types: int",
            field=field,
        )
    if minimum is not None and value < minimum:
        raise _fail(field, f"Member must have value greater than or equal to {minimum}", value)
    if maximum is not None and value > maximum:
        raise _fail(field, f"Member must have value less than or equal to {maximum}", value)
    return value


def boolean(field: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise InvalidParameterError(
            f"Invalid type for parameter {field}, value type: {type(value).__name__}, "
            "valid types: bool",
            field=field,
        )
    return value


def enum(field: str, value: Any, enum_cls: type[E]) -> E:
    if isinstance(value, enum_cls):
        return value
    try:
        return enum_cls(value)
    except (ValueError, TypeError):
        allowed = ", ".join(str(m.value) for m in enum_cls)
        raise _fail(field, f"Member must satisfy enum value set: [{allowed}]", value) from None


def string_list(
    field: str, value: Any, *, max_items: int | None = None, **item_rules: Any
) -> tuple[str, ...]:
    if value is None:
        raise missing(field)
    if isinstance(value, str | bytes | Mapping) or not isinstance(value, Iterable):
        raise InvalidParameterError(
            f"Invalid type for parameter {field}, value type: {type(value).__name__}, "
            "valid types: list",
            field=field,
        )
    items = tuple(value)
    if max_items is not None and len(items) > max_items:
        raise _fail(field, f"Member must have length less than or equal to {max_items}")
    return tuple(string(f"{field}.member", item, **item_rules) for item in items)


def enum_list(field: str, value: Any, enum_cls: type[E]) -> tuple[E, ...]:
    items = string_list(field, value)
    return tuple(enum(f"{field}.member", item, enum_cls) for item in items)


def string_map(
    field: str, value: Any, *, max_key: int | None = None, max_value: int | None = None
) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise InvalidParameterError(
            f"Invalid type for parameter {field}, value type: {type(value).__name__}, "
            "valid types: dict",
            field=field,
        )
    out: dict[str, str] = {}
    for key, item in value.items():
        string(f"{field}.key", key, min_len=1, max_len=max_key)
        out[key] = string(f"{field}.value", item, max_len=max_value)
    return out


def mapping(field: str, value: Any) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise InvalidParameterError(
            f"Invalid type for parameter {field}, value type: {type(value).__name__}, "
            "valid types: dict",
            field=field,
        )
    for key in value:
        if not isinstance(key, str):
            raise InvalidParameterError(f"Keys of {field} must be strings", field=field)
    return value


def no_unknown(field: str | None, given: Mapping[str, Any], known: Iterable[str]) -> None:
    """Refuses a key of ``given`` that is not ``known``, naming it as the field at fault.

    ``field`` is the mapping the keys sit in (``None`` for keyword arguments of a call).
    """
    unknown = sorted(set(given) - set(known))
    if unknown:
        name = unknown[0] if field is None else f"{field}.{unknown[0]}"
        raise InvalidParameterError(
            f"Unknown parameter {name!r}, must be one of: " + ", ".join(sorted(known)),
            field=name,
        )


# Identifier shapes from botocore's model.
USERNAME_MAX = 128
POOL_ID = re.compile(r"[\w-]+_[0-9a-zA-Z]+")
CLIENT_ID = re.compile(r"[\w+]+")
POOL_NAME = re.compile(r"[\w\s+=,.@-]+")
CLIENT_NAME = re.compile(r"[\w\s+=,.@-]+")
CLIENT_SECRET = re.compile(r"[\w+]+")
SECRET_HASH = re.compile(r"[\w+=/]+")
TOKEN = re.compile(r"[A-Za-z0-9\-_=.]+")
CODE = re.compile(r"[\S]+")
#: ``ArnType`` (role ARNs of groups, certificate ARNs of custom domains); ``\w`` is ASCII
#: in the service's Java patterns.
ARN = re.compile(
    r"arn:[\w+=/,.@-]+:[\w+=/,.@-]+:([\w+=/,.@-]*)?:[0-9]+:[\w+=/,.@-]+(:[\w+=/,.@-]+)?"
    r"(:[\w+=/,.@-]+)?",
    re.ASCII,
)


def pool_id(value: Any, field: str = "user_pool_id") -> str:
    return string(field, value, min_len=1, max_len=55, pattern=POOL_ID)


def client_id(value: Any, field: str = "client_id") -> str:
    return string(field, value, min_len=1, max_len=128, pattern=CLIENT_ID)


def username(value: Any, field: str = "username") -> str:
    return string(field, value, min_len=1, max_len=USERNAME_MAX, printable_only=True)


def password(value: Any, field: str = "password") -> str:
    # The model allows up to 256 characters and no leading or trailing whitespace.
    text = string(field, value, min_len=1, max_len=256)
    if text != text.strip():
        raise _fail(field, "Member must satisfy regular expression pattern: ^[\\S]+.*[\\S]+$")
    return text


def code(value: Any, field: str = "confirmation_code") -> str:
    return string(field, value, min_len=1, max_len=2048, pattern=CODE)


def secret_hash(value: Any, field: str = "secret_hash") -> str | None:
    if value is None:
        return None
    return string(field, value, min_len=1, max_len=128, pattern=SECRET_HASH)


def token(value: Any, field: str) -> str:
    return string(field, value, min_len=1, max_len=131072, pattern=TOKEN)


def client_metadata(value: Any, field: str = "client_metadata") -> dict[str, str]:
    return string_map(field, value, max_key=131072, max_value=131072)

"""JSON form of the domain's frozen configuration values, for stores to keep.

``dump`` turns an attrs value into plain dicts, lists and scalars; ``load`` rebuilds it from
the type annotations.  Only what configuration values use is supported: attrs classes,
enums, ``tuple[X, ...]``, ``X | None``, ``Mapping``/``dict`` of strings, and scalars.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Mapping
from enum import Enum
from functools import cache
from typing import Any, TypeVar

import attrs

T = TypeVar("T")


def dump(value: Any) -> Any:
    if attrs.has(type(value)):
        return {f.name: dump(getattr(value, f.name)) for f in attrs.fields(type(value))}
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, tuple | list):
        return [dump(v) for v in value]
    if isinstance(value, Mapping):
        return {k: dump(v) for k, v in value.items()}
    return value


@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def load(cls: type[T], data: Mapping[str, Any]) -> T:
    hints = _hints(cls)  # type: ignore[arg-type]
    kwargs = {}
    for field in attrs.fields(cls):  # type: ignore[arg-type]
        if field.name in data:
            kwargs[field.name] = _load_value(hints[field.name], data[field.name])
    return cls(**kwargs)


def _load_value(tp: Any, value: Any) -> Any:
    if value is None:
        return None
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        options = [a for a in typing.get_args(tp) if a is not type(None)]
        return _load_value(options[0], value) if len(options) == 1 else value
    if origin is tuple:
        (item,) = typing.get_args(tp)[:1]
        return tuple(_load_value(item, v) for v in value)
    if origin in (dict, Mapping, typing.Mapping):
        _, item = typing.get_args(tp)
        return {k: _load_value(item, v) for k, v in value.items()}
    if isinstance(tp, type) and attrs.has(tp):
        return load(tp, value)
    if isinstance(tp, type) and issubclass(tp, Enum):
        return tp(value)
    return value

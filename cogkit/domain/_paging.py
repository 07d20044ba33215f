"""Opaque pagination tokens and the ``Page`` value every list call returns."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator, Mapping
from typing import Any, Generic, TypeVar

import attrs

from cogkit.errors import InvalidParameterError

T = TypeVar("T")


@attrs.frozen
class Page(Generic[T]):
    """One page of results and the token for the next (``None`` on the last page)."""

    items: tuple[T, ...]
    next_token: str | None = None

    def __iter__(self) -> Iterator[T]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def __getitem__(self, index: int) -> T:
        return self.items[index]


def encode(state: Mapping[str, Any]) -> str:
    raw = json.dumps(state, separators=(",", ":"), sort_keys=True).encode()
    return base64.urlsafe_b64encode(raw).decode()


def decode(token: Any, field: str, kind: str) -> dict[str, Any]:
    """The state inside a token this module made for ``kind``; InvalidParameter otherwise."""
    if not isinstance(token, str) or not token or len(token) > 131072:
        raise InvalidParameterError(f"Invalid {field}.", field=field)
    try:
        state = json.loads(base64.urlsafe_b64decode(token.encode()))
    except (ValueError, UnicodeDecodeError):
        raise InvalidParameterError(f"Invalid {field}.", field=field) from None
    if not isinstance(state, dict) or state.get("k") != kind:
        raise InvalidParameterError(f"Invalid {field}.", field=field)
    return state


def decode_after(token: Any, field: str, kind: str) -> str | None:
    """The id to resume after, from a token this module made for ``kind`` (or ``None``
    when there is no token); InvalidParameter for anything else."""
    if token is None:
        return None
    after = decode(token, field, kind).get("after")
    if not isinstance(after, str):
        # A hand-made token must not reach the store with a position of the wrong type.
        raise InvalidParameterError(f"Invalid {field}.", field=field)
    return after

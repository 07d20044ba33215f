"""The ``ListUsers`` filter grammar: ``attribute = "value"`` or ``attribute ^= "value"``."""

from __future__ import annotations

import re

import attrs

from cogkit.domain.users import SEARCHABLE, search_form
from cogkit.errors import InvalidParameterError

__all__ = ["UserFilter", "parse_filter"]

_FILTER = re.compile(r'\s*([\w:]+)\s*(\^=|=)\s*"((?:[^"\\]|\\.)*)"\s*')
MAX_FILTER = 256


@attrs.frozen
class UserFilter:
    attribute: str
    value: str
    prefix: bool

    @property
    def index_value(self) -> str:
        """The value in the form the search index keeps."""
        return search_form(self.attribute, self.value)


def parse_filter(text: object) -> UserFilter | None:
    """The parsed filter, ``None`` for an empty one; InvalidParameter when unparseable."""
    if text is None:
        return None
    if not isinstance(text, str):
        raise InvalidParameterError("Filter must be a string.", field="filter")
    if len(text) > MAX_FILTER:
        raise InvalidParameterError(
            f"1 validation error detected: Value at 'filter' failed to satisfy constraint: "
            f"Member must have length less than or equal to {MAX_FILTER}",
            field="filter",
        )
    if not text.strip():
        return None
    match = _FILTER.fullmatch(text)
    if match is None:
        raise InvalidParameterError("Error while parsing filter.", field="filter")
    attribute, op, raw = match.groups()
    if attribute not in SEARCHABLE:
        raise InvalidParameterError(f"Invalid search attribute: {attribute}", field="filter")
    value = re.sub(r"\\(.)", r"\1", raw)
    return UserFilter(attribute, value, prefix=op == "^=")

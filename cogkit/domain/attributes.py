"""User attributes: the standard OIDC schema, custom attributes, and value checks.

Cognito keeps every attribute value as a string.  A pool's schema is the standard set (with
per-pool ``required``/``mutable`` overrides) plus up to 50 ``custom:`` attributes.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from cogkit.domain import _validate as v
from cogkit.domain.enums import AttributeType
from cogkit.errors import InvalidParameterError

__all__ = [
    "STANDARD_ATTRIBUTES",
    "SchemaAttribute",
    "is_email",
    "is_phone",
]

MAX_VALUE_LENGTH = 2048
MAX_CUSTOM_ATTRIBUTES = 50
CUSTOM_PREFIX = "custom:"
DEV_PREFIX = "dev:"
VERIFIED_FLAGS = {"email": "email_verified", "phone_number": "phone_number_verified"}

_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_PHONE = re.compile(r"\+[0-9]{4,15}")
_BIRTHDATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def is_email(value: str) -> bool:
    return bool(_EMAIL.fullmatch(value)) and len(value) <= MAX_VALUE_LENGTH


def is_phone(value: str) -> bool:
    """E.164 as Cognito takes it: ``+`` and digits only."""
    return bool(_PHONE.fullmatch(value))


@attrs.frozen
class SchemaAttribute:
    """One attribute of a pool's schema (Cognito's ``SchemaAttributeType``).

    ``name`` is the full name (``"email"``, ``"custom:plan"``).  Length and value
    constraints are integers here; the wire layer renders them as Cognito's strings.
    """

    name: str
    data_type: AttributeType = AttributeType.STRING
    mutable: bool = True
    required: bool = False
    developer_only: bool = False
    min_length: int | None = None
    max_length: int | None = None
    min_value: int | None = None
    max_value: int | None = None

    @property
    def is_custom(self) -> bool:
        return self.name.startswith((CUSTOM_PREFIX, DEV_PREFIX))

    @property
    def short_name(self) -> str:
        return self.name.split(":", 1)[1] if self.is_custom else self.name

    def check(self, value: str) -> str | None:
        """The reason ``value`` does not fit this attribute, or ``None`` when it does."""
        if len(value) > MAX_VALUE_LENGTH:
            return f"String must be no longer than {MAX_VALUE_LENGTH} characters"
        if self.data_type is AttributeType.STRING:
            if self.min_length is not None and len(value) < self.min_length:
                return f"String must be no fewer than {self.min_length} characters"
            if self.max_length is not None and len(value) > self.max_length:
                return f"String must be no longer than {self.max_length} characters"
        elif self.data_type is AttributeType.NUMBER:
            try:
                number = int(value)
            except ValueError:
                return "Number is not valid"
            if self.min_value is not None and number < self.min_value:
                return f"Number must be no less than {self.min_value}"
            if self.max_value is not None and number > self.max_value:
                return f"Number must be no greater than {self.max_value}"
        elif self.data_type is AttributeType.BOOLEAN:
            if value.lower() not in ("true", "false"):
                return "Boolean is not valid"
        elif self.data_type is AttributeType.DATETIME:
            try:
                _dt.datetime.fromisoformat(value)
            except ValueError:
                if not value.isdigit():
                    return "DateTime is not valid"
        return None


def _std(
    name: str,
    data_type: AttributeType = AttributeType.STRING,
    *,
    mutable: bool = True,
    required: bool = False,
    min_length: int | None = 0,
    max_length: int | None = 2048,
    min_value: int | None = None,
) -> SchemaAttribute:
    if data_type is not AttributeType.STRING:
        min_length = max_length = None
    return SchemaAttribute(
        name,
        data_type,
        mutable=mutable,
        required=required,
        min_length=min_length,
        max_length=max_length,
        min_value=min_value,
    )


#: Cognito's standard attributes, with the defaults ``DescribeUserPool`` reports.
STANDARD_ATTRIBUTES: Mapping[str, SchemaAttribute] = {
    a.name: a
    for a in (
        _std("sub", mutable=False, required=True, min_length=1),
        _std("name"),
        _std("given_name"),
        _std("family_name"),
        _std("middle_name"),
        _std("nickname"),
        _std("preferred_username"),
        _std("profile"),
        _std("picture"),
        _std("website"),
        _std("email"),
        _std("email_verified", AttributeType.BOOLEAN),
        _std("gender"),
        _std("birthdate", min_length=10, max_length=10),
        _std("zoneinfo"),
        _std("locale"),
        _std("phone_number"),
        _std("phone_number_verified", AttributeType.BOOLEAN),
        _std("address"),
        _std("updated_at", AttributeType.NUMBER, min_value=0),
        _std("identities", min_length=None, max_length=None),
    )
}


def build_schema(given: Iterable[Any] | None) -> tuple[SchemaAttribute, ...]:
    """A pool's full schema from the ``schema`` argument of pool creation.

    Each entry is a ``SchemaAttribute`` or a mapping with its field names.  Standard
    attributes may be made required or immutable; custom ones (``custom:`` added when
    missing) are new attributes that can never be required.
    """
    if given is None:
        given = ()
    elif isinstance(given, str | bytes | Mapping) or not isinstance(given, Iterable):
        raise InvalidParameterError(
            f"schema must be a list of attributes, not {type(given).__name__}", field="schema"
        )
    standard = dict(STANDARD_ATTRIBUTES)
    custom: dict[str, SchemaAttribute] = {}
    for index, item in enumerate(given):
        attribute = schema_attribute(f"schema[{index}]", item)
        if attribute.name in standard:
            base = standard[attribute.name]
            if attribute.name == "sub" or attribute.data_type is not base.data_type:
                raise InvalidParameterError(
                    f"Cannot modify the standard attribute {attribute.name}.",
                    field=f"schema[{index}]",
                )
            standard[attribute.name] = attrs.evolve(
                base,
                required=attribute.required,
                mutable=attribute.mutable,
                developer_only=attribute.developer_only,
            )
        else:
            attribute = custom_attribute(f"schema[{index}]", attribute)
            if attribute.name in custom:
                raise InvalidParameterError(
                    f"Duplicate attribute name {attribute.name}", field=f"schema[{index}]"
                )
            custom[attribute.name] = attribute
    if len(custom) > MAX_CUSTOM_ATTRIBUTES:
        raise InvalidParameterError(
            f"A user pool can have at most {MAX_CUSTOM_ATTRIBUTES} custom attributes.",
            field="schema",
        )
    return (*standard.values(), *custom.values())


def schema_attribute(field: str, item: Any) -> SchemaAttribute:
    """A ``SchemaAttribute`` from an instance or a mapping of its field names."""
    if isinstance(item, SchemaAttribute):
        return item
    data = dict(v.mapping(field, item))
    v.no_unknown(field, data, [f.name for f in attrs.fields(SchemaAttribute)])
    name = v.string(
        f"{field}.name", data.pop("name", None), min_len=1, max_len=32, printable_only=True
    )
    data_type = v.enum(f"{field}.data_type", data.pop("data_type", "String"), AttributeType)
    changes: dict[str, Any] = {
        k: v.boolean(f"{field}.{k}", data.pop(k))
        for k in ("mutable", "required", "developer_only")
        if k in data
    }
    changes.update(
        {
            k: v.integer(f"{field}.{k}", data.pop(k), minimum=0 if "length" in k else None)
            for k in ("min_length", "max_length", "min_value", "max_value")
            if data.get(k) is not None
        }
    )
    return attrs.evolve(SchemaAttribute(name, data_type), **changes)


def custom_attribute(field: str, attribute: SchemaAttribute) -> SchemaAttribute:
    """Checks a new custom attribute and gives it its ``custom:`` (or ``dev:``) name."""
    short = attribute.short_name if attribute.is_custom else attribute.name
    prefix = DEV_PREFIX if attribute.developer_only else CUSTOM_PREFIX
    if not 1 <= len(short) <= 20 or not v.printable(short) or ":" in short:
        raise InvalidParameterError(
            f"Custom attribute name {short!r} must be 1 to 20 characters without ':'", field=field
        )
    if attribute.required:
        raise InvalidParameterError(
            "Required custom attributes are not supported currently.", field=field
        )
    if attribute.data_type is AttributeType.STRING:
        if attribute.max_length is not None and attribute.max_length > MAX_VALUE_LENGTH:
            raise InvalidParameterError(
                f"String attribute max length cannot exceed {MAX_VALUE_LENGTH}", field=field
            )
        if (
            attribute.min_length is not None
            and attribute.max_length is not None
            and attribute.min_length > attribute.max_length
        ):
            raise InvalidParameterError(
                "String attribute min length cannot exceed max length", field=field
            )
    if (
        attribute.min_value is not None
        and attribute.max_value is not None
        and attribute.min_value > attribute.max_value
    ):
        raise InvalidParameterError(
            "Number attribute min value cannot exceed max value", field=field
        )
    return attrs.evolve(attribute, name=prefix + short)


def normalise_value(attribute: SchemaAttribute, value: str) -> str:
    """The stored form of a value (booleans as ``"true"``/``"false"``)."""
    if attribute.data_type is AttributeType.BOOLEAN:
        return value.lower()
    return value


def claim_value(attribute: SchemaAttribute | None, value: str) -> Any:
    """How an attribute appears in an ID token: custom attributes always as strings;
    the standard booleans as JSON booleans and ``updated_at`` as a number."""
    if attribute is None or attribute.is_custom:
        return value
    if attribute.data_type is AttributeType.BOOLEAN:
        return value == "true"
    if attribute.data_type is AttributeType.NUMBER:
        try:
            return int(value)
        except ValueError:
            return value
    return value

"""Users as the domain sees them: the public ``User`` value, sign-in keys and search keys."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping

import attrs

from cogkit.domain.config import UserPoolConfig
from cogkit.domain.enums import AliasAttribute, UsernameAttribute, UserStatus
from cogkit.stores.records import UserRecord

__all__ = ["User"]

#: Attributes ``ListUsers`` can filter on (Cognito's searchable set).
SEARCHABLE = (
    "username",
    "email",
    "phone_number",
    "name",
    "given_name",
    "family_name",
    "preferred_username",
    "cognito:user_status",
    "status",
    "sub",
)
#: Searched exactly; every other searchable attribute is matched case-insensitively.
CASE_SENSITIVE_SEARCH = frozenset({"username", "status", "sub"})


def utc(epoch: float) -> _dt.datetime:
    return _dt.datetime.fromtimestamp(epoch, _dt.UTC)


@attrs.frozen
class User:
    """A user as Cognito reports it (``AdminGetUser``/``ListUsers``)."""

    username: str
    sub: str
    attributes: Mapping[str, str] = attrs.field(repr=False)
    status: UserStatus
    enabled: bool
    created_at: _dt.datetime
    modified_at: _dt.datetime
    #: The MFA factors the user has enabled (``UserMFASettingList``).
    mfa_settings: tuple[str, ...] = ()
    #: The preferred factor (``PreferredMfaSetting``), if any.
    preferred_mfa: str | None = None

    def get(self, name: str, default: str | None = None) -> str | None:
        """An attribute's value (``sub`` included), or ``default``."""
        return self.attributes.get(name, default)

    def __getitem__(self, name: str) -> str:
        return self.attributes[name]

    @classmethod
    def from_record(cls, record: UserRecord, *, readable: frozenset[str] | None = None) -> User:
        attributes = {"sub": record.sub, **record.attributes}
        if readable is not None:
            attributes = {k: val for k, val in attributes.items() if k in readable}
        mfa = record.extra.get("mfa", {}) if isinstance(record.extra.get("mfa"), Mapping) else {}
        return cls(
            username=record.username,
            sub=record.sub,
            attributes=attributes,
            status=UserStatus(record.status),
            enabled=record.enabled,
            created_at=utc(record.created_at),
            modified_at=utc(record.modified_at),
            mfa_settings=tuple(mfa.get("enabled", ())),
            preferred_mfa=mfa.get("preferred"),
        )


def fold(config: UserPoolConfig, value: str) -> str:
    """How a sign-in name is compared in this pool (``CaseSensitive=false`` folds case)."""
    return value if config.case_sensitive else value.casefold()


def claims_for(config: UserPoolConfig, record: UserRecord) -> set[str]:
    """The unique keys a user holds: its username and the sign-in names that must be unique.

    - email/phone as username: the email/phone itself, verified or not;
    - aliases: email and phone only once verified (unique among verified values);
      ``preferred_username`` whenever set.
    """
    attributes = record.attributes
    keys = {f"username:{fold(config, record.username)}"}
    for attribute in config.username_attributes:
        value = attributes.get(attribute.value)
        if value:
            keys.add(f"{attribute.value}:{sign_in_form(config, attribute.value, value)}")
    for alias in config.alias_attributes:
        value = attributes.get(alias.value)
        if not value:
            continue
        if alias is AliasAttribute.PREFERRED_USERNAME or (
            attributes.get(f"{alias.value}_verified") == "true"
        ):
            keys.add(f"{alias.value}:{sign_in_form(config, alias.value, value)}")
    return keys


def sign_in_form(config: UserPoolConfig, attribute: str, value: str) -> str:
    """The compared form of a sign-in name held in an attribute.

    Cognito: with ``CaseSensitive=false`` email and ``preferred_username`` lookups ignore
    case, like usernames; with the API default (case-sensitive) they do not.  Phone numbers
    have no case.
    """
    if attribute == "phone_number":
        return value
    return fold(config, value)


def lookup_claims(config: UserPoolConfig, name: str) -> list[str]:
    """The keys to try, in order, to find the user a typed sign-in name means."""
    keys = [f"username:{fold(config, name)}"]
    for attribute in config.username_attributes:
        keys.append(f"{attribute.value}:{sign_in_form(config, attribute.value, name)}")
    for alias in config.alias_attributes:
        keys.append(f"{alias.value}:{sign_in_form(config, alias.value, name)}")
    return keys


def search_keys(record: UserRecord) -> dict[str, str]:
    """The values ``ListUsers`` searches, as the index keeps them."""
    keys = {
        "username": record.username,
        "sub": record.sub,
        "status": "Enabled" if record.enabled else "Disabled",
        "cognito:user_status": record.status.casefold(),
    }
    for name in (
        "email",
        "phone_number",
        "name",
        "given_name",
        "family_name",
        "preferred_username",
    ):
        value = record.attributes.get(name)
        if value is not None:
            keys[name] = value.casefold()
    return keys


def search_form(attribute: str, value: str) -> str:
    """A filter value in the form the index keeps for ``attribute``."""
    return value if attribute in CASE_SENSITIVE_SEARCH else value.casefold()


def mask_email(address: str) -> str:
    """Cognito's masked destination: ``j***@e***``."""
    local, _, domain = address.partition("@")
    return f"{local[:1]}***@{domain[:1]}***"


def mask_phone(number: str) -> str:
    """Cognito's masked destination: ``+*******1234``."""
    return "+" + "*" * max(len(number) - 5, 0) + number[-4:]


def username_attribute_for(config: UserPoolConfig, value: str) -> UsernameAttribute | None:
    """Which of the pool's username attributes a typed username is, if any."""
    from cogkit.domain.attributes import is_email, is_phone

    for attribute in config.username_attributes:
        if attribute is UsernameAttribute.EMAIL and is_email(value):
            return attribute
        if attribute is UsernameAttribute.PHONE_NUMBER and is_phone(value):
            return attribute
    return None

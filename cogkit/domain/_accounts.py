"""Operations on user records shared by the admin API (``UserPool``) and ``AuthFlow``.

Finding a user by any sign-in name, checking attribute writes against the schema,
creating and saving users with their unique keys, setting passwords, and the lockout
counter.  Every write goes through ``save``/``mutate``, which keep the claims and the
search index in step with the record and retry optimistic-version conflicts.
"""

from __future__ import annotations

import string
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import attrs

from cogkit.domain import _validate as v
from cogkit.domain._runtime import Runtime
from cogkit.domain.attributes import VERIFIED_FLAGS, is_email, is_phone, normalise_value
from cogkit.domain.client import AppClient
from cogkit.domain.config import PASSWORD_SYMBOLS, UserPoolConfig
from cogkit.domain.enums import AliasAttribute, UserStatus
from cogkit.domain.users import claims_for, lookup_claims, search_keys
from cogkit.errors import (
    AliasExistsError,
    CogkitError,
    InvalidParameterError,
    InvalidPasswordError,
    NotAuthorizedError,
    StoreConflictError,
    UsernameExistsError,
    UserNotFoundError,
)
from cogkit.services import srp as srp_math
from cogkit.stores.records import CodeRecord, UserRecord

#: Failed sign-ins before the first lock; the lock then lasts 2^(n-5) seconds.
LOCKOUT_THRESHOLD = 5
#: Longest lock, in seconds ("about 15 minutes" in Cognito's documentation).
LOCKOUT_CAP = 900
#: Quiet time after which the failure counter starts again.
LOCKOUT_RESET = 900
#: Optimistic-update retries before giving up (only reached under extreme contention).
RETRIES = 50


def find(rt: Runtime, pool_id: str, config: UserPoolConfig, name: str) -> UserRecord | None:
    """The user a typed name means: username, email/phone username, verified alias, sub."""
    for claim in (*lookup_claims(config, name), f"sub:{name}"):
        record = rt.store.find_user(pool_id, claim)
        if record is not None:
            return record
    return None


def require(rt: Runtime, pool_id: str, config: UserPoolConfig, name: str) -> UserRecord:
    record = find(rt, pool_id, config, name)
    if record is None:
        raise UserNotFoundError("User does not exist.")
    return record


def unique_keys(config: UserPoolConfig, record: UserRecord) -> set[str]:
    return claims_for(config, record) | {f"sub:{record.sub}"}


def conflict_error(
    config: UserPoolConfig, key: str | None, *, creating: bool = True
) -> CogkitError:
    """The Cognito error for a unique key that another user holds.

    New users clash on their username (or email/phone username): UsernameExists.  Changes
    to an existing user clash on sign-in names: AliasExists.
    """
    kind = (key or "username:").split(":", 1)[0]
    if kind in ("username", "sub"):
        return UsernameExistsError("User already exists")
    if kind in {a.value for a in config.username_attributes}:
        cls = UsernameExistsError if creating else AliasExistsError
        return cls(f"An account with the given {kind} already exists.")
    return AliasExistsError(f"An account with the {kind} already exists.")


def create(
    rt: Runtime, config: UserPoolConfig, record: UserRecord, *, code: CodeRecord | None = None
) -> UserRecord:
    """Stores a new user (with ``code``, its first code, in the same write)."""
    try:
        rt.store.create_user(
            record, claims=unique_keys(config, record), search=search_keys(record), code=code
        )
    except StoreConflictError as exc:
        raise conflict_error(config, exc.key) from exc
    return record


def save(
    rt: Runtime,
    config: UserPoolConfig,
    record: UserRecord,
    *,
    expected_version: int,
    force_alias: bool = False,
) -> UserRecord:
    """Writes ``record`` with its claims and search keys.

    An alias clash raises AliasExists, unless ``force_alias``: then the alias is taken from
    its current owner (who loses the verified flag) as ``ForceAliasCreation`` does.
    """
    for _attempt in range(RETRIES):
        try:
            return rt.store.update_user(
                record,
                expected_version=expected_version,
                claims=unique_keys(config, record),
                search=search_keys(record),
            )
        except StoreConflictError as exc:
            if exc.key is None:
                raise
            kind, _, _value = exc.key.partition(":")
            movable = kind in VERIFIED_FLAGS and kind in {a.value for a in config.alias_attributes}
            if not (force_alias and movable):
                raise conflict_error(config, exc.key, creating=False) from exc
            owner = rt.store.find_user(record.pool_id, exc.key)
            if owner is not None and owner.username != record.username:
                unverified = attrs.evolve(
                    owner,
                    attributes={**owner.attributes, VERIFIED_FLAGS[kind]: "false"},
                    modified_at=rt.now(),
                )
                try:
                    save(rt, config, unverified, expected_version=owner.version)
                except StoreConflictError:
                    continue
    raise StoreConflictError("too much contention moving an alias")


def mutate(
    rt: Runtime,
    config: UserPoolConfig,
    pool_id: str,
    username: str,
    change: Callable[[UserRecord], UserRecord | None],
    *,
    force_alias: bool = False,
) -> UserRecord:
    """Applies ``change`` to the freshest record and saves, retrying version conflicts.

    ``change`` may raise to abort, or return ``None`` to leave the user as it is.
    """
    for _attempt in range(RETRIES):
        current = rt.store.get_user(pool_id, username)
        if current is None:
            raise UserNotFoundError("User does not exist.")
        updated = change(current)
        if updated is None:
            return current
        try:
            return save(
                rt, config, updated, expected_version=current.version, force_alias=force_alias
            )
        except StoreConflictError as exc:
            if exc.key is not None:
                raise
    raise StoreConflictError(f"user {username!r} is being changed by too many writers at once")


# -- attributes ------------------------------------------------------------------------


def attribute_map(field: str, given: Any) -> dict[str, str]:
    """Attributes as ``{name: value}`` from a mapping or a list of ``{"Name", "Value"}``."""
    if given is None:
        return {}
    if isinstance(given, Mapping):
        return v.string_map(field, given, max_key=32, max_value=2048)
    if isinstance(given, str | bytes) or not isinstance(given, Iterable):
        raise InvalidParameterError(
            f"{field} must be a mapping of attribute names to values", field=field
        )
    out: dict[str, str] = {}
    for item in given:
        data = v.mapping(f"{field}.member", item)
        name = data.get("Name", data.get("name"))
        value = data.get("Value", data.get("value", ""))
        out[v.string(f"{field}.member.name", name, min_len=1, max_len=32)] = v.string(
            f"{field}.member.value", value, max_len=2048
        )
    return out


def _schema_error(name: str, reason: str) -> InvalidParameterError:
    return InvalidParameterError(
        f"Attributes did not conform to the schema: {name}: {reason}", field="user_attributes"
    )


def check_attributes(
    config: UserPoolConfig,
    given: Mapping[str, str],
    *,
    client: AppClient | None,
    creating: bool,
) -> dict[str, str]:
    """The attributes to store after checking names, values, mutability and permissions.

    ``client`` is the app client for self-service calls (its write permissions apply);
    admin calls pass ``None``.
    """
    names = frozenset(a.name for a in config.schema)
    writable = client.writable(names) if client is not None else None
    out: dict[str, str] = {}
    for name, value in given.items():
        attribute = config.attribute(name)
        if attribute is None:
            raise _schema_error(name, "Attribute does not exist in the schema.")
        if name == "sub":
            raise _schema_error(
                name, "Attribute cannot be updated. (changing an immutable attribute)"
            )
        if writable is not None and name not in writable:
            raise NotAuthorizedError("A client attempted to write unauthorized attribute")
        if not creating and not attribute.mutable:
            raise _schema_error(
                name, "Attribute cannot be updated. (changing an immutable attribute)"
            )
        reason = attribute.check(value)
        if reason is not None:
            raise _schema_error(name, reason)
        # An empty value is no address either: it would receive codes and, in pools where
        # email or phone is the username, leave the user without a sign-in name.
        if name == "email" and not is_email(value):
            raise InvalidParameterError("Invalid email address format.", field=name)
        if name == "phone_number" and not is_phone(value):
            raise InvalidParameterError("Invalid phone number format.", field=name)
        out[name] = normalise_value(attribute, value)
    return out


def check_required(config: UserPoolConfig, attributes: Mapping[str, str]) -> None:
    for name in config.required_attributes:
        if not attributes.get(name):
            raise _schema_error(name, "The attribute is required")


def check_preferred_username_alias(config: UserPoolConfig, attributes: Mapping[str, str]) -> None:
    """Cognito takes a ``preferred_username`` alias only from a confirmed user: it cannot be
    given at sign-up (the user sets it once confirmed)."""
    if AliasAttribute.PREFERRED_USERNAME in config.alias_attributes and attributes.get(
        "preferred_username"
    ):
        raise InvalidParameterError(
            "Preferred username cannot be provided for unconfirmed account, since user pool "
            "is configured for preferred username alias.",
            field="user_attributes",
        )


def check_alias_username(config: UserPoolConfig, username: str) -> None:
    """With email or phone as aliases, a username may not look like one."""
    aliases = set(config.alias_attributes)
    if AliasAttribute.EMAIL in aliases and is_email(username):
        raise InvalidParameterError(
            "Username cannot be of email format, since user pool is configured for email alias.",
            field="username",
        )
    if AliasAttribute.PHONE_NUMBER in aliases and is_phone(username):
        raise InvalidParameterError(
            "Username cannot be of phone number format, since user pool is configured for "
            "phone number alias.",
            field="username",
        )


def sign_up_identity(
    config: UserPoolConfig, rt: Runtime, username: str, attributes: dict[str, str]
) -> tuple[str, str]:
    """The internal username and ``sub`` of a new user; copies an email/phone username into
    its attribute in pools where it *is* the username."""
    from cogkit.domain.users import username_attribute_for

    sub = rt.ids.uuid4()
    if not config.username_attributes:
        check_alias_username(config, username)
        return username, sub
    attribute = username_attribute_for(config, username)
    if attribute is None:
        allowed = {a.value for a in config.username_attributes}
        wanted = (
            "either an email or a phone number"
            if len(allowed) == 2
            else "an email"
            if "email" in allowed
            else "a phone number"
        )
        raise InvalidParameterError(f"Username should be {wanted}.", field="username")
    given = attributes.get(attribute.value)
    if given is not None and given != username:
        raise InvalidParameterError(
            f"The {attribute.value} attribute must equal the username in this pool.",
            field="user_attributes",
        )
    attributes[attribute.value] = username
    # In email/phone-as-username pools the real username is the user's sub (a UUID).
    return sub, sub


# -- passwords -------------------------------------------------------------------------


def check_policy(config: UserPoolConfig, password: str) -> None:
    problem = config.password_policy.violation(password)
    if problem is not None:
        raise InvalidPasswordError(problem)


def with_password(
    rt: Runtime, record: UserRecord, password: str, *, status: UserStatus | None = None
) -> UserRecord:
    """The record with a new password (hashed, and its SRP verifier), lockout cleared,
    status changed if given."""
    now = rt.now()
    # Every password set makes an SRP verifier beside the hash, so USER_SRP_AUTH works for
    # every user; x depends on the pool and the internal username (spec §4.3, §14).
    salt, verifier = srp_math.make_verifier(record.pool_id, record.username, password, rt.ids)
    return attrs.evolve(
        record,
        extra={**record.extra, "srp": {"salt": salt, "verifier": verifier}},
        password_hash=rt.hasher.hash(password),
        password_set_at=now,
        status=(status or UserStatus(record.status)).value,
        failed_attempts=0,
        last_failed_at=None,
        locked_until=None,
        modified_at=now,
    )


def generate_temporary_password(rt: Runtime, config: UserPoolConfig) -> str:
    """A password that satisfies the pool's policy, for invitations."""
    symbols = "".join(sorted(PASSWORD_SYMBOLS - {" "}))
    pools = [string.ascii_uppercase, string.ascii_lowercase, string.digits, symbols]
    length = max(config.password_policy.minimum_length, 12)
    chars = [rt.ids.choice_string(p, 1) for p in pools]
    alphabet = string.ascii_letters + string.digits + symbols
    chars += list(rt.ids.choice_string(alphabet, length - len(chars)))
    # Shuffle with the injected randomness so the classes are not in a fixed order.
    order = rt.ids.token_bytes(len(chars))
    return "".join(c for _, c in sorted(zip(order, chars, strict=True), key=lambda p: p[0]))


# -- lockout ---------------------------------------------------------------------------


def is_locked(record: UserRecord, now: float) -> bool:
    return record.locked_until is not None and now < record.locked_until


def record_failure(rt: Runtime, config: UserPoolConfig, record: UserRecord) -> None:
    """Counts one failed password (or code) and locks the user once past the threshold."""

    def change(current: UserRecord) -> UserRecord:
        now = rt.now()
        count = current.failed_attempts
        locked_until = current.locked_until
        if current.last_failed_at is not None and now - current.last_failed_at >= LOCKOUT_RESET:
            # Fifteen quiet minutes: the count (and any lock long run out) starts again.
            count, locked_until = 0, None
        count += 1
        if count >= LOCKOUT_THRESHOLD:
            locked_until = now + min(2 ** (count - LOCKOUT_THRESHOLD), LOCKOUT_CAP)
        return attrs.evolve(
            current, failed_attempts=count, last_failed_at=now, locked_until=locked_until
        )

    mutate(rt, config, record.pool_id, record.username, change)


def clear_failures(record: UserRecord) -> UserRecord | None:
    if not record.failed_attempts and record.locked_until is None:
        return None
    return attrs.evolve(record, failed_attempts=0, last_failed_at=None, locked_until=None)

"""More of a pool's administrative surface: custom attributes, deleting attributes,
administrator password resets, tags and the CSV header of user imports.

``UserPool`` inherits these; they live here so ``pool.py`` keeps to the core.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

import attrs

from cogkit.domain import _accounts as accounts
from cogkit.domain import _serde, messages
from cogkit.domain import _validate as v
from cogkit.domain.attributes import (
    MAX_CUSTOM_ATTRIBUTES,
    VERIFIED_FLAGS,
    custom_attribute,
    schema_attribute,
)
from cogkit.domain.config import UserPoolConfig
from cogkit.domain.enums import RecoveryOption, UserStatus
from cogkit.errors import InvalidParameterError, NotAuthorizedError, StoreConflictError
from cogkit.stores.records import PoolRecord, UserRecord

if TYPE_CHECKING:
    from cogkit.domain._runtime import Runtime

#: Custom attributes one AddCustomAttributes call may add.
MAX_ADDED_PER_CALL = 25


class PoolAdministration:
    """Mixin of ``UserPool``: operations beyond the core admin API."""

    id: str
    _rt: Runtime

    if TYPE_CHECKING:  # provided by UserPool

        def _state(self) -> tuple[PoolRecord, UserPoolConfig]: ...
        def _user(self, username: str) -> tuple[UserPoolConfig, UserRecord]: ...
        def _refuse_while_importing(self) -> None: ...

    def _change_config(self, change: Callable[[UserPoolConfig], UserPoolConfig]) -> None:
        """Applies ``change`` to the freshest configuration, retrying concurrent edits."""
        for _attempt in range(accounts.RETRIES):
            record, config = self._state()
            updated = change(config)
            new = attrs.evolve(record, config=_serde.dump(updated), modified_at=self._rt.now())
            try:
                self._rt.store.update_pool(new, expected_version=record.version)
            except StoreConflictError:
                continue
            return
        raise StoreConflictError(f"user pool {self.id} is being changed concurrently")

    # -- schema ------------------------------------------------------------------------

    def add_custom_attributes(self, attributes: Iterable[Any]) -> None:
        """Adds custom attributes (``AddCustomAttributes``): 1 to 25 a call, 50 in all;
        they can never be removed, changed or made required."""
        if isinstance(attributes, str | bytes | Mapping) or not isinstance(attributes, Iterable):
            raise InvalidParameterError(
                "custom_attributes must be a list of attributes", field="custom_attributes"
            )
        given = list(attributes)
        if not 1 <= len(given) <= MAX_ADDED_PER_CALL:
            raise InvalidParameterError(
                f"custom_attributes takes 1 to {MAX_ADDED_PER_CALL} attributes",
                field="custom_attributes",
            )
        added = [
            custom_attribute(
                f"custom_attributes[{i}]", schema_attribute(f"custom_attributes[{i}]", item)
            )
            for i, item in enumerate(given)
        ]
        names = [a.name for a in added]
        if len(set(names)) != len(names):
            raise InvalidParameterError(
                "custom_attributes contains duplicates", field="custom_attributes"
            )

        def change(config: UserPoolConfig) -> UserPoolConfig:
            for attribute in added:
                if config.attribute(attribute.name) is not None:
                    raise InvalidParameterError(
                        f"Existing attribute already has name {attribute.name}.",
                        field="custom_attributes",
                    )
            custom = [a for a in config.schema if a.is_custom]
            if len(custom) + len(added) > MAX_CUSTOM_ATTRIBUTES:
                raise InvalidParameterError(
                    f"A user pool can have at most {MAX_CUSTOM_ATTRIBUTES} custom attributes.",
                    field="custom_attributes",
                )
            return attrs.evolve(config, schema=(*config.schema, *added))

        self._refuse_while_importing()
        self._change_config(change)

    def csv_header(self) -> list[str]:
        """The columns of a user import file (``GetCSVHeader``)."""
        from cogkit.domain.imports import csv_header

        return csv_header(self._state()[1])

    # -- users -------------------------------------------------------------------------

    def admin_delete_user_attributes(self, username: str, names: Iterable[str]) -> None:
        """Removes attributes from a user (``AdminDeleteUserAttributes``)."""
        wanted = v.string_list("user_attribute_names", names, min_len=1, max_len=32)
        config, record = self._user(username)
        delete_attributes(self._rt, config, record, wanted)

    def admin_reset_user_password(
        self, username: str, *, client_metadata: Mapping[str, str] | None = None
    ) -> None:
        """Invalidates the password (``RESET_REQUIRED``) and sends a reset code to a verified
        email or phone, which ``confirm_forgot_password`` then accepts."""
        v.client_metadata(client_metadata)
        config, record = self._user(username)
        if any(m.name is RecoveryOption.ADMIN_ONLY for m in config.account_recovery):
            raise NotAuthorizedError(
                "Cannot reset password for the user as account recovery is administrator only."
            )
        attribute = recovery_attribute(config, record)
        if attribute is None:
            raise InvalidParameterError(
                "Cannot reset password for the user as there is no registered/verified email "
                "or phone_number",
                field="username",
            )
        record = accounts.mutate(
            self._rt,
            config,
            self.id,
            record.username,
            lambda current: attrs.evolve(
                current, status=UserStatus.RESET_REQUIRED.value, modified_at=self._rt.now()
            ),
        )
        messages.send_reset_code(self._rt, config, record, attribute)

    # -- tags --------------------------------------------------------------------------

    @property
    def tags(self) -> dict[str, str]:
        return dict(self._state()[1].tags)

    def tag(self, tags: Mapping[str, str]) -> None:
        """Adds or replaces tags (``TagResource``); at most 50 in all."""
        given = v.string_map("tags", tags, max_key=128, max_value=256)
        for key in given:
            v.string("tags.key", key, min_len=1, max_len=128)

        def change(config: UserPoolConfig) -> UserPoolConfig:
            merged = {**config.tags, **given}
            if len(merged) > 50:
                raise InvalidParameterError("A user pool can have at most 50 tags", field="tags")
            return attrs.evolve(config, tags=merged)

        self._change_config(change)

    def untag(self, keys: Iterable[str]) -> None:
        """Removes tags by key (``UntagResource``); unknown keys are ignored."""
        drop = set(v.string_list("tag_keys", keys, min_len=1, max_len=128))
        self._change_config(
            lambda config: attrs.evolve(
                config, tags={k: val for k, val in config.tags.items() if k not in drop}
            )
        )


def recovery_attribute(config: UserPoolConfig, record: UserRecord) -> str | None:
    """The verified attribute a reset code goes to, by the pool's recovery order (SMS first
    when the pool sets no order, as Cognito's legacy behaviour)."""
    attributes = record.attributes
    order = (
        [
            ("email" if m.name is RecoveryOption.VERIFIED_EMAIL else "phone_number")
            for m in config.account_recovery
            if m.name is not RecoveryOption.ADMIN_ONLY
        ]
        if config.account_recovery
        else ["phone_number", "email"]
    )
    for name in order:
        if attributes.get(name) and attributes.get(VERIFIED_FLAGS[name]) == "true":
            return name
    return None


def delete_attributes(
    rt: Runtime,
    config: UserPoolConfig,
    record: UserRecord,
    names: Iterable[str],
    *,
    writable: frozenset[str] | None = None,
) -> None:
    """Deletes attributes of a user; ``writable`` limits it for self-service calls."""
    wanted = list(names)
    for name in wanted:
        attribute = config.attribute(name)
        if attribute is None:
            raise InvalidParameterError(
                f"Attributes did not conform to the schema: {name}: Attribute does not exist "
                "in the schema.",
                field="user_attribute_names",
            )
        if name == "sub" or attribute.required or not attribute.mutable:
            raise InvalidParameterError(
                f"Cannot delete the {'required' if attribute.required else 'immutable'} "
                f"attribute {name}.",
                field="user_attribute_names",
            )
        if writable is not None and name not in writable:
            raise NotAuthorizedError("A client attempted to write unauthorized attribute")
        if name in {a.value for a in config.username_attributes}:
            raise InvalidParameterError(
                f"Cannot delete {name}: it is the user's sign-in name in this pool.",
                field="user_attribute_names",
            )

    def change(current: UserRecord) -> UserRecord:
        kept = dict(current.attributes)
        for name in wanted:
            kept.pop(name, None)
            if name in VERIFIED_FLAGS:
                kept.pop(VERIFIED_FLAGS[name], None)
        return attrs.evolve(current, attributes=kept, modified_at=rt.now())

    accounts.mutate(rt, config, record.pool_id, record.username, change)
    for name in wanted:
        if name in VERIFIED_FLAGS:
            rt.store.delete_codes(record.pool_id, record.username, f"verify:{name}")

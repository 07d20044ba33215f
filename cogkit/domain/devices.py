"""Remembered devices (spec §4.4, §8.5): the ``Device`` value, confirming a device with its
SRP verifier, and the device calls of users (``DeviceCalls``, mixed into ``AuthFlow``) and
administrators (``PoolDevices``, mixed into ``UserPool``).

A sign-in with device tracking on and no ``DEVICE_KEY`` hands out ``NewDeviceMetadata``
(``DeviceKey`` ``{region}_{uuid}`` and the user's ``DeviceGroupKey``) and binds the tokens to
that key; only ``confirm_device`` stores the device, with the verifier its client made.
The group key is derived from the pool's SRP key and the user, so it needs no storage and
is the same for all of a user's devices.  A device record keeps, besides its verifier,
the refresh-token families issued to it, so forgetting the device revokes them.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import hmac
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

import attrs

from cogkit.domain import _paging
from cogkit.domain import _validate as v
from cogkit.domain._paging import Page
from cogkit.domain.enums import DeviceRememberedStatus
from cogkit.errors import (
    DeviceKeyExistsError,
    InvalidParameterError,
    InvalidUserPoolConfigurationError,
    ResourceNotFoundError,
    StoreConflictError,
    UserNotFoundError,
)
from cogkit.services import srp as srp_math
from cogkit.stores.records import DeviceRecord, UserRecord

if TYPE_CHECKING:
    from cogkit.domain._runtime import Runtime
    from cogkit.domain.client import AppClient
    from cogkit.domain.config import UserPoolConfig
    from cogkit.domain.pool import UserPool
    from cogkit.stores.records import PoolRecord

__all__ = ["Device"]

DEVICE_KEY = r"[\w-]+_[0-9a-f-]+"
LIST_DEVICES_MAX = 60
REMEMBERED = DeviceRememberedStatus.REMEMBERED
NOT_REMEMBERED = DeviceRememberedStatus.NOT_REMEMBERED
#: Refresh-token families a device remembers, newest last, for ForgetDevice to revoke.
MAX_FAMILIES = 100
_ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"


def _utc(epoch: float | None) -> _dt.datetime | None:
    return None if epoch is None else _dt.datetime.fromtimestamp(epoch, _dt.UTC)


@attrs.frozen
class Device:
    """A user's device (Cognito's ``DeviceType``)."""

    key: str
    attributes: Mapping[str, str]
    created_at: _dt.datetime
    modified_at: _dt.datetime
    last_authenticated_at: _dt.datetime | None
    remembered: DeviceRememberedStatus

    @property
    def name(self) -> str | None:
        return self.attributes.get("device_name")

    @classmethod
    def from_record(cls, record: DeviceRecord) -> Device:
        status = DeviceRememberedStatus(record.remembered or "not_remembered")
        attributes = {
            "device_status": "valid",
            **record.attributes,
            "dev:device_remembered_status": status.value,
        }
        created = _utc(record.created_at)
        modified = _utc(record.modified_at)
        assert created is not None and modified is not None
        return cls(
            key=record.key,
            attributes=attributes,
            created_at=created,
            modified_at=modified,
            last_authenticated_at=_utc(record.last_authenticated_at),
            remembered=status,
        )


def require_tracking(config: UserPoolConfig) -> None:
    if config.device_configuration is None:
        raise InvalidUserPoolConfigurationError(
            "Device tracking is not enabled for this user pool."
        )


def group_key(rt: Runtime, pool_id: str, username: str) -> str:
    """The user's ``DeviceGroupKey``: stable, derived under the pool's SRP key."""
    digest = hmac.new(
        rt.srp(pool_id).key, f"device-group\0{pool_id}\0{username}".encode(), hashlib.sha256
    ).digest()
    return "-" + "".join(_ALPHABET[b % len(_ALPHABET)] for b in digest[:9])


def new_device_key(rt: Runtime, pool_id: str) -> str:
    return f"{pool_id.split('_', 1)[0]}_{rt.ids.uuid4()}"


def verifier(record: DeviceRecord) -> tuple[str, str] | None:
    """The device's ``(salt_hex, verifier_hex)``."""
    found = record.extra.get("srp")
    if not isinstance(found, Mapping):
        return None
    return str(found["salt"]), str(found["verifier"])


def user_device(rt: Runtime, record: UserRecord, key: str) -> DeviceRecord:
    """The user's device ``key``; ResourceNotFound for anyone else's or none."""
    v.string("device_key", key, min_len=1, max_len=55, pattern=DEVICE_KEY)
    found = rt.store.get_device(record.pool_id, key)
    if found is None or found.username != record.username:
        raise ResourceNotFoundError("Device does not exist.")
    return found


def change_device(
    rt: Runtime, device: DeviceRecord, change: Callable[[DeviceRecord], DeviceRecord]
) -> DeviceRecord:
    """Applies ``change`` to the freshest copy of a device, retrying concurrent writers."""
    for _attempt in range(50):
        current = rt.store.get_device(device.pool_id, device.key)
        if current is None or current.username != device.username:
            raise ResourceNotFoundError("Device does not exist.")
        try:
            return rt.store.update_device(change(current), expected_version=current.version)
        except StoreConflictError:
            continue
    raise StoreConflictError(f"device {device.key} is being changed concurrently")


def remember_family(
    rt: Runtime, device: DeviceRecord, origin_jti: str, expires_at: float, *, signed_in: bool
) -> None:
    """Keeps a refresh-token family with the device (expired ones are dropped)."""
    now = rt.now()

    def change(current: DeviceRecord) -> DeviceRecord:
        kept = [
            pair
            for pair in current.extra.get("families", [])
            if isinstance(pair, list) and pair[1] > now and pair[0] != origin_jti
        ]
        families = [*kept, [origin_jti, expires_at]][-MAX_FAMILIES:]
        updated = attrs.evolve(current, extra={**current.extra, "families": families})
        return attrs.evolve(updated, last_authenticated_at=now) if signed_in else updated

    change_device(rt, device, change)


def forget(rt: Runtime, device: DeviceRecord) -> None:
    """Deletes the device and revokes the refresh tokens issued to it."""
    now = rt.now()
    for pair in device.extra.get("families", []):
        if isinstance(pair, list) and pair:
            rt.store.revoke_refresh_family(str(pair[0]), now)
    rt.store.delete_device(device.pool_id, device.key)


def _status(value: Any) -> DeviceRememberedStatus:
    if value is None:
        raise InvalidParameterError(
            "Missing required parameter DeviceRememberedStatus", field="device_remembered_status"
        )
    return v.enum("device_remembered_status", value, DeviceRememberedStatus)


def _list(
    rt: Runtime, record: UserRecord, limit: int, pagination_token: str | None
) -> Page[Device]:
    v.integer("limit", limit, minimum=0, maximum=LIST_DEVICES_MAX)
    after = _paging.decode_after(pagination_token, "pagination_token", "devices")
    if limit == 0:
        return Page((), None)
    found = rt.store.list_devices(record.pool_id, record.username, after=after, limit=limit + 1)
    items = tuple(Device.from_record(d) for d in found[:limit])
    token = _paging.encode({"k": "devices", "after": items[-1].key}) if len(found) > limit else None
    return Page(items, token)


def _set_status(rt: Runtime, device: DeviceRecord, status: DeviceRememberedStatus) -> None:
    now = rt.now()
    change_device(
        rt, device, lambda current: attrs.evolve(current, remembered=status.value, modified_at=now)
    )


# -- the signed-in user's calls (mixed into AuthFlow) --------------------------------


class DeviceCalls:
    """``AuthFlow``'s device calls, made with an access token."""

    _rt: Runtime
    pool: UserPool

    if TYPE_CHECKING:  # provided by AuthFlow

        def _access(self, access_token: str) -> tuple[UserPoolConfig, AppClient, UserRecord]: ...

    def _device_access(
        self, access_token: str | None
    ) -> tuple[UserPoolConfig, AppClient, UserRecord]:
        if access_token is None:
            raise InvalidParameterError(
                "Missing required parameter AccessToken", field="access_token"
            )
        config, client, record = self._access(access_token)
        require_tracking(config)
        return config, client, record

    def confirm_device(
        self,
        access_token: str,
        device_key: str,
        device_secret_verifier_config: Mapping[str, str] | srp_math.DeviceVerifierConfig,
        *,
        device_name: str | None = None,
    ) -> bool:
        """``ConfirmDevice``: stores the device the access token was issued to, with the
        SRP verifier its client made (spec §4.4).  Returns ``UserConfirmationNecessary``:
        true when the pool remembers devices only when the user says so."""
        # fidelity: only confirmed devices are kept; a key from NewDeviceMetadata that was
        # never confirmed is unknown ("Device does not exist.") at a later sign-in.
        v.string("device_key", device_key, min_len=1, max_len=55, pattern=DEVICE_KEY)
        if device_name is not None:
            v.string("device_name", device_name, min_len=1, max_len=1024)
        config, _client, record = self._device_access(access_token)
        claims = self._rt.tokens.unverified_claims(access_token)
        if claims.get("device_key") != device_key:
            # Only the device a sign-in handed out, with that sign-in's tokens.
            raise InvalidParameterError("Invalid device key given.", field="device_key")
        if isinstance(device_secret_verifier_config, srp_math.DeviceVerifierConfig):
            given = {
                "password_verifier": device_secret_verifier_config.password_verifier,
                "salt": device_secret_verifier_config.salt,
            }
        else:
            given = dict(v.mapping("device_secret_verifier_config", device_secret_verifier_config))
        try:
            salt, verifier_hex = srp_math.decode_device_verifier(
                str(given.get("password_verifier") or given.get("PasswordVerifier") or ""),
                str(given.get("salt") or given.get("Salt") or ""),
            )
        except srp_math.SrpParameterError as exc:
            raise InvalidParameterError(
                f"DeviceSecretVerifierConfig {exc.message}", field="device_secret_verifier_config"
            ) from None
        assert config.device_configuration is not None
        prompt = config.device_configuration.device_only_remembered_on_user_prompt
        now = self._rt.now()
        origin = claims.get("origin_jti")
        families = []
        if isinstance(origin, str):
            family = self._rt.store.find_refresh_family(origin)
            if family is not None:
                families.append([origin, family.expires_at])
        device = DeviceRecord(
            pool_id=self.pool.id,
            username=record.username,
            key=device_key,
            group_key=group_key(self._rt, self.pool.id, record.username),
            created_at=now,
            modified_at=now,
            last_authenticated_at=now,
            remembered=(NOT_REMEMBERED if prompt else REMEMBERED).value,
            attributes={"device_name": device_name} if device_name else {},
            extra={"srp": {"salt": salt, "verifier": verifier_hex}, "families": families},
        )
        try:
            self._rt.store.create_device(device)
        except StoreConflictError as exc:
            if exc.key is None:
                raise
            raise DeviceKeyExistsError("Device key already exists.") from None
        return prompt

    def get_device(self, access_token: str | None, device_key: str) -> Device:
        """``GetDevice``: one of the signed-in user's devices."""
        _config, _client, record = self._device_access(access_token)
        return Device.from_record(user_device(self._rt, record, device_key))

    def list_devices(
        self,
        access_token: str,
        *,
        limit: int = LIST_DEVICES_MAX,
        pagination_token: str | None = None,
    ) -> Page[Device]:
        """``ListDevices``: the signed-in user's devices, ordered by key."""
        _config, _client, record = self._device_access(access_token)
        return _list(self._rt, record, limit, pagination_token)

    def forget_device(self, access_token: str | None, device_key: str) -> None:
        """``ForgetDevice``: deletes the device; its refresh tokens stop working."""
        _config, _client, record = self._device_access(access_token)
        forget(self._rt, user_device(self._rt, record, device_key))

    def update_device_status(
        self,
        access_token: str,
        device_key: str,
        device_remembered_status: DeviceRememberedStatus | str | None,
    ) -> None:
        """``UpdateDeviceStatus``: ``remembered`` or ``not_remembered``."""
        status = _status(device_remembered_status)
        _config, _client, record = self._device_access(access_token)
        _set_status(self._rt, user_device(self._rt, record, device_key), status)


# -- the administrator's calls (mixed into UserPool) ----------------------------------


class PoolDevices:
    """``UserPool``'s device administration."""

    id: str
    _rt: Runtime

    if TYPE_CHECKING:  # provided by UserPool

        def _state(self) -> tuple[PoolRecord, UserPoolConfig]: ...
        def _user(self, username: str) -> tuple[UserPoolConfig, UserRecord]: ...

    def _device_user(self, username: str, *, missing_is_resource: bool = False) -> UserRecord:
        try:
            config, record = self._user(username)
        except UserNotFoundError:
            if not missing_is_resource:
                raise
            # AdminGetDevice and AdminListDevices know no UserNotFound: the user is one
            # more resource that does not exist.
            raise ResourceNotFoundError("User does not exist.") from None
        require_tracking(config)
        return record

    def admin_get_device(self, username: str, device_key: str) -> Device:
        """``AdminGetDevice``."""
        record = self._device_user(username, missing_is_resource=True)
        return Device.from_record(user_device(self._rt, record, device_key))

    def admin_list_devices(
        self, username: str, *, limit: int = LIST_DEVICES_MAX, pagination_token: str | None = None
    ) -> Page[Device]:
        """``AdminListDevices``."""
        record = self._device_user(username, missing_is_resource=True)
        return _list(self._rt, record, limit, pagination_token)

    def admin_forget_device(self, username: str, device_key: str) -> None:
        """``AdminForgetDevice``."""
        record = self._device_user(username)
        forget(self._rt, user_device(self._rt, record, device_key))

    def admin_update_device_status(
        self,
        username: str,
        device_key: str,
        device_remembered_status: DeviceRememberedStatus | str | None,
    ) -> None:
        """``AdminUpdateDeviceStatus``."""
        status = _status(device_remembered_status)
        record = self._device_user(username)
        _set_status(self._rt, user_device(self._rt, record, device_key), status)

"""Devices at sign-in: ``DEVICE_SRP_AUTH`` / ``DEVICE_PASSWORD_VERIFIER`` and
``NewDeviceMetadata`` (spec §3.3 step 6, §4.4, §8.5).

After the first factor, a public sign-in that presents the ``DEVICE_KEY`` of a confirmed
device proves the device's secret with SRP (the device group key as pool suffix, the
device key as user id).  A remembered device of a pool whose ``DeviceConfiguration`` has
``challenge_required_on_new_device`` then stands in for the MFA code.  A sign-in without a
device key gets a new one in ``NewDeviceMetadata`` and tokens bound to it.  Admin flows do
no device tracking.

Cognito's SDKs differ on the device step: Amplify answers ``DEVICE_SRP_AUTH`` with the
challenge's Session, pycognito without one.  So the challenge is kept under a key derived
from the client and the device key (both in the answer) and that key is also the Session.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Mapping
from typing import Any

import attrs

from cogkit.domain import _accounts as accounts
from cogkit.domain import devices
from cogkit.domain.auth import (
    AuthFlow,
    AuthResult,
    Challenge,
    _Attempt,
    secret_block_key,
)
from cogkit.domain.client import AppClient
from cogkit.domain.enums import ChallengeName, DeviceRememberedStatus
from cogkit.domain.tokens import Grant, Tokens
from cogkit.errors import InvalidParameterError, NotAuthorizedError, ResourceNotFoundError
from cogkit.services import srp as srp_math
from cogkit.services.codes import secret_digest
from cogkit.stores.records import DeviceRecord, SessionRecord

__all__: list[str] = []

DEVICE_STEP = 10
NEW_DEVICE_STEP = 90


def _session_for(flow: AuthFlow, client: AppClient, device_key: str) -> str:
    # fidelity: the DEVICE_SRP_AUTH session is derived from the client and device key
    # (under the pool's SRP key) rather than random, so answers without it find it too.
    digest = hmac.new(
        flow._rt.srp(flow.pool.id).key,
        f"device-srp\0{client.id}\0{device_key}".encode(),
        hashlib.sha256,
    ).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def _device_srp_key(flow: AuthFlow, client: AppClient, answers: Mapping[str, str]) -> str:
    return _session_for(flow, client, flow._param(answers, "DEVICE_KEY"))


def _confirmed_device(flow: AuthFlow, attempt: _Attempt, key: str) -> DeviceRecord:
    device = flow._rt.store.get_device(flow.pool.id, key)
    if (
        device is None
        or device.username != attempt.user.username
        or devices.verifier(device) is None
    ):
        raise ResourceNotFoundError("Device does not exist.")
    return device


def _device_step(flow: AuthFlow, attempt: _Attempt) -> AuthResult | _Attempt:
    """A presented device key of a confirmed device: prove the device (DEVICE_SRP_AUTH)."""
    context = attempt.context
    if (
        attempt.admin
        or attempt.config.device_configuration is None
        or context.get("device_checked")
    ):
        return attempt
    given = context.get("device_key_given")
    if not given:
        return attrs.evolve(attempt, context={**context, "device_checked": True})
    _confirmed_device(flow, attempt, str(given))
    session = _session_for(flow, attempt.client, str(given))
    username = attempt.user.username
    flow._open_session(
        session,
        attempt.client,
        username,
        ChallengeName.DEVICE_SRP_AUTH,
        {"admin": False, "context": dict(context)},
    )
    parameters = {"USERNAME": username, "USER_ID_FOR_SRP": username}
    return AuthResult(challenge=Challenge(ChallengeName.DEVICE_SRP_AUTH, parameters, session))


def _presented(flow: AuthFlow, attempt: _Attempt, answers: Mapping[str, str]) -> str:
    key = flow._param(answers, "DEVICE_KEY")
    if key != attempt.context.get("device_key_given"):
        raise NotAuthorizedError("Invalid device key given.")
    return key


def _answer_device_srp(
    flow: AuthFlow, attempt: _Attempt, stored: SessionRecord, answers: Mapping[str, str]
) -> AuthResult:
    """DEVICE_SRP_AUTH: the device's ``SRP_A`` gets the DEVICE_PASSWORD_VERIFIER challenge."""
    key = _presented(flow, attempt, answers)
    srp_a = flow._param(answers, "SRP_A")
    device = _confirmed_device(flow, attempt, key)
    flow._take(stored)
    salt, verifier = devices.verifier(device) or ("", "")
    rt = flow._rt
    try:
        challenge = rt.srp(flow.pool.id).device_challenge(
            pool_id=flow.pool.id,
            username=attempt.user.username,
            device_group_key=device.group_key,
            device_key=key,
            salt_hex=salt,
            verifier_hex=verifier,
            srp_a=srp_a,
            now=rt.now(),
        )
    except srp_math.SrpParameterError as exc:
        raise InvalidParameterError(f"SRP_A {exc.message}", field="SRP_A") from None
    return flow._challenge(
        attempt,
        ChallengeName.DEVICE_PASSWORD_VERIFIER,
        {
            "SALT": challenge.salt,
            "SRP_B": challenge.srp_b,
            "SECRET_BLOCK": challenge.secret_block,
            "USERNAME": attempt.user.username,
        },
        key=challenge.secret_block,
    )


def _answer_device_verifier(
    flow: AuthFlow, attempt: _Attempt, stored: SessionRecord, answers: Mapping[str, str]
) -> AuthResult:
    """DEVICE_PASSWORD_VERIFIER: the device proved, a remembered one may stand in for MFA."""
    block = flow._param(answers, "PASSWORD_CLAIM_SECRET_BLOCK")
    signature = flow._param(answers, "PASSWORD_CLAIM_SIGNATURE")
    timestamp = flow._param(answers, "TIMESTAMP")
    flow._take(stored)
    key = _presented(flow, attempt, answers)
    rt = flow._rt
    if accounts.is_locked(attempt.user, rt.now()):
        raise NotAuthorizedError("Password attempts exceeded")
    device = _confirmed_device(flow, attempt, key)
    proved = rt.srp(flow.pool.id).verify_device(
        pool_id=flow.pool.id,
        username=attempt.user.username,
        device_group_key=device.group_key,
        device_key=key,
        secret_block=block,
        timestamp=timestamp,
        signature=signature,
        now=rt.now(),
    )
    if not proved:
        raise NotAuthorizedError("Incorrect username or password.")
    settings = attempt.config.device_configuration
    trusted = (
        settings is not None
        and settings.challenge_required_on_new_device
        and device.remembered == DeviceRememberedStatus.REMEMBERED
    )
    context: dict[str, Any] = {
        **attempt.context,
        "device_checked": True,
        "device_key": key,
        "device_verified": True,
        "device_trusted": trusted,
    }
    return flow._complete(attrs.evolve(attempt, context=context))


def _new_device_step(flow: AuthFlow, attempt: _Attempt) -> AuthResult | _Attempt:
    """No device key presented: hand out a new one and bind the tokens to it."""
    context = attempt.context
    if attempt.admin or attempt.config.device_configuration is None or context.get("device_key"):
        return attempt
    rt, pool_id = flow._rt, flow.pool.id
    key = devices.new_device_key(rt, pool_id)
    metadata = {
        "DeviceKey": key,
        "DeviceGroupKey": devices.group_key(rt, pool_id, attempt.user.username),
    }
    return attrs.evolve(attempt, context={**context, "device_key": key, "new_device": metadata})


def _device_tokens(flow: AuthFlow, attempt: _Attempt, grant: Grant, tokens: Tokens) -> Tokens:
    """Adds NewDeviceMetadata; keeps a proven device's new refresh family with it."""
    new = attempt.context.get("new_device")
    if isinstance(new, Mapping):
        return attrs.evolve(tokens, new_device_metadata=dict(new))
    if attempt.context.get("device_verified") and grant.device_key and tokens.refresh_token:
        rt = flow._rt
        family = rt.store.get_refresh_token(secret_digest(tokens.refresh_token))
        device = rt.store.get_device(flow.pool.id, grant.device_key)
        if family is not None and device is not None:
            devices.remember_family(
                rt, device, family.origin_jti, family.expires_at, signed_in=True
            )
    return tokens


AuthFlow.STEPS.append((DEVICE_STEP, _device_step))
AuthFlow.STEPS.append((NEW_DEVICE_STEP, _new_device_step))
AuthFlow.ISSUED.append(_device_tokens)
AuthFlow.CHALLENGES[ChallengeName.DEVICE_SRP_AUTH] = _answer_device_srp
AuthFlow.CHALLENGES[ChallengeName.DEVICE_PASSWORD_VERIFIER] = _answer_device_verifier
AuthFlow.SESSION_KEYS[ChallengeName.DEVICE_SRP_AUTH] = _device_srp_key
AuthFlow.SESSION_KEYS[ChallengeName.DEVICE_PASSWORD_VERIFIER] = secret_block_key

"""The MFA and device secrets never leak through ``repr`` or error messages: TOTP secrets
and codes, SMS codes, setup and device sessions, device passwords and verifiers."""

from __future__ import annotations

from typing import Any

import pytest

from cogkit import FixedCodes
from cogkit.errors import CogkitError
from cogkit.services.codes import secret_digest
from cogkit.testing import make_cognito, totp_code
from cogkit.testing.srp import SrpDeviceClient
from tests.helpers import PASSWORD

CODE = "864213"
PHONE = "+15550001234"


def _collect() -> tuple[list[Any], list[str]]:
    svc = make_cognito(codes=FixedCodes(CODE))
    pool = svc.create_user_pool(
        "leaks",
        auto_verified_attributes=["email"],
        mfa_configuration="OPTIONAL",
        mfa_factors={"sms": True, "software_token": True},
        device_configuration={"challenge_required_on_new_device": True},
    )
    client = pool.create_client(
        "web", explicit_auth_flows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
    )
    auth = pool.auth
    auth.sign_up(client.id, "ann", PASSWORD, {"email": "ann@example.com", "phone_number": PHONE})
    auth.confirm_sign_up(client.id, "ann", CODE)
    first = auth.initiate(client.id, "USER_PASSWORD_AUTH", USERNAME="ann", PASSWORD=PASSWORD)
    tokens = first.tokens
    assert tokens is not None and tokens.new_device_metadata is not None
    objects: list[Any] = [first, tokens]

    association = auth.associate_software_token(tokens.access_token)
    secret = association.secret_code
    verify_code = totp_code(secret, svc.clock.now())
    objects += [
        association,
        auth.verify_software_token(verify_code, access_token=tokens.access_token),
    ]
    auth.set_user_mfa_preference(tokens.access_token, software_token={"enabled": True})
    auth.set_user_mfa_preference(tokens.access_token, sms={"enabled": True, "preferred": True})

    metadata = tokens.new_device_metadata
    device = SrpDeviceClient.create("ann", metadata["DeviceGroupKey"], metadata["DeviceKey"])
    config = device.verifier_config()
    auth.confirm_device(tokens.access_token, metadata["DeviceKey"], config)
    objects += [auth.get_device(tokens.access_token, metadata["DeviceKey"]), pool.mfa_config()]
    objects.append(svc.store.get_device(pool.id, metadata["DeviceKey"]))

    challenge = auth.initiate(client.id, "USER_PASSWORD_AUTH", USERNAME="ann", PASSWORD=PASSWORD)
    assert challenge.session is not None
    objects += [challenge, challenge.challenge, svc.store.get_user(pool.id, "ann")]
    objects.append(svc.store.get_session(secret_digest(challenge.session)))

    device_challenge = auth.initiate(
        client.id,
        "USER_PASSWORD_AUTH",
        USERNAME="ann",
        PASSWORD=PASSWORD,
        DEVICE_KEY=metadata["DeviceKey"],
    )
    assert device_challenge.session is not None
    objects.append(device_challenge)

    errors: list[CogkitError] = []
    attempts = [
        lambda: auth.respond(
            client.id,
            "SMS_MFA",
            session=challenge.session,
            USERNAME="ann",
            SMS_MFA_CODE="000000",
        ),
        lambda: auth.verify_software_token("000000", access_token=tokens.access_token),
        lambda: auth.confirm_device(tokens.access_token, metadata["DeviceKey"], config),
        lambda: auth.associate_software_token(session=device_challenge.session),
    ]
    for attempt in attempts:
        try:
            attempt()
        except CogkitError as exc:
            errors.append(exc)
        else:  # pragma: no cover - each attempt is made to fail
            raise AssertionError("expected an error")
    objects += errors

    record = svc.store.get_device(pool.id, metadata["DeviceKey"])
    assert record is not None
    secrets = [
        secret,
        verify_code,
        CODE,
        challenge.session,
        device_challenge.session,
        device.device_password,
        config["PasswordVerifier"],
        str(record.extra["srp"]["verifier"]),
    ]
    return objects, secrets


OBJECTS, SECRETS = _collect()


@pytest.mark.parametrize("obj", OBJECTS, ids=lambda o: type(o).__name__)
def test_no_repr_shows_an_mfa_or_device_secret(obj: Any) -> None:
    shown = repr(obj) + str(obj)
    for secret in SECRETS:
        assert secret not in shown


def test_mfa_error_messages_show_no_secret() -> None:
    for obj in OBJECTS:
        if isinstance(obj, CogkitError):
            for secret in SECRETS:
                assert secret not in obj.message

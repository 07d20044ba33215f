"""Remembered devices through boto3: DeviceConfiguration, NewDeviceMetadata, ConfirmDevice,
device SRP (with cogkit's device client and with pycognito's), GetDevice, ListDevices,
ForgetDevice, UpdateDeviceStatus and their admin forms."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest

from cogkit import Cognito, SystemClock
from cogkit.aws import mock_aws
from cogkit.testing import make_cognito
from cogkit.testing.srp import SrpDeviceClient
from tests.aws.conftest import Aws
from tests.aws.helpers import PASSWORD, REGION, aws_error

ALWAYS = {"ChallengeRequiredOnNewDevice": True, "DeviceOnlyRememberedOnUserPrompt": False}
MISSING_DEVICE = f"{REGION}_00000000-0000-4000-8000-000000000000"


@pytest.fixture
def daws(aws: Aws) -> Aws:
    """The ``aws`` pool with device tracking on and a confirmed user."""
    aws.idp.update_user_pool(
        UserPoolId=aws.pool_id, AutoVerifiedAttributes=["email"], DeviceConfiguration=ALWAYS
    )
    aws.confirmed()
    return aws


def new_device(aws: Aws, username: str = "ann") -> tuple[dict[str, Any], SrpDeviceClient]:
    result = aws.sign_in(username)
    metadata = result["NewDeviceMetadata"]
    device = SrpDeviceClient.create(username, metadata["DeviceGroupKey"], metadata["DeviceKey"])
    return result, device


def confirmed_device(aws: Aws, username: str = "ann", name: str = "laptop") -> SrpDeviceClient:
    result, device = new_device(aws, username)
    aws.idp.confirm_device(
        AccessToken=result["AccessToken"],
        DeviceKey=device.device_key,
        DeviceSecretVerifierConfig=device.verifier_config(),
        DeviceName=name,
    )
    return device


def device_sign_in(aws: Aws, device: SrpDeviceClient) -> dict[str, Any]:
    challenge = aws.idp.initiate_auth(
        ClientId=aws.client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "ann", "PASSWORD": PASSWORD, "DEVICE_KEY": device.device_key},
    )
    assert challenge["ChallengeName"] == "DEVICE_SRP_AUTH"
    verifier = aws.idp.respond_to_auth_challenge(
        ClientId=aws.client_id,
        ChallengeName="DEVICE_SRP_AUTH",
        Session=challenge["Session"],
        ChallengeResponses=device.srp_auth_response(),
    )
    assert verifier["ChallengeName"] == "DEVICE_PASSWORD_VERIFIER"
    done = aws.idp.respond_to_auth_challenge(
        ClientId=aws.client_id,
        ChallengeName="DEVICE_PASSWORD_VERIFIER",
        ChallengeResponses=device.respond(verifier["ChallengeParameters"], aws.clock.now()),
    )
    result: dict[str, Any] = done["AuthenticationResult"]
    return result


# -- pools ---------------------------------------------------------------------------------


def test_create_user_pool_with_device_configuration_shows_it(aws: Aws) -> None:
    made = aws.idp.create_user_pool(PoolName="devices", DeviceConfiguration=ALWAYS)["UserPool"]
    assert made["DeviceConfiguration"] == ALWAYS
    described = aws.idp.describe_user_pool(UserPoolId=made["Id"])["UserPool"]
    assert described["DeviceConfiguration"] == ALWAYS


def test_update_user_pool_without_device_configuration_turns_tracking_off(daws: Aws) -> None:
    daws.idp.update_user_pool(UserPoolId=daws.pool_id)
    described = daws.idp.describe_user_pool(UserPoolId=daws.pool_id)["UserPool"]
    assert "DeviceConfiguration" not in described
    assert "NewDeviceMetadata" not in daws.sign_in()


# -- ConfirmDevice -------------------------------------------------------------------------


def test_confirm_device_remembers_the_device(daws: Aws) -> None:
    result, device = new_device(daws)
    answer = daws.idp.confirm_device(
        AccessToken=result["AccessToken"],
        DeviceKey=device.device_key,
        DeviceSecretVerifierConfig=device.verifier_config(),
        DeviceName="laptop",
    )
    assert answer["UserConfirmationNecessary"] is False


def test_confirm_device_with_another_key_is_refused(daws: Aws) -> None:
    result, _device = new_device(daws)
    _other, device = new_device(daws)
    with aws_error(daws.idp.exceptions.InvalidParameterException, "Invalid device key given."):
        daws.idp.confirm_device(
            AccessToken=result["AccessToken"],
            DeviceKey=device.device_key,
            DeviceSecretVerifierConfig=device.verifier_config(),
        )


def test_confirm_device_twice_is_device_key_exists(daws: Aws) -> None:
    result, device = new_device(daws)
    config = device.verifier_config()
    daws.idp.confirm_device(
        AccessToken=result["AccessToken"],
        DeviceKey=device.device_key,
        DeviceSecretVerifierConfig=config,
    )
    with aws_error(daws.idp.exceptions.DeviceKeyExistsException):
        daws.idp.confirm_device(
            AccessToken=result["AccessToken"],
            DeviceKey=device.device_key,
            DeviceSecretVerifierConfig=config,
        )


def test_confirm_device_needs_a_verifier(daws: Aws) -> None:
    result, device = new_device(daws)
    with aws_error(daws.idp.exceptions.InvalidParameterException):
        daws.idp.confirm_device(AccessToken=result["AccessToken"], DeviceKey=device.device_key)


def test_confirm_device_in_a_pool_without_tracking_is_refused(aws: Aws) -> None:
    result = aws.session()
    with aws_error(aws.idp.exceptions.InvalidUserPoolConfigurationException):
        aws.idp.confirm_device(
            AccessToken=result["AccessToken"],
            DeviceKey=MISSING_DEVICE,
            DeviceSecretVerifierConfig={"PasswordVerifier": "AQ==", "Salt": "AQ=="},
        )


# -- device sign-in ------------------------------------------------------------------------


def test_a_confirmed_device_signs_in_with_device_srp(daws: Aws) -> None:
    device = confirmed_device(daws)
    result = device_sign_in(daws, device)
    claims = daws.svc.user_pool(daws.pool_id).verify(result["AccessToken"])
    assert claims["device_key"] == device.device_key
    assert "NewDeviceMetadata" not in result


def test_a_remembered_device_stands_in_for_mfa(daws: Aws) -> None:
    device = confirmed_device(daws)
    daws.idp.set_user_pool_mfa_config(
        UserPoolId=daws.pool_id,
        SoftwareTokenMfaConfiguration={"Enabled": True},
        SmsMfaConfiguration={"SmsAuthenticationMessage": "Code {####}"},
        MfaConfiguration="ON",
    )
    daws.idp.admin_update_user_attributes(
        UserPoolId=daws.pool_id,
        Username="ann",
        UserAttributes=[{"Name": "phone_number", "Value": "+15550001234"}],
    )
    without = daws.idp.initiate_auth(
        ClientId=daws.client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "ann", "PASSWORD": PASSWORD},
    )
    assert without["ChallengeName"] == "SMS_MFA"
    assert device_sign_in(daws, device)["AccessToken"]


def test_device_bound_tokens_refresh_only_with_the_device_key(daws: Aws) -> None:
    result, device = new_device(daws)
    refreshed = daws.idp.initiate_auth(
        ClientId=daws.client_id,
        AuthFlow="REFRESH_TOKEN_AUTH",
        AuthParameters={"REFRESH_TOKEN": result["RefreshToken"], "DEVICE_KEY": device.device_key},
    )
    assert refreshed["AuthenticationResult"]["AccessToken"]
    with aws_error(daws.idp.exceptions.NotAuthorizedException, "Invalid Refresh Token"):
        daws.idp.initiate_auth(
            ClientId=daws.client_id,
            AuthFlow="REFRESH_TOKEN_AUTH",
            AuthParameters={"REFRESH_TOKEN": result["RefreshToken"]},
        )


# -- GetDevice / ListDevices / UpdateDeviceStatus / ForgetDevice ------------------------------


def test_get_device_shows_its_attributes_and_dates(daws: Aws) -> None:
    device = confirmed_device(daws)
    token = device_sign_in(daws, device)["AccessToken"]
    found = daws.idp.get_device(AccessToken=token, DeviceKey=device.device_key)["Device"]
    assert found["DeviceKey"] == device.device_key
    assert {"Name": "device_name", "Value": "laptop"} in found["DeviceAttributes"]
    assert {"Name": "dev:device_remembered_status", "Value": "remembered"} in found[
        "DeviceAttributes"
    ]
    assert found["DeviceLastAuthenticatedDate"] >= found["DeviceCreateDate"]


def test_get_device_of_an_unknown_key_is_not_found(daws: Aws) -> None:
    token = daws.sign_in()["AccessToken"]
    with aws_error(daws.idp.exceptions.ResourceNotFoundException, "Device does not exist."):
        daws.idp.get_device(AccessToken=token, DeviceKey=MISSING_DEVICE)


def test_get_device_needs_an_access_token(daws: Aws) -> None:
    with aws_error(daws.idp.exceptions.InvalidParameterException):
        daws.idp.get_device(DeviceKey=MISSING_DEVICE)


def test_list_devices_pages(daws: Aws) -> None:
    keys = sorted(confirmed_device(daws, name=f"d{i}").device_key for i in range(3))
    token = daws.sign_in()["AccessToken"]
    first = daws.idp.list_devices(AccessToken=token, Limit=2)
    assert [d["DeviceKey"] for d in first["Devices"]] == keys[:2]
    rest = daws.idp.list_devices(
        AccessToken=token, Limit=2, PaginationToken=first["PaginationToken"]
    )
    assert [d["DeviceKey"] for d in rest["Devices"]] == keys[2:]
    assert "PaginationToken" not in rest


def test_list_devices_without_tracking_is_invalid_configuration(aws: Aws) -> None:
    token = aws.access_token()
    with aws_error(aws.idp.exceptions.InvalidUserPoolConfigurationException):
        aws.idp.list_devices(AccessToken=token)


def test_update_device_status_forgets_remembering(daws: Aws) -> None:
    device = confirmed_device(daws)
    token = daws.sign_in()["AccessToken"]
    daws.idp.update_device_status(
        AccessToken=token, DeviceKey=device.device_key, DeviceRememberedStatus="not_remembered"
    )
    found = daws.idp.get_device(AccessToken=token, DeviceKey=device.device_key)["Device"]
    assert {"Name": "dev:device_remembered_status", "Value": "not_remembered"} in found[
        "DeviceAttributes"
    ]


def test_update_device_status_needs_a_status(daws: Aws) -> None:
    device = confirmed_device(daws)
    token = daws.sign_in()["AccessToken"]
    with aws_error(daws.idp.exceptions.InvalidParameterException):
        daws.idp.update_device_status(AccessToken=token, DeviceKey=device.device_key)


def test_forget_device_removes_it_and_revokes_its_tokens(daws: Aws) -> None:
    device = confirmed_device(daws)
    result = device_sign_in(daws, device)
    daws.idp.forget_device(AccessToken=result["AccessToken"], DeviceKey=device.device_key)
    other = daws.sign_in()["AccessToken"]
    assert daws.idp.list_devices(AccessToken=other)["Devices"] == []
    with aws_error(daws.idp.exceptions.NotAuthorizedException):
        daws.idp.initiate_auth(
            ClientId=daws.client_id,
            AuthFlow="REFRESH_TOKEN_AUTH",
            AuthParameters={
                "REFRESH_TOKEN": result["RefreshToken"],
                "DEVICE_KEY": device.device_key,
            },
        )


def test_forget_device_of_an_unknown_key_is_not_found(daws: Aws) -> None:
    token = daws.sign_in()["AccessToken"]
    with aws_error(daws.idp.exceptions.ResourceNotFoundException):
        daws.idp.forget_device(AccessToken=token, DeviceKey=MISSING_DEVICE)


# -- admin forms ---------------------------------------------------------------------------


def test_admin_get_device_reads_a_users_device(daws: Aws) -> None:
    device = confirmed_device(daws)
    found = daws.idp.admin_get_device(
        UserPoolId=daws.pool_id, Username="ann", DeviceKey=device.device_key
    )["Device"]
    assert found["DeviceKey"] == device.device_key


def test_admin_get_device_of_another_user_is_not_found(daws: Aws) -> None:
    device = confirmed_device(daws)
    daws.confirmed("bob", "bob@example.com")
    with aws_error(daws.idp.exceptions.ResourceNotFoundException):
        daws.idp.admin_get_device(
            UserPoolId=daws.pool_id, Username="bob", DeviceKey=device.device_key
        )


def test_admin_list_devices_lists_a_users_devices(daws: Aws) -> None:
    device = confirmed_device(daws)
    listed = daws.idp.admin_list_devices(UserPoolId=daws.pool_id, Username="ann")["Devices"]
    assert [d["DeviceKey"] for d in listed] == [device.device_key]


def test_admin_list_devices_of_an_unknown_user_is_resource_not_found(daws: Aws) -> None:
    with aws_error(daws.idp.exceptions.ResourceNotFoundException, "User does not exist."):
        daws.idp.admin_list_devices(UserPoolId=daws.pool_id, Username="ghost")


def test_admin_update_device_status_sets_remembering(daws: Aws) -> None:
    device = confirmed_device(daws)
    daws.idp.admin_update_device_status(
        UserPoolId=daws.pool_id,
        Username="ann",
        DeviceKey=device.device_key,
        DeviceRememberedStatus="not_remembered",
    )
    found = daws.idp.admin_get_device(
        UserPoolId=daws.pool_id, Username="ann", DeviceKey=device.device_key
    )["Device"]
    assert {"Name": "dev:device_remembered_status", "Value": "not_remembered"} in found[
        "DeviceAttributes"
    ]


def test_admin_update_device_status_with_a_bad_status_is_refused(daws: Aws) -> None:
    device = confirmed_device(daws)
    with aws_error(daws.idp.exceptions.InvalidParameterException):
        daws.idp.admin_update_device_status(
            UserPoolId=daws.pool_id,
            Username="ann",
            DeviceKey=device.device_key,
            DeviceRememberedStatus="forever",
        )


def test_admin_forget_device_removes_it(daws: Aws) -> None:
    device = confirmed_device(daws)
    daws.idp.admin_forget_device(
        UserPoolId=daws.pool_id, Username="ann", DeviceKey=device.device_key
    )
    listed = daws.idp.admin_list_devices(UserPoolId=daws.pool_id, Username="ann")["Devices"]
    assert listed == []


def test_admin_forget_device_without_tracking_is_invalid_configuration(aws: Aws) -> None:
    aws.confirmed()
    with aws_error(aws.idp.exceptions.InvalidUserPoolConfigurationException):
        aws.idp.admin_forget_device(
            UserPoolId=aws.pool_id, Username="ann", DeviceKey=MISSING_DEVICE
        )


# -- pycognito, an SRP client cogkit did not write ---------------------------------------------


aws_srp = pytest.importorskip("pycognito.aws_srp", reason="pycognito comes with the dev extra")


@pytest.fixture
def real_time_idp() -> Iterator[tuple[Cognito, Any]]:
    # pycognito stamps its answers with the real time, so this service runs on it too.
    svc = make_cognito(region=REGION, clock=SystemClock())
    with mock_aws(service=svc):
        yield svc, boto3.client("cognito-idp", region_name=REGION)


def test_pycognito_completes_a_device_sign_in_that_skips_mfa(
    real_time_idp: tuple[Cognito, Any],
) -> None:
    svc, idp = real_time_idp
    pool_id = idp.create_user_pool(PoolName="srp", DeviceConfiguration=ALWAYS)["UserPool"]["Id"]
    idp.set_user_pool_mfa_config(
        UserPoolId=pool_id,
        SoftwareTokenMfaConfiguration={"Enabled": True},
        MfaConfiguration="ON",
    )
    client_id = idp.create_user_pool_client(UserPoolId=pool_id, ClientName="app")["UserPoolClient"][
        "ClientId"
    ]
    idp.admin_create_user(
        UserPoolId=pool_id, Username="ann", MessageAction="SUPPRESS", TemporaryPassword="Temp-1aaa"
    )
    idp.admin_set_user_password(
        UserPoolId=pool_id, Username="ann", Password=PASSWORD, Permanent=True
    )
    # First sign-in: MFA setup through the session, which hands out a new device.
    first = aws_srp.AWSSRP(
        username="ann", password=PASSWORD, pool_id=pool_id, client_id=client_id, client=idp
    )
    setup = first.authenticate_user()
    assert setup["ChallengeName"] == "MFA_SETUP"
    made = idp.associate_software_token(Session=setup["Session"])
    from cogkit.testing import totp_code

    verified = idp.verify_software_token(
        Session=made["Session"], UserCode=totp_code(made["SecretCode"], svc.clock.now())
    )
    done = idp.respond_to_auth_challenge(
        ClientId=client_id,
        ChallengeName="MFA_SETUP",
        Session=verified["Session"],
        ChallengeResponses={"USERNAME": "ann"},
    )["AuthenticationResult"]
    metadata = done["NewDeviceMetadata"]
    device_password, verifier = aws_srp.generate_hash_device(
        metadata["DeviceGroupKey"], metadata["DeviceKey"]
    )
    idp.confirm_device(
        AccessToken=done["AccessToken"],
        DeviceKey=metadata["DeviceKey"],
        DeviceSecretVerifierConfig=verifier,
        DeviceName="pycognito",
    )
    # Second sign-in from the remembered device: device SRP instead of a TOTP code.
    again = aws_srp.AWSSRP(
        username="ann",
        password=PASSWORD,
        pool_id=pool_id,
        client_id=client_id,
        client=idp,
        device_key=metadata["DeviceKey"],
        device_group_key=metadata["DeviceGroupKey"],
        device_password=device_password,
    )
    tokens = again.authenticate_user()["AuthenticationResult"]
    claims = svc.user_pool(pool_id).verify(tokens["AccessToken"], token_use="access")
    assert claims["device_key"] == metadata["DeviceKey"]


def test_pycognito_with_a_wrong_device_password_is_refused(
    real_time_idp: tuple[Cognito, Any],
) -> None:
    _svc, idp = real_time_idp
    pool_id = idp.create_user_pool(PoolName="srp", DeviceConfiguration=ALWAYS)["UserPool"]["Id"]
    client_id = idp.create_user_pool_client(UserPoolId=pool_id, ClientName="app")["UserPoolClient"][
        "ClientId"
    ]
    idp.admin_create_user(
        UserPoolId=pool_id, Username="ann", MessageAction="SUPPRESS", TemporaryPassword="Temp-1aaa"
    )
    idp.admin_set_user_password(
        UserPoolId=pool_id, Username="ann", Password=PASSWORD, Permanent=True
    )
    first = aws_srp.AWSSRP(
        username="ann", password=PASSWORD, pool_id=pool_id, client_id=client_id, client=idp
    )
    done = first.authenticate_user()["AuthenticationResult"]
    metadata = done["NewDeviceMetadata"]
    _password, verifier = aws_srp.generate_hash_device(
        metadata["DeviceGroupKey"], metadata["DeviceKey"]
    )
    idp.confirm_device(
        AccessToken=done["AccessToken"],
        DeviceKey=metadata["DeviceKey"],
        DeviceSecretVerifierConfig=verifier,
    )
    impostor = aws_srp.AWSSRP(
        username="ann",
        password=PASSWORD,
        pool_id=pool_id,
        client_id=client_id,
        client=idp,
        device_key=metadata["DeviceKey"],
        device_group_key=metadata["DeviceGroupKey"],
        device_password="not-the-device-password",
    )
    with pytest.raises(idp.exceptions.NotAuthorizedException):
        impostor.authenticate_user()

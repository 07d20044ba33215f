"""Wiring triggers to a pool: ``pool.trigger``, ``svc.register_lambda`` with the pool's
``lambda_config``, and the checks on that configuration."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from cogkit import Cognito, UserPool
from cogkit.domain.config import LambdaConfig
from cogkit.domain.enums import LambdaVersion
from cogkit.errors import (
    ConfigurationError,
    InvalidParameterError,
    UnexpectedLambdaError,
    UserNotFoundError,
)
from cogkit.testing import make_cognito
from tests.conftest import Kit
from tests.helpers import Recorder, raises

ARN = "arn:aws:lambda:us-east-1:123456789012:function:pre-sign-up"
KMS = "arn:aws:kms:us-east-1:123456789012:key/0a1b2c3d"


def test_a_pool_has_no_triggers_by_default(pool: UserPool) -> None:
    assert pool.config.lambda_config == LambdaConfig()
    assert pool.config.lambda_config.triggers == {}
    assert pool.config.lambda_config.pre_token_generation_version is LambdaVersion.V1_0


def test_trigger_registers_a_handler_as_a_plain_call(kit: Kit) -> None:
    handler = Recorder()
    assert kit.pool.trigger("PreSignUp", handler) is handler
    kit.sign_up()
    assert handler.sources == ["PreSignUp_SignUp"]


def test_trigger_registers_a_handler_as_a_decorator(kit: Kit) -> None:
    seen: list[str] = []

    @kit.pool.trigger("PreSignUp")
    def pre_sign_up(event: dict[str, Any], context: Any) -> dict[str, Any]:
        seen.append(event["userName"])
        return event

    kit.sign_up()
    assert seen == ["ann"]
    assert callable(pre_sign_up)


def test_a_later_registration_replaces_the_earlier_one(kit: Kit) -> None:
    first, second = Recorder(), Recorder()
    kit.pool.trigger("PreSignUp", first)
    kit.pool.trigger("PreSignUp", second)
    kit.sign_up()
    assert (len(first.events), len(second.events)) == (0, 1)


def test_triggers_belong_to_their_pool(kit: Kit) -> None:
    handler = Recorder()
    other = kit.svc.create_user_pool("other", auto_verified_attributes=["email"])
    other.trigger("PreSignUp", handler)
    kit.sign_up()
    assert handler.events == []


def test_trigger_refuses_an_unknown_name(pool: UserPool) -> None:
    with raises(InvalidParameterError, field="trigger") as info:
        pool.trigger("PreSignup", Recorder())
    assert "Unknown trigger 'PreSignup'" in info.value.message


def test_trigger_refuses_an_unknown_name_as_a_decorator_too(pool: UserPool) -> None:
    with raises(InvalidParameterError, field="trigger"):
        pool.trigger("Presignup")


def test_trigger_refuses_something_not_callable(pool: UserPool) -> None:
    with raises(InvalidParameterError, field="handler"):
        pool.trigger("PreSignUp", "not a function")  # type: ignore[call-overload]


def test_trigger_on_a_deleted_pool_is_resource_not_found(svc: Cognito) -> None:
    pool = svc.create_user_pool("gone")
    pool.delete()
    with pytest.raises(Exception, match="does not exist"):
        pool.trigger("PreSignUp", Recorder())


def test_lambda_config_names_the_arn_a_registered_lambda_answers(svc: Cognito) -> None:
    handler = Recorder()
    svc.register_lambda(ARN, handler)
    pool = svc.create_user_pool(
        "app", auto_verified_attributes=["email"], lambda_config={"PreSignUp": ARN}
    )
    client = pool.create_client("web")
    pool.auth.sign_up(client.id, "ann", "Correct-horse-1", {"email": "ann@example.com"})
    assert handler.event["triggerSource"] == "PreSignUp_SignUp"
    assert handler.contexts[0].invoked_function_arn == ARN
    assert handler.contexts[0].function_name == "pre-sign-up"


def test_register_lambda_works_as_a_decorator(svc: Cognito) -> None:
    seen: list[str] = []

    @svc.register_lambda(ARN)
    def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        seen.append(event["triggerSource"])
        return event

    pool = svc.create_user_pool("app", lambda_config={"PreSignUp": ARN})
    pool.admin_create_user("ann", message_action="SUPPRESS")
    assert seen == ["PreSignUp_AdminCreateUser"]


def test_register_lambda_before_or_after_the_pool_names_it(svc: Cognito) -> None:
    pool = svc.create_user_pool("app", lambda_config={"PreSignUp": ARN})
    handler = svc.register_lambda(ARN, Recorder())
    pool.admin_create_user("ann", message_action="SUPPRESS")
    assert len(handler.events) == 1


def test_register_lambda_refuses_what_is_not_an_arn(svc: Cognito) -> None:
    with raises(InvalidParameterError, field="arn"):
        svc.register_lambda("pre-sign-up", Recorder())
    with raises(InvalidParameterError, field="arn"):
        svc.register_lambda("pre-sign-up")


def test_a_pool_handler_wins_over_the_lambda_arn(svc: Cognito) -> None:
    by_arn, direct = Recorder(), Recorder()
    svc.register_lambda(ARN, by_arn)
    pool = svc.create_user_pool("app", lambda_config={"PreSignUp": ARN})
    pool.trigger("PreSignUp", direct)
    pool.admin_create_user("ann", message_action="SUPPRESS")
    assert (len(by_arn.events), len(direct.events)) == (0, 1)


def test_a_pool_handler_runs_as_a_function_of_the_pools_account(svc: Cognito) -> None:
    pool = svc.create_user_pool("app")

    @pool.trigger("PreSignUp")
    def check_domain(event: dict[str, Any], context: Any) -> dict[str, Any]:
        contexts.append(context)
        return event

    contexts: list[Any] = []
    pool.admin_create_user("ann", message_action="SUPPRESS")
    assert contexts[0].invoked_function_arn == (
        f"arn:aws:lambda:us-east-1:{svc.account_id}:function:check_domain"
    )


def test_an_arn_nobody_registered_fails_the_call_unexpectedly(svc: Cognito) -> None:
    pool = svc.create_user_pool("app", lambda_config={"PreSignUp": ARN})
    with raises(UnexpectedLambdaError):
        pool.admin_create_user("ann", message_action="SUPPRESS")
    with raises(UserNotFoundError):
        pool.admin_get_user("ann")


def test_update_replaces_the_whole_lambda_config(svc: Cognito) -> None:
    other = ARN.replace("pre-sign-up", "post")
    pool = svc.create_user_pool("app", lambda_config={"PreSignUp": ARN, "PostConfirmation": other})
    pool.update(lambda_config={"PostConfirmation": other})
    assert pool.config.lambda_config.triggers == {"PostConfirmation": other}


def test_lambda_config_takes_a_lambda_config_value(svc: Cognito) -> None:
    given = LambdaConfig(
        triggers={"PreTokenGeneration": ARN}, pre_token_generation_version=LambdaVersion.V2_0
    )
    pool = svc.create_user_pool("app", lambda_config=given)
    assert pool.config.lambda_config == given


def test_lambda_config_survives_another_service_on_the_same_store(svc: Cognito) -> None:
    pool = svc.create_user_pool(
        "app",
        lambda_config={
            "CustomEmailSender": ARN,
            "kms_key_id": KMS,
            "PreTokenGeneration": ARN,
            "pre_token_generation_version": "V3_0",
        },
    )
    again = make_cognito(store=svc.store).user_pool(pool.id).config.lambda_config
    assert again == LambdaConfig(
        triggers={"CustomEmailSender": ARN, "PreTokenGeneration": ARN},
        pre_token_generation_version=LambdaVersion.V3_0,
        kms_key_id=KMS,
    )


@pytest.mark.parametrize(
    ("given", "field"),
    [
        ({"PreSignup": ARN}, "lambda_config.PreSignup"),
        ({"PreSignUp": "pre-sign-up"}, "lambda_config.PreSignUp"),
        ({"PreSignUp": 42}, "lambda_config.PreSignUp"),
        ({"PreTokenGeneration": ARN, "pre_token_generation_version": "V4_0"}, None),
        ({"CustomSMSSender": ARN}, "lambda_config.kms_key_id"),
        ({"CustomEmailSender": ARN, "kms_key_id": "key"}, "lambda_config.kms_key_id"),
        ("arn", "lambda_config"),
    ],
)
def test_lambda_config_is_checked(svc: Cognito, given: Any, field: str | None) -> None:
    with pytest.raises(InvalidParameterError) as info:
        svc.create_user_pool("app", lambda_config=given)
    if field is not None:
        assert info.value.field == field


def test_trigger_timeout_is_checked() -> None:
    for bad in (0, -1, True, "5", 901):
        with pytest.raises(ConfigurationError, match="trigger_timeout"):
            Cognito(trigger_timeout=bad)  # type: ignore[arg-type]


def test_a_handler_past_the_timeout_fails_the_call_and_leaves_no_user() -> None:
    svc = make_cognito(trigger_timeout=0.05)
    pool = svc.create_user_pool("app")
    release = threading.Event()

    @pool.trigger("PreSignUp")
    def slow(event: dict[str, Any], context: Any) -> dict[str, Any]:
        release.wait(2)
        return event

    try:
        with raises(
            UnexpectedLambdaError,
            "PreSignUp invocation failed due to error Socket timeout while invoking Lambda "
            "function.",
        ):
            pool.admin_create_user("ann", message_action="SUPPRESS")
    finally:
        release.set()
        svc.close()
    with raises(UserNotFoundError):
        pool.admin_get_user("ann")


def test_the_context_tells_the_remaining_time_of_the_timeout() -> None:
    svc = make_cognito(trigger_timeout=2)
    pool = svc.create_user_pool("app")
    handler = pool.trigger("PreSignUp", Recorder())
    pool.admin_create_user("ann", message_action="SUPPRESS")
    assert 0 < handler.contexts[0].get_remaining_time_in_millis() <= 2000
    svc.close()

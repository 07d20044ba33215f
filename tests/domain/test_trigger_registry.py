"""The trigger registry: registration, resolution and Cognito's invocation rules."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from cogkit.domain.triggers import LambdaContext, Trigger, TriggerRegistry, envelope
from cogkit.errors import (
    InvalidLambdaResponseError,
    InvalidParameterError,
    UnexpectedLambdaError,
    UserLambdaValidationError,
)

POOL = "us-east-1_AAAAAAAAA"
ARN = "arn:aws:lambda:us-east-1:123456789012:function:pre-sign-up"


def event() -> dict[str, Any]:
    return envelope(
        "PreSignUp_SignUp",
        region="us-east-1",
        pool_id=POOL,
        username="ann",
        client_id=None,
        request={"userAttributes": {"email": "a@x"}},
        response={"autoConfirmUser": False},
    )


def echo(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return event


@pytest.fixture
def registry() -> Any:
    registry = TriggerRegistry(timeout=0.5)
    yield registry
    registry.close()


def test_envelope_has_the_lambda_event_shape() -> None:
    built = event()
    assert built == {
        "version": "1",
        "triggerSource": "PreSignUp_SignUp",
        "region": "us-east-1",
        "userPoolId": POOL,
        "userName": "ann",
        "callerContext": {
            "awsSdkVersion": "aws-sdk-unknown-unknown",
            "clientId": "CLIENT_ID_NOT_APPLICABLE",
        },
        "request": {"userAttributes": {"email": "a@x"}},
        "response": {"autoConfirmUser": False},
    }


def test_direct_registration_resolves(registry: TriggerRegistry) -> None:
    registry.register(POOL, "PreSignUp", echo)
    handler, arn = registry.handler_for(POOL, Trigger.PRE_SIGN_UP, None)  # type: ignore[misc]
    assert handler is echo
    assert arn.endswith(":function:echo")


def test_nothing_registered_resolves_to_none(registry: TriggerRegistry) -> None:
    assert registry.handler_for(POOL, Trigger.PRE_SIGN_UP, None) is None


def test_direct_registration_wins_over_the_lambda_arn(registry: TriggerRegistry) -> None:
    registry.register_lambda(ARN, lambda e, c: e)
    registry.register(POOL, Trigger.PRE_SIGN_UP, echo)
    assert registry.handler_for(POOL, Trigger.PRE_SIGN_UP, ARN)[0] is echo  # type: ignore[index]


def test_lambda_arn_resolves_to_its_bound_handler(registry: TriggerRegistry) -> None:
    registry.register_lambda(ARN, echo)
    assert registry.handler_for(POOL, Trigger.PRE_SIGN_UP, ARN) == (echo, ARN)


def test_configured_arn_without_handler_is_an_unexpected_lambda_error(
    registry: TriggerRegistry,
) -> None:
    with pytest.raises(UnexpectedLambdaError, match="no handler is registered"):
        registry.handler_for(POOL, Trigger.PRE_SIGN_UP, ARN)


def test_unregister_removes_the_handler(registry: TriggerRegistry) -> None:
    registry.register(POOL, "PreSignUp", echo)
    registry.unregister(POOL, "PreSignUp")
    assert registry.handler_for(POOL, Trigger.PRE_SIGN_UP, None) is None


@pytest.mark.parametrize("bad", ["Presignup", "", "pre_sign_up"])
def test_unknown_trigger_names_are_refused(registry: TriggerRegistry, bad: str) -> None:
    with pytest.raises(InvalidParameterError, match="Unknown trigger"):
        registry.register(POOL, bad, echo)


def test_non_callable_handlers_are_refused(registry: TriggerRegistry) -> None:
    with pytest.raises(InvalidParameterError, match="callable"):
        registry.register(POOL, "PreSignUp", "not a function")  # type: ignore[arg-type]
    with pytest.raises(InvalidParameterError, match="callable"):
        registry.register_lambda(ARN, 42)  # type: ignore[arg-type]


def test_register_lambda_needs_an_arn(registry: TriggerRegistry) -> None:
    with pytest.raises(InvalidParameterError, match="not a Lambda ARN"):
        registry.register_lambda("pre-sign-up", echo)


def test_invoke_returns_the_handlers_event(registry: TriggerRegistry) -> None:
    def confirm(event: dict[str, Any], context: Any) -> dict[str, Any]:
        event["response"]["autoConfirmUser"] = True
        return event

    result = registry.invoke(Trigger.PRE_SIGN_UP, confirm, ARN, event(), "req-1")
    assert result["response"]["autoConfirmUser"] is True


def test_handler_cannot_change_the_callers_event(registry: TriggerRegistry) -> None:
    original = event()

    def mutate(event: dict[str, Any], context: Any) -> dict[str, Any]:
        event["request"]["userAttributes"]["email"] = "changed"
        return event

    registry.invoke(Trigger.PRE_SIGN_UP, mutate, ARN, original, "req-1")
    assert original["request"]["userAttributes"]["email"] == "a@x"


def test_context_is_shaped_like_lambdas(registry: TriggerRegistry) -> None:
    seen: list[LambdaContext] = []

    def look(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
        seen.append(context)
        return event

    registry.invoke(Trigger.PRE_SIGN_UP, look, ARN, event(), "req-7")
    context = seen[0]
    assert context.function_name == "pre-sign-up"
    assert context.invoked_function_arn == ARN
    assert context.aws_request_id == "req-7"
    assert context.function_version == "$LATEST"
    assert context.memory_limit_in_mb == 128
    assert context.log_group_name == "/aws/lambda/pre-sign-up"
    assert 0 < context.get_remaining_time_in_millis() <= 500


def test_a_raising_handler_is_a_user_lambda_validation_error(registry: TriggerRegistry) -> None:
    def deny(event: dict[str, Any], context: Any) -> dict[str, Any]:
        raise ValueError("Domain not allowed")

    with pytest.raises(UserLambdaValidationError) as caught:
        registry.invoke(Trigger.PRE_SIGN_UP, deny, ARN, event(), "r")
    assert caught.value.message == "PreSignUp failed with error Domain not allowed."
    assert caught.value.code == "UserLambdaValidationException"


@pytest.mark.parametrize("output", [None, "ok", 3, {"no": "response"}, {"response": "x"}])
def test_unrecognisable_output_is_an_invalid_lambda_response(
    registry: TriggerRegistry, output: Any
) -> None:
    with pytest.raises(InvalidLambdaResponseError, match="Unrecognizable lambda output"):
        registry.invoke(Trigger.PRE_SIGN_UP, lambda e, c: output, ARN, event(), "r")


def test_a_handler_past_its_timeout_is_an_unexpected_lambda_error(
    registry: TriggerRegistry,
) -> None:
    release = threading.Event()

    def hang(event: dict[str, Any], context: Any) -> dict[str, Any]:
        release.wait(5)
        return event

    try:
        with pytest.raises(UnexpectedLambdaError) as caught:
            registry.invoke(Trigger.PRE_SIGN_UP, hang, ARN, event(), "r")
    finally:
        release.set()
    assert caught.value.message == (
        "PreSignUp invocation failed due to error Socket timeout while invoking Lambda function."
    )

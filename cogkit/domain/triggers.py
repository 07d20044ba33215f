"""Lambda triggers as Python callables: the registry, the invocation, the event envelope.

A trigger handler has Lambda's signature, ``handler(event, context)``, and returns the
event with its ``response`` filled in, exactly as a Cognito Lambda does; existing Lambda
handlers run unchanged.  Handlers come from two places:

- registered on a pool directly: ``pool.trigger("PreSignUp", handler)`` (or as a decorator);
- bound to a Lambda ARN with ``svc.register_lambda(arn, handler)``, for pools whose
  ``lambda_config`` names that ARN (natively or through boto3's ``LambdaConfig``).

A direct registration wins over ``lambda_config``.  Invocation follows Cognito: a handler
that raises gives ``UserLambdaValidationError`` ("<Trigger> failed with error <message>."),
one that returns something other than the event shape gives
``InvalidLambdaResponseError`` ("Unrecognizable lambda output"), and one that outlives its
timeout (default 5 s) gives ``UnexpectedLambdaError``.  Callers invoke triggers before they
write anything, so a failing trigger leaves no trace.
"""

from __future__ import annotations

import copy
import re
import threading
import time
from collections.abc import Callable, Mapping
from enum import StrEnum
from typing import Any

import attrs

from cogkit.errors import (
    InvalidLambdaResponseError,
    InvalidParameterError,
    UnexpectedLambdaError,
    UserLambdaValidationError,
)

__all__ = ["Handler", "LambdaContext", "Trigger", "TriggerRegistry"]

Handler = Callable[[dict[str, Any], Any], Any]

#: ``callerContext.clientId`` for calls that involve no app client (admin operations).
NO_CLIENT = "CLIENT_ID_NOT_APPLICABLE"
SDK_VERSION = "aws-sdk-unknown-unknown"


class Trigger(StrEnum):
    """The ``LambdaConfig`` keys; the value is also the name used in error messages."""

    PRE_SIGN_UP = "PreSignUp"
    CUSTOM_MESSAGE = "CustomMessage"
    POST_CONFIRMATION = "PostConfirmation"
    PRE_AUTHENTICATION = "PreAuthentication"
    POST_AUTHENTICATION = "PostAuthentication"
    DEFINE_AUTH_CHALLENGE = "DefineAuthChallenge"
    CREATE_AUTH_CHALLENGE = "CreateAuthChallenge"
    VERIFY_AUTH_CHALLENGE_RESPONSE = "VerifyAuthChallengeResponse"
    PRE_TOKEN_GENERATION = "PreTokenGeneration"
    USER_MIGRATION = "UserMigration"
    CUSTOM_SMS_SENDER = "CustomSMSSender"
    CUSTOM_EMAIL_SENDER = "CustomEmailSender"


@attrs.define
class LambdaContext:
    """What a Lambda handler receives as ``context``, shaped like AWS Lambda's."""

    function_name: str
    invoked_function_arn: str
    aws_request_id: str
    deadline: float = attrs.field(repr=False)
    function_version: str = "$LATEST"
    memory_limit_in_mb: int = 128
    log_group_name: str = ""
    log_stream_name: str = ""
    #: Set for Lambdas called from the mobile SDKs; Cognito's calls carry neither.
    identity: Any = None
    client_context: Any = None

    def __attrs_post_init__(self) -> None:
        self.log_group_name = self.log_group_name or f"/aws/lambda/{self.function_name}"
        self.log_stream_name = self.log_stream_name or f"cogkit/[$LATEST]{self.aws_request_id}"

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self.deadline - time.monotonic()) * 1000))


def envelope(
    source: str,
    *,
    region: str,
    pool_id: str,
    username: str | None,
    client_id: str | None,
    request: Mapping[str, Any],
    response: Mapping[str, Any],
    version: str = "1",
) -> dict[str, Any]:
    """The common event shape of every user-pool trigger (spec §6.3)."""
    return {
        "version": version,
        "triggerSource": source,
        "region": region,
        "userPoolId": pool_id,
        "userName": username,
        "callerContext": {"awsSdkVersion": SDK_VERSION, "clientId": client_id or NO_CLIENT},
        "request": dict(request),
        "response": dict(response),
    }


class TriggerRegistry:
    """Handlers per (pool, trigger) and per Lambda ARN, and the way they are invoked.

    Handlers are Python objects and live in this process only; ``lambda_config`` (the
    ARNs) is part of the pool's stored configuration.
    """

    #: Seconds a handler may run before Cognito gives up on it.
    DEFAULT_TIMEOUT = 5.0

    def __init__(self, *, timeout: float = DEFAULT_TIMEOUT) -> None:
        self.timeout = timeout
        self._pools: dict[tuple[str, Trigger], Handler] = {}
        self._lambdas: dict[str, Handler] = {}
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"TriggerRegistry({len(self._pools)} pool handlers, {len(self._lambdas)} lambdas)"

    # -- registration ------------------------------------------------------------------

    def register(self, pool_id: str, trigger: Trigger | str, handler: Handler) -> Handler:
        """Runs ``handler`` for ``trigger`` in pool ``pool_id``."""
        name = trigger_named(trigger)
        _check_handler(handler)
        with self._lock:
            self._pools[(pool_id, name)] = handler
        return handler

    def unregister(self, pool_id: str, trigger: Trigger | str) -> None:
        with self._lock:
            self._pools.pop((pool_id, trigger_named(trigger)), None)

    def register_lambda(self, arn: str, handler: Handler) -> Handler:
        """Binds a Lambda ARN to ``handler`` for pools whose ``lambda_config`` names it."""
        check_arn(arn)
        _check_handler(handler)
        with self._lock:
            self._lambdas[arn] = handler
        return handler

    def handler_for(
        self, pool_id: str, trigger: Trigger, arn: str | None, *, account_id: str = "000000000000"
    ) -> tuple[Handler, str] | None:
        """The handler to run and the ARN it runs as, or ``None`` when none is set.

        A handler registered on the pool runs as a function named after it, in the pool's
        region and ``account_id``.
        """
        direct = self._pools.get((pool_id, trigger))
        if direct is not None:
            name = re.sub(r"[^A-Za-z0-9_-]", "", getattr(direct, "__name__", "")) or "handler"
            region = pool_id.split("_", 1)[0]
            return direct, f"arn:aws:lambda:{region}:{account_id}:function:{name}"
        if arn is None:
            return None
        bound = self._lambdas.get(arn)
        if bound is None:
            raise UnexpectedLambdaError(
                f"{trigger.value} invocation failed due to error: no handler is registered "
                f"for {arn} (use register_lambda)."
            )
        return bound, arn

    # -- invocation --------------------------------------------------------------------

    def invoke(
        self, trigger: Trigger, handler: Handler, arn: str, event: dict[str, Any], request_id: str
    ) -> dict[str, Any]:
        """Runs ``handler`` on ``event`` with Cognito's error rules; the returned event."""
        function = arn.rsplit(":", 1)[-1]
        deadline = time.monotonic() + self.timeout
        context = LambdaContext(
            function_name=function,
            invoked_function_arn=arn,
            aws_request_id=request_id,
            deadline=deadline,
        )
        payload = copy.deepcopy(event)
        # Each call runs in its own daemon thread, so a handler past its timeout is given
        # up on without holding anything: no pool to exhaust, nothing to wait for at exit.
        # fidelity: Cognito calls a Lambda again when the call times out or is throttled
        # (up to three calls within its 5 seconds); cogkit calls a handler once.  A handler
        # past its timeout runs on in its thread to its end (Python cannot stop a thread).
        outcome: list[Any] = []
        failure: list[BaseException] = []

        def run() -> None:
            try:
                outcome.append(handler(payload, context))
            except (Exception, SystemExit) as exc:  # what Lambda reports as a function error
                failure.append(exc)

        worker = threading.Thread(target=run, name=f"cogkit-trigger-{function}", daemon=True)
        worker.start()
        worker.join(self.timeout)
        if worker.is_alive():
            raise UnexpectedLambdaError(
                f"{trigger.value} invocation failed due to error Socket timeout while invoking "
                "Lambda function."
            )
        if failure:
            exc = failure[0]
            message = str(exc) or type(exc).__name__
            raise UserLambdaValidationError(
                f"{trigger.value} failed with error {message}."
            ) from exc
        result = outcome[0] if outcome else None
        if not isinstance(result, Mapping) or not isinstance(result.get("response"), Mapping):
            raise InvalidLambdaResponseError("Unrecognizable lambda output")
        return dict(result)

    def close(self) -> None:
        """Nothing to release: calls run in their own threads.  Kept so a registry can be
        closed with the service that owns it."""


def trigger_named(value: Trigger | str) -> Trigger:
    """The trigger called ``value``; InvalidParameter naming the allowed ones otherwise."""
    try:
        return Trigger(value)
    except ValueError:
        allowed = ", ".join(t.value for t in Trigger)
        raise InvalidParameterError(
            f"Unknown trigger {value!r}; use one of {allowed}", field="trigger"
        ) from None


def check_arn(arn: Any) -> str:
    if not isinstance(arn, str) or not arn.startswith("arn:"):
        raise InvalidParameterError(f"{arn!r} is not a Lambda ARN", field="arn")
    return arn


def _check_handler(handler: Any) -> None:
    if not callable(handler):
        raise InvalidParameterError(
            "A trigger handler must be callable as handler(event, context).", field="handler"
        )


# -- reading responses -----------------------------------------------------------------


def response_of(event: Mapping[str, Any]) -> Mapping[str, Any]:
    response = event.get("response")
    if not isinstance(response, Mapping):
        raise InvalidLambdaResponseError("Unrecognizable lambda output")
    return response


def flag(response: Mapping[str, Any], name: str) -> bool:
    """A boolean response field (absent or null means false)."""
    value = response.get(name)
    if value is None:
        return False
    if not isinstance(value, bool):
        raise InvalidLambdaResponseError("Unrecognizable lambda output")
    return value


def optional_str(response: Mapping[str, Any], name: str) -> str | None:
    value = response.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidLambdaResponseError("Unrecognizable lambda output")
    return value


def str_map(response: Mapping[str, Any], name: str) -> dict[str, str] | None:
    value = response.get(name)
    if value is None:
        return None
    if not isinstance(value, Mapping) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    ):
        raise InvalidLambdaResponseError("Unrecognizable lambda output")
    return dict(value)


def str_list(response: Mapping[str, Any], name: str) -> list[str] | None:
    value = response.get(name)
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise InvalidLambdaResponseError("Unrecognizable lambda output")
    return list(value)

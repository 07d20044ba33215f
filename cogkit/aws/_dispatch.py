"""The AWS JSON 1.1 dispatcher: ``X-Amz-Target`` → operation → one domain call → JSON.

Both transports use it: the in-process botocore interception (``mock_aws``) and HTTP
(``cogkit serve``).  Errors leave as ``{"__type": code, "message": text}`` with the HTTP
status AWS uses, and the ``x-amzn-ErrorType`` header.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable, Mapping
from typing import Any

import attrs
from botocore.model import OperationModel

from cogkit.aws import _model
from cogkit.domain.service import Cognito
from cogkit.errors import CogkitError, CognitoError, InvalidParameterError, StoreConflictError

__all__ = ["Call", "Dispatcher", "WireResponse", "operation"]

log = logging.getLogger("cogkit.aws")

JSON_TYPE = "application/x-amz-json-1.1"


@attrs.frozen
class WireResponse:
    status: int
    body: bytes
    headers: Mapping[str, str]

    def json(self) -> Any:
        return json.loads(self.body)


@attrs.frozen
class Call:
    """One request as an operation handler sees it."""

    service: Cognito
    params: Mapping[str, Any]
    region: str
    operation: str
    #: The transport's own address (``cogkit serve``), for URLs it answers itself.
    base_url: str | None = None


Handler = Callable[[Call], Mapping[str, Any] | None]

#: Implemented operations: (service, operation name) -> handler.
HANDLERS: dict[tuple[str, str], Handler] = {}


#: Operations cogkit implements that the installed botocore's model lacks (it is older
#: than they are); they stay unregistered.
UNKNOWN_TO_BOTOCORE: set[tuple[str, str]] = set()


def operation(service: str, name: str) -> Callable[[Handler], Handler]:
    """Registers ``handler`` for an operation of botocore's model.

    An operation the installed botocore does not know yet (an older release) is left
    unregistered: no client of that botocore can call it, and requests naming it get
    ``UnknownOperationException`` as any name outside the model does.
    """
    known = name in _model.service_model(service).operation_names

    def register(handler: Handler) -> Handler:
        if known:
            HANDLERS[(service, name)] = handler
        else:
            UNKNOWN_TO_BOTOCORE.add((service, name))
        return handler

    return register


def implemented(service: str) -> list[str]:
    """Names of the operations of ``service`` cogkit implements."""
    _load_handlers()
    return sorted(name for (svc, name) in HANDLERS if svc == service)


_loaded = threading.Lock()


def _load_handlers() -> None:
    with _loaded:
        from cogkit.aws import (
            _idp,  # noqa: F401 - registers the cognito-idp handlers
            _idp_groups,  # noqa: F401 - groups and their members
            _idp_mfa,  # noqa: F401 - MFA, software tokens and devices
            _idp_oauth,  # noqa: F401 - resource servers and domains
            _idp_users,  # noqa: F401 - import jobs, auth events
        )


def _clean(value: Any) -> Any:
    """Drops ``None`` members (AWS omits absent members rather than sending null)."""
    if isinstance(value, Mapping):
        return {k: _clean(v) for k, v in value.items() if v is not None}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    return value


def _error(code: str, message: str, status: int = 400) -> WireResponse:
    body = json.dumps({"__type": code, "message": message}).encode()
    headers = {"Content-Type": JSON_TYPE, "x-amzn-ErrorType": f"{code}:"}
    if message.isascii() and "\n" not in message:
        headers["x-amzn-ErrorMessage"] = message
    return WireResponse(status, body, headers)


def _wire_message(exc: CognitoError) -> str:
    """The message as AWS words it: a domain validation message names the member by its
    wire path (``userPoolId``), not its Python name (``user_pool_id``)."""
    field = getattr(exc, "field", None)
    message = exc.message
    if isinstance(exc, InvalidParameterError) and field and "validation error" in message:
        from cogkit.aws._shapes import wire_path

        message = message.replace(f" at '{field}' ", f" at '{wire_path(field)}' ", 1)
    return message


def _contention_error(operation: OperationModel) -> WireResponse:
    """What AWS answers when a write keeps losing to concurrent writers: the operation's
    ConcurrentModificationException where its model lists one, else TooManyRequestsException
    (botocore retries both as throttling), else InternalErrorException."""
    listed = {shape.name for shape in operation.error_shapes}
    for code in ("ConcurrentModificationException", "TooManyRequestsException"):
        if code in listed:
            return _error(code, "Too many concurrent changes; try again.")
    return _error("InternalErrorException", "cogkit could not complete the request.", 500)


class Dispatcher:
    """Answers AWS JSON 1.1 requests for cognito-idp (and cognito-identity) from cogkit.

    ``resolve(region)`` gives the ``Cognito`` that serves a region.
    """

    def __init__(
        self, resolve: Callable[[str], Cognito], *, default_region: str = "us-east-1"
    ) -> None:
        self._resolve = resolve
        self.default_region = default_region
        _load_handlers()
        self._services = {
            _model.target_prefix(name): name for name in (_model.IDP, _model.IDENTITY)
        }

    def handle(
        self,
        target: str | None,
        body: bytes,
        *,
        region: str | None = None,
        base_url: str | None = None,
    ) -> WireResponse:
        prefix, _, name = (target or "").partition(".")
        service = self._services.get(prefix)
        if service is None or name not in _model.service_model(service).operation_names:
            return _error("UnknownOperationException", f"Unknown operation {target!r}")
        handler = HANDLERS.get((service, name))
        if handler is None:
            return _error(
                "UnsupportedOperationException",
                f"cogkit does not implement the {service} operation {name} yet.",
            )
        try:
            params = json.loads(body or b"{}")
        except (ValueError, UnicodeDecodeError):
            return _error("SerializationException", "The request body is not valid JSON.")
        if not isinstance(params, dict):
            return _error("SerializationException", "The request body must be a JSON object.")
        operation_model = _model.service_model(service).operation_model(name)
        input_shape = operation_model.input_shape
        if input_shape is not None:
            # Like the service, ignore members the operation does not have.
            params = {k: v for k, v in params.items() if k in input_shape.members}
        try:
            problems = _model.validate_input(operation_model, params)
        except _model.SerializationProblem as exc:
            return _error("SerializationException", str(exc))
        if problems:
            count = len(problems)
            text = "; ".join(p.render() for p in problems)
            noun = "error" if count == 1 else "errors"
            return _error(
                "InvalidParameterException", f"{count} validation {noun} detected: {text}"
            )
        region = region or self.default_region
        from cogkit.aws._idp_users import request_context

        try:
            # Auth events recorded by the operation carry the request's context data.
            with request_context(params):
                result = handler(Call(self._resolve(region), params, region, name, base_url))
        except CognitoError as exc:
            return _error(exc.code, _wire_message(exc), exc.status)
        except StoreConflictError as exc:
            log.warning("%s gave up under contention: %s", name, exc.message)
            return _contention_error(operation_model)
        except CogkitError as exc:
            log.error("%s failed inside cogkit: %s", name, exc.message)
            return _error("InternalErrorException", "cogkit could not complete the request.", 500)
        except Exception:
            log.exception("%s failed with an unexpected error", name)
            return _error("InternalErrorException", "cogkit could not complete the request.", 500)
        payload = json.dumps(_clean(result or {}), separators=(",", ":")).encode()
        return WireResponse(200, payload, {"Content-Type": JSON_TYPE})

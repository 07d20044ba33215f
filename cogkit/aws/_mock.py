"""``mock_aws``: route the cognito-idp calls of every botocore client to cogkit.

Used exactly as moto's ``mock_aws``: ``@mock_aws``, ``@mock_aws()``, ``with mock_aws():``,
on functions, coroutine functions and test classes.  Calls to other AWS services are not
touched, so it composes with moto's own mock for S3, DynamoDB and the rest.

botocore builds each client's event handlers from ``botocore.handlers.BUILTIN_HANDLERS``
when its session is created; importing this module adds cogkit's handler there, and it
answers only while a mock is active.  It answers at ``before-call``, as botocore's own
``Stubber`` does: the request is never signed or sent, and no later handler sees it.  That
matters when moto's mock is active too: moto answers at ``before-send``, for every service,
and would otherwise also run (and fail on) each Cognito call.  cogkit's handler is the
last ``before-call`` handler, so a ``Stubber`` activated on a client still wins.  Only
requests for AWS's own Cognito endpoints are answered; a client given another
``endpoint_url`` (a ``cogkit serve`` or LocalStack, say) goes there.  boto3's default
session is hooked when a mock starts; other clients created *before* ``cogkit.aws`` was
imported need ``patch_client``.
"""

from __future__ import annotations

import functools
import http.client
import inspect
import io
import json
import re
import threading
import urllib.error
import urllib.parse
import urllib.request
import urllib.response
from collections.abc import Callable, Iterator, Mapping
from email.message import Message as _Headers
from types import TracebackType
from typing import Any, TypeVar, overload

from botocore.awsrequest import AWSResponse
from botocore.endpoint import convert_to_response_dict
from botocore.handlers import BUILTIN_HANDLERS, REGISTER_LAST
from botocore.model import OperationModel
from botocore.parsers import create_parser

from cogkit.aws._dispatch import Dispatcher, WireResponse
from cogkit.aws._idp_users import upload
from cogkit.domain.imports import UPLOAD_URL
from cogkit.domain.service import Cognito
from cogkit.errors import CogkitError, ConfigurationError
from cogkit.services.clock import SystemClock
from cogkit.services.passwords import PasswordProfile
from cogkit.services.tokens import SharedKeyPool

__all__ = ["CognitoMock", "mock_aws", "patch_client"]

F = TypeVar("F", bound=Callable[..., Any])

#: botocore's hyphenated service ids of the two Cognito services.
SERVICE_IDS = ("cognito-identity-provider", "cognito-identity")
#: The hosts of AWS's Cognito endpoints (FIPS, China and dual-stack included).
_AWS_HOST = re.compile(
    r"^cognito-(?:idp|identity)(?:-fips)?\.([a-z0-9-]+)\.(?:amazonaws\.com(?:\.cn)?|api\.aws)$"
)
_WELL_KNOWN = re.compile(
    r"^https://cognito-idp\.([a-z0-9-]+)\.amazonaws\.com/([\w-]+_[0-9A-Za-z]+)"
    r"/\.well-known/(jwks\.json|openid-configuration)$"
)


class _RawBody(io.BytesIO):
    def stream(self, **_kwargs: Any) -> Iterator[bytes]:
        chunk = self.read()
        while chunk:
            yield chunk
            chunk = self.read()


class CognitoMock:
    """An active (or activatable) interception.  ``service(region)`` gives the ``Cognito``
    behind a region, to seed state or read the outbox natively."""

    def __init__(
        self,
        service: Cognito | None = None,
        *,
        account_id: str | None = None,
        default_region: str | None = None,
    ) -> None:
        if service is not None:
            if not isinstance(service, Cognito):
                raise CogkitError("mock_aws(service=...) takes a cogkit.Cognito")
            # The given service fixes the region and account its pools carry.
            if account_id is not None and account_id != service.account_id:
                raise ConfigurationError(
                    f"mock_aws(service=...) uses the service's account {service.account_id!r}; "
                    "give account_id to the Cognito instead"
                )
            if default_region is not None and default_region != service.region:
                raise ConfigurationError(
                    f"mock_aws(service=...) answers for the service's region "
                    f"{service.region!r}; give region to the Cognito instead"
                )
            default_region = service.region
        default_region = default_region or "us-east-1"
        self._given = service
        self._account_id = account_id
        self._default_region = default_region
        self._services: dict[str, Cognito] = {}
        self._lock = threading.Lock()
        self.dispatcher = Dispatcher(self.service, default_region=default_region)

    def service(self, region: str | None = None) -> Cognito:
        """The ``Cognito`` answering for ``region`` (one per region unless one was given)."""
        if self._given is not None:
            return self._given
        region = region or self._default_region
        with self._lock:
            svc = self._services.get(region)
            if svc is None:
                options: dict[str, Any] = {}
                if self._account_id is not None:
                    options["account_id"] = self._account_id
                # Test-friendly defaults: real time, cheap hashing, keys shared per process.
                svc = Cognito(
                    clock=SystemClock(),
                    password_profile=PasswordProfile.CHEAP,
                    keys=SharedKeyPool(),
                    region=region,
                    **options,
                )
                self._services[region] = svc
            return svc

    # -- activation --------------------------------------------------------------------

    def start(self) -> CognitoMock:
        _ACTIVE.push(self)
        return self

    def stop(self) -> None:
        _ACTIVE.remove(self)

    def __enter__(self) -> CognitoMock:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def __call__(self, target: Any) -> Any:
        """Decorates a function, a coroutine function or a test class."""
        if inspect.isclass(target):
            return _decorate_class(target, self._clone)
        return _decorate_function(target, self._clone)

    def _clone(self) -> CognitoMock:
        """A fresh mock with the same arguments, for each decorated call."""
        return CognitoMock(
            self._given, account_id=self._account_id, default_region=self._default_region
        )

    # -- answering ---------------------------------------------------------------------

    def answer(
        self, model: OperationModel, request: Mapping[str, Any], region: str | None
    ) -> tuple[AWSResponse, dict[str, Any]]:
        """botocore's ``(http_response, parsed)`` for a serialized request to a Cognito
        service, parsed by botocore's own parser as if it had come over HTTP."""
        if region is not None and self._given is not None and region != self._given.region:
            raise ConfigurationError(
                f"mock_aws(service=...) answers for the service's region "
                f"{self._given.region!r}, but this client is for {region!r}: make the client "
                f"with region_name={self._given.region!r}, or the service with "
                f"region={region!r}"
            )
        headers = request.get("headers") or {}
        target = headers.get("X-Amz-Target")
        if isinstance(target, bytes):
            target = target.decode()
        body = request.get("body")
        raw = body.encode() if isinstance(body, str) else bytes(body or b"")
        wire = self.dispatcher.handle(target, raw, region=region)
        return _parsed(model, str(request.get("url", "")), wire)

    def well_known(self, url: str) -> WireResponse | None:
        """The JWKS or OpenID configuration a verifier would fetch, if ``url`` is one."""
        match = _WELL_KNOWN.match(url)
        if match is None:
            return None
        region, pool_id, document = match.groups()
        try:
            if pool_id.split("_", 1)[0] != region:
                # A pool lives in the region its id names; another region has no such pool.
                raise LookupError(pool_id)
            svc = self.service(region)
            pool = svc.user_pool(pool_id)
            data = pool.jwks() if document == "jwks.json" else pool.openid_configuration()
        except (CogkitError, LookupError):
            body = json.dumps({"message": f"User pool {pool_id} does not exist."}).encode()
            return WireResponse(404, body, {"Content-Type": "application/json"})
        return WireResponse(200, json.dumps(data).encode(), {"Content-Type": "application/json"})

    def upload(self, url: str, method: str, body: Any) -> WireResponse | None:
        """The answer to a request for a user import job's pre-signed URL, if ``url`` is
        one: a PUT hands the job its CSV file (the S3 upload Cognito's jobs read)."""
        match = UPLOAD_URL.match(url)
        if match is None:
            return None
        region, pool_id, job_id, query = match.groups()
        if method.upper() != "PUT":
            return WireResponse(405, b"", {"Allow": "PUT", "Content-Type": "application/xml"})
        try:
            if pool_id.split("_", 1)[0] != region:
                raise LookupError(pool_id)
            svc = self.service(region)
        except (CogkitError, LookupError):
            return upload(_NO_SERVICE, pool_id, job_id, query, b"")
        return upload(svc, pool_id, job_id, query, _body_bytes(body))

    def http(self, url: str, method: str, body: Any) -> WireResponse | None:
        """What cogkit answers for a plain HTTP request, if it answers it at all."""
        found = self.well_known(url)
        if found is not None:
            return found
        return self.upload(url, method, body)


class _NoService:
    """Stands in for a service when a URL names a region no mock answers."""

    def user_pool(self, pool_id: str) -> Any:
        from cogkit.errors import ResourceNotFoundError

        raise ResourceNotFoundError(f"User pool {pool_id} does not exist.")


_NO_SERVICE: Any = _NoService()


def _body_bytes(body: Any) -> bytes:
    """A request body as bytes, whether given as bytes, text, a file or an iterable of
    chunks (``requests`` and ``urllib`` take all of them)."""
    if body is None:
        return b""
    if isinstance(body, bytes | bytearray | memoryview):
        return bytes(body)
    if isinstance(body, str):
        return body.encode("utf-8")
    if hasattr(body, "read"):
        data = body.read()
        return data.encode("utf-8") if isinstance(data, str) else bytes(data)
    return b"".join(c.encode("utf-8") if isinstance(c, str) else bytes(c) for c in body)


def _aws_response(url: str, wire: WireResponse) -> AWSResponse:
    return AWSResponse(url, wire.status, dict(wire.headers), _RawBody(wire.body))


def _parsed(
    model: OperationModel, url: str, wire: WireResponse
) -> tuple[AWSResponse, dict[str, Any]]:
    """What botocore's endpoint would make of ``wire``: the same parser, the modeled error
    members (``message``) beside ``Error``, and the response metadata."""
    http = _aws_response(url, wire)
    response = convert_to_response_dict(http, model)
    service = model.service_model
    protocol = getattr(service, "resolved_protocol", None) or service.metadata["protocol"]
    parser = create_parser(protocol)
    parsed: dict[str, Any] = parser.parse(response, model.output_shape)
    if http.status_code >= 300:
        code = parsed.get("Error", {}).get("Code")
        error_shape = service.shape_for_error_code(code) if code else None
        if error_shape is not None:
            parsed.update(parser.parse(response, error_shape))
    parsed.setdefault("ResponseMetadata", {})["RetryAttempts"] = 0
    return http, parsed


class _ActiveMocks:
    """The stack of active mocks; the innermost answers."""

    def __init__(self) -> None:
        self._stack: list[CognitoMock] = []
        self._lock = threading.Lock()

    def push(self, mock: CognitoMock) -> None:
        with self._lock:
            if not self._stack:
                _http_patches.install()
                _hook_default_session()
            self._stack.append(mock)

    def remove(self, mock: CognitoMock) -> None:
        with self._lock:
            if mock in self._stack:
                self._stack.remove(mock)
            if not self._stack:
                _http_patches.uninstall()

    def current(self) -> CognitoMock | None:
        stack = self._stack
        return stack[-1] if stack else None


_ACTIVE = _ActiveMocks()


def _before_call(
    model: OperationModel,
    params: Mapping[str, Any],
    context: Mapping[str, Any] | None = None,
    **_kwargs: Any,
) -> tuple[AWSResponse, dict[str, Any]] | None:
    """Answers a Cognito call while a mock is active.  Nothing is signed, so the calls
    need no credentials: admin calls accept whatever boto3 has, or nothing."""
    mock = _ACTIVE.current()
    if mock is None:
        return None
    host = urllib.parse.urlsplit(str(params.get("url", ""))).hostname or ""
    match = _AWS_HOST.match(host)
    if match is None:
        return None
    region = (context or {}).get("client_region") or match.group(1)
    return mock.answer(model, params, region)


_EVENTS = [f"before-call.{service_id}" for service_id in SERVICE_IDS]
for _event in _EVENTS:
    BUILTIN_HANDLERS.append((_event, _before_call, REGISTER_LAST))


def _register(events: Any) -> None:
    # A second registration beside the built-in one is harmless: botocore stops at the
    # first handler that answers a before-call event.
    for event in _EVENTS:
        events.register_last(event, _before_call, unique_id=f"cogkit:{event}")


def _hook_default_session() -> None:
    """boto3's default session may predate this module; clients it makes from now on get
    cogkit's handlers too."""
    import sys

    boto3 = sys.modules.get("boto3")
    default = getattr(boto3, "DEFAULT_SESSION", None) if boto3 is not None else None
    if default is not None:
        _register(default._session.get_component("event_emitter"))


def patch_client(client: Any) -> Any:
    """Makes a botocore client created before ``cogkit.aws`` was imported answer from
    cogkit while a mock is active (clients created afterwards need nothing)."""
    events = getattr(getattr(client, "meta", None), "events", None)
    if events is None or not hasattr(events, "register_last"):
        raise CogkitError("patch_client takes a boto3/botocore client")
    _register(events)
    return client


# -- JWKS and OpenID configuration over requests and urllib -----------------------------


class _HttpPatches:
    """While a mock is active, ``requests`` and ``urllib`` fetches of a pool's
    ``/.well-known/`` documents, and PUTs to a user import job's pre-signed URL, are
    answered from cogkit; every other request goes through."""

    def __init__(self) -> None:
        self._originals: dict[str, Any] = {}

    def install(self) -> None:
        original_open = urllib.request.OpenerDirector.open
        self._originals["urllib"] = original_open

        @functools.wraps(original_open)
        def open_(
            director: urllib.request.OpenerDirector, fullurl: Any, *args: Any, **kwargs: Any
        ) -> Any:
            if isinstance(fullurl, urllib.request.Request):
                url, method, body = fullurl.full_url, fullurl.get_method(), fullurl.data
            else:
                body = kwargs.get("data", args[0] if args else None)
                url, method = fullurl, "GET" if body is None else "POST"
            mock = _ACTIVE.current()
            wire = mock.http(str(url), method, body) if mock is not None else None
            if wire is None:
                return original_open(director, fullurl, *args, **kwargs)
            if wire.status >= 400:
                reason = http.client.responses.get(wire.status, "Error")
                raise urllib.error.HTTPError(
                    str(url), wire.status, reason, _headers(wire), io.BytesIO(wire.body)
                )
            return urllib.response.addinfourl(
                io.BytesIO(wire.body), _headers(wire), str(url), wire.status
            )

        urllib.request.OpenerDirector.open = open_  # type: ignore[method-assign,assignment]
        try:
            import requests
        except ImportError:  # requests is optional
            return
        original_send = requests.Session.send
        self._originals["requests"] = original_send

        @functools.wraps(original_send)
        def send(session: Any, request: Any, **kwargs: Any) -> Any:
            mock = _ACTIVE.current()
            wire = (
                mock.http(str(request.url), str(request.method), request.body)
                if mock is not None
                else None
            )
            if wire is None:
                return original_send(session, request, **kwargs)
            response = requests.Response()
            response.status_code = wire.status
            response._content = wire.body
            response.headers.update(wire.headers)
            response.url = request.url
            response.request = request
            response.encoding = "utf-8"
            return response

        requests.Session.send = send  # type: ignore[method-assign,assignment]

    def uninstall(self) -> None:
        if "urllib" in self._originals:
            urllib.request.OpenerDirector.open = self._originals.pop("urllib")  # type: ignore[method-assign]
        if "requests" in self._originals:
            import requests

            requests.Session.send = self._originals.pop("requests")  # type: ignore[method-assign]


def _headers(wire: WireResponse) -> _Headers:
    headers = _Headers()
    for key, value in wire.headers.items():
        headers[key] = value
    headers["Content-Length"] = str(len(wire.body))
    return headers


_http_patches = _HttpPatches()


# -- decorating ------------------------------------------------------------------------


def _decorate_function(func: F, make: Callable[[], CognitoMock]) -> F:
    if inspect.iscoroutinefunction(func):

        @functools.wraps(func)
        async def run_async(*args: Any, **kwargs: Any) -> Any:
            with make():
                return await func(*args, **kwargs)

        return run_async  # type: ignore[return-value]

    @functools.wraps(func)
    def run(*args: Any, **kwargs: Any) -> Any:
        with make():
            return func(*args, **kwargs)

    return run  # type: ignore[return-value]


_SETUP = (("setUp", "tearDown"), ("setup_method", "teardown_method"))


def _decorate_class(cls: type, make: Callable[[], CognitoMock]) -> type:
    """Each test gets a fresh mock.  When the class has a set-up method the mock starts
    there (so state seeded in set-up is visible to the test) and stops at tear-down."""
    for setup_name, teardown_name in _SETUP:
        if _defines(cls, setup_name):
            _wrap_setup(cls, setup_name, teardown_name, make)
            return cls
    for name, value in list(vars(cls).items()):
        if name.startswith("test") and callable(value):
            setattr(cls, name, _decorate_function(value, make))
    return cls


def _defines(cls: type, name: str) -> bool:
    for klass in cls.__mro__:
        if klass is object or klass.__module__.startswith("unittest"):
            continue
        if name in vars(klass):
            return True
    return False


def _takes_argument(function: Any) -> bool:
    """Whether a set-up or tear-down method takes pytest's ``method`` argument (pytest
    decides from the code object whether to pass it, so wrappers must keep the arity)."""
    code = getattr(function, "__code__", None)
    return code is not None and code.co_argcount >= 2


def _wrap_setup(
    cls: type, setup_name: str, teardown_name: str, make: Callable[[], CognitoMock]
) -> None:
    original_setup = getattr(cls, setup_name)
    original_teardown = getattr(cls, teardown_name, None)

    def start(self: Any, *args: Any) -> Any:
        mock = make().start()
        self._cogkit_mock = mock
        try:
            return original_setup(self, *args)
        except BaseException:
            mock.stop()
            raise

    def stop(self: Any, *args: Any) -> Any:
        try:
            if original_teardown is not None:
                return original_teardown(self, *args)
            return None
        finally:
            mock = self.__dict__.pop("_cogkit_mock", None)
            if mock is not None:
                mock.stop()

    setup: Callable[..., Any]
    teardown: Callable[..., Any]
    if _takes_argument(original_setup):

        def setup(self: Any, method: Any) -> Any:
            return start(self, method)
    else:

        def setup(self: Any) -> Any:
            return start(self)

    if original_teardown is not None and _takes_argument(original_teardown):

        def teardown(self: Any, method: Any) -> Any:
            return stop(self, method)
    else:

        def teardown(self: Any) -> Any:
            return stop(self)

    functools.update_wrapper(setup, original_setup)
    if original_teardown is not None:
        functools.update_wrapper(teardown, original_teardown)
    setattr(cls, setup_name, setup)
    setattr(cls, teardown_name, teardown)


@overload
def mock_aws(func: F, /) -> F: ...
@overload
def mock_aws(
    *, service: Cognito | None = None, account_id: str | None = None, region: str | None = None
) -> CognitoMock: ...


def mock_aws(
    func: Any = None,
    /,
    *,
    service: Cognito | None = None,
    account_id: str | None = None,
    region: str | None = None,
) -> Any:
    """Route Cognito calls of botocore clients to cogkit, like moto's ``mock_aws``.

    Without ``service`` each region a client names gets a fresh in-memory ``Cognito``
    (real clock, cheap hashing), so pool ids start with the client's region, and
    ``account_id`` (default ``123456789012``) goes into ARNs.  ``service`` is one
    ``Cognito`` to seed and inspect natively (``make_cognito()``); it answers for its own
    region and account, and a client for another region is refused with a clear error.
    ``region`` is the region assumed when a request names none.
    """
    if func is not None and callable(func):
        return CognitoMock()(func)
    return CognitoMock(service, account_id=account_id, default_region=region)

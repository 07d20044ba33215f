"""``cogkit serve``: the cognito-idp dispatcher over HTTP, for the AWS CLI, Amplify, the
JS/Java/Go SDKs and anything else that can be pointed at an endpoint URL.

Routes:

- ``POST /`` with ``X-Amz-Target``: the AWS JSON 1.1 API (region from the SigV4 scope);
- ``GET /{pool_id}/.well-known/jwks.json`` and ``.../openid-configuration``;
- ``PUT /_cogkit/user-import/{pool_id}/{job_id}``: a user import job's CSV file, at the
  pre-signed URL the import job operations hand out (bodies up to ``--max-body``);
- ``GET /health``;
- ``GET /_cogkit/outbox`` only when started with ``--expose-outbox`` (development and
  tests: it shows delivered codes, so it is off by default).

It runs on waitress (a production WSGI server), with a request size limit, one log line
per request, and a clean shutdown on SIGTERM/SIGINT.
"""

from __future__ import annotations

import json
import logging
import re
import signal
import threading
import time
from collections.abc import Callable, Iterable
from types import FrameType
from typing import Any

from werkzeug.exceptions import HTTPException, RequestEntityTooLarge
from werkzeug.wrappers import Request, Response

from cogkit.aws._cli import DEFAULT_PORT, MAX_BODY
from cogkit.aws._dispatch import Dispatcher, WireResponse
from cogkit.aws._idp_users import UPLOAD_PATH, upload
from cogkit.domain.service import Cognito
from cogkit.errors import CogkitError, ConfigurationError
from cogkit.services.delivery import Outbox

__all__ = ["CognitoServer", "make_app"]

log = logging.getLogger("cogkit.serve")


_SCOPE = re.compile(r"Credential=[^/]+/\d{8}/([a-z0-9-]+)/")
_WELL_KNOWN = re.compile(r"^/([\w-]+_[0-9A-Za-z]+)/\.well-known/(jwks\.json|openid-configuration)$")
_UPLOAD = re.compile(rf"^{UPLOAD_PATH}/([\w-]+_[0-9A-Za-z]+)/(import-[0-9A-Za-z-]+)$")

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def _json(status: int, data: Any) -> Response:
    return Response(json.dumps(data), status=status, content_type="application/json")


def make_app(service: Cognito, *, max_body: int = MAX_BODY, expose_outbox: bool = False) -> WSGIApp:
    """The WSGI application serving ``service`` (for every region)."""
    dispatcher = Dispatcher(lambda _region: service, default_region=service.region)

    def handle(request: Request) -> Response:
        if request.method == "POST" and request.path == "/":
            if request.content_length is not None and request.content_length > max_body:
                raise RequestEntityTooLarge()
            body = request.get_data(cache=False)
            if len(body) > max_body:
                raise RequestEntityTooLarge()
            match = _SCOPE.search(request.headers.get("Authorization", ""))
            wire: WireResponse = dispatcher.handle(
                request.headers.get("X-Amz-Target"),
                body,
                region=match.group(1) if match else None,
                base_url=request.host_url.rstrip("/"),
            )
            return Response(wire.body, status=wire.status, headers=dict(wire.headers))
        upload = _UPLOAD.match(request.path)
        if upload is not None:
            return _upload(service, request, *upload.groups())
        if request.method == "GET":
            if request.path == "/health":
                return _json(200, {"status": "ok"})
            found = _WELL_KNOWN.match(request.path)
            if found is not None:
                pool_id, document = found.groups()
                try:
                    pool = service.user_pool(pool_id)
                    data = pool.jwks() if document == "jwks.json" else pool.openid_configuration()
                except CogkitError:
                    return _json(404, {"message": f"User pool {pool_id} does not exist."})
                return _json(200, data)
            if request.path == "/_cogkit/outbox" and expose_outbox:
                return _outbox(service, request)
        return _json(404, {"message": f"No route for {request.method} {request.path}"})

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        request = Request(environ)
        request.max_content_length = max_body
        started = time.perf_counter()
        try:
            response = handle(request)
        except HTTPException as exc:
            response = _json(exc.code or 400, {"message": exc.description})
        except Exception:
            log.exception("request failed")
            response = _json(
                500,
                {
                    "__type": "InternalErrorException",
                    "message": "cogkit could not complete the request.",
                },
            )
        target = request.headers.get("X-Amz-Target", "")
        operation = target.rpartition(".")[2] if target else request.path
        log.info(
            '%s "%s %s" %d %.1fms',
            request.remote_addr,
            request.method,
            operation,
            response.status_code,
            (time.perf_counter() - started) * 1000,
        )
        return response(environ, start_response)

    return app


def _upload(service: Cognito, request: Request, pool_id: str, job_id: str) -> Response:
    """The PUT of an import job's CSV file to the pre-signed URL this server handed out
    (bodies up to ``max_body``: start the server with a larger one for large files)."""
    if request.method != "PUT":
        return Response(b"", status=405, headers={"Allow": "PUT"}, content_type="application/xml")
    body = request.get_data(cache=False)
    wire = upload(service, pool_id, job_id, request.query_string.decode("latin-1"), body)
    return Response(wire.body, status=wire.status, headers=dict(wire.headers))


def _outbox(service: Cognito, request: Request) -> Response:
    try:
        outbox: Outbox = service.outbox
    except ConfigurationError:
        return _json(404, {"message": "this server delivers through a custom sender"})
    to = request.args.get("to")
    messages = outbox.find(to=to) if to else outbox.messages
    return _json(
        200,
        {
            "messages": [
                {
                    "to": m.to,
                    "channel": m.channel.value,
                    "purpose": m.purpose.value,
                    "pool_id": m.pool_id,
                    "username": m.username,
                    "code": m.code,
                    "subject": m.subject,
                    "text": m.text,
                    "sent_at": m.sent_at,
                }
                for m in messages
            ]
        },
    )


class _Stop(Exception):
    """Raised in the serving thread by the signal handler to leave the loop."""


class CognitoServer:
    """``service`` served over HTTP by waitress on ``host:port``."""

    def __init__(
        self,
        service: Cognito,
        *,
        host: str = "127.0.0.1",
        port: int = DEFAULT_PORT,
        threads: int = 8,
        max_body: int = MAX_BODY,
        expose_outbox: bool = False,
    ) -> None:
        from waitress.server import create_server

        self.service = service
        self._server = create_server(
            make_app(service, max_body=max_body, expose_outbox=expose_outbox),
            host=host,
            port=port,
            threads=threads,
            max_request_body_size=max_body,
            ident="cogkit",
            clear_untrusted_proxy_headers=True,
        )
        self.host = host
        self.port = int(self._server.effective_port)
        self._closing = threading.Lock()
        self._closed = False

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def serve_forever(self, *, handle_signals: bool = True) -> None:
        """Serves until SIGTERM/SIGINT (or ``close()``), then shuts down cleanly."""
        previous: dict[int, Any] = {}
        if handle_signals and threading.current_thread() is threading.main_thread():

            def stop(signum: int, _frame: FrameType | None) -> None:
                raise _Stop(signum)

            for wanted in (signal.SIGTERM, signal.SIGINT):
                previous[wanted] = signal.signal(wanted, stop)
        log.info("cogkit serving on %s", self.url)
        try:
            self._server.run()
        except _Stop:
            log.info("cogkit shutting down")
        finally:
            for number, handler in previous.items():
                signal.signal(number, handler)
            self.close()

    def shutdown(self) -> None:
        """Stops ``serve_forever`` from another thread (it then closes everything)."""
        server = self._server

        def close_channels() -> None:
            # The serving loop runs while it has channels; closing them all ends it.
            for channel in list(server._map.values()):
                channel.close()

        # The serving loop may run the thunk and close the trigger before this call
        # returns; the lock keeps ``close`` from closing it under our feet.
        with self._closing:
            if not self._closed:
                server.trigger.pull_trigger(close_channels)

    def close(self) -> None:
        with self._closing:
            if self._closed:
                return
            self._closed = True
        self._server.close()
        self._server.task_dispatcher.shutdown()
        self.service.close()

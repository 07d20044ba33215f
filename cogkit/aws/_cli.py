"""``cogkit serve``: the command line of the HTTP server."""

from __future__ import annotations

import argparse
import logging

from cogkit.services.passwords import PasswordProfile

DEFAULT_PORT = 9229
MAX_BODY = 1024 * 1024


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "serve",
        help="serve the Cognito API over HTTP (for the AWS CLI and SDKs)",
        description="Serve cognito-idp over HTTP on 127.0.0.1, plus each pool's JWKS and "
        "OpenID configuration.",
    )
    parser.add_argument(
        "--store",
        default="memory://",
        help="store URL: memory:// (default), sqlite:///cogkit.db, postgresql+psycopg://...",
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT)
    parser.add_argument(
        "--region", default="us-east-1", help="region of new pools when a request names none"
    )
    parser.add_argument("--account-id", default="123456789012")
    parser.add_argument(
        "--issuer-base-url",
        default=None,
        help="base of the tokens' iss (default: the AWS URL); e.g. "
        "http://127.0.0.1:9229 so verifiers fetch the JWKS from here",
    )
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument(
        "--max-body", type=int, default=MAX_BODY, help="largest request body in bytes"
    )
    parser.add_argument(
        "--password-profile",
        choices=("owasp", "cheap"),
        default="owasp",
        help="argon2id cost: owasp (default) or cheap (development only)",
    )
    parser.add_argument(
        "--expose-outbox",
        action="store_true",
        help="serve delivered messages and codes at GET /_cogkit/outbox "
        "(development and tests only)",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from cogkit.aws.server import CognitoServer
    from cogkit.domain.service import Cognito

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    profile = PasswordProfile.CHEAP if args.password_profile == "cheap" else PasswordProfile.OWASP
    service = Cognito.open(
        args.store,
        password_profile=profile,
        region=args.region,
        account_id=args.account_id,
        issuer_base_url=args.issuer_base_url,
    )
    server = CognitoServer(
        service,
        host=args.host,
        port=args.port,
        threads=args.threads,
        max_body=args.max_body,
        expose_outbox=args.expose_outbox,
    )
    server.serve_forever()
    return 0

"""The ``cogkit`` command line.  Each command group lives beside the code it drives and
registers itself here, so this module stays a dispatcher."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable, Sequence

from cogkit.errors import CogkitError

#: Command groups: name -> module whose ``register(subparsers)`` adds its commands.
COMMANDS: dict[str, str] = {
    "serve": "cogkit.aws._cli",
    "store": "cogkit.stores._cli",
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="cogkit", description="AWS Cognito, in process.")
    subparsers = parser.add_subparsers(dest="command", required=True)
    for name, module in COMMANDS.items():
        try:
            importlib.import_module(module).register(subparsers)
        except (ImportError, CogkitError) as exc:
            # A command whose extra is not installed still shows up, and says what to install.
            reason = getattr(exc, "message", str(exc))
            missing = subparsers.add_parser(name, help=f"unavailable: {reason}")
            missing.set_defaults(run=_unavailable(reason))
    return parser


def _unavailable(reason: str) -> Callable[[argparse.Namespace], int]:
    def run(_args: argparse.Namespace) -> int:
        print(f"cogkit: {reason}", file=sys.stderr)
        return 2

    return run


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        result: int = args.run(args)
    except CogkitError as exc:
        print(f"cogkit: {exc.message}", file=sys.stderr)
        return 2
    return result


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

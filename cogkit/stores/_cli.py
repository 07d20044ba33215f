"""``cogkit store``: export, import and upgrade persistent stores from the command line.

::

    cogkit store export URL FILE     # every record, as JSON lines ('-': standard output)
    cogkit store import URL FILE     # into the store at URL ('-': standard input)
    cogkit store upgrade URL         # bring an older schema up to this cogkit's

``URL`` is ``sqlite:///path.db`` or ``postgresql+psycopg://user@host/database``.  Moving
from SQLite to PostgreSQL is an export from one and an import into the other.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

from cogkit.errors import ConfigurationError
from cogkit.stores.base import Store

__all__ = ["register"]


def register(subparsers: Any) -> None:
    """Adds ``cogkit store ...`` to the ``cogkit`` command line."""
    parser = subparsers.add_parser(
        "store",
        help="export, import and upgrade SQLite and PostgreSQL stores",
        description="Export, import and upgrade SQLite and PostgreSQL stores.",
    )
    commands = parser.add_subparsers(dest="store_command", required=True)

    export = commands.add_parser(
        "export",
        help="write every record of a store to a JSON-lines file",
        description="Write every record of the store at URL to FILE, one JSON object per "
        "line. The file holds password hashes, client secrets and signing keys: it is "
        "created readable by its owner only.",
    )
    export.add_argument("url", metavar="URL", help="sqlite:///path.db or postgresql+psycopg://...")
    export.add_argument("file", metavar="FILE", help="where to write ('-' for standard output)")
    export.add_argument("--force", action="store_true", help="overwrite FILE if it exists")
    export.set_defaults(run=_export)

    load = commands.add_parser(
        "import",
        help="write the records of an export into a store",
        description="Write the records of an export into the store at URL (created if the "
        "database is empty). Import into an empty store.",
    )
    load.add_argument("url", metavar="URL", help="sqlite:///path.db or postgresql+psycopg://...")
    load.add_argument("file", metavar="FILE", help="the export to read ('-' for standard input)")
    load.set_defaults(run=_import)

    upgrade = commands.add_parser(
        "upgrade",
        help="upgrade a store's schema to this cogkit's",
        description="Upgrade the schema of the store at URL to the version this cogkit "
        "uses. Back the database up first; the upgrade runs in one transaction.",
    )
    upgrade.add_argument("url", metavar="URL", help="sqlite:///path.db or postgresql+psycopg://...")
    upgrade.set_defaults(run=_upgrade)


def _persistent(url: str) -> str:
    if url.startswith("memory://"):
        raise ConfigurationError(
            "memory:// stores live inside one process: give a sqlite:/// or "
            "postgresql+psycopg:// URL"
        )
    return url


def _open(url: str, *, create: bool) -> Store:
    from cogkit.stores.sql import open_sql_store

    _persistent(url)
    return open_sql_store(url, create=create)


def _summary(counts: dict[str, int]) -> str:
    names = ("pool", "signing_key", "client", "user", "code", "session", "refresh_token")
    parts = [f"{counts.get(name, 0)} {name.replace('_', ' ')}s" for name in names]
    return ", ".join(parts)


def _export(args: argparse.Namespace) -> int:
    from cogkit.stores.transfer import export_store

    store = _open(args.url, create=False)
    try:
        if args.file == "-":
            counts = export_store(store, sys.stdout)
        else:
            flags = os.O_WRONLY | os.O_CREAT | (os.O_TRUNC if args.force else os.O_EXCL)
            try:
                fd = os.open(args.file, flags, 0o600)
            except FileExistsError:
                raise ConfigurationError(
                    f"{args.file} exists: choose another name or pass --force"
                ) from None
            with open(fd, "w", encoding="utf-8") as file:
                counts = export_store(store, file)
    finally:
        store.close()
    print(f"exported {_summary(counts)}", file=sys.stderr)
    return 0


def _import(args: argparse.Namespace) -> int:
    from cogkit.stores.transfer import import_store

    store = _open(args.url, create=True)
    try:
        try:
            if args.file == "-":
                counts = import_store(store, sys.stdin)
            else:
                with open(args.file, encoding="utf-8") as file:
                    counts = import_store(store, file)
        except OSError as exc:
            raise ConfigurationError(f"cannot read {args.file}: {exc.strerror}") from None
        except UnicodeDecodeError:
            raise ConfigurationError(f"{args.file} is not UTF-8 text") from None
    finally:
        store.close()
    print(f"imported {_summary(counts)}", file=sys.stderr)
    return 0


def _upgrade(args: argparse.Namespace) -> int:
    from cogkit.stores.sql import upgrade_sql_store

    found, now = upgrade_sql_store(_persistent(args.url))
    if found == now:
        print(f"the store is at schema version {now} already", file=sys.stderr)
    else:
        print(f"upgraded the store from schema version {found} to {now}", file=sys.stderr)
    return 0

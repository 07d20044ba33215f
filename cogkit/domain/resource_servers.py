"""Resource servers: the custom OAuth scopes of a user pool (spec §9.2, §13).

A resource server ``orders`` with a scope ``read`` makes the scope ``orders/read`` that app
clients may then allow.  ``UserPool`` inherits ``PoolResourceServers``; the servers are
kept as items of kind ``"resource_server"`` keyed by identifier.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, ClassVar

import attrs

from cogkit.domain import _paging
from cogkit.domain import _validate as v
from cogkit.domain._paging import Page
from cogkit.domain.config import UserPoolConfig
from cogkit.errors import (
    InvalidParameterError,
    LimitExceededError,
    ResourceNotFoundError,
    StoreConflictError,
)
from cogkit.stores.records import ItemRecord, PoolRecord

if TYPE_CHECKING:
    from cogkit.domain._runtime import Runtime

__all__ = ["PoolResourceServers", "ResourceServer", "ResourceServerScope"]

KIND = "resource_server"
#: Printable ASCII except ``"`` and ``\`` (``ResourceServerIdentifierType``).
IDENTIFIER = re.compile(r"[\x21\x23-\x5B\x5D-\x7E]+")
#: The same, and no ``/`` either: it separates identifier and scope (``orders/read``).
SCOPE_NAME = re.compile(r"[\x21\x23-\x2E\x30-\x5B\x5D-\x7E]+")
SERVER_NAME = re.compile(r"[\w\s+=,.@-]+", re.ASCII)


@attrs.frozen
class ResourceServerScope:
    """One custom scope of a resource server (``ResourceServerScopeType``)."""

    name: str
    description: str


@attrs.frozen
class ResourceServer:
    """A resource server and its scopes (``ResourceServerType``)."""

    pool_id: str
    identifier: str
    name: str
    scopes: tuple[ResourceServerScope, ...] = ()

    @property
    def scope_names(self) -> tuple[str, ...]:
        """The scopes as app clients and tokens name them: ``identifier/scope``."""
        return tuple(f"{self.identifier}/{s.name}" for s in self.scopes)

    @classmethod
    def from_item(cls, item: ItemRecord) -> ResourceServer:
        return cls(
            pool_id=item.pool_id,
            identifier=item.key,
            name=str(item.data["name"]),
            scopes=tuple(
                ResourceServerScope(str(s["name"]), str(s["description"]))
                for s in item.data.get("scopes", ())
            ),
        )


def check_identifier(value: Any) -> str:
    return v.string("identifier", value, min_len=1, max_len=256, pattern=IDENTIFIER)


def _name(value: Any) -> str:
    return v.string("name", value, min_len=1, max_len=256, pattern=SERVER_NAME)


def _scopes(value: Any) -> tuple[ResourceServerScope, ...]:
    if isinstance(value, str | bytes | Mapping) or not isinstance(value, Iterable):
        raise InvalidParameterError(
            f"Invalid type for parameter scopes, value type: {type(value).__name__}, "
            "valid types: list",
            field="scopes",
        )
    scopes: list[ResourceServerScope] = []
    for index, item in enumerate(list(value)):
        field = f"scopes[{index}]"
        name: Any
        description: Any
        if isinstance(item, ResourceServerScope):
            name, description = item.name, item.description
        else:
            data = v.mapping(field, item)
            v.no_unknown(field, data, ("name", "description"))
            name, description = data.get("name"), data.get("description")
        scopes.append(
            ResourceServerScope(
                v.string(f"{field}.name", name, min_len=1, max_len=256, pattern=SCOPE_NAME),
                v.string(f"{field}.description", description, min_len=1, max_len=256),
            )
        )
    if len(scopes) > PoolResourceServers.MAX_SCOPES:
        # The quota is also the model's limit on the list, which the service checks first.
        raise InvalidParameterError(
            "1 validation error detected: Value at 'scopes' failed to satisfy constraint: "
            f"Member must have length less than or equal to {PoolResourceServers.MAX_SCOPES}",
            field="scopes",
        )
    names = [s.name for s in scopes]
    if len(set(names)) != len(names):
        raise InvalidParameterError("scopes contains duplicate scope names", field="scopes")
    return tuple(scopes)


def _data(name: str, scopes: tuple[ResourceServerScope, ...]) -> dict[str, Any]:
    return {
        "name": name,
        "scopes": [{"name": s.name, "description": s.description} for s in scopes],
    }


def custom_scopes(rt: Runtime, pool_id: str) -> frozenset[str]:
    """Every ``identifier/scope`` of the pool's resource servers."""
    found: set[str] = set()
    after: str | None = None
    while True:
        items = rt.store.list_items(pool_id, KIND, after=after, limit=100)
        for item in items:
            found.update(ResourceServer.from_item(item).scope_names)
        if len(items) < 100:
            return frozenset(found)
        after = items[-1].key


class PoolResourceServers:
    """Mixin of ``UserPool``: its resource servers (``CreateResourceServer`` ...)."""

    #: Cognito's quotas: resource servers in a pool, scopes of one server.
    MAX_RESOURCE_SERVERS: ClassVar[int] = 25
    MAX_SCOPES: ClassVar[int] = 100
    #: The largest page of ``list_resource_servers`` (``MaxResults``).
    RESOURCE_SERVER_LIST_MAX: ClassVar[int] = 50

    id: str
    _rt: Runtime

    if TYPE_CHECKING:  # provided by UserPool

        def _state(self) -> tuple[PoolRecord, UserPoolConfig]: ...

    def _server_item(self, key: str) -> ItemRecord:
        item = self._rt.store.get_item(self.id, KIND, key)
        if item is None:
            raise ResourceNotFoundError(f"Resource server {key} does not exist.")
        return item

    def create_resource_server(
        self,
        identifier: str,
        name: str,
        *,
        scopes: Iterable[ResourceServerScope | Mapping[str, str]] = (),
    ) -> ResourceServer:
        """A new resource server (``CreateResourceServer``); ``scopes`` are
        ``ResourceServerScope`` values or ``{"name": ..., "description": ...}``."""
        check_identifier(identifier)
        _name(name)
        checked = _scopes(scopes)
        self._state()
        existing = self._rt.store.list_items(
            self.id, KIND, after=None, limit=self.MAX_RESOURCE_SERVERS
        )
        if len(existing) >= self.MAX_RESOURCE_SERVERS:
            raise LimitExceededError(
                f"A user pool can have at most {self.MAX_RESOURCE_SERVERS} resource servers."
            )
        now = self._rt.now()
        item = ItemRecord(
            pool_id=self.id,
            kind=KIND,
            key=identifier,
            created_at=now,
            modified_at=now,
            data=_data(name, checked),
        )
        try:
            self._rt.store.create_item(item)
        except StoreConflictError as exc:
            if exc.key is None:
                self._state()
                raise
            raise InvalidParameterError(
                f"A resource server with identifier {identifier} already exists in this user pool.",
                field="identifier",
            ) from None
        return ResourceServer.from_item(item)

    def resource_server(self, identifier: str) -> ResourceServer:
        """The resource server ``identifier`` (``DescribeResourceServer``)."""
        check_identifier(identifier)
        self._state()
        return ResourceServer.from_item(self._server_item(identifier))

    def update_resource_server(
        self,
        identifier: str,
        name: str,
        *,
        scopes: Iterable[ResourceServerScope | Mapping[str, str]] = (),
    ) -> ResourceServer:
        """Replaces a resource server's name and scopes, all of them
        (``UpdateResourceServer``: scopes not given are removed)."""
        check_identifier(identifier)
        _name(name)
        checked = _scopes(scopes)
        self._state()
        for _attempt in range(10):
            current = self._server_item(identifier)
            new = attrs.evolve(current, data=_data(name, checked), modified_at=self._rt.now())
            try:
                stored = self._rt.store.update_item(new, expected_version=current.version)
            except StoreConflictError:
                continue
            return ResourceServer.from_item(stored)
        raise StoreConflictError(f"resource server {identifier!r} is being changed concurrently")

    def delete_resource_server(self, identifier: str) -> None:
        """Deletes a resource server (``DeleteResourceServer``).  App clients that allow
        its scopes keep them, as in Cognito."""
        check_identifier(identifier)
        self._state()
        if not self._rt.store.delete_item(self.id, KIND, identifier):
            raise ResourceNotFoundError(f"Resource server {identifier} does not exist.")

    def list_resource_servers(
        self, *, max_results: int = RESOURCE_SERVER_LIST_MAX, next_token: str | None = None
    ) -> Page[ResourceServer]:
        """The pool's resource servers by identifier (``ListResourceServers``)."""
        v.integer("max_results", max_results, minimum=1, maximum=self.RESOURCE_SERVER_LIST_MAX)
        after = _paging.decode_after(next_token, "next_token", "resource_servers")
        self._state()
        items = self._rt.store.list_items(self.id, KIND, after=after, limit=max_results + 1)
        servers = tuple(ResourceServer.from_item(i) for i in items[:max_results])
        token = (
            _paging.encode({"k": "resource_servers", "after": servers[-1].identifier})
            if len(items) > max_results
            else None
        )
        return Page(servers, token)

"""The services one ``Cognito`` hands to its pools, clients and auth flows.

It also caches what is expensive to rebuild on every call (parsed pool and client
configuration, loaded signing keys), keyed by record version so a change made elsewhere
(another process sharing the store) is picked up at the next read.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

import attrs

from cogkit.domain import _serde
from cogkit.domain.config import ClientSettings, UserPoolConfig
from cogkit.domain.triggers import TriggerRegistry
from cogkit.errors import ResourceNotFoundError
from cogkit.services.clock import Clock
from cogkit.services.codes import CodeSource
from cogkit.services.delivery import MessageSender
from cogkit.services.ids import IdSource
from cogkit.services.passwords import PasswordHasher
from cogkit.services.srp import SrpService, derive_block_key
from cogkit.services.tokens import SignerKey, TokenService
from cogkit.stores.base import Store
from cogkit.stores.records import PoolRecord, SigningKeyRecord

if TYPE_CHECKING:
    from cogkit.domain.client import AppClient


@attrs.define(repr=False, eq=False)
class Runtime:
    store: Store
    clock: Clock
    ids: IdSource
    hasher: PasswordHasher
    codes: CodeSource
    sender: MessageSender
    tokens: TokenService
    region: str
    account_id: str
    issuer_base_url: str | None
    #: Trigger handlers (Python callables live in this process, not in the store).
    triggers: TriggerRegistry = attrs.Factory(TriggerRegistry)
    _pools: dict[str, tuple[int, PoolRecord, UserPoolConfig]] = attrs.Factory(dict)
    _clients: dict[str, tuple[int, AppClient]] = attrs.Factory(dict)
    _keys: dict[str, dict[str, tuple[SigningKeyRecord, SignerKey]]] = attrs.Factory(dict)
    # (pool_id, use) -> the key dict a signer was chosen from, and the choice: valid while
    # that dict is still the pool's loaded keys (every reload builds a new one).
    _signers: dict[tuple[str, str], tuple[object, SignerKey]] = attrs.Factory(dict)
    _srp: dict[str, SrpService] = attrs.Factory(dict)
    _lock: threading.Lock = attrs.Factory(threading.Lock)

    def now(self) -> float:
        return self.clock.now()

    # -- pools and clients -------------------------------------------------------------

    def pool(self, pool_id: str) -> tuple[PoolRecord, UserPoolConfig]:
        """The pool's record and parsed configuration; ResourceNotFound when absent."""
        record = self.store.get_pool(pool_id)
        if record is None:
            self._pools.pop(pool_id, None)
            raise ResourceNotFoundError(f"User pool {pool_id} does not exist.")
        cached = self._pools.get(pool_id)
        if cached is not None and cached[0] == record.version:
            return record, cached[2]
        config = _serde.load(UserPoolConfig, record.config)
        self._pools[pool_id] = (record.version, record, config)
        return record, config

    def client(self, client_id: str, pool_id: str | None = None) -> AppClient:
        """The app client; ResourceNotFound when absent or (given ``pool_id``) elsewhere."""
        from cogkit.domain.client import AppClient

        record = self.store.get_client(client_id)
        if record is None or (pool_id is not None and record.pool_id != pool_id):
            raise ResourceNotFoundError(f"User pool client {client_id} does not exist.")
        cached = self._clients.get(client_id)
        if cached is not None and cached[0] == record.version:
            return cached[1]
        client = AppClient.from_record(record)
        self._clients[client_id] = (record.version, client)
        return client

    # -- issuer and keys ---------------------------------------------------------------

    def issuer(self, pool_id: str) -> str:
        if self.issuer_base_url:
            return f"{self.issuer_base_url.rstrip('/')}/{pool_id}"
        region = pool_id.split("_", 1)[0]
        return f"https://cognito-idp.{region}.amazonaws.com/{pool_id}"

    def _load_keys(self, pool_id: str) -> dict[str, tuple[SigningKeyRecord, SignerKey]]:
        loaded = {
            record.kid: (record, self.tokens.load(record.private_pem))
            for record in self.store.list_signing_keys(pool_id)
        }
        self._keys[pool_id] = loaded
        return loaded

    def signing_keys(self, pool_id: str) -> dict[str, tuple[SigningKeyRecord, SignerKey]]:
        keys = self._keys.get(pool_id)
        return keys if keys is not None else self._load_keys(pool_id)

    def signer(self, pool_id: str, use: str) -> SignerKey:
        """The newest active key for ``use`` (``"id"`` or ``"access"``)."""
        # Every sign-in asks twice; choosing again only when the loaded keys change keeps
        # the scan over a pool's keys off that path.
        chosen = self._signers.get((pool_id, use))
        if chosen is not None and chosen[0] is self._keys.get(pool_id):
            return chosen[1]
        for _attempt in range(2):
            keys = self.signing_keys(pool_id)
            active = [pair for pair in keys.values() if pair[0].use == use and pair[0].active]
            if active:
                key = max(active, key=lambda pair: pair[0].created_at)[1]
                self._signers[(pool_id, use)] = (keys, key)
                return key
            self._load_keys(pool_id)
        raise ResourceNotFoundError(f"User pool {pool_id} has no signing key.")

    def verifier(self, pool_id: str, kid: str) -> tuple[SigningKeyRecord, SignerKey] | None:
        """The key named ``kid`` (reloading once, for keys another process added)."""
        found = self.signing_keys(pool_id).get(kid)
        if found is None:
            found = self._load_keys(pool_id).get(kid)
        return found

    def add_signing_keys(self, pool_id: str) -> None:
        """Make new active ID and access keys; earlier keys stay to verify old tokens."""
        now = self.now()
        for use in ("id", "access"):
            key = self.tokens.new_key()
            for record in self.store.list_signing_keys(pool_id):
                if record.use == use and record.active:
                    self.store.put_signing_key(attrs.evolve(record, active=False))
            self.store.put_signing_key(
                SigningKeyRecord(
                    pool_id=pool_id,
                    kid=key.kid,
                    use=use,
                    private_pem=self.tokens.private_pem(key),
                    created_at=now,
                )
            )
        self._load_keys(pool_id)

    def srp(self, pool_id: str) -> SrpService:
        """The pool's SRP challenge service.

        Its SECRET_BLOCK key is derived from the pool's first signing key, which every
        process sharing the store holds, so any of them can check any challenge's answer.
        """
        service = self._srp.get(pool_id)
        if service is None:
            records = sorted(self.store.list_signing_keys(pool_id), key=lambda r: r.created_at)
            if not records:
                raise ResourceNotFoundError(f"User pool {pool_id} has no signing key.")
            key = derive_block_key(records[0].private_pem.encode(), pool_id)
            service = SrpService(self.ids, key=key)
            self._srp[pool_id] = service
        return service

    def dump_client(self, settings: ClientSettings) -> dict[str, object]:
        dumped: dict[str, object] = _serde.dump(settings)
        return dumped

"""``Cognito``: the service root.  It owns the store and the services (clock, IDs,
password hashing, code delivery, signing keys) and creates and finds user pools."""

from __future__ import annotations

import string
from collections.abc import Callable
from typing import Any, overload

from cogkit.domain import _paging, _serde
from cogkit.domain import _validate as v
from cogkit.domain._paging import Page
from cogkit.domain._runtime import Runtime
from cogkit.domain.config import pool_config
from cogkit.domain.domains import ServiceDomains
from cogkit.domain.pool import UserPool
from cogkit.domain.triggers import Handler, TriggerRegistry, check_arn
from cogkit.errors import ConfigurationError, StoreConflictError
from cogkit.services.clock import Clock, SystemClock
from cogkit.services.codes import CodeSource, RandomCodes
from cogkit.services.delivery import MessageSender, Outbox
from cogkit.services.ids import IdSource, RandomIds
from cogkit.services.passwords import PasslibHasher, PasswordHasher, PasswordProfile
from cogkit.services.tokens import GeneratedKeys, KeySource, TokenService
from cogkit.stores.base import Store
from cogkit.stores.memory import MemoryStore
from cogkit.stores.records import PoolRecord

__all__ = ["Cognito"]

DEFAULT_REGION = "us-east-1"
DEFAULT_ACCOUNT = "123456789012"


class Cognito(ServiceDomains):
    """A Cognito service: user pools and everything in them, kept in ``store``.

    ``Cognito()`` keeps everything in memory with production-grade hashing.  Tests usually
    freeze time and use the cheap hashing profile::

        svc = Cognito(clock=FrozenClock(), password_profile=PasswordProfile.CHEAP)

    Every collaborator can be replaced: ``clock``, ``ids`` (random or seeded),
    ``codes`` (e.g. ``FixedCodes("123456")``), ``sender`` (the default ``Outbox`` records
    every message), ``keys`` (where signing keys come from) and ``hasher``.

    Lambda triggers run as Python callables: ``pool.trigger("PreSignUp", handler)``, or
    ``register_lambda(arn, handler)`` for pools whose ``lambda_config`` names ``arn``.  A
    handler running longer than ``trigger_timeout`` seconds (Cognito: 5) fails the call.
    """

    def __init__(
        self,
        store: Store | None = None,
        *,
        clock: Clock | None = None,
        ids: IdSource | None = None,
        password_profile: PasswordProfile | None = None,
        hasher: PasswordHasher | None = None,
        sender: MessageSender | None = None,
        codes: CodeSource | None = None,
        keys: KeySource | None = None,
        region: str = DEFAULT_REGION,
        account_id: str = DEFAULT_ACCOUNT,
        issuer_base_url: str | None = None,
        trigger_timeout: float = TriggerRegistry.DEFAULT_TIMEOUT,
    ) -> None:
        if hasher is not None and password_profile is not None:
            raise ConfigurationError("give either hasher or password_profile, not both")
        _check_collaborators(
            store=(store, Store),
            clock=(clock, Clock),
            ids=(ids, IdSource),
            hasher=(hasher, PasswordHasher),
            sender=(sender, MessageSender),
            codes=(codes, CodeSource),
            keys=(keys, KeySource),
            password_profile=(password_profile, PasswordProfile),
        )
        v.string("region", region, min_len=1, max_len=32, pattern=r"[a-z]{2}(-[a-z]+)+-\d+")
        v.string("account_id", account_id, pattern=r"\d{12}")
        if issuer_base_url is not None:
            v.string(
                "issuer_base_url", issuer_base_url, min_len=1, max_len=1024, pattern=r"https?://\S+"
            )
        if (
            isinstance(trigger_timeout, bool)
            or not isinstance(trigger_timeout, int | float)
            or not 0 < trigger_timeout <= 900
        ):
            raise ConfigurationError("trigger_timeout must be a number of seconds in (0, 900]")
        ids = ids or RandomIds()
        self._rt = Runtime(
            store=store if store is not None else MemoryStore(),
            clock=clock or SystemClock(),
            ids=ids,
            hasher=hasher or PasslibHasher(password_profile or PasswordProfile.OWASP),
            codes=codes or RandomCodes(ids),
            sender=sender if sender is not None else Outbox(),
            tokens=TokenService(keys or GeneratedKeys(), ids),
            region=region,
            account_id=account_id,
            issuer_base_url=issuer_base_url,
            triggers=TriggerRegistry(timeout=float(trigger_timeout)),
        )

    @classmethod
    def open(cls, url: str, **options: Any) -> Cognito:
        """A service over the store at ``url``: ``memory://`` (in-process), and with the
        ``sql`` extra ``sqlite:///path.db`` or ``postgresql+psycopg://...``."""
        v.string("url", url, min_len=1)
        if url.startswith("memory://"):
            return cls(MemoryStore(), **options)
        if url.startswith(("sqlite", "postgresql")):
            from cogkit.stores import sql  # type: ignore[attr-defined,unused-ignore]

            return cls(sql.open_sql_store(url), **options)
        raise ConfigurationError(
            f"cannot open {url!r}: use memory://, sqlite:///path.db or postgresql+psycopg://..."
        )

    def __repr__(self) -> str:
        return f"Cognito(region={self._rt.region!r}, store={self._rt.store!r})"

    def close(self) -> None:
        """Releases the store (database connections)."""
        self._rt.triggers.close()
        self._rt.store.close()

    def __enter__(self) -> Cognito:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- collaborators -----------------------------------------------------------------

    @property
    def store(self) -> Store:
        return self._rt.store

    @property
    def clock(self) -> Clock:
        return self._rt.clock

    @property
    def region(self) -> str:
        return self._rt.region

    @property
    def account_id(self) -> str:
        return self._rt.account_id

    @property
    def outbox(self) -> Outbox:
        """The outbox holding every message sent (when the sender is the default outbox)."""
        if not isinstance(self._rt.sender, Outbox):
            raise ConfigurationError(
                "this service delivers messages through a custom sender, not an Outbox"
            )
        return self._rt.sender

    # -- Lambda triggers ---------------------------------------------------------------

    @overload
    def register_lambda(self, arn: str) -> Callable[[Handler], Handler]: ...

    @overload
    def register_lambda(self, arn: str, handler: Handler) -> Handler: ...

    def register_lambda(
        self, arn: str, handler: Handler | None = None
    ) -> Handler | Callable[[Handler], Handler]:
        """Binds the Lambda function ``arn`` to ``handler(event, context)``: every pool whose
        ``lambda_config`` names ``arn`` runs it.  Without ``handler``, a decorator::

            @svc.register_lambda("arn:aws:lambda:us-east-1:123456789012:function:pre")
            def lambda_handler(event, context): ...

        .. versionadded:: 0.1
        """
        check_arn(arn)
        if handler is None:
            return lambda given: self._rt.triggers.register_lambda(arn, given)
        return self._rt.triggers.register_lambda(arn, handler)

    # -- user pools --------------------------------------------------------------------

    def create_user_pool(self, name: str, *, schema: Any = None, **config: Any) -> UserPool:
        """A new user pool.  ``config`` takes ``UserPoolConfig`` fields, for example
        ``username_attributes=["email"]``, ``auto_verified_attributes=["email"]``,
        ``password_policy={"minimum_length": 12}``, ``mfa_configuration="OPTIONAL"``."""
        v.string("pool_name", name, min_len=1, max_len=128, pattern=v.POOL_NAME)
        if "mfa" in config:
            config["mfa_configuration"] = config.pop("mfa")
        built = pool_config(schema=schema, **config)
        now = self._rt.now()
        alphabet = string.ascii_letters + string.digits
        for _attempt in range(10):
            pool_id = f"{self._rt.region}_{self._rt.ids.choice_string(alphabet, 9)}"
            record = PoolRecord(
                id=pool_id, name=name, created_at=now, modified_at=now, config=_serde.dump(built)
            )
            try:
                self._rt.store.create_pool(record)
            except StoreConflictError:
                continue
            self._rt.add_signing_keys(pool_id)
            return UserPool(self._rt, pool_id)
        raise StoreConflictError("could not find a free user pool id")

    def user_pool(self, pool_id: str) -> UserPool:
        """The pool ``pool_id``; ResourceNotFound when there is none."""
        v.pool_id(pool_id)
        self._rt.pool(pool_id)
        return UserPool(self._rt, pool_id)

    def list_user_pools(
        self, *, max_results: int = 60, next_token: str | None = None
    ) -> Page[UserPool]:
        v.integer("max_results", max_results, minimum=1, maximum=60)
        after = _paging.decode_after(next_token, "next_token", "pools")
        records = self._rt.store.list_pools(after=after, limit=max_results + 1)
        items = tuple(UserPool(self._rt, r.id) for r in records[:max_results])
        token = (
            _paging.encode({"k": "pools", "after": items[-1].id})
            if len(records) > max_results
            else None
        )
        return Page(items, token)

    def delete_user_pool(self, pool_id: str) -> None:
        self.user_pool(pool_id).delete()

    def pool_for_client(self, client_id: str) -> UserPool:
        """The pool an app client belongs to (ResourceNotFound for an unknown client)."""
        v.client_id(client_id)
        client = self._rt.client(client_id)
        return UserPool(self._rt, client.pool_id)

    def pool_for_session(self, session: str) -> UserPool:
        """The pool a challenge session belongs to (``AssociateSoftwareToken`` and
        ``VerifySoftwareToken`` name no pool); NotAuthorized for an unknown session."""
        from cogkit.errors import NotAuthorizedError
        from cogkit.services.codes import secret_digest

        v.string("session", session, min_len=20, max_len=2048)
        stored = self._rt.store.get_session(secret_digest(session))
        if stored is None or self._rt.store.get_pool(stored.pool_id) is None:
            raise NotAuthorizedError("Invalid session for the user.")
        return UserPool(self._rt, stored.pool_id)

    def pool_for_token(self, token: str) -> UserPool:
        """The pool that issued a token, read from its ``iss`` (not yet verified)."""
        from cogkit.domain.tokens import TokenVerificationError
        from cogkit.services.tokens import TokenFormatError

        v.token(token, "access_token")
        try:
            claims = self._rt.tokens.unverified_claims(token)
        except TokenFormatError:
            raise TokenVerificationError("Invalid Access Token", reason="malformed") from None
        issuer = claims.get("iss")
        pool_id = issuer.rsplit("/", 1)[-1] if isinstance(issuer, str) else ""
        if not v.POOL_ID.fullmatch(pool_id) or self._rt.store.get_pool(pool_id) is None:
            raise TokenVerificationError("Invalid Access Token", reason="issuer")
        return UserPool(self._rt, pool_id)


def _check_collaborators(**given: tuple[object, type]) -> None:
    """Refuses a collaborator that does not fit its protocol, naming it, before it fails
    deep inside some later call."""
    for name, (value, expected) in given.items():
        if value is not None and not isinstance(value, expected):
            raise ConfigurationError(
                f"{name} must be a {expected.__name__}, not {type(value).__name__}"
            )

"""User pool domains: where a pool's hosted UI and OAuth 2.0 endpoints live (spec §9.1, §13).

A pool has at most one *prefix* domain (``myapp`` → ``https://myapp.auth.<region>.
amazoncognito.com``) and one *custom* domain (``auth.example.com``, with an ACM certificate
and a CloudFront distribution in front).  Domain names are unique across the service's
pools: each is claimed by a service-wide item (pool id ``""``) naming its pool, beside the
pool's own item (kind ``"domain"``, key ``"prefix"`` or ``"custom"``), so two pools can
never claim one name and a pool never holds two domains of a kind.
"""

from __future__ import annotations

import datetime as _dt
import re
from typing import TYPE_CHECKING, Any, ClassVar

import attrs

from cogkit.domain import _validate as v
from cogkit.domain.config import UserPoolConfig
from cogkit.domain.enums import UserPoolTier
from cogkit.domain.users import utc
from cogkit.errors import (
    FeatureUnavailableInTierError,
    InvalidParameterError,
    LimitExceededError,
    StoreConflictError,
)
from cogkit.stores.records import ItemRecord, PoolRecord

if TYPE_CHECKING:
    from cogkit.domain._runtime import Runtime

__all__ = ["PoolDomains", "ServiceDomains", "UserPoolDomain"]

KIND = "domain"
PREFIX = "prefix"
CUSTOM = "custom"
#: A prefix domain: one DNS label of lower-case letters, digits and inner hyphens.
PREFIX_PATTERN = re.compile(r"^[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?$")
#: A custom domain: two or more such labels.
CUSTOM_PATTERN = re.compile(
    r"^[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?)+$"
)
#: Words a prefix domain may not contain (Cognito: "Domain cannot contain reserved word").
RESERVED_WORDS = ("aws", "amazon", "cognito")
#: ``ManagedLoginVersion``: 1 is the classic hosted UI, 2 managed login.
MANAGED_LOGIN_VERSIONS = (1, 2)
_CLOUDFRONT_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789"
#: Seconds after which a name claimed for a pool that never got the domain is free again.
CLAIM_GRACE = 60


@attrs.frozen
class UserPoolDomain:
    """A user pool domain (Cognito's ``DomainDescriptionType``)."""

    domain: str
    pool_id: str
    account_id: str
    region: str
    created_at: _dt.datetime
    #: The CloudFront distribution serving the domain.
    cloudfront_distribution: str
    managed_login_version: int = 1
    #: The ACM certificate of a custom domain; ``None`` for a prefix domain.
    certificate_arn: str | None = None
    status: str = "ACTIVE"

    @property
    def custom(self) -> bool:
        return self.certificate_arn is not None

    @property
    def host(self) -> str:
        """The host name users reach the hosted UI at."""
        if self.custom:
            return self.domain
        return f"{self.domain}.auth.{self.region}.amazoncognito.com"

    @property
    def base_url(self) -> str:
        """``https://<host>``: the OAuth endpoints are ``/oauth2/authorize`` and so on."""
        return f"https://{self.host}"

    @property
    def version(self) -> str:
        """The hosted UI's app version (``DomainDescription.Version``)."""
        return self.created_at.strftime("%Y%m%d%H%M%S")

    @property
    def s3_bucket(self) -> str:
        """Where AWS keeps the hosted UI's static files (``DomainDescription.S3Bucket``)."""
        return f"aws-cognito-prod-{self.region}-assets"

    @classmethod
    def from_item(cls, item: ItemRecord, *, account_id: str) -> UserPoolDomain:
        data = item.data
        return cls(
            domain=str(data["domain"]),
            pool_id=item.pool_id,
            account_id=account_id,
            region=item.pool_id.split("_", 1)[0],
            created_at=utc(item.created_at),
            cloudfront_distribution=str(data["cloudfront"]),
            managed_login_version=int(data["managed_login_version"]),
            certificate_arn=data.get("certificate_arn"),
        )


def check_domain(value: Any) -> str:
    return v.string("domain", value, min_len=1, max_len=63)


def _certificate_arn(value: Any) -> str:
    return v.string(
        "custom_domain_config.certificate_arn", value, min_len=20, max_len=2048, pattern=v.ARN
    )


def _version(value: Any, config: UserPoolConfig) -> int:
    version = v.integer("managed_login_version", value)
    if version not in MANAGED_LOGIN_VERSIONS:
        raise InvalidParameterError(
            f"ManagedLoginVersion must be 1 (hosted UI) or 2 (managed login), not {version}.",
            field="managed_login_version",
        )
    if version == 2 and config.tier is UserPoolTier.LITE:
        raise FeatureUnavailableInTierError(
            "Managed login is not available in the LITE feature plan."
        )
    return version


def _check_name(domain: str, custom: bool) -> None:
    if custom:
        if not CUSTOM_PATTERN.fullmatch(domain):
            raise InvalidParameterError(
                f"{domain} is not a valid custom domain: use a fully qualified domain name "
                "such as auth.example.com.",
                field="domain",
            )
        return
    if not PREFIX_PATTERN.fullmatch(domain):
        raise InvalidParameterError(
            "The domain name contains an invalid character. Domain names can only contain "
            "lower-case letters, numbers, and hyphens. Please enter a different name that "
            f"follows this format: {PREFIX_PATTERN.pattern}",
            field="domain",
        )
    for word in RESERVED_WORDS:
        if word in domain:
            raise InvalidParameterError(
                f"Domain cannot contain reserved word: {word}", field="domain"
            )


def pool_domains(rt: Runtime, pool_id: str) -> dict[str, UserPoolDomain]:
    """The pool's domains by kind (``"prefix"``, ``"custom"``)."""
    items = rt.store.list_items(pool_id, KIND, after=None, limit=2)
    return {i.key: UserPoolDomain.from_item(i, account_id=rt.account_id) for i in items}


def hosted_base_url(rt: Runtime, pool_id: str) -> str | None:
    """Where the pool's OAuth endpoints live: its custom domain, else its prefix domain,
    else nowhere (``None``)."""
    domains = pool_domains(rt, pool_id)
    # (verify) With both kinds, the custom domain is the one users are sent to.
    chosen = domains.get(CUSTOM) or domains.get(PREFIX)
    return None if chosen is None else chosen.base_url


class PoolDomains:
    """Mixin of ``UserPool``: its domains (``CreateUserPoolDomain`` ...)."""

    #: Cognito's quota of custom domains in an account (and region): here, a service.
    MAX_CUSTOM_DOMAINS: ClassVar[int] = 4

    id: str
    _rt: Runtime

    if TYPE_CHECKING:  # provided by UserPool

        def _state(self) -> tuple[PoolRecord, UserPoolConfig]: ...

    @property
    def domain(self) -> UserPoolDomain | None:
        """The pool's prefix domain (``DescribeUserPool.Domain``), if any."""
        self._state()
        return pool_domains(self._rt, self.id).get(PREFIX)

    @property
    def custom_domain(self) -> UserPoolDomain | None:
        """The pool's custom domain (``DescribeUserPool.CustomDomain``), if any."""
        self._state()
        return pool_domains(self._rt, self.id).get(CUSTOM)

    def create_domain(
        self,
        domain: str,
        *,
        certificate_arn: str | None = None,
        managed_login_version: int | None = None,
    ) -> UserPoolDomain:
        """Gives the pool a domain (``CreateUserPoolDomain``): a prefix such as ``myapp``,
        or with ``certificate_arn`` a custom domain such as ``auth.example.com``."""
        check_domain(domain)
        custom = certificate_arn is not None
        if custom:
            _certificate_arn(certificate_arn)
        _check_name(domain, custom)
        _record, config = self._state()
        version = 1 if managed_login_version is None else _version(managed_login_version, config)
        kind = CUSTOM if custom else PREFIX
        store = self._rt.store
        if store.get_item(self.id, KIND, kind) is not None:
            raise InvalidParameterError(
                "User pool already has a domain configured.", field="domain"
            )
        if custom and self._custom_domains() >= self.MAX_CUSTOM_DOMAINS:
            raise LimitExceededError(
                f"An account can have at most {self.MAX_CUSTOM_DOMAINS} custom domains."
            )
        now = self._rt.now()
        claim = ItemRecord(
            pool_id="",
            kind=KIND,
            key=domain,
            created_at=now,
            modified_at=now,
            data={"pool_id": self.id, "kind": kind},
        )
        self._claim(claim)
        # fidelity: Cognito checks a custom domain's certificate in ACM and its parent
        # domain's DNS, and a new domain is CREATING for a minute or more; cogkit cannot
        # reach either, so any well-formed ARN is accepted and the domain is ACTIVE at once,
        # behind a made-up CloudFront distribution name.
        data: dict[str, Any] = {
            "domain": domain,
            "managed_login_version": version,
            "cloudfront": f"d{self._rt.ids.choice_string(_CLOUDFRONT_ALPHABET, 13)}.cloudfront.net",
        }
        if custom:
            data["certificate_arn"] = certificate_arn
        item = ItemRecord(
            pool_id=self.id, kind=KIND, key=kind, created_at=now, modified_at=now, data=data
        )
        try:
            store.create_item(item)
        except StoreConflictError:
            store.delete_item("", KIND, domain)
            self._state()
            raise InvalidParameterError(
                "User pool already has a domain configured.", field="domain"
            ) from None
        return UserPoolDomain.from_item(item, account_id=self._rt.account_id)

    def _custom_domains(self) -> int:
        """How many custom domains the service's pools hold (counting up to the quota)."""
        count = 0
        after: str | None = None
        while count < self.MAX_CUSTOM_DOMAINS:
            claims = self._rt.store.list_items("", KIND, after=after, limit=100)
            count += sum(1 for c in claims if c.data.get("kind") == CUSTOM)
            if len(claims) < 100:
                break
            after = claims[-1].key
        return count

    def _claim(self, claim: ItemRecord) -> None:
        """Claims a domain name for this pool, service-wide.  A claim its pool no longer
        backs (the pool was removed from the store directly, or a creation died between
        its two writes) is taken over."""
        store = self._rt.store
        for _attempt in range(3):
            try:
                store.create_item(claim)
                return
            except StoreConflictError:
                held = store.get_item("", KIND, claim.key)
                if held is None:
                    continue
                if not self._stale(held):
                    raise InvalidParameterError(
                        "Domain already associated with another user pool.", field="domain"
                    ) from None
                store.delete_item("", KIND, claim.key)
        raise StoreConflictError(f"domain {claim.key} is being claimed concurrently")

    def _stale(self, held: ItemRecord) -> bool:
        store = self._rt.store
        owner = str(held.data.get("pool_id", ""))
        if not owner or store.get_pool(owner) is None:
            return True
        item = store.get_item(owner, KIND, str(held.data.get("kind", "")))
        if item is None:
            # Either a creation between its two writes, or one that died there: only the
            # latter is still so after a while.
            return held.created_at < self._rt.now() - CLAIM_GRACE
        return item.data.get("domain") != held.key

    def _own_domain(self, domain: str) -> ItemRecord:
        """This pool's item for ``domain``; InvalidParameter when the pool has no such
        domain (Cognito answers so rather than ResourceNotFound)."""
        for item in self._rt.store.list_items(self.id, KIND, after=None, limit=2):
            if item.data.get("domain") == domain:
                return item
        raise InvalidParameterError("No such domain or user pool exists.", field="domain")

    def update_domain(
        self,
        domain: str,
        *,
        certificate_arn: str | None = None,
        managed_login_version: int | None = None,
    ) -> UserPoolDomain:
        """Changes a custom domain's certificate or a domain's managed login version
        (``UpdateUserPoolDomain``); what is not given stays."""
        check_domain(domain)
        if certificate_arn is not None:
            _certificate_arn(certificate_arn)
        _record, config = self._state()
        version = None if managed_login_version is None else _version(managed_login_version, config)
        for _attempt in range(10):
            current = self._own_domain(domain)
            if certificate_arn is not None and current.key != CUSTOM:
                raise InvalidParameterError(
                    f"{domain} is a prefix domain: only custom domains have a certificate.",
                    field="custom_domain_config",
                )
            data = dict(current.data)
            if certificate_arn is not None:
                data["certificate_arn"] = certificate_arn
            if version is not None:
                data["managed_login_version"] = version
            new = attrs.evolve(current, data=data, modified_at=self._rt.now())
            try:
                stored = self._rt.store.update_item(new, expected_version=current.version)
            except StoreConflictError:
                continue
            return UserPoolDomain.from_item(stored, account_id=self._rt.account_id)
        raise StoreConflictError(f"domain {domain} is being changed concurrently")

    def delete_domain(self, domain: str) -> None:
        """Removes a domain from the pool (``DeleteUserPoolDomain``); its name is free
        again."""
        check_domain(domain)
        self._state()
        item = self._own_domain(domain)
        self._rt.store.delete_item(self.id, KIND, item.key)
        held = self._rt.store.get_item("", KIND, domain)
        if held is not None and held.data.get("pool_id") == self.id:
            self._rt.store.delete_item("", KIND, domain)


class ServiceDomains:
    """Mixin of ``Cognito``: finding a domain by name, whichever pool holds it."""

    _rt: Runtime

    def describe_user_pool_domain(self, domain: str) -> UserPoolDomain | None:
        """The domain ``domain`` (``DescribeUserPoolDomain``), or ``None``: Cognito
        describes an unknown domain as an empty description, not an error."""
        check_domain(domain)
        held = self._rt.store.get_item("", KIND, domain)
        if held is None:
            return None
        owner = str(held.data.get("pool_id", ""))
        item = (
            self._rt.store.get_item(owner, KIND, str(held.data.get("kind", ""))) if owner else None
        )
        if item is None or item.data.get("domain") != domain:
            return None
        return UserPoolDomain.from_item(item, account_id=self._rt.account_id)


def refuse_delete_with_domain(rt: Runtime, pool_id: str) -> None:
    """Cognito will not delete a pool that still has a domain."""
    if rt.store.list_items(pool_id, KIND, after=None, limit=1):
        raise InvalidParameterError(
            "User pool cannot be deleted. It has a domain configured that should be deleted first.",
            field="user_pool_id",
        )

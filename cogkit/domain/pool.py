"""``UserPool``: one user pool's configuration, app clients, users (admin API) and tokens.

A ``UserPool`` is a handle: it holds the pool id and the service's runtime, and reads the
pool's state from the store on every call, so several handles (and several processes
sharing a store) always agree.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, overload

import attrs

from cogkit.domain import _accounts as accounts
from cogkit.domain import _paging, client_secrets, messages, trigger_events
from cogkit.domain import _validate as v
from cogkit.domain import tokens as token_rules
from cogkit.domain._paging import Page
from cogkit.domain._runtime import Runtime
from cogkit.domain.attributes import VERIFIED_FLAGS
from cogkit.domain.client import AppClient
from cogkit.domain.client_oauth import check_oauth_settings
from cogkit.domain.client_secrets import PoolClientSecrets
from cogkit.domain.config import (
    ClientSecret,
    ClientSettings,
    UserPoolConfig,
    client_config,
    pool_config,
)
from cogkit.domain.devices import PoolDevices
from cogkit.domain.domains import (
    PoolDomains,
    hosted_base_url,
    pool_domains,
    refuse_delete_with_domain,
)
from cogkit.domain.enums import DeletionProtection, MessageAction, UserStatus
from cogkit.domain.events import AuthEvents
from cogkit.domain.filters import parse_filter
from cogkit.domain.groups import PoolGroups
from cogkit.domain.imports import ImportJobs
from cogkit.domain.mfa import PoolMfa
from cogkit.domain.pool_admin import PoolAdministration
from cogkit.domain.resource_servers import PoolResourceServers
from cogkit.domain.trigger_events import Composed
from cogkit.domain.triggers import Handler, Trigger, trigger_named
from cogkit.domain.users import User, search_keys, utc
from cogkit.errors import (
    InvalidParameterError,
    NotAuthorizedError,
    StoreConflictError,
    UnsupportedUserStateError,
)
from cogkit.services.delivery import Channel, Message, Purpose
from cogkit.stores.records import ClientRecord, PoolRecord, UserRecord

if TYPE_CHECKING:
    from cogkit.domain.auth import AuthFlow

__all__ = ["PoolDescription", "UserPool"]

#: Fields ``update`` refuses: Cognito fixes them when the pool is created.
IMMUTABLE_POOL_FIELDS = ("username_attributes", "alias_attributes", "case_sensitive")
LIST_USERS_MAX = 60
PAGINATION_TOKEN_TTL = 3600


@attrs.frozen
class PoolDescription:
    """A snapshot of a pool (Cognito's ``UserPoolType``)."""

    id: str
    name: str
    arn: str
    created_at: _dt.datetime
    modified_at: _dt.datetime
    config: UserPoolConfig
    estimated_number_of_users: int
    status: str = "Enabled"
    #: The pool's prefix domain and custom domain names, if it has them.
    domain: str | None = None
    custom_domain: str | None = None


class UserPool(
    PoolAdministration,
    PoolGroups,
    PoolResourceServers,
    PoolDomains,
    ImportJobs,
    AuthEvents,
    PoolMfa,
    PoolDevices,
    PoolClientSecrets,
):
    """One user pool.  Get it from ``Cognito.create_user_pool`` or ``Cognito.user_pool``."""

    def __init__(self, runtime: Runtime, pool_id: str) -> None:
        self._rt = runtime
        self.id = pool_id

    def __repr__(self) -> str:
        return f"UserPool({self.id!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, UserPool) and other.id == self.id and other._rt is self._rt

    def __hash__(self) -> int:
        return hash(self.id)

    # -- configuration -----------------------------------------------------------------

    def _state(self) -> tuple[PoolRecord, UserPoolConfig]:
        return self._rt.pool(self.id)

    @property
    def config(self) -> UserPoolConfig:
        """The pool's current configuration."""
        return self._state()[1]

    @property
    def name(self) -> str:
        return self._state()[0].name

    @property
    def arn(self) -> str:
        region = self.id.split("_", 1)[0]
        return f"arn:aws:cognito-idp:{region}:{self._rt.account_id}:userpool/{self.id}"

    @property
    def issuer(self) -> str:
        """The ``iss`` of this pool's tokens."""
        return self._rt.issuer(self.id)

    @property
    def auth(self) -> AuthFlow:
        """The auth flow engine of this pool (the same as ``cogkit.AuthFlow(pool)``)."""
        from cogkit.domain.auth import AuthFlow

        return AuthFlow(self)

    def describe(self) -> PoolDescription:
        record, config = self._state()
        domains = pool_domains(self._rt, self.id)
        return PoolDescription(
            id=self.id,
            name=record.name,
            arn=self.arn,
            created_at=utc(record.created_at),
            modified_at=utc(record.modified_at),
            config=config,
            estimated_number_of_users=self._rt.store.count_users(self.id),
            domain=domains["prefix"].domain if "prefix" in domains else None,
            custom_domain=domains["custom"].domain if "custom" in domains else None,
        )

    def update(self, *, name: str | None = None, **changes: Any) -> PoolDescription:
        """Changes the configuration; only what Cognito lets change after creation."""
        for field in IMMUTABLE_POOL_FIELDS:
            if changes.get(field) is not None:
                raise InvalidParameterError(
                    f"{field} cannot be changed after the user pool is created.", field=field
                )
        if "schema" in changes:
            raise InvalidParameterError(
                "The schema cannot be replaced; add custom attributes instead.", field="schema"
            )
        if name is not None:
            v.string("pool_name", name, min_len=1, max_len=128, pattern=v.POOL_NAME)
        self._refuse_while_importing()
        for _attempt in range(accounts.RETRIES):
            record, config = self._state()
            updated = pool_config(config, **changes)
            from cogkit.domain import _serde

            new = attrs.evolve(
                record,
                name=name or record.name,
                config=_serde.dump(updated),
                modified_at=self._rt.now(),
            )
            try:
                self._rt.store.update_pool(new, expected_version=record.version)
            except StoreConflictError:
                continue
            return self.describe()
        raise StoreConflictError(f"user pool {self.id} is being changed concurrently")

    @overload
    def trigger(self, name: Trigger | str) -> Callable[[Handler], Handler]: ...

    @overload
    def trigger(self, name: Trigger | str, handler: Handler) -> Handler: ...

    def trigger(
        self, name: Trigger | str, handler: Handler | None = None
    ) -> Handler | Callable[[Handler], Handler]:
        """Runs ``handler(event, context)`` as this pool's ``name`` trigger (``"PreSignUp"``,
        ``"PreTokenGeneration"``, ...), in place of any Lambda ARN its ``lambda_config``
        names.  Without ``handler``, a decorator::

            @pool.trigger("PreSignUp")
            def auto_confirm(event, context):
                event["response"]["autoConfirmUser"] = True
                return event

        .. versionadded:: 0.1
        """
        self._state()
        chosen = trigger_named(name)
        if handler is None:
            return lambda given: self._rt.triggers.register(self.id, chosen, given)
        return self._rt.triggers.register(self.id, chosen, handler)

    def delete(self) -> None:
        """Deletes the pool with its clients, users, groups and keys (not when protected,
        nor while it has a domain)."""
        config = self.config
        if config.deletion_protection is DeletionProtection.ACTIVE:
            raise InvalidParameterError(
                "The user pool cannot be deleted because deletion protection is activated.",
                field="user_pool_id",
            )
        refuse_delete_with_domain(self._rt, self.id)
        self._refuse_while_importing()
        self._rt.store.delete_pool(self.id)

    # -- tokens ------------------------------------------------------------------------

    def jwks(self) -> dict[str, Any]:
        """The pool's JSON Web Key Set, as served at ``/.well-known/jwks.json``."""
        self._state()
        keys = sorted(self._rt.signing_keys(self.id).values(), key=lambda p: p[0].created_at)
        return {"keys": [dict(pair[1].jwk) for pair in keys]}

    def openid_configuration(self) -> dict[str, Any]:
        """The pool's OpenID Connect discovery document."""
        self._state()
        issuer = self.issuer
        document: dict[str, Any] = {
            "issuer": issuer,
            "jwks_uri": f"{issuer}/.well-known/jwks.json",
            "id_token_signing_alg_values_supported": ["RS256"],
            "response_types_supported": ["code", "token"],
            "subject_types_supported": ["public"],
            "scopes_supported": ["openid", "email", "phone", "profile"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
        }
        base = hosted_base_url(self._rt, self.id)
        if base is not None:
            # With a domain, discovery names the OAuth endpoints under it (spec §5.1).
            document["authorization_endpoint"] = f"{base}/oauth2/authorize"
            document["token_endpoint"] = f"{base}/oauth2/token"
            document["userinfo_endpoint"] = f"{base}/oauth2/userInfo"
        return document

    def rotate_signing_keys(self) -> None:
        """New signing keys for new tokens; tokens signed with the old keys still verify."""
        self._state()
        self._rt.add_signing_keys(self.id)

    def verify(
        self,
        token: str,
        *,
        token_use: str | None = None,
        client_id: str | Iterable[str] | None = None,
        leeway: float = 0,
    ) -> dict[str, Any]:
        """The claims of a token from this pool, or ``TokenVerificationError``.

        Checks the RS256 signature against this pool's keys (refusing ``alg=none``, HS256
        confusion and foreign keys), the issuer, ``token_use`` (``"id"``/``"access"``), the
        client (``aud`` or ``client_id``), expiry with ``leeway`` seconds of grace, and
        revocation (revoked refresh tokens, global sign-out).
        """
        if not isinstance(token, str):
            raise InvalidParameterError(
                f"token must be a string, not {type(token).__name__}", field="token"
            )
        if token_use is not None and token_use not in ("id", "access"):
            raise InvalidParameterError("token_use must be 'id' or 'access'", field="token_use")
        if isinstance(leeway, bool) or not isinstance(leeway, int | float) or leeway < 0:
            raise InvalidParameterError("leeway must be a non-negative number", field="leeway")
        ids: Iterable[str] | None = None
        if isinstance(client_id, str):
            ids = (client_id,)
        elif client_id is not None:
            ids = v.string_list("client_id", client_id)
        self._state()
        return token_rules.verify(
            self._rt, self.id, token, token_use=token_use, client_ids=ids, leeway=leeway
        )

    # -- app clients -------------------------------------------------------------------

    def create_client(
        self,
        name: str,
        *,
        generate_secret: bool = False,
        client_secret: str | None = None,
        token_validity_units: Mapping[str, str] | None = None,
        **settings: Any,
    ) -> AppClient:
        """A new app client.  ``settings`` are ``ClientSettings`` fields
        (``explicit_auth_flows``, ``access_token_validity``, ``read_attributes``, ...)."""
        _record, config = self._state()
        v.boolean("generate_secret", generate_secret)
        if client_secret is not None:
            v.string(
                "client_secret", client_secret, min_len=24, max_len=64, pattern=v.CLIENT_SECRET
            )
        built = client_config(None, pool=config, units=token_validity_units, name=name, **settings)
        secret = client_secret
        if secret is None and generate_secret:
            secret = client_secrets.generate(self._rt)
        now = self._rt.now()
        if secret is not None:
            # Checked with a stand-in secret: only whether there is one matters here.
            check_oauth_settings(
                self._rt, self.id, attrs.evolve(built, secrets=(ClientSecret("-", secret, now),))
            )
        else:
            check_oauth_settings(self._rt, self.id, built)
        for _attempt in range(10):
            client_id = self._rt.ids.choice_string("abcdefghijklmnopqrstuvwxyz0123456789", 26)
            if secret is not None:
                built = attrs.evolve(
                    built, secrets=(client_secrets.new_secret(client_id, secret, now, ()),)
                )
            record = ClientRecord(
                id=client_id,
                pool_id=self.id,
                name=built.name,
                created_at=now,
                modified_at=now,
                config=self._rt.dump_client(built),
            )
            try:
                self._rt.store.create_client(record)
            except StoreConflictError:
                self._state()
                continue
            return AppClient.from_record(record)
        raise StoreConflictError("could not find a free client id")

    def client(self, client_id: str) -> AppClient:
        """The app client ``client_id`` of this pool; ResourceNotFound otherwise."""
        v.client_id(client_id)
        self._state()
        return self._rt.client(client_id, self.id)

    def update_client(
        self,
        client_id: str,
        *,
        token_validity_units: Mapping[str, str] | None = None,
        **settings: Any,
    ) -> AppClient:
        """Changes an app client's settings (its id and secret stay)."""
        if {"secret", "secrets", "generate_secret"} & settings.keys():
            raise InvalidParameterError(
                "A client's secret cannot be changed by an update.", field="client_secret"
            )

        def change(current: ClientSettings) -> ClientSettings:
            built: ClientSettings = client_config(
                current, pool=self.config, units=token_validity_units, **settings
            )
            check_oauth_settings(self._rt, self.id, built)
            return built

        return self._change_client(client_id, change)

    def _change_client(
        self, client_id: str, change: Callable[[ClientSettings], ClientSettings]
    ) -> AppClient:
        """Applies ``change`` to the freshest settings of a client and saves them, retried
        on concurrent changes (so, say, two secret additions never both pass the limit)."""
        for _attempt in range(accounts.RETRIES):
            self.client(client_id)
            record = self._rt.store.get_client(client_id)
            if record is None:
                continue
            changed = change(AppClient.from_record(record).settings)
            new = attrs.evolve(
                record,
                name=changed.name,
                config=self._rt.dump_client(changed),
                modified_at=self._rt.now(),
            )
            try:
                stored = self._rt.store.update_client(new, expected_version=record.version)
            except StoreConflictError:
                continue
            return AppClient.from_record(stored)
        raise StoreConflictError(f"client {client_id} is being changed concurrently")

    def delete_client(self, client_id: str) -> None:
        self.client(client_id)
        self._rt.store.delete_client(client_id)

    def list_clients(
        self, *, max_results: int = 60, next_token: str | None = None
    ) -> Page[AppClient]:
        v.integer("max_results", max_results, minimum=1, maximum=60)
        self._state()
        after = _paging.decode_after(next_token, "next_token", "clients")
        records = self._rt.store.list_clients(self.id, after=after, limit=max_results + 1)
        items = tuple(AppClient.from_record(r) for r in records[:max_results])
        token = (
            _paging.encode({"k": "clients", "after": items[-1].id})
            if len(records) > max_results
            else None
        )
        return Page(items, token)

    # -- users (admin API) -------------------------------------------------------------

    def _user(self, username: str) -> tuple[UserPoolConfig, UserRecord]:
        v.username(username)
        _record, config = self._state()
        return config, accounts.require(self._rt, self.id, config, username)

    def admin_get_user(self, username: str) -> User:
        """The user named by username, email/phone username, verified alias or sub."""
        _config, record = self._user(username)
        return User.from_record(record)

    def admin_create_user(
        self,
        username: str,
        *,
        attributes: Mapping[str, str] | Iterable[Mapping[str, str]] | None = None,
        temporary_password: str | None = None,
        message_action: MessageAction | str | None = None,
        desired_delivery_mediums: Iterable[Channel | str] = (Channel.SMS,),
        force_alias_creation: bool = False,
        validation_data: Mapping[str, str] | Iterable[Mapping[str, str]] | None = None,
        client_metadata: Mapping[str, str] | None = None,
    ) -> User:
        """Creates a user in FORCE_CHANGE_PASSWORD with a temporary password and sends the
        invitation (``message_action="SUPPRESS"`` sends nothing; ``"RESEND"`` re-invites an
        existing user with a new temporary password)."""
        v.username(username)
        given = accounts.attribute_map("user_attributes", attributes)
        validation = accounts.attribute_map("validation_data", validation_data)
        v.client_metadata(client_metadata)
        v.boolean("force_alias_creation", force_alias_creation)
        action = (
            None
            if message_action is None
            else v.enum("message_action", message_action, MessageAction)
        )
        mediums = v.enum_list("desired_delivery_mediums", desired_delivery_mediums, Channel)
        if temporary_password is not None:
            v.password(temporary_password, "temporary_password")
        _record, config = self._state()
        if temporary_password is not None:
            accounts.check_policy(config, temporary_password)
        password = temporary_password or accounts.generate_temporary_password(self._rt, config)
        now = self._rt.now()
        send = action is not MessageAction.SUPPRESS
        if action is MessageAction.RESEND:
            existing = accounts.require(self._rt, self.id, config, username)
            if existing.status != UserStatus.FORCE_CHANGE_PASSWORD:
                raise UnsupportedUserStateError(
                    f"Resend not possible. {existing.username} status is not FORCE_CHANGE_PASSWORD."
                )
            _check_mediums(existing.attributes, mediums)
            invitation = self._compose_invitation(config, existing, mediums, client_metadata)
            record = accounts.mutate(
                self._rt,
                config,
                self.id,
                existing.username,
                lambda current: accounts.with_password(self._rt, current, password),
            )
        else:
            checked = accounts.check_attributes(config, given, client=None, creating=True)
            internal, sub = accounts.sign_up_identity(config, self._rt, username, checked)
            if action is not MessageAction.SUPPRESS:
                _check_mediums(checked, mediums)
            # The PreSignUp trigger may refuse the user; its auto-confirm and auto-verify
            # answers do not apply to users an administrator creates.
            trigger_events.pre_sign_up(
                self._rt,
                config,
                self.id,
                "PreSignUp_AdminCreateUser",
                username=internal,
                attributes=checked,
                validation_data=validation,
                client_metadata=client_metadata,
                client_id=None,
            )
            record = accounts.with_password(
                self._rt,
                UserRecord(
                    pool_id=self.id,
                    username=internal,
                    sub=sub,
                    status=UserStatus.FORCE_CHANGE_PASSWORD.value,
                    enabled=True,
                    created_at=now,
                    modified_at=now,
                    attributes=checked,
                ),
                password,
            )
            # Made before the user exists: a failing CustomMessage leaves no user.
            invitation = (
                self._compose_invitation(config, record, mediums, client_metadata) if send else []
            )
            if force_alias_creation:
                record = self._create_forcing_aliases(config, record)
            else:
                accounts.create(self._rt, config, record)
        if send:
            self._invite(record, password, username, invitation)
        return User.from_record(record)

    def _create_forcing_aliases(self, config: UserPoolConfig, record: UserRecord) -> UserRecord:
        """Creates the user without its verified aliases, then claims them by force."""
        from cogkit.domain.attributes import VERIFIED_FLAGS

        plain = attrs.evolve(
            record,
            attributes={
                k: ("false" if k in VERIFIED_FLAGS.values() else val)
                for k, val in record.attributes.items()
            },
        )
        accounts.create(self._rt, config, plain)
        return accounts.save(
            self._rt, config, record, expected_version=plain.version, force_alias=True
        )

    def _compose_invitation(
        self,
        config: UserPoolConfig,
        record: UserRecord,
        mediums: Iterable[Channel],
        client_metadata: Mapping[str, str] | None,
    ) -> list[tuple[Composed, str]]:
        """The invitation messages, with where each goes (through CustomMessage or the
        custom senders, ``CustomMessage_AdminCreateUser``)."""
        template = config.invitation
        out = []
        for medium in mediums:
            attribute = "phone_number" if medium is Channel.SMS else "email"
            destination = record.attributes.get(attribute)
            if not destination:
                # Cognito sends nothing by a medium the user has no address for.
                continue
            composed = trigger_events.compose(
                self._rt,
                config,
                record,
                purpose=Purpose.ADMIN_CREATE_USER,
                channel=medium,
                text=template.sms_message if medium is Channel.SMS else template.email_message,
                subject=template.email_subject if medium is Channel.EMAIL else None,
                client_id=None,
                client_metadata=client_metadata,
                with_username=True,
            )
            out.append((composed, destination))
        return out

    def _invite(
        self,
        record: UserRecord,
        password: str,
        typed_username: str,
        invitation: list[tuple[Composed, str]],
    ) -> None:
        config = self.config
        for composed, destination in invitation:
            messages.deliver(
                self._rt,
                config,
                composed,
                Message(
                    to=destination,
                    channel=composed.channel,
                    purpose=Purpose.ADMIN_CREATE_USER,
                    pool_id=self.id,
                    username=record.username,
                    text=messages.render(composed.text, code=password, username=typed_username),
                    subject=composed.subject,
                    code=password,
                    temporary_password=password,
                    sent_at=self._rt.now(),
                ),
            )

    def admin_delete_user(self, username: str) -> None:
        _config, record = self._user(username)
        self._rt.store.delete_user(self.id, record.username)

    def _set_enabled(self, username: str, enabled: bool) -> None:
        config, record = self._user(username)
        accounts.mutate(
            self._rt,
            config,
            self.id,
            record.username,
            lambda current: (
                None
                if current.enabled is enabled
                else attrs.evolve(current, enabled=enabled, modified_at=self._rt.now())
            ),
        )

    def admin_disable_user(self, username: str) -> None:
        """Disables the user: no sign-in, no refresh, no token-authorised call."""
        self._set_enabled(username, False)

    def admin_enable_user(self, username: str) -> None:
        self._set_enabled(username, True)

    def admin_confirm_sign_up(
        self, username: str, *, client_metadata: Mapping[str, str] | None = None
    ) -> None:
        """Confirms an UNCONFIRMED user without a code (attributes stay unverified)."""
        v.client_metadata(client_metadata)
        config, record = self._user(username)

        def confirm(current: UserRecord) -> UserRecord:
            if current.status != UserStatus.UNCONFIRMED:
                raise NotAuthorizedError(
                    f"User cannot be confirmed. Current status is {current.status}"
                )
            return attrs.evolve(
                current, status=UserStatus.CONFIRMED.value, modified_at=self._rt.now()
            )

        # PostConfirmation sees the confirmed user before the write; failing, it leaves
        # the user unconfirmed.
        trigger_events.post_confirmation(
            self._rt,
            config,
            confirm(record),
            "PostConfirmation_ConfirmSignUp",
            client_id=None,
            client_metadata=client_metadata,
        )
        accounts.mutate(self._rt, config, self.id, record.username, confirm)
        self._rt.store.delete_codes(self.id, record.username, "sign_up")

    def admin_set_user_password(
        self, username: str, password: str, *, permanent: bool = False
    ) -> None:
        """Sets a password: permanent ones confirm the user, others force a change."""
        v.password(password)
        v.boolean("permanent", permanent)
        config, record = self._user(username)
        accounts.check_policy(config, password)
        status = UserStatus.CONFIRMED if permanent else UserStatus.FORCE_CHANGE_PASSWORD
        accounts.mutate(
            self._rt,
            config,
            self.id,
            record.username,
            lambda current: accounts.with_password(self._rt, current, password, status=status),
        )

    def admin_user_global_sign_out(self, username: str) -> None:
        """Revokes every refresh token of the user and the tokens issued from them."""
        config, record = self._user(username)
        sign_out(self._rt, config, record)

    def admin_update_user_attributes(
        self,
        username: str,
        attributes: Mapping[str, str] | Iterable[Mapping[str, str]],
        *,
        client_metadata: Mapping[str, str] | None = None,
    ) -> None:
        """Sets attributes as an administrator.

        A new email or phone number becomes unverified and, when the pool auto-verifies it,
        gets a verification code (with ``attributes_require_verification_before_update``
        the old value stays in force until the new one is verified).  Giving
        ``email_verified``/``phone_number_verified`` ``"true"`` in the same call verifies
        the new value at once, and sends nothing.
        """
        given = accounts.attribute_map("user_attributes", attributes)
        v.client_metadata(client_metadata)
        config, record = self._user(username)
        checked = accounts.check_attributes(config, given, client=None, creating=False)
        if record.status == UserStatus.UNCONFIRMED:
            accounts.check_preferred_username_alias(config, checked)
        changed = [
            name
            for name in VERIFIED_FLAGS
            if name in checked and checked[name] != record.attributes.get(name)
        ]
        to_verify = [name for name in changed if checked.get(VERIFIED_FLAGS[name]) != "true"]
        hold = {a.value for a in config.attributes_require_verification_before_update}
        pending = {name: checked.pop(name) for name in to_verify if name in hold}
        for name in pending:
            # The flag given with a held value speaks of that value, not yet in force.
            checked.pop(VERIFIED_FLAGS[name], None)

        def change(current: UserRecord) -> UserRecord:
            merged = {**current.attributes, **checked}
            for name in changed:
                if name not in pending and VERIFIED_FLAGS[name] not in checked:
                    merged[VERIFIED_FLAGS[name]] = "false"
            return attrs.evolve(current, attributes=merged, modified_at=self._rt.now())

        record = accounts.mutate(self._rt, config, self.id, record.username, change)
        auto = {a.value for a in config.auto_verified_attributes}
        for name in to_verify:
            if name not in auto:
                continue
            value = pending.get(name, record.attributes.get(name, ""))
            messages.send_code(
                self._rt,
                config,
                attrs.evolve(record, attributes={**record.attributes, name: value}),
                attribute=name,
                purpose=Purpose.UPDATE_USER_ATTRIBUTE,
                store_purpose=f"verify:{name}",
                ttl=messages.DAY,
                extra={"value": value},
            )

    def list_users(
        self,
        *,
        filter: str | None = None,
        limit: int = LIST_USERS_MAX,
        pagination_token: str | None = None,
        attributes_to_get: Iterable[str] | None = None,
    ) -> Page[User]:
        """Users matching ``filter`` (``'email ^= "ann"'``), at most ``limit`` (≤ 60) a page,
        ordered by the searched attribute (by username without a filter)."""
        v.integer("limit", limit, minimum=0, maximum=LIST_USERS_MAX)
        parsed = parse_filter(filter)
        _record, config = self._state()
        wanted = None
        if attributes_to_get is not None:
            wanted = frozenset(
                v.string_list("attributes_to_get", attributes_to_get, min_len=1, max_len=32)
            )
            for name in wanted:
                if name != "sub" and config.attribute(name) is None:
                    raise InvalidParameterError(
                        f"Attribute {name} does not exist in the schema.", field="attributes_to_get"
                    )
        now = self._rt.now()
        signature = [parsed.attribute, parsed.index_value, parsed.prefix] if parsed else None
        after: tuple[str, str] | None = None
        if pagination_token is not None:
            state = _paging.decode(pagination_token, "pagination_token", "users")
            if (
                state.get("pool") != self.id
                or state.get("filter") != signature
                or not isinstance(state.get("after"), list)
                or len(state["after"]) != 2
                or not isinstance(state.get("at"), int | float)
            ):
                raise InvalidParameterError("Invalid pagination token.", field="pagination_token")
            if now - state["at"] > PAGINATION_TOKEN_TTL:
                raise InvalidParameterError("Pagination token expired.", field="pagination_token")
            after = (str(state["after"][0]), str(state["after"][1]))
        if limit == 0:
            return Page((), None)
        if parsed is None:
            records = self._rt.store.list_users(self.id, after=after, limit=limit + 1)
        else:
            records = self._rt.store.list_users(
                self.id,
                attribute=parsed.attribute,
                value=parsed.index_value,
                prefix=parsed.prefix,
                after=after,
                limit=limit + 1,
            )
        page = records[:limit]
        token = None
        if len(records) > limit:
            last = page[-1]
            key = search_keys(last).get(parsed.attribute, "") if parsed else ""
            token = _paging.encode(
                {
                    "k": "users",
                    "pool": self.id,
                    "filter": signature,
                    "after": [key, last.username],
                    "at": now,
                }
            )
        users = tuple(
            User.from_record(r, readable=wanted | {"sub"} if wanted else None) for r in page
        )
        return Page(users, token)


def _check_mediums(attributes: Mapping[str, str], mediums: Iterable[Channel]) -> None:
    """An invitation asked for by email needs an email address.  (By SMS, the default,
    a user without a phone number is sent nothing, as Cognito does.)"""
    if Channel.EMAIL in mediums and not attributes.get("email"):
        raise InvalidParameterError(
            "No email provided but desired delivery medium was Email",
            field="desired_delivery_mediums",
        )


def sign_out(rt: Runtime, config: UserPoolConfig, record: UserRecord) -> None:
    """Global sign-out: every refresh token of the user dies, and with them their tokens."""
    now = rt.now()
    rt.store.revoke_user_refresh_tokens(record.pool_id, record.username, now)
    accounts.mutate(
        rt,
        config,
        record.pool_id,
        record.username,
        lambda current: attrs.evolve(current, signed_out_at=now),
    )

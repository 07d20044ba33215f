"""Issuing and verifying a pool's tokens: the claims of Cognito's ID and access tokens.

Signing and signature checks are delegated to ``cogkit.services.tokens``; this module
decides what goes into a token and what a valid one must say.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import attrs

from cogkit.domain._runtime import Runtime
from cogkit.domain.attributes import claim_value
from cogkit.domain.client import AppClient
from cogkit.domain.config import UserPoolConfig
from cogkit.errors import NotAuthorizedError
from cogkit.services.codes import secret_digest
from cogkit.services.tokens import TokenFormatError, TokenSignatureError
from cogkit.stores.records import GroupRecord, RefreshTokenRecord, UserRecord

__all__ = ["GroupClaims", "TokenVerificationError", "Tokens", "user_groups"]

ADMIN_SCOPE = "aws.cognito.signin.user.admin"


class TokenVerificationError(NotAuthorizedError):
    """A token failed verification; ``reason`` says which check (``"expired"``,
    ``"signature"``, ``"issuer"``, ``"token_use"``, ``"client"``, ``"revoked"``,
    ``"malformed"``)."""

    def __init__(self, message: str, *, reason: str) -> None:
        super().__init__(message)
        self.reason = reason


@attrs.frozen
class Tokens:
    """The tokens of a successful sign-in (Cognito's ``AuthenticationResultType``)."""

    access_token: str = attrs.field(repr=False)
    id_token: str = attrs.field(repr=False)
    refresh_token: str | None = attrs.field(repr=False)
    expires_in: int
    token_type: str = "Bearer"
    #: ``{"DeviceKey": ..., "DeviceGroupKey": ...}`` when a new device was tracked.
    new_device_metadata: Mapping[str, str] | None = None


@attrs.frozen
class Grant:
    """What a set of tokens stands for: the sign-in they descend from."""

    auth_time: int
    event_id: str
    origin_jti: str | None
    scopes: tuple[str, ...] = (ADMIN_SCOPE,)
    device_key: str | None = None


@attrs.frozen
class GroupClaims:
    """The groups a user's tokens carry (Cognito's ``groupConfiguration``):
    ``cognito:groups`` in both tokens, ``cognito:roles`` and ``cognito:preferred_role`` in
    the ID token."""

    groups: tuple[str, ...] = ()
    roles: tuple[str, ...] = ()
    preferred_role: str | None = None

    def as_event(self) -> dict[str, Any]:
        """The trigger event's ``groupConfiguration``."""
        return {
            "groupsToOverride": list(self.groups),
            "iamRolesToOverride": list(self.roles),
            "preferredRole": self.preferred_role,
        }


def user_groups(rt: Runtime, user: UserRecord) -> GroupClaims:
    """The groups of ``user`` as its tokens carry them, read from the store at each issue
    (membership changes show in the next sign-in or refresh, spec §13).

    This is the one place token issuing reads groups.  Groups come in precedence order
    (lowest first, groups without precedence last, then by name), as Cognito lists them
    (obs: AWS's own samples read ``cognito:groups[0]`` as the highest-ranked group).
    ``cognito:roles`` holds the role ARNs of those groups that have one;
    ``cognito:preferred_role`` the role of the group with the lowest precedence, omitted
    when the best groups tie with different roles (spec §5.2).
    """
    records = sorted(
        (
            record
            for name in rt.store.groups_of(user.pool_id, user.username)
            if (record := rt.store.get_group(user.pool_id, name)) is not None
        ),
        key=group_rank,
    )
    roles: list[str] = []
    for record in records:
        if record.role_arn is not None and record.role_arn not in roles:
            roles.append(record.role_arn)
    ranked = [r for r in records if r.role_arn is not None]
    preferred = None
    if ranked:
        best = group_rank(ranked[0])[0]
        candidates = {r.role_arn for r in ranked if group_rank(r)[0] == best}
        if len(candidates) == 1:
            preferred = candidates.pop()
    return GroupClaims(
        groups=tuple(r.name for r in records), roles=tuple(roles), preferred_role=preferred
    )


def group_rank(group: GroupRecord) -> tuple[float, str]:
    """How groups are ordered: by precedence (none is last), then by name."""
    return rank(group.precedence, group.name)


def rank(precedence: int | None, name: str) -> tuple[float, str]:
    return (math.inf if precedence is None else precedence, name)


def id_claims(config: UserPoolConfig, client: AppClient, user: UserRecord) -> dict[str, Any]:
    """The attribute claims of an ID token: every readable, non-empty attribute."""
    names = frozenset(a.name for a in config.schema)
    readable = client.readable(names)
    claims: dict[str, Any] = {}
    for name, value in user.attributes.items():
        if name in readable and value != "":
            claims[name] = claim_value(config.attribute(name), value)
    return claims


def issue(
    rt: Runtime,
    config: UserPoolConfig,
    client: AppClient,
    user: UserRecord,
    grant: Grant,
    *,
    with_refresh_token: bool,
    groups: GroupClaims | None = None,
    customize: Callable[[dict[str, Any], dict[str, Any]], None] | None = None,
) -> Tokens:
    """Signs an ID and an access token (and makes a refresh token when asked).

    ``groups`` are the group claims to carry; by default the user's groups
    (``user_groups``).  ``customize(id_claims, access_claims)`` may change the claims
    before they are signed (the pre token generation trigger's answer).
    """
    now = rt.now()
    iat = math.floor(now)
    settings = client.settings
    issuer = rt.issuer(client.pool_id)
    if groups is None:
        groups = user_groups(rt, user)
    common: dict[str, Any] = {"sub": user.sub}
    if groups.groups:
        common["cognito:groups"] = list(groups.groups)
    common["iss"] = issuer

    id_token: dict[str, Any] = dict(common)
    if groups.roles:
        id_token["cognito:roles"] = list(groups.roles)
    if groups.preferred_role is not None:
        id_token["cognito:preferred_role"] = groups.preferred_role
    id_token.update(id_claims(config, client, user))
    id_token["cognito:username"] = user.username
    if grant.origin_jti:
        id_token["origin_jti"] = grant.origin_jti
    id_token.update(
        {
            "aud": client.id,
            "event_id": grant.event_id,
            "token_use": "id",
            "auth_time": grant.auth_time,
            "exp": iat + settings.id_token_seconds,
            "iat": iat,
            "jti": rt.ids.uuid4(),
        }
    )

    access: dict[str, Any] = dict(common)
    if grant.device_key:
        access["device_key"] = grant.device_key
    access["client_id"] = client.id
    if grant.origin_jti:
        access["origin_jti"] = grant.origin_jti
    access.update(
        {
            "event_id": grant.event_id,
            "token_use": "access",
            "scope": " ".join(grant.scopes),
            "auth_time": grant.auth_time,
            "exp": iat + settings.access_token_seconds,
            "iat": iat,
            "jti": rt.ids.uuid4(),
            "username": user.username,
        }
    )

    if customize is not None:
        customize(id_token, access)

    refresh_token = None
    if with_refresh_token:
        refresh_token = rt.tokens.new_refresh_token()
        rt.store.put_refresh_token(
            RefreshTokenRecord(
                digest=secret_digest(refresh_token),
                # Without revocation a family id is still needed to find the token's kin.
                origin_jti=grant.origin_jti or rt.ids.uuid4(),
                pool_id=client.pool_id,
                client_id=client.id,
                username=user.username,
                auth_time=grant.auth_time,
                event_id=grant.event_id,
                issued_at=now,
                expires_at=now + settings.refresh_token_seconds,
                device_key=grant.device_key,
                extra={"scopes": list(grant.scopes), "revocable": grant.origin_jti is not None},
            )
        )
    return Tokens(
        access_token=rt.tokens.sign(rt.signer(client.pool_id, "access"), access),
        id_token=rt.tokens.sign(rt.signer(client.pool_id, "id"), id_token),
        refresh_token=refresh_token,
        expires_in=settings.access_token_seconds,
        new_device_metadata=None,
    )


_KIND = {"access": "Access Token", "id": "Id Token"}


def verify(
    rt: Runtime,
    pool_id: str,
    token: Any,
    *,
    token_use: str | None = None,
    client_ids: Iterable[str] | None = None,
    leeway: float = 0,
    check_revocation: bool = True,
) -> dict[str, Any]:
    """The claims of a token this pool issued, after every check Cognito makes.

    Refuses other algorithms (``none``, HS256 key confusion), unknown keys, tampering,
    another issuer, the wrong ``token_use`` or client, expiry (with ``leeway`` seconds of
    tolerance) and, unless told not to, revoked or globally signed-out tokens.
    """
    kind = _KIND.get(token_use or "", "Token")
    if not isinstance(token, str) or not token:
        raise TokenVerificationError(f"Invalid {kind}", reason="malformed")
    try:
        header = rt.tokens.unverified_header(token)
        found = rt.verifier(pool_id, header["kid"])
        if found is None:
            raise TokenVerificationError(f"Invalid {kind}", reason="signature")
        claims = rt.tokens.verify_signature(token, found[1])
    except TokenFormatError as exc:
        raise TokenVerificationError(f"Invalid {kind}", reason="malformed") from exc
    except TokenSignatureError as exc:
        raise TokenVerificationError(f"Invalid {kind}", reason="signature") from exc
    use = claims.get("token_use")
    if claims.get("iss") != rt.issuer(pool_id) or use not in ("id", "access"):
        raise TokenVerificationError(f"Invalid {kind}", reason="issuer")
    if found[0].use != use:
        raise TokenVerificationError(f"Invalid {kind}", reason="signature")
    if token_use is not None and use != token_use:
        raise TokenVerificationError(f"Invalid {kind}", reason="token_use")
    kind = _KIND[use]
    exp = claims.get("exp")
    if not isinstance(exp, int | float) or isinstance(exp, bool):
        raise TokenVerificationError(f"Invalid {kind}", reason="malformed")
    if rt.now() >= exp + leeway:
        raise TokenVerificationError(f"{kind} has expired", reason="expired")
    if client_ids is not None:
        allowed = {client_ids} if isinstance(client_ids, str) else set(client_ids)
        audience = claims.get("aud") if use == "id" else claims.get("client_id")
        if audience not in allowed:
            raise TokenVerificationError(f"Invalid {kind}", reason="client")
    if check_revocation and is_revoked(rt, pool_id, claims):
        raise TokenVerificationError(f"{kind} has been revoked", reason="revoked")
    return claims


def is_revoked(
    rt: Runtime, pool_id: str, claims: Mapping[str, Any], *, user: UserRecord | None = None
) -> bool:
    """Whether the token's refresh family was revoked or its user signed out globally.

    ``user`` is the token's user when the caller has already read it.
    """
    origin = claims.get("origin_jti")
    if isinstance(origin, str):
        family = rt.store.find_refresh_family(origin)
        if family is not None and family.revoked_at is not None:
            return True
        return family is None
    username = claims.get("cognito:username", claims.get("username"))
    if not isinstance(username, str):
        return False
    if user is None or user.username != username:
        user = rt.store.get_user(pool_id, username)
    if user is None or user.sub != claims.get("sub"):
        # Deleting a user deletes its refresh tokens, so tokens with an origin_jti die with
        # it; these die too, even when a new user has taken the name since.
        return True
    iat = claims.get("iat", 0)
    # fidelity: tokens without origin_jti (revocation disabled on the client) cannot be
    # tied to a refresh token; a global sign-out revokes those issued before it.
    return user.signed_out_at is not None and iat < math.floor(user.signed_out_at)

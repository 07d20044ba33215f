"""Issuing a sign-in's tokens through the pre token generation trigger (spec §5, §6.4).

``issue_tokens`` is how every flow issues tokens: it reads the user's groups, runs the
pool's ``PreTokenGeneration`` handler (event version 1, 2 or 3 by the pool's
``lambda_config``) and applies its answer exactly as Cognito does:

- ``claimsToAddOrOverride`` sets claims, ``claimsToSuppress`` removes them (a claim both
  set and suppressed is suppressed); V1 changes the ID token only, V2/V3 both tokens;
- ``groupOverrideDetails``, when given, replaces ``cognito:groups`` in both tokens and
  ``cognito:roles``/``cognito:preferred_role`` in the ID token (an empty or null one
  removes them);
- ``scopesToAdd``/``scopesToSuppress`` (V2/V3) change the access token's ``scope``;
- claims Cognito sets itself (``sub``, ``aud``, ``iss``, ``token_use``, ``exp``, ...)
  and the ``cognito:`` claims cannot be set or suppressed.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import attrs

from cogkit.domain import tokens as token_rules
from cogkit.domain import trigger_events
from cogkit.domain._runtime import Runtime
from cogkit.domain.client import AppClient
from cogkit.domain.config import UserPoolConfig
from cogkit.domain.enums import LambdaVersion
from cogkit.domain.tokens import Grant, GroupClaims, Tokens, user_groups
from cogkit.domain.triggers import Trigger, str_list
from cogkit.errors import InvalidLambdaResponseError
from cogkit.stores.records import UserRecord

__all__: list[str] = []

#: Trigger sources (``TokenGeneration_AuthenticateDevice`` comes with device tracking and
#: ``TokenGeneration_HostedAuth`` with the hosted UI).
AUTHENTICATION = "TokenGeneration_Authentication"
NEW_PASSWORD_CHALLENGE = "TokenGeneration_NewPasswordChallenge"
REFRESH_TOKENS = "TokenGeneration_RefreshTokens"
AUTHENTICATE_DEVICE = "TokenGeneration_AuthenticateDevice"

#: Claims Cognito sets itself in both tokens; a handler can neither set nor suppress them.
PROTECTED_CLAIMS = frozenset(
    {
        "acr",
        "amr",
        "aud",
        "at_hash",
        "auth_time",
        "azp",
        "cognito:username",
        "exp",
        "iat",
        "identities",
        "iss",
        "jti",
        "nbf",
        "nonce",
        "origin_jti",
        "sub",
        "token_use",
    }
)
#: Also fixed in access tokens: the client, the user and the scopes (changed only through
#: ``scopesToAdd``/``scopesToSuppress``).
PROTECTED_ACCESS_CLAIMS = PROTECTED_CLAIMS | {"client_id", "scope", "username"}
#: ID-token claims whose values cannot be objects or arrays (V2/V3).
SCALAR_ID_CLAIMS = frozenset({"email_verified", "phone_number_verified", "updated_at", "address"})
_EVENT_VERSIONS = {LambdaVersion.V1_0: "1", LambdaVersion.V2_0: "2", LambdaVersion.V3_0: "3"}


@attrs.frozen
class _TokenChanges:
    add: Mapping[str, Any] = attrs.field(factory=dict)
    suppress: frozenset[str] = frozenset()


@attrs.frozen
class Overrides:
    """A pre token generation answer, checked."""

    id_token: _TokenChanges = _TokenChanges()
    access_token: _TokenChanges = _TokenChanges()
    #: ``None`` leaves the groups as they are.
    groups: GroupClaims | None = None
    scopes_to_add: tuple[str, ...] = ()
    scopes_to_suppress: frozenset[str] = frozenset()


def issue_tokens(
    rt: Runtime,
    config: UserPoolConfig,
    client: AppClient,
    user: UserRecord,
    grant: Grant,
    *,
    source: str,
    with_refresh_token: bool,
    client_metadata: Mapping[str, str] | None = None,
) -> Tokens:
    """The tokens of ``grant``, as the pool's pre token generation trigger shapes them."""
    groups = user_groups(rt, user)
    overrides = _run(rt, config, client, user, grant, groups, source, client_metadata)
    if overrides is None:
        return token_rules.issue(
            rt,
            config,
            client,
            user,
            grant,
            with_refresh_token=with_refresh_token,
            groups=groups,
        )
    final_groups = groups if overrides.groups is None else overrides.groups

    def customize(id_token: dict[str, Any], access: dict[str, Any]) -> None:
        _apply_groups(id_token, access, final_groups)
        _apply(id_token, overrides.id_token)
        _apply(access, overrides.access_token)
        scopes = [s for s in grant.scopes if s not in overrides.scopes_to_suppress]
        scopes += [
            s
            for s in overrides.scopes_to_add
            if s not in scopes and s not in overrides.scopes_to_suppress
        ]
        access["scope"] = " ".join(scopes)

    return token_rules.issue(
        rt,
        config,
        client,
        user,
        grant,
        with_refresh_token=with_refresh_token,
        groups=final_groups,
        customize=customize,
    )


def _run(
    rt: Runtime,
    config: UserPoolConfig,
    client: AppClient,
    user: UserRecord,
    grant: Grant,
    groups: GroupClaims,
    source: str,
    client_metadata: Mapping[str, str] | None,
) -> Overrides | None:
    found = trigger_events.handler_for(rt, config, user.pool_id, Trigger.PRE_TOKEN_GENERATION)
    if found is None:
        return None
    version = config.lambda_config.pre_token_generation_version
    request: dict[str, Any] = {
        "userAttributes": trigger_events.user_attributes(config, user),
        "groupConfiguration": groups.as_event(),
    }
    if version is not LambdaVersion.V1_0:
        request["scopes"] = list(grant.scopes)
    v1 = version is LambdaVersion.V1_0
    key = "claimsOverrideDetails" if v1 else "claimsAndScopeOverrideDetails"
    response = trigger_events.invoke(
        rt,
        config,
        user.pool_id,
        Trigger.PRE_TOKEN_GENERATION,
        source,
        username=user.username,
        client_id=client.id,
        request=trigger_events.with_metadata(request, client_metadata),
        response={key: None},
        version=_EVENT_VERSIONS[version],
        found=found,
    )
    assert response is not None
    details = _mapping(response.get(key))
    if details is None:
        return Overrides()
    groups_given = "groupOverrideDetails" in details
    override_groups = _group_override(details.get("groupOverrideDetails")) if groups_given else None
    if version is LambdaVersion.V1_0:
        return Overrides(
            id_token=_changes(details, "ID", PROTECTED_CLAIMS, strings_only=True),
            groups=override_groups,
        )
    id_part = _mapping(details.get("idTokenGeneration"))
    access_part = _mapping(details.get("accessTokenGeneration"))
    return Overrides(
        id_token=_changes(id_part or {}, "ID", PROTECTED_CLAIMS, strings_only=False),
        access_token=_changes(
            access_part or {}, "access", PROTECTED_ACCESS_CLAIMS, strings_only=False
        ),
        groups=override_groups,
        scopes_to_add=tuple(str_list(access_part or {}, "scopesToAdd") or ()),
        scopes_to_suppress=frozenset(str_list(access_part or {}, "scopesToSuppress") or ()),
    )


def _mapping(value: Any) -> Mapping[str, Any] | None:
    if value is None:
        return None
    if not isinstance(value, Mapping):
        raise InvalidLambdaResponseError("Unrecognizable lambda output")
    return value


def _changes(
    details: Mapping[str, Any], token: str, protected: frozenset[str], *, strings_only: bool
) -> _TokenChanges:
    add = _mapping(details.get("claimsToAddOrOverride")) or {}
    suppress = str_list(details, "claimsToSuppress") or []
    for name, value in add.items():
        if not isinstance(name, str) or not name:
            raise InvalidLambdaResponseError("Unrecognizable lambda output")
        if strings_only and not isinstance(value, str):
            raise InvalidLambdaResponseError(
                f"PreTokenGeneration V1_0 claim values must be strings, not {_kind(value)} "
                f"({name})."
            )
        if not strings_only and not _is_json(value):
            raise InvalidLambdaResponseError(
                f"PreTokenGeneration claim {name} is not a JSON value."
            )
        if token == "ID" and name in SCALAR_ID_CLAIMS and isinstance(value, list | dict):
            raise InvalidLambdaResponseError(
                f"PreTokenGeneration cannot set the {name} claim to an object or array."
            )
    for name in [*add, *suppress]:
        # fidelity: Cognito documents these claims as ones a handler cannot change; cogkit
        # refuses an answer that tries (InvalidLambdaResponse) instead of leaving the claim
        # as it is, so a handler that would silently do nothing fails where it is tested.
        if name in protected or name.startswith("cognito:"):
            raise InvalidLambdaResponseError(
                f"PreTokenGeneration cannot add, override or suppress the {name} claim of "
                f"the {token} token."
            )
    return _TokenChanges(add=dict(add), suppress=frozenset(suppress))


def _group_override(value: Any) -> GroupClaims:
    """``groupOverrideDetails``: an empty or null object removes the groups."""
    details = _mapping(value) or {}
    preferred = details.get("preferredRole")
    if preferred is not None and not isinstance(preferred, str):
        raise InvalidLambdaResponseError("Unrecognizable lambda output")
    return GroupClaims(
        groups=tuple(str_list(details, "groupsToOverride") or ()),
        roles=tuple(str_list(details, "iamRolesToOverride") or ()),
        preferred_role=preferred,
    )


def _apply_groups(id_token: dict[str, Any], access: dict[str, Any], groups: GroupClaims) -> None:
    for claims in (id_token, access):
        claims.pop("cognito:groups", None)
        if groups.groups:
            claims["cognito:groups"] = list(groups.groups)
    id_token.pop("cognito:roles", None)
    id_token.pop("cognito:preferred_role", None)
    if groups.roles:
        id_token["cognito:roles"] = list(groups.roles)
    if groups.preferred_role:
        id_token["cognito:preferred_role"] = groups.preferred_role


def _apply(claims: dict[str, Any], changes: _TokenChanges) -> None:
    claims.update(changes.add)
    for name in changes.suppress:
        claims.pop(name, None)


def _is_json(value: Any) -> bool:
    try:
        json.dumps(value, allow_nan=False)
    except (TypeError, ValueError):
        return False
    return True


def _kind(value: Any) -> str:
    return type(value).__name__

"""``WEB_AUTHN``: signing in with a passkey, a first factor of ``USER_AUTH`` (spec §3.7,
§8.6).

The challenge carries ``CREDENTIAL_REQUEST_OPTIONS`` (the JSON form of
``PublicKeyCredentialRequestOptions``: a fresh challenge, the relying party ID, the user's
passkeys and whether the user must be verified); the answer ``CREDENTIAL`` is the
browser's ``AuthenticationResponseJSON``.  The answer is checked as WebAuthn §7.2 says:
one of the user's passkeys, ``webauthn.get`` client data with this challenge and an origin
of the relying party, authenticator data for that relying party with user presence (and
verification when required), a signature by the stored key over authenticator data and
the client data's hash, and a signature counter that moved forward.  The challenge is
used up by the first answer, right or wrong.

A passkey is something the user has, unlocked on the user's own device, so like a one-time
code it needs no MFA after it; in a pool that requires MFA it is offered only as the
user's passkey MFA (``FactorConfiguration`` ``MULTI_FACTOR_WITH_USER_VERIFICATION``) and
must then verify the user.  The sign-in then goes on as every other: status gates,
triggers, auth events, tokens.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

import attrs

from cogkit.domain import _accounts as accounts
from cogkit.domain import passkeys
from cogkit.domain.auth import AuthFlow, AuthResult, _Attempt
from cogkit.domain.enums import ChallengeName
from cogkit.errors import InvalidParameterError, NotAuthorizedError, StoreConflictError
from cogkit.services import webauthn as wa
from cogkit.stores.records import PasskeyRecord, SessionRecord

__all__: list[str] = []

FIELD = "CREDENTIAL"
REFUSED = "Incorrect username or passkey."


def challenge(flow: AuthFlow, attempt: _Attempt) -> AuthResult:
    """Opens the ``WEB_AUTHN`` challenge for the user's passkeys."""
    rt, config, record = flow._rt, attempt.config, attempt.user
    rp_id = passkeys.relying_party_id(rt, record.pool_id, config)
    value = wa.b64url_encode(rt.ids.token_bytes(32))
    required = passkeys.verification_required(config, record)
    options = {
        "challenge": value,
        "timeout": attempt.client.settings.auth_session_validity * 60 * 1000,
        "rpId": rp_id,
        # Only passkeys of the pool's current relying party can answer.
        "allowCredentials": passkeys.descriptors(
            [p for p in passkeys.stored(rt, record) if p.relying_party_id == rp_id]
        ),
        "userVerification": "required" if required else "preferred",
    }
    return flow._challenge(
        attempt,
        ChallengeName.WEB_AUTHN,
        {"CREDENTIAL_REQUEST_OPTIONS": json.dumps(options, separators=(",", ":"))},
        {
            "passkey": {
                "challenge": passkeys.challenge_digest(value),
                "rp_id": rp_id,
                "uv": required,
            }
        },
    )


def _answer(
    flow: AuthFlow, attempt: _Attempt, stored: SessionRecord, answers: Mapping[str, str]
) -> AuthResult:
    given = passkeys.document(flow._param(answers, FIELD), FIELD)
    raw_id, response = passkeys.response_of(given, FIELD)
    data = passkeys.checked_client_data(response, FIELD, "webauthn.get")
    auth_raw = passkeys.binary(response, "authenticatorData", FIELD)
    signature = passkeys.binary(response, "signature", FIELD)
    try:
        auth = wa.parse_authenticator_data(auth_raw)
    except wa.WebAuthnFormatError as exc:
        raise InvalidParameterError(f"{FIELD}: {exc}", field=FIELD) from None
    # The challenge answers once: whatever follows, this session is used up.
    # fidelity: a refused passkey does not count toward the password lockout (Cognito
    # does not say that it does); each refusal ends the sign-in's session.
    flow._take(stored)
    expected = stored.state.get("passkey") or {}
    rp_id = str(expected.get("rp_id"))
    credential_id = wa.b64url_encode(raw_id)
    item = passkeys.find(flow._rt, attempt.user, credential_id)
    if item is None:
        raise NotAuthorizedError(REFUSED)
    if passkeys.challenge_digest(data.challenge) != expected.get("challenge"):
        raise NotAuthorizedError("The passkey answered another challenge.")
    if not passkeys.origin_allowed(data.origin, rp_id) or data.cross_origin:
        raise NotAuthorizedError(f"The origin is not allowed for the relying party {rp_id}.")
    if not auth.matches(rp_id) or item.relying_party_id != rp_id:
        raise NotAuthorizedError(f"The passkey is not for the relying party {rp_id}.")
    if not auth.user_present:
        raise NotAuthorizedError("The authenticator did not confirm user presence.")
    if expected.get("uv") and not auth.user_verified:
        raise NotAuthorizedError("The user pool requires the passkey to verify the user.")
    try:
        key = wa.cose_key(wa.b64url_decode(item.public_key, "public_key"))
    except (wa.WebAuthnFormatError, wa.UnsupportedCredentialError):
        raise NotAuthorizedError(REFUSED) from None
    if not key.verify(signature, auth_raw + data.hash):
        raise NotAuthorizedError(REFUSED)
    _count(flow, item, auth.sign_count)
    # fidelity: whether Cognito asks a user with MFA for a code after a single-factor
    # passkey is undocumented; cogkit treats the passkey like a one-time code (no MFA
    # after it), and where MFA is required offers it only as passkey MFA.
    context = {**attempt.context, "mfa_done": True}
    return flow._after_first_factor(attrs.evolve(attempt, context=context))


def _count(flow: AuthFlow, passkey: PasskeyRecord, count: int) -> None:
    """Keeps the passkey's new signature counter; a counter that did not move forward
    (when either is nonzero) means a cloned authenticator (WebAuthn §6.1.1, §7.2 step 21)."""
    rt = flow._rt
    for _attempt in range(accounts.RETRIES):
        current = rt.store.get_passkey(passkey.pool_id, passkey.credential_id)
        if current is None or current.username != passkey.username:
            raise NotAuthorizedError(REFUSED)
        if (count or current.sign_count) and count <= current.sign_count:
            raise NotAuthorizedError(
                "The passkey's signature counter went backwards: the authenticator may be cloned."
            )
        if count == current.sign_count:
            return
        changed = attrs.evolve(current, sign_count=count, modified_at=rt.now())
        try:
            rt.store.update_passkey(changed, expected_version=current.version)
        except StoreConflictError:
            continue
        return
    raise StoreConflictError(f"passkey {passkey.credential_id} is being changed concurrently")


AuthFlow.CHALLENGES[ChallengeName.WEB_AUTHN] = _answer

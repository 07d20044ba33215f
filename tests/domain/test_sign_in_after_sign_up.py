"""Signing in right after confirming: ConfirmSignUp's session turned into tokens with
USER_AUTH, once, through the same client, within the session's validity."""

from __future__ import annotations

import pytest

from cogkit import Cognito, UserStatus
from cogkit.domain.auth import AuthResult
from cogkit.errors import (
    CodeMismatchError,
    InvalidParameterError,
    NotAuthorizedError,
    UserLambdaValidationError,
)
from tests.domain.conftest import MfaKit, mfa_pool
from tests.helpers import PASSWORD, Recorder, jwt_part, raises

EVERY_FACTOR = {"allowed_first_auth_factors": ["PASSWORD", "EMAIL_OTP", "SMS_OTP"]}
INVALID = "Invalid session for the user."
EXPIRED = "Invalid session for the user, session is expired."


@pytest.fixture
def skit(svc: Cognito) -> MfaKit:
    return mfa_pool(svc, sign_in_policy=EVERY_FACTOR)


def confirm(kit: MfaKit, username: str = "ann", password: str | None = None) -> str:
    """Signs up and confirms ``username``; returns ConfirmSignUp's session."""
    kit.sign_up(username, password, email=f"{username}@example.com")
    return kit.auth.confirm_sign_up(kit.client.id, username, kit.code(f"{username}@example.com"))


def resume(
    kit: MfaKit, session: str, username: str = "ann", *, client_id: str | None = None
) -> AuthResult:
    return kit.auth.initiate(
        client_id or kit.client.id, "USER_AUTH", USERNAME=username, session=session
    )


def test_the_confirmation_session_signs_the_user_in(skit: MfaKit) -> None:
    result = resume(skit, confirm(skit))
    assert result.tokens is not None
    claims = jwt_part(result.tokens.access_token, 1)
    assert claims["username"] == "ann"
    assert claims["auth_time"] == int(skit.clock.now())
    assert result.tokens.refresh_token


def test_a_user_with_a_password_signs_in_the_same_way(skit: MfaKit) -> None:
    assert resume(skit, confirm(skit, password=PASSWORD)).tokens is not None


def test_admin_initiate_takes_the_session_too(skit: MfaKit) -> None:
    session = confirm(skit)
    result = skit.auth.admin_initiate(skit.client.id, "USER_AUTH", USERNAME="ann", session=session)
    assert result.tokens is not None


def test_sign_up_gives_a_session_confirm_sign_up_accepts(skit: MfaKit) -> None:
    signed_up = skit.sign_up("ann", None)
    assert signed_up.session
    session = skit.auth.confirm_sign_up(
        skit.client.id, "ann", skit.code(), session=signed_up.session
    )
    assert resume(skit, session).tokens is not None


def test_an_auto_confirmed_sign_up_gives_no_session(skit: MfaKit) -> None:
    skit.pool.trigger("PreSignUp", Recorder({"autoConfirmUser": True}))
    assert skit.sign_up("ann", None).session is None


def test_a_client_without_user_auth_gets_no_sessions(skit: MfaKit) -> None:
    client = skit.pool.create_client("legacy", explicit_auth_flows=["ALLOW_USER_SRP_AUTH"])
    assert skit.sign_up("ann", PASSWORD, client=client).session is None
    assert skit.auth.confirm_sign_up(client.id, "ann", skit.code()) is None
    assert list(skit.svc.store.list_sessions(skit.pool.id, after=None, limit=5)) == []


def test_the_session_stands_for_mfa_in_a_pool_that_requires_it(svc: Cognito) -> None:
    # Required MFA excludes passwordless codes: the user has a password here.
    kit = mfa_pool(svc, mfa_configuration="ON")
    assert resume(kit, confirm(kit, password=PASSWORD)).tokens is not None


def test_the_sign_in_runs_the_authentication_triggers(skit: MfaKit) -> None:
    session = confirm(skit)
    pre = skit.pool.trigger("PreAuthentication", Recorder())
    post = skit.pool.trigger("PostAuthentication", Recorder())
    tokens = skit.pool.trigger("PreTokenGeneration", Recorder())
    skit.auth.initiate(
        skit.client.id,
        "USER_AUTH",
        USERNAME="ann",
        session=session,
        client_metadata={"app": "web"},
    )
    assert pre.event["request"]["validationData"] == {"app": "web"}
    assert post.event["triggerSource"] == "PostAuthentication_Authentication"
    assert tokens.event["triggerSource"] == "TokenGeneration_Authentication"


def test_a_refusing_pre_authentication_leaves_the_session_usable(skit: MfaKit) -> None:
    session = confirm(skit)
    refusing = skit.pool.trigger("PreAuthentication", Recorder(error=ValueError("closed")))
    with raises(UserLambdaValidationError):
        resume(skit, session)
    refusing.error = None
    assert resume(skit, session).tokens is not None


def test_the_sign_in_is_recorded_as_an_auth_event(svc: Cognito) -> None:
    kit = mfa_pool(svc, sign_in_policy=EVERY_FACTOR, tier="PLUS", advanced_security_mode="AUDIT")
    resume(kit, confirm(kit))
    events = kit.pool.admin_list_user_auth_events("ann")
    # Both events happen at the same frozen instant, so their order is not asserted.
    assert sorted((e.type.value, e.response.value) for e in events) == [
        ("SignIn", "Pass"),
        ("SignUp", "Pass"),
    ]


def test_a_preferred_challenge_given_with_the_session_changes_nothing(skit: MfaKit) -> None:
    session = confirm(skit)
    result = skit.auth.initiate(
        skit.client.id,
        "USER_AUTH",
        USERNAME="ann",
        PREFERRED_CHALLENGE="EMAIL_OTP",
        session=session,
    )
    assert result.tokens is not None
    # No code went out for it: the last message is still the confirmation code.
    assert len(skit.svc.outbox) == 1


def test_a_client_with_a_secret_needs_the_secret_hash(skit: MfaKit) -> None:
    client = skit.pool.create_client(
        "server", generate_secret=True, explicit_auth_flows=["ALLOW_USER_AUTH"]
    )
    skit.sign_up("ann", None, client=client, secret_hash=client.secret_hash("ann"))
    session = skit.auth.confirm_sign_up(
        client.id, "ann", skit.code(), secret_hash=client.secret_hash("ann")
    )
    assert session is not None
    with raises(NotAuthorizedError):
        resume(skit, session, client_id=client.id)
    result = skit.auth.initiate(
        client.id,
        "USER_AUTH",
        USERNAME="ann",
        SECRET_HASH=client.secret_hash("ann"),
        session=session,
    )
    assert result.tokens is not None


# -- refusals --------------------------------------------------------------------------


def test_the_session_is_used_once(skit: MfaKit) -> None:
    session = confirm(skit)
    resume(skit, session)
    with raises(NotAuthorizedError, INVALID):
        resume(skit, session)


def test_the_session_expires_with_the_clients_auth_session_validity(skit: MfaKit) -> None:
    session = confirm(skit)
    skit.clock.advance(3 * 60)
    with raises(NotAuthorizedError, EXPIRED):
        resume(skit, session)


def test_a_longer_auth_session_validity_keeps_the_session_longer(skit: MfaKit) -> None:
    client = skit.pool.update_client(skit.client.id, auth_session_validity=15)
    skit.client = client
    session = confirm(skit)
    skit.clock.advance(14 * 60)
    assert resume(skit, session).tokens is not None


def test_another_client_cannot_use_the_session(skit: MfaKit) -> None:
    session = confirm(skit)
    other = skit.pool.create_client("other", explicit_auth_flows=["ALLOW_USER_AUTH"])
    with raises(NotAuthorizedError, INVALID):
        resume(skit, session, client_id=other.id)
    assert resume(skit, session).tokens is not None


@pytest.mark.parametrize("flow", ["USER_PASSWORD_AUTH", "USER_SRP_AUTH", "REFRESH_TOKEN_AUTH"])
def test_another_flow_cannot_use_the_session(skit: MfaKit, flow: str) -> None:
    session = confirm(skit)
    with raises(InvalidParameterError, field="session"):
        skit.auth.initiate(
            skit.client.id, flow, USERNAME="ann", PASSWORD=PASSWORD, SRP_A="1", session=session
        )
    assert resume(skit, session).tokens is not None


def test_another_username_cannot_use_the_session(skit: MfaKit) -> None:
    session = confirm(skit)
    confirm(skit, "bob")
    with raises(NotAuthorizedError, INVALID):
        resume(skit, session, "bob")
    with raises(NotAuthorizedError, INVALID):
        resume(skit, session, "nobody")
    assert resume(skit, session).tokens is not None


def test_the_session_needs_a_username(skit: MfaKit) -> None:
    session = confirm(skit)
    with raises(InvalidParameterError, field="USERNAME"):
        skit.auth.initiate(skit.client.id, "USER_AUTH", session=session)


def test_the_email_of_an_email_username_pool_names_the_user(svc: Cognito) -> None:
    kit = mfa_pool(svc, sign_in_policy=EVERY_FACTOR, username_attributes=["email"])
    kit.sign_up("ann@example.com", None, email=None)
    session = kit.auth.confirm_sign_up(kit.client.id, "ann@example.com", kit.code())
    assert resume(kit, session, "ann@example.com").tokens is not None


def test_a_sign_up_session_does_not_sign_in(skit: MfaKit) -> None:
    signed_up = skit.sign_up("ann", None)
    assert signed_up.session is not None
    skit.auth.confirm_sign_up(skit.client.id, "ann", skit.code())
    with raises(NotAuthorizedError, INVALID):
        resume(skit, signed_up.session)


def test_a_challenge_session_does_not_sign_in(skit: MfaKit) -> None:
    confirm(skit)
    started = skit.auth.initiate(skit.client.id, "USER_AUTH", USERNAME="ann")
    assert started.session is not None
    with raises(NotAuthorizedError, INVALID):
        resume(skit, started.session)


def test_the_confirmation_session_answers_no_challenge(skit: MfaKit) -> None:
    session = confirm(skit)
    with raises(NotAuthorizedError, INVALID):
        skit.auth.respond(
            skit.client.id, "EMAIL_OTP", session=session, USERNAME="ann", EMAIL_OTP_CODE="1"
        )
    assert resume(skit, session).tokens is not None


def test_a_disabled_user_cannot_use_the_session(skit: MfaKit) -> None:
    session = confirm(skit)
    skit.pool.admin_disable_user("ann")
    with raises(NotAuthorizedError, "User is disabled."):
        resume(skit, session)


def test_a_user_made_to_reset_its_password_cannot_use_the_session(skit: MfaKit) -> None:
    session = confirm(skit, password=PASSWORD)
    skit.pool.admin_reset_user_password("ann")
    with raises(Exception) as info:
        resume(skit, session)
    assert getattr(info.value, "code", None) == "PasswordResetRequiredException"


def test_a_user_deleted_and_signed_up_again_cannot_use_the_old_session(skit: MfaKit) -> None:
    session = confirm(skit)
    skit.pool.admin_delete_user("ann")
    skit.sign_up("ann", None)
    skit.pool.admin_confirm_sign_up("ann")
    with raises(NotAuthorizedError, INVALID):
        resume(skit, session)


@pytest.mark.parametrize("bad", ["short", 5, "x" * 2049])
def test_a_malformed_session_is_invalid_input(skit: MfaKit, bad: object) -> None:
    confirm(skit)
    with raises(InvalidParameterError, field="session"):
        skit.auth.initiate(skit.client.id, "USER_AUTH", USERNAME="ann", session=bad)  # type: ignore[arg-type]


def test_an_unknown_session_is_not_authorized(skit: MfaKit) -> None:
    confirm(skit)
    with raises(NotAuthorizedError, INVALID):
        resume(skit, "s" * 40)


# -- ConfirmSignUp with SignUp's session -----------------------------------------------


def test_confirm_sign_up_refuses_another_users_sign_up_session(skit: MfaKit) -> None:
    skit.sign_up("ann", None)
    bob = skit.sign_up("bob", None, email="bob@example.com")
    assert bob.session is not None
    with raises(NotAuthorizedError, INVALID):
        skit.auth.confirm_sign_up(skit.client.id, "ann", skit.code(), session=bob.session)
    assert skit.pool.admin_get_user("ann").status is UserStatus.UNCONFIRMED


def test_confirm_sign_up_refuses_a_sign_up_session_of_another_client(skit: MfaKit) -> None:
    other = skit.pool.create_client("other", explicit_auth_flows=["ALLOW_USER_AUTH"])
    signed_up = skit.sign_up("ann", None, client=other)
    assert signed_up.session is not None
    with raises(NotAuthorizedError, INVALID):
        skit.auth.confirm_sign_up(skit.client.id, "ann", skit.code(), session=signed_up.session)
    assert skit.pool.admin_get_user("ann").status is UserStatus.UNCONFIRMED


def test_confirm_sign_up_uses_the_sign_up_session_up(skit: MfaKit) -> None:
    signed_up = skit.sign_up("ann", None)
    assert signed_up.session is not None
    confirmed = skit.auth.confirm_sign_up(
        skit.client.id, "ann", skit.code(), session=signed_up.session
    )
    assert confirmed is not None
    # What the store keeps is the confirmation's session alone.
    kept = list(skit.svc.store.list_sessions(skit.pool.id, after=None, limit=5))
    assert [s.challenge for s in kept] == ["CONFIRM_SIGN_UP"]


def test_confirm_sign_up_refuses_an_expired_sign_up_session(skit: MfaKit) -> None:
    signed_up = skit.sign_up("ann", None)
    assert signed_up.session is not None
    skit.clock.advance(3 * 60)
    with raises(NotAuthorizedError, EXPIRED):
        skit.auth.confirm_sign_up(skit.client.id, "ann", skit.code(), session=signed_up.session)
    # Without the session the code still confirms.
    assert skit.auth.confirm_sign_up(skit.client.id, "ann", skit.code())


def test_confirm_sign_up_with_a_wrong_code_keeps_the_sign_up_session(skit: MfaKit) -> None:
    signed_up = skit.sign_up("ann", None)
    assert signed_up.session is not None
    with raises(CodeMismatchError):
        skit.auth.confirm_sign_up(skit.client.id, "ann", "000000", session=signed_up.session)
    code = skit.code()
    assert skit.auth.confirm_sign_up(skit.client.id, "ann", code, session=signed_up.session)


def test_confirm_sign_up_refuses_a_malformed_session(skit: MfaKit) -> None:
    skit.sign_up("ann", None)
    with raises(InvalidParameterError, field="session"):
        skit.auth.confirm_sign_up(skit.client.id, "ann", skit.code(), session="short")
    assert skit.pool.admin_get_user("ann").status is UserStatus.UNCONFIRMED

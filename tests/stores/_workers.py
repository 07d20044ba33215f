"""What the processes of ``test_reliability`` run.

Each function is one process's part in a race: it opens the shared store through
``cogkit.Cognito.open``, waits at a barrier shared by every racer so that all of them act
at the same moment, acts once, and reports the outcome as a string (``"ok"`` or the
Cognito error code), which crosses the process boundary easily.
"""

from __future__ import annotations

from typing import Any

import cogkit
from cogkit.errors import CognitoError
from cogkit.services.passwords import PasslibHasher, PasswordProfile

PASSWORD = "Correct-horse-1"
#: Seconds a racer waits for the others before the test is declared broken.
WAIT = 120.0

_barrier: Any = None
_event: Any = None


def run(task: tuple[Any, Any, Any, Any]) -> Any:
    """One racer's task: ``(function, barrier, event, arguments)``.  The barrier and event
    are manager proxies, fresh for every race, so one pool of processes serves them all."""
    global _barrier, _event  # the synchronisation objects of the race being run
    work, _barrier, _event, arguments = task
    return work(arguments)


def open_service(url: str, **options: Any) -> cogkit.Cognito:
    if "hasher" not in options:
        options["password_profile"] = PasswordProfile.CHEAP
    return cogkit.Cognito.open(url, **options)


def outcome(action: Any) -> str:
    try:
        action()
    except CognitoError as exc:
        return exc.code
    return "ok"


def sign_up(args: tuple[str, str, str, str, dict[str, str]]) -> str:
    url, pool_id, client_id, username, attributes = args
    with open_service(url) as svc:
        auth = svc.user_pool(pool_id).auth
        _barrier.wait(WAIT)
        return outcome(lambda: auth.sign_up(client_id, username, PASSWORD, attributes))


class BarrierHasher:
    """The cheap hasher, except that each verification waits for every racer.

    A sign-in reads the user, checks the lock, verifies the password and only then counts
    a failure.  Waiting inside ``verify`` means every racer has read the user and passed
    the lock check before any failure is written, so no attempt meets a lock set by
    another racer and every attempt is counted.
    """

    def __init__(self) -> None:
        self._inner = PasslibHasher(PasswordProfile.CHEAP)

    def hash(self, password: str) -> str:
        return self._inner.hash(password)

    def verify(self, password: str, password_hash: str) -> tuple[bool, str | None]:
        result = self._inner.verify(password, password_hash)
        _barrier.wait(WAIT)
        return result

    def burn(self, password: str) -> None:
        self._inner.burn(password)


def fail_sign_in(args: tuple[str, str, str, str]) -> str:
    url, pool_id, client_id, username = args
    with open_service(url, hasher=BarrierHasher()) as svc:
        auth = svc.user_pool(pool_id).auth

        def attempt() -> None:
            auth.initiate(client_id, "USER_PASSWORD_AUTH", USERNAME=username, PASSWORD="Wrong-1")

        try:
            attempt()
        except CognitoError as exc:
            return f"{exc.code}: {exc.message}"
        return "ok"


def refresh_after_revocation(args: tuple[str, str, str, str, int]) -> tuple[str, str]:
    """Racer 0 revokes the refresh token; the others use it right after.

    Every racer first uses the token once (so any cache a process keeps is warm), then
    all meet at the barrier.  Racer 0 revokes and raises the event; the others, woken by
    it, refresh again and check the access token they were given before.
    """
    url, pool_id, client_id, refresh_token, index = args
    with open_service(url) as svc:
        pool = svc.user_pool(pool_id)

        def refresh() -> Any:
            return pool.auth.initiate(
                client_id, "REFRESH_TOKEN_AUTH", REFRESH_TOKEN=refresh_token
            ).tokens

        before = refresh()
        pool.verify(before.access_token, token_use="access")
        _barrier.wait(WAIT)
        if index == 0:
            pool.auth.revoke_token(refresh_token, client_id)
            _event.set()
            return ("revoked", "revoked")
        if not _event.wait(WAIT):
            return ("no revocation seen", "")
        refreshed = outcome(refresh)
        try:
            pool.verify(before.access_token, token_use="access")
        except cogkit.TokenVerificationError as exc:
            return (refreshed, exc.reason)
        return (refreshed, "accepted")


def answer_new_password(args: tuple[str, str, str, str, str, int]) -> str:
    url, pool_id, client_id, username, session, index = args
    with open_service(url) as svc:
        auth = svc.user_pool(pool_id).auth
        _barrier.wait(WAIT)
        return outcome(
            lambda: auth.respond(
                client_id,
                "NEW_PASSWORD_REQUIRED",
                {"USERNAME": username, "NEW_PASSWORD": f"New-password-{index}"},
                session=session,
            )
        )


def reset_password(args: tuple[str, str, str, str, str, int]) -> str:
    url, pool_id, client_id, username, code, index = args
    with open_service(url) as svc:
        auth = svc.user_pool(pool_id).auth
        _barrier.wait(WAIT)
        return outcome(
            lambda: auth.confirm_forgot_password(client_id, username, code, f"New-password-{index}")
        )


def bulk_sign_up(url: str, pool_id: str, client_id: str, start: int) -> None:
    """Signs users up one after another until the process is killed."""
    with open_service(url) as svc:
        auth = svc.user_pool(pool_id).auth
        for i in range(start, start + 1_000_000):
            auth.sign_up(client_id, f"bulk{i:07d}", PASSWORD, {"email": f"bulk{i:07d}@example.com"})

"""Time, injected.  Nothing in cogkit reads the system clock except ``SystemClock``."""

from __future__ import annotations

import datetime as _dt
import threading
import time
from typing import Protocol, runtime_checkable

import attrs

__all__ = ["Clock", "FrozenClock", "SystemClock"]


@runtime_checkable
class Clock(Protocol):
    """Protocol: a source of the current time as epoch seconds."""

    def now(self) -> float:
        """Seconds since the epoch (UTC)."""
        ...


@attrs.define(repr=False)
class SystemClock:
    """The real wall clock."""

    def now(self) -> float:
        return time.time()

    def __repr__(self) -> str:
        return "SystemClock()"


def _to_epoch(value: float | _dt.datetime) -> float:
    if isinstance(value, _dt.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=_dt.UTC)
        return value.timestamp()
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"time must be epoch seconds or a datetime, not {type(value).__name__}")
    return float(value)


class FrozenClock:
    """A clock that only moves when told to: ``advance(seconds)`` or ``set(when)``.

    Tests use it to expire codes, sessions, lockouts and tokens without sleeping.
    """

    __slots__ = ("_lock", "_now")

    def __init__(self, start: float | _dt.datetime = 1_700_000_000.0) -> None:
        self._now = _to_epoch(start)
        self._lock = threading.Lock()

    def now(self) -> float:
        return self._now

    def advance(self, seconds: float) -> float:
        """Move time forward by ``seconds`` (not backwards) and return the new time."""
        if isinstance(seconds, bool) or not isinstance(seconds, int | float):
            raise TypeError("seconds must be a number")
        if seconds < 0:
            raise ValueError("a FrozenClock only moves forward; use set() to go back")
        with self._lock:
            self._now += float(seconds)
            return self._now

    def set(self, when: float | _dt.datetime) -> None:
        """Jump to ``when`` (epoch seconds or a datetime; naive datetimes are UTC)."""
        with self._lock:
            self._now = _to_epoch(when)

    def __repr__(self) -> str:
        stamp = _dt.datetime.fromtimestamp(self._now, _dt.UTC).isoformat()
        return f"FrozenClock({stamp})"

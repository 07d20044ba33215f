from __future__ import annotations

import datetime as dt

import pytest

from cogkit import Clock, FrozenClock, SystemClock


def test_frozen_clock_stands_still_until_advanced() -> None:
    clock = FrozenClock(1_000)
    assert clock.now() == clock.now() == 1_000.0


def test_frozen_clock_default_start_is_a_fixed_instant() -> None:
    assert FrozenClock().now() == FrozenClock().now()


def test_advance_moves_forward_and_returns_the_new_time() -> None:
    clock = FrozenClock(1_000)
    assert clock.advance(60) == 1_060.0
    assert clock.advance(0.5) == 1_060.5
    assert clock.now() == 1_060.5


def test_advance_refuses_to_go_back() -> None:
    clock = FrozenClock(1_000)
    with pytest.raises(ValueError, match="only moves forward"):
        clock.advance(-1)
    assert clock.now() == 1_000.0


@pytest.mark.parametrize("seconds", ["60", None, True])
def test_advance_refuses_non_numbers(seconds: object) -> None:
    clock = FrozenClock(1_000)
    with pytest.raises(TypeError, match="seconds must be a number"):
        clock.advance(seconds)  # type: ignore[arg-type]


def test_set_jumps_to_an_epoch_or_a_datetime() -> None:
    clock = FrozenClock(1_000)
    clock.set(10)
    assert clock.now() == 10.0
    clock.set(dt.datetime(2024, 1, 1, tzinfo=dt.UTC))
    assert clock.now() == dt.datetime(2024, 1, 1, tzinfo=dt.UTC).timestamp()


def test_naive_datetimes_are_taken_as_utc() -> None:
    assert FrozenClock(dt.datetime(2024, 1, 1)).now() == 1_704_067_200.0


def test_frozen_clock_refuses_a_start_that_is_not_a_time() -> None:
    with pytest.raises(TypeError, match="epoch seconds or a datetime"):
        FrozenClock("yesterday")  # type: ignore[arg-type]


def test_frozen_clock_repr_shows_the_instant_in_iso_form() -> None:
    assert repr(FrozenClock(0)) == "FrozenClock(1970-01-01T00:00:00+00:00)"


def test_both_clocks_satisfy_the_clock_protocol() -> None:
    assert isinstance(FrozenClock(), Clock)
    assert isinstance(SystemClock(), Clock)


def test_system_clock_reads_a_current_epoch() -> None:
    # Only the shape is checked: tests never assert on wall time.
    assert isinstance(SystemClock().now(), float)
    assert repr(SystemClock()) == "SystemClock()"

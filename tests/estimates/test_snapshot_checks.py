"""A snapshot the estimator cannot read is refused when it is made, with a message that names the bad value."""

from __future__ import annotations

import math
from datetime import datetime

import pytest

from tests.estimates.snapshots import NOW, A, counter, snapshot, waiting
from waitwell.estimates.estimator import estimate_waits
from waitwell.estimates.snapshot import CounterSnapshot, OfficeSnapshot, ServiceHistory, WaitingTicket


def test_a_naive_time_among_aware_ones_is_refused_by_name() -> None:
    with pytest.raises(ValueError, match=r"waiting ticket 7: waiting_since 2026-03-10 14:50:00 has no time zone"):
        naive = WaitingTicket(7, A, datetime(2026, 3, 10, 14, 50))
        estimate_waits(snapshot([counter(1, A)], [waiting(1, A, 20), naive]))


def test_a_naive_now_is_refused() -> None:
    with pytest.raises(ValueError, match=r"now .* has no time zone"):
        estimate_waits(OfficeSnapshot(NOW.replace(tzinfo=None), [counter(1, A)], [waiting(1, A, 20)]))


def test_a_counter_time_without_time_zone_is_refused() -> None:
    with pytest.raises(ValueError, match=r"counter 2: state_since .* has no time zone"):
        paused = CounterSnapshot(2, frozenset({A}), "paused", state_since=datetime(2026, 3, 10, 14, 40))
        estimate_waits(snapshot([counter(1, A), paused], [waiting(1, A, 20)]))


@pytest.mark.parametrize("bad", [math.inf, math.nan, -60.0])
def test_a_service_time_that_is_not_a_finite_duration_is_refused(bad: float) -> None:
    with pytest.raises(ValueError, match=f"service 1: service time {bad} s is not a duration"):
        estimate_waits(snapshot([counter(1, A)], [waiting(1, A, 20)], service_seconds={A: (600.0, bad)}))


def test_a_no_show_rate_outside_zero_to_one_is_refused() -> None:
    with pytest.raises(ValueError, match=r"no_show_rate 1\.5 is not a share between 0 and 1"):
        ServiceHistory(no_show_rate=1.5)

"""The supervisor dashboard's figures for today, on a history built through the real engine."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.conftest import DEFAULT_START
from tests.factories import issue, make_office
from waitwell.estimates.estimate import WaitEstimate
from waitwell.services import counters
from waitwell.services.metrics.past_days import forget_cache
from waitwell.services.metrics.stored_estimates import record_issue_estimate
from waitwell.services.metrics.today import office_today

THREE_WEEKS_AGO_9AM = datetime(2026, 2, 17, 14, 0, tzinfo=UTC)  # Tuesday 09:00 in New York (EST)


@pytest.fixture
def morning(runtime, clock):
    """A Tuesday three weeks ago, then this Tuesday from 10:00 to 10:30 (New York)."""
    forget_cache()
    clock.set(THREE_WEEKS_AGO_9AM)
    office = make_office(runtime, counters={"Counter 1": ["A", "B"], "Counter 2": ["B"]})
    c1, c2 = office.counters["Counter 1"], office.counters["Counter 2"]
    for _ in issue(runtime, office.services["A"], 3, minutes_apart=10):  # 09:00, 09:10, 09:20
        past = counters.call_next(runtime.uow(), counter_id=c1)
        counters.complete(runtime.uow(), ticket_id=past.id)
    for counter_id in (c1, c2):
        counters.close_counter(runtime.uow(), counter_id=counter_id)

    clock.set(DEFAULT_START)  # Tuesday 10:00 EDT
    for counter_id in (c1, c2):
        counters.open_counter(runtime.uow(), counter_id=counter_id)
    a1, = issue(runtime, office.services["A"])
    b1, = issue(runtime, office.services["B"])
    clock.advance(minutes=5)
    a2, = issue(runtime, office.services["A"])
    clock.advance(minutes=1)  # 10:06
    assert counters.call_next(runtime.uow(), counter_id=c1).id == a1.id
    assert counters.call_next(runtime.uow(), counter_id=c2).id == b1.id
    clock.advance(minutes=2)  # 10:08
    a3, = issue(runtime, office.services["A"])
    clock.advance(minutes=8)  # 10:16
    counters.complete(runtime.uow(), ticket_id=a1.id)
    assert counters.call_next(runtime.uow(), counter_id=c1).id == a2.id
    clock.advance(minutes=4)  # 10:20
    counters.complete(runtime.uow(), ticket_id=b1.id)
    counters.pause_counter(runtime.uow(), counter_id=c2)
    clock.advance(minutes=10)  # 10:30
    return office, {"a1": a1, "a2": a2, "a3": a3, "b1": b1}


def test_waiting_now_longest_wait_and_breach(runtime, morning):
    office, _ = morning
    today = office_today(runtime.uow(read_only=True), office.office_id)
    assert today.now_local.strftime("%H:%M") == "10:30"
    assert (today.waiting_now, today.longest_current_wait) == (1, 22 * 60)
    by_prefix = {service.prefix: service for service in today.services}
    a, b = by_prefix["A"], by_prefix["B"]
    assert (a.waiting_now, a.longest_current_wait) == (1, 22 * 60)
    assert a.breach == "someone has waited 22 min; target 20 min"
    assert b.breach is None


def test_per_service_figures_count_each_leg(runtime, morning):
    office, _ = morning
    a = next(s for s in office_today(runtime.uow(read_only=True), office.office_id).services if s.prefix == "A")
    assert (a.summary.legs, a.summary.called, a.summary.served, a.summary.at_counter) == (3, 2, 1, 1)
    assert a.summary.average_wait == (6 + 11) * 60 / 2
    assert a.summary.p90_wait == 11 * 60
    assert a.summary.average_service_time == 10 * 60
    assert a.summary.within_minutes[15] == 1.0
    assert a.summary.within_target == 1.0
    # The last 10 calls reach back past today: 20, 10 and 0 minutes three weeks ago, then 6 and 11.
    assert (a.last_ten.average_wait_minutes, a.last_ten.calls) == (pytest.approx(47 / 5), 5)


def test_counter_utilisation_is_serving_time_over_open_time(runtime, morning):
    office, _ = morning
    by_name = {c.name: c for c in office_today(runtime.uow(read_only=True), office.office_id).counters}
    one, two = by_name["Counter 1"], by_name["Counter 2"]
    assert (one.time.open_seconds, one.time.serving_seconds) == (30 * 60, 24 * 60)  # A1 10:06-10:16, A2 since 10:16
    assert one.time.utilisation == pytest.approx(0.8)
    assert one.current_ticket == "A002"
    assert (two.state, two.time.open_seconds, two.time.serving_seconds) == ("paused", 20 * 60, 14 * 60)
    assert one.summary.served == 1 and two.summary.served == 1


def test_arrivals_by_hour_against_the_same_weekday(runtime, morning):
    office, _ = morning
    hourly = office_today(runtime.uow(read_only=True), office.office_id).hourly
    assert hourly.today.arrivals[10] == 4
    assert hourly.typical.arrivals[9] == 3  # one past Tuesday had tickets; the others count for nothing
    assert (hourly.days_compared, hourly.days_asked) == (1, 4)
    assert hourly.today.average_wait[10] == pytest.approx((6 + 6 + 11) * 60 / 3)
    assert hourly.busy_hours() == [9, 10]


def test_estimates_given_at_issue_are_scored_against_real_waits(runtime, morning):
    office, tickets = morning
    told = WaitEstimate(expected_minutes=5, low_minutes=2, high_minutes=10)
    assert record_issue_estimate(runtime.uow(), ticket_id=tickets["a1"].id, estimate=told, predictor="test")
    assert not record_issue_estimate(runtime.uow(), ticket_id=tickets["a1"].id, estimate=told)  # first one wins
    record_issue_estimate(runtime.uow(), ticket_id=tickets["a3"].id, estimate=told)  # waited 22 min already
    accuracy = office_today(runtime.uow(read_only=True), office.office_id).accuracy
    assert (accuracy.given, accuracy.called) == (2, 1)
    assert accuracy.mean_absolute_error == 1  # told 5, called after 6
    assert (accuracy.within_range, accuracy.within_range_count) == (1.0, 1)  # over the called ticket only
    assert (accuracy.under_by_10, accuracy.under_by_10_count) == (0.0, 0)
    assert accuracy.average_range_width == 8
    assert (accuracy.not_called, accuracy.past_range) == (1, 1)  # A3 has waited 22 min, past the top of 2-10

"""What if: the rest of today replayed with one more and one fewer counter for a service."""

from __future__ import annotations

import random
from datetime import UTC, datetime

from tests.conftest import DEFAULT_START
from tests.factories import issue, make_office
from waitwell.metrics.what_if import Arrival, arrival_rates, draw_arrivals
from waitwell.services import counters
from waitwell.services.metrics.past_days import forget_cache
from waitwell.services.metrics.what_if import what_if


def test_one_more_counter_shortens_waits_and_one_fewer_lengthens_them(runtime, clock):
    forget_cache()
    clock.set(datetime(2026, 3, 3, 14, 0, tzinfo=UTC))  # last Tuesday 09:00: a history of arrivals and services
    office = make_office(runtime, counters={"Counter 1": ["A"], "Counter 2": ["A"]})
    for ticket in issue(runtime, office.services["A"], 12, minutes_apart=10):
        called = counters.call_next(runtime.uow(), counter_id=office.counters["Counter 1"])
        clock.advance(minutes=6)
        counters.complete(runtime.uow(), ticket_id=called.id)
        assert called.id == ticket.id
    clock.set(DEFAULT_START)  # this Tuesday 10:00, twelve people waiting
    issue(runtime, office.services["A"], 12)

    answer = what_if(runtime.uow(read_only=True), office.office_id, office.services["A"], replays=10)
    as_now, more, fewer = answer.outcomes
    assert [o.name for o in answer.outcomes] == ["as now", "one more", "one fewer"]
    assert [o.counters_for_service for o in answer.outcomes] == [2, 3, 1]
    assert answer.waiting_now == 12
    assert more.average_wait < as_now.average_wait < fewer.average_wait
    assert as_now.people >= 12 and as_now.never_called == 0
    # Last Tuesday twelve tickets came between 09:00 and 10:50; from 10:00 on that leaves the 10:00-11:00 hour.
    assert 0 < answer.expected_arrivals <= 12


def test_one_fewer_than_the_only_counter_leaves_the_line_unserved(runtime, clock):
    office = make_office(runtime, counters={"Counter 1": ["A"]})
    issue(runtime, office.services["A"], 3)
    _, more, fewer = what_if(runtime.uow(read_only=True), office.office_id, office.services["A"], replays=3).outcomes
    assert more.counters_for_service == 2
    assert (fewer.counters_for_service, fewer.average_wait, fewer.never_called) == (0, None, 3)


def test_arrivals_follow_the_hourly_rates_from_now_on():
    now = datetime(2026, 3, 10, 10, 30, tzinfo=UTC)
    rates = arrival_rates({(1, 10): 6.0, (1, 11): 12.0, (1, 9): 50.0}, now, now.replace(hour=12))
    assert rates == [(0.0, 1800.0, 1, 6.0), (1800.0, 5400.0, 1, 12.0)]  # half of 10:00-11:00 left, none of 9:00
    arrivals = draw_arrivals(rates, random.Random(1))
    assert all(isinstance(a, Arrival) and 0 <= a.seconds_from_now < 5400 for a in arrivals)
    assert arrivals == sorted(arrivals, key=lambda a: a.seconds_from_now)

"""The metric queries on SQLite and on PostgreSQL: the same history gives the same figures."""

from __future__ import annotations

from datetime import date

import pytest

from tests.factories import issue, make_office
from waitwell.services import counters
from waitwell.services.metrics.reports import office_report
from waitwell.services.metrics.today import office_today
from waitwell.services.metrics.waits import last_ten_average


def test_last_ten_today_and_reports(any_runtime, clock):
    runtime = any_runtime
    office = make_office(runtime, counters={"Counter 1": ["A", "B"]})
    counter_id = office.counters["Counter 1"]
    first, second = issue(runtime, office.services["A"], 2)
    clock.advance(minutes=4)
    counters.call_next(runtime.uow(), counter_id=counter_id)
    clock.advance(minutes=6)
    counters.transfer(runtime.uow(), ticket_id=first.id, to_service_id=office.services["B"])
    counters.call_next(runtime.uow(), counter_id=counter_id)  # the second A ticket, after 10 min
    clock.advance(minutes=2)
    counters.mark_no_show(runtime.uow(), ticket_id=second.id)
    counters.pause_counter(runtime.uow(), counter_id=counter_id)

    figure = last_ten_average(runtime.uow(read_only=True), office.office_id, office.services["A"])
    assert (figure.average_wait_minutes, figure.calls) == (7, 2)
    today = office_today(runtime.uow(read_only=True), office.office_id)
    assert (today.waiting_now, today.longest_current_wait) == (1, 2 * 60)  # the transferred ticket, in B since 10:10
    assert today.visits.issued == 2 and today.summary.no_shows == 1
    (counter,) = today.counters
    assert (counter.time.open_seconds, counter.time.serving_seconds) == (12 * 60, 8 * 60)
    report = office_report(runtime.uow(read_only=True), office.office_id, date(2026, 3, 10), date(2026, 3, 10),
                           "counter")
    assert report.rows[0].counter_time.utilisation == pytest.approx(8 / 12)

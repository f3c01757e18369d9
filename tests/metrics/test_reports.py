"""Reports by clerk and by counter, and the counter CSV's time columns."""

from __future__ import annotations

import csv
import io
from datetime import date

from tests.factories import issue, make_office, make_staff
from waitwell.metrics.report import summary_csv
from waitwell.persistence import Role
from waitwell.services import counters
from waitwell.services.metrics.reports import office_report

DAY = date(2026, 3, 10)


def test_by_clerk_counts_the_legs_each_member_of_staff_called(runtime, clock):
    office = make_office(runtime, counters={"Counter 1": ["A"], "Counter 2": ["A"]})
    ana = make_staff(runtime, [office.office_id], role=Role.CLERK, username="ana")
    ben = make_staff(runtime, [office.office_id], role=Role.CLERK, username="ben")
    issue(runtime, office.services["A"], 3)
    clock.advance(minutes=5)
    for counter, clerk in (("Counter 1", ana), ("Counter 2", ben)):
        called = counters.call_next(runtime.uow(), counter_id=office.counters[counter], user_id=clerk.id)
        clock.advance(minutes=3)
        counters.complete(runtime.uow(), ticket_id=called.id, user_id=clerk.id)
    called = counters.call_next(runtime.uow(), counter_id=office.counters["Counter 1"], user_id=ana.id)
    counters.mark_no_show(runtime.uow(), ticket_id=called.id, user_id=ana.id)

    report = office_report(runtime.uow(read_only=True), office.office_id, DAY, DAY, "clerk")
    rows = {row.label: row.summary for row in report.rows}
    assert set(rows) == {ana.display_name or "ana", ben.display_name or "ben"}
    ana_figures = rows[ana.display_name or "ana"]
    assert (ana_figures.called, ana_figures.served, ana_figures.no_shows) == (2, 1, 1)
    assert rows[ben.display_name or "ben"].average_wait == 8 * 60


def test_counter_csv_has_open_and_serving_hours(runtime, clock):
    office = make_office(runtime, counters={"Counter 1": ["A"]})
    issue(runtime, office.services["A"])
    clock.advance(minutes=30)
    called = counters.call_next(runtime.uow(), counter_id=office.counters["Counter 1"])
    clock.advance(minutes=30)
    counters.complete(runtime.uow(), ticket_id=called.id)
    counters.close_counter(runtime.uow(), counter_id=office.counters["Counter 1"])
    clock.advance(hours=2)  # closed time is not open time

    report = office_report(runtime.uow(read_only=True), office.office_id, DAY, DAY, "counter")
    rows = list(csv.DictReader(io.StringIO(summary_csv(report))))
    assert rows[0]["label"] == "Counter 1"
    assert (rows[0]["open_hours"], rows[0]["serving_hours"], rows[0]["utilisation_pct"]) == ("1.0", "0.5", "50.0")
    assert rows[-1]["label"] == "All"

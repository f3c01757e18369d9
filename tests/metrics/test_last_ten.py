"""The Connecticut DMV figure: the average wait of the last 10 customers called, updated on every call."""

from __future__ import annotations

from datetime import timedelta
from statistics import fmean

import pytest
from sqlalchemy import event

from tests.factories import issue, make_office
from waitwell.services import counters
from waitwell.services.metrics.waits import last_ten_average, office_waits, public_waits


def test_figure_after_each_call_is_the_average_of_the_last_ten_waits(runtime, clock):
    office = make_office(runtime, counters={"Counter 1": ["A"]})
    service, counter_id = office.services["A"], office.counters["Counter 1"]
    tickets = issue(runtime, service, 13, minutes_apart=1)  # issued 10:00 .. 10:12
    assert last_ten_average(runtime.uow(), office.office_id, service).average_wait_minutes is None

    waits = []
    for ticket in tickets:
        clock.advance(minutes=2)
        called = counters.call_next(runtime.uow(), counter_id=counter_id)
        assert called.id == ticket.id
        waits.append((called.called_at - ticket.issued_at).total_seconds() / 60)
        figure = last_ten_average(runtime.uow(), office.office_id, service)
        assert figure.average_wait_minutes == pytest.approx(fmean(waits[-10:]))
        assert figure.calls == min(len(waits), 10)
        assert figure.updated_at == clock.now()
        assert not figure.stale
        counters.complete(runtime.uow(), ticket_id=ticket.id)


def test_a_recall_changes_neither_the_figure_nor_its_time(runtime, clock):
    office = make_office(runtime, counters={"Counter 1": ["A"]})
    (ticket,) = issue(runtime, office.services["A"])
    clock.advance(minutes=9)
    counters.call_next(runtime.uow(), counter_id=office.counters["Counter 1"])
    called_at = clock.now()
    clock.advance(minutes=2)
    counters.recall(runtime.uow(), ticket_id=ticket.id)
    figure = last_ten_average(runtime.uow(), office.office_id, office.services["A"])
    assert (figure.average_wait_minutes, figure.calls, figure.updated_at) == (9, 1, called_at)


def test_time_at_the_counter_is_not_part_of_the_figure(runtime, clock):
    office = make_office(runtime, counters={"Counter 1": ["A"]})
    (ticket,) = issue(runtime, office.services["A"])
    clock.advance(minutes=5)
    counters.call_next(runtime.uow(), counter_id=office.counters["Counter 1"])
    clock.advance(minutes=40)
    counters.complete(runtime.uow(), ticket_id=ticket.id)
    assert last_ten_average(runtime.uow(), office.office_id, office.services["A"]).average_wait_minutes == 5


def test_a_figure_with_no_call_for_an_hour_is_stale(runtime, clock):
    office = make_office(runtime, counters={"Counter 1": ["A"]})
    issue(runtime, office.services["A"])
    clock.advance(minutes=3)
    counters.call_next(runtime.uow(), counter_id=office.counters["Counter 1"])
    clock.advance(minutes=60)
    assert not last_ten_average(runtime.uow(), office.office_id, office.services["A"]).stale
    clock.advance(minutes=1)
    figure = last_ten_average(runtime.uow(), office.office_id, office.services["A"])
    assert figure.stale and not figure.shown
    assert not last_ten_average(runtime.uow(), office.office_id, office.services["A"],
                                stale_after=timedelta(minutes=90)).stale


def test_the_office_figure_takes_the_last_ten_calls_of_all_its_services(runtime, clock):
    office = make_office(runtime, counters={"Counter 1": ["A", "B"]})
    counter_id = office.counters["Counter 1"]
    issue(runtime, office.services["A"], 6)
    issue(runtime, office.services["B"], 6)
    waits = []
    for _ in range(12):
        clock.advance(minutes=1)
        called = counters.call_next(runtime.uow(), counter_id=counter_id)
        waits.append((called.called_at - called.issued_at).total_seconds() / 60)
        counters.complete(runtime.uow(), ticket_id=called.id)
    figure = last_ten_average(runtime.uow(), office.office_id)
    assert figure.service_id is None and figure.calls == 10
    assert figure.average_wait_minutes == pytest.approx(fmean(waits[-10:]))
    listed = office_waits(runtime.uow(), office.office_id)
    assert [s.name for s in listed.services] == ["Licence renewal", "Title"]
    assert listed.office.average_wait_minutes == pytest.approx(fmean(waits[-10:]))


def test_a_closed_office_says_closed_and_one_without_hours_does_not(runtime, clock):
    hours = {"mon": [["08:00", "16:00"]], "tue": [["08:00", "09:30"]]}  # the clock says Tuesday 10:00
    make_office(runtime, name="Hartford DMV", opening_hours=hours)
    make_office(runtime, name="Wethersfield DMV")
    by_name = {office.name: office for office in public_waits(runtime.uow())}
    assert by_name["Hartford DMV"].office_open is False
    assert all(not figure.shown for figure in by_name["Hartford DMV"].services)
    assert by_name["Wethersfield DMV"].office_open is None
    assert by_name["Hartford DMV"].now_local.strftime("%H:%M %Z") == "10:00 EDT"


def test_the_offices_figures_are_read_from_the_histories_again_only_after_a_call(runtime, clock):
    """Every board an office publishes shows its figures: between two calls they are kept, not read again from
    the histories of the tickets behind them; the next call shows at once."""
    office = make_office(runtime, counters={"Counter 1": ["A"]})
    tickets = issue(runtime, office.services["A"], 4, minutes_apart=1)
    clock.advance(minutes=3)
    counters.call_next(runtime.uow(), counter_id=office.counters["Counter 1"])
    history_reads: list[str] = []
    event.listen(runtime.engine, "before_cursor_execute",
                 lambda _c, _cu, statement, *_: history_reads.append(statement)
                 if statement.startswith("SELECT") and "ticket_events" in statement else None)
    first = office_waits(runtime.uow(), office.office_id).office
    issue(runtime, office.services["A"], 2)  # a new ticket changes no figure
    again = office_waits(runtime.uow(), office.office_id).office
    assert (again.average_wait_minutes, again.calls) == (first.average_wait_minutes, first.calls) == (6.0, 1)
    assert len(history_reads) == 2  # the calls' tickets, and their histories: once
    counters.complete(runtime.uow(), ticket_id=tickets[0].id)
    clock.advance(minutes=1)
    counters.call_next(runtime.uow(), counter_id=office.counters["Counter 1"])
    after = office_waits(runtime.uow(), office.office_id).office
    assert (after.average_wait_minutes, after.calls, after.updated_at) == (6.0, 2, clock.now())

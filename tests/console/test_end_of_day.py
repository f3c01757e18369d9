"""End of day: waiting tickets closed with a reason, counters closed, once per office day, by one process."""

from __future__ import annotations

import json
import threading
from datetime import date, timedelta

import pytest
from click.testing import CliRunner

from tests.factories import issue, make_office, make_staff
from waitwell.domain import events
from waitwell.domain.recalls import RecallRules
from waitwell.domain.states import CounterState, TicketState
from waitwell.jobs.scheduler import Scheduler
from waitwell.persistence import CounterSession, EndOfDayRun, TicketEvent
from waitwell.runtime import Runtime
from waitwell.services import counter_sessions, counters, end_of_day, leases, queries, recall_rules

# Tuesday 10 March 2026 in New York; the clock starts at 10:00 local (14:00 UTC).
HOURS = {"tue": [["08:00", "12:00"], ["13:00", "16:30"]], "wed": [["08:00", "16:30"]]}


@pytest.fixture
def office(runtime):
    return make_office(runtime, opening_hours=HOURS)


def _state(runtime, ticket_id):
    return queries.ticket_view(runtime.uow(read_only=True), ticket_id=ticket_id).state


def test_waiting_tickets_are_closed_with_a_reason_and_free_counters_close(runtime, office):
    seen = []
    runtime.bus.subscribe(events.TicketCancelled, seen.append)
    waiting = issue(runtime, office.services["B"], 2)
    serving = issue(runtime, office.services["A"])[0]
    counters.call_ticket(runtime.uow(), counter_id=office.counters["Counter 1"], ticket_id=serving.id)
    counters.start_service(runtime.uow(), ticket_id=serving.id)
    report = end_of_day.end_of_day(runtime.uow(), office_id=office.office_id, trigger="cli")

    assert report.cancelled == ["B001", "B002"]
    assert report.closed_counters == ["Counter 2"]
    assert report.still_serving == ["Counter 1: A001"]
    assert [_state(runtime, t.id) for t in waiting] == [TicketState.CANCELLED] * 2
    assert _state(runtime, serving.id) == TicketState.SERVING
    assert queries.counter_view(runtime.uow(), counter_id=office.counters["Counter 1"]).state == CounterState.PAUSED
    assert queries.counter_view(runtime.uow(), counter_id=office.counters["Counter 2"]).state == CounterState.CLOSED
    assert [(type(e).__name__, e.number, e.by, e.reason) for e in seen] == [
        ("TicketClosedAtEndOfDay", "B001", "office", "office closed"),
        ("TicketClosedAtEndOfDay", "B002", "office", "office closed"),
    ]
    with runtime.uow() as uow:
        row = uow.session.query(TicketEvent).filter_by(ticket_id=waiting[0].id, kind="cancelled").one()
        assert json.loads(row.detail) == {"by": "office", "reason": "office closed"}


def test_clerks_are_signed_out_of_the_counters_that_close(runtime, office):
    clerk = make_staff(runtime, [office.office_id])
    counter_sessions.take_counter(runtime.uow(), counter_id=office.counters["Counter 2"], user_id=clerk.id)
    end_of_day.end_of_day(runtime.uow(), office_id=office.office_id)
    with runtime.uow() as uow:
        assert uow.session.query(CounterSession).count() == 0


def test_a_day_is_closed_once(runtime, office):
    end_of_day.end_of_day(runtime.uow(), office_id=office.office_id, trigger="scheduler")
    again = end_of_day.end_of_day(runtime.uow(), office_id=office.office_id, trigger="scheduler")
    assert again.already_done
    with runtime.uow() as uow:
        assert uow.session.query(EndOfDayRun).count() == 1


def test_the_scheduler_closes_the_day_at_closing_time_and_numbering_restarts_next_day(runtime, office, clock):
    scheduler = Scheduler(runtime, holder="here")
    issue(runtime, office.services["A"], 3)
    assert scheduler.tick() == []  # 10:00: open
    clock.advance(hours=6, minutes=29)  # 16:29
    assert scheduler.tick() == []
    clock.advance(minutes=1)  # 16:30, closing time
    (report,) = scheduler.tick()
    assert (report.service_day, report.cancelled) == (date(2026, 3, 10), ["A001", "A002", "A003"])
    assert scheduler.tick() == []  # done for today
    clock.advance(hours=16)  # Wednesday 08:30
    assert issue(runtime, office.services["A"])[0].number == "A001"


def test_a_missed_day_caught_up_during_opening_hours_leaves_todays_counters_alone(runtime, office, clock):
    issue(runtime, office.services["A"])
    clock.advance(days=1)  # Wednesday 10:00: the server was down at closing time yesterday
    (report,) = Scheduler(runtime, holder="here").tick()
    assert report.cancelled == ["A001"] and report.closed_counters == []
    assert queries.counter_view(runtime.uow(), counter_id=office.counters["Counter 1"]).state == CounterState.OPEN


def test_the_scheduler_sweeps_unanswered_calls(runtime, office, clock):
    recall_rules.set_recall_rules(runtime.uow(), office_id=office.office_id,
                                  rules=RecallRules(min_seconds_between_recalls=20, auto_no_show_after_recalls=1))
    ticket = issue(runtime, office.services["A"])[0]
    counters.call_next(runtime.uow(), counter_id=office.counters["Counter 1"])
    clock.advance(seconds=20)
    counters.recall(runtime.uow(), ticket_id=ticket.id)
    clock.advance(seconds=20)
    Scheduler(runtime, holder="here").tick()
    assert _state(runtime, ticket.id) == TicketState.NO_SHOW


def test_only_the_lease_holder_runs_the_jobs(any_runtime, clock):
    office = make_office(any_runtime, opening_hours=HOURS)
    issue(any_runtime, office.services["A"])
    first, second = Scheduler(any_runtime, holder="process-1"), Scheduler(any_runtime, holder="process-2")
    clock.advance(hours=7)  # 17:00, after closing
    assert second.tick() != []  # process 2 took the lease first
    assert first.tick() == []
    clock.advance(seconds=59)  # the lease (60 s) is still process 2's
    assert not leases.acquire(any_runtime.uow(), name="scheduler", holder="process-1", ttl=timedelta(seconds=60))
    clock.advance(seconds=1)  # process 2 stopped renewing: the lease lapses, process 1 takes over
    assert leases.acquire(any_runtime.uow(), name="scheduler", holder="process-1", ttl=timedelta(seconds=60))
    assert leases.holder_of(any_runtime.uow(), name="scheduler") == "process-1"


def test_two_processes_closing_the_same_day_at_once_close_it_once(any_runtime, clock):
    office = make_office(any_runtime, opening_hours=HOURS)
    issue(any_runtime, office.services["A"], 5)
    other = Runtime(any_runtime.database_url, clock=clock)  # a second process: its own engine and pool
    reports = []
    start = threading.Barrier(2)

    def close(runtime):
        start.wait()
        reports.append(end_of_day.end_of_day(runtime.uow(), office_id=office.office_id, trigger="scheduler"))

    threads = [threading.Thread(target=close, args=(r,)) for r in (any_runtime, other)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    other.dispose()
    assert sorted(r.already_done for r in reports) == [False, True]
    assert sum(len(r.cancelled) for r in reports) == 5


def test_end_of_day_from_the_command_line(runtime, office, monkeypatch, tmp_path):
    issue(runtime, office.services["A"], 2)
    monkeypatch.setenv("DATABASE_URL", runtime.database_url)
    monkeypatch.setenv("WAITWELL_INSTANCE", str(tmp_path / "cli-instance"))
    from waitwell.cli import main

    result = CliRunner().invoke(main, ["end-of-day", "--office", str(office.office_id)])
    assert result.exit_code == 0, result.output
    assert "Hartford DMV" in result.output and "2 waiting ticket(s) closed" in result.output
    again = CliRunner().invoke(main, ["end-of-day", "--office", str(office.office_id)])
    assert "0 waiting ticket(s) closed" in again.output
    unknown = CliRunner().invoke(main, ["end-of-day", "--office", "999"])
    assert unknown.exit_code == 1 and "there is no office 999" in unknown.output

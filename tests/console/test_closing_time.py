"""End of day happens at an office's closing time, never at midnight: the scheduler's ticks on a virtual clock.

Tuesday 10 March 2026 in New York (UTC-4). An office without opening hours keeps its line across midnight
until someone closes the day by hand; one open 20:00-02:00 closes at 02:00 the next morning.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from tests.console.support import signed_in
from tests.factories import issue, make_office, make_staff
from waitwell.domain.states import CounterState, TicketState
from waitwell.jobs.scheduler import Scheduler
from waitwell.persistence import CounterSession, Role
from waitwell.runtime import Runtime
from waitwell.services import counter_sessions, counters, queries

WEEKDAYS_8_TO_17 = {day: [["08:00", "17:00"]] for day in ("mon", "tue", "wed", "thu", "fri")}
NIGHTS_20_TO_02 = {day: [["20:00", "02:00"]] for day in ("tue", "wed")}


def local(moment: str) -> datetime:
    return datetime.fromisoformat(moment).replace(tzinfo=ZoneInfo("America/New_York")).astimezone(UTC)


def ticket_state(runtime: Runtime, ticket_id: int) -> TicketState:
    return queries.ticket_view(runtime.uow(read_only=True), ticket_id=ticket_id).state


def counter_state(runtime: Runtime, counter_id: int) -> CounterState:
    return queries.counter_view(runtime.uow(read_only=True), counter_id=counter_id).state


def test_an_office_without_hours_keeps_its_line_and_open_counter_across_midnight(runtime, clock):
    office = make_office(runtime)  # no opening hours
    clerk = make_staff(runtime, [office.office_id])
    counter_sessions.take_counter(runtime.uow(), counter_id=office.counters["Counter 1"], user_id=clerk.id)
    scheduler = Scheduler(runtime, holder="here")
    clock.set(local("2026-03-10 23:59:41"))
    (late,) = issue(runtime, office.services["A"])  # 19 s before midnight

    clock.set(local("2026-03-11 00:00:04"))
    assert scheduler.tick() == []
    clock.set(local("2026-03-11 09:00"))
    assert scheduler.tick() == []

    assert ticket_state(runtime, late.id) == TicketState.WAITING
    assert counter_state(runtime, office.counters["Counter 1"]) == CounterState.OPEN
    with runtime.uow() as uow:
        assert uow.session.query(CounterSession).count() == 1  # the clerk is still at the counter
    (today,) = issue(runtime, office.services["A"])
    assert today.number == "A001"  # numbering restarts with the local day, as ever
    assert counters.call_next(runtime.uow(), counter_id=office.counters["Counter 1"]).id == late.id


def test_an_office_closing_at_17_closes_then_and_nothing_happens_at_midnight(runtime, clock):
    office = make_office(runtime, opening_hours=WEEKDAYS_8_TO_17)
    scheduler = Scheduler(runtime, holder="here")
    waiting = issue(runtime, office.services["A"], 2)  # 10:00
    clock.set(local("2026-03-10 16:59:59"))
    assert scheduler.tick() == []

    clock.set(local("2026-03-10 17:00"))
    (report,) = scheduler.tick()
    assert (report.service_day, report.cancelled) == (date(2026, 3, 10), ["A001", "A002"])
    assert report.closed_counters == ["Counter 1", "Counter 2"]
    assert [ticket_state(runtime, t.id) for t in waiting] == [TicketState.CANCELLED] * 2
    assert scheduler.tick() == []

    clock.set(local("2026-03-10 17:30"))  # the office takes tickets when closed: this one is for tomorrow
    (after_closing,) = issue(runtime, office.services["A"])
    clock.set(local("2026-03-11 00:00:04"))
    assert scheduler.tick() == []
    assert ticket_state(runtime, after_closing.id) == TicketState.WAITING

    clock.set(local("2026-03-11 17:00"))
    (report,) = scheduler.tick()
    assert (report.service_day, report.cancelled) == (date(2026, 3, 11), [after_closing.number])


def test_an_office_open_20_to_02_closes_at_2_not_at_midnight(runtime, clock):
    office = make_office(runtime, opening_hours=NIGHTS_20_TO_02)
    scheduler = Scheduler(runtime, holder="here")
    clock.set(local("2026-03-10 20:30"))
    served, evening = issue(runtime, office.services["A"], 2)
    counters.call_ticket(runtime.uow(), counter_id=office.counters["Counter 1"], ticket_id=served.id)
    counters.start_service(runtime.uow(), ticket_id=served.id)
    clock.set(local("2026-03-10 23:59:41"))
    (before_midnight,) = issue(runtime, office.services["B"])

    clock.set(local("2026-03-11 00:00:04"))
    assert scheduler.tick() == []
    clock.set(local("2026-03-11 00:30"))
    (after_midnight,) = issue(runtime, office.services["A"])
    assert after_midnight.number == "A001"  # a new local day, a new sequence
    clock.set(local("2026-03-11 01:59:59"))
    assert scheduler.tick() == []
    night_line = (evening, before_midnight, after_midnight)
    assert [ticket_state(runtime, t.id) for t in night_line] == [TicketState.WAITING] * 3

    clock.set(local("2026-03-11 02:00"))
    (report,) = scheduler.tick()
    assert report.service_day == date(2026, 3, 10)  # Tuesday's night
    assert sorted(report.cancelled) == sorted(t.number for t in night_line)
    assert report.still_serving == [f"Counter 1: {served.number}"]  # left to its clerk
    assert ticket_state(runtime, served.id) == TicketState.SERVING
    assert counter_state(runtime, office.counters["Counter 1"]) == CounterState.PAUSED
    assert counter_state(runtime, office.counters["Counter 2"]) == CounterState.CLOSED
    assert scheduler.tick() == []


def test_a_night_missed_while_the_server_was_down_is_caught_up(runtime, clock):
    office = make_office(runtime, opening_hours=NIGHTS_20_TO_02)
    clock.set(local("2026-03-10 23:00"))
    (before_midnight,) = issue(runtime, office.services["A"])
    clock.set(local("2026-03-11 01:00"))
    (after_midnight,) = issue(runtime, office.services["A"])
    clock.set(local("2026-03-11 09:00"))  # back up long after 02:00
    (report,) = Scheduler(runtime, holder="here").tick()
    assert report.service_day == date(2026, 3, 10)
    assert sorted(report.cancelled) == sorted([before_midnight.number, after_midnight.number])
    assert counter_state(runtime, office.counters["Counter 1"]) == CounterState.CLOSED


def test_closing_the_day_by_hand_still_works_at_any_hour(app, runtime, clock):
    night = make_office(runtime, opening_hours=NIGHTS_20_TO_02)
    no_hours = make_office(runtime, name="Norwich DMV")
    clock.set(local("2026-03-10 23:50"))
    tickets = [*issue(runtime, night.services["A"]), *issue(runtime, no_hours.services["A"])]
    clock.set(local("2026-03-11 01:00"))
    tickets += [*issue(runtime, night.services["A"]), *issue(runtime, no_hours.services["A"])]
    admin = signed_in(app, make_staff(runtime, [], role=Role.ADMIN, username="root"))  # at 01:00 (sessions end)
    admin.refresh_token("/admin/")
    assert "02:00" in admin.client.get("/admin/").get_data(as_text=True)  # when the night under way closes

    for office in (night, no_hours):
        response = admin.post_form(f"/admin/offices/{office.office_id}/end-of-day")
        assert response.status_code == 302, response.get_data(as_text=True)
    assert [ticket_state(runtime, t.id) for t in tickets] == [TicketState.CANCELLED] * 4
    for office in (night, no_hours):
        assert {counter_state(runtime, c) for c in office.counters.values()} == {CounterState.CLOSED}
    clock.set(local("2026-03-11 02:00"))
    assert Scheduler(runtime, holder="here").tick() == []  # Tuesday's night was closed by hand already

"""Issuing tickets: numbers, tokens, timestamps, history and opening hours."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from tests.engine.conftest import World
from tests.engine.support import history_of, ticket_row
from tests.factories import issue, make_office
from waitwell.domain.errors import OfficeClosed
from waitwell.domain.states import TicketState
from waitwell.persistence import DailySequence
from waitwell.services import counters, tickets


def test_first_tickets_of_a_line_are_numbered_from_001(any_world: World) -> None:
    numbers = [t.number for t in issue(any_world.runtime, any_world.office.services["A"], 3)]
    assert numbers == ["A001", "A002", "A003"]


def test_each_prefix_has_its_own_daily_sequence(any_world: World) -> None:
    rt, services = any_world.runtime, any_world.office.services
    issued = [tickets.issue_ticket(rt.uow(), service_id=services[p]).number for p in "AABAB"]
    assert issued == ["A001", "A002", "B001", "A003", "B002"]


def test_offices_number_independently(any_world: World) -> None:
    here = issue(any_world.runtime, any_world.office.services["A"])[0]
    there = issue(any_world.runtime, any_world.other_office.services["A"])[0]
    assert here.number == there.number == "A001"


def test_numbers_past_999_keep_growing(runtime) -> None:
    office = make_office(runtime)
    with runtime.engine.begin() as connection:
        connection.execute(DailySequence.__table__.insert().values(
            office_id=office.office_id, prefix="A", service_day=date(2026, 3, 10), last_sequence=998))
    assert [t.number for t in issue(runtime, office.services["A"], 2)] == ["A999", "A1000"]


def test_issued_ticket_waits_with_aware_utc_timestamps_from_the_clock(any_world: World) -> None:
    rt = any_world.runtime
    ticket = tickets.issue_ticket(rt.uow(), service_id=any_world.office.services["A"], origin="kiosk")
    stored = ticket_row(rt, ticket.id)

    assert ticket.state == TicketState.WAITING == stored.state
    assert ticket.issued_at == ticket.waiting_since == rt.clock.now() == stored.issued_at
    assert stored.issued_at.tzinfo is UTC and stored.waiting_since.tzinfo is UTC
    assert (stored.first_called_at, stored.called_at, stored.started_at, stored.finished_at) == (None,) * 4
    assert stored.call_count == 0 and stored.counter_id is None
    assert ticket.origin == stored.origin == "kiosk"
    assert ticket.service_name == "Licence renewal"


def test_issuing_starts_the_ticket_history(any_world: World) -> None:
    rt = any_world.runtime
    ticket = tickets.issue_ticket(rt.uow(), service_id=any_world.office.services["A"], origin="kiosk")
    assert history_of(rt, ticket.id) == [
        {"kind": "issued", "occurred_at": rt.clock.now(), "service_id": any_world.office.services["A"],
         "counter_id": None, "user_id": None, "detail": {"origin": "kiosk"}},
    ]


def test_issued_ticket_tells_how_many_people_are_ahead(any_world: World) -> None:
    rt = any_world.runtime
    first, second, third = issue(rt, any_world.office.services["A"], 3, minutes_apart=1)
    assert (first.people_ahead, second.people_ahead, third.people_ahead) == (0, 1, 2)


def test_status_by_token_shows_state_people_ahead_and_last_number_called(any_world: World) -> None:
    rt, office = any_world.runtime, any_world.office
    first, second = issue(rt, office.services["A"], 2, minutes_apart=1)
    status = tickets.ticket_status(rt.uow(read_only=True), token=second.token)
    assert (status.ticket.number, status.ticket.people_ahead, status.last_called_number) == ("A002", 1, None)

    counters.call_next(rt.uow(), counter_id=office.counters["Counter 1"])
    status = tickets.ticket_status(rt.uow(read_only=True), token=second.token)
    assert (status.ticket.people_ahead, status.last_called_number) == (0, "A001")
    called = tickets.ticket_status(rt.uow(read_only=True), token=first.token)
    assert called.ticket.state == TicketState.CALLED and called.ticket.people_ahead is None
    assert called.ticket.counter_name == "Counter 1"


@pytest.mark.parametrize(("local_time", "accepted"), [
    ("07:59", False), ("08:00", True), ("12:00", False), ("13:30", True), ("16:59", True), ("17:00", False),
])
def test_office_that_refuses_tickets_out_of_hours_issues_only_during_local_opening_hours(
    runtime, local_time: str, accepted: bool
) -> None:
    office = make_office(runtime, name="Stamford DMV", refuse_tickets_when_closed=True,
                         opening_hours={"tue": [["08:00", "12:00"], ["13:00", "17:00"]]})
    hour, minute = map(int, local_time.split(":"))
    # Tuesday 10 March 2026 in New York is UTC-4 (daylight time started on 8 March).
    runtime.clock.set(datetime(2026, 3, 10, hour + 4, minute, tzinfo=UTC))
    if accepted:
        assert issue(runtime, office.services["A"])[0].number == "A001"
    else:
        with pytest.raises(OfficeClosed, match="Stamford DMV is closed now"):
            issue(runtime, office.services["A"])


def test_office_that_accepts_tickets_out_of_hours_issues_them_at_night(runtime) -> None:
    office = make_office(runtime, opening_hours={"tue": [["08:00", "17:00"]]}, refuse_tickets_when_closed=False)
    runtime.clock.set(datetime(2026, 3, 11, 3, 0, tzinfo=UTC))  # 23:00 on Tuesday in New York
    assert issue(runtime, office.services["A"])[0].state == TicketState.WAITING

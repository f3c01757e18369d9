"""End of day: close the tickets still waiting, close the free counters, and record that the day is done.

Run by the scheduler at each office's closing time (jobs/scheduler.py; domain/closing.py says when: a
day with hours 20:00-02:00 closes at 02:00 the next morning), by hand (`waitwell end-of-day`, "Close
the day now"), and as a catch-up when the server was down at closing time. Nothing happens at midnight:
an office without opening hours keeps its line until a supervisor closes the day, and numbering simply
restarts with the office's local day.

- Waiting tickets of the day (issued before its closing time, or on it or earlier) become cancelled with
  the reason "office closed" (history row and a TicketClosedAtEndOfDay event). So do tickets called but
  not yet at the counter.
- A ticket being served is left to its clerk; its counter is paused so it calls nobody new. Tickets of
  an earlier day still being served, and all of them in a catch-up after the calendar day changed, are
  closed as done, so no counter starts a new day blocked by yesterday's ticket.
- Counters without a ticket close and their clerk is signed out of them, except in a catch-up made
  during the next opening hours.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, exists, or_, select
from sqlalchemy.exc import IntegrityError

from waitwell.domain import events
from waitwell.domain.closing import closing_time, day_to_close, last_closing
from waitwell.domain.hours import is_open
from waitwell.domain.numbering import service_day
from waitwell.domain.states import CounterState, TicketState
from waitwell.persistence import Counter, CounterSession, EndOfDayRun, Office, Ticket
from waitwell.services.counter_log import record_counter_state
from waitwell.services.history import record_history, ticket_fields
from waitwell.services.lookups import current_ticket_at, get_office
from waitwell.services.unit_of_work import UnitOfWork

OFFICE_CLOSED = "office closed"
OPEN_STATES = (TicketState.WAITING, TicketState.CALLED, TicketState.SERVING)


@dataclass(frozen=True)
class EndOfDayReport:
    office_id: int
    office_name: str
    service_day: date
    already_done: bool = False
    cancelled: list[str] = field(default_factory=list)  # ticket numbers
    finished: list[str] = field(default_factory=list)  # earlier days' tickets left in service, closed as done
    closed_counters: list[str] = field(default_factory=list)
    still_serving: list[str] = field(default_factory=list)  # "Counter 2: A031"

    def describe(self) -> str:
        if self.already_done:
            return f"{self.office_name}: {self.service_day} was already closed"
        parts = [f"{len(self.cancelled)} waiting ticket(s) closed", f"{len(self.closed_counters)} counter(s) closed"]
        if self.finished:
            parts.append(f"{len(self.finished)} ticket(s) left in service closed as done")
        if self.still_serving:
            parts.append("still serving: " + ", ".join(self.still_serving))
        return f"{self.office_name}, {self.service_day}: " + "; ".join(parts)


def end_of_day(
    uow: UnitOfWork, *, office_id: int, day: date | None = None, trigger: str = "cli", again: bool = False,
    reason: str = OFFICE_CLOSED,
) -> EndOfDayReport:
    """Close an office's day (by default the one under way: see `day_to_close`). Once per day unless `again`."""
    try:
        with uow:
            office = get_office(uow.session, office_id)
            now = uow.clock.now()
            day = day or day_to_close(office.opening_hours or {}, office.timezone, now)
            run = uow.session.scalar(select(EndOfDayRun).where(EndOfDayRun.office_id == office.id,
                                                               EndOfDayRun.service_day == day))
            if run is not None and not again:
                return EndOfDayReport(office.id, office.name, day, already_done=True)
            if run is None:
                run = EndOfDayRun(office_id=office.id, service_day=day, ran_at=now, trigger=trigger)
                uow.session.add(run)
                uow.session.flush()  # the unique key: a second process closing the same day stops here
            report = _close_day(uow, office, day, now, reason)
            run.ran_at, run.trigger = now, trigger
            run.cancelled_tickets = len(report.cancelled)
            run.closed_counters = len(report.closed_counters)
            uow.record(events.OfficeDayClosed(office_id=office.id, occurred_at=now, service_day=day,
                                              cancelled_tickets=len(report.cancelled),
                                              closed_counters=len(report.closed_counters)))
            uow.commit()
            return report
    except IntegrityError:
        with uow:
            office = get_office(uow.session, office_id)
            day = day or day_to_close(office.opening_hours or {}, office.timezone, uow.clock.now())
            return EndOfDayReport(office.id, office.name, day, already_done=True)


def _close_day(uow: UnitOfWork, office: Office, day: date, now: datetime, reason: str) -> EndOfDayReport:
    report = EndOfDayReport(office.id, office.name, day)
    hours = office.opening_hours or {}
    closes = closing_time(hours, office.timezone, day)
    # Closed on a later calendar day than its closing time (the server was down then, or an earlier day by hand).
    today = service_day(now, office.timezone)
    late = today > service_day(closes, office.timezone) if closes is not None else day < today
    tickets = uow.session.scalars(
        select(Ticket).where(Ticket.office_id == office.id, Ticket.state.in_(OPEN_STATES), _of_the_day(day, closes))
        .order_by(Ticket.id).with_for_update()
    ).all()
    for ticket in tickets:
        earlier_day = late or ticket.service_day < day
        if ticket.state == TicketState.SERVING and not earlier_day:
            continue  # its clerk finishes it
        if ticket.state == TicketState.SERVING:
            ticket.state, ticket.finished_at = TicketState.DONE, now
            record_history(uow, ticket, "completed", now, by="office", reason="left in service at end of day")
            uow.record(events.TicketCompleted(**ticket_fields(ticket, now), counter_id=ticket.counter_id))
            report.finished.append(ticket.number)
            continue
        ticket.state, ticket.finished_at = TicketState.CANCELLED, now
        record_history(uow, ticket, "cancelled", now, by="office", reason=reason)
        uow.record(events.TicketClosedAtEndOfDay(**ticket_fields(ticket, now), by="office", reason=reason))
        report.cancelled.append(ticket.number)
    uow.session.flush()
    if late and is_open(hours, office.timezone, now):
        return report  # a late catch-up during the next opening hours leaves that day's counters alone

    counters = uow.session.scalars(
        select(Counter).where(Counter.office_id == office.id).order_by(Counter.name).with_for_update()
    ).all()
    for counter in counters:
        current = current_ticket_at(uow.session, counter.id)
        target = CounterState.PAUSED if current is not None else CounterState.CLOSED
        if current is not None:
            report.still_serving.append(f"{counter.name}: {current.number}")
        else:
            uow.session.execute(delete(CounterSession).where(CounterSession.counter_id == counter.id))
        if counter.state in (target, CounterState.CLOSED):
            continue
        counter.state = target
        record_counter_state(uow.session, counter, now)
        change = events.CounterClosed if target == CounterState.CLOSED else events.CounterPaused
        uow.record(change(office_id=office.id, occurred_at=now, counter_id=counter.id, counter_name=counter.name))
        if target == CounterState.CLOSED:
            report.closed_counters.append(counter.name)
    return report


def _of_the_day(day: date, closes: datetime | None) -> Any:
    """Tickets a close of `day` ends: issued on it or earlier, or before its closing time (a day with a
    period past midnight also ends the tickets taken after midnight)."""
    if closes is None:
        return Ticket.service_day <= day
    return or_(Ticket.service_day <= day, Ticket.issued_at < closes)


@dataclass(frozen=True)
class DueDay:
    office_id: int
    day: date


def due_days(uow: UnitOfWork, *, office_id: int | None = None) -> list[DueDay]:
    """Office days to close now: the day that closed last, once its closing time has passed (on the same
    calendar day, or later if its tickets were left open). Offices without opening hours have none."""
    with uow:
        now = uow.clock.now()
        query = select(Office).order_by(Office.id)
        if office_id is not None:
            query = query.where(Office.id == office_id)
        due: list[DueDay] = []
        for office in uow.session.scalars(query):
            closed = last_closing(office.opening_hours or {}, office.timezone, now)
            if closed is None:
                continue  # no opening hours: the supervisor closes the day
            day, closes = closed
            done = uow.session.scalar(select(exists().where(EndOfDayRun.office_id == office.id,
                                                            EndOfDayRun.service_day == day)))
            on_time = service_day(now, office.timezone) == service_day(closes, office.timezone)
            if (on_time and not done) or _left_open(uow, office.id, day, closes):
                due.append(DueDay(office.id, day))
        return due


def _left_open(uow: UnitOfWork, office_id: int, day: date, closes: datetime) -> bool:
    """Whether tickets that the close of `day` ends are still open: it was missed, or they came in late."""
    waiting = Ticket.state.in_((TicketState.WAITING, TicketState.CALLED)) & (Ticket.issued_at < closes)
    served_too_long = (Ticket.state == TicketState.SERVING) & (Ticket.service_day < day)
    return bool(uow.session.scalar(select(exists().where(Ticket.office_id == office_id, waiting | served_too_long))))


def run_due(uow: UnitOfWork, *, trigger: str = "scheduler", office_id: int | None = None) -> list[EndOfDayReport]:
    """Close every office day that is due (the scheduler's job); each day at most once."""
    reports = []
    for due in due_days(uow, office_id=office_id):
        reports.append(end_of_day(uow, office_id=due.office_id, day=due.day, trigger=trigger, again=True))
    return reports


def closing_times(uow: UnitOfWork, *, office_ids: list[int] | None = None) -> dict[int, datetime | None]:
    """When the day under way closes, per office (None without opening hours), for the admin page."""
    with uow:
        now = uow.clock.now()
        query = select(Office)
        if office_ids is not None:
            query = query.where(Office.id.in_(office_ids))
        return {o.id: closing_time(o.opening_hours or {}, o.timezone,
                                   day_to_close(o.opening_hours or {}, o.timezone, now))
                for o in uow.session.scalars(query)}

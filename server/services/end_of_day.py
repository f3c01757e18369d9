"""End of day: close the tickets still waiting, close the free counters, and record that the day is done.

Run by the scheduler at each office's closing time (jobs/scheduler.py), from the command line
(`waitwell end-of-day`), and as a catch-up for any earlier day that still has open tickets (the
server was down at closing time, or the office has no opening hours). Numbering needs nothing:
it already restarts with the office's local day.

- Waiting tickets become cancelled with the reason "office closed" (history row and a
  TicketClosedAtEndOfDay event). So do tickets called but not yet at the counter.
- A ticket being served today is left to its clerk; its counter is paused so it calls nobody new.
  Tickets of an earlier day still called or being served are closed as well (cancelled or done),
  so no counter starts a new day blocked by yesterday's ticket.
- Counters without a ticket close and their clerk is signed out of them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from waitwell.domain import events
from waitwell.domain.closing import closing_time
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
    """Close an office's day (`day` defaults to its local today). Once per day unless `again`."""
    try:
        with uow:
            office = get_office(uow.session, office_id)
            now = uow.clock.now()
            today = service_day(now, office.timezone)
            day = day or today
            run = uow.session.scalar(select(EndOfDayRun).where(EndOfDayRun.office_id == office.id,
                                                               EndOfDayRun.service_day == day))
            if run is not None and not again:
                return EndOfDayReport(office.id, office.name, day, already_done=True)
            if run is None:
                run = EndOfDayRun(office_id=office.id, service_day=day, ran_at=now, trigger=trigger)
                uow.session.add(run)
                uow.session.flush()  # the unique key: a second process closing the same day stops here
            report = _close_day(uow, office, day, today, now, reason)
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
            return EndOfDayReport(office.id, office.name, day or service_day(uow.clock.now(), office.timezone),
                                  already_done=True)


def _close_day(uow: UnitOfWork, office: Office, day: date, today: date, now: datetime, reason: str) -> EndOfDayReport:
    report = EndOfDayReport(office.id, office.name, day)
    tickets = uow.session.scalars(
        select(Ticket).where(Ticket.office_id == office.id, Ticket.service_day <= day, Ticket.state.in_(OPEN_STATES))
        .order_by(Ticket.id).with_for_update()
    ).all()
    for ticket in tickets:
        earlier_day = ticket.service_day < today
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
    if day < today and is_open(office.opening_hours or {}, office.timezone, now):
        return report  # a late catch-up during today's opening hours leaves today's counters alone

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


@dataclass(frozen=True)
class DueDay:
    office_id: int
    day: date


def due_days(uow: UnitOfWork, *, office_id: int | None = None) -> list[DueDay]:
    """Office days to close now: today once past closing time, and any earlier day with tickets still open."""
    with uow:
        now = uow.clock.now()
        query = select(Office).order_by(Office.id)
        if office_id is not None:
            query = query.where(Office.id == office_id)
        due: list[DueDay] = []
        for office in uow.session.scalars(query):
            today = service_day(now, office.timezone)
            done = set(uow.session.scalars(select(EndOfDayRun.service_day).where(EndOfDayRun.office_id == office.id)))
            earlier = uow.session.scalars(
                select(Ticket.service_day).where(Ticket.office_id == office.id, Ticket.service_day < today,
                                                 Ticket.state.in_(OPEN_STATES)).distinct()
            ).all()
            if earlier:
                due.append(DueDay(office.id, max(earlier)))  # closing the latest earlier day sweeps older ones too
            closes = closing_time(office.opening_hours or {}, office.timezone, today)
            if closes is not None and now >= closes and today not in done:
                due.append(DueDay(office.id, today))
        return due


def run_due(uow: UnitOfWork, *, trigger: str = "scheduler", office_id: int | None = None) -> list[EndOfDayReport]:
    """Close every office day that is due (the scheduler's job); each day at most once."""
    reports = []
    for due in due_days(uow, office_id=office_id):
        reports.append(end_of_day(uow, office_id=due.office_id, day=due.day, trigger=trigger, again=True))
    return reports


def closing_times(uow: UnitOfWork, *, office_ids: list[int] | None = None) -> dict[int, datetime | None]:
    """Today's closing time per office (for the admin page and the CLI's dry run)."""
    with uow:
        now = uow.clock.now()
        query = select(Office)
        if office_ids is not None:
            query = query.where(Office.id.in_(office_ids))
        return {o.id: closing_time(o.opening_hours or {}, o.timezone, service_day(now, o.timezone))
                for o in uow.session.scalars(query)}

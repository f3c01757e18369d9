"""Everything live screens show about an office, read in one transaction: the source of every payload."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from functools import cached_property
from typing import Any

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session, selectinload

from waitwell.domain.calling import Candidate, strategy_named
from waitwell.domain.numbering import service_day
from waitwell.domain.position import people_ahead
from waitwell.domain.states import TicketState
from waitwell.persistence import Counter, Service, Ticket, TicketEvent
from waitwell.realtime.wait_estimates import Waits
from waitwell.services.lookups import ACTIVE_STATES, counter_skills, get_office, latest_call_per_line
from waitwell.services.metrics.waits import STALE_AFTER, OfficeWaits, read_office_waits

RECENT_CALLS = 50  # enough for any display's filter to find its last few calls


@dataclass(frozen=True)
class CallRow:
    number: str
    service_id: int
    counter_id: int | None
    counter_name: str | None
    called_at: datetime
    call_count: int
    state: TicketState


@dataclass(frozen=True)
class ServiceRow:
    id: int
    name: str
    prefix: str
    active: bool
    waiting: int
    last_called: str | None
    wait: dict[str, Any] | None  # for a ticket taken now


@dataclass(frozen=True)
class CounterRow:
    id: int
    name: str
    state: str
    ticket_id: int | None
    ticket_number: str | None
    ticket_state: str | None
    service_id: int | None


@dataclass(frozen=True)
class WaitingRow:
    id: int
    token: str
    number: str
    service_id: int
    waiting_since: datetime
    people_ahead: int
    wait: dict[str, Any] | None


@dataclass(frozen=True)
class OfficeState:
    """An office at one feed version: calls and lines (the board), then counters and waiting tickets.

    Read in two steps so the lobby gets a call before the slower part (everyone's place in line) is read.
    """

    office_id: int
    name: str
    timezone: str
    now: datetime
    version: int
    calls: list[CallRow]
    services: list[ServiceRow]
    last_ten: OfficeWaits | None = None  # the Connecticut DMV figure, per service and for the office
    counters: list[CounterRow] = field(default_factory=list)
    waiting: list[WaitingRow] = field(default_factory=list)
    complete: bool = False  # counters and waiting tickets read too

    def service(self, service_id: int) -> ServiceRow | None:
        return next((s for s in self.services if s.id == service_id), None)

    def waiting_ticket(self, token: str) -> WaitingRow | None:
        return self._waiting_by_token.get(token)

    @cached_property
    def _waiting_by_token(self) -> dict[str, WaitingRow]:
        """Built once per state: a publication looks up every waiting ticket (a scan each was quadratic in
        the line's length, 26 ms of a publication's 57 with 1,200 people waiting)."""
        return {row.token: row for row in self.waiting}


def read_office_state(session: Session, office_id: int, now: datetime, version: int, waits: Waits, *,
                      stale_after: timedelta = STALE_AFTER) -> OfficeState:
    """Read the whole office as of `now`; the caller's transaction makes it consistent with `version`."""
    board = read_board(session, office_id, now, version, waits, stale_after=stale_after)
    return read_queue(session, board, waits)


def read_board(session: Session, office_id: int, now: datetime, version: int, waits: Waits, *,
               stale_after: timedelta = STALE_AFTER) -> OfficeState:
    """What lobby displays show: recent calls and, per line, people waiting, the wait for a new ticket
    and the last-10 average (re-read on every change, so it is current after every call)."""
    office = get_office(session, office_id)
    today = service_day(now, office.timezone)
    carried = session.execute(_CARRIED_AT_COUNTERS, {"office_id": office_id, "today": today}).all()
    return OfficeState(
        office_id=office.id,
        name=office.name,
        timezone=office.timezone,
        now=now,
        version=version,
        calls=_recent_calls(session, office_id, today, carried),
        services=_services(session, office_id, today, waits.per_service, carried),
        last_ten=read_office_waits(session, office_id, now, stale_after=stale_after),
    )


def read_queue(session: Session, board: OfficeState, waits: Waits) -> OfficeState:
    """The board completed with the counters and every waiting ticket's place in line."""
    return complete_queue(board, read_queue_rows(session, board), waits)


@dataclass(frozen=True)
class QueueRows:
    """What `complete_queue` needs from the database: read in the publisher's transaction, ranked outside it."""

    calling_strategy: str
    waiting: list[Any]  # id, token, number, service_id, waiting_since, priority_weight, appointment_at
    counter_services: dict[int, frozenset[int]]
    counters: list[CounterRow]


def read_queue_rows(session: Session, board: OfficeState) -> QueueRows:
    office = get_office(session, board.office_id)
    waiting = session.execute(_WAITING_OF, {"office_id": office.id}).all()
    return QueueRows(office.calling_strategy, list(waiting), counter_skills(session, office.id),
                     _counters(session, office.id))


def complete_queue(board: OfficeState, rows: QueueRows, waits: Waits) -> OfficeState:
    """Everyone's place in line, from plain values: a long line's ranking can run away from the event loop."""
    candidates = [Candidate(ticket_id=t.id, service_id=t.service_id, waiting_since=t.waiting_since,
                            priority_weight=t.priority_weight, is_appointment=t.appointment_at is not None,
                            appointment_at=t.appointment_at) for t in rows.waiting]
    ahead = people_ahead(strategy_named(rows.calling_strategy), candidates, rows.counter_services, board.now)
    waiting = sorted(
        (WaitingRow(t.id, t.token, t.number, t.service_id, t.waiting_since, ahead.get(t.id, 0),
                    waits.per_ticket.get(t.id)) for t in rows.waiting),
        key=lambda row: (row.people_ahead, row.waiting_since, row.id),
    )
    return replace(board, counters=rows.counters, waiting=waiting, complete=True)


_WAITING_OF = (
    select(Ticket.id, Ticket.token, Ticket.number, Ticket.service_id, Ticket.waiting_since, Service.priority_weight,
           Ticket.appointment_at)
    .join(Service, Service.id == Ticket.service_id)
    .where(Ticket.office_id == bindparam("office_id"), Ticket.state == TicketState.WAITING)
)


def _recent_calls(session: Session, office_id: int, today: Any, carried: list[Any]) -> list[CallRow]:
    """The office's latest calls and recalls of the day, newest first, one row per call: read from the tickets'
    history, so a publication that lags behind a call and its recall still carries both (each is announced).
    Tickets of an earlier day still at a counter (a line kept across midnight) are among them."""
    latest = [*session.execute(_LATEST_CALLED, {"office_id": office_id, "today": today, "limit": RECENT_CALLS}),
              *carried]
    if not latest:
        return []
    tickets = {row.id: row for row in latest}
    calls = []
    made_after: dict[int, int] = {}  # calls of each ticket already listed (newer ones)
    for event in session.execute(_CALLS_OF, {"ticket_ids": list(tickets)}):
        ticket = tickets[event.ticket_id]
        later = made_after.get(ticket.id, 0)
        made_after[ticket.id] = later + 1
        calls.append(CallRow(ticket.number, event.service_id, event.counter_id, event.name, event.occurred_at,
                             max(ticket.call_count - later, 1), ticket.state))
    calls.sort(key=lambda call: call.called_at, reverse=True)
    return calls[:RECENT_CALLS]


# A ticket's called_at is its latest call: the tickets of the latest calls are among the latest called.
_LATEST_CALLED = (
    select(Ticket.id, Ticket.number, Ticket.call_count, Ticket.state)
    .where(Ticket.office_id == bindparam("office_id"), Ticket.service_day == bindparam("today"),
           Ticket.called_at.is_not(None))
    .order_by(Ticket.called_at.desc(), Ticket.id.desc())
    .limit(bindparam("limit"))
)
# Tickets of an earlier day called or served now: as few as the counters, found on the line index.
_CARRIED_AT_COUNTERS = (
    select(Ticket.id, Ticket.number, Ticket.call_count, Ticket.state, Ticket.service_id, Ticket.called_at)
    .where(Ticket.office_id == bindparam("office_id"), Ticket.state.in_(ACTIVE_STATES),
           Ticket.service_day < bindparam("today"))
)
_CALLS_OF = (
    select(TicketEvent.ticket_id, TicketEvent.service_id, TicketEvent.counter_id, Counter.name,
           TicketEvent.occurred_at)
    .outerjoin(Counter, Counter.id == TicketEvent.counter_id)
    .where(TicketEvent.ticket_id.in_(bindparam("ticket_ids", expanding=True)),
           TicketEvent.kind.in_(("called", "recalled")))
    .order_by(TicketEvent.id.desc())
)


def _services(session: Session, office_id: int, today: Any, new_ticket_waits: dict[int, Any],
              carried: list[Any]) -> list[ServiceRow]:
    services = session.scalars(
        select(Service).where(Service.office_id == office_id).order_by(Service.display_order, Service.id)
    ).all()
    waiting = dict(session.execute(
        select(Ticket.service_id, func.count())
        .where(Ticket.office_id == office_id, Ticket.state == TicketState.WAITING)
        .group_by(Ticket.service_id)
    ).all())
    latest = latest_call_per_line(session, office_id, today, [service.id for service in services])
    last_called = {service_id: call.number for service_id, call in latest.items()}
    for ticket in carried:  # an earlier day's ticket called after today's latest call in its line
        if ticket.called_at is not None and (ticket.service_id not in latest
                                             or ticket.called_at > latest[ticket.service_id].called_at):
            last_called[ticket.service_id] = ticket.number
    return [
        ServiceRow(
            id=service.id,
            name=service.name,
            prefix=service.prefix,
            active=service.active,
            waiting=int(waiting.get(service.id, 0)),
            last_called=last_called.get(service.id),
            wait=new_ticket_waits.get(service.id),
        )
        for service in services
    ]


def _counters(session: Session, office_id: int) -> list[CounterRow]:
    counters = session.scalars(
        select(Counter).where(Counter.office_id == office_id).order_by(Counter.id)
        .options(selectinload(Counter.services))
    ).all()
    current = {
        row.counter_id: row
        for row in session.execute(
            select(Ticket.counter_id, Ticket.id, Ticket.number, Ticket.state, Ticket.service_id)
            .where(Ticket.office_id == office_id, Ticket.state.in_(ACTIVE_STATES))
        )
    }
    rows = []
    for counter in counters:
        ticket = current.get(counter.id)
        rows.append(CounterRow(
            id=counter.id,
            name=counter.name,
            state=counter.state.value,
            ticket_id=ticket.id if ticket else None,
            ticket_number=ticket.number if ticket else None,
            ticket_state=ticket.state.value if ticket else None,
            service_id=ticket.service_id if ticket else None,
        ))
    return rows

"""Everything live screens show about an office, read in one transaction: the source of every payload."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from waitwell.domain.numbering import service_day
from waitwell.domain.states import TicketState
from waitwell.estimates.estimate import WaitEstimate
from waitwell.estimates.estimator import estimate_new_ticket, estimate_waits
from waitwell.persistence import Counter, Office, Service, Ticket
from waitwell.realtime.waits import wait_range
from waitwell.services.estimates import HISTORY_DAYS, build_snapshot
from waitwell.services.lookups import ACTIVE_STATES, get_office, people_ahead_by_ticket

log = logging.getLogger(__name__)
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
    longest_waiting_since: datetime | None


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
    """An office at one feed version: calls, lines, counters and waiting tickets."""

    office_id: int
    name: str
    timezone: str
    now: datetime
    version: int
    calls: list[CallRow]
    services: list[ServiceRow]
    counters: list[CounterRow]
    waiting: list[WaitingRow]

    def service(self, service_id: int) -> ServiceRow | None:
        return next((s for s in self.services if s.id == service_id), None)

    def waiting_ticket(self, token: str) -> WaitingRow | None:
        return next((w for w in self.waiting if w.token == token), None)


def read_office_state(session: Session, office_id: int, now: datetime, version: int) -> OfficeState:
    """Read the office as of `now`; the caller's transaction makes it consistent with `version`."""
    office = get_office(session, office_id)
    today = service_day(now, office.timezone)
    tickets_waiting = session.execute(
        select(Ticket.id, Ticket.token, Ticket.number, Ticket.service_id, Ticket.waiting_since)
        .where(Ticket.office_id == office_id, Ticket.state == TicketState.WAITING)
    ).all()
    ahead = people_ahead_by_ticket(session, office, now)
    ticket_waits, new_ticket_waits = _estimates(session, office, now)
    waiting = sorted(
        (WaitingRow(t.id, t.token, t.number, t.service_id, t.waiting_since, ahead.get(t.id, 0),
                    wait_range(ticket_waits.get(t.id))) for t in tickets_waiting),
        key=lambda row: (row.people_ahead, row.waiting_since, row.id),
    )
    return OfficeState(
        office_id=office.id,
        name=office.name,
        timezone=office.timezone,
        now=now,
        version=version,
        calls=_recent_calls(session, office_id, today),
        services=_services(session, office_id, today, waiting, new_ticket_waits),
        counters=_counters(session, office_id),
        waiting=waiting,
    )


def _estimates(session: Session, office: Office, now: datetime) -> tuple[dict[int, WaitEstimate], dict[int, Any]]:
    """Estimates per waiting ticket and for a ticket taken now per service; none if the estimator fails."""
    try:
        snapshot = build_snapshot(session, office, now, HISTORY_DAYS)
        per_ticket = estimate_waits(snapshot)
        per_service = {s.id: wait_range(estimate_new_ticket(snapshot, s.id)) for s in office.services if s.active}
    except Exception:  # screens must keep showing counts even when an estimate cannot be made
        log.exception("wait estimates failed for office %s; publishing without them", office.id)
        return {}, {}
    return per_ticket, per_service


def _recent_calls(session: Session, office_id: int, today: Any) -> list[CallRow]:
    rows = session.execute(
        select(Ticket.number, Ticket.service_id, Ticket.counter_id, Counter.name, Ticket.called_at,
               Ticket.call_count, Ticket.state)
        .outerjoin(Counter, Counter.id == Ticket.counter_id)
        .where(Ticket.office_id == office_id, Ticket.service_day == today, Ticket.called_at.is_not(None))
        .order_by(Ticket.called_at.desc(), Ticket.id.desc())
        .limit(RECENT_CALLS)
    ).all()
    return [CallRow(*row) for row in rows]


def _services(
    session: Session, office_id: int, today: Any, waiting: list[WaitingRow], new_ticket_waits: dict[int, Any]
) -> list[ServiceRow]:
    services = session.scalars(
        select(Service).where(Service.office_id == office_id).order_by(Service.display_order, Service.id)
    ).all()
    latest = (
        select(Ticket.service_id, func.max(Ticket.called_at).label("called_at"))
        .where(Ticket.office_id == office_id, Ticket.service_day == today, Ticket.called_at.is_not(None))
        .group_by(Ticket.service_id)
        .subquery()
    )
    last_called = dict(session.execute(
        select(Ticket.service_id, Ticket.number)
        .join(latest, (latest.c.service_id == Ticket.service_id) & (latest.c.called_at == Ticket.called_at))
        .where(Ticket.office_id == office_id, Ticket.service_day == today)
    ).all())
    rows = []
    for service in services:
        in_line = [w for w in waiting if w.service_id == service.id]
        rows.append(ServiceRow(
            id=service.id,
            name=service.name,
            prefix=service.prefix,
            active=service.active,
            waiting=len(in_line),
            last_called=last_called.get(service.id),
            wait=new_ticket_waits.get(service.id),
            longest_waiting_since=min((w.waiting_since for w in in_line), default=None),
        ))
    return rows


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

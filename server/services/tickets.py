"""Citizen-side use cases: take a ticket, follow it, cancel it."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from waitwell.domain import events
from waitwell.domain.errors import OfficeClosed, ServiceInactive
from waitwell.domain.hours import is_open
from waitwell.domain.numbering import format_number, service_day
from waitwell.domain.states import TicketState, require_ticket_state
from waitwell.persistence import DailySequence, Ticket
from waitwell.services.history import record_history, ticket_fields
from waitwell.services.lookups import (
    get_service,
    get_ticket_by_token,
    people_ahead_by_ticket,
    people_ahead_of_new_ticket,
)
from waitwell.services.results import TicketView
from waitwell.services.unit_of_work import UnitOfWork

TOKEN_BYTES = 24  # 192 random bits, URL-safe: the QR code's secret


def issue_ticket(uow: UnitOfWork, *, service_id: int, origin: str = "api") -> TicketView:
    """Issue the next ticket of a service's line, numbered per office, prefix and local day."""
    with uow:
        view = add_ticket(uow, service_id=service_id, origin=origin)
        uow.commit()
        return view


def add_ticket(uow: UnitOfWork, *, service_id: int, origin: str) -> TicketView:
    """Issue a ticket inside the caller's open transaction, which commits it (a kiosk adds its print job)."""
    service = get_service(uow.session, service_id)
    office = service.office
    now = uow.clock.now()
    if not service.active:
        raise ServiceInactive(f"{service.name} is not taking tickets right now")
    if office.refuse_tickets_when_closed and not is_open(office.opening_hours, office.timezone, now):
        raise OfficeClosed(f"{office.name} is closed now; tickets are issued during opening hours")
    day = service_day(now, office.timezone)
    sequence = _next_sequence(uow.session, office.id, service.prefix, day)
    ticket = Ticket(
        office_id=office.id,
        service=service,
        number=format_number(service.prefix, sequence),
        sequence=sequence,
        service_day=day,
        token=secrets.token_urlsafe(TOKEN_BYTES),
        state=TicketState.WAITING,
        origin=origin,
        issued_at=now,
        waiting_since=now,
        call_count=0,
    )
    uow.session.add(ticket)
    uow.session.flush()
    record_history(uow, ticket, "issued", now, origin=origin)
    uow.record(events.TicketIssued(**ticket_fields(ticket, now), origin=origin))
    ahead = people_ahead_of_new_ticket(uow.session, office, ticket.id, service.id, now)
    return TicketView.of(ticket, people_ahead=ahead)


def _next_sequence(session: Session, office_id: int, prefix: str, day: date) -> int:
    """Bump the day's counter in this transaction: concurrent issuers queue on the row, so no gaps."""
    insert = postgresql_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    statement = (
        insert(DailySequence)
        .values(office_id=office_id, prefix=prefix, service_day=day, last_sequence=1)
        .on_conflict_do_update(
            index_elements=[DailySequence.office_id, DailySequence.prefix, DailySequence.service_day],
            set_={"last_sequence": DailySequence.last_sequence + 1},
        )
        .returning(DailySequence.last_sequence)
    )
    return int(session.execute(statement).scalar_one())


def cancel_ticket(uow: UnitOfWork, *, token: str) -> TicketView:
    """The citizen gives up their place; the token proves it is their ticket."""
    with uow:
        ticket = get_ticket_by_token(uow.session, token)
        require_ticket_state(ticket.number, ticket.state, "cancel")
        now = uow.clock.now()
        ticket.state = TicketState.CANCELLED
        ticket.finished_at = now
        record_history(uow, ticket, "cancelled", now, by="citizen")
        uow.record(events.TicketCancelled(**ticket_fields(ticket, now), by="citizen"))
        view = TicketView.of(ticket)
        uow.commit()
        return view


@dataclass(frozen=True)
class TicketStatus:
    ticket: TicketView
    last_called_number: str | None


def ticket_status(uow: UnitOfWork, *, token: str) -> TicketStatus:
    """What the citizen's status page shows: state, people ahead, and the last number called in their line."""
    with uow:
        ticket = get_ticket_by_token(uow.session, token)
        ahead = None
        if ticket.state == TicketState.WAITING:
            ahead = people_ahead_by_ticket(uow.session, ticket.office, uow.clock.now()).get(ticket.id, 0)
        last_called = uow.session.scalar(
            select(Ticket.number)
            .where(
                Ticket.office_id == ticket.office_id,
                Ticket.service_id == ticket.service_id,
                Ticket.service_day == ticket.service_day,
                Ticket.called_at.is_not(None),
            )
            .order_by(Ticket.called_at.desc())
            .limit(1)
        )
        return TicketStatus(ticket=TicketView.of(ticket, people_ahead=ahead), last_called_number=last_called)

"""Citizen-side use cases: take a ticket, follow it, cancel it."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import bindparam, insert, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, joinedload

from waitwell.domain import events
from waitwell.domain.errors import NotFound, OfficeClosed, ServiceInactive, WaitwellError
from waitwell.domain.hours import is_open
from waitwell.domain.numbering import format_number, service_day
from waitwell.domain.position import people_ahead_of_newest
from waitwell.domain.states import TicketState, require_ticket_state
from waitwell.estimates.estimate import WaitEstimate
from waitwell.estimates.estimator import default_predictor
from waitwell.persistence import DailySequence, IssueEstimate, Service, Ticket, TicketEvent
from waitwell.services.daily_cap import refuse_past_daily_cap
from waitwell.services.history import history_row, record_history, ticket_fields
from waitwell.services.lookups import (
    could_exist,
    counter_skills_of_offices,
    get_ticket_by_token,
    people_ahead_by_ticket,
    people_ahead_of_ticket,
    waiting_per_service_of_offices,
)
from waitwell.services.metrics.stored_estimates import issue_estimate_values
from waitwell.services.results import TicketView
from waitwell.services.unit_of_work import UnitOfWork

TOKEN_BYTES = 24  # 192 random bits, URL-safe: the QR code's secret


def issue_ticket(uow: UnitOfWork, *, service_id: int, origin: str = "api", daily_cap: int | None = None) -> TicketView:
    """Issue the next ticket of a service's line, numbered per office, prefix and local day; with `daily_cap`,
    refused (DailyTicketCapReached) once the office has issued that many tickets today."""
    with uow:
        view = add_ticket(uow, service_id=service_id, origin=origin, daily_cap=daily_cap)
        uow.commit()
        return view


def add_ticket(uow: UnitOfWork, *, service_id: int, origin: str, daily_cap: int | None = None) -> TicketView:
    """Issue a ticket inside the caller's open transaction, which commits it (a kiosk adds its print job)."""
    service = issuable_services(uow, [service_id])[service_id]
    if isinstance(service, WaitwellError):
        raise service
    if daily_cap is not None:
        refuse_past_daily_cap(uow.session, service.office, uow.clock.now(), daily_cap)
    return add_tickets(uow, [service], origin=origin)[0]


def issuable_services(uow: UnitOfWork, service_ids: Iterable[int]) -> dict[int, Service | WaitwellError]:
    """Each service with its office, or why it cannot take a ticket now (read once for a batch of taps)."""
    wanted = {service_id for service_id in service_ids if could_exist(service_id)}
    found = {service.id: service for service in uow.session.scalars(
        _READ_SERVICES, {"ids": list(wanted)})} if wanted else {}
    now = uow.clock.now()
    answers: dict[int, Service | WaitwellError] = {}
    for service_id in set(service_ids):
        service = found.get(service_id)
        if service is None:
            answers[service_id] = NotFound(f"there is no service {service_id}")
        elif not service.active:
            answers[service_id] = ServiceInactive(f"{service.name} is not taking tickets right now")
        elif service.office.refuse_tickets_when_closed and not is_open(service.office.opening_hours,
                                                                        service.office.timezone, now):
            answers[service_id] = OfficeClosed(
                f"{service.office.name} is closed now; tickets are issued during opening hours")
        else:
            answers[service_id] = service
    return answers


def add_tickets(uow: UnitOfWork, services: Sequence[Service], *, origin: str,
                estimates: Sequence[WaitEstimate | None] = ()) -> list[TicketView]:
    """Issue one ticket per entry of `services` (checked by `issuable_services`), in that order, inside the
    caller's transaction: a statement per table and one sequence bump per line, whatever the count, so a
    burst of taps handled together costs little more than one.

    `estimates`, one per ticket where given, are the waits the issuer showed (a kiosk's screen and paper):
    kept as the tickets' estimates at issue, so accuracy is scored against the figure the visitor was
    given and nothing recomputes it later."""
    session, now = uow.session, uow.clock.now()
    numbers = _numbers(session, services, now)
    rows = [
        {"office_id": service.office_id, "service_id": service.id, "number": format_number(service.prefix, sequence),
         "sequence": sequence, "service_day": day, "token": secrets.token_urlsafe(TOKEN_BYTES),
         "state": TicketState.WAITING, "origin": origin, "issued_at": now, "waiting_since": now, "call_count": 0}
        for service, (day, sequence) in zip(services, numbers, strict=True)
    ]
    ahead = _people_ahead_of_new(session, services, now)
    ids = session.scalars(_INSERT_TICKETS, rows).all()
    session.execute(_INSERT_HISTORY, [{"ticket_id": ticket_id, **history_row(service.id, "issued", now, origin=origin)}
                                      for ticket_id, service in zip(ids, services, strict=True)])
    views = [
        TicketView(id=ticket_id, number=row["number"], token=row["token"], state=TicketState.WAITING,
                   office_id=service.office_id, service_id=service.id, service_name=service.name, counter_id=None,
                   counter_name=None, origin=origin, issued_at=now, waiting_since=now, first_called_at=None,
                   called_at=None, started_at=None, finished_at=None, call_count=0, people_ahead=people_ahead)
        for ticket_id, row, service, people_ahead in zip(ids, rows, services, ahead(ids), strict=True)
    ]
    shown = dict(zip(ids, estimates, strict=False))
    if any(estimate is not None for estimate in shown.values()):
        predictor = default_predictor().name
        session.execute(_INSERT_ESTIMATES, [
            issue_estimate_values(view.id, view.office_id, view.service_id, now, estimate, predictor)
            for view in views if (estimate := shown.get(view.id)) is not None])
    for view in views:
        uow.record(events.TicketIssued(**ticket_fields(view, now), origin=origin,
                                       estimate_kept=shown.get(view.id) is not None))
    return views


def _numbers(session: Session, services: Sequence[Service], now: datetime) -> list[tuple[date, int]]:
    """The service day and sequence number of each new ticket, in order."""
    lines: dict[tuple[int, str, date], int] = {}
    days = [service_day(now, service.office.timezone) for service in services]
    for service, day in zip(services, days, strict=True):
        line = (service.office_id, service.prefix, day)
        lines[line] = lines.get(line, 0) + 1
    # Lines in one order for every issuer: two batches bumping the same lines never wait on each other in a
    # circle (PostgreSQL would end one of them as a deadlock).
    last_taken = _bump_sequences(session, {line: lines[line] for line in sorted(lines)})
    next_free = {line: last_taken[line] - count + 1 for line, count in lines.items()}
    numbers = []
    for service, day in zip(services, days, strict=True):
        line = (service.office_id, service.prefix, day)
        numbers.append((day, next_free[line]))
        next_free[line] += 1
    return numbers


def _bump_sequences(session: Session, counts: dict[tuple[int, str, date], int]) -> dict[tuple[int, str, date], int]:
    """Take `count` numbers of each line's counter for the day in this transaction, in one statement, and
    return the last one taken per line: concurrent issuers queue on the rows, so there are no gaps."""
    rows = [{"office_id": office_id, "prefix": prefix, "service_day": day, "last_sequence": count}
            for (office_id, prefix, day), count in counts.items()]
    statement = _BUMP_SEQUENCES[session.get_bind().dialect.name]
    return {(office_id, prefix, day): last for office_id, prefix, day, last in session.execute(statement, rows)}


def _bump_sequences_statement(insert: Callable[..., Any]) -> Any:
    sequences = DailySequence.__table__
    bump = insert(sequences)
    # A new line starts at its count; a known one goes up by the count (the value it would have started at).
    return (
        bump.on_conflict_do_update(
            index_elements=[sequences.c.office_id, sequences.c.prefix, sequences.c.service_day],
            set_={"last_sequence": sequences.c.last_sequence + bump.excluded.last_sequence},
        )
        .returning(sequences.c.office_id, sequences.c.prefix, sequences.c.service_day, sequences.c.last_sequence)
    )


# Built once: building a statement costs more than running it on SQLite, and these run on every issue.
_BUMP_SEQUENCES = {"postgresql": _bump_sequences_statement(postgresql_insert),
                   "sqlite": _bump_sequences_statement(sqlite_insert)}
_READ_SERVICES = (select(Service).options(joinedload(Service.office))
                  .where(Service.id.in_(bindparam("ids", expanding=True))))
_INSERT_TICKETS = insert(Ticket.__table__).returning(Ticket.__table__.c.id, sort_by_parameter_order=True)
_INSERT_HISTORY = insert(TicketEvent.__table__)
_INSERT_ESTIMATES = insert(IssueEstimate.__table__)


def _people_ahead_of_new(session: Session, services: Sequence[Service], now: datetime
                         ) -> Callable[[Sequence[int]], list[int]]:
    """People ahead of each new ticket, read before they are inserted (counts per line where the calling
    strategy allows, see `people_ahead_of_new_ticket`); the answer takes the new tickets' ids."""
    offices = {service.office_id: service.office for service in services}
    waiting = waiting_per_service_of_offices(session, offices.values())
    skills = counter_skills_of_offices(session, [office_id for office_id, counts in waiting.items()
                                                 if counts is not None])

    def answer(ids: Sequence[int]) -> list[int]:
        ranked = {office_id: people_ahead_by_ticket(session, office, now)
                  for office_id, office in offices.items() if waiting[office_id] is None}
        ahead = []
        for ticket_id, service in zip(ids, services, strict=True):
            counts = waiting[service.office_id]
            if counts is None:
                ahead.append(ranked[service.office_id].get(ticket_id, 0))
                continue
            ahead.append(people_ahead_of_newest(counts, service.id, skills[service.office_id]))
            counts[service.id] = counts.get(service.id, 0) + 1
        return ahead

    return answer


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
            ahead = people_ahead_of_ticket(uow.session, ticket, uow.clock.now())
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

"""Read-only use cases: what screens and the API list."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from waitwell.domain.states import TicketState
from waitwell.persistence import Counter, Service, Ticket
from waitwell.services.lookups import (
    current_ticket_at,
    get_counter,
    get_office,
    get_service,
    get_ticket,
    people_ahead_by_ticket,
    people_ahead_of_ticket,
)
from waitwell.services.offices import ServiceView
from waitwell.services.results import CounterView, TicketView
from waitwell.services.unit_of_work import UnitOfWork


def services_with_waiting(uow: UnitOfWork, *, office_id: int) -> list[tuple[ServiceView, int]]:
    """Each service of an office with how many tickets wait in its line now."""
    with uow:
        get_office(uow.session, office_id)
        counts = dict(
            uow.session.execute(
                select(Ticket.service_id, func.count())
                .where(Ticket.office_id == office_id, Ticket.state == TicketState.WAITING)
                .group_by(Ticket.service_id)
            ).all()
        )
        services = uow.session.scalars(
            select(Service).where(Service.office_id == office_id).order_by(Service.display_order, Service.id)
        ).all()
        return [(ServiceView.of(s), int(counts.get(s.id, 0))) for s in services]


def service_view(uow: UnitOfWork, *, service_id: int) -> ServiceView:
    with uow:
        return ServiceView.of(get_service(uow.session, service_id))


def counters_of(uow: UnitOfWork, *, office_id: int) -> list[CounterView]:
    with uow:
        get_office(uow.session, office_id)
        counters = uow.session.scalars(
            select(Counter).where(Counter.office_id == office_id).order_by(Counter.id)
            .options(selectinload(Counter.services))
        ).all()
        return [CounterView.of(c, current_ticket_at(uow.session, c.id)) for c in counters]


def counter_view(uow: UnitOfWork, *, counter_id: int) -> CounterView:
    with uow:
        counter = get_counter(uow.session, counter_id)
        return CounterView.of(counter, current_ticket_at(uow.session, counter.id))


def ticket_view(uow: UnitOfWork, *, ticket_id: int) -> TicketView:
    with uow:
        ticket = get_ticket(uow.session, ticket_id)
        ahead = None
        if ticket.state == TicketState.WAITING:
            ahead = people_ahead_of_ticket(uow.session, ticket, uow.clock.now())
        return TicketView.of(ticket, people_ahead=ahead)


def tickets_of(
    uow: UnitOfWork, *, office_id: int, states: Sequence[TicketState] = (TicketState.WAITING,), limit: int = 500
) -> list[TicketView]:
    """An office's tickets in the given states (any day: end of day closes what is left waiting).

    Waiting ones come in calling order, with people ahead filled in.
    """
    with uow:
        office = get_office(uow.session, office_id)
        tickets = uow.session.scalars(
            select(Ticket).where(Ticket.office_id == office_id, Ticket.state.in_(states))
            .order_by(Ticket.waiting_since, Ticket.id).limit(limit)
        ).all()
        ahead = people_ahead_by_ticket(uow.session, office, uow.clock.now())
        views = [TicketView.of(t, people_ahead=ahead.get(t.id)) for t in tickets]
        return sorted(views, key=lambda v: (v.people_ahead is None, v.people_ahead or 0, v.waiting_since))

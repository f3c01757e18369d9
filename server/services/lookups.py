"""Loading what a use case needs, raising NotFound with a helpful message when it is not there."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session, selectinload

from waitwell.domain.calling import Candidate, strategy_named
from waitwell.domain.errors import NotFound
from waitwell.domain.position import people_ahead
from waitwell.domain.states import CounterState, TicketState
from waitwell.persistence import Counter, Office, Service, Ticket, TicketEvent
from waitwell.persistence.models import counter_services

ACTIVE_STATES = (TicketState.CALLED, TicketState.SERVING)
# Ids are 32-bit INTEGER columns. A larger id from a URL or a body cannot exist, and sending it to
# the database fails (PostgreSQL: integer out of range; SQLite: int too large) instead of finding nothing.
LARGEST_ID = 2**31 - 1
TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,64}")


def could_exist(row_id: int) -> bool:
    """Whether `row_id` fits the id columns; anything else is simply not found."""
    return 0 < row_id <= LARGEST_ID


def get_office(session: Session, office_id: int) -> Office:
    office = session.get(Office, office_id) if could_exist(office_id) else None
    if office is None:
        raise NotFound(f"there is no office {office_id}")
    return office


def get_service(session: Session, service_id: int) -> Service:
    service = session.get(Service, service_id) if could_exist(service_id) else None
    if service is None:
        raise NotFound(f"there is no service {service_id}")
    return service


def get_counter(session: Session, counter_id: int, *, lock: bool = False) -> Counter:
    """The counter; `lock` holds its row until commit so one counter never makes two calls at once."""
    counter = (
        session.get(Counter, counter_id, options=[selectinload(Counter.services)], with_for_update=lock)
        if could_exist(counter_id) else None
    )
    if counter is None:
        raise NotFound(f"there is no counter {counter_id}")
    return counter


def get_ticket(session: Session, ticket_id: int) -> Ticket:
    ticket = session.get(Ticket, ticket_id) if could_exist(ticket_id) else None
    if ticket is None:
        raise NotFound(f"there is no ticket {ticket_id}")
    return ticket


def could_be_token(token: str) -> bool:
    """Whether `token` looks like one we hand out (URL-safe base64, fits the column).

    Anything else cannot exist, and some of it must not reach the database: PostgreSQL
    refuses a NUL character in text with an error rather than finding nothing.
    """
    return TOKEN_PATTERN.fullmatch(token) is not None


def get_ticket_by_token(session: Session, token: str) -> Ticket:
    ticket = session.scalar(select(Ticket).where(Ticket.token == token)) if could_be_token(token) else None
    if ticket is None:
        # Same message for every unknown token: nothing to learn by guessing.
        raise NotFound("this ticket does not exist or has expired")
    return ticket


def current_ticket_at(session: Session, counter_id: int) -> Ticket | None:
    """The ticket a counter has called or is serving, if any."""
    return session.scalar(
        select(Ticket).where(Ticket.counter_id == counter_id, Ticket.state.in_(ACTIVE_STATES)).limit(1)
    )


def waiting_candidates(session: Session, office_id: int, service_ids: frozenset[int] | None = None) -> list[Candidate]:
    """Waiting tickets of an office (optionally of some services only) as the calling policy sees them."""
    query = (
        select(Ticket.id, Ticket.service_id, Ticket.waiting_since, Service.priority_weight, Ticket.appointment_at)
        .join(Service, Service.id == Ticket.service_id)
        .where(Ticket.office_id == office_id, Ticket.state == TicketState.WAITING)
    )
    if service_ids is not None:
        query = query.where(Ticket.service_id.in_(service_ids))
    return [
        Candidate(ticket_id=row.id, service_id=row.service_id, waiting_since=row.waiting_since,
                  priority_weight=row.priority_weight, is_appointment=row.appointment_at is not None,
                  appointment_at=row.appointment_at)
        for row in session.execute(query)
    ]


def recent_calls_at(session: Session, counter_id: int, since: datetime, limit: int = 5) -> tuple[Candidate, ...]:
    """The counter's latest calls since `since`, newest first: lets a calling strategy limit runs."""
    rows = session.execute(
        select(Ticket.id, TicketEvent.service_id, Ticket.waiting_since, Ticket.appointment_at)
        .join(Ticket, Ticket.id == TicketEvent.ticket_id)
        .where(TicketEvent.counter_id == counter_id, TicketEvent.kind == "called", TicketEvent.occurred_at >= since)
        .order_by(TicketEvent.occurred_at.desc(), TicketEvent.id.desc())
        .limit(limit)
    )
    return tuple(
        Candidate(ticket_id=row.id, service_id=row.service_id, waiting_since=row.waiting_since,
                  is_appointment=row.appointment_at is not None, appointment_at=row.appointment_at)
        for row in rows
    )


def counter_skills(session: Session, office_id: int) -> dict[int, frozenset[int]]:
    """Services per counter that is open or on a short pause; every counter if none is."""
    return counter_skills_of_offices(session, [office_id])[office_id]


def counter_skills_of_offices(session: Session, office_ids: Iterable[int]) -> dict[int, dict[int, frozenset[int]]]:
    """`counter_skills` of each office, read in one query (a batch of taps spans many offices)."""
    wanted = set(office_ids)
    skills: dict[int, dict[int, set[int]]] = {office_id: {} for office_id in wanted}
    closed: set[int] = set()
    for office_id, counter_id, state, service_id in session.execute(_COUNTER_SKILLS, {"office_ids": list(wanted)}):
        services = skills[office_id].setdefault(counter_id, set())
        if service_id is not None:
            services.add(service_id)
        if state == CounterState.CLOSED:
            closed.add(counter_id)
    answer = {}
    for office_id, counters in skills.items():
        staffed = [counter_id for counter_id in counters if counter_id not in closed] or list(counters)
        answer[office_id] = {counter_id: frozenset(counters[counter_id]) for counter_id in staffed}
    return answer


# Built once, like the other statements that run on every batch of taps.
_COUNTER_SKILLS = (
    select(Counter.office_id, Counter.id, Counter.state, counter_services.c.service_id)
    .outerjoin(counter_services, counter_services.c.counter_id == Counter.id)
    .where(Counter.office_id.in_(bindparam("office_ids", expanding=True)))
)


def people_ahead_by_ticket(session: Session, office: Office, now: datetime) -> dict[int, int]:
    """People ahead of every waiting ticket of an office right now."""
    return people_ahead(
        strategy_named(office.calling_strategy),
        waiting_candidates(session, office.id),
        counter_skills(session, office.id),
        now,
    )


def waiting_per_service_of_offices(session: Session, offices: Iterable[Office]) -> dict[int, dict[int, int] | None]:
    """People waiting in each line of each office, which is all that people ahead of a walk-in ticket
    issued now depends on where the strategy says so (`new_walk_in_ranks_last`); None for an office whose
    strategy does not (a plug-in strategy may not say), whose tickets must each be ranked with
    `people_ahead_by_ticket`. This runs on every batch of taps, for all its offices in one query:
    counting is far cheaper than ranking every waiting ticket."""
    answer: dict[int, dict[int, int] | None] = {
        office.id: {} if getattr(strategy_named(office.calling_strategy), "new_walk_in_ranks_last", False) else None
        for office in offices}
    counted = [office_id for office_id, counts in answer.items() if counts is not None]
    if counted:
        for office_id, service_id, count in session.execute(_WAITING_PER_SERVICE, {"office_ids": counted}):
            answer[office_id][service_id] = count  # type: ignore[index]
    return answer


_WAITING_PER_SERVICE = (
    select(Ticket.office_id, Ticket.service_id, func.count())
    .where(Ticket.office_id.in_(bindparam("office_ids", expanding=True)), Ticket.state == TicketState.WAITING)
    .group_by(Ticket.office_id, Ticket.service_id)
)

"""Loading what a use case needs, raising NotFound with a helpful message when it is not there."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache
from typing import Any

from sqlalchemy import CompoundSelect, Select, bindparam, func, select, union_all
from sqlalchemy.orm import Session, selectinload

from waitwell.domain.calling import CallingStrategy, Candidate, WeightedLongestWait, strategy_named
from waitwell.domain.errors import NotFound
from waitwell.domain.position import ahead_boundary, competing_services, people_ahead
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
    return [_candidate(row) for row in session.execute(query)]


# How many tickets from the front of each line a call ranks: the first one the strategy ranks is among
# them, and so are the next ones when other counters calling at the same moment hold those.
LINE_FRONT = 32


def calling_candidates(session: Session, office_id: int, service_ids: Iterable[int], strategy: CallingStrategy,
                       now: datetime, *, per_line: int = LINE_FRONT) -> list[Candidate]:
    """The waiting tickets that can rank among the first `per_line` of the counter's services: the front of
    each line by wait, and of its checked-in appointments by slot time, when the strategy ranks the oldest
    first within a line; else every waiting ticket of those services. A bounded read however long the line."""
    services = sorted(set(service_ids))
    if not services:
        return []
    if not getattr(strategy, "oldest_first_within_a_line", False):  # a plug-in strategy may not say
        return waiting_candidates(session, office_id, frozenset(services))
    values = {**line_parameters(services), "office_id": office_id, "per_line": per_line, "now": now}
    seen: set[int] = set()
    candidates = []
    for row in session.execute(_line_fronts(len(services)), values):
        if row.id not in seen:
            seen.add(row.id)
            candidates.append(_candidate(row))
    return candidates


@cache
def _line_fronts(services: int) -> Select[Any]:
    """One statement for `services` lines, built once per count (building costs more than running it)."""
    columns = (Ticket.id, Ticket.service_id, Ticket.waiting_since, Ticket.appointment_at)

    def waiting(service: Any) -> Select[Any]:
        return select(*columns).where(Ticket.office_id == bindparam("office_id"), Ticket.state == TicketState.WAITING,
                                      Ticket.service_id == service)

    both = union_of_lines(
        services,
        lambda service: waiting(service).order_by(Ticket.waiting_since, Ticket.id).limit(bindparam("per_line")),
        lambda service: waiting(service).where(Ticket.appointment_at <= bindparam("now"))
        .order_by(Ticket.appointment_at, Ticket.waiting_since, Ticket.id).limit(bindparam("per_line")),
    ).subquery()
    return (select(both, Service.priority_weight).join(Service, Service.id == both.c.service_id)
            .order_by(both.c.waiting_since, both.c.id))


def union_of_lines(lines: int, *per_line: Callable[[Any], Select[Any]]) -> CompoundSelect:
    """One statement of a few ordered and limited queries per line (`per_line(service)`, `service` being the bind
    parameter `service_<index>` that `line_parameters` fills): each line is read on its index, however long the
    line or the day, in one round trip. Callers build it once per number of lines (building costs more than
    running it)."""
    return union_all(*(select(query(bindparam(f"service_{index}")).subquery())
                       for index in range(lines) for query in per_line))


def line_parameters(service_ids: Iterable[int]) -> dict[str, Any]:
    """The service ids of a `union_of_lines` statement, in its order."""
    return {f"service_{index}": service_id for index, service_id in enumerate(service_ids)}


def _candidate(row: Any) -> Candidate:
    return Candidate(ticket_id=row.id, service_id=row.service_id, waiting_since=row.waiting_since,
                     priority_weight=row.priority_weight, is_appointment=row.appointment_at is not None,
                     appointment_at=row.appointment_at)


@dataclass(frozen=True)
class LatestCall:
    number: str
    called_at: datetime


def latest_call_per_line(session: Session, office_id: int, day: date, service_ids: list[int]) -> dict[int, LatestCall]:
    """The ticket called last on `day` in each line that had a call: one indexed look per line, however many
    calls the day had (the board's "last called", and whether a line's last-10 figure can have moved)."""
    if not service_ids:
        return {}
    rows = session.execute(_latest_call_in(len(service_ids)),
                           {**line_parameters(service_ids), "office_id": office_id, "day": day})
    return {row.service_id: LatestCall(row.number, row.called_at) for row in rows}


@cache
def _latest_call_in(services: int) -> Any:
    """Built once per number of lines (building costs more than running it)."""
    return union_of_lines(services, lambda service: (
        select(Ticket.service_id, Ticket.number, Ticket.called_at)
        .where(Ticket.office_id == bindparam("office_id"), Ticket.service_id == service,
               Ticket.service_day == bindparam("day"), Ticket.called_at.is_not(None))
        .order_by(Ticket.called_at.desc(), Ticket.id.desc()).limit(1)))


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


# Tickets this close to a line's boundary (`ahead_boundary`) are ranked one by one, so rounding in the
# arithmetic of weighted waits never miscounts.
BOUNDARY_SLACK = timedelta(milliseconds=5)


def people_ahead_of_ticket(session: Session, ticket: Ticket, now: datetime) -> int:
    """People ahead of one waiting ticket, as `people_ahead_by_ticket` counts them: under weighted longest
    wait, with one count per line on an index (a status page or a kiosk's answer need not rank the whole
    office); other strategies rank the office."""
    office = ticket.office
    strategy = strategy_named(office.calling_strategy)
    if not getattr(strategy, "ranks_by_weighted_wait", False):
        return people_ahead_by_ticket(session, office, now).get(ticket.id, 0)
    competing = competing_services(ticket.service_id, counter_skills(session, office.id).values())
    weights = dict(session.execute(select(Service.id, Service.priority_weight).where(Service.id.in_(competing))).all())
    me = Candidate(ticket.id, ticket.service_id, ticket.waiting_since, weights.get(ticket.service_id, 1.0))
    by_weight: dict[float, list[int]] = {}
    for service_id, weight in weights.items():
        by_weight.setdefault(weight, []).append(service_id)
    ahead = 0
    mine = WeightedLongestWait.key(me, now)
    for weight, services in by_weight.items():
        boundary = ahead_boundary(me, weight, now)
        low, high = boundary - BOUNDARY_SLACK, boundary + BOUNDARY_SLACK
        if mine[0] == 0:  # not waiting yet (a booking before its slot): every such ticket ties on no wait
            high = max(high, me.waiting_since)
        lines = (Ticket.office_id == office.id, Ticket.state == TicketState.WAITING, Ticket.service_id.in_(services))
        ahead += session.scalar(select(func.count()).where(*lines, Ticket.waiting_since < low)) or 0
        near = session.execute(select(Ticket.id, Ticket.service_id, Ticket.waiting_since)
                               .where(*lines, Ticket.waiting_since >= low, Ticket.waiting_since <= high))
        ahead += sum(1 for row in near if WeightedLongestWait.key(
            Candidate(row.id, row.service_id, row.waiting_since, weight), now) < mine)
    return ahead


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

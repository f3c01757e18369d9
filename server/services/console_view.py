"""What a counter console shows: the counter, its clerk, its current ticket and its line, in one read."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from waitwell.domain.calling import CallContext, strategy_named
from waitwell.domain.numbering import start_of_day
from waitwell.domain.recalls import RecallRules, auto_no_show_at, recalls_made
from waitwell.domain.states import CounterState, TicketState
from waitwell.persistence import Counter, CounterSession, Office, Service, Ticket
from waitwell.services.counter_sessions import CounterHolder, holder_from_row
from waitwell.services.lookups import (
    ACTIVE_STATES,
    calling_candidates,
    current_ticket_at,
    get_counter,
    recent_calls_at,
)
from waitwell.services.recall_rules import office_rules
from waitwell.services.results import TicketView
from waitwell.services.unit_of_work import UnitOfWork

RECENT = 6
# The waiting tickets listed, in calling order: a clerk picks out of turn near the front, and a long line
# must not make every console answer read and send all of it.
WAITING_SHOWN = 50


@dataclass(frozen=True)
class ServiceLine:
    id: int
    name: str
    prefix: str
    colour: str
    waiting: int


@dataclass(frozen=True)
class WaitingTicket:
    id: int
    number: str
    service_id: int
    service_name: str
    colour: str
    waiting_since: datetime
    origin: str


@dataclass(frozen=True)
class CurrentTicket:
    ticket: TicketView
    recalls_made: int
    next_recall_at: datetime | None  # None: recall refused by the maximum (or not called)
    auto_no_show_at: datetime | None


@dataclass(frozen=True)
class OtherCounter:
    id: int
    name: str
    state: CounterState
    clerk: str | None
    ticket_number: str | None
    ticket_state: TicketState | None


@dataclass(frozen=True)
class FinishedTicket:
    number: str
    state: TicketState
    finished_at: datetime | None


@dataclass(frozen=True)
class ConsoleState:
    now: datetime
    office_id: int
    office_name: str
    timezone: str
    counter_id: int
    counter_name: str
    counter_state: CounterState
    holder: CounterHolder | None
    rules: RecallRules
    current: CurrentTicket | None
    waiting: list[WaitingTicket]  # this counter's services, in the order call next takes them
    lines: list[ServiceLine]  # this counter's services
    transfer_targets: list[ServiceLine]  # every active service of the office
    others: list[OtherCounter]
    recent: list[FinishedTicket]


def console_state(uow: UnitOfWork, *, counter_id: int) -> ConsoleState:
    """Everything the console shows, read in one transaction so it is self-consistent."""
    with uow:
        session = uow.session
        counter = get_counter(session, counter_id)
        office: Office = counter.office
        now = uow.clock.now()
        rules = office_rules(office)
        services = session.scalars(
            select(Service).where(Service.office_id == office.id, Service.archived_at.is_(None))
            .order_by(Service.display_order, Service.id)
        ).all()
        waiting_counts = dict(session.execute(
            select(Ticket.service_id, func.count()).where(Ticket.office_id == office.id,
                                                          Ticket.state == TicketState.WAITING)
            .group_by(Ticket.service_id)
        ).all())
        lines = {s.id: ServiceLine(s.id, s.name, s.prefix, s.colour, int(waiting_counts.get(s.id, 0)))
                 for s in services}

        strategy = strategy_named(office.calling_strategy)
        candidates = calling_candidates(session, office.id, counter.service_ids, strategy, now,
                                        per_line=WAITING_SHOWN)
        recent = recent_calls_at(session, counter.id, start_of_day(now, office.timezone))  # as call_next sees them
        ranked = strategy.rank(candidates, CallContext(counter_id=counter.id, now=now, recent_calls=recent))
        ranked = ranked[:WAITING_SHOWN]
        tickets = {t.id: t for t in session.scalars(select(Ticket).where(Ticket.id.in_([c.ticket_id for c in ranked])))}
        waiting = [_waiting(tickets[c.ticket_id]) for c in ranked if c.ticket_id in tickets]

        holder_row = session.get(CounterSession, counter.id)
        current_row = current_ticket_at(session, counter.id)
        return ConsoleState(
            now=now, office_id=office.id, office_name=office.name, timezone=office.timezone,
            counter_id=counter.id, counter_name=counter.name, counter_state=counter.state,
            holder=holder_from_row(holder_row) if holder_row else None, rules=rules,
            current=_current(current_row, rules) if current_row else None,
            waiting=waiting,
            lines=[lines[s.id] for s in counter.services if s.id in lines],
            transfer_targets=[line for s in services if s.active for line in [lines[s.id]]],
            others=_others(uow, office.id, counter.id),
            recent=_recent(uow, counter.id),
        )


def _waiting(ticket: Ticket) -> WaitingTicket:
    return WaitingTicket(ticket.id, ticket.number, ticket.service_id, ticket.service.name, ticket.service.colour,
                         ticket.waiting_since, ticket.origin)


def _current(ticket: Ticket, rules: RecallRules) -> CurrentTicket:
    made = recalls_made(ticket.call_count)
    next_recall = None
    auto_at = None
    if ticket.state == TicketState.CALLED and ticket.called_at is not None:
        auto_at = auto_no_show_at(rules, call_count=ticket.call_count, last_called_at=ticket.called_at)
        if rules.max_recalls is None or made < rules.max_recalls or auto_at is not None:
            next_recall = ticket.called_at + rules.interval
    return CurrentTicket(TicketView.of(ticket), made, next_recall, auto_at)


def _others(uow: UnitOfWork, office_id: int, counter_id: int) -> list[OtherCounter]:
    session = uow.session
    counters = session.scalars(
        select(Counter).where(Counter.office_id == office_id, Counter.id != counter_id, Counter.archived_at.is_(None))
        .order_by(Counter.name).options(selectinload(Counter.services))
    ).all()
    holders = {row.counter_id: row for row in session.scalars(
        select(CounterSession).where(CounterSession.counter_id.in_([c.id for c in counters])))}
    current = {t.counter_id: t for t in session.scalars(
        select(Ticket).where(Ticket.counter_id.in_([c.id for c in counters]), Ticket.state.in_(ACTIVE_STATES)))}
    return [
        OtherCounter(c.id, c.name, c.state,
                     (holders[c.id].user.display_name or holders[c.id].user.username) if c.id in holders else None,
                     current[c.id].number if c.id in current else None,
                     current[c.id].state if c.id in current else None)
        for c in counters
    ]


def _recent(uow: UnitOfWork, counter_id: int) -> list[FinishedTicket]:
    rows = uow.session.execute(
        select(Ticket.number, Ticket.state, Ticket.finished_at)
        .where(Ticket.counter_id == counter_id,
               Ticket.state.in_((TicketState.DONE, TicketState.NO_SHOW, TicketState.CANCELLED)))
        .order_by(Ticket.finished_at.desc()).limit(RECENT)
    ).all()
    return [FinishedTicket(r.number, r.state, r.finished_at) for r in rows]


@dataclass(frozen=True)
class BoardCounter:
    id: int
    name: str
    state: CounterState
    services: list[str]
    holder: CounterHolder | None
    ticket_number: str | None


@dataclass(frozen=True)
class OfficeBoard:
    office_id: int
    office_name: str
    counters: list[BoardCounter]


def counter_board(uow: UnitOfWork, *, office_ids: list[int] | None) -> list[OfficeBoard]:
    """Counters of the given offices (None: all) with their clerk and ticket: the page where a clerk picks one."""
    with uow:
        query = select(Office).order_by(Office.name)
        if office_ids is not None:
            query = query.where(Office.id.in_(office_ids))
        offices = uow.session.scalars(query).all()
        counters = uow.session.scalars(
            select(Counter).where(Counter.office_id.in_([o.id for o in offices]), Counter.archived_at.is_(None))
            .order_by(Counter.name).options(selectinload(Counter.services))
        ).all()
        holders = {row.counter_id: holder_from_row(row) for row in uow.session.scalars(select(CounterSession))}
        current = {t.counter_id: t.number for t in uow.session.scalars(
            select(Ticket).where(Ticket.counter_id.in_([c.id for c in counters]), Ticket.state.in_(ACTIVE_STATES)))}
        return [
            OfficeBoard(office.id, office.name, [
                BoardCounter(c.id, c.name, c.state, [s.name for s in c.services], holders.get(c.id), current.get(c.id))
                for c in counters if c.office_id == office.id
            ])
            for office in offices
        ]

"""Reading histories out of the database as the plain values `waitwell.metrics` computes on."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date, datetime
from functools import cache

from sqlalchemy import Select, bindparam, func, select
from sqlalchemy.orm import Session

from waitwell.domain.states import TicketState
from waitwell.metrics.counter_time import StateChange
from waitwell.metrics.history import HistoryEntry, TicketHistory
from waitwell.metrics.legs import Visit, visit_of
from waitwell.persistence import CounterEvent, Ticket, TicketEvent
from waitwell.services.lookups import line_parameters, union_of_lines

UNFINISHED = (TicketState.WAITING, TicketState.CALLED, TicketState.SERVING)
CHUNK = 500  # ticket ids per IN (...) query


def visits_of_days(session: Session, office_id: int, first_day: date, last_day: date) -> list[Visit]:
    """Visits of the tickets issued on these local days (a ticket belongs to the day it was issued)."""
    ids = session.scalars(
        select(Ticket.id).where(Ticket.office_id == office_id, Ticket.service_day >= first_day,
                                Ticket.service_day <= last_day)
    ).all()
    return visits_of_tickets(session, ids)


def unfinished_visits(session: Session, office_id: int) -> list[Visit]:
    """Visits of tickets waiting or at a counter now, whatever day they were issued."""
    ids = session.scalars(select(Ticket.id).where(Ticket.office_id == office_id, Ticket.state.in_(UNFINISHED))).all()
    return visits_of_tickets(session, ids)


def visits_of_tickets(session: Session, ticket_ids: Iterable[int]) -> list[Visit]:
    """Each ticket's history cut into legs, in ticket id order."""
    return [visit_of(history) for history in histories_of_tickets(session, ticket_ids)]


def histories_of_tickets(session: Session, ticket_ids: Iterable[int]) -> list[TicketHistory]:
    ids = sorted(set(ticket_ids))
    histories: list[TicketHistory] = []
    for start in range(0, len(ids), CHUNK):
        histories.extend(_read_histories(session, _history_rows(ids[start:start + CHUNK])))
    return histories


def _history_rows(ticket_ids: list[int]) -> Select:  # type: ignore[type-arg]
    return (
        select(TicketEvent.ticket_id, Ticket.number, Ticket.appointment_at, TicketEvent.kind, TicketEvent.occurred_at,
               TicketEvent.service_id, TicketEvent.counter_id, TicketEvent.user_id, TicketEvent.detail)
        .join(Ticket, Ticket.id == TicketEvent.ticket_id)
        # Both sides by their ids: with stale statistics PostgreSQL otherwise scans every ticket to join them.
        .where(TicketEvent.ticket_id.in_(ticket_ids), Ticket.id.in_(ticket_ids))
        .order_by(TicketEvent.ticket_id, TicketEvent.id)
    )


def _read_histories(session: Session, query: Select) -> list[TicketHistory]:  # type: ignore[type-arg]
    """Rows ordered by ticket, then history, into one TicketHistory per ticket. A booked ticket carries its
    slot time (`slot_at`): its first wait starts at the later of check-in and the slot."""
    histories: list[TicketHistory] = []
    entries: list[HistoryEntry] = []
    head = None
    for row in session.execute(query):
        if head is None or row.ticket_id != head.ticket_id:
            if head is not None:
                histories.append(TicketHistory(head.ticket_id, head.number, tuple(entries), head.appointment_at))
            head, entries = row, []
        entries.append(HistoryEntry(kind=row.kind, occurred_at=row.occurred_at, service_id=row.service_id,
                                    counter_id=row.counter_id, user_id=row.user_id,
                                    by=_ended_by(row.detail) if row.kind == "cancelled" else ""))
    if head is not None:
        histories.append(TicketHistory(head.ticket_id, head.number, tuple(entries), head.appointment_at))
    return histories


def _ended_by(detail: str) -> str:
    """Who cancelled: the history's detail is JSON such as {"by": "office", "reason": "office closed"}."""
    try:
        value = json.loads(detail).get("by", "") if detail else ""
    except (ValueError, AttributeError):
        return ""
    return str(value)


def recently_called_tickets_of_services(session: Session, service_ids: Iterable[int], limit: int
                                        ) -> dict[int, list[int]]:
    """Tickets of the `limit` newest calls (first call of a leg) in each service, newest first, in one statement
    (a board shows every line's figure)."""
    services = sorted(set(service_ids))
    found: dict[int, list[int]] = {service_id: [] for service_id in services}
    if not services:
        return found
    for row in session.execute(_latest_calls_of(len(services)), {**line_parameters(services), "limit": limit}):
        found[row.service_id].append(row.ticket_id)
    return {service_id: list(dict.fromkeys(ids)) for service_id, ids in found.items()}


@cache
def _latest_calls_of(services: int) -> Select:  # type: ignore[type-arg]
    """Built once per number of services: building costs more than running it."""
    both = union_of_lines(services, lambda service: (
        select(TicketEvent.ticket_id, TicketEvent.service_id, TicketEvent.occurred_at, TicketEvent.id)
        .where(TicketEvent.service_id == service, TicketEvent.kind == "called")
        .order_by(TicketEvent.occurred_at.desc(), TicketEvent.id.desc()).limit(bindparam("limit")))).subquery()
    return select(both.c.ticket_id, both.c.service_id).order_by(both.c.service_id, both.c.occurred_at.desc(),
                                                                 both.c.id.desc())


def counter_changes(
    session: Session, office_id: int, start: datetime, end: datetime
) -> dict[int, tuple[str, list[StateChange]]]:
    """Per counter: its state at `start` ("closed" if nothing is known) and its changes in [start, end)."""
    latest_before = (
        select(func.max(CounterEvent.id))
        .where(CounterEvent.office_id == office_id, CounterEvent.occurred_at < start)
        .group_by(CounterEvent.counter_id)
    )  # the history is append-only, so the highest id is the newest change
    before = session.execute(
        select(CounterEvent.counter_id, CounterEvent.state).where(CounterEvent.id.in_(latest_before))
    ).all()
    states: dict[int, tuple[str, list[StateChange]]] = {}
    for row in before:
        states[row.counter_id] = (row.state.value, [])
    during = session.execute(
        select(CounterEvent.counter_id, CounterEvent.state, CounterEvent.occurred_at)
        .where(CounterEvent.office_id == office_id, CounterEvent.occurred_at >= start, CounterEvent.occurred_at < end)
        .order_by(CounterEvent.occurred_at, CounterEvent.id)
    ).all()
    for row in during:
        states.setdefault(row.counter_id, ("closed", []))[1].append(StateChange(row.occurred_at, row.state.value))
    return states

"""Helpers for engine tests: hear the events a runtime publishes, photograph the database, build ticket states."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select

from tests.factories import OfficeSetup, issue
from waitwell.domain.events import Event
from waitwell.persistence import Base, Ticket, TicketEvent
from waitwell.runtime import Runtime
from waitwell.services import counters, tickets
from waitwell.services.results import TicketView


class EventRecorder:
    """Subscribes to every event of a runtime's bus and keeps them in order."""

    def __init__(self, runtime: Runtime) -> None:
        self.events: list[Event] = []
        runtime.bus.subscribe(Event, self.events.append)

    def clear(self) -> None:
        self.events.clear()

    def kinds(self) -> list[str]:
        return [type(event).__name__ for event in self.events]


def database_snapshot(runtime: Runtime) -> dict[str, list[dict[str, Any]]]:
    """Every row of every table, in a stable order: equal snapshots mean nothing changed."""
    snapshot: dict[str, list[dict[str, Any]]] = {}
    with runtime.engine.connect() as connection:
        for table in Base.metadata.sorted_tables:
            order = list(table.primary_key.columns)
            rows = connection.execute(select(table).order_by(*order)).mappings().all()
            snapshot[table.name] = [dict(row) for row in rows]
    return snapshot


def history_of(runtime: Runtime, ticket_id: int) -> list[dict[str, Any]]:
    """A ticket's history rows, oldest first, with `detail` decoded."""
    with runtime.uow(read_only=True) as uow:
        rows = uow.session.scalars(
            select(TicketEvent).where(TicketEvent.ticket_id == ticket_id).order_by(TicketEvent.id)
        ).all()
        return [
            {
                "kind": row.kind,
                "occurred_at": row.occurred_at,
                "service_id": row.service_id,
                "counter_id": row.counter_id,
                "user_id": row.user_id,
                "detail": json.loads(row.detail) if row.detail else {},
            }
            for row in rows
        ]


def ticket_row(runtime: Runtime, ticket_id: int) -> Ticket:
    """The ticket as stored (detached, readable after the session ends)."""
    with runtime.uow(read_only=True) as uow:
        ticket = uow.session.get(Ticket, ticket_id)
        assert ticket is not None
        uow.session.expunge(ticket)
        return ticket


def ticket_in_state(runtime: Runtime, office: OfficeSetup, state: str, *, prefix: str = "A",
                    counter: str = "Counter 1") -> TicketView:
    """A fresh ticket of `prefix`'s line brought to `state` at `counter` (which must be free)."""
    ticket = issue(runtime, office.services[prefix])[0]
    if state == "waiting":
        return ticket
    if state == "cancelled":
        return tickets.cancel_ticket(runtime.uow(), token=ticket.token)
    called = counters.call_ticket(runtime.uow(), counter_id=office.counters[counter], ticket_id=ticket.id)
    if state == "called":
        return called
    if state == "no_show":
        return counters.mark_no_show(runtime.uow(), ticket_id=ticket.id)
    serving = counters.start_service(runtime.uow(), ticket_id=ticket.id)
    if state == "serving":
        return serving
    if state == "done":
        return counters.complete(runtime.uow(), ticket_id=ticket.id)
    raise ValueError(f"unknown state {state!r}")

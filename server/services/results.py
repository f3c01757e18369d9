"""Plain read models returned by the use cases, safe to use after the transaction has ended."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from waitwell.domain.states import CounterState, TicketState
from waitwell.persistence import Counter, Ticket


@dataclass(frozen=True)
class TicketView:
    id: int
    number: str
    token: str
    state: TicketState
    office_id: int
    service_id: int
    service_name: str
    counter_id: int | None
    counter_name: str | None
    origin: str
    issued_at: datetime
    waiting_since: datetime
    first_called_at: datetime | None
    called_at: datetime | None
    started_at: datetime | None
    finished_at: datetime | None
    call_count: int
    people_ahead: int | None = None

    @classmethod
    def of(cls, ticket: Ticket, people_ahead: int | None = None) -> TicketView:
        return cls(
            id=ticket.id,
            number=ticket.number,
            token=ticket.token,
            state=ticket.state,
            office_id=ticket.office_id,
            service_id=ticket.service_id,
            service_name=ticket.service.name,
            counter_id=ticket.counter_id,
            counter_name=ticket.counter.name if ticket.counter else None,
            origin=ticket.origin,
            issued_at=ticket.issued_at,
            waiting_since=ticket.waiting_since,
            first_called_at=ticket.first_called_at,
            called_at=ticket.called_at,
            started_at=ticket.started_at,
            finished_at=ticket.finished_at,
            call_count=ticket.call_count,
            people_ahead=people_ahead,
        )


@dataclass(frozen=True)
class CounterView:
    id: int
    office_id: int
    name: str
    state: CounterState
    service_ids: tuple[int, ...]
    current_ticket: TicketView | None = None

    @classmethod
    def of(cls, counter: Counter, current: Ticket | None = None) -> CounterView:
        return cls(
            id=counter.id,
            office_id=counter.office_id,
            name=counter.name,
            state=counter.state,
            service_ids=tuple(s.id for s in counter.services),
            current_ticket=TicketView.of(current) if current else None,
        )

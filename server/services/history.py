"""Recording a ticket's history row and the matching domain event together."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from waitwell.persistence import Ticket, TicketEvent
from waitwell.services.results import TicketView
from waitwell.services.unit_of_work import UnitOfWork


def record_history(
    uow: UnitOfWork,
    ticket: Ticket,
    kind: str,
    at: datetime,
    *,
    user_id: int | None = None,
    counter_id: int | None = None,
    **detail: Any,
) -> None:
    """Append one row to the ticket's append-only history."""
    uow.session.add(TicketEvent(ticket=ticket, **history_row(
        ticket.service_id, kind, at, user_id=user_id,
        counter_id=counter_id if counter_id is not None else ticket.counter_id, **detail)))


def history_row(service_id: int, kind: str, at: datetime, *, user_id: int | None = None,
                counter_id: int | None = None, **detail: Any) -> dict[str, Any]:
    """The columns of one history row but its ticket: for a `TicketEvent`, or with `ticket_id` in a bulk insert."""
    return {"kind": kind, "occurred_at": at, "service_id": service_id, "counter_id": counter_id, "user_id": user_id,
            "detail": json.dumps(detail, sort_keys=True) if detail else ""}


def ticket_fields(ticket: Ticket | TicketView, at: datetime) -> dict[str, Any]:
    """The fields every ticket domain event carries."""
    return {
        "office_id": ticket.office_id,
        "occurred_at": at,
        "ticket_id": ticket.id,
        "number": ticket.number,
        "token": ticket.token,
        "service_id": ticket.service_id,
    }

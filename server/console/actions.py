"""The console's buttons: each one a use case, run for the clerk signed in at the counter."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from waitwell.domain.errors import Conflict, InvalidInput
from waitwell.domain.states import TicketState
from waitwell.services import counters, queries
from waitwell.services.unit_of_work import UnitOfWork

REASON_MAX = 200


@dataclass(frozen=True)
class Outcome:
    message: str
    ticket_number: str | None = None


Action = Callable[[Callable[..., UnitOfWork], int, int, Mapping[str, Any]], Outcome]


def _current_ticket(make_uow: Callable[..., UnitOfWork], counter_id: int, body: Mapping[str, Any]) -> int:
    """The ticket the clerk's screen shows must still be this counter's: never act on a ticket that moved."""
    shown = body.get("ticket_id")
    current = queries.counter_view(make_uow(read_only=True), counter_id=counter_id).current_ticket
    if current is None:
        raise Conflict("there is no ticket at this counter any more; the screen has been refreshed")
    if not isinstance(shown, int) or shown != current.id:
        raise Conflict(f"the ticket at this counter is now {current.number}; the screen has been refreshed")
    return current.id


def call_next(make_uow: Callable[..., UnitOfWork], counter_id: int, user_id: int, body: Mapping[str, Any]) -> Outcome:
    ticket = counters.call_next(make_uow(), counter_id=counter_id, user_id=user_id)
    return Outcome(f"Called {ticket.number}", ticket.number)


def call_ticket(make_uow: Callable[..., UnitOfWork], counter_id: int, user_id: int,
                body: Mapping[str, Any]) -> Outcome:
    ticket_id = body.get("ticket_id")
    reason = str(body.get("reason") or "").strip()
    if not isinstance(ticket_id, int):
        raise InvalidInput("pick the ticket to call")
    if len(reason) < 3:
        raise InvalidInput("say why this ticket is called out of turn (it is kept in the ticket's history)")
    ticket = counters.call_ticket(make_uow(), counter_id=counter_id, ticket_id=ticket_id, user_id=user_id,
                                  reason=reason[:REASON_MAX])
    return Outcome(f"Called {ticket.number} out of turn", ticket.number)


def _on_current(operation: Callable[..., Any], done: str) -> Action:
    def action(make_uow: Callable[..., UnitOfWork], counter_id: int, user_id: int, body: Mapping[str, Any]) -> Outcome:
        ticket_id = _current_ticket(make_uow, counter_id, body)
        ticket = operation(make_uow(), ticket_id=ticket_id, user_id=user_id)
        if operation is counters.recall and ticket.state == TicketState.NO_SHOW:
            return Outcome(f"{ticket.number} did not come after its last recall: marked as a no-show", ticket.number)
        return Outcome(done.format(number=ticket.number), ticket.number)

    return action


def transfer(make_uow: Callable[..., UnitOfWork], counter_id: int, user_id: int, body: Mapping[str, Any]) -> Outcome:
    ticket_id = _current_ticket(make_uow, counter_id, body)
    service_id = body.get("service_id")
    if not isinstance(service_id, int):
        raise InvalidInput("pick the service to transfer the ticket to")
    ticket = counters.transfer(make_uow(), ticket_id=ticket_id, to_service_id=service_id, user_id=user_id)
    return Outcome(f"{ticket.number} moved to {ticket.service_name}", ticket.number)


def pause(make_uow: Callable[..., UnitOfWork], counter_id: int, user_id: int, body: Mapping[str, Any]) -> Outcome:
    counter = counters.pause_counter(make_uow(), counter_id=counter_id, user_id=user_id)
    return Outcome(f"{counter.name} is on a break: nobody new is called")


def resume(make_uow: Callable[..., UnitOfWork], counter_id: int, user_id: int, body: Mapping[str, Any]) -> Outcome:
    counter = counters.open_counter(make_uow(), counter_id=counter_id, user_id=user_id)
    return Outcome(f"{counter.name} is open")


ACTIONS: dict[str, Action] = {
    "call-next": call_next,
    "call": call_ticket,
    "recall": _on_current(counters.recall, "Recalled {number}"),
    "start": _on_current(counters.start_service, "Serving {number}"),
    "complete": _on_current(counters.complete, "{number} completed"),
    "no-show": _on_current(counters.mark_no_show, "{number} marked as a no-show"),
    "transfer": transfer,
    "pause": pause,
    "resume": resume,
}

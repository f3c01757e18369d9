"""Ticket and counter states, and which operation is allowed from which state."""

from __future__ import annotations

from enum import StrEnum

from waitwell.domain.errors import IllegalTransition


class TicketState(StrEnum):
    WAITING = "waiting"
    CALLED = "called"
    SERVING = "serving"
    DONE = "done"
    NO_SHOW = "no_show"
    CANCELLED = "cancelled"

    @property
    def is_final(self) -> bool:
        return self in FINAL_STATES


FINAL_STATES = frozenset({TicketState.DONE, TicketState.NO_SHOW, TicketState.CANCELLED})


class CounterState(StrEnum):
    OPEN = "open"
    PAUSED = "paused"
    CLOSED = "closed"


# Operation -> states a ticket may be in for it. Anything else is an illegal transition.
ALLOWED_FROM: dict[str, frozenset[TicketState]] = {
    "call": frozenset({TicketState.WAITING}),
    "recall": frozenset({TicketState.CALLED}),
    "start": frozenset({TicketState.CALLED}),
    "complete": frozenset({TicketState.CALLED, TicketState.SERVING}),
    "no_show": frozenset({TicketState.CALLED}),
    "transfer": frozenset({TicketState.WAITING, TicketState.CALLED, TicketState.SERVING}),
    "cancel": frozenset({TicketState.WAITING, TicketState.CALLED}),
}

_VERBS = {
    "call": "called",
    "recall": "recalled",
    "start": "started",
    "complete": "completed",
    "no_show": "marked as a no-show",
    "transfer": "transferred",
    "cancel": "cancelled",
}


def require_ticket_state(number: str, state: TicketState, operation: str) -> None:
    """Raise IllegalTransition unless `operation` is allowed for a ticket in `state`."""
    allowed = ALLOWED_FROM[operation]
    if state not in allowed:
        expected = " or ".join(sorted(s.value for s in allowed))
        raise IllegalTransition(
            f"ticket {number} is {state.value}: only a ticket that is {expected} "
            f"can be {_VERBS[operation]}"
        )

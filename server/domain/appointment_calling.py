"""Calling with appointments: a checked-in booking is called at its slot time, ahead of walk-ins,
without starving the walk-ins.

- Before its slot, a checked-in booking waits like anyone who arrived at that moment.
- From its slot time on it is "due" and goes ahead of walk-ins of the services the counter serves,
  earliest slot first.
- But a counter never calls more than `max_in_a_row` appointments in a row while a walk-in waits,
- and a walk-in who has waited longer than `walk_in_limit` goes first. When several walk-ins are
  past the limit, due appointments still get every other call, so neither side can starve.

The counter's recent calls come from `CallContext.recent_calls` (newest first).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # calling.py imports this module to register the strategy
    from waitwell.domain.calling import CallContext, CallingStrategy, Candidate

MAX_APPOINTMENTS_IN_A_ROW = 2
WALK_IN_WAIT_LIMIT = timedelta(minutes=30)


class AppointmentsOnTime:
    """Due appointments first, within the two fairness limits; everyone else in `walk_ins` order."""

    name = "appointments-on-time"
    new_walk_in_ranks_last = False  # a booking due later ranks after it, an overdue walk-in before
    ranks_by_weighted_wait = False  # due bookings first, and the counter's recent calls matter

    def __init__(
        self,
        walk_ins: CallingStrategy,
        *,
        max_in_a_row: int = MAX_APPOINTMENTS_IN_A_ROW,
        walk_in_limit: timedelta = WALK_IN_WAIT_LIMIT,
    ) -> None:
        if max_in_a_row < 1:
            raise ValueError("at least one appointment must be callable in a row")
        self.walk_ins = walk_ins
        self.max_in_a_row = max_in_a_row
        self.walk_in_limit = walk_in_limit

    @property
    def oldest_first_within_a_line(self) -> bool:
        # Walk-ins go in `walk_ins` order; an overdue one first is the highest ranked overdue, and the
        # front of its line has waited at least as long, so it is overdue too and ranks before it.
        return self.walk_ins.oldest_first_within_a_line

    def rank(self, candidates: Sequence[Candidate], context: CallContext) -> list[Candidate]:
        due = sorted(
            (c for c in candidates if is_due(c, context)),
            key=lambda c: (c.appointment_at, c.waiting_since, c.ticket_id),
        )
        due_ids = {c.ticket_id for c in due}
        others = self.walk_ins.rank([c for c in candidates if c.ticket_id not in due_ids], context)
        walk_ins = [c for c in others if not c.is_appointment]
        if not due or not walk_ins:
            return [*due, *others]
        overdue = [c for c in walk_ins if context.now - c.waiting_since > self.walk_in_limit]
        run = appointments_in_a_row(context)
        if run >= self.max_in_a_row:
            first = overdue[0] if overdue else walk_ins[0]
        elif overdue and (not context.recent_calls or context.recent_calls[0].is_appointment):
            first = overdue[0]  # unless the last call was a walk-in already: then an appointment's turn
        else:
            return [*due, *others]
        return [first, *due, *(c for c in others if c.ticket_id != first.ticket_id)]


def is_due(candidate: Candidate, context: CallContext) -> bool:
    """A checked-in appointment whose slot time has come."""
    return candidate.is_appointment and candidate.appointment_at is not None and candidate.appointment_at <= context.now


def appointments_in_a_row(context: CallContext) -> int:
    """How many of the counter's latest calls in a row were appointments."""
    run = 0
    for call in context.recent_calls:
        if not call.is_appointment:
            break
        run += 1
    return run

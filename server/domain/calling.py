"""Calling policy: which waiting ticket a counter gets next.

Strategies are plain objects over plain data, so appointments (or an office's own
rule) can plug in another one without touching the engine.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from waitwell.domain.appointment_calling import AppointmentsOnTime


@dataclass(frozen=True)
class Candidate:
    """A waiting ticket as the calling policy sees it."""

    ticket_id: int
    service_id: int
    waiting_since: datetime
    priority_weight: float = 1.0
    is_appointment: bool = False
    appointment_at: datetime | None = None


@dataclass(frozen=True)
class CallContext:
    """What a strategy may know about the call being made."""

    counter_id: int
    now: datetime
    # Services of the counter's most recent calls, newest first: lets a strategy limit runs.
    recent_calls: Sequence[Candidate] = field(default_factory=tuple)


class CallingStrategy(Protocol):
    name: str
    # True when a walk-in ticket issued now ranks after every ticket already waiting, so its people
    # ahead are simply those waiting in competing lines (issuing then needs counts, not the whole line).
    new_walk_in_ranks_last: bool
    # True when, of two walk-ins in one line (same service and priority weight), the one waiting longer
    # (then the lower ticket id) always ranks first: the estimator's replays and a call then rank line
    # fronts only.
    oldest_first_within_a_line: bool
    # True when the ranking is `WeightedLongestWait.key` alone (no counter's recent calls, no appointment
    # rule): one ticket's people ahead can then be counted with a bounded read (`position.ahead_boundary`).
    ranks_by_weighted_wait: bool

    def rank(self, candidates: Sequence[Candidate], context: CallContext) -> list[Candidate]:
        """All candidates, the one to call first at the front."""
        ...


class WeightedLongestWait:
    """Longest wait first, each service's wait scaled by its priority weight.

    A weight of 2 makes a minute in that line count as two, so a priority line
    moves ahead without starving the others: everyone's score grows while they wait.
    With equal weights this is plain first come, first served.
    """

    name = "weighted-longest-wait"
    new_walk_in_ranks_last = True  # it has waited 0 s and came last; every weight is positive
    oldest_first_within_a_line = True  # equal weights: the longer wait (then the earlier ticket) scores higher
    ranks_by_weighted_wait = True

    def rank(self, candidates: Sequence[Candidate], context: CallContext) -> list[Candidate]:
        return sorted(candidates, key=lambda candidate: self.key(candidate, context.now))

    @staticmethod
    def key(candidate: Candidate, now: datetime) -> tuple[float, datetime, int]:
        """Smaller is called first: the weighted wait, then the earlier ticket."""
        waited = max((now - candidate.waiting_since).total_seconds(), 0.0)
        return (-waited * candidate.priority_weight, candidate.waiting_since, candidate.ticket_id)


STRATEGIES: dict[str, CallingStrategy] = {
    WeightedLongestWait.name: WeightedLongestWait(),
    AppointmentsOnTime.name: AppointmentsOnTime(walk_ins=WeightedLongestWait()),
}
DEFAULT_STRATEGY = WeightedLongestWait.name


def strategy_named(name: str) -> CallingStrategy:
    try:
        return STRATEGIES[name]
    except KeyError:
        raise ValueError(f"unknown calling strategy {name!r}; known: {', '.join(STRATEGIES)}") from None

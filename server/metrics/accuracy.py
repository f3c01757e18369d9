"""How good the estimates given at issue were, against the waits that happened."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from waitwell.metrics.legs import LegOutcome, Visit
from waitwell.metrics.stats import average, ratio

UNDER_BY_MINUTES = 10  # "told 10 minutes, waited 25": the error people remember
ENDED_UNCALLED = frozenset({LegOutcome.CANCELLED, LegOutcome.CLOSED_UNSERVED})


@dataclass(frozen=True)
class GivenEstimate:
    """The estimate a ticket was given when it was issued: minutes from `given_at` until its first call."""

    ticket_id: int
    given_at: datetime
    expected_minutes: float
    low_minutes: float
    high_minutes: float


@dataclass(frozen=True)
class EstimateAccuracy:
    """Errors in minutes; shares in 0..1.

    `scored`: estimates whose outcome is known — the ticket was called (its actual wait is known), or it
    is still waiting / was cancelled after waiting past the high end of its range (a known miss).
    Errors (mean absolute error, bias = actual minus expected) use called tickets only; range coverage
    and "waited over 10 min longer than told" use every scored estimate.
    """

    given: int
    scored: int
    called: int
    mean_absolute_error: float | None
    bias: float | None
    within_range: float | None
    under_by_10: float | None
    average_range_width: float | None


def estimate_accuracy(
    estimates: Sequence[GivenEstimate], visits: Mapping[int, Visit], now: datetime
) -> EstimateAccuracy:
    """Score the estimates given at issue against each ticket's first call (or its wait so far)."""
    errors: list[float] = []
    covered: list[bool] = []
    under: list[bool] = []
    for estimate in estimates:
        visit = visits.get(estimate.ticket_id)
        if visit is None:
            continue
        first = visit.legs[0]
        if first.called_at is not None:
            actual = (first.called_at - estimate.given_at).total_seconds() / 60
            errors.append(actual - estimate.expected_minutes)
        else:
            gave_up_at = first.ended_at if first.outcome in ENDED_UNCALLED and first.ended_at else now
            actual = (gave_up_at - estimate.given_at).total_seconds() / 60
            if actual <= estimate.high_minutes:
                continue  # outcome not known yet (or never will be): neither a hit nor a miss
        covered.append(estimate.low_minutes <= actual <= estimate.high_minutes)
        under.append(actual - estimate.expected_minutes > UNDER_BY_MINUTES)
    return EstimateAccuracy(
        given=len(estimates),
        scored=len(covered),
        called=len(errors),
        mean_absolute_error=average([abs(e) for e in errors]),
        bias=average(errors),
        within_range=ratio(sum(covered), len(covered)),
        under_by_10=ratio(sum(under), len(under)),
        average_range_width=average([e.high_minutes - e.low_minutes for e in estimates]),
    )

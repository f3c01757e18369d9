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

    Every figure is over the same tickets: the `called` ones, whose wait (issue to first call) is known.
    Mixing populations misleads (coverage over a few finished tickets next to the range width of every
    estimate given read "0% within range, width 86 min"). Tickets not called yet are counted apart
    (`not_called`), with those that have already waited past the top of their range (`past_range`: known
    misses, whose wait is not known yet).
    """

    given: int
    called: int
    mean_absolute_error: float | None
    bias: float | None  # actual minus expected: positive means people waited longer than told
    within_range: float | None
    within_range_count: int
    under_by_10: float | None
    under_by_10_count: int
    average_range_width: float | None
    not_called: int
    past_range: int


def estimate_accuracy(
    estimates: Sequence[GivenEstimate], visits: Mapping[int, Visit], now: datetime
) -> EstimateAccuracy:
    """Score the estimates given at issue against each ticket's first call; count the others apart."""
    errors: list[float] = []
    covered = under = not_called = past_range = 0
    widths: list[float] = []
    for estimate in estimates:
        visit = visits.get(estimate.ticket_id)
        if visit is None:
            continue
        first = visit.legs[0]
        if first.called_at is None:
            not_called += 1
            gave_up_at = first.ended_at if first.outcome in ENDED_UNCALLED and first.ended_at else now
            past_range += (gave_up_at - estimate.given_at).total_seconds() / 60 > estimate.high_minutes
            continue
        actual = (first.called_at - estimate.given_at).total_seconds() / 60
        errors.append(actual - estimate.expected_minutes)
        covered += estimate.low_minutes <= actual <= estimate.high_minutes
        under += actual - estimate.expected_minutes > UNDER_BY_MINUTES
        widths.append(estimate.high_minutes - estimate.low_minutes)
    return EstimateAccuracy(
        given=len(estimates),
        called=len(errors),
        mean_absolute_error=average([abs(e) for e in errors]),
        bias=average(errors),
        within_range=ratio(covered, len(errors)),
        within_range_count=covered,
        under_by_10=ratio(under, len(errors)),
        under_by_10_count=under,
        average_range_width=average(widths),
        not_called=not_called,
        past_range=past_range,
    )

"""Summaries of a group of legs (a service, a counter, a clerk, an office): the figures reports show."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TypeVar

from waitwell.metrics.legs import SEEN_AT_COUNTER, Leg, LegOutcome, Visit
from waitwell.metrics.stats import average, percentile, ratio, share_at_most

BANDS_MINUTES = (15, 30, 45)
K = TypeVar("K", bound=Hashable)  # the time bands every summary reports


@dataclass(frozen=True)
class LegSummary:
    """Counts and wait figures of some legs. Waits and service times are in seconds.

    `waits` are the legs that were called (served, transferred on, no-shows, cancelled after a call);
    `served` are legs finished at a counter (completed or transferred on).
    """

    legs: int = 0
    called: int = 0
    served: int = 0
    no_shows: int = 0
    cancelled: int = 0
    cancelled_before_call: int = 0
    closed_unserved: int = 0  # still in line when the office closed for the day
    waiting: int = 0  # not called (still waiting, or never called if the day is over)
    at_counter: int = 0
    recalls: int = 0
    average_wait: float | None = None
    p90_wait: float | None = None
    longest_wait: float | None = None
    average_service_time: float | None = None
    within_target: float | None = None  # share of waits within the service's target
    within_minutes: dict[int, float | None] = field(default_factory=dict)  # 15/30/45 -> share
    no_show_rate: float | None = None  # no-shows / legs called

    def as_dict(self) -> dict[str, object]:
        data = dict(self.__dict__)
        data["within_minutes"] = {str(k): v for k, v in self.within_minutes.items()}
        return data


def summarize(legs: Iterable[Leg], target_minutes: Callable[[Leg], float | None] | None = None) -> LegSummary:
    """Summarise legs; `target_minutes(leg)` gives the leg's service target for "within target"."""
    legs = list(legs)
    called = [leg for leg in legs if leg.wait is not None]
    waits = [leg.wait.total_seconds() for leg in called if leg.wait is not None]
    service_times = [t.total_seconds() for leg in legs if (t := leg.service_time) is not None]
    within_target = None
    if target_minutes is not None and called:
        met = [
            leg.wait.total_seconds() <= target * 60
            for leg in called
            if leg.wait is not None and (target := target_minutes(leg)) is not None
        ]
        within_target = ratio(sum(met), len(met))
    no_shows = sum(1 for leg in legs if leg.outcome == LegOutcome.NO_SHOW)
    cancelled = [leg for leg in legs if leg.outcome == LegOutcome.CANCELLED]
    return LegSummary(
        legs=len(legs),
        called=len(called),
        served=sum(1 for leg in legs if leg.outcome in SEEN_AT_COUNTER),
        no_shows=no_shows,
        cancelled=len(cancelled),
        cancelled_before_call=sum(1 for leg in cancelled if leg.called_at is None),
        closed_unserved=sum(1 for leg in legs if leg.outcome == LegOutcome.CLOSED_UNSERVED),
        waiting=sum(1 for leg in legs if leg.outcome == LegOutcome.WAITING),
        at_counter=sum(1 for leg in legs if leg.outcome == LegOutcome.AT_COUNTER),
        recalls=sum(leg.recalls for leg in legs),
        average_wait=average(waits),
        p90_wait=percentile(waits, 0.9),
        longest_wait=max(waits) if waits else None,
        average_service_time=average(service_times),
        within_target=within_target,
        within_minutes={band: share_at_most(waits, band * 60) for band in BANDS_MINUTES},
        no_show_rate=ratio(no_shows, len(called)),
    )


def group_legs(legs: Iterable[Leg], key: Callable[[Leg], K | None]) -> dict[K, list[Leg]]:
    """Legs grouped by `key` (skipping legs whose key is None), in first-seen order."""
    groups: dict[K, list[Leg]] = {}
    for leg in legs:
        value = key(leg)
        if value is not None:
            groups.setdefault(value, []).append(leg)
    return groups


@dataclass(frozen=True)
class VisitSummary:
    """Whole visits: a transferred ticket is one visit however many legs it had. Times in seconds."""

    issued: int
    served: int
    no_shows: int
    cancelled: int
    closed_unserved: int  # still in line when the office closed
    unfinished: int  # waiting or at a counter
    transferred: int  # visits with more than one leg
    average_visit_time: float | None


def summarize_visits(visits: Sequence[Visit]) -> VisitSummary:
    visit_times = [t.total_seconds() for visit in visits if (t := visit.visit_time) is not None]
    outcomes = [visit.outcome for visit in visits]
    return VisitSummary(
        issued=len(visits),
        served=outcomes.count(LegOutcome.SERVED),
        no_shows=outcomes.count(LegOutcome.NO_SHOW),
        cancelled=outcomes.count(LegOutcome.CANCELLED),
        closed_unserved=outcomes.count(LegOutcome.CLOSED_UNSERVED),
        unfinished=outcomes.count(LegOutcome.WAITING) + outcomes.count(LegOutcome.AT_COUNTER),
        transferred=sum(1 for visit in visits if len(visit.legs) > 1),
        average_visit_time=average(visit_times),
    )


def current_waits(legs: Iterable[Leg], now: datetime) -> list[float]:
    """Seconds each leg still in line has waited so far, longest first."""
    return sorted(
        ((now - leg.started_at).total_seconds() for leg in legs if leg.outcome == LegOutcome.WAITING), reverse=True
    )

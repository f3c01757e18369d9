"""Arrivals and average wait by hour of the local day, today against the same weekday in past weeks."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from waitwell.metrics.legs import Visit
from waitwell.metrics.local_time import local_hour
from waitwell.metrics.stats import average


@dataclass(frozen=True)
class HourlyProfile:
    """Per local hour (0..23): tickets issued in that hour, and the average wait (seconds) of legs
    that joined a line in that hour and have been called."""

    arrivals: dict[int, float]
    average_wait: dict[int, float | None]


def hourly_profile(visits: Sequence[Visit], timezone: str) -> HourlyProfile:
    arrivals: dict[int, float] = defaultdict(float)
    waits: dict[int, list[float]] = defaultdict(list)
    for visit in visits:
        arrivals[local_hour(visit.issued_at, timezone)] += 1
        for leg in visit.legs:
            if leg.wait is not None:
                waits[local_hour(leg.started_at, timezone)].append(leg.wait.total_seconds())
    return HourlyProfile(
        arrivals={hour: arrivals.get(hour, 0.0) for hour in range(24)},
        average_wait={hour: average(waits.get(hour, [])) for hour in range(24)},
    )


@dataclass(frozen=True)
class HourlyComparison:
    """Today against the typical same weekday: arrivals averaged per day over the past days that had
    tickets, waits pooled over all their called legs."""

    today: HourlyProfile
    typical: HourlyProfile
    days_compared: int  # past days with at least one ticket
    days_asked: int

    def busy_hours(self) -> list[int]:
        """The hours worth charting: from the first to the last hour with any arrival or wait."""
        used = [h for h in range(24) if self.today.arrivals[h] or self.typical.arrivals[h]]
        return list(range(min(used), max(used) + 1)) if used else []


def typical_profile(past_days: Sequence[Sequence[Visit]], timezone: str) -> tuple[HourlyProfile, int]:
    """The typical profile of `past_days` and how many of them counted (days with no ticket at all are
    left out: a holiday is not a quiet day)."""
    days = [visits for visits in past_days if visits]
    pooled = hourly_profile([visit for visits in days for visit in visits], timezone)
    typical = HourlyProfile(
        arrivals={hour: count / len(days) if days else 0.0 for hour, count in pooled.arrivals.items()},
        average_wait=pooled.average_wait,
    )
    return typical, len(days)


def compare_hours(today: Sequence[Visit], past_days: Sequence[Sequence[Visit]], timezone: str) -> HourlyComparison:
    """Today's profile against the typical profile of `past_days`."""
    typical, counted = typical_profile(past_days, timezone)
    return HourlyComparison(
        today=hourly_profile(today, timezone), typical=typical, days_compared=counted, days_asked=len(past_days)
    )

"""The few statistics the metrics use, each defined exactly (docs/metrics.md)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from statistics import fmean


def average(values: Sequence[float]) -> float | None:
    """The arithmetic mean, or None when there is nothing to average (never a misleading 0)."""
    return fmean(values) if values else None


def percentile(values: Sequence[float], share: float) -> float | None:
    """Nearest-rank percentile: the smallest value with at least `share` of the values at or below it.

    It is always a wait somebody actually had (no interpolation): the 90th percentile of
    10 waits is the 9th shortest.
    """
    if not values:
        return None
    if not 0 < share <= 1:
        raise ValueError("share must be in (0, 1]")
    ordered = sorted(values)
    return ordered[max(math.ceil(share * len(ordered)), 1) - 1]


def share_at_most(values: Sequence[float], limit: float) -> float | None:
    """Share (0..1) of values at or below `limit`; None when there are none."""
    if not values:
        return None
    return sum(1 for value in values if value <= limit) / len(values)


def ratio(part: float, whole: float) -> float | None:
    return part / whole if whole else None

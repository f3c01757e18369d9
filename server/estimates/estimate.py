"""A wait estimate and the way it is shown to people."""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class WaitEstimate:
    """Minutes from now until the ticket is called: a point estimate and a range meant to hold ~80% of waits."""

    expected_minutes: float
    low_minutes: float
    high_minutes: float

    def __post_init__(self) -> None:
        if not 0 <= self.low_minutes <= self.expected_minutes <= self.high_minutes:
            raise ValueError(f"an estimate needs 0 <= low <= expected <= high, got {self}")


def format_range(estimate: WaitEstimate, *, step: int = 5) -> str:
    """The range as a person reads it, in whole steps of `step` minutes: "10–20 min", "up to 15 min", "over 2 h"."""
    low = math.floor(estimate.low_minutes / step) * step
    high = math.ceil(estimate.high_minutes / step) * step
    if high <= step:
        return f"under {step} min"
    if low >= 120:
        return "over 2 h"
    if high <= low:
        high = low + step
    if high > 120:
        return f"{low} min – over 2 h" if low else "up to 2 h or more"
    if low == 0:
        return f"up to {high} min"
    return f"{low}–{high} min"

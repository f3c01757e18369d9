"""Turning replayed call times into a point estimate and a range meant to hold about 80% of real waits.

The replays only know the randomness of service times, no-shows and bookings; real waits also
move with what the snapshot cannot see (breaks taken late, a service that runs on, priority
arrivals), and more so the longer the line. The range is therefore the replays' own 10th-90th
percentile widened by a share of the estimate plus a fixed margin, each side calibrated per
queue-length band on simulated days (bench/estimates/calibrate.py; never on the held-back
scenarios) so that about 10% of waits fall below it and 10% above it in every band.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from statistics import fmean

from waitwell.estimates.estimate import WaitEstimate


@dataclass(frozen=True)
class RangeCalibration:
    """low = q_low - below_share x E - margin; high = q_high + above_share x E + margin; E = max(estimate, 1 min)."""

    below_share: float = 0.0
    above_share: float = 0.0
    margin_minutes: float = 0.0
    low_quantile: float = 0.1
    high_quantile: float = 0.9


@dataclass(frozen=True)
class BandedCalibration:
    """A range calibration per queue-length band: (fewest people waiting besides the ticket, calibration), in
    increasing order of the first, which is 0."""

    bands: tuple[tuple[int, RangeCalibration], ...]

    def __post_init__(self) -> None:
        if not self.bands or self.bands[0][0] != 0 or [b for b, _ in self.bands] != sorted({b for b, _ in self.bands}):
            raise ValueError("bands must start at 0 people waiting and grow")

    def for_waiting(self, waiting: int) -> RangeCalibration:
        return next(c for low, c in reversed(self.bands) if waiting >= low)


# bench/estimates/calibrate.py (see docs/estimates.md): fitted per band on the calibration scenarios' days
# (dmv-hub, dmv-hub-heavy; seeds 101-103; 3,360 tickets), the narrowest margin of 0.5-4 minutes in each (a margin
# keeps the range of a ticket about to be called from being a point).
CALIBRATED = BandedCalibration((
    (0, RangeCalibration(below_share=-0.091, above_share=-0.029, margin_minutes=1.5)),
    (20, RangeCalibration(below_share=-0.052, above_share=0.095, margin_minutes=0.5)),
    (40, RangeCalibration(below_share=-0.125, above_share=0.067, margin_minutes=3.0)),
    (80, RangeCalibration(below_share=0.122, above_share=0.073, margin_minutes=1.5)),
))
RAW = RangeCalibration()  # the replays' own spread, for calibrating


def quantile(sorted_values: Sequence[float], q: float) -> float:
    """Linear-interpolated quantile of already sorted values."""
    if len(sorted_values) == 1:
        return sorted_values[0]
    position = q * (len(sorted_values) - 1)
    below = int(position)
    above = min(below + 1, len(sorted_values) - 1)
    return sorted_values[below] + (sorted_values[above] - sorted_values[below]) * (position - below)


def estimate_from_replays(call_seconds: Sequence[float], calibration: RangeCalibration = CALIBRATED) -> WaitEstimate:
    """Mean of the replays as the estimate; their spread, widened as calibrated, as the range."""
    minutes = sorted(s / 60 for s in call_seconds)
    expected = fmean(minutes)
    return widen(expected, quantile(minutes, calibration.low_quantile),
                 quantile(minutes, calibration.high_quantile), calibration)


def widen(expected: float, low: float, high: float, calibration: RangeCalibration) -> WaitEstimate:
    """The replays' range [low, high] widened by a share of the estimate (at least 1 minute's) and a margin."""
    scale = max(expected, 1.0)
    c = calibration
    low = low - c.below_share * scale - c.margin_minutes
    high = high + c.above_share * scale + c.margin_minutes
    return WaitEstimate(expected, min(max(low, 0.0), expected), max(high, expected))

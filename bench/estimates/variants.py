"""The estimator as it was before issue 21, kept beside it in the benchmark to show what the change did: one
no-show rate for everyone (the last 28 days'), every booking assumed to come at its slot, and the single range
calibration fitted on the gentler days of before."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import replace

from waitwell.domain.calling import CallingStrategy
from waitwell.estimates.bookings import BookingHabits
from waitwell.estimates.calibration import RangeCalibration
from waitwell.estimates.estimate import WaitEstimate
from waitwell.estimates.rolling import RollForward
from waitwell.estimates.snapshot import OfficeSnapshot

BEFORE = RangeCalibration(below_share=0.022, above_share=0.0, margin_minutes=0.5)


class OneFlatRate:
    """Roll-forward with one flat no-show rate and every booking coming."""

    name = "roll-forward, flat no-show rate (before)"

    def __init__(self) -> None:
        self._roll_forward = RollForward(calibration=BEFORE)

    def estimate(self, snapshot: OfficeSnapshot, strategy: CallingStrategy,
                 ticket_ids: Collection[int] | None = None) -> dict[int, WaitEstimate]:
        history = replace(snapshot.history, no_shows=None, appointment_no_show_rate=None, bookings=BookingHabits())
        return self._roll_forward.estimate(replace(snapshot, history=history), strategy, ticket_ids)

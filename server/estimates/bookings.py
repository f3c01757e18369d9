"""Whether and when a booking not checked in yet arrives, learned from how the office's bookings were kept.

Assuming every booking comes, at its slot, over-predicts the walk-ins' waits: bookings are called first when
due, and a tenth or more of them never come. A booking that has not checked in by now is the less likely to
come the later it is: of those who check in, only those who do so later than now are still to come.
"""

from __future__ import annotations

import bisect
import random
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from waitwell.domain.calling import Candidate


@dataclass(frozen=True)
class BookingHabits:
    """`show_rate`: share of past bookings checked in at all; `check_in_seconds`: when those were checked in,
    in seconds from their slot (negative: early), in increasing order. With no history every booking comes."""

    show_rate: float = 1.0
    check_in_seconds: tuple[float, ...] = field(default=())

    def __post_init__(self) -> None:
        if not 0 <= self.show_rate <= 1:
            raise ValueError(f"show_rate {self.show_rate} is not a share between 0 and 1")
        if list(self.check_in_seconds) != sorted(self.check_in_seconds):
            raise ValueError("check_in_seconds must be in increasing order")

    @property
    def known(self) -> bool:
        return bool(self.check_in_seconds)

    def chance_to_come(self, seconds_past_slot: float) -> float:
        """P(it is still to come | not checked in `seconds_past_slot` after its slot; negative: before it)."""
        later = self._later_than(seconds_past_slot)
        still = self.show_rate * len(later) / len(self.check_in_seconds)
        return still / (1 - self.show_rate + still) if still > 0 else 0.0

    def arrival(self, booking: Candidate, now: datetime, rng: random.Random) -> Candidate | None:
        """The booking as it arrives in one replay (checked in at a time like the office's past ones, not before
        now), or None when it does not come in that replay."""
        if not self.known or booking.appointment_at is None:
            return booking
        past_slot = (now - booking.appointment_at).total_seconds()
        later = self._later_than(past_slot)
        if rng.random() >= self.chance_to_come(past_slot):
            return None
        offset = later[int(rng.random() * len(later))]
        return replace(booking, waiting_since=max(booking.appointment_at + timedelta(seconds=offset), now))

    def _later_than(self, seconds: float) -> Sequence[float]:
        return self.check_in_seconds[bisect.bisect_right(self.check_in_seconds, seconds):]

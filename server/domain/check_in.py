"""The check-in window around an appointment's slot: from a little early to a little late."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum


class CheckInTiming(StrEnum):
    TOO_EARLY = "too_early"
    ON_TIME = "on_time"
    TOO_LATE = "too_late"


@dataclass(frozen=True)
class CheckInWindow:
    """E.g. 15 minutes early to 10 minutes late: outside it, the booking cannot become a ticket."""

    early: timedelta = timedelta(minutes=15)
    late: timedelta = timedelta(minutes=10)

    def opens_at(self, slot_at: datetime) -> datetime:
        return slot_at - self.early

    def closes_at(self, slot_at: datetime) -> datetime:
        return slot_at + self.late

    def timing(self, slot_at: datetime, now: datetime) -> CheckInTiming:
        """Whether `now` is before, inside or after the window (both ends included)."""
        if now < self.opens_at(slot_at):
            return CheckInTiming.TOO_EARLY
        if now > self.closes_at(slot_at):
            return CheckInTiming.TOO_LATE
        return CheckInTiming.ON_TIME

"""Booking rules: which slots a service offers on a day, and whether one can be booked now.

Slots follow the office's wall clock: a 09:00 slot is at 09:00 local time on both sides of a
DST change (13:00 or 14:00 UTC in New York). A local time that does not exist on the day the
clocks go forward is skipped; one that happens twice is taken the first time.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from waitwell.domain.clock import require_aware
from waitwell.domain.errors import Conflict, InvalidInput
from waitwell.domain.hours import WEEKDAYS, OpeningHours
from waitwell.domain.numbering import service_day


class SlotUnavailable(Conflict):
    """The slot is full, blocked by the office, or not offered at all."""

    code = "slot_unavailable"


class OutsideBookingWindow(InvalidInput):
    """Too soon (minimum lead time) or too far ahead (booking horizon)."""

    code = "outside_booking_window"


@dataclass(frozen=True)
class Slot:
    starts_at: datetime  # aware UTC
    ends_at: datetime


@dataclass(frozen=True)
class BookingRules:
    """A service's bookable schedule: when slots start, how long they are, how many people each takes."""

    timezone: str
    weekly_hours: OpeningHours
    slot_minutes: int = 15
    capacity: int = 1
    closed_days: frozenset[date] = field(default_factory=frozenset)
    min_lead: timedelta = timedelta(hours=1)
    horizon_days: int = 30

    def __post_init__(self) -> None:
        if self.slot_minutes < 5 or self.slot_minutes > 8 * 60:
            raise InvalidInput("a slot lasts between 5 minutes and 8 hours")
        if self.capacity < 1:
            raise InvalidInput("a slot takes at least one person")
        if self.horizon_days < 0 or self.min_lead < timedelta(0):
            raise InvalidInput("the lead time and the booking horizon cannot be negative")
        ZoneInfo(self.timezone)  # raises for an unknown zone

    @property
    def slot_length(self) -> timedelta:
        return timedelta(minutes=self.slot_minutes)


def slots_on(rules: BookingRules, day: date) -> list[Slot]:
    """Every slot of a local day, in order (none on a closed day or a day without hours)."""
    if day in rules.closed_days:
        return []
    return list(_slots_on(rules, day))


def _slots_on(rules: BookingRules, day: date) -> Iterator[Slot]:
    zone = ZoneInfo(rules.timezone)
    for opens, closes in rules.weekly_hours.get(WEEKDAYS[day.weekday()], []):
        cursor = datetime.combine(day, time.fromisoformat(opens))
        end = datetime.combine(day, time.fromisoformat(closes))
        while cursor + rules.slot_length <= end:
            local = cursor.replace(tzinfo=zone)
            starts_at = local.astimezone(UTC)
            if starts_at.astimezone(zone).replace(tzinfo=None) == cursor:  # not in the spring-forward gap
                yield Slot(starts_at, starts_at + rules.slot_length)
            cursor += rules.slot_length


def bookable_days(rules: BookingRules, now: datetime) -> list[date]:
    """Local days from today to the horizon that still have a slot after the lead time."""
    today = service_day(now, rules.timezone)
    days = (today + timedelta(days=offset) for offset in range(rules.horizon_days + 1))
    return [day for day in days if any(_open_for_booking(rules, slot, now) for slot in slots_on(rules, day))]


def bookable_slots(rules: BookingRules, day: date, now: datetime) -> list[Slot]:
    """The day's slots that can be booked now, before capacity and blocks are taken into account."""
    if not _within_horizon(rules, day, now):
        return []
    return [slot for slot in slots_on(rules, day) if _open_for_booking(rules, slot, now)]


def require_bookable(rules: BookingRules, starts_at: datetime, now: datetime) -> Slot:
    """The slot starting at `starts_at`, or an error a citizen can act on."""
    require_aware(starts_at)
    day = service_day(starts_at, rules.timezone)
    slot = next((s for s in slots_on(rules, day) if s.starts_at == starts_at), None)
    if slot is None:
        raise SlotUnavailable("this time is not offered for booking; please pick one of the listed times")
    if not _within_horizon(rules, day, now):
        raise OutsideBookingWindow(f"bookings open {rules.horizon_days} days ahead; please pick an earlier day")
    if not _open_for_booking(rules, slot, now):
        raise OutsideBookingWindow("this time is too soon to book; please pick a later time")
    return slot


def _open_for_booking(rules: BookingRules, slot: Slot, now: datetime) -> bool:
    return slot.starts_at >= now + rules.min_lead


def _within_horizon(rules: BookingRules, day: date, now: datetime) -> bool:
    today = service_day(now, rules.timezone)
    return today <= day <= today + timedelta(days=rules.horizon_days)

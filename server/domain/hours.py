"""Opening hours: a weekly schedule in the office's local time."""

from __future__ import annotations

from datetime import datetime, time
from itertools import pairwise
from zoneinfo import ZoneInfo

from waitwell.domain.clock import require_aware
from waitwell.domain.errors import InvalidInput

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

# {"mon": [["08:00", "12:00"], ["13:00", "17:00"]], ...}; a missing day is closed all day.
OpeningHours = dict[str, list[list[str]]]


def parse_opening_hours(raw: object) -> OpeningHours:
    """Validate a weekly schedule, raising InvalidInput that names the faulty entry."""
    if not isinstance(raw, dict):
        raise InvalidInput("opening hours must be an object keyed by weekday (mon..sun)")
    schedule: OpeningHours = {}
    for day, periods in raw.items():
        if day not in WEEKDAYS:
            raise InvalidInput(f"opening hours: unknown weekday {day!r}; use one of {', '.join(WEEKDAYS)}")
        if not isinstance(periods, list):
            raise InvalidInput(f"opening hours for {day} must be a list of [open, close] pairs")
        checked = []
        for period in periods:
            if not (isinstance(period, list | tuple) and len(period) == 2):
                raise InvalidInput(f"opening hours for {day}: {period!r} is not an [open, close] pair")
            opens, closes = (_parse_time(day, value) for value in period)
            if opens >= closes:
                raise InvalidInput(f"opening hours for {day}: {period[0]} is not before {period[1]}")
            checked.append([opens.strftime("%H:%M"), closes.strftime("%H:%M")])
        checked.sort()
        for earlier, later in pairwise(checked):
            if later[0] < earlier[1]:  # "HH:MM" strings compare as times
                raise InvalidInput(f"opening hours for {day}: {'-'.join(earlier)} and {'-'.join(later)} overlap; "
                                   f"write them as one period or as periods that do not overlap")
        schedule[day] = checked
    return schedule


def is_open(schedule: OpeningHours, timezone: str, moment: datetime) -> bool:
    """Whether the office is open at `moment` according to its weekly schedule."""
    local = require_aware(moment).astimezone(ZoneInfo(timezone))
    now = local.time()
    for opens, closes in schedule.get(WEEKDAYS[local.weekday()], []):
        if time.fromisoformat(opens) <= now < time.fromisoformat(closes):
            return True
    return False


def _parse_time(day: str, value: object) -> time:
    try:
        return time.fromisoformat(str(value))
    except ValueError:
        raise InvalidInput(f"opening hours for {day}: {value!r} is not a time like 08:30") from None

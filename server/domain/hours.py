"""Opening hours: a weekly schedule in the office's local time.

A period whose closing time is earlier than its opening time runs past midnight: "20:00-02:00" on a
Monday opens Monday at 20:00 and closes Tuesday at 02:00 ("20:00-00:00" closes at midnight). It counts as
Monday's: the office's Monday ends at 02:00, not at midnight.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

from waitwell.domain.clock import require_aware
from waitwell.domain.errors import InvalidInput

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

# {"mon": [["08:00", "12:00"], ["13:00", "17:00"]], ...}; a missing day is closed all day.
OpeningHours = dict[str, list[list[str]]]


def parse_opening_hours(raw: object, *, past_midnight: bool = True) -> OpeningHours:
    """Validate a weekly schedule, raising InvalidInput that names the faulty entry.

    `past_midnight=False` refuses periods that run into the next day (booking slots live within one day)."""
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
            if opens == closes or (opens > closes and not past_midnight):
                raise InvalidInput(f"opening hours for {day}: {period[0]} is not before {period[1]}")
            checked.append([opens.strftime("%H:%M"), closes.strftime("%H:%M")])
        checked.sort()
        for earlier, later in pairwise(checked):
            if later[0] < _end_of(earlier):  # "HH:MM" strings compare as times
                raise InvalidInput(f"opening hours for {day}: {'-'.join(earlier)} and {'-'.join(later)} overlap; "
                                   f"write them as one period or as periods that do not overlap")
        schedule[day] = checked
    _refuse_overlaps_after_midnight(schedule)
    return schedule


def runs_past_midnight(period: list[str]) -> bool:
    """Whether an [open, close] period closes on the next day."""
    return time.fromisoformat(period[1]) <= time.fromisoformat(period[0])


def is_open(schedule: OpeningHours, timezone: str, moment: datetime) -> bool:
    """Whether the office is open at `moment`: in one of the day's periods, or in the previous day's
    period that runs past midnight."""
    local = require_aware(moment).astimezone(ZoneInfo(timezone))
    now = local.time()
    for period in schedule.get(WEEKDAYS[local.weekday()], []):
        opens, closes = (time.fromisoformat(value) for value in period)
        if opens <= now and (runs_past_midnight(period) or now < closes):
            return True
    yesterday = WEEKDAYS[(local - timedelta(days=1)).weekday()]
    return any(runs_past_midnight(period) and now < time.fromisoformat(period[1])
               for period in schedule.get(yesterday, []))


def _end_of(period: list[str]) -> str:
    """The period's end on its opening day's clock: past midnight is later than any time of that day."""
    return "24:00" if runs_past_midnight(period) else period[1]


def _refuse_overlaps_after_midnight(schedule: OpeningHours) -> None:
    for index, day in enumerate(WEEKDAYS):
        last = schedule.get(day, [])[-1:]
        following = WEEKDAYS[(index + 1) % 7]
        first_next = schedule.get(following, [])[:1]
        if last and first_next and runs_past_midnight(last[0]) and first_next[0][0] < last[0][1]:
            raise InvalidInput(f"opening hours: {day} {'-'.join(last[0])} runs past midnight into {following} "
                               f"{'-'.join(first_next[0])}; end it before {following} opens")


def _parse_time(day: str, value: object) -> time:
    try:
        return time.fromisoformat(str(value))
    except ValueError:
        raise InvalidInput(f"opening hours for {day}: {value!r} is not a time like 08:30") from None

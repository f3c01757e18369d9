"""When an office's day ends: the last closing time of its weekly schedule, in its own timezone."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from waitwell.domain.hours import WEEKDAYS, OpeningHours


def closing_time(schedule: OpeningHours, timezone: str, day: date) -> datetime | None:
    """The moment the office closes on `day` (its last period's end), or None if it is closed all day."""
    periods = schedule.get(WEEKDAYS[day.weekday()], [])
    if not periods:
        return None
    last = max(time.fromisoformat(closes) for _, closes in periods)
    return datetime.combine(day, last, tzinfo=ZoneInfo(timezone))

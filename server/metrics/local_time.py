"""The office's local calendar: day boundaries and hours, DST included."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo


def day_bounds(day: date, timezone: str) -> tuple[datetime, datetime]:
    """Local midnight to the next local midnight of `day`, as UTC (23 or 25 hours on DST days)."""
    zone = ZoneInfo(timezone)
    start = datetime.combine(day, time(0), tzinfo=zone)
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone)
    return start.astimezone(UTC), end.astimezone(UTC)


def local_hour(moment: datetime, timezone: str) -> int:
    """The hour of the day (0..23) on the office's wall clock."""
    return moment.astimezone(ZoneInfo(timezone)).hour


def local_day(moment: datetime, timezone: str) -> date:
    return moment.astimezone(ZoneInfo(timezone)).date()


def same_weekdays_before(day: date, weeks: int = 4) -> list[date]:
    """The same weekday in each of the `weeks` weeks before `day`, most recent first."""
    return [day - timedelta(weeks=week) for week in range(1, weeks + 1)]

"""When an office's day ends: the end of the last period of its weekly schedule, in its own timezone.

An office without opening hours has no closing time: its line carries on across midnight until a
supervisor closes the day. A day whose last period runs past midnight closes on the next calendar day.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from waitwell.domain.clock import require_aware
from waitwell.domain.hours import WEEKDAYS, OpeningHours, runs_past_midnight
from waitwell.domain.numbering import service_day

LOOK_BACK_DAYS = 8  # a weekly schedule closes at least once in any 8 days, if at all


def closing_time(schedule: OpeningHours, timezone: str, day: date) -> datetime | None:
    """The moment the office's `day` ends (its last period's end, the next morning for a period past
    midnight), or None if it does not open that day."""
    periods = schedule.get(WEEKDAYS[day.weekday()], [])
    if not periods:
        return None
    last = periods[-1]  # kept in order, and only the last may run past midnight
    on = day + timedelta(days=1) if runs_past_midnight(last) else day
    return datetime.combine(on, time.fromisoformat(last[1]), tzinfo=ZoneInfo(timezone))


def last_closing(schedule: OpeningHours, timezone: str, now: datetime) -> tuple[date, datetime] | None:
    """The latest office day that has closed by `now`, and when it closed; None without opening hours."""
    today = service_day(require_aware(now), timezone)
    for back in range(LOOK_BACK_DAYS):
        day = today - timedelta(days=back)
        closes = closing_time(schedule, timezone, day)
        if closes is not None and closes <= now:
            return day, closes
    return None


def day_to_close(schedule: OpeningHours, timezone: str, now: datetime) -> date:
    """The office day that closing now ends: yesterday while its period past midnight still runs (at 01:00
    with hours 20:00-02:00), otherwise the local calendar day."""
    today = service_day(require_aware(now), timezone)
    yesterday = today - timedelta(days=1)
    closes = closing_time(schedule, timezone, yesterday)
    return yesterday if closes is not None and closes > now else today

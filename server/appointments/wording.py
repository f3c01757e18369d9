"""Dates and times of a booking in the office's timezone, worded in the reader's language (Babel's CLDR data)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_skeleton, format_time


def local_day(moment: datetime, timezone: str, language: str) -> str:
    """'Wednesday, March 11, 2026' / 'miércoles, 11 de marzo de 2026'."""
    return format_date(moment.astimezone(ZoneInfo(timezone)).date(), format="full", locale=language)


def month_day(moment: datetime, timezone: str, language: str) -> str:
    """'Wed, December 9' / 'mié, 9 de diciembre': a day of the coming weeks, without the year."""
    return format_skeleton("MMMMEEEEd", moment.astimezone(ZoneInfo(timezone)), locale=language)


def local_time(moment: datetime, timezone: str, language: str) -> str:
    """'9:15 AM' / '9:15'."""
    return format_time(moment.astimezone(ZoneInfo(timezone)).time(), format="short", locale=language)


def day_name(day: date, language: str) -> str:
    """'Wed, Mar 11' / 'mié, 11 mar': short enough for a row of day buttons on a phone."""
    return format_date(day, format="EEE d MMM", locale=language)

"""Public ticket numbers: a service prefix plus a daily sequence that restarts at local midnight."""

from __future__ import annotations

import re
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from waitwell.domain.clock import require_aware

PREFIX_PATTERN = re.compile(r"^[A-Z]{1,3}$")


def service_day(moment: datetime, timezone: str) -> date:
    """The office's calendar day at `moment`: numbering restarts when this changes."""
    return require_aware(moment).astimezone(ZoneInfo(timezone)).date()


def start_of_day(moment: datetime, timezone: str) -> datetime:
    """Local midnight that began the office's day at `moment` (aware, in the office's zone)."""
    return datetime.combine(service_day(moment, timezone), time(), ZoneInfo(timezone))


def format_number(prefix: str, sequence: int) -> str:
    """'A' and 7 -> 'A007'; past 999 the number simply grows ('A1000')."""
    return f"{prefix}{sequence:03d}"


def is_valid_prefix(prefix: str) -> bool:
    return bool(PREFIX_PATTERN.match(prefix))

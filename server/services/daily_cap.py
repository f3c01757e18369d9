"""The office's daily cap on tickets: a brake on a flood of issued tickets, counted from the day's numbers.

Every ticket takes the next number of its line for the office's local day (`daily_sequences`, without
gaps), so the numbers handed out today, summed over the office's lines, are the tickets issued today: kiosk
taps, check-ins and the API alike. Nothing else is stored to count them.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from waitwell.domain.errors import DailyTicketCapReached
from waitwell.domain.numbering import service_day, start_of_day
from waitwell.persistence import DailySequence, Office


def tickets_issued_today(session: Session, office: Office, now: datetime) -> int:
    """Tickets the office has issued on its current local day."""
    return session.scalar(
        select(func.coalesce(func.sum(DailySequence.last_sequence), 0))
        .where(DailySequence.office_id == office.id, DailySequence.service_day == service_day(now, office.timezone))
    ) or 0


def refuse_past_daily_cap(session: Session, office: Office, now: datetime, cap: int) -> None:
    """Raise DailyTicketCapReached when the office has already issued `cap` tickets today.

    Read in the issuing transaction: on SQLite writers take turns, so the cap is exact; on PostgreSQL two
    issuers at the very same moment may both pass it, so a day can end a few tickets over."""
    if tickets_issued_today(session, office, now) < cap:
        return
    next_day = start_of_day(now, office.timezone) + timedelta(days=1)  # local midnight: wall-clock arithmetic
    raise DailyTicketCapReached(
        f"{office.name} has issued its {cap} tickets for today, as many as a day allows; "
        "tickets can be taken again from the next day",
        retry_after=max(1, math.ceil((next_day - now).total_seconds())),
    )

"""What the office's past says about people who are not there when their turn comes, as the estimator learns
it: walk-ins gone when called, by how long they had waited (and in the last hour), and bookings never kept.

Both reads are bounded (the newest calls and bookings, on indexes), so they cost the same after months."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Row, select
from sqlalchemy.orm import Session

from waitwell.domain.numbering import service_day
from waitwell.domain.states import TicketState
from waitwell.estimates.bookings import BookingHabits
from waitwell.estimates.no_shows import Call, NoShowCurve, fit_no_show_curve
from waitwell.persistence import Appointment, AppointmentSettings, AppointmentState, Ticket

RECENT_CALLS = 1500  # calls with a known outcome the curve is fitted on, newest first
RECENT_BOOKINGS = 300
LAST_HOUR = timedelta(hours=1)
OUTCOME_KNOWN_AFTER = timedelta(minutes=5)  # by then a call is answered, or recalled and given up


def no_show_curve(session: Session, office_id: int, timezone: str, now: datetime, since: datetime
                  ) -> tuple[NoShowCurve | None, float | None]:
    """The walk-ins' chance of being gone when called, by the wait and the hour they joined the line (None: no
    calls yet), and the share of checked-in bookings gone when called (None: none called yet)."""
    zone = ZoneInfo(timezone)
    rows = session.execute(
        select(Ticket.waiting_since, Ticket.first_called_at, Ticket.state, Ticket.appointment_at)
        .where(Ticket.office_id == office_id, Ticket.finished_at >= since, Ticket.finished_at <= now,
               Ticket.state.in_((TicketState.DONE, TicketState.NO_SHOW)), Ticket.first_called_at.is_not(None))
        .order_by(Ticket.finished_at.desc()).limit(RECENT_CALLS)
    ).all()
    walk_ins: list[Call] = []
    booked: list[bool] = []
    for row in rows:
        if row.first_called_at < row.waiting_since:
            continue  # transferred after its first call: its wait at that call is not known here
        if row.appointment_at is not None:
            booked.append(row.state == TicketState.NO_SHOW)
        else:
            walk_ins.append(_call(row, zone))
    curve = fit_no_show_curve(walk_ins, _last_hour(session, office_id, zone, now)) if walk_ins else None
    return curve, (sum(booked) / len(booked) if booked else None)


def _last_hour(session: Session, office_id: int, zone: ZoneInfo, now: datetime) -> list[Call]:
    """The walk-ins first called in the hour before the last few minutes, each with its outcome: a no-show, or
    at the counter (serving or done). Chosen by the call, not by when the ticket was finished: services end
    long after a call nobody answers, so the finished ones of the last hour hold too many no-shows."""
    start, end = now - LAST_HOUR - OUTCOME_KNOWN_AFTER, now - OUTCOME_KNOWN_AFTER
    rows = session.execute(
        select(Ticket.waiting_since, Ticket.first_called_at, Ticket.state)
        .where(Ticket.office_id == office_id, Ticket.service_day.in_({service_day(start, zone.key),
                                                                       service_day(now, zone.key)}),
               Ticket.called_at >= start, Ticket.appointment_at.is_(None),
               Ticket.state.in_((TicketState.DONE, TicketState.SERVING, TicketState.NO_SHOW)))
    ).all()
    return [_call(row, zone) for row in rows
            if row.first_called_at is not None and start <= row.first_called_at < end
            and row.first_called_at >= row.waiting_since]


def _call(row: Row[Any], zone: ZoneInfo) -> Call:
    return Call((row.first_called_at - row.waiting_since).total_seconds(), row.state == TicketState.NO_SHOW,
                row.waiting_since.astimezone(zone).hour)


def booking_habits(session: Session, office_id: int, now: datetime, since: datetime) -> BookingHabits:
    """Of the office's recent bookings whose check-in window has closed: the share checked in, and when."""
    settings = session.get(AppointmentSettings, office_id)
    if settings is None or not settings.enabled:
        return BookingHabits()
    closed_before = now - timedelta(minutes=settings.check_in_late_minutes)
    rows = session.execute(
        select(Appointment.starts_at, Appointment.checked_in_at, Appointment.state)
        .where(Appointment.office_id == office_id, Appointment.starts_at >= since,
               Appointment.starts_at < closed_before, Appointment.state != AppointmentState.CANCELLED)
        .order_by(Appointment.starts_at.desc()).limit(RECENT_BOOKINGS)
    ).all()
    kept = sorted((row.checked_in_at - row.starts_at).total_seconds() for row in rows
                  if row.state == AppointmentState.CHECKED_IN and row.checked_in_at is not None)
    if not kept:
        return BookingHabits()
    return BookingHabits(show_rate=len(kept) / len(rows), check_in_seconds=tuple(kept))

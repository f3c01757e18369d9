"""Staff pages for appointments (blueprint `appointment_staff`): a service's day with its bookings, the coming
bookings, booking for a caller, blocking a slot, cancelling a booking, the no-show rate.

Names, emails and phone numbers are shown here and nowhere public; the audit log records the action, never them.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for

from waitwell.appointments.delivery import deliver_soon
from waitwell.appointments.page_helpers import parse_stamp, stamp
from waitwell.auth import staff, staff_required, visible_office_ids
from waitwell.domain.errors import InvalidInput, NotFound, WaitwellError
from waitwell.domain.numbering import service_day
from waitwell.persistence import Role
from waitwell.services.appointments import booking, messages
from waitwell.services.appointments import staff as bookings
from waitwell.web import uow
from waitwell.web_common.audit_recorder import note

bp = Blueprint("appointment_staff", __name__, url_prefix="/staff/appointments", template_folder="templates")
NO_SHOW_DAYS = 30


@bp.get("/")
@staff_required(Role.CLERK)
def index() -> Any:
    """My offices that take bookings; with one, straight to it."""
    services = booking.bookable_services(uow(read_only=True))
    mine = set(visible_office_ids(sorted({s.office_id for s in services})))
    offices_with_bookings = sorted({(s.office_id, s.office_name) for s in services if s.office_id in mine},
                                   key=lambda o: o[1])
    if len(offices_with_bookings) == 1:
        return redirect(url_for("appointment_staff.office_day", office_id=offices_with_bookings[0][0]))
    return render_template("appointments/staff_index.html", offices=offices_with_bookings)


@bp.get("/office/<int:office_id>")
@staff_required(Role.CLERK)
def office_day(office_id: int) -> Any:
    """Each bookable service's slots for a day, with who booked them; then the coming bookings."""
    office = bookings.office_info(uow(read_only=True), office_id)
    today = service_day(uow().clock.now(), office.timezone)
    day = _day(request.args.get("day", ""), today)
    services = booking.bookable_services(uow(read_only=True), office_id)
    sheets = [(service, bookings.day_sheet(uow(read_only=True), service_id=service.service_id, day=day))
              for service in services]
    coming = bookings.upcoming(uow(read_only=True), office_id=office_id, days=14)
    rate = bookings.no_show_rate(uow(read_only=True), office_id=office_id,
                                 start=today - timedelta(days=NO_SHOW_DAYS), end=today)
    return render_template(
        "appointments/staff_office.html", office=office, day=day, today=today, sheets=sheets, coming=coming,
        rate=rate, no_show_days=NO_SHOW_DAYS, timezone=office.timezone, stamp=stamp,
        previous_day=day - timedelta(days=1), next_day=day + timedelta(days=1),
    )


@bp.post("/office/<int:office_id>/book")
@staff_required(Role.CLERK)
def book_for_caller(office_id: int) -> Any:
    """Book a slot for someone on the phone or at the desk (email optional: no email, no confirmation)."""
    service_id = _service_of(office_id, request.form.get("service_id", ""))
    starts_at = _slot(request.form.get("at", ""))
    try:
        made = booking.book(uow(), service_id=service_id, starts_at=starts_at, origin="staff",
                            booked_by_id=staff().member.id,
                            booker=booking.Booker(request.form.get("name", ""), request.form.get("email", ""),
                                                  request.form.get("phone", ""),
                                                  request.form.get("language", "en") or "en"))
    except WaitwellError as failure:
        flash(f"Not booked: {failure.message}", "error")
        return _back(office_id, starts_at)
    note("appointments.book_for_caller", target=f"booking {made.code}", office_id=office_id)
    deliver_soon(_app(), messages.pending_message_ids(uow(read_only=True), made.id))
    flash(f"Booked: code {made.code} at {_local(made.starts_at, made.timezone)}.", "success")
    return _back(office_id, starts_at)


@bp.post("/office/<int:office_id>/block")
@staff_required(Role.SUPERVISOR)
def block(office_id: int) -> Any:
    """Close a slot for booking; the people booked in it are cancelled and told why."""
    service_id = _service_of(office_id, request.form.get("service_id", ""))
    starts_at = _slot(request.form.get("at", ""))
    try:
        cancelled = bookings.block_slot(uow(), service_id=service_id, starts_at=starts_at,
                                        reason=request.form.get("reason", ""), user_id=staff().member.id)
    except WaitwellError as failure:
        flash(f"Not blocked: {failure.message}", "error")
        return _back(office_id, starts_at)
    note("appointments.block_slot", target=f"slot {starts_at.isoformat()}", office_id=office_id,
         cancelled=len(cancelled), reason=request.form.get("reason", ""))
    for one in cancelled:
        deliver_soon(_app(), messages.pending_message_ids(uow(read_only=True), one.id))
    flash(f"Slot blocked; {len(cancelled)} booking(s) cancelled and told by email.", "success")
    return _back(office_id, starts_at)


@bp.post("/office/<int:office_id>/unblock")
@staff_required(Role.SUPERVISOR)
def unblock(office_id: int) -> Any:
    service_id = _service_of(office_id, request.form.get("service_id", ""))
    starts_at = _slot(request.form.get("at", ""))
    bookings.unblock_slot(uow(), service_id=service_id, starts_at=starts_at)
    note("appointments.unblock_slot", target=f"slot {starts_at.isoformat()}", office_id=office_id)
    flash("Slot open for booking again.", "success")
    return _back(office_id, starts_at)


@bp.post("/office/<int:office_id>/bookings/<int:appointment_id>/cancel")
@staff_required(Role.CLERK)
def cancel_booking(office_id: int, appointment_id: int) -> Any:
    found = bookings.get_appointment(uow(read_only=True), appointment_id)
    if found.office_id != office_id:
        raise NotFound(f"there is no booking {appointment_id} in this office")
    try:
        cancelled = bookings.cancel_for_caller(uow(), appointment_id=appointment_id,
                                               reason=request.form.get("reason", "") or "Cancelled by the office")
    except WaitwellError as failure:
        flash(f"Not cancelled: {failure.message}", "error")
        return _back(office_id, found.starts_at)
    note("appointments.cancel", target=f"booking {cancelled.code}", office_id=office_id)
    deliver_soon(_app(), messages.pending_message_ids(uow(read_only=True), cancelled.id))
    flash(f"Booking {cancelled.code} cancelled.", "success")
    return _back(office_id, found.starts_at)


def _service_of(office_id: int, text: str) -> int:
    ids = {s.service_id for s in booking.bookable_services(uow(read_only=True), office_id)}
    if not text.isdigit() or int(text) not in ids:
        raise InvalidInput("choose a bookable service of this office")
    return int(text)


def _slot(text: str) -> datetime:
    moment = parse_stamp(text)
    if moment is None:
        raise InvalidInput("choose a slot")
    return moment


def _day(text: str, default: date) -> date:
    try:
        return date.fromisoformat(text) if text else default
    except ValueError:
        return default


def _back(office_id: int, moment: datetime) -> Any:
    office = bookings.office_info(uow(read_only=True), office_id)
    day = moment.astimezone(ZoneInfo(office.timezone)).date().isoformat()
    return redirect(url_for("appointment_staff.office_day", office_id=office_id, day=day), 303)


def _local(moment: datetime, timezone: str) -> str:
    return moment.astimezone(ZoneInfo(timezone)).strftime("%a %d %b %H:%M")


def _app() -> Any:
    return current_app._get_current_object()  # type: ignore[attr-defined]

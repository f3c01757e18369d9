"""The booker's own page, reached by the secret link in the confirmation: the code and its QR code, check-in from
the phone, the calendar file, moving or cancelling the appointment."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, Response, abort, current_app, redirect, render_template, request, url_for
from flask_babel import gettext
from markupsafe import Markup

from waitwell.appointments.delivery import deliver_soon
from waitwell.appointments.ics import appointment_calendar
from waitwell.appointments.links import MANAGE_PREFIX, manage_url
from waitwell.appointments.page_helpers import lang_args, no_store, page_context, parse_stamp
from waitwell.auth import public
from waitwell.domain.check_in import CheckInTiming, CheckInWindow
from waitwell.domain.errors import NotFound, WaitwellError
from waitwell.persistence import AppointmentState
from waitwell.services.appointments import booking, check_in, messages
from waitwell.services.appointments.setup import office_policy
from waitwell.services.appointments.views import AppointmentView
from waitwell.web import uow
from waitwell.web_common.qr import qr_svg
from waitwell.web_common.rate_limits import look_up_token

bp = Blueprint("manage", __name__, url_prefix=MANAGE_PREFIX, template_folder="templates")
bp.context_processor(page_context)


@bp.get("/<token>")
@public
def show_booking(token: str) -> Any:
    """The booking: when and where, the code to type or scan at the kiosk, and what can be done now."""
    return _render(_appointment(token), booked=request.args.get("booked") == "1")


@bp.get("/<token>/calendar.ics")
@public
def calendar(token: str) -> Response:
    """The appointment for the phone's or computer's calendar."""
    appointment = _appointment(token)
    body = appointment_calendar(
        uid=f"appointment-{appointment.id}-{appointment.code}@waitwell", starts_at=appointment.starts_at,
        ends_at=appointment.ends_at, summary=f"{appointment.service_name} – {appointment.office_name}",
        location=appointment.office_name,
        description=gettext("Booking code %(code)s. Check in at the kiosk or from the link.", code=appointment.code),
        url=manage_url(current_app.config["WAITWELL"].public_base_url, token), stamp=uow().clock.now(),
        cancelled=appointment.state == AppointmentState.CANCELLED,
    )
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Disposition"] = 'attachment; filename="appointment.ics"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/<token>/check-in")
@public
def check_in_here(token: str) -> Any:
    """"I'm here": a ticket marked as an appointment, followed on the ticket's status page."""
    try:
        result = look_up_token(lambda: check_in.check_in_by_link(uow(), token=token))
    except NotFound:
        abort(404)
    except WaitwellError as failure:
        return _show_with(token, failure.message)
    if result.too_late:
        return no_store(render_template("appointments/too_late.html", appointment=result.appointment))
    assert result.ticket is not None
    return redirect(url_for("status_page.show_status", token=result.ticket.token, **lang_args()), 303)


@bp.post("/<token>/walk-in")
@public
def take_walk_in_ticket(token: str) -> Any:
    """Too late for the appointment: an ordinary ticket in the same line instead."""
    try:
        ticket = look_up_token(lambda: check_in.walk_in_instead(uow(), token=token))
    except NotFound:
        abort(404)
    except WaitwellError as failure:
        return _show_with(token, failure.message)
    return redirect(url_for("status_page.show_status", token=ticket.token, **lang_args()), 303)


@bp.route("/<token>/cancel", methods=["GET", "POST"])
@public
def cancel(token: str) -> Any:
    """Ask first, then cancel: one tap must not lose an appointment."""
    appointment = _appointment(token)
    if request.method == "GET":
        return no_store(render_template("appointments/cancel.html", appointment=appointment))
    try:
        cancelled = booking.cancel(uow(), token=token)
    except WaitwellError as failure:
        return _show_with(token, failure.message)
    deliver_soon(current_app._get_current_object(),  # type: ignore[attr-defined]
                 messages.pending_message_ids(uow(read_only=True), cancelled.id))
    return redirect(url_for("manage.show_booking", token=token, **lang_args()), 303)


@bp.route("/<token>/reschedule", methods=["GET", "POST"])
@public
def reschedule(token: str) -> Any:
    """Pick another day and time of the same service; the old time is freed at once."""
    appointment = _appointment(token)
    if request.method == "POST":
        starts_at = parse_stamp(request.form.get("at", ""))
        if starts_at is None:
            abort(400)
        try:
            moved = booking.reschedule(uow(), token=token, starts_at=starts_at)
        except WaitwellError as failure:
            return _show_with(token, failure.message)
        deliver_soon(current_app._get_current_object(),  # type: ignore[attr-defined]
                     messages.pending_message_ids(uow(read_only=True), moved.id))
        return redirect(url_for("manage.show_booking", token=token, **lang_args()), 303)
    day_text = request.args.get("day", "")
    try:
        chosen = date.fromisoformat(day_text) if day_text else None
    except ValueError:
        chosen = None
    days = booking.available_days(uow(read_only=True), appointment.service_id)
    slots = booking.available_slots(uow(read_only=True), appointment.service_id, chosen) if chosen else []
    return no_store(render_template("appointments/reschedule.html", appointment=appointment, days=days, day=chosen,
                                    slots=slots))


def _appointment(token: str) -> AppointmentView:
    """The booking of a secret link; an address past its unknown tokens gets a 429 (rate_limits.look_up_token)."""
    try:
        return look_up_token(lambda: booking.get_by_token(uow(read_only=True), token))
    except NotFound:
        abort(404)


def _window(appointment: AppointmentView) -> CheckInWindow:
    with uow(read_only=True) as unit:
        try:
            return office_policy(unit.session, appointment.office_id).check_in
        except WaitwellError:
            return CheckInWindow()


def _show_with(token: str, message: str) -> Any:
    return _render(_appointment(token), error=message, status=409)


def _render(appointment: AppointmentView, *, booked: bool = False, error: str = "", status: int = 200) -> Any:
    window = _window(appointment)
    timing = window.timing(appointment.starts_at, uow().clock.now())
    return no_store(render_template(
        "appointments/booking.html", appointment=appointment, timing=timing.value, window=window,
        opens_at=window.opens_at(appointment.starts_at), closes_at=window.closes_at(appointment.starts_at),
        qr=Markup(qr_svg(appointment.code)), booked=booked, masked_email=_masked(appointment.email), error=error,
        can_change=appointment.state == AppointmentState.BOOKED and timing == CheckInTiming.TOO_EARLY,
    ), status)


def _masked(email: str | None) -> str:
    """a•••@example.org: enough to recognise one's address, not to read someone else's."""
    if not email or "@" not in email:
        return ""
    user, _, domain = email.partition("@")
    return f"{user[:1]}•••@{domain}"

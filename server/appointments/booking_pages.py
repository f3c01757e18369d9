"""The public booking pages: office, service, day, time, then name and email; no account needed."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_limiter import RateLimitExceeded

from waitwell.appointments.delivery import deliver_soon
from waitwell.appointments.page_helpers import lang_args, language, no_store, page_context, parse_stamp
from waitwell.auth import public
from waitwell.domain.errors import NotFound, WaitwellError
from waitwell.services.appointments import booking, messages
from waitwell.services.lookups import get_service
from waitwell.web import uow
from waitwell.web_common.rate_limits import limiter, with_retry_after

bp = Blueprint("booking", __name__, url_prefix="/book", template_folder="templates", static_folder="static",
               static_url_path="/static")
BOOKING_LIMIT = "20 per hour;5 per minute"  # per address: a family books a few, a script books nothing

bp.context_processor(page_context)


@bp.errorhandler(RateLimitExceeded)
def too_many_bookings(error: RateLimitExceeded) -> Any:
    """A page, not the kiosk API's JSON: many bookings from one address in a short time."""
    return with_retry_after(no_store(render_template("appointments/too_many.html"), 429))


@bp.get("/")
@public
def choose_office() -> Any:
    """Offices that take bookings; with only one, straight to its services."""
    services = booking.bookable_services(uow(read_only=True))
    offices = sorted({(s.office_id, s.office_name) for s in services}, key=lambda o: o[1])
    if len(offices) == 1:
        return redirect(url_for("booking.choose_service", office_id=offices[0][0], **lang_args()))
    return no_store(render_template("appointments/offices.html", offices=offices, step=None))


@bp.get("/<int:office_id>")
@public
def choose_service(office_id: int) -> Any:
    services = booking.bookable_services(uow(read_only=True), office_id)
    if not services:
        abort(404)
    return no_store(render_template("appointments/services.html", services=services, office_id=office_id,
                                    office_name=services[0].office_name, service_name=_service_name, step=1))


@bp.get("/service/<int:service_id>")
@public
def choose_day(service_id: int) -> Any:
    service = _bookable(service_id)
    days = booking.available_days(uow(read_only=True), service_id)
    return no_store(render_template("appointments/days.html", service=service, days=days, step=2,
                                    service_name=_service_name))


@bp.get("/service/<int:service_id>/<day>")
@public
def choose_time(service_id: int, day: str) -> Any:
    service = _bookable(service_id)
    chosen = _day(day)
    slots = booking.available_slots(uow(read_only=True), service_id, chosen)
    return no_store(render_template("appointments/times.html", service=service, day=chosen, slots=slots, step=2,
                                    timezone=_timezone(service_id), service_name=_service_name))


@bp.route("/service/<int:service_id>/at/<at>", methods=["GET", "POST"])
@public
# Only bookings made count: a typo in the form, or a time just taken, must not use up a family's bookings.
@limiter.limit(BOOKING_LIMIT, methods=["POST"], deduct_when=lambda response: response.status_code == 303)
def details(service_id: int, at: str) -> Any:
    """Name, email and optional phone for the chosen time; booking it sends the confirmation email."""
    service = _bookable(service_id)
    starts_at = parse_stamp(at)
    if starts_at is None:
        abort(404)
    form = {"name": "", "email": "", "phone": ""}
    error = ""
    if request.method == "POST":
        form = {key: request.form.get(key, "").strip() for key in form}
        try:
            made = booking.book(uow(), service_id=service_id, starts_at=starts_at,
                                booker=booking.Booker(form["name"], form["email"], form["phone"], language()))
        except WaitwellError as failure:
            error = _message(failure)
        else:
            deliver_soon(current_app._get_current_object(),  # type: ignore[attr-defined]
                         messages.pending_message_ids(uow(read_only=True), made.id))
            return redirect(url_for("manage.show_booking", token=made.manage_token, booked=1, **lang_args()), 303)
    return no_store(render_template("appointments/details.html", service=service, starts_at=starts_at, form=form,
                                    error=error, timezone=_timezone(service_id), step=3, service_name=_service_name),
                    422 if error else 200)


def _bookable(service_id: int) -> booking.BookableService:
    found = [s for s in booking.bookable_services(uow(read_only=True)) if s.service_id == service_id]
    if not found:
        abort(404)
    return found[0]


def _timezone(service_id: int) -> str:
    with uow(read_only=True) as unit:
        return get_service(unit.session, service_id).office.timezone


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        abort(404)


def _service_name(service: booking.BookableService) -> str:
    """The service's public name in the page's language, when the office gave one."""
    return service.names.get(language(), service.service_name)


def _message(failure: WaitwellError) -> str:
    """Domain messages are English sentences; the common ones are shown in the page's language."""
    if isinstance(failure, NotFound):
        return gettext("This time can no longer be booked. Please choose another one.")
    known = {
        "slot_unavailable": gettext("Sorry, this time was just taken or closed. Please choose another one."),
        "outside_booking_window": gettext("This time can no longer be booked. Please choose another one."),
    }
    if failure.code in known:
        return known[failure.code]
    text = failure.message
    translated = {
        "please give your name (up to 120 characters)": gettext("Please give your name."),
        "please give an email address: the confirmation and your booking code are sent there":
            gettext("Please give an email address: we send your booking code there."),
        "this does not look like an email address; please check it":
            gettext("This does not look like an email address. Please check it."),
        "a phone number has digits, spaces and + - ( ) only":
            gettext("A phone number has digits, spaces and + - ( ) only."),
    }
    return translated.get(text, text)

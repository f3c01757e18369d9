"""Staff API for appointments: a day's bookings per service, booking for a caller, blocking a slot, the no-show
rate. Names, emails and phones are in these answers: they are staff-only (never on public endpoints)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask_smorest import Blueprint
from marshmallow import fields, validate

from waitwell.api.schemas import StrictSchema
from waitwell.api.tickets import STAFF
from waitwell.auth import require_office, staff, staff_required
from waitwell.domain.errors import InvalidInput
from waitwell.domain.numbering import service_day
from waitwell.persistence import Role
from waitwell.services.appointments import booking
from waitwell.services.appointments import staff as bookings
from waitwell.services.appointments.views import AppointmentView
from waitwell.web import uow

bp = Blueprint("appointments", __name__, url_prefix="/api/v1/offices/<int:office_id>/appointments",
               description="Appointments (staff): bookings, booking for a caller, blocking slots")


class DayQuery(StrictSchema):
    day = fields.Date(load_default=None, metadata={"description": "Local day, e.g. 2026-03-11 (default: today)"})


class BookRequest(StrictSchema):
    service_id = fields.Int(required=True, strict=True)
    starts_at = fields.AwareDateTime(required=True, metadata={"description": "The slot's start, ISO 8601 with offset"})
    name = fields.Str(required=True, validate=validate.Length(min=1, max=120))
    email = fields.Str(load_default=None, validate=validate.Length(max=254))
    phone = fields.Str(load_default=None, validate=validate.Length(max=40))
    language = fields.Str(load_default="en", validate=validate.Length(max=8))


class BlockRequest(StrictSchema):
    service_id = fields.Int(required=True, strict=True)
    starts_at = fields.AwareDateTime(required=True)
    reason = fields.Str(required=True, validate=validate.Length(min=1, max=200),
                        metadata={"description": "Sent to the people booked in the slot"})


class RangeQuery(StrictSchema):
    days = fields.Int(load_default=30, validate=validate.Range(min=1, max=366))


@bp.get("")
@bp.arguments(DayQuery(), location="query")
@bp.response(200)
@bp.doc(security=STAFF)
@staff_required(Role.CLERK)
def list_day(query: dict[str, Any], office_id: int) -> Any:
    """Each bookable service's slots of a day with places taken and who booked them."""
    require_office(office_id)
    office = bookings.office_info(uow(read_only=True), office_id)
    day = query["day"] or service_day(uow().clock.now(), office.timezone)
    return {
        "office_id": office_id, "day": day.isoformat(), "timezone": office.timezone,
        "services": [
            {"service_id": service.service_id, "name": service.service_name,
             "slots": [{"starts_at": row.slot.starts_at.isoformat(), "ends_at": row.slot.ends_at.isoformat(),
                        "capacity": row.slot.capacity, "booked": row.slot.booked, "blocked": row.slot.blocked,
                        "bookings": [_booking(a) for a in row.appointments]}
                       for row in bookings.day_sheet(uow(read_only=True), service_id=service.service_id, day=day)]}
            for service in booking.bookable_services(uow(read_only=True), office_id)
        ],
    }


@bp.post("")
@bp.arguments(BookRequest())
@bp.response(201)
@bp.doc(security=STAFF)
@staff_required(Role.CLERK)
def book_for_caller(body: dict[str, Any], office_id: int) -> Any:
    """Book a slot for someone on the phone or at the desk (no email: no confirmation is sent)."""
    require_office(office_id)
    _require_service_of(office_id, body["service_id"])
    made = booking.book(uow(), service_id=body["service_id"], starts_at=body["starts_at"], origin="staff",
                        booked_by_id=staff().member.id,
                        booker=booking.Booker(body["name"], body["email"], body["phone"], body["language"]))
    return _booking(made)


@bp.post("/blocks")
@bp.arguments(BlockRequest())
@bp.response(200)
@bp.doc(security=STAFF)
@staff_required(Role.SUPERVISOR)
def block_slot(body: dict[str, Any], office_id: int) -> Any:
    """Take a slot out of booking; its bookings are cancelled and each person is emailed the reason."""
    require_office(office_id)
    _require_service_of(office_id, body["service_id"])
    cancelled = bookings.block_slot(uow(), service_id=body["service_id"], starts_at=body["starts_at"],
                                    reason=body["reason"], user_id=staff().member.id)
    return {"cancelled": [_booking(a) for a in cancelled]}


@bp.get("/no-show-rate")
@bp.arguments(RangeQuery(), location="query")
@bp.response(200)
@bp.doc(security=STAFF)
@staff_required(Role.CLERK)
def get_no_show_rate(query: dict[str, Any], office_id: int) -> Any:
    """No-shows among the bookings of the last `days` local days whose check-in window has closed."""
    require_office(office_id)
    office = bookings.office_info(uow(read_only=True), office_id)
    today = service_day(uow().clock.now(), office.timezone)
    rate = bookings.no_show_rate(uow(read_only=True), office_id=office_id,
                                 start=today - timedelta(days=query["days"] - 1), end=today)
    return {"from": rate.start.isoformat(), "to": rate.end.isoformat(), "due": rate.due, "no_shows": rate.no_shows,
            "rate": rate.rate,
            "definition": "No-shows divided by the bookings whose check-in window closed (cancelled ones excluded)."}


def _require_service_of(office_id: int, service_id: int) -> None:
    if service_id not in {s.service_id for s in booking.bookable_services(uow(read_only=True), office_id)}:
        raise InvalidInput(f"service {service_id} is not a bookable service of this office")


def _booking(view: AppointmentView) -> dict[str, Any]:
    return {
        "id": view.id, "code": view.code, "service_id": view.service_id, "starts_at": view.starts_at.isoformat(),
        "state": view.state.value, "name": view.name, "email": view.email, "phone": view.phone,
        "language": view.language, "origin": view.origin, "ticket_number": view.ticket_number,
        "cancelled_by": view.cancelled_by, "cancel_reason": view.cancel_reason,
    }



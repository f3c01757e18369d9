"""Admin endpoints that set an office up: offices, services and counters."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint
from marshmallow import fields, validate

from waitwell.api.schemas import CounterSchema, OfficeSchema, ServiceSchema, StrictSchema
from waitwell.api.tickets import STAFF
from waitwell.auth import require_office, staff_required
from waitwell.domain.states import CounterState
from waitwell.persistence import Role
from waitwell.services import offices, queries
from waitwell.web import uow

bp = Blueprint("setup", __name__, url_prefix="/api/v1", description="Admin: offices, services and counters")


class NewOffice(StrictSchema):
    name = fields.Str(required=True, validate=validate.Length(min=1, max=120))
    timezone = fields.Str(required=True, metadata={"example": "America/New_York"})
    opening_hours = fields.Dict(load_default=dict, metadata={"example": {"mon": [["08:00", "16:30"]]}})
    refuse_tickets_when_closed = fields.Bool(load_default=False)


class NewService(StrictSchema):
    name = fields.Str(required=True, validate=validate.Length(min=1, max=120))
    prefix = fields.Str(required=True, metadata={"example": "A"})
    description = fields.Str(load_default="", validate=validate.Length(max=240))
    target_wait_minutes = fields.Int(load_default=20, strict=True)
    priority_weight = fields.Float(load_default=1.0)
    active = fields.Bool(load_default=True)


class ServiceChanges(StrictSchema):
    name = fields.Str(validate=validate.Length(min=1, max=120))
    description = fields.Str(validate=validate.Length(max=240))
    target_wait_minutes = fields.Int(strict=True)
    priority_weight = fields.Float()
    active = fields.Bool()
    display_order = fields.Int(strict=True)


class NewCounter(StrictSchema):
    name = fields.Str(required=True, validate=validate.Length(min=1, max=60))
    service_ids = fields.List(fields.Int(strict=True), required=True, validate=validate.Length(min=1))


@bp.post("/offices")
@bp.arguments(NewOffice())
@bp.response(201, OfficeSchema)
@bp.doc(security=STAFF)
@staff_required(Role.ADMIN)
def create_office(body: dict[str, Any]) -> Any:
    """Create an office in its IANA timezone, with weekly opening hours in local time."""
    return offices.create_office(uow(), **body)


@bp.post("/offices/<int:office_id>/services")
@bp.arguments(NewService())
@bp.response(201, ServiceSchema)
@bp.doc(security=STAFF)
@staff_required(Role.ADMIN)
def create_service(body: dict[str, Any], office_id: int) -> Any:
    """Add a service (a line with its own ticket prefix) to an office."""
    require_office(office_id)
    return offices.add_service(uow(), office_id=office_id, **body)


@bp.patch("/services/<int:service_id>")
@bp.arguments(ServiceChanges(), required=False)  # no body, or {}, changes nothing
@bp.response(200, ServiceSchema)
@bp.doc(security=STAFF)
@staff_required(Role.ADMIN)
def change_service(body: dict[str, Any], service_id: int) -> Any:
    """Change a service, e.g. `{"active": false}` to stop issuing tickets for it."""
    require_office(queries.service_view(uow(read_only=True), service_id=service_id).office_id)
    return offices.update_service(uow(), service_id=service_id, **body)


@bp.post("/offices/<int:office_id>/counters")
@bp.arguments(NewCounter())
@bp.response(201, CounterSchema)
@bp.doc(security=STAFF)
@staff_required(Role.ADMIN)
def create_counter(body: dict[str, Any], office_id: int) -> Any:
    """Add a counter serving some of the office's services; it starts closed."""
    require_office(office_id)
    counter_id = offices.add_counter(uow(), office_id=office_id, name=body["name"], service_ids=body["service_ids"],
                                     state=CounterState.CLOSED)
    return queries.counter_view(uow(read_only=True), counter_id=counter_id)

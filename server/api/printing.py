"""Admin and staff endpoints for kiosks, printers and print jobs (what printed, what failed and why)."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint
from marshmallow import fields, validate

from waitwell.api.schemas import StrictSchema
from waitwell.api.tickets import STAFF
from waitwell.auth import require_office, staff_required
from waitwell.persistence import Role
from waitwell.services import kiosks, print_jobs, printers
from waitwell.web import uow
from waitwell.web_common.printer_allowlist import printer_allowlist

bp = Blueprint("printing", __name__, url_prefix="/api/v1", description="Admin: kiosks, printers and print jobs")


class NewPrinter(StrictSchema):
    name = fields.Str(required=True, validate=validate.Length(min=1, max=60))
    connection = fields.Str(required=True, validate=validate.OneOf(printers.CONNECTIONS))
    settings = fields.Dict(load_default=dict, metadata={"example": {"host": "192.0.2.40", "port": 9100}})
    paper_width_mm = fields.Int(load_default=80, validate=validate.OneOf(printers.PAPER_WIDTHS_MM))
    profile = fields.Str(load_default="", validate=validate.Length(max=40),
                         metadata={"description": "python-escpos profile, e.g. TM-T88V; empty: a default per width"})
    qr_mode = fields.Str(load_default="auto", validate=validate.OneOf(printers.QR_MODES),
                         metadata={"description": "'native' when the printer draws QR codes, 'image' otherwise"})
    delivery = fields.Str(load_default="server", validate=validate.OneOf(["server", "agent"]),
                          metadata={"description": "'agent': a print agent on the kiosk PC prints (USB printers)"})


class PrinterSchema(StrictSchema):
    id = fields.Int()
    office_id = fields.Int()
    name = fields.Str()
    connection = fields.Str()
    settings = fields.Dict()
    paper_width_mm = fields.Int()
    profile = fields.Str()
    qr_mode = fields.Str()
    delivery = fields.Str()
    status = fields.Str(metadata={"enum": ["online", "paper_near_end", "paper_out", "offline", "unknown"]})
    status_detail = fields.Str()
    status_checked_at = fields.DateTime(allow_none=True)


class NewKiosk(StrictSchema):
    name = fields.Str(required=True, validate=validate.Length(min=1, max=60))
    service_ids = fields.List(fields.Int(strict=True), required=True, validate=validate.Length(min=1))
    printer_id = fields.Int(load_default=None, allow_none=True, strict=True)
    language = fields.Str(load_default="en", validate=validate.Length(min=2, max=8))
    idle_reset_seconds = fields.Int(load_default=45, strict=True)
    result_seconds = fields.Int(load_default=10, strict=True)


class KioskSchema(StrictSchema):
    id = fields.Int()
    office_id = fields.Int()
    name = fields.Str()
    language = fields.Str()
    printer_id = fields.Int(allow_none=True)
    service_ids = fields.List(fields.Int())
    idle_reset_seconds = fields.Int()
    result_seconds = fields.Int()
    active = fields.Bool()


class PrintJobSchema(StrictSchema):
    id = fields.Int()
    ticket_id = fields.Int()
    number = fields.Str()
    kiosk_id = fields.Int(allow_none=True)
    printer_id = fields.Int()
    state = fields.Str(metadata={"enum": ["queued", "printing", "retrying", "printed", "failed"]})
    attempts = fields.Int()
    last_error = fields.Str(metadata={"description": "Why the last attempt failed, in plain words"})
    created_at = fields.DateTime()
    last_attempt_at = fields.DateTime(allow_none=True)
    printed_at = fields.DateTime(allow_none=True)
    failed_at = fields.DateTime(allow_none=True)


class JobQuery(StrictSchema):
    kiosk_id = fields.Int(load_default=None, strict=False)
    limit = fields.Int(load_default=100, validate=validate.Range(min=1, max=500))


@bp.post("/offices/<int:office_id>/printers")
@bp.arguments(NewPrinter())
@bp.response(201, PrinterSchema)
@bp.doc(security=STAFF)
@staff_required(Role.ADMIN)
def create_printer(body: dict[str, Any], office_id: int) -> Any:
    """Register a ticket printer and how to reach it (network, USB, serial, CUPS, device file, or preview)."""
    require_office(office_id)
    return printers.add_printer(uow(), office_id=office_id, allowlist=printer_allowlist(), **body)


@bp.get("/offices/<int:office_id>/printers")
@bp.response(200, PrinterSchema(many=True))
@bp.doc(security=STAFF)
@staff_required()
def list_printers(office_id: int) -> Any:
    """The office's printers with their last known status; "unknown" means the printer did not answer."""
    require_office(office_id)
    return printers.printers_of(uow(read_only=True), office_id=office_id)


@bp.post("/offices/<int:office_id>/kiosks")
@bp.arguments(NewKiosk())
@bp.response(201, KioskSchema)
@bp.doc(security=STAFF)
@staff_required(Role.ADMIN)
def create_kiosk(body: dict[str, Any], office_id: int) -> Any:
    """Register a kiosk: its services, printer and default language. Its page is /kiosk/<id>."""
    require_office(office_id)
    return kiosks.register_kiosk(uow(), office_id=office_id, **body)


@bp.get("/offices/<int:office_id>/print-jobs")
@bp.arguments(JobQuery(), location="query")
@bp.response(200, PrintJobSchema(many=True))
@bp.doc(security=STAFF)
@staff_required()
def list_print_jobs(query: dict[str, Any], office_id: int) -> Any:
    """The newest print jobs first, each printed or failed with the reason and the number of attempts."""
    require_office(office_id)
    return print_jobs.recent_jobs(uow(read_only=True), office_id=office_id, kiosk_id=query["kiosk_id"],
                                  limit=query["limit"])

"""Wait metrics: the public last-10 figures, and for supervisors today's dashboard figures, reports and CSV."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Response
from flask_smorest import Blueprint
from marshmallow import ValidationError, fields, validate, validates_schema

from waitwell.api.schemas import StrictSchema
from waitwell.api.tickets import STAFF
from waitwell.auth import require_office, staff_required
from waitwell.metrics.report import GROUPINGS, legs_csv, summary_csv
from waitwell.persistence import Role
from waitwell.services.metrics import payloads
from waitwell.services.metrics.reports import office_report
from waitwell.services.metrics.today import office_today
from waitwell.services.metrics.waits import office_waits, public_waits
from waitwell.services.metrics.what_if import what_if
from waitwell.web import uow
from waitwell.web_common.stale_figures import stale_after

bp = Blueprint("metrics", __name__, url_prefix="/api/v1", description="Wait metrics and reports")


class ReportQuery(StrictSchema):
    from_ = fields.Date(data_key="from", required=True, metadata={"description": "First local day, e.g. 2026-03-01"})
    to = fields.Date(required=True, metadata={"description": "Last local day (included)"})
    group_by = fields.Str(load_default="service", validate=validate.OneOf(GROUPINGS))

    @validates_schema
    def check_range(self, data: dict[str, Any], **_: Any) -> None:
        if data["to"] < data["from_"]:
            raise ValidationError("must not be before 'from'", field_name="to")


class ExportQuery(ReportQuery):
    rows = fields.Str(load_default="summary", validate=validate.OneOf(("summary", "legs")),
                      metadata={"description": "summary: one row per group; legs: one row per ticket leg"})


@bp.get("/waits")
@bp.response(200)
def list_waits() -> Any:
    """Every office and active service with its last-10 average wait, when it was last updated, and
    whether it is stale or the office is closed."""
    return {"definition": payloads.DEFINITIONS["last_ten"],
            "offices": [payloads.office_waits_payload(w) for w in public_waits(uow(read_only=True),
                                                                               stale_after=stale_after())]}


@bp.get("/offices/<int:office_id>/waits")
@bp.response(200)
def get_office_waits(office_id: int) -> Any:
    """One office's last-10 average wait per service and for the whole office (what lobby screens show)."""
    waits = office_waits(uow(read_only=True), office_id, stale_after=stale_after())
    return {"definition": payloads.DEFINITIONS["last_ten"], **payloads.office_waits_payload(waits)}


@bp.get("/offices/<int:office_id>/metrics/today")
@bp.response(200)
@bp.doc(security=STAFF)
@staff_required(Role.SUPERVISOR)
def get_today(office_id: int) -> Any:
    """Today's figures per service and counter, by hour, and how good today's estimates were (supervisors)."""
    require_office(office_id)
    return payloads.today_payload(office_today(uow(read_only=True), office_id, stale_after=stale_after()))


class WhatIfRequest(StrictSchema):
    service_id = fields.Int(required=True)


@bp.post("/offices/<int:office_id>/what-if")
@bp.arguments(WhatIfRequest())
@bp.response(200)
@bp.doc(security=STAFF)
@staff_required(Role.SUPERVISOR)
def post_what_if(body: dict[str, Any], office_id: int) -> Any:
    """Replay the rest of today with one more and one fewer open counter for a service; compare the waits."""
    require_office(office_id)
    return payloads.what_if_payload(what_if(uow(read_only=True), office_id, body["service_id"]))


@bp.get("/offices/<int:office_id>/reports")
@bp.arguments(ReportQuery(), location="query")
@bp.response(200)
@bp.doc(security=STAFF)
@staff_required(Role.SUPERVISOR)
def get_report(query: dict[str, Any], office_id: int) -> Any:
    """Figures for the tickets issued over a range of local days, grouped by service, counter, clerk or day."""
    require_office(office_id)
    report = office_report(uow(read_only=True), office_id, query["from_"], query["to"], query["group_by"])
    return payloads.report_payload(report)


@bp.get("/offices/<int:office_id>/reports.csv")
@bp.arguments(ExportQuery(), location="query")
@bp.response(200, content_type="text/csv")
@bp.doc(security=STAFF)
@staff_required(Role.SUPERVISOR)
def export_report(query: dict[str, Any], office_id: int) -> Any:
    """The report as CSV: a summary per group, or every ticket leg (the raw material of each figure)."""
    require_office(office_id)
    report = office_report(uow(read_only=True), office_id, query["from_"], query["to"], query["group_by"])
    body = summary_csv(report) if query["rows"] == "summary" else legs_csv(report)
    name = f"waitwell-office{office_id}-{query['rows']}-{_span(query['from_'], query['to'])}"
    if query["rows"] == "summary":
        name += f"-by-{query['group_by']}"
    return Response(body, mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}.csv"'})


def _span(first: date, last: date) -> str:
    return first.isoformat() if first == last else f"{first.isoformat()}_{last.isoformat()}"

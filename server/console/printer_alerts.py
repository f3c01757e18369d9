"""Printer alerts for the console and the supervisor dashboard (blueprint `printer_alerts`): the office's list as
JSON, and the Reprint button. Both answer JSON only: the pages' script calls them."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify

from waitwell.auth import staff_required
from waitwell.domain.errors import WaitwellError
from waitwell.persistence import Role
from waitwell.services import printers
from waitwell.services.printer_alerts import office_printer_alerts
from waitwell.services.reprints import reprint_ticket
from waitwell.web import uow
from waitwell.web_common.audit_recorder import note
from waitwell.web_common.errors import as_sentence

bp = Blueprint("printer_alerts", __name__, url_prefix="/console")


@bp.errorhandler(WaitwellError)
def refused(error: WaitwellError) -> Any:
    return jsonify({"error": {"code": error.code, "message": as_sentence(error.message)}}), error.http_status


@bp.get("/offices/<int:office_id>/printer-alerts")
@staff_required(Role.CLERK)
def office_alerts(office_id: int) -> Any:
    """What the page shows when its live feed is down, and every 30 s in case a message was lost."""
    return jsonify(office_printer_alerts(uow(read_only=True), office_id).as_payload())


@bp.post("/tickets/<int:ticket_id>/reprint")
@staff_required(Role.CLERK)
def reprint(ticket_id: int) -> Any:
    """Send a waiting ticket's failed paper again (staff of the ticket's office; the route guard checks)."""
    try:
        job = reprint_ticket(uow(), ticket_id=ticket_id)
    except WaitwellError as refusal:
        note("console.reprint", refused=refusal.message)  # the log names the ticket from the URL
        raise
    printer = printers.get_printer(uow(read_only=True), job.printer_id)
    note("console.reprint", target=f"ticket {job.number}", printer=printer.name, job_id=job.id)
    alerts = office_printer_alerts(uow(read_only=True), printer.office_id)
    return jsonify({"message": f"{job.number} is being printed again at {printer.name}", "job_id": job.id,
                    "number": job.number, "printer_name": printer.name, "alerts": alerts.as_payload()})

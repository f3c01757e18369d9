"""The printer page's tools: a test print, a preview image and a status check, through waitwell.printing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from waitwell.domain.errors import Conflict
from waitwell.persistence.devices import PrintDelivery, PrinterStatus
from waitwell.printers.errors import PrinterError
from waitwell.printers.preview import render_preview_png
from waitwell.printing import device
from waitwell.printing.paper import ticket_print
from waitwell.services import printers
from waitwell.services.unit_of_work import UnitOfWork

SAMPLE_STATUS_URL = "https://example.org/t/sample-ticket"


def sample_content(printer: printers.PrinterView, office_name: str = "Test print") -> dict[str, Any]:
    """A made-up ticket with every part a real one has (number, QR, people ahead, wait)."""
    return {
        "office_name": office_name, "service_name": "Test print · " + printer.name, "number": "T001",
        "issued_at": datetime.now(UTC).isoformat(), "timezone": "UTC", "people_ahead": 3,
        "wait": {"expected": 12, "low": 8, "high": 18}, "status_url": SAMPLE_STATUS_URL, "language": "en",
    }


def test_print(make_uow: Callable[..., UnitOfWork], printer_id: int) -> str:
    """Print the sample ticket now; a failure comes back as a Conflict saying why, in plain words."""
    printer = printers.get_printer(make_uow(read_only=True), printer_id)
    if printer.delivery == PrintDelivery.AGENT:
        raise Conflict(f"{printer.name} is reached through the print agent on its kiosk PC, not from this server: "
                       "print a test from that PC")
    try:
        device.send_job(printer, sample_content(printer))
    except PrinterError as failure:
        printers.record_printer_status(make_uow(), printer_id=printer_id, status=PrinterStatus.OFFLINE,
                                       detail=failure.message[:240])
        raise Conflict(f"the test print failed: {failure.message}") from failure
    return f"Test ticket sent to {printer.name}. Check the paper: number T001, a QR code, and a clean cut."


def check_status(make_uow: Callable[..., UnitOfWork], printer_id: int) -> str:
    """Ask the printer how it is and keep the answer; silence reads as "unknown", never as fine."""
    printer = printers.get_printer(make_uow(read_only=True), printer_id)
    if printer.delivery == PrintDelivery.AGENT:
        raise Conflict(f"{printer.name} reports its status through its print agent")
    try:
        status, detail = device.read_status(printer)
    except PrinterError as failure:
        status, detail = PrinterStatus.OFFLINE, failure.message
    printers.record_printer_status(make_uow(), printer_id=printer_id, status=status, detail=detail[:240])
    return f"{printer.name}: {status.value.replace('_', ' ')}" + (f" ({detail})" if detail else "") + "."


def preview_png(make_uow: Callable[..., UnitOfWork], printer_id: int) -> bytes:
    printer = printers.get_printer(make_uow(read_only=True), printer_id)
    return render_preview_png(ticket_print(sample_content(printer)), paper_mm=printer.paper_width_mm,
                              profile=printer.profile or None)

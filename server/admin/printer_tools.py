"""The printer page's tools: a test print, a preview image and a status check, through waitwell.printing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import current_app

from waitwell.domain.errors import Conflict
from waitwell.persistence.devices import PrintDelivery, PrinterStatus
from waitwell.printers.errors import PrinterError
from waitwell.printers.preview import render_preview_png
from waitwell.printing import device
from waitwell.printing.paper import ticket_print
from waitwell.services import admin_views, printers
from waitwell.services.unit_of_work import UnitOfWork


def test_print_content(make_uow: Callable[..., UnitOfWork], printer: printers.PrinterView) -> dict[str, Any]:
    """The test print: the ticket layout with the office's name and local time, the printer's name in the service's
    place, TEST PRINT instead of a number (see printing.paper) and a QR code that opens the office's current
    waits, so whoever finds it knows what it is and nobody takes it for a place in line."""
    uow = make_uow(read_only=True)
    office = admin_views.office_detail(uow, office_id=printer.office_id)
    public_base_url = current_app.config["WAITWELL"].public_base_url.rstrip("/")
    return {
        "test_print": True, "office_name": office.public_name or office.name, "service_name": printer.name,
        "issued_at": uow.clock.now().isoformat(), "timezone": office.timezone, "people_ahead": 0, "wait": None,
        "status_url": f"{public_base_url}/waits#office-{office.id}", "language": "en",
    }


def test_print(make_uow: Callable[..., UnitOfWork], printer_id: int) -> str:
    """Print the test print now; a failure comes back as a Conflict saying why, in plain words."""
    printer = printers.get_printer(make_uow(read_only=True), printer_id)
    if printer.delivery == PrintDelivery.AGENT:
        raise Conflict(f"{printer.name} is reached through the print agent on its kiosk PC, not from this server: "
                       "print a test from that PC")
    try:
        device.send_job(printer, test_print_content(make_uow, printer))
    except PrinterError as failure:
        printers.record_printer_status(make_uow(), printer_id=printer_id, status=PrinterStatus.OFFLINE,
                                       detail=failure.message[:240])
        raise Conflict(f"the test print failed: {failure.message}") from failure
    return (f"Test print sent to {printer.name}. Check the paper: TEST PRINT at both ends, the text centred, a QR "
            "code that opens the office's current waits, and a clean cut.")


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
    return render_preview_png(ticket_print(test_print_content(make_uow, printer)), paper_mm=printer.paper_width_mm,
                              profile=printer.profile or None)

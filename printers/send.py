"""Print a ticket on a configured printer: render once, connect, check, send, close, within a time limit."""

from __future__ import annotations

import contextlib
import logging
from pathlib import Path

from escpos.printer import Dummy

from waitwell.printers.connections import PrinterSettings, open_printer
from waitwell.printers.deadline import DeadlineExceeded, call_with_deadline, interrupt
from waitwell.printers.errors import PrinterError, PrintFailed
from waitwell.printers.failures import failure_reason
from waitwell.printers.geometry import DEFAULT_PROFILES
from waitwell.printers.preview import render_preview_png
from waitwell.printers.render import QrMode, render_ticket
from waitwell.printers.status import close_printer, read_status
from waitwell.printers.ticket import TicketPrint

log = logging.getLogger(__name__)

STATUS_CHECK_SECONDS = 1.0  # a printer that answers does so in milliseconds; one that never does costs this much


def print_ticket(settings: PrinterSettings, ticket: TicketPrint, *, qr: QrMode = "auto") -> None:
    """Print one ticket or raise PrintFailed with the reason; never takes much longer than the settings allow."""
    if settings.kind == "preview":
        _save_preview(settings, ticket)
        return
    data = render_ticket_bytes(
        ticket, paper_mm=settings.paper_mm, qr=qr, profile=settings.profile or None, cut=settings.cutter
    )
    send_bytes(settings, data)


def render_ticket_bytes(
    ticket: TicketPrint, paper_mm: int = 80, qr: QrMode = "auto", profile: str | None = None, cut: bool | None = None
) -> bytes:
    """The ESC/POS bytes of one ticket, without any printer (for tests, stored jobs and print agents)."""
    printer = Dummy(profile=profile or DEFAULT_PROFILES[paper_mm])
    render_ticket(printer, ticket, paper_mm=paper_mm, qr=qr, cut=cut)
    return printer.output


def send_bytes(settings: PrinterSettings, data: bytes) -> None:
    """Deliver already rendered bytes to the printer, checking first that it has paper when it can say so."""
    try:
        printer = open_printer(settings)
    except PrinterError as error:
        raise PrintFailed(error.message) from error

    def deliver() -> None:
        printer.open()
        try:
            if settings.check_status_before_print:
                status = read_status(printer, settings, min(STATUS_CHECK_SECONDS, settings.timeout))
                if status.state in ("paper_out", "offline"):
                    raise PrintFailed(status.detail)
            printer._raw(data)
            close_printer(printer)  # CUPS submits the job on close, so its failure must reach the caller
        except BaseException:
            with contextlib.suppress(Exception):
                printer.close()
            raise

    try:
        call_with_deadline(deliver, allowed_seconds(settings, len(data)), abort=lambda: interrupt(printer))
    except PrintFailed:
        raise
    except DeadlineExceeded as error:
        raise PrintFailed(failure_reason(settings, error)) from error
    except Exception as error:  # every failure becomes a reason the job records
        raise PrintFailed(failure_reason(settings, error)) from error


def allowed_seconds(settings: PrinterSettings, size: int) -> float:
    """The whole job's time limit: the timeout, plus the transfer time on a slow serial line."""
    transfer = size * 10 / settings.baudrate if settings.kind == "serial" else 0.0
    return settings.timeout + transfer + (STATUS_CHECK_SECONDS if settings.check_status_before_print else 0.0)


def _save_preview(settings: PrinterSettings, ticket: TicketPrint) -> None:
    """A preview printer keeps the last ticket as a PNG at its device path (if it has one), for demos."""
    if not settings.device_path:
        return
    png = render_preview_png(ticket, paper_mm=settings.paper_mm, profile=settings.profile or None, cut=settings.cutter)
    try:
        Path(settings.device_path).write_bytes(png)
    except OSError as error:
        raise PrintFailed(f"preview printer could not write {settings.device_path}: {error.strerror}") from error

"""Print tickets on a configured printer: render, connect, check, send, close, within a time limit."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Sequence
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
    print_tickets(settings, [ticket], qr=qr)


def print_tickets(settings: PrinterSettings, tickets: Sequence[TicketPrint], *, qr: QrMode = "auto") -> None:
    """Print tickets in order (a printer's backlog) over one connection; see `send_all`."""
    if not tickets:
        return
    if settings.kind == "preview":
        _save_preview(settings, tickets[-1])
        return
    send_all(settings, [render_ticket_bytes(ticket, paper_mm=settings.paper_mm, qr=qr,
                                            profile=settings.profile or None, cut=settings.cutter)
                        for ticket in tickets])


def render_ticket_bytes(
    ticket: TicketPrint, paper_mm: int = 80, qr: QrMode = "auto", profile: str | None = None, cut: bool | None = None
) -> bytes:
    """The ESC/POS bytes of one ticket, without any printer (for tests, stored jobs and print agents)."""
    printer = Dummy(profile=profile or DEFAULT_PROFILES[paper_mm])
    render_ticket(printer, ticket, paper_mm=paper_mm, qr=qr, cut=cut)
    return printer.output


def send_bytes(settings: PrinterSettings, data: bytes) -> None:
    """Deliver one already rendered ticket; see `send_all`."""
    send_all(settings, [data])


def send_all(settings: PrinterSettings, tickets: Sequence[bytes]) -> None:
    """Deliver rendered tickets in order, each after checking that the printer has paper when it can say so.

    One connection carries them all (connecting costs more than a ticket's bytes), except through CUPS,
    where a connection is a print job and each ticket stays a job of its own. On a failure, PrintFailed's
    `printed` counts the tickets that went out before it.
    """
    per_connection = 1 if settings.kind == "cups" else max(len(tickets), 1)
    printed = 0
    for first in range(0, len(tickets), per_connection):
        try:
            printed += _send_over_one_connection(settings, tickets[first:first + per_connection])
        except PrintFailed as failure:
            failure.printed += printed
            raise


def _send_over_one_connection(settings: PrinterSettings, tickets: Sequence[bytes]) -> int:
    try:
        printer = open_printer(settings)
    except PrinterError as error:
        raise PrintFailed(error.message) from error
    written = 0  # tickets whose every byte the connection took

    def deliver() -> None:
        nonlocal written
        printer.open()
        try:
            for data in tickets:
                if settings.check_status_before_print:
                    status = read_status(printer, settings, min(STATUS_CHECK_SECONDS, settings.timeout))
                    if status.state in ("paper_out", "offline"):
                        raise PrintFailed(status.detail)
                printer._raw(data)
                if settings.kind != "cups":
                    written += 1
            close_printer(printer)  # CUPS submits the job on close, so its failure must reach the caller
            written = len(tickets)
        except BaseException:
            with contextlib.suppress(Exception):
                printer.close()
            raise

    try:
        call_with_deadline(deliver, allowed_seconds(settings, tickets), abort=lambda: interrupt(printer))
    except PrintFailed as failure:
        failure.printed = written
        raise
    except DeadlineExceeded as error:
        raise PrintFailed(failure_reason(settings, error), printed=written) from error
    except Exception as error:  # every failure becomes a reason the job records
        raise PrintFailed(failure_reason(settings, error), printed=written) from error
    return written


def allowed_seconds(settings: PrinterSettings, tickets: Sequence[bytes]) -> float:
    """A connection's time limit: the timeout, plus each ticket's status check and, on a slow serial line,
    its transfer time."""
    size = sum(len(data) for data in tickets)
    transfer = size * 10 / settings.baudrate if settings.kind == "serial" else 0.0
    checks = len(tickets) * STATUS_CHECK_SECONDS if settings.check_status_before_print else 0.0
    return settings.timeout + transfer + checks


def _save_preview(settings: PrinterSettings, ticket: TicketPrint) -> None:
    """A preview printer keeps the last ticket as a PNG at its device path (if it has one), for demos."""
    if not settings.device_path:
        return
    png = render_preview_png(ticket, paper_mm=settings.paper_mm, profile=settings.profile or None, cut=settings.cutter)
    try:
        Path(settings.device_path).write_bytes(png)
    except OSError as error:
        raise PrintFailed(f"preview printer could not write {settings.device_path}: {error.strerror}") from error

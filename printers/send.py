"""Print tickets on a configured printer: render, connect, check, send, close, within a time limit."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Sequence
from pathlib import Path

from escpos.escpos import Escpos
from escpos.printer import Dummy

from waitwell.printers.connections import PrinterSettings, open_printer
from waitwell.printers.deadline import DeadlineExceeded, call_with_deadline, interrupt
from waitwell.printers.errors import PrinterError, PrintFailed
from waitwell.printers.failures import failure_reason
from waitwell.printers.geometry import DEFAULT_PROFILES
from waitwell.printers.preview import render_preview_png
from waitwell.printers.render import QrMode, render_ticket
from waitwell.printers.status import PrinterStatus, close_printer, read_status, wait_until_taken
from waitwell.printers.ticket import TicketPrint

log = logging.getLogger(__name__)

STATUS_CHECK_SECONDS = 1.0  # a printer that answers does so in milliseconds; one that never does costs this much
# After a ticket, the printer answers once it has read the ticket's bytes: a slow serial line or a printer
# with a small buffer that is still busy with the ticket before takes longer than a bare status request.
CONFIRM_SECONDS = 3.0


def print_ticket(settings: PrinterSettings, ticket: TicketPrint, *, qr: QrMode = "auto") -> PrinterStatus | None:
    """Print one ticket or raise PrintFailed with the reason; never takes much longer than the settings allow."""
    return print_tickets(settings, [ticket], qr=qr)


def print_tickets(settings: PrinterSettings, tickets: Sequence[TicketPrint], *, qr: QrMode = "auto",
                  on_printed: Callable[[int], None] | None = None) -> PrinterStatus | None:
    """Print tickets in order (a printer's backlog) over one connection; see `send_all`."""
    if not tickets:
        return None
    if settings.kind == "preview":
        _save_preview(settings, tickets[-1])
        for index in range(len(tickets)):
            if on_printed is not None:
                on_printed(index)
        return None
    return send_all(settings, [render_ticket_bytes(ticket, paper_mm=settings.paper_mm, qr=qr,
                                                   profile=settings.profile or None, cut=settings.cutter)
                               for ticket in tickets], on_printed=on_printed)


def render_ticket_bytes(
    ticket: TicketPrint, paper_mm: int = 80, qr: QrMode = "auto", profile: str | None = None, cut: bool | None = None
) -> bytes:
    """The ESC/POS bytes of one ticket, without any printer (for tests, stored jobs and print agents)."""
    printer = Dummy(profile=profile or DEFAULT_PROFILES[paper_mm])
    render_ticket(printer, ticket, paper_mm=paper_mm, qr=qr, cut=cut)
    return printer.output


def send_bytes(settings: PrinterSettings, data: bytes) -> PrinterStatus | None:
    """Deliver one already rendered ticket; see `send_all`."""
    return send_all(settings, [data])


def send_all(settings: PrinterSettings, tickets: Sequence[bytes], *,
             on_printed: Callable[[int], None] | None = None) -> PrinterStatus | None:
    """Deliver rendered tickets in order; a ticket counts as printed only once the printer confirmed it.

    A printer that answers status requests confirms a ticket by answering one sent after the ticket's
    bytes: it reads its input in order, so the answer means it took every byte before it. It must answer
    before the first ticket too, or it gets nothing (a hung printer would only pile up copies). A printer
    set up as one that never answers (`check_status_before_print` off) confirms by taking every byte:
    a network printer's TCP stack acknowledged them all, a serial line drained. CUPS and device files
    cannot confirm anything: handing the job over is all there is.

    `on_printed(i)` runs as soon as ticket i is confirmed, before the next one is sent, so a crash
    never leaves a confirmed ticket unrecorded for longer than that call. One connection carries all the
    tickets (connecting costs more than a ticket's bytes), except through CUPS, where a connection is a
    print job and each ticket stays a job of its own. On a failure, PrintFailed's `printed` counts the
    confirmed tickets, and `uncertain` says whether the next one may have come out anyway.
    Returns the printer's last answer to a status request, if it gave one.
    """
    per_connection = 1 if settings.kind == "cups" else max(len(tickets), 1)
    printed = 0
    last_status: PrinterStatus | None = None
    for first in range(0, len(tickets), per_connection):
        def confirmed(index: int, offset: int = first) -> None:
            if on_printed is not None:
                on_printed(offset + index)
        try:
            status = _send_over_one_connection(settings, tickets[first:first + per_connection], confirmed)
        except PrintFailed as failure:
            failure.printed += printed
            raise
        printed += len(tickets[first:first + per_connection])
        last_status = status or last_status
    return last_status


def _send_over_one_connection(settings: PrinterSettings, tickets: Sequence[bytes],
                              on_printed: Callable[[int], None]) -> PrinterStatus | None:
    try:
        printer = open_printer(settings)
    except PrinterError as error:
        raise PrintFailed(error.message) from error
    confirmed = 0  # tickets the printer confirmed
    sending = False  # a ticket's bytes are on their way: from here on it may come out
    last_status: PrinterStatus | None = None

    def deliver() -> None:
        nonlocal confirmed, sending, last_status
        printer.open()
        try:
            if settings.check_status_before_print and settings.kind != "file":
                last_status = _ready_to_print(printer, settings)
            for index, data in enumerate(tickets):
                sending = True
                printer._raw(data)
                if settings.kind == "cups":
                    close_printer(printer)  # CUPS submits the job on close, so its failure must reach the caller
                else:
                    last_status = _confirm(printer, settings) or last_status
                sending = False
                confirmed += 1
                on_printed(index)
            if settings.kind != "cups":
                close_printer(printer)
        except BaseException:
            with contextlib.suppress(Exception):
                printer.close()
            raise

    try:
        call_with_deadline(deliver, allowed_seconds(settings, tickets), abort=lambda: interrupt(printer))
    except PrintFailed as failure:
        failure.printed, failure.uncertain = confirmed, failure.uncertain or sending
        raise
    except DeadlineExceeded as error:
        raise PrintFailed(_unconfirmed(settings, failure_reason(settings, error), sending),
                          printed=confirmed, uncertain=sending) from error
    except Exception as error:  # every failure becomes a reason the job records
        raise PrintFailed(_unconfirmed(settings, failure_reason(settings, error), sending),
                          printed=confirmed, uncertain=sending) from error
    return last_status


def _ready_to_print(printer: Escpos, settings: PrinterSettings) -> PrinterStatus:
    """The printer's answer before a ticket is sent; no answer or one that says it cannot print stops here."""
    status = read_status(printer, settings, min(STATUS_CHECK_SECONDS, settings.timeout))
    if not status.can_print:
        raise PrintFailed(status.detail)
    return status


def _confirm(printer: Escpos, settings: PrinterSettings) -> PrinterStatus | None:
    """Return once the printer confirmed the ticket just sent, else raise PrintFailed (uncertain)."""
    if settings.check_status_before_print and settings.kind != "file":
        status = read_status(printer, settings, min(CONFIRM_SECONDS, settings.timeout))
        if status.state == "unknown":
            raise PrintFailed(f"{settings.describe()} did not confirm the ticket: {status.detail}", uncertain=True)
        if not status.can_print:
            raise PrintFailed(f"{status.detail}; the ticket may not have come out", uncertain=True)
        return status
    wait_until_taken(printer, settings)
    return None


def _unconfirmed(settings: PrinterSettings, reason: str, sending: bool) -> str:
    return f"{reason}; the ticket being sent may have come out in part" if sending else reason


def allowed_seconds(settings: PrinterSettings, tickets: Sequence[bytes]) -> float:
    """A connection's time limit: the timeout, plus each ticket's status check and, on a slow serial line,
    its transfer time."""
    size = sum(len(data) for data in tickets)
    transfer = size * 10 / settings.baudrate if settings.kind == "serial" else 0.0
    checks = STATUS_CHECK_SECONDS + len(tickets) * CONFIRM_SECONDS if settings.check_status_before_print else 0.0
    return settings.timeout + transfer + checks


def _save_preview(settings: PrinterSettings, ticket: TicketPrint) -> None:
    """A preview printer keeps the last ticket as a PNG at its device path (if it has one), for demos; a server
    keeps it in its preview folder."""
    if not settings.device_path:
        return
    target = Path(settings.device_path)
    if settings.allowlist is not None:  # a server's: only into its preview folder, checked again now
        problem = settings.allowlist.preview_problem(settings.device_path)
        if problem:
            raise PrintFailed(problem)
        target = settings.allowlist.preview_path(settings.device_path)
    png = render_preview_png(ticket, paper_mm=settings.paper_mm, profile=settings.profile or None, cut=settings.cutter)
    try:
        target.write_bytes(png)
    except OSError as error:
        raise PrintFailed(f"preview printer could not write {settings.device_path}: {error.strerror}") from error

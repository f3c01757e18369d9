"""The print worker's and agent's only door to waitwell.printers: render a job, send it, ask a printer's status."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from waitwell.persistence.devices import PrintDelivery, PrinterStatus
from waitwell.printers.connections import PrinterSettings
from waitwell.printers.render import QrMode
from waitwell.printers.send import print_tickets, render_ticket_bytes, send_bytes
from waitwell.printers.status import poll_status
from waitwell.printing.paper import ticket_print
from waitwell.services.printers import PrinterView
from waitwell.web_common.printer_allowlist import printer_allowlist

STATUS_TIMEOUT_SECONDS = 2.0


def printer_settings(printer: PrinterView) -> PrinterSettings:
    """The printer library's settings from the stored printer (its connection fields plus paper and profile),
    under this server's allowlist when the server reaches it (a print agent's printer is only rendered for)."""
    allowlist = printer_allowlist() if printer.delivery == PrintDelivery.SERVER else None
    return PrinterSettings.from_mapping({**printer.settings, "kind": printer.connection,
                                         "paper_mm": printer.paper_width_mm, "profile": printer.profile},
                                        allowlist=allowlist)


def render_job(printer: PrinterView, content: Mapping[str, Any]) -> bytes:
    """The job's ticket as the ESC/POS bytes this printer needs (paper width, profile, QR mode)."""
    settings = printer_settings(printer)
    return render_ticket_bytes(ticket_print(content), paper_mm=settings.paper_mm, qr=_qr(printer.qr_mode),
                               profile=settings.profile or None, cut=settings.cutter)


def send_job(printer: PrinterView, content: Mapping[str, Any]) -> tuple[PrinterStatus, str] | None:
    """Render and print one ticket; raises PrintFailed with a reason in plain words."""
    return send_jobs(printer, [content])


def send_jobs(printer: PrinterView, contents: Sequence[Mapping[str, Any]],
              on_printed: Callable[[int], None] | None = None) -> tuple[PrinterStatus, str] | None:
    """Render and print tickets in order, calling `on_printed(i)` as the printer confirms each; PrintFailed says
    why, how many were confirmed before it and whether the next may have come out. Returns the printer's last
    answer to a status request, if it gave one."""
    status = print_tickets(printer_settings(printer), [ticket_print(content) for content in contents],
                           qr=_qr(printer.qr_mode), on_printed=on_printed)
    return (PrinterStatus(status.state), status.detail) if status is not None else None


def write_bytes(settings: PrinterSettings, data: bytes) -> None:
    """Write bytes rendered by the server to a local printer (the print agent); raises PrintFailed."""
    send_bytes(settings, data)


def read_status(printer: PrinterView, timeout: float = STATUS_TIMEOUT_SECONDS) -> tuple[PrinterStatus, str]:
    """Ask the printer how it is; silence within `timeout` is "unknown", never "fine"."""
    status = poll_status(printer_settings(printer), timeout)
    return PrinterStatus(status.state), status.detail


def _qr(mode: str) -> QrMode:
    return mode if mode in ("native", "image") else "auto"  # type: ignore[return-value]

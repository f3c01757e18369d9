"""Ticket printers of an office: registering them and recording what they say about themselves."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from waitwell.domain import events
from waitwell.domain.errors import InvalidInput, NotFound
from waitwell.persistence import Printer
from waitwell.persistence.devices import PrintDelivery, PrinterStatus
from waitwell.printers.allowlist import PrinterAllowlist
from waitwell.printers.connections import CONNECTION_KINDS, PrinterSettings
from waitwell.services.lookups import get_office
from waitwell.services.unit_of_work import UnitOfWork

CONNECTIONS = CONNECTION_KINDS
PAPER_WIDTHS_MM = (58, 80)
QR_MODES = ("auto", "native", "image")


@dataclass(frozen=True)
class PrinterView:
    id: int
    office_id: int
    name: str
    connection: str
    settings: Mapping[str, Any]
    paper_width_mm: int
    profile: str
    qr_mode: str
    delivery: PrintDelivery
    status: PrinterStatus
    status_detail: str
    status_checked_at: datetime | None

    @classmethod
    def of(cls, printer: Printer) -> PrinterView:
        return cls(printer.id, printer.office_id, printer.name, printer.connection, dict(printer.settings),
                   printer.paper_width_mm, printer.profile, printer.qr_mode, printer.delivery, printer.status,
                   printer.status_detail, printer.status_checked_at)


def add_printer(
    uow: UnitOfWork,
    *,
    office_id: int,
    name: str,
    connection: str,
    settings: Mapping[str, Any] | None = None,
    paper_width_mm: int = 80,
    profile: str = "",
    qr_mode: str = "auto",
    delivery: PrintDelivery | str = PrintDelivery.SERVER,
    allowlist: PrinterAllowlist | None = None,
) -> PrinterView:
    """Register a printer; `connection` and `settings` say how waitwell.printers reaches it. A printer the server
    reaches must stay within the server's allowlist (the defaults when none is given)."""
    name = (name or "").strip()
    if not name:
        raise InvalidInput("a printer needs a name that staff recognise, such as 'Kiosk 1 printer'")
    if connection not in CONNECTIONS:
        raise InvalidInput(f"unknown printer connection {connection!r}; use one of {', '.join(CONNECTIONS)}")
    if paper_width_mm not in PAPER_WIDTHS_MM:
        raise InvalidInput("paper width must be 58 or 80 mm")
    if qr_mode not in QR_MODES:
        raise InvalidInput("QR mode must be 'auto', 'native' (the printer draws it) or 'image'")
    try:
        delivery = PrintDelivery(delivery)
    except ValueError:
        raise InvalidInput("delivery must be 'server' or 'agent'") from None
    check_settings(connection, settings or {}, paper_width_mm, profile, delivery, allowlist)
    with uow:
        get_office(uow.session, office_id)
        if uow.session.scalar(select(Printer.id).where(Printer.office_id == office_id, Printer.name == name)):
            raise InvalidInput(f"this office already has a printer named {name!r}")
        printer = Printer(office_id=office_id, name=name, connection=connection, settings=dict(settings or {}),
                          paper_width_mm=paper_width_mm, profile=profile, qr_mode=qr_mode, delivery=delivery,
                          status=PrinterStatus.UNKNOWN, status_detail="not checked yet")
        uow.session.add(printer)
        uow.session.flush()
        view = PrinterView.of(printer)
        uow.commit()
        return view


def check_settings(connection: str, settings: Mapping[str, Any], paper_width_mm: int, profile: str,
                   delivery: PrintDelivery, allowlist: PrinterAllowlist | None) -> None:
    """Raise InvalidPrinterSettings listing every problem. The allowlist limits what this server opens, so it
    applies to the printers the server reaches; a print agent reaches its own printer from its kiosk PC."""
    limits = (allowlist or PrinterAllowlist()) if delivery == PrintDelivery.SERVER else None
    PrinterSettings.from_mapping({**settings, "kind": connection, "paper_mm": paper_width_mm, "profile": profile},
                                 allowlist=limits)


def get_printer(uow: UnitOfWork, printer_id: int) -> PrinterView:
    with uow:
        return PrinterView.of(_printer(uow, printer_id))


def printers_of(uow: UnitOfWork, *, office_id: int | None = None, delivery: PrintDelivery | None = None
                ) -> list[PrinterView]:
    """Printers of an office (or all), optionally only those the server itself sends to."""
    with uow:
        query = select(Printer).order_by(Printer.id)
        if office_id is not None:
            query = query.where(Printer.office_id == office_id)
        if delivery is not None:
            query = query.where(Printer.delivery == delivery)
        return [PrinterView.of(p) for p in uow.session.scalars(query)]


def record_printer_status(uow: UnitOfWork, *, printer_id: int, status: PrinterStatus, detail: str = "") -> bool:
    """Store what the printer said (or that it was silent); a change raises PrinterStatusChanged for alerts."""
    with uow:
        printer = _printer(uow, printer_id)
        now = uow.clock.now()
        previous = printer.status
        printer.status_checked_at = now
        printer.status_detail = detail[:240]
        changed = previous != status
        if changed:
            printer.status = status
            uow.record(events.PrinterStatusChanged(
                office_id=printer.office_id, occurred_at=now, printer_id=printer.id, printer_name=printer.name,
                status=status.value, previous_status=previous.value, detail=printer.status_detail,
            ))
        uow.commit()
        return changed


def _printer(uow: UnitOfWork, printer_id: int) -> Printer:
    printer = uow.session.get(Printer, printer_id)
    if printer is None:
        raise NotFound(f"there is no printer {printer_id}")
    return printer

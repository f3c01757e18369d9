"""Administration of kiosks, displays and printers (registered by services/kiosks, displays and printers)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import func, select

from waitwell.domain import events
from waitwell.domain.errors import Conflict, InvalidInput, NotFound
from waitwell.persistence import Kiosk, Printer, PrintJob, Service
from waitwell.persistence.devices import PENDING_JOB_STATES, PrintDelivery
from waitwell.printers.allowlist import PrinterAllowlist
from waitwell.services.office_setup import Removal
from waitwell.services.printers import CONNECTIONS, PAPER_WIDTHS_MM, QR_MODES, check_settings
from waitwell.services.unit_of_work import UnitOfWork

LANGUAGES_ON_KIOSKS = 8  # the longest language tag the kiosk table keeps


def update_kiosk(
    uow: UnitOfWork, *, kiosk_id: int, name: str, service_ids: Iterable[int], printer_id: int | None,
    language: str, active: bool,
) -> None:
    """Change what a kiosk offers, which printer it uses and its default language."""
    name = (name or "").strip()
    if not name or len(name) > 60:
        raise InvalidInput("a kiosk needs a name of 1 to 60 characters, such as 'Entrance left'")
    wanted = set(service_ids)
    if not wanted:
        raise InvalidInput("a kiosk needs at least one service to offer")
    if not language or len(language) > LANGUAGES_ON_KIOSKS:
        raise InvalidInput("pick the kiosk's language")
    with uow:
        kiosk = _kiosk(uow, kiosk_id)
        services = uow.session.scalars(select(Service).where(Service.id.in_(wanted))).all()
        usable = {s.id for s in services if s.office_id == kiosk.office_id and s.archived_at is None}
        if missing := sorted(wanted - usable):
            raise InvalidInput(f"this office has no service {', '.join(map(str, missing))}")
        printer = uow.session.get(Printer, printer_id) if printer_id is not None else None
        if printer_id is not None and (printer is None or printer.office_id != kiosk.office_id):
            raise InvalidInput(f"this office has no printer {printer_id}")
        if uow.session.scalar(select(Kiosk.id).where(Kiosk.office_id == kiosk.office_id, Kiosk.name == name,
                                                     Kiosk.id != kiosk_id)):
            raise InvalidInput(f"this office already has a kiosk named {name!r}")
        kiosk.name, kiosk.services, kiosk.printer, kiosk.language, kiosk.active = (
            name, list(services), printer, language, active)
        uow.commit()


def remove_kiosk(uow: UnitOfWork, *, kiosk_id: int) -> Removal:
    """Delete a kiosk that never printed; one with print history is switched off instead."""
    with uow:
        kiosk = _kiosk(uow, kiosk_id)
        printed = uow.session.scalar(select(func.count()).select_from(PrintJob).where(PrintJob.kiosk_id == kiosk_id))
        if printed:
            kiosk.active = False
            outcome = "archived"
        else:
            uow.session.delete(kiosk)
            outcome = "deleted"
        uow.commit()
        return Removal(outcome, kiosk.name)


def remove_display(uow: UnitOfWork, *, display_id: int) -> Removal:
    """Delete a display (no ticket refers to a screen); the TV then shows that it is not registered."""
    from waitwell.persistence import Display

    with uow:
        display = uow.session.get(Display, display_id)
        if display is None:
            raise NotFound(f"there is no display {display_id}")
        uow.session.delete(display)
        uow.commit()
        return Removal("deleted", display.name)


def update_printer(
    uow: UnitOfWork, *, printer_id: int, name: str, connection: str, settings: Mapping[str, Any],
    paper_width_mm: int, profile: str, qr_mode: str, delivery: str, allowlist: PrinterAllowlist | None = None,
) -> None:
    """Change how a printer is reached and what it is; the settings are checked like at registration (within the
    server's allowlist when the server reaches it). A new delivery hands the printer, with its pending jobs, to its
    new owner (PrinterDeliveryChanged)."""
    name = (name or "").strip()
    if not name or len(name) > 60:
        raise InvalidInput("a printer needs a name of 1 to 60 characters, such as 'Kiosk 1 printer'")
    if connection not in CONNECTIONS:
        raise InvalidInput(f"unknown printer connection {connection!r}; use one of {', '.join(CONNECTIONS)}")
    if paper_width_mm not in PAPER_WIDTHS_MM:
        raise InvalidInput("paper width must be 58 or 80 mm")
    if qr_mode not in QR_MODES:
        raise InvalidInput("QR mode must be 'auto', 'native' (the printer draws it) or 'image'")
    try:
        chosen_delivery = PrintDelivery(delivery)
    except ValueError:
        raise InvalidInput("delivery must be 'server' or 'agent'") from None
    check_settings(connection, settings, paper_width_mm, profile, chosen_delivery, allowlist)
    with uow:
        printer = _printer(uow, printer_id)
        if uow.session.scalar(select(Printer.id).where(Printer.office_id == printer.office_id, Printer.name == name,
                                                       Printer.id != printer_id)):
            raise InvalidInput(f"this office already has a printer named {name!r}")
        printer.name, printer.connection, printer.settings = name, connection, dict(settings)
        printer.paper_width_mm, printer.profile, printer.qr_mode = paper_width_mm, profile, qr_mode
        if printer.delivery != chosen_delivery:
            printer.delivery = chosen_delivery
            uow.record(events.PrinterDeliveryChanged(office_id=printer.office_id, occurred_at=uow.clock.now(),
                                                     printer_id=printer.id, printer_name=printer.name,
                                                     delivery=chosen_delivery.value))
        uow.commit()


def remove_printer(uow: UnitOfWork, *, printer_id: int) -> Removal:
    """Delete a printer no kiosk uses and with nothing left to print; refused otherwise."""
    with uow:
        printer = _printer(uow, printer_id)
        kiosks = uow.session.scalars(select(Kiosk.name).where(Kiosk.printer_id == printer_id)).all()
        if kiosks:
            raise Conflict(f"{printer.name} is the printer of {', '.join(kiosks)}: give them another printer first")
        pending = uow.session.scalar(select(func.count()).select_from(PrintJob).where(
            PrintJob.printer_id == printer_id, PrintJob.state.in_(PENDING_JOB_STATES)))
        if pending:
            raise Conflict(f"{printer.name} still has {pending} ticket(s) to print")
        uow.session.delete(printer)
        uow.commit()
        return Removal("deleted", printer.name)


def _kiosk(uow: UnitOfWork, kiosk_id: int) -> Kiosk:
    kiosk = uow.session.get(Kiosk, kiosk_id)
    if kiosk is None:
        raise NotFound(f"there is no kiosk {kiosk_id}")
    return kiosk


def _printer(uow: UnitOfWork, printer_id: int) -> Printer:
    printer = uow.session.get(Printer, printer_id)
    if printer is None:
        raise NotFound(f"there is no printer {printer_id}")
    return printer

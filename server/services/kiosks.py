"""Kiosks: registering a touchscreen and what its start screen shows (taps: `kiosk_taps`)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from waitwell.domain.errors import InvalidInput, NotFound
from waitwell.domain.states import TicketState
from waitwell.estimates.estimate import WaitEstimate
from waitwell.persistence import Kiosk, Printer, Service, Ticket
from waitwell.persistence.devices import PrinterStatus
from waitwell.services.lookups import get_office
from waitwell.services.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class KioskView:
    id: int
    office_id: int
    office_name: str
    office_timezone: str
    name: str
    language: str
    printer_id: int | None
    service_ids: tuple[int, ...]
    idle_reset_seconds: int
    result_seconds: int
    active: bool

    @classmethod
    def of(cls, kiosk: Kiosk) -> KioskView:
        return cls(kiosk.id, kiosk.office_id, kiosk.office.name, kiosk.office.timezone, kiosk.name, kiosk.language,
                   kiosk.printer_id, tuple(s.id for s in kiosk.services), kiosk.idle_reset_seconds,
                   kiosk.result_seconds, kiosk.active)


@dataclass(frozen=True)
class ServiceButton:
    """One button of the start screen."""

    service_id: int
    name: str
    description: str
    people_waiting: int
    estimate: WaitEstimate | None
    active: bool
    names: dict[str, str]  # the public name by language tag, where the office gave one (admin, service page)


@dataclass(frozen=True)
class KioskBoard:
    """The start screen: the kiosk's services right now and whether its printer works."""

    kiosk: KioskView
    buttons: tuple[ServiceButton, ...]
    printer_status: PrinterStatus | None  # None: the kiosk has no printer


def register_kiosk(
    uow: UnitOfWork,
    *,
    office_id: int,
    name: str,
    service_ids: Sequence[int],
    printer_id: int | None = None,
    language: str = "en",
    idle_reset_seconds: int = 45,
    result_seconds: int = 10,
) -> KioskView:
    """Register a touchscreen for some of an office's services, with its printer and default language."""
    name = (name or "").strip()
    if not name:
        raise InvalidInput("a kiosk needs a name that staff recognise, such as 'Entrance left'")
    if not service_ids:
        raise InvalidInput("a kiosk needs at least one service to offer")
    if idle_reset_seconds < 5 or result_seconds < 2:
        raise InvalidInput("idle reset needs at least 5 seconds and the result at least 2 seconds on screen")
    with uow:
        get_office(uow.session, office_id)
        services = uow.session.scalars(select(Service).where(Service.id.in_(set(service_ids)))).all()
        if missing := sorted(set(service_ids) - {s.id for s in services if s.office_id == office_id}):
            raise InvalidInput(f"this office has no service {', '.join(map(str, missing))}")
        printer = uow.session.get(Printer, printer_id) if printer_id is not None else None
        if printer_id is not None and (printer is None or printer.office_id != office_id):
            raise InvalidInput(f"this office has no printer {printer_id}")
        if uow.session.scalar(select(Kiosk.id).where(Kiosk.office_id == office_id, Kiosk.name == name)):
            raise InvalidInput(f"this office already has a kiosk named {name!r}")
        kiosk = Kiosk(office_id=office_id, name=name, language=language, printer=printer, services=list(services),
                      idle_reset_seconds=idle_reset_seconds, result_seconds=result_seconds, active=True)
        uow.session.add(kiosk)
        uow.session.flush()
        view = KioskView.of(kiosk)
        uow.commit()
        return view


def get_kiosk(uow: UnitOfWork, kiosk_id: int) -> KioskView:
    with uow:
        return KioskView.of(_kiosk(uow.session, kiosk_id))


def kiosk_board(uow: UnitOfWork, kiosk_id: int,
                estimates: Callable[[int, int], Mapping[int, WaitEstimate | None]]) -> KioskBoard:
    """The kiosk's services with people waiting now and the wait of a ticket taken now, as `estimates(service_id,
    office_id)` gives it for the office's services (none when not known yet)."""
    with uow:
        kiosk = _kiosk(uow.session, kiosk_id)
        view = KioskView.of(kiosk)
        waiting = dict(uow.session.execute(
            select(Ticket.service_id, func.count())
            .where(Ticket.office_id == kiosk.office_id, Ticket.state == TicketState.WAITING)
            .group_by(Ticket.service_id)
        ).all())
        services = [(s.id, s.name, s.description, s.active, dict(s.names or {})) for s in kiosk.services]
        printer_status = _printer_status(kiosk)
    waits = estimates(services[0][0], view.office_id) if services else {}
    buttons = tuple(
        ServiceButton(service_id, name, description, int(waiting.get(service_id, 0)),
                      waits.get(service_id) if active else None, active, names)
        for service_id, name, description, active, names in services
    )
    return KioskBoard(view, buttons, printer_status)


def office_of_service(uow: UnitOfWork, service_id: int) -> int | None:
    with uow:
        return uow.session.scalar(select(Service.office_id).where(Service.id == service_id))


def _printer_status(kiosk: Kiosk) -> PrinterStatus | None:
    return kiosk.printer.status if kiosk.printer is not None else None


def _kiosk(session: Session, kiosk_id: int) -> Kiosk:
    kiosk = session.get(Kiosk, kiosk_id, options=[selectinload(Kiosk.services), selectinload(Kiosk.printer)])
    if kiosk is None:
        raise NotFound(f"there is no kiosk {kiosk_id}")
    return kiosk

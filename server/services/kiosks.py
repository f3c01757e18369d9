"""Kiosks: registering a touchscreen, what its start screen shows, and issuing a ticket from a tap exactly once."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, selectinload

from waitwell.domain.errors import Conflict, InvalidInput, NotFound
from waitwell.domain.states import TicketState
from waitwell.estimates.estimate import WaitEstimate
from waitwell.estimates.estimator import default_predictor, estimate_new_ticket
from waitwell.persistence import IdempotencyKey, Kiosk, Printer, PrintJob, Service, Ticket
from waitwell.persistence.devices import PrinterStatus
from waitwell.services.estimates import office_snapshot
from waitwell.services.lookups import get_office, get_ticket, people_ahead_by_ticket
from waitwell.services.metrics.stored_estimates import issue_estimate_row
from waitwell.services.print_jobs import PrintJobView, add_print_job
from waitwell.services.results import TicketView
from waitwell.services.tickets import add_ticket
from waitwell.services.unit_of_work import UnitOfWork

KEY_PATTERN = re.compile(r"^[A-Za-z0-9_-]{8,64}$")


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


@dataclass(frozen=True)
class KioskBoard:
    """The start screen: the kiosk's services right now and whether its printer works."""

    kiosk: KioskView
    buttons: tuple[ServiceButton, ...]
    printer_status: PrinterStatus | None  # None: the kiosk has no printer


@dataclass(frozen=True)
class KioskTicket:
    """What a tap produced; `replayed` when the same key came again (a retry) and got the same ticket."""

    ticket: TicketView
    print_job: PrintJobView | None
    replayed: bool
    printer_status: PrinterStatus | None = None  # as last seen; None when the kiosk has no printer


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


def kiosk_board(uow: UnitOfWork, kiosk_id: int) -> KioskBoard:
    """The kiosk's services with people waiting now and the wait of a ticket taken now."""
    with uow:
        kiosk = _kiosk(uow.session, kiosk_id)
        view = KioskView.of(kiosk)
        waiting = dict(uow.session.execute(
            select(Ticket.service_id, func.count())
            .where(Ticket.office_id == kiosk.office_id, Ticket.state == TicketState.WAITING)
            .group_by(Ticket.service_id)
        ).all())
        services = [(s.id, s.name, s.description, s.active) for s in kiosk.services]
        printer_status = _printer_status(kiosk)
    snapshot = office_snapshot(uow, view.office_id)
    buttons = tuple(
        ServiceButton(service_id, name, description, int(waiting.get(service_id, 0)),
                      estimate_new_ticket(snapshot, service_id) if active else None, active)
        for service_id, name, description, active in services
    )
    return KioskBoard(view, buttons, printer_status)


def issue_from_kiosk(
    uow: UnitOfWork,
    *,
    kiosk_id: int,
    service_id: int,
    idempotency_key: str,
    public_base_url: str,
    language: str | None = None,
    estimate: WaitEstimate | None = None,
) -> KioskTicket:
    """Issue a ticket for a tap; the same key always returns the same ticket, and its print job is stored with it.

    `estimate` is the wait the kiosk shows and prints; it is kept as the ticket's estimate at issue, so
    accuracy is scored against the figure the visitor was given (and nothing recomputes it later).
    """
    if not KEY_PATTERN.match(idempotency_key or ""):
        raise InvalidInput("the tap needs an idempotency key of 8 to 64 letters, digits, '-' or '_'")
    scope = f"kiosk:{kiosk_id}"
    with uow:
        kiosk = _kiosk(uow.session, kiosk_id)
        if not kiosk.active:
            raise Conflict("this kiosk is switched off; please use another one or ask at the desk")
        if service_id not in {s.id for s in kiosk.services}:
            raise NotFound(f"this kiosk does not issue tickets for service {service_id}")
        if not _claim_key(uow.session, scope, idempotency_key, service_id, uow.clock.now()):
            return _replay(uow, kiosk, scope, idempotency_key, service_id)
        ticket = add_ticket(uow, service_id=service_id, origin="kiosk")
        uow.session.execute(update(IdempotencyKey).where(IdempotencyKey.scope == scope,
                                                         IdempotencyKey.key == idempotency_key)
                            .values(ticket_id=ticket.id))
        if estimate is not None:
            uow.session.add(issue_estimate_row(ticket.id, kiosk.office_id, service_id, ticket.issued_at, estimate,
                                               default_predictor().name))
        job = None
        if kiosk.printer is not None:
            content = print_content(kiosk, ticket, public_base_url, language or kiosk.language, estimate)
            job = add_print_job(uow, ticket=ticket, kiosk=kiosk, printer=kiosk.printer, content=content)
        result = KioskTicket(ticket, job, replayed=False, printer_status=_printer_status(kiosk))
        uow.commit()
        return result


def forget_old_tap_keys(uow: UnitOfWork, *, older_than: timedelta = timedelta(days=1)) -> int:
    """Drop idempotency keys no page can still be retrying (a tap is retried for two minutes at most)."""
    with uow:
        cutoff = uow.clock.now() - older_than
        result = uow.session.execute(delete(IdempotencyKey).where(IdempotencyKey.created_at < cutoff))
        uow.commit()
        return int(result.rowcount or 0)  # type: ignore[attr-defined]


def status_url(public_base_url: str, token: str) -> str:
    """The absolute address on the paper's QR code and the kiosk's screen."""
    return f"{public_base_url.rstrip('/')}/t/{token}"


def print_content(kiosk: Kiosk, ticket: TicketView, public_base_url: str, language: str,
                  estimate: WaitEstimate | None) -> dict[str, object]:
    """What the paper says, frozen at issue time so the paper matches the screen even if printed later."""
    return {
        "office_name": kiosk.office.name,
        "service_name": ticket.service_name,
        "number": ticket.number,
        "issued_at": ticket.issued_at.isoformat(),
        "timezone": kiosk.office.timezone,
        "people_ahead": ticket.people_ahead or 0,
        "wait": None if estimate is None else {
            "expected": estimate.expected_minutes, "low": estimate.low_minutes, "high": estimate.high_minutes},
        "status_url": status_url(public_base_url, ticket.token),
        "language": language,
    }


def _claim_key(session: Session, scope: str, key: str, service_id: int, now: datetime) -> bool:
    """Insert the key first: a concurrent retry waits on it (PostgreSQL) or on the write lock (SQLite)."""
    insert = postgresql_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    statement = (
        insert(IdempotencyKey)
        .values(scope=scope, key=key, service_id=service_id, created_at=now)
        .on_conflict_do_nothing(index_elements=[IdempotencyKey.scope, IdempotencyKey.key])
        .returning(IdempotencyKey.key)
    )
    return session.execute(statement).scalar_one_or_none() is not None


def _replay(uow: UnitOfWork, kiosk: Kiosk, scope: str, key: str, service_id: int) -> KioskTicket:
    """The ticket an earlier request with this key issued, as it is now."""
    claimed = uow.session.scalar(
        select(IdempotencyKey).where(IdempotencyKey.scope == scope, IdempotencyKey.key == key)
        .execution_options(populate_existing=True)
    )
    if claimed is None or claimed.ticket_id is None:
        raise Conflict("this tap is still being handled; try again in a moment")
    if claimed.service_id != service_id:
        raise Conflict("this tap's key was already used for another service")
    ticket = get_ticket(uow.session, claimed.ticket_id)
    ahead = None
    if ticket.state == TicketState.WAITING:
        ahead = people_ahead_by_ticket(uow.session, ticket.office, uow.clock.now()).get(ticket.id, 0)
    job = uow.session.scalar(select(PrintJob).where(PrintJob.ticket_id == ticket.id).order_by(PrintJob.id.desc()))
    return KioskTicket(TicketView.of(ticket, people_ahead=ahead), PrintJobView.of(job) if job else None,
                       replayed=True, printer_status=_printer_status(kiosk))


def _printer_status(kiosk: Kiosk) -> PrinterStatus | None:
    return kiosk.printer.status if kiosk.printer is not None else None


def _kiosk(session: Session, kiosk_id: int) -> Kiosk:
    kiosk = session.get(Kiosk, kiosk_id, options=[selectinload(Kiosk.services), selectinload(Kiosk.printer)])
    if kiosk is None:
        raise NotFound(f"there is no kiosk {kiosk_id}")
    return kiosk

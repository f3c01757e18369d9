"""What the administration pages list and edit: plain rows, read in one transaction each."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from waitwell.domain.recalls import RecallRules
from waitwell.domain.states import CounterState, TicketState
from waitwell.persistence import Counter, CounterSession, Kiosk, Office, Service, Ticket
from waitwell.services.lookups import get_office
from waitwell.services.recall_rules import office_rules
from waitwell.services.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class OfficeDetail:
    id: int
    name: str
    public_name: str
    timezone: str
    opening_hours: Mapping[str, list[list[str]]]
    refuse_tickets_when_closed: bool
    rules: RecallRules


@dataclass(frozen=True)
class ServiceRow:
    id: int
    name: str
    prefix: str
    description: str
    target_wait_minutes: int
    priority_weight: float
    active: bool
    colour: str
    names: Mapping[str, str]
    archived_at: datetime | None
    waiting: int
    counters: tuple[str, ...]


@dataclass(frozen=True)
class CounterRow:
    id: int
    name: str
    state: CounterState
    service_ids: tuple[int, ...]
    service_names: tuple[str, ...]
    clerk: str | None
    archived_at: datetime | None


@dataclass(frozen=True)
class KioskRow:
    id: int
    name: str
    language: str
    active: bool
    printer_id: int | None
    printer_name: str | None
    service_ids: tuple[int, ...]
    service_names: tuple[str, ...]


def office_detail(uow: UnitOfWork, *, office_id: int) -> OfficeDetail:
    with uow:
        office = get_office(uow.session, office_id)
        return OfficeDetail(office.id, office.name, office.public_name, office.timezone, dict(office.opening_hours),
                            office.refuse_tickets_when_closed, office_rules(office))


def all_offices(uow: UnitOfWork) -> list[OfficeDetail]:
    with uow:
        return [OfficeDetail(o.id, o.name, o.public_name, o.timezone, dict(o.opening_hours),
                             o.refuse_tickets_when_closed, office_rules(o))
                for o in uow.session.scalars(select(Office).order_by(Office.name))]


def services_of(uow: UnitOfWork, *, office_id: int, archived: bool = False) -> list[ServiceRow]:
    """An office's services (archived ones only when asked), with their waiting count and counters."""
    with uow:
        get_office(uow.session, office_id)
        query = select(Service).where(Service.office_id == office_id).order_by(Service.display_order, Service.id)
        if not archived:
            query = query.where(Service.archived_at.is_(None))
        services = uow.session.scalars(query).all()
        waiting = dict(uow.session.execute(
            select(Ticket.service_id, func.count()).where(Ticket.office_id == office_id,
                                                          Ticket.state == TicketState.WAITING)
            .group_by(Ticket.service_id)).all())
        counters = uow.session.scalars(select(Counter).where(Counter.office_id == office_id,
                                                             Counter.archived_at.is_(None))
                                       .options(selectinload(Counter.services))).all()
        return [
            ServiceRow(s.id, s.name, s.prefix, s.description, s.target_wait_minutes, s.priority_weight, s.active,
                       s.colour, dict(s.names or {}), s.archived_at, int(waiting.get(s.id, 0)),
                       tuple(c.name for c in counters if s.id in c.service_ids))
            for s in services
        ]


def counters_of(uow: UnitOfWork, *, office_id: int, archived: bool = False) -> list[CounterRow]:
    with uow:
        get_office(uow.session, office_id)
        query = select(Counter).where(Counter.office_id == office_id).order_by(Counter.name) \
            .options(selectinload(Counter.services))
        if not archived:
            query = query.where(Counter.archived_at.is_(None))
        counters = uow.session.scalars(query).all()
        clerks = {row.counter_id: row.user.display_name or row.user.username
                  for row in uow.session.scalars(select(CounterSession))}
        return [CounterRow(c.id, c.name, c.state, tuple(s.id for s in c.services), tuple(s.name for s in c.services),
                           clerks.get(c.id), c.archived_at) for c in counters]


def kiosks_of(uow: UnitOfWork, *, office_id: int) -> list[KioskRow]:
    with uow:
        get_office(uow.session, office_id)
        kiosks = uow.session.scalars(select(Kiosk).where(Kiosk.office_id == office_id).order_by(Kiosk.name)
                                     .options(selectinload(Kiosk.services), selectinload(Kiosk.printer))).all()
        return [KioskRow(k.id, k.name, k.language, k.active, k.printer_id, k.printer.name if k.printer else None,
                         tuple(s.id for s in k.services), tuple(s.name for s in k.services)) for k in kiosks]

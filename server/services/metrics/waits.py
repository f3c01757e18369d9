"""The Connecticut DMV figure per office and service: for lobby displays, the dashboard and the public /waits page."""

from __future__ import annotations

import threading
import time
import weakref
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from waitwell.domain.errors import NotFound
from waitwell.domain.hours import is_open
from waitwell.domain.numbering import service_day
from waitwell.metrics.last_ten import LAST_N, LastTen, last_ten
from waitwell.metrics.legs import Leg, all_legs
from waitwell.persistence import Office
from waitwell.services.lookups import get_office, get_service, latest_call_per_line
from waitwell.services.metrics.records import recently_called_tickets_of_services, visits_of_tickets
from waitwell.services.unit_of_work import UnitOfWork

STALE_AFTER = timedelta(minutes=60)
LAST_TEN_DEFINITION = (
    "Average wait of the last 10 customers called to a counter: from taking the ticket (or joining the line "
    "after a transfer) to the first call; time at the counter is not included. Updated on every call."
)


@dataclass(frozen=True)
class LastTenFigure:
    """The last-10 average of one service (or of the whole office when `service_id` is None)."""

    office_id: int
    service_id: int | None
    name: str
    average_wait_minutes: float | None
    calls: int
    updated_at: datetime | None  # the newest of those calls, UTC
    updated_at_local: datetime | None  # the same moment on the office's wall clock
    stale: bool  # no call for longer than the stale limit (or none at all)
    office_open: bool | None  # None when the office has no opening hours set

    @property
    def shown(self) -> bool:
        """Whether to show the figure as current: the office is not closed and a call came recently."""
        return self.office_open is not False and not self.stale and self.average_wait_minutes is not None


@dataclass(frozen=True)
class OfficeWaits:
    office_id: int
    name: str
    timezone: str
    office_open: bool | None
    now_local: datetime
    office: LastTenFigure
    services: list[LastTenFigure]


def last_ten_average(
    uow: UnitOfWork, office_id: int, service_id: int | None = None, *, stale_after: timedelta = STALE_AFTER
) -> LastTenFigure:
    """The last-10 figure of one service of an office, or of the whole office when `service_id` is None."""
    with uow:
        office = get_office(uow.session, office_id)
        now = uow.clock.now()
        if service_id is None:
            return _office_figure(uow.session, office, now, stale_after)
        service = get_service(uow.session, service_id)
        if service.office_id != office.id:
            raise NotFound(f"{office.name} has no service {service_id}")
        legs = _service_legs(uow.session, service.id)
        return _figure(office, service.id, service.name, last_ten(legs), now, stale_after)


def office_waits(uow: UnitOfWork, office_id: int, *, stale_after: timedelta = STALE_AFTER) -> OfficeWaits:
    """Every active service's last-10 figure and the office's own."""
    with uow:
        return _office_waits(uow.session, get_office(uow.session, office_id), uow.clock.now(), stale_after)


def read_office_waits(session: Session, office_id: int, now: datetime, *, stale_after: timedelta = STALE_AFTER
                      ) -> OfficeWaits:
    """`office_waits` inside a transaction the caller already has (e.g. a realtime publisher's)."""
    return _office_waits(session, get_office(session, office_id), now, stale_after)


def public_waits(uow: UnitOfWork, *, stale_after: timedelta = STALE_AFTER) -> list[OfficeWaits]:
    """Every office and its services: what the public /waits page lists."""
    with uow:
        now = uow.clock.now()
        offices = uow.session.scalars(select(Office).order_by(Office.name, Office.id)).all()
        return [_office_waits(uow.session, office, now, stale_after) for office in offices]


def _office_waits(session: Session, office: Office, now: datetime, stale_after: timedelta) -> OfficeWaits:
    services = [s for s in office.services if s.active]
    legs_by_service = _RECENT_LEGS.of(session, office, [service.id for service in services], now)
    figures = [
        _figure(office, service.id, service.name, last_ten(legs_by_service[service.id]), now, stale_after)
        for service in services
    ]
    everyone = last_ten([leg for legs in legs_by_service.values() for leg in legs])
    return OfficeWaits(
        office_id=office.id, name=office.public_name or office.name, timezone=office.timezone,
        office_open=office_is_open(office, now),
        now_local=now.astimezone(ZoneInfo(office.timezone)),
        office=_figure(office, None, office.public_name or office.name, everyone, now, stale_after), services=figures,
    )


def _office_figure(session: Session, office: Office, now: datetime, stale_after: timedelta) -> LastTenFigure:
    legs = [leg for service in office.services for leg in _service_legs(session, service.id)]
    return _figure(office, None, office.name, last_ten(legs), now, stale_after)


def _service_legs(session: Session, service_id: int) -> list[Leg]:
    """The legs behind the newest calls of a service (enough to find its last 10)."""
    return _legs_of_services(session, [service_id])[service_id]


def _legs_of_services(session: Session, service_ids: list[int]) -> dict[int, list[Leg]]:
    """`_service_legs` of each service, in two statements whatever the number of services."""
    tickets = recently_called_tickets_of_services(session, service_ids, LAST_N)
    legs: dict[int, list[Leg]] = {service_id: [] for service_id in service_ids}
    for leg in all_legs(visits_of_tickets(session, {t for ids in tickets.values() for t in ids})):
        if leg.service_id in legs and leg.called_at is not None:
            legs[leg.service_id].append(leg)
    return legs


class _RecentLegs:
    """Each line's legs behind its last-10 figure, read again only after a call in that line: a figure changes
    with a first call and with nothing else, and every board an office publishes (one per call or more) read
    the histories of ~150 tickets afresh. Each line's latest call today is one indexed look (the statement the
    board reads "last called" with); a line's legs are also read again after `MAX_AGE_SECONDS` in any case (a
    call stamped earlier than the latest by another host's clock)."""

    MAX_AGE_SECONDS = 5.0

    def __init__(self) -> None:
        # Per database engine (a process has one; tests make one per database), then per line.
        self._kept: weakref.WeakKeyDictionary[Any, dict[int, tuple[object, float, list[Leg]]]] = \
            weakref.WeakKeyDictionary()
        self._lock = threading.Lock()

    def of(self, session: Session, office: Office, service_ids: list[int], now: datetime) -> dict[int, list[Leg]]:
        engine = session.get_bind()
        latest = latest_call_per_line(session, office.id, service_day(now, office.timezone), service_ids)
        markers = {service_id: latest.get(service_id) for service_id in service_ids}
        with self._lock:
            kept = dict(self._kept.get(engine, {}))
        fresh = time.monotonic()
        legs = {service_id: kept[service_id][2] for service_id in service_ids
                if service_id in kept and kept[service_id][0] == markers[service_id]
                and fresh - kept[service_id][1] < self.MAX_AGE_SECONDS}
        stale = [service_id for service_id in service_ids if service_id not in legs]
        if stale:
            read = _legs_of_services(session, stale)
            legs.update(read)
            with self._lock:
                lines = self._kept.setdefault(engine, {})
                lines.update({service_id: (markers[service_id], fresh, read[service_id]) for service_id in stale})
        return legs


_RECENT_LEGS = _RecentLegs()


def _figure(
    office: Office, service_id: int | None, name: str, figure: LastTen, now: datetime, stale_after: timedelta
) -> LastTenFigure:
    zone = ZoneInfo(office.timezone)
    return LastTenFigure(
        office_id=office.id,
        service_id=service_id,
        name=name,
        average_wait_minutes=figure.average_wait / 60 if figure.average_wait is not None else None,
        calls=figure.calls,
        updated_at=figure.updated_at,
        updated_at_local=figure.updated_at.astimezone(zone) if figure.updated_at else None,
        stale=figure.is_stale(now, stale_after),
        office_open=office_is_open(office, now),
    )


def office_is_open(office: Office, now: datetime) -> bool | None:
    """Open by the weekly schedule; None when the office has set no opening hours at all."""
    if not office.opening_hours:
        return None
    return is_open(office.opening_hours, office.timezone, now)

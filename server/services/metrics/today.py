"""Today in one office, as the supervisor dashboard shows it: per service, per counter and by hour."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from waitwell.domain.numbering import service_day
from waitwell.metrics.accuracy import EstimateAccuracy, estimate_accuracy
from waitwell.metrics.counter_time import CounterTime, counter_time
from waitwell.metrics.hourly import HourlyComparison, HourlyProfile, hourly_profile
from waitwell.metrics.legs import Leg, LegOutcome, Visit, all_legs
from waitwell.metrics.local_time import day_bounds
from waitwell.metrics.summary import LegSummary, VisitSummary, current_waits, summarize, summarize_visits
from waitwell.persistence import Office, Service
from waitwell.services.lookups import current_ticket_at, get_office
from waitwell.services.metrics.past_days import typical_day
from waitwell.services.metrics.records import counter_changes, unfinished_visits, visits_of_days
from waitwell.services.metrics.stored_estimates import given_estimates
from waitwell.services.metrics.waits import STALE_AFTER, LastTenFigure, read_office_waits
from waitwell.services.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class ServiceToday:
    service_id: int
    name: str
    prefix: str
    target_wait_minutes: int
    waiting_now: int
    longest_current_wait: float | None  # seconds
    last_ten: LastTenFigure
    summary: LegSummary
    breach: str | None  # why the service is flagged, in words; None when it is within its target


@dataclass(frozen=True)
class CounterToday:
    counter_id: int
    name: str
    state: str
    current_ticket: str | None
    service_prefixes: tuple[str, ...]
    summary: LegSummary
    time: CounterTime


@dataclass(frozen=True)
class OfficeToday:
    office_id: int
    name: str
    timezone: str
    day: date
    now: datetime
    now_local: datetime
    office_open: bool | None
    waiting_now: int
    longest_current_wait: float | None
    last_ten: LastTenFigure
    summary: LegSummary
    visits: VisitSummary
    services: list[ServiceToday]
    counters: list[CounterToday]
    hourly: HourlyComparison
    accuracy: EstimateAccuracy


def office_today(uow: UnitOfWork, office_id: int, *, stale_after: timedelta = STALE_AFTER) -> OfficeToday:
    """Every figure of the supervisor dashboard for the office's current local day."""
    with uow:
        office = get_office(uow.session, office_id)
        return read_office_today(uow.session, office, uow.clock.now(), stale_after)


def read_office_today(session: Session, office: Office, now: datetime, stale_after: timedelta) -> OfficeToday:
    day = service_day(now, office.timezone)
    todays = visits_of_days(session, office.id, day, day)
    current = _unfinished_legs(todays, unfinished_visits(session, office.id))
    waits = read_office_waits(session, office.id, now, stale_after=stale_after)
    figures = {figure.service_id: figure for figure in waits.services}
    legs = all_legs(todays)
    targets = {service.id: service.target_wait_minutes for service in office.services}
    services = [
        _service_today(service, [leg for leg in legs if leg.service_id == service.id],
                       [leg for leg in current if leg.service_id == service.id], figures[service.id], now, targets)
        for service in office.services
        if service.id in figures
    ]
    typical, counted, asked = typical_day(session, office, day)
    everyone_waiting = current_waits(current, now)
    return OfficeToday(
        office_id=office.id, name=office.name, timezone=office.timezone, day=day, now=now,
        now_local=now.astimezone(ZoneInfo(office.timezone)), office_open=waits.office_open,
        waiting_now=len(everyone_waiting), longest_current_wait=everyone_waiting[0] if everyone_waiting else None,
        last_ten=waits.office, summary=summarize(legs, lambda leg: targets.get(leg.service_id)),
        visits=summarize_visits(todays), services=services,
        counters=_counters_today(session, office, day, legs, current, now, targets),
        hourly=HourlyComparison(today=hourly_profile(todays, office.timezone), typical=typical,
                                days_compared=counted, days_asked=asked),
        accuracy=estimate_accuracy(given_estimates(session, office.id, day), {v.ticket_id: v for v in todays}, now),
    )


def _unfinished_legs(todays: list[Visit], unfinished: list[Visit]) -> list[Leg]:
    """Legs waiting or at a counter now, including those of tickets issued on an earlier day."""
    by_ticket = {visit.ticket_id: visit for visit in [*unfinished, *todays]}
    return [
        visit.legs[-1] for visit in by_ticket.values()
        if visit.legs[-1].outcome in (LegOutcome.WAITING, LegOutcome.AT_COUNTER)
    ]


def _service_today(
    service: Service, legs: list[Leg], current: list[Leg], figure: LastTenFigure, now: datetime,
    targets: dict[int, int],
) -> ServiceToday:
    target = service.target_wait_minutes
    waits = current_waits(current, now)
    longest = waits[0] if waits else None
    return ServiceToday(
        service_id=service.id, name=service.name, prefix=service.prefix, target_wait_minutes=target,
        waiting_now=len(waits), longest_current_wait=longest, last_ten=figure,
        summary=summarize(legs, lambda leg: targets.get(leg.service_id)),
        breach=breach_reason(target, longest, figure),
    )


def breach_reason(target_minutes: int, longest_current_wait: float | None, figure: LastTenFigure) -> str | None:
    """A service breaches its target when someone in its line has already waited longer than the target,
    or when its current last-10 average is above the target."""
    reasons = []
    if longest_current_wait is not None and longest_current_wait > target_minutes * 60:
        reasons.append(f"someone has waited {longest_current_wait / 60:.0f} min")
    if figure.shown and figure.average_wait_minutes is not None and figure.average_wait_minutes > target_minutes:
        reasons.append(f"last-10 average is {figure.average_wait_minutes:.0f} min")
    if not reasons:
        return None
    return f"{' and '.join(reasons)}; target {target_minutes} min"


def _counters_today(
    session: Session, office: Office, day: date, legs: list[Leg], current: list[Leg], now: datetime,
    targets: dict[int, int],
) -> list[CounterToday]:
    start, end = day_bounds(day, office.timezone)
    end = min(end, now)
    changes = counter_changes(session, office.id, start, end)
    at_counters = {(leg.ticket_id, leg.index): leg for leg in [*legs, *current] if leg.counter_id is not None}
    todays = {(leg.ticket_id, leg.index) for leg in legs}
    prefixes = {service.id: service.prefix for service in office.services}
    result = []
    for counter in office.counters:
        mine = [leg for leg in at_counters.values() if leg.counter_id == counter.id]
        if counter.archived_at is not None and not mine:
            continue  # a counter taken out of use: listed only on days it served someone
        state_before, counter_changes_today = changes.get(counter.id, ("closed", []))
        busy = [span for leg in mine if (span := leg.counter_time(now)) is not None]
        ticket = current_ticket_at(session, counter.id)
        result.append(CounterToday(
            counter_id=counter.id, name=counter.name, state=counter.state.value,
            current_ticket=ticket.number if ticket else None,
            service_prefixes=tuple(prefixes[s.id] for s in counter.services if s.id in prefixes),
            summary=summarize([leg for leg in mine if (leg.ticket_id, leg.index) in todays],
                              lambda leg: targets.get(leg.service_id)),
            time=counter_time(counter_changes_today, state_before, busy, start, end),
        ))
    return result


__all__ = ["CounterToday", "HourlyProfile", "OfficeToday", "ServiceToday", "office_today", "read_office_today"]

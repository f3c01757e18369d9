"""Reports over any range of local days for one office, by service, counter, clerk or day."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from waitwell.domain.errors import InvalidInput
from waitwell.metrics.counter_time import counter_time
from waitwell.metrics.legs import Leg, Visit, all_legs
from waitwell.metrics.local_time import day_bounds, local_day
from waitwell.metrics.report import GROUPINGS, Report, ReportRow
from waitwell.metrics.summary import group_legs, summarize, summarize_visits
from waitwell.persistence import Office, User
from waitwell.services.lookups import get_office
from waitwell.services.metrics.records import counter_changes, visits_of_days
from waitwell.services.unit_of_work import UnitOfWork

MAX_DAYS = 366


def office_report(
    uow: UnitOfWork, office_id: int, first_day: date, last_day: date, group_by: str = "service"
) -> Report:
    """Figures of the tickets issued from `first_day` to `last_day` (local days, both included)."""
    if group_by not in GROUPINGS:
        raise InvalidInput(f"group_by must be one of {', '.join(GROUPINGS)}, not {group_by!r}")
    if last_day < first_day:
        raise InvalidInput(f"the range ends ({last_day}) before it starts ({first_day})")
    if (last_day - first_day).days >= MAX_DAYS:
        raise InvalidInput(f"a report covers at most {MAX_DAYS} days; split a longer range")
    with uow:
        office = get_office(uow.session, office_id)
        visits = visits_of_days(uow.session, office.id, first_day, last_day)
        targets = {service.id: service.target_wait_minutes for service in office.services}
        scope = _Scope(uow.session, office, visits, all_legs(visits), first_day, last_day, uow.clock.now(),
                       lambda leg: targets.get(leg.service_id))
        return Report(
            office_id=office.id, office_name=office.name, timezone=office.timezone, first_day=first_day,
            last_day=last_day, group_by=group_by, generated_at=scope.now, rows=_ROWS[group_by](scope),
            total=summarize(scope.legs, scope.target), visits=summarize_visits(visits), legs=scope.legs,
            service_names={s.id: s.name for s in office.services},
            counter_names={c.id: c.name for c in office.counters},
        )


@dataclass(frozen=True)
class _Scope:
    session: Session
    office: Office
    visits: list[Visit]
    legs: list[Leg]
    first_day: date
    last_day: date
    now: datetime
    target: Callable[[Leg], int | None]


def _by_service(scope: _Scope) -> list[ReportRow]:
    groups = group_legs(scope.legs, lambda leg: leg.service_id)
    return [ReportRow(s.id, s.name, summarize(groups.get(s.id, []), scope.target)) for s in scope.office.services]


def _by_counter(scope: _Scope) -> list[ReportRow]:
    """Per counter, with its open and serving time over the range (up to now)."""
    zone = scope.office.timezone
    start, end = day_bounds(scope.first_day, zone)[0], day_bounds(scope.last_day, zone)[1]
    end = max(min(end, scope.now), start)
    changes = counter_changes(scope.session, scope.office.id, start, end)
    groups = group_legs(scope.legs, lambda leg: leg.counter_id)
    rows = []
    for counter in scope.office.counters:
        mine = groups.get(counter.id, [])
        if counter.archived_at is not None and not mine:
            continue
        state_before, changes_in_range = changes.get(counter.id, ("closed", []))
        busy = [span for leg in mine if (span := leg.counter_time(scope.now)) is not None]
        rows.append(ReportRow(counter.id, counter.name, summarize(mine, scope.target),
                              counter_time(changes_in_range, state_before, busy, start, end)))
    return rows


def _by_clerk(scope: _Scope) -> list[ReportRow]:
    """Per member of staff who called the ticket (legs never called belong to no clerk)."""
    groups = group_legs(scope.legs, lambda leg: leg.clerk_id)
    users = scope.session.execute(
        select(User.id, User.display_name, User.username).where(User.id.in_(list(groups)))
    ).all()
    names = {row.id: row.display_name or row.username for row in users}
    rows = [ReportRow(clerk_id, names.get(clerk_id, f"user {clerk_id}"), summarize(group, scope.target))
            for clerk_id, group in groups.items()]
    return sorted(rows, key=lambda row: row.label.lower())


def _by_day(scope: _Scope) -> list[ReportRow]:
    """Per local day the tickets were issued, every day of the range listed."""
    day_of = {visit.ticket_id: local_day(visit.issued_at, scope.office.timezone) for visit in scope.visits}
    groups = group_legs(scope.legs, lambda leg: day_of[leg.ticket_id])
    days = [scope.first_day + timedelta(days=n) for n in range((scope.last_day - scope.first_day).days + 1)]
    return [ReportRow(day.isoformat(), day.strftime("%a %d %b %Y"), summarize(groups.get(day, []), scope.target))
            for day in days]


_ROWS: dict[str, Callable[[_Scope], list[ReportRow]]] = {
    "service": _by_service, "counter": _by_counter, "clerk": _by_clerk, "day": _by_day,
}

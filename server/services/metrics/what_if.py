"""What if one more or one fewer counter served a service for the rest of today: the dashboard's question."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from waitwell.domain import closing
from waitwell.domain.calling import strategy_named
from waitwell.domain.errors import InvalidInput
from waitwell.domain.numbering import service_day
from waitwell.estimates.rollforward import server_plans
from waitwell.metrics.what_if import VariantOutcome, arrival_rates, compare_variants, counter_plans
from waitwell.persistence import Office
from waitwell.services.estimates import HISTORY_DAYS, build_snapshot
from waitwell.services.lookups import get_office, get_service
from waitwell.services.metrics.past_days import typical_arrivals
from waitwell.services.unit_of_work import UnitOfWork

REPLAYS = 20


@dataclass(frozen=True)
class WhatIf:
    office_id: int
    service_id: int
    service_name: str
    now_local: datetime
    until_local: datetime  # arrivals are drawn up to here; counters then serve whoever is inside
    waiting_now: int
    expected_arrivals: float
    outcomes: list[VariantOutcome]


def what_if(uow: UnitOfWork, office_id: int, service_id: int, *, replays: int = REPLAYS, seed: int = 0) -> WhatIf:
    """Replay the rest of today as things stand, with one more counter for the service and with one fewer."""
    with uow:
        office = get_office(uow.session, office_id)
        service = get_service(uow.session, service_id)
        if service.office_id != office.id:
            raise InvalidInput(f"{service.name} is a service of another office")
        now = uow.clock.now()
        snapshot = build_snapshot(uow.session, office, now, HISTORY_DAYS)
        per_hour = typical_arrivals(uow.session, office, service_day(now, office.timezone))
        now_local = now.astimezone(ZoneInfo(office.timezone))
        until_local = closing_time(office, now_local)
        office_id, service_id, service_name = office.id, service.id, service.name
    rates = arrival_rates(per_hour, now_local, until_local)
    plans = counter_plans(server_plans(snapshot))
    outcomes = compare_variants(snapshot, strategy_named(snapshot.calling_strategy), plans, service_id, rates,
                                replays=replays, seed=seed)
    return WhatIf(
        office_id=office_id, service_id=service_id, service_name=service_name, now_local=now_local,
        until_local=until_local, waiting_now=len(snapshot.waiting),
        expected_arrivals=sum((end - start) / 3600 * rate for start, end, _, rate in rates),
        outcomes=outcomes,
    )


def closing_time(office: Office, now_local: datetime) -> datetime:
    """When the day under way closes by the opening hours (the next morning for a period past midnight), or
    local midnight when the office has none set; now if it is closed all day."""
    midnight = datetime.combine(now_local.date() + timedelta(days=1), time(0), tzinfo=now_local.tzinfo)
    if not office.opening_hours:
        return midnight
    day = closing.day_to_close(office.opening_hours, office.timezone, now_local)
    closes = closing.closing_time(office.opening_hours, office.timezone, day)
    return max(closes.astimezone(now_local.tzinfo), now_local) if closes is not None else now_local

"""A deterministic busy morning driven through the real engine: arrivals, calls, services, no-shows, a transfer.

Used by the browser tests to fill the dashboard with figures a supervisor would recognise.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from tests.factories import OfficeSetup
from waitwell.domain.clock import VirtualClock
from waitwell.domain.errors import NothingToCall
from waitwell.runtime import Runtime
from waitwell.services import counters, tickets
from waitwell.services.end_of_day import end_of_day


@dataclass
class Morning:
    """Per hour from `start`: walk-ins per prefix; mean service minutes per prefix."""

    arrivals_per_hour: dict[str, float]
    service_minutes: dict[str, float]
    no_show_every: int = 9  # every 9th call nobody comes
    transfer_to: dict[str, str] = field(default_factory=dict)  # after service at A, some go on to B


def play(runtime: Runtime, clock: VirtualClock, office: OfficeSetup, start: datetime, minutes: int, morning: Morning,
         *, seed: int, close_at_end: bool = True) -> None:
    """Run the office minute by minute from `start` for `minutes`, then (optionally) serve nobody new."""
    rng = random.Random(seed)
    clock.set(start)
    for counter_id in office.counters.values():
        counters.open_counter(runtime.uow(), counter_id=counter_id)
    busy_until: dict[int, tuple[int, datetime, str]] = {}  # counter -> (ticket, finishes at, prefix)
    prefix_of = {service_id: prefix for prefix, service_id in office.services.items()}
    calls = 0
    for minute in range(minutes):
        now = start + timedelta(minutes=minute)
        clock.set(now)
        for prefix, per_hour in morning.arrivals_per_hour.items():
            if rng.random() < per_hour / 60:
                tickets.issue_ticket(runtime.uow(), service_id=office.services[prefix], origin="kiosk")
        for counter_id in office.counters.values():
            current = busy_until.get(counter_id)
            if current and current[1] <= now:
                ticket_id, _, prefix = busy_until.pop(counter_id)
                onward = morning.transfer_to.get(prefix)
                if onward and rng.random() < 0.3:
                    counters.transfer(runtime.uow(), ticket_id=ticket_id, to_service_id=office.services[onward])
                else:
                    counters.complete(runtime.uow(), ticket_id=ticket_id)
            if counter_id in busy_until:
                continue
            try:
                called = counters.call_next(runtime.uow(), counter_id=counter_id)
            except NothingToCall:
                continue
            calls += 1
            prefix = prefix_of[called.service_id]
            if calls % morning.no_show_every == 0:
                clock.set(now + timedelta(seconds=50))
                counters.mark_no_show(runtime.uow(), ticket_id=called.id)
                clock.set(now)
                continue
            took = max(1.0, rng.expovariate(1 / morning.service_minutes[prefix]))
            busy_until[counter_id] = (called.id, now + timedelta(minutes=round(took)), prefix)
    if close_at_end:
        clock.set(start + timedelta(minutes=minutes))
        for ticket_id, _, _ in busy_until.values():
            counters.complete(runtime.uow(), ticket_id=ticket_id)
        end_of_day(runtime.uow(), office_id=office.office_id)  # whoever is still in line goes home unserved

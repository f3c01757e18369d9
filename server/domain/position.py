"""People ahead of a waiting ticket, in an office whose counters serve overlapping services."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime

from waitwell.domain.calling import CallContext, CallingStrategy, Candidate


def competing_services(service_id: int, counter_services: Iterable[frozenset[int]]) -> frozenset[int]:
    """Services whose tickets compete with `service_id` for at least one counter."""
    competing = {service_id}
    for services in counter_services:
        if service_id in services:
            competing |= services
    return frozenset(competing)


def people_ahead(
    strategy: CallingStrategy,
    waiting: Sequence[Candidate],
    counter_services: Mapping[int, frozenset[int]],
    now: datetime,
) -> dict[int, int]:
    """For each waiting ticket id, how many tickets the counters would call before it.

    A ticket is ahead of yours when the calling strategy ranks it first and it
    competes for a counter that could serve you. `counter_services` should hold the
    counters that are open now; with none open, pass every counter of the office.
    """
    ranked = strategy.rank(waiting, CallContext(counter_id=0, now=now))
    competitors = {
        service_id: competing_services(service_id, counter_services.values())
        for service_id in {c.service_id for c in waiting}
    }
    ahead: dict[int, int] = {}
    for index, candidate in enumerate(ranked):
        rivals = competitors[candidate.service_id]
        ahead[candidate.ticket_id] = sum(1 for earlier in ranked[:index] if earlier.service_id in rivals)
    return ahead

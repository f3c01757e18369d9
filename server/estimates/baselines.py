"""The textbook predictors, kept as baselines to measure the estimator against."""

from __future__ import annotations

from collections.abc import Collection
from statistics import fmean

from waitwell.domain.calling import CallContext, CallingStrategy
from waitwell.estimates.estimate import WaitEstimate
from waitwell.estimates.service_times import mean_service_seconds
from waitwell.estimates.snapshot import OfficeSnapshot

# Ranges of the baselines: a fixed spread around the point, since they have no model of their own error.
BASELINE_LOW, BASELINE_HIGH = 0.5, 1.5


def spread(expected_minutes: float, low: float = BASELINE_LOW, high: float = BASELINE_HIGH) -> WaitEstimate:
    expected = max(expected_minutes, 0.0)
    return WaitEstimate(expected, expected * low, expected * high)


def only(estimates: dict[int, WaitEstimate], ticket_ids: Collection[int] | None) -> dict[int, WaitEstimate]:
    """The estimates of `ticket_ids` (None: all)."""
    return estimates if ticket_ids is None else {k: v for k, v in estimates.items() if k in ticket_ids}


class QueueLength:
    """QL = (people ahead in the same line + 1) x the line's mean service time / counters open for the line."""

    name = "queue-length"

    def estimate(self, snapshot: OfficeSnapshot, strategy: CallingStrategy,
                 ticket_ids: Collection[int] | None = None) -> dict[int, WaitEstimate]:
        estimates = {}
        for service_id in {t.service_id for t in snapshot.waiting}:
            line = [t.as_candidate() for t in snapshot.waiting if t.service_id == service_id]
            ranked = strategy.rank(line, CallContext(counter_id=0, now=snapshot.now))
            servers = len(snapshot.counters_serving(service_id)) or 1
            mean_seconds = mean_service_seconds(snapshot.history, service_id)
            for ahead, candidate in enumerate(ranked):
                estimates[candidate.ticket_id] = spread((ahead + 1) * mean_seconds / servers / 60)
        return only(estimates, ticket_ids)


class LastToEnterService:
    """LES = the wait of the last customer of the same service called to a counter."""

    name = "last-to-enter-service"

    def estimate(self, snapshot: OfficeSnapshot, strategy: CallingStrategy,
                 ticket_ids: Collection[int] | None = None) -> dict[int, WaitEstimate]:
        estimates = {}
        for ticket in snapshot.waiting:
            waits = snapshot.history.recent_waits.get(ticket.service_id, ())
            estimates[ticket.ticket_id] = spread(waits[-1] / 60 if waits else 0.0)
        return only(estimates, ticket_ids)


class LastTenAverage:
    """The Connecticut DMV figure: the average wait of the last 10 customers of the service called."""

    name = "last-10-average"

    def estimate(self, snapshot: OfficeSnapshot, strategy: CallingStrategy,
                 ticket_ids: Collection[int] | None = None) -> dict[int, WaitEstimate]:
        estimates = {}
        for ticket in snapshot.waiting:
            waits = snapshot.history.recent_waits.get(ticket.service_id, ())[-10:]
            estimates[ticket.ticket_id] = spread(fmean(waits) / 60 if waits else 0.0)
        return only(estimates, ticket_ids)

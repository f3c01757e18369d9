"""The textbook predictors, kept as baselines to measure the estimator against."""

from __future__ import annotations

from statistics import fmean

from waitwell.domain.calling import CallingStrategy
from waitwell.domain.position import people_ahead
from waitwell.estimates.estimate import WaitEstimate
from waitwell.estimates.service_times import mean_service_seconds
from waitwell.estimates.snapshot import OfficeSnapshot

# Ranges of the baselines: a fixed spread around the point, since they have no model of their own error.
BASELINE_LOW, BASELINE_HIGH = 0.5, 1.5


def spread(expected_minutes: float, low: float = BASELINE_LOW, high: float = BASELINE_HIGH) -> WaitEstimate:
    expected = max(expected_minutes, 0.0)
    return WaitEstimate(expected, expected * low, expected * high)


def staffed_skills(snapshot: OfficeSnapshot) -> dict[int, frozenset[int]]:
    """Services per counter that is open or paused; every counter if none is (like the engine's count ahead)."""
    staffed = [c for c in snapshot.counters if c.state != "closed"] or list(snapshot.counters)
    return {c.id: c.service_ids for c in staffed}


class QueueLength:
    """QL = (people ahead + 1) x mean service time / counters open for the service."""

    name = "queue-length"

    def estimate(self, snapshot: OfficeSnapshot, strategy: CallingStrategy) -> dict[int, WaitEstimate]:
        ahead = people_ahead(strategy, [t.as_candidate() for t in snapshot.waiting], staffed_skills(snapshot),
                             snapshot.now)
        estimates = {}
        for ticket in snapshot.waiting:
            servers = len(snapshot.counters_serving(ticket.service_id)) or 1
            seconds = (ahead[ticket.ticket_id] + 1) * mean_service_seconds(snapshot.history, ticket.service_id)
            estimates[ticket.ticket_id] = spread(seconds / servers / 60)
        return estimates


class LastToEnterService:
    """LES = the wait of the last customer of the same service called to a counter."""

    name = "last-to-enter-service"

    def estimate(self, snapshot: OfficeSnapshot, strategy: CallingStrategy) -> dict[int, WaitEstimate]:
        estimates = {}
        for ticket in snapshot.waiting:
            waits = snapshot.history.recent_waits.get(ticket.service_id, ())
            estimates[ticket.ticket_id] = spread(waits[-1] / 60 if waits else 0.0)
        return estimates


class LastTenAverage:
    """The Connecticut DMV figure: the average wait of the last 10 customers of the service called."""

    name = "last-10-average"

    def estimate(self, snapshot: OfficeSnapshot, strategy: CallingStrategy) -> dict[int, WaitEstimate]:
        estimates = {}
        for ticket in snapshot.waiting:
            waits = snapshot.history.recent_waits.get(ticket.service_id, ())[-10:]
            estimates[ticket.ticket_id] = spread(fmean(waits) / 60 if waits else 0.0)
        return estimates

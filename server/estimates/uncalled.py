"""Estimates for tickets the replays do not call: no counter serving their line calls again today in the model
(all closed now, or their shifts end first). Once counters serving the line open, the line's own people are
served in order, so the figure is the queue-length one for the ticket's place in its line, over every counter
that serves the line, and never less than the estimate of the ticket before it in that line."""

from __future__ import annotations

from collections.abc import Callable, Collection

from waitwell.domain.calling import CallContext, CallingStrategy
from waitwell.estimates.baselines import spread
from waitwell.estimates.estimate import WaitEstimate
from waitwell.estimates.service_times import mean_service_seconds
from waitwell.estimates.snapshot import OfficeSnapshot


def minutes_at_position(snapshot: OfficeSnapshot, service_id: int, position: int) -> float:
    """The wait of the `position`-th ticket (1 = first) of a line once its counters serve it: that many services
    shared among every counter able to serve the line."""
    servers = sum(1 for c in snapshot.counters if service_id in c.service_ids) or 1
    return position * mean_service_seconds(snapshot.history, service_id) / servers / 60


def uncalled_estimates(snapshot: OfficeSnapshot, strategy: CallingStrategy, uncalled: Collection[int],
                       replayed: Callable[[int], WaitEstimate | None]) -> dict[int, WaitEstimate]:
    """An estimate for each ticket of `uncalled` from its place in its own line (ranked as the calling strategy
    would), at least that of the ticket ranked before it (`replayed`: a ticket's estimate from the replays,
    None when some replay did not call it)."""
    estimates: dict[int, WaitEstimate] = {}
    lines = {t.service_id for t in snapshot.waiting if t.ticket_id in uncalled}
    for service_id in lines:
        line = [t.as_candidate() for t in snapshot.waiting if t.service_id == service_id]
        before = 0.0
        for position, candidate in enumerate(strategy.rank(line, CallContext(counter_id=0, now=snapshot.now)), 1):
            own = replayed(candidate.ticket_id)
            if own is None:
                own = spread(max(minutes_at_position(snapshot, service_id, position), before))
                if candidate.ticket_id in uncalled:
                    estimates[candidate.ticket_id] = own
            before = max(before, own.expected_minutes)
    return estimates


def new_ticket_estimate(snapshot: OfficeSnapshot, service_id: int) -> WaitEstimate:
    """A ticket taken now for a line the replays do not reach: last in its line."""
    waiting = sum(1 for t in snapshot.waiting if t.service_id == service_id)
    return spread(minutes_at_position(snapshot, service_id, waiting + 1))

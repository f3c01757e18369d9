"""The estimator: the current queue rolled forward over the counters open now, a few seeded replays."""

from __future__ import annotations

from collections.abc import Collection, Mapping

from waitwell.domain.calling import CallingStrategy
from waitwell.estimates.calibration import CALIBRATED, BandedCalibration, RangeCalibration, estimate_from_replays
from waitwell.estimates.estimate import WaitEstimate
from waitwell.estimates.rollforward import probe_key, roll_forward
from waitwell.estimates.snapshot import OfficeSnapshot
from waitwell.estimates.uncalled import new_ticket_estimate, uncalled_estimates

REPLAYS = 16


class RollForward:
    """Mean call time over seeded replays of the office from now; a calibrated range around it."""

    name = "roll-forward"

    def __init__(
        self,
        *,
        replays: int = REPLAYS,
        seed: int = 0,
        calibration: RangeCalibration | BandedCalibration = CALIBRATED,
        pause_return_seconds: float | None = None,
    ) -> None:
        self.replays = replays
        self.seed = seed
        self.calibration = calibration
        self.pause_return_seconds = pause_return_seconds

    def estimate(self, snapshot: OfficeSnapshot, strategy: CallingStrategy,
                 ticket_ids: Collection[int] | None = None) -> dict[int, WaitEstimate]:
        return self.estimate_with_new_tickets(snapshot, strategy, frozenset(), ticket_ids)[0]

    def estimate_with_new_tickets(self, snapshot: OfficeSnapshot, strategy: CallingStrategy, probes: frozenset[int],
                                  ticket_ids: Collection[int] | None = None,
                                  ) -> tuple[dict[int, WaitEstimate], dict[int, WaitEstimate]]:
        """`estimate` (of `ticket_ids`, None: every waiting ticket), and from the same replays the wait of a ticket
        taken now for each service of `probes` (chosen by `new_ticket_probes`). The replays stop once all of
        those are called."""
        rolled = roll_forward(snapshot, strategy, replays=self.replays, seed=self.seed,
                              pause_return_seconds=self.pause_return_seconds, probes=probes, ticket_ids=ticket_ids)
        new_tickets = {}
        newcomer = self._calibration(len(snapshot.waiting))  # a ticket taken now has everyone waiting besides it
        for service_id in probes:
            seconds = rolled[probe_key(service_id)]
            new_tickets[service_id] = (estimate_from_replays(seconds, newcomer) if len(seconds) == self.replays
                                       else new_ticket_estimate(snapshot, service_id))
        wanted = [t.ticket_id for t in snapshot.waiting] if ticket_ids is None else ticket_ids
        return self._estimates(snapshot, strategy, rolled, wanted), new_tickets

    def _calibration(self, waiting_besides: int) -> RangeCalibration:
        """The range calibration of the queue-length band: people waiting besides the ticket."""
        if isinstance(self.calibration, BandedCalibration):
            return self.calibration.for_waiting(max(waiting_besides, 0))
        return self.calibration

    def _estimates(self, snapshot: OfficeSnapshot, strategy: CallingStrategy, rolled: Mapping[int, list[float]],
                   wanted: Collection[int]) -> dict[int, WaitEstimate]:
        """From the replays; a ticket some replay did not call (its counters close first) from its line."""
        replayed: dict[int, WaitEstimate | None] = {}
        calibration = self._calibration(len(snapshot.waiting) - 1)

        def from_replays(ticket_id: int) -> WaitEstimate | None:
            if ticket_id not in replayed:
                seconds = rolled[ticket_id]
                replayed[ticket_id] = (estimate_from_replays(seconds, calibration)
                                       if len(seconds) == self.replays else None)
            return replayed[ticket_id]

        estimates = {}
        uncalled = set()
        for ticket_id in wanted:
            if ticket_id not in rolled:
                continue  # not waiting
            estimate = from_replays(ticket_id)
            if estimate is None:
                uncalled.add(ticket_id)
            else:
                estimates[ticket_id] = estimate
        if uncalled:
            estimates.update(uncalled_estimates(snapshot, strategy, uncalled, from_replays))
        return estimates

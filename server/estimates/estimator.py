"""The estimator's entry points: an estimate for every waiting ticket, and for a ticket not yet taken.

A ticket's wait estimate is the time from the snapshot's `now` until a counter first calls it.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import replace
from typing import Protocol

from waitwell.domain.calling import CallingStrategy, strategy_named
from waitwell.estimates.estimate import WaitEstimate
from waitwell.estimates.rollforward import new_ticket_probes
from waitwell.estimates.rolling import RollForward
from waitwell.estimates.snapshot import OfficeSnapshot, WaitingTicket

# Stands for "if you took a ticket now": larger than any real id, so ties in the calling order put it last.
NEW_TICKET_ID = 2**63 - 1


class Predictor(Protocol):
    name: str

    def estimate(self, snapshot: OfficeSnapshot, strategy: CallingStrategy,
                 ticket_ids: Collection[int] | None = None) -> dict[int, WaitEstimate]:
        """An estimate for each waiting ticket of `ticket_ids` (None: every one), by ticket id."""
        ...


def default_predictor() -> Predictor:
    return RollForward()


def estimate_waits(
    snapshot: OfficeSnapshot,
    *,
    strategy: CallingStrategy | None = None,
    predictor: Predictor | None = None,
    ticket_ids: Collection[int] | None = None,
) -> dict[int, WaitEstimate]:
    """Each waiting ticket's expected wait from `snapshot.now` until it is called, with an ~80% range; only those
    of `ticket_ids` when given (the replays then stop once those are called: one ticket's status page does not
    pay for the rest of the day)."""
    strategy = strategy or strategy_named(snapshot.calling_strategy)
    return (predictor or default_predictor()).estimate(snapshot, strategy, ticket_ids)


def estimate_new_ticket(
    snapshot: OfficeSnapshot,
    service_id: int,
    *,
    strategy: CallingStrategy | None = None,
    predictor: Predictor | None = None,
) -> WaitEstimate:
    """The wait of a ticket taken now for `service_id`: what the kiosk shows on the service's button."""
    return estimate_waits(with_new_ticket(snapshot, service_id), strategy=strategy, predictor=predictor,
                          ticket_ids=(NEW_TICKET_ID,))[NEW_TICKET_ID]


def estimate_waits_and_new_tickets(
    snapshot: OfficeSnapshot,
    service_ids: Iterable[int],
    *,
    predictor: Predictor | None = None,
    ticket_ids: Collection[int] | None = None,
) -> tuple[dict[int, WaitEstimate], dict[int, WaitEstimate]]:
    """`estimate_waits` (of `ticket_ids`; `()` for none), and `estimate_new_ticket` for each service of
    `service_ids`: from the same replays where that gives the same answer (the roll-forward, for lines whose new
    ticket ranks last until called), so a kiosk's fifteen buttons cost one look at the office, not fifteen."""
    strategy = strategy_named(snapshot.calling_strategy)
    predictor = predictor or default_predictor()
    wanted = list(service_ids)
    together = getattr(predictor, "estimate_with_new_tickets", None)
    if together is None:
        return (predictor.estimate(snapshot, strategy, ticket_ids),
                {each: estimate_new_ticket(snapshot, each, strategy=strategy, predictor=predictor) for each in wanted})
    probes = new_ticket_probes(snapshot, strategy, wanted)
    per_ticket, new_tickets = together(snapshot, strategy, probes, ticket_ids)
    for each in wanted:
        if each not in new_tickets:
            new_tickets[each] = estimate_new_ticket(snapshot, each, strategy=strategy, predictor=predictor)
    return per_ticket, new_tickets


def with_new_ticket(snapshot: OfficeSnapshot, service_id: int) -> OfficeSnapshot:
    """The snapshot with one more ticket for `service_id`, taken at `now`, last in its line."""
    ticket = WaitingTicket(
        ticket_id=NEW_TICKET_ID,
        service_id=service_id,
        waiting_since=snapshot.now,
        priority_weight=snapshot.priority_weights.get(service_id, 1.0),
    )
    return replace(snapshot, waiting=[*snapshot.waiting, ticket])

"""Visits and legs: a ticket's history cut into one leg per service it queued for.

A leg starts when the ticket joins a service's line (issue, or a transfer from a counter) and
ends when a counter finishes with it (completed, transferred on, no-show) or it is cancelled.
The first "called" entry of a leg is its first call; a recall does not restart anything.
A ticket transferred while still waiting took the wrong line: the engine keeps its place in
time, so the metrics keep its leg too and only move it to the new service.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from waitwell.metrics.history import TicketHistory


class LegOutcome(StrEnum):
    SERVED = "served"  # completed at a counter
    TRANSFERRED = "transferred"  # seen at a counter, then sent on to another service
    NO_SHOW = "no_show"  # called, never came
    CANCELLED = "cancelled"  # the holder (or staff) gave up the place
    CLOSED_UNSERVED = "closed_unserved"  # still in line when the office closed for the day
    WAITING = "waiting"  # not called (yet)
    AT_COUNTER = "at_counter"  # called or being served right now


SEEN_AT_COUNTER = frozenset({LegOutcome.SERVED, LegOutcome.TRANSFERRED})
ENDING_KINDS = {
    "completed": LegOutcome.SERVED,
    "no_show": LegOutcome.NO_SHOW,
    "cancelled": LegOutcome.CANCELLED,
}


@dataclass(frozen=True)
class Leg:
    """One service's part of a visit."""

    ticket_id: int
    number: str
    index: int  # 0 for the first leg of the visit
    service_id: int
    started_at: datetime  # joined this line: issue (or appointment start) or the transfer
    outcome: LegOutcome
    called_at: datetime | None = None  # first call of this leg
    counter_id: int | None = None  # the counter that called it
    clerk_id: int | None = None  # who called it (or, failing that, who finished it)
    service_started_at: datetime | None = None
    ended_at: datetime | None = None
    recalls: int = 0

    @property
    def wait(self) -> timedelta | None:
        """First call of the leg minus the leg's start; None if never called."""
        return self.called_at - self.started_at if self.called_at is not None else None

    @property
    def service_time(self) -> timedelta | None:
        """Finished (completed or transferred on) minus first call; only for legs seen at a counter."""
        if self.outcome in SEEN_AT_COUNTER and self.called_at is not None and self.ended_at is not None:
            return self.ended_at - self.called_at
        return None

    def counter_time(self, now: datetime) -> tuple[datetime, datetime] | None:
        """The span the leg kept its counter busy (from first call to its end, or to `now` if still there)."""
        if self.called_at is None or self.counter_id is None:
            return None
        end = self.ended_at if self.ended_at is not None else now
        return (self.called_at, max(end, self.called_at))

    def waited_so_far(self, now: datetime) -> timedelta:
        """How long a leg has been in line: its wait if called, else `now` minus its start."""
        return self.wait if self.wait is not None else max(now - self.started_at, timedelta(0))


@dataclass(frozen=True)
class Visit:
    """A ticket from issue to its end: one visit, however many services it went through."""

    ticket_id: int
    number: str
    issued_at: datetime
    legs: tuple[Leg, ...]

    @property
    def outcome(self) -> LegOutcome:
        return self.legs[-1].outcome

    @property
    def finished_at(self) -> datetime | None:
        return self.legs[-1].ended_at

    @property
    def visit_time(self) -> timedelta | None:
        """Finished minus issued, for visits that ended served."""
        if self.outcome == LegOutcome.SERVED and self.finished_at is not None:
            return self.finished_at - self.issued_at
        return None


@dataclass
class _OpenLeg:
    service_id: int
    started_at: datetime
    called_at: datetime | None = None
    counter_id: int | None = None
    clerk_id: int | None = None
    service_started_at: datetime | None = None
    recalls: int = 0
    ended: dict[str, object] = field(default_factory=dict)


def visit_of(history: TicketHistory) -> Visit:
    """Cut one ticket's history into legs."""
    if not history.entries or history.entries[0].kind != "issued":
        raise ValueError(f"ticket {history.number}: a history starts with its 'issued' entry")
    legs: list[Leg] = []
    current = _OpenLeg(service_id=history.entries[0].service_id, started_at=history.wait_origin)

    def close(outcome: LegOutcome, at: datetime | None, user_id: int | None) -> None:
        legs.append(Leg(
            ticket_id=history.ticket_id, number=history.number, index=len(legs), service_id=current.service_id,
            started_at=current.started_at, outcome=outcome, called_at=current.called_at,
            counter_id=current.counter_id, clerk_id=current.clerk_id if current.clerk_id is not None else user_id,
            service_started_at=current.service_started_at, ended_at=at, recalls=current.recalls,
        ))

    finished = False
    for entry in history.entries[1:]:
        if finished:
            break
        if entry.kind == "called" and current.called_at is None:
            current.called_at, current.counter_id, current.clerk_id = entry.occurred_at, entry.counter_id, entry.user_id
        elif entry.kind in ("called", "recalled"):
            current.recalls += 1  # a second "called" in one leg cannot happen today; count it as a recall
        elif entry.kind == "started":
            current.service_started_at = entry.occurred_at
        elif entry.kind == "transferred" and current.called_at is None:
            current.service_id = entry.service_id  # wrong line corrected: same wait, new service
        elif entry.kind == "transferred":
            close(LegOutcome.TRANSFERRED, entry.occurred_at, entry.user_id)
            current = _OpenLeg(service_id=entry.service_id, started_at=entry.occurred_at)
        elif entry.kind == "cancelled" and entry.by == "office":
            close(LegOutcome.CLOSED_UNSERVED, entry.occurred_at, entry.user_id)
            finished = True
        elif entry.kind in ENDING_KINDS:
            close(ENDING_KINDS[entry.kind], entry.occurred_at, entry.user_id)
            finished = True
    if not finished:
        close(LegOutcome.WAITING if current.called_at is None else LegOutcome.AT_COUNTER, None, None)
    return Visit(ticket_id=history.ticket_id, number=history.number, issued_at=history.issued_at, legs=tuple(legs))


def all_legs(visits: list[Visit]) -> list[Leg]:
    return [leg for visit in visits for leg in visit.legs]

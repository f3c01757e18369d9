"""Hand-built office snapshots for the estimator's tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from waitwell.domain.calling import WeightedLongestWait
from waitwell.estimates.rollforward import roll_forward
from waitwell.estimates.snapshot import CounterSnapshot, OfficeSnapshot, ServiceHistory, WaitingTicket

NOW = datetime(2026, 3, 10, 15, 0, tzinfo=UTC)
A, B = 1, 2
TEN_MINUTES = (600.0,) * 20


def counter(counter_id: int, *services: int, state: str = "open", serving: int | None = None,
            minutes_ago: float = 0.0) -> CounterSnapshot:
    started = NOW - timedelta(minutes=minutes_ago) if serving else None
    return CounterSnapshot(counter_id, frozenset(services), state, serving, started)  # type: ignore[arg-type]


def waiting(ticket_id: int, service_id: int, minutes_ago: float, weight: float = 1.0) -> WaitingTicket:
    return WaitingTicket(ticket_id, service_id, NOW - timedelta(minutes=minutes_ago), weight)


def snapshot(counters: list[CounterSnapshot], tickets: list[WaitingTicket], **history: object) -> OfficeSnapshot:
    history.setdefault("service_seconds", {A: TEN_MINUTES, B: TEN_MINUTES})
    return OfficeSnapshot(NOW, counters, tickets, ServiceHistory(**history))  # type: ignore[arg-type]


def call_minutes(office: OfficeSnapshot, **kwargs: float) -> dict[int, float]:
    """Call times of a replay, in minutes; with constant service times every replay is the same."""
    rolled = roll_forward(office, WeightedLongestWait(), replays=3, **kwargs)  # type: ignore[arg-type]
    assert all(len(set(times)) == 1 for times in rolled.values())
    return {ticket_id: times[0] / 60 for ticket_id, times in rolled.items()}



def at(minutes: float) -> datetime:
    """A moment `minutes` after NOW (negative: before)."""
    return NOW + timedelta(minutes=minutes)

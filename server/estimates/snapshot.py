"""An office at one moment, as plain values: what the estimator reads, independent of the database."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from waitwell.domain.calling import DEFAULT_STRATEGY, Candidate
from waitwell.estimates.bookings import BookingHabits
from waitwell.estimates.no_shows import NoShowCurve

CounterStateName = Literal["open", "paused", "closed"]
OPEN = frozenset({"open"})


class InvalidSnapshot(ValueError):
    """A snapshot the estimator cannot read (a time without time zone, a duration that is not one): refused
    when the snapshot is made, naming the value, rather than failing deep inside a replay."""


def _is_naive(moment: datetime | None) -> bool:
    return moment is not None and (moment.tzinfo is None or moment.utcoffset() is None)


def _naive_time(what: str, moment: datetime | None) -> InvalidSnapshot:
    return InvalidSnapshot(f"{what} {moment} has no time zone: every time in an office snapshot must be "
                           "timezone-aware (UTC from the database)")


def _require_durations(what: str, seconds: Iterable[float]) -> None:
    for value in seconds:
        if not (math.isfinite(value) and value >= 0):
            raise InvalidSnapshot(f"{what} {value} s is not a duration: it must be a finite number of seconds, "
                                  "0 or more")


@dataclass(frozen=True)
class CounterSnapshot:
    """A counter, what it can serve, and the ticket it has now (called or serving), if any."""

    id: int
    service_ids: frozenset[int]
    state: CounterStateName
    current_service_id: int | None = None
    # When the current ticket was called: service time runs from the call, like in the history.
    current_started_at: datetime | None = None
    # When the counter entered its state (a paused counter: when its break began), if known.
    state_since: datetime | None = None
    # The state changes this counter usually makes in a day (its roster, learned from its history),
    # placed on today's date, in time order: [(09:00, "open"), (12:00, "paused"), (12:30, "open"), ...].
    usual_changes: tuple[tuple[datetime, CounterStateName], ...] = ()
    # Its latest calls today, newest first, as a calling strategy sees them (appointment run limits).
    recent_calls: tuple[Candidate, ...] = ()

    def __post_init__(self) -> None:
        for name in ("current_started_at", "state_since"):
            if _is_naive(getattr(self, name)):
                raise _naive_time(f"counter {self.id}: {name}", getattr(self, name))
        for at, _ in self.usual_changes:
            if _is_naive(at):
                raise _naive_time(f"counter {self.id}: usual change at", at)


@dataclass(frozen=True)
class WaitingTicket:
    """A ticket in a line, as the calling strategy sees it."""

    ticket_id: int
    service_id: int
    waiting_since: datetime
    priority_weight: float = 1.0
    is_appointment: bool = False
    appointment_at: datetime | None = None

    def __post_init__(self) -> None:
        if _is_naive(self.waiting_since):
            raise _naive_time(f"waiting ticket {self.ticket_id}: waiting_since", self.waiting_since)
        if _is_naive(self.appointment_at):
            raise _naive_time(f"waiting ticket {self.ticket_id}: appointment_at", self.appointment_at)

    def as_candidate(self) -> Candidate:
        return Candidate(
            ticket_id=self.ticket_id,
            service_id=self.service_id,
            waiting_since=self.waiting_since,
            priority_weight=self.priority_weight,
            is_appointment=self.is_appointment,
            appointment_at=self.appointment_at,
        )


@dataclass(frozen=True)
class ServiceHistory:
    """What the office's recent past says about its services.

    `service_seconds`: recent service times per service (called to finished), any order.
    `recent_waits`: waits (in line until first called) per service, oldest first, newest last.
    `no_show_rate`: share of called tickets whose holder never came (walk-outs found only when called).
    `no_shows`: the chance a walk-in's holder is gone when called, by the time waited (`no_shows.NoShowCurve`,
    learned from the office's calls and the last hour's); without it, `no_show_rate` for everyone.
    `appointment_no_show_rate`: the same for checked-in bookings (they rarely walk out).
    `no_show_seconds`: how long a counter spends on a call nobody answers before moving on.
    `pause_seconds`: lengths of the counters' recent breaks (paused until opened or closed again).
    `bookings`: whether and when bookings not checked in yet come (`bookings.BookingHabits`).
    """

    service_seconds: Mapping[int, tuple[float, ...]] = field(default_factory=dict)
    recent_waits: Mapping[int, tuple[float, ...]] = field(default_factory=dict)
    no_show_rate: float = 0.0
    no_show_seconds: float = 120.0
    pause_seconds: tuple[float, ...] = ()
    no_shows: NoShowCurve | None = None
    appointment_no_show_rate: float | None = None
    bookings: BookingHabits = field(default_factory=BookingHabits)

    def __post_init__(self) -> None:
        for service_id, seconds in self.service_seconds.items():
            _require_durations(f"service {service_id}: service time", seconds)
        for service_id, seconds in self.recent_waits.items():
            _require_durations(f"service {service_id}: recent wait", seconds)
        _require_durations("no_show_seconds", (self.no_show_seconds,))
        _require_durations("pause_seconds: break", self.pause_seconds)
        for name in ("no_show_rate", "appointment_no_show_rate"):
            rate = getattr(self, name)
            if rate is not None and not 0 <= rate <= 1:
                raise InvalidSnapshot(f"{name} {rate} is not a share between 0 and 1")

    def no_show_chance(self, ticket: Candidate, waited_seconds: float, utc_offset_seconds: float = 0.0) -> float:
        """The chance that `ticket`'s holder is gone when called after waiting `waited_seconds` in all (the office's
        `utc_offset_seconds` places the moment it joined the line in the local day)."""
        if ticket.is_appointment and self.appointment_no_show_rate is not None:
            return self.appointment_no_show_rate
        if self.no_shows is None:
            return self.no_show_rate
        joined_hour = int((ticket.waiting_since.timestamp() + utc_offset_seconds) // 3600) % 24
        return self.no_shows.chance(waited_seconds, joined_hour)

    def all_service_seconds(self) -> tuple[float, ...]:
        return tuple(seconds for durations in self.service_seconds.values() for seconds in durations)


@dataclass(frozen=True)
class OfficeSnapshot:
    """Counters, waiting tickets and history at `now` (timezone-aware)."""

    now: datetime
    counters: list[CounterSnapshot]
    waiting: list[WaitingTicket]
    history: ServiceHistory = field(default_factory=ServiceHistory)
    calling_strategy: str = DEFAULT_STRATEGY
    # Priority weight of each service, so a ticket not yet taken can be placed in the order.
    priority_weights: Mapping[int, float] = field(default_factory=dict)
    # Bookings not checked in yet, arriving at `waiting_since` (their slot): the replays let them in when they
    # arrive and call them at their slot like the engine does, but they get no estimate of their own.
    expected: list[WaitingTicket] = field(default_factory=list)
    # The office's offset from UTC now, in seconds: the local hour of the day a ticket joined the line.
    utc_offset_seconds: float = 0.0

    def __post_init__(self) -> None:
        """Times of day are compared across counters and tickets: one naive time would fail deep in a replay."""
        if _is_naive(self.now):
            raise _naive_time("now", self.now)

    def counters_serving(self, service_id: int, *, states: frozenset[str] = OPEN) -> list[CounterSnapshot]:
        return [c for c in self.counters if service_id in c.service_ids and c.state in states]

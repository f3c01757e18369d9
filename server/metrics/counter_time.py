"""A counter's open time and serving time in a window, for utilisation = serving time / open time."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from waitwell.metrics.stats import ratio

Span = tuple[datetime, datetime]


@dataclass(frozen=True)
class StateChange:
    """A counter entered `state` ("open", "paused" or "closed") at `occurred_at`."""

    occurred_at: datetime
    state: str


@dataclass(frozen=True)
class CounterTime:
    """Seconds a counter was open and serving within a window, and their ratio."""

    open_seconds: float
    serving_seconds: float

    @property
    def utilisation(self) -> float | None:
        return ratio(self.serving_seconds, self.open_seconds)


def open_spans(changes: Sequence[StateChange], state_before: str, start: datetime, end: datetime) -> list[Span]:
    """Spans within [start, end) when the counter was in the "open" state.

    `state_before` is the state it was in at `start` (from the last change before the window).
    """
    spans: list[Span] = []
    state, since = state_before, start
    for change in sorted(changes, key=lambda c: c.occurred_at):
        at = min(max(change.occurred_at, start), end)
        if state == "open" and at > since:
            spans.append((since, at))
        state, since = change.state, at
    if state == "open" and end > since:
        spans.append((since, end))
    return spans


def covered_seconds(spans: Iterable[Span], start: datetime, end: datetime) -> float:
    """Length of the union of `spans`, clipped to [start, end), in seconds."""
    clipped = sorted((max(s, start), min(e, end)) for s, e in spans if e > start and s < end)
    total, reach = 0.0, start
    for span_start, span_end in clipped:
        if span_end <= reach:
            continue
        total += (span_end - max(span_start, reach)).total_seconds()
        reach = span_end
    return total


def counter_time(
    changes: Sequence[StateChange], state_before: str, busy: Sequence[Span], start: datetime, end: datetime
) -> CounterTime:
    """Open time = time open or busy with a ticket (a pause begins once the current ticket is done);
    serving time = time a ticket it called was at it (from first call to finished)."""
    opened = open_spans(changes, state_before, start, end)
    return CounterTime(
        open_seconds=covered_seconds([*opened, *busy], start, end),
        serving_seconds=covered_seconds(busy, start, end),
    )

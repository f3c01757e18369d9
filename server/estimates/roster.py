"""When each counter will be calling tickets: its state now, the end of a break under way, and the
changes it usually makes later in the day (the office's roster, learned from its counters' history)."""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from statistics import fmean

from waitwell.estimates.snapshot import CounterSnapshot, CounterStateName, OfficeSnapshot

# Breaks, when the office has no history of its own: lunch breaks of 30-45 minutes.
TYPICAL_BREAK_SECONDS = 35 * 60.0
# A break that has run longer than usual is assumed to end within a few minutes.
OVERRUN_BREAK_SECONDS = 5 * 60.0
# A usual closing counts as the end of a shift (applied) when other counters usually stay open this long after
# it; otherwise it was the office closing, and the last shifts serve everyone still inside.
SHIFT_END_MARGIN = timedelta(hours=1)


@dataclass(frozen=True)
class Availability:
    """When a counter calls tickets: open now or not, then (seconds from now, open) changes in time order."""

    open_now: bool
    changes: tuple[tuple[float, bool], ...] = ()

    def open_from(self, seconds: float) -> float | None:
        """The first moment at or after `seconds` when the counter is open; None if it never is again."""
        index = bisect.bisect_right(self.changes, (seconds, True))
        is_open = self.changes[index - 1][1] if index else self.open_now
        if is_open:
            return seconds
        return next((at for at, opens in self.changes[index:] if opens), None)


def availability(
    snapshot: OfficeSnapshot, counter: CounterSnapshot, pause_return_seconds: float | None = None
) -> Availability:
    """The counter's calling times from now on.

    Its usual changes are followed only when it is in its usual state now (a roster that does not
    match today says nothing about today). A paused counter is back at its usual time, or else when a
    break like the office's recent ones would end; `pause_return_seconds` overrides both.
    """
    follows_roster = bool(counter.usual_changes) and usual_state(counter.usual_changes, snapshot.now) == counter.state
    usual = [
        ((at - snapshot.now).total_seconds(), state == "open")
        for at, state in counter.usual_changes
        if at > snapshot.now and (state != "closed" or _is_shift_end(snapshot, counter, at))
    ] if follows_roster else []
    if counter.state != "paused":
        return Availability(counter.state == "open", tuple(usual))
    if pause_return_seconds is not None:
        back = pause_return_seconds
    elif usual and usual[0][1]:
        back = usual[0][0]
    else:
        back = break_left(snapshot, counter)
    return Availability(False, ((back, True), *((at, opens) for at, opens in usual if at > back)))


def usual_state(changes: Sequence[tuple[datetime, CounterStateName]], moment: datetime) -> CounterStateName:
    """The state a counter is usually in at `moment` (closed before its first change of the day)."""
    state: CounterStateName = "closed"
    for at, changed_to in changes:
        if at > moment:
            break
        state = changed_to
    return state


def _is_shift_end(snapshot: OfficeSnapshot, counter: CounterSnapshot, at: datetime) -> bool:
    later = at + SHIFT_END_MARGIN
    return any(usual_state(other.usual_changes, later) == "open"
               for other in snapshot.counters if other.id != counter.id)


def break_left(snapshot: OfficeSnapshot, counter: CounterSnapshot) -> float:
    """Expected seconds until a paused counter is back: the mean break among those longer than this one so far."""
    breaks = [b for b in snapshot.history.pause_seconds if b > 0] or [TYPICAL_BREAK_SECONDS]
    if counter.state_since is None:
        return fmean(breaks) / 2  # it began at some unknown moment: on average half of it is left
    elapsed = max((snapshot.now - counter.state_since).total_seconds(), 0.0)
    longer = [b for b in breaks if b > elapsed]
    return fmean(longer) - elapsed if longer else OVERRUN_BREAK_SECONDS

"""When each counter will be calling tickets: its state now, the end of a break under way, and the
changes it usually makes later in the day (the office's roster, learned from its counters' history)."""

from __future__ import annotations

import bisect
import itertools
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
# A break begun this close to a usual one is taken to be that one, late or early.
BREAK_MATCH = timedelta(minutes=90)
BREAK_STATES = frozenset({"open", "paused"})


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

    Its usual changes are followed when it is in its usual state now, or when it is open or paused where it
    usually is the other (a break taken late or early, as clerks do when they finish a customer first): a
    break lasts its usual length from when it actually begins, and the rest of the usual day follows. A roster
    that does not match otherwise (closed when usually open) says nothing about today. A paused counter with no
    usual break is back when a break like the office's recent ones would end; `pause_return_seconds`
    overrides both.
    """
    now = snapshot.now
    usual_now = usual_state(counter.usual_changes, now) if counter.usual_changes else None
    follows = usual_now is not None and (usual_now == counter.state or {usual_now, counter.state} == BREAK_STATES)
    breaks = _usual_breaks(counter.usual_changes) if follows else []

    def later(than: datetime) -> list[tuple[float, bool]]:
        return [((at - now).total_seconds(), state == "open") for at, state in counter.usual_changes
                if at > than and (state != "closed" or _is_shift_end(snapshot, counter, at))] if follows else []

    if counter.state == "paused":
        this_break = _nearest(breaks, counter.state_since or now)
        if pause_return_seconds is not None:
            back = pause_return_seconds
        elif this_break is not None:
            back = _break_left(now, counter.state_since, this_break)
        else:
            upcoming = later(now)
            back = upcoming[0][0] if upcoming and upcoming[0][1] else break_left(snapshot, counter)
        done = max(now + timedelta(seconds=back), this_break[1] if this_break else now)
        return Availability(False, ((back, True), *later(done)))
    if counter.state == "open" and usual_now == "paused":
        started, ended = max((b for b in breaks if b[0] <= now), default=(now, now))  # the one under way
        if counter.state_since is None or counter.state_since <= started:  # not taken yet today: it is late
            length = (ended - started).total_seconds()
            return Availability(True, ((0.0, False), (length, True),
                                       *later(max(ended, now + timedelta(seconds=length)))))
        return Availability(True, tuple(later(ended)))  # taken early today: the rest of the day as usual
    return Availability(counter.state == "open", tuple(later(now)))


def _usual_breaks(changes: Sequence[tuple[datetime, CounterStateName]]) -> list[tuple[datetime, datetime]]:
    """The usual day's breaks: from pausing to opening again."""
    return [(at, then) for (at, state), (then, after) in itertools.pairwise(changes)
            if state == "paused" and after == "open"]


def _nearest(breaks: Sequence[tuple[datetime, datetime]], moment: datetime) -> tuple[datetime, datetime] | None:
    """The usual break that began nearest to `moment`, if one began within BREAK_MATCH of it."""
    near = [b for b in breaks if abs(b[0] - moment) <= BREAK_MATCH]
    return min(near, key=lambda b: abs(b[0] - moment)) if near else None


def _break_left(now: datetime, since: datetime | None, usual: tuple[datetime, datetime]) -> float:
    """Seconds until a break like the usual one, begun at `since`, ends (shortly, when it has run longer)."""
    length = (usual[1] - usual[0]).total_seconds()
    if since is None:
        return max((usual[1] - now).total_seconds(), 0.0)
    elapsed = max((now - since).total_seconds(), 0.0)
    return length - elapsed if length > elapsed else OVERRUN_BREAK_SECONDS


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

"""The chance that a ticket's holder is gone when a counter calls it, learned from the office's own history.

People leave as their wait grows, and sooner at some hours (lunch) and in a long line, so one flat rate over
28 days is wrong exactly when it matters: a busy office replayed with it sends counters to people who are no
longer there far less often than really happens, and over-predicts the waits of everyone behind them. Here:

- the history's calls (walk-ins of the last 28 days, newest first, bounded) are grouped by the wait at first
  call; each group's no-show share is pulled towards the overall share by a few calls' worth, then made
  non-decreasing in the wait (pool-adjacent-violators): waiting longer never makes someone likelier to stay;
- the hour of the day people joined the line scales that, as an odds ratio learned the same way (their
  no-shows against what the wait alone expects, shrunk towards 1 when the hour has few calls);
- the last hour's calls scale it again: their no-shows against what the above expects for them. That follows
  a day that differs from the usual ones (a heavy day, a long line), which the office can observe now.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass

# Groups of the wait at first call, in minutes (the last one open-ended).
WAIT_EDGES_MINUTES = (5, 10, 15, 20, 30, 40, 50, 60, 75, 90, 120, 150, 180)
PRIOR_CALLS = 5.0  # a group with this many calls is half its own share, half the overall one
PRIOR_NO_SHOWS = 3.0  # an hour (of the day, or the last one) counts as its own only past a few expected no-shows
FITTING_ROUNDS = 4  # the wait and the hour fitted in turn, each against the other
ODDS_LIMITS = (0.25, 4.0)
MAX_CHANCE = 0.95


@dataclass(frozen=True)
class Call:
    """A past first call: how long the ticket had waited, whether its holder was gone, and the local hour of the
    day (0-23) it joined the line."""

    waited_seconds: float
    gone: bool
    joined_hour: int


@dataclass(frozen=True)
class NoShowCurve:
    """P(the holder is gone at the first call | waited that long, joined at that hour of the day).

    `points`: (seconds waited, chance) in increasing order of both, linear between them and flat beyond;
    `odds_by_hour`: 24 odds ratios by the local hour of joining the line (empty: 1 each); `recent_odds`: the
    last hour's odds ratio against both."""

    points: tuple[tuple[float, float], ...] = ()
    odds_by_hour: tuple[float, ...] = ()
    recent_odds: float = 1.0

    def __post_init__(self) -> None:
        if any(not 0 <= chance <= 1 for _, chance in self.points):
            raise ValueError(f"a no-show chance is a share between 0 and 1: {self.points}")
        if any(b[0] < a[0] or b[1] < a[1] for a, b in zip(self.points, self.points[1:], strict=False)):
            raise ValueError(f"no-show curve points must grow with the wait: {self.points}")
        if self.odds_by_hour and len(self.odds_by_hour) != 24:
            raise ValueError("odds_by_hour needs one odds ratio per hour of the day")
        if any(not ratio > 0 for ratio in (*self.odds_by_hour, self.recent_odds)):
            raise ValueError("odds ratios must be positive")

    def chance(self, waited_seconds: float, joined_hour: int | None = None) -> float:
        """The chance for a ticket that waited `waited_seconds` in all, having joined at local `joined_hour`."""
        base = self.by_wait(waited_seconds)
        ratio = self.recent_odds * (self.odds_by_hour[joined_hour] if self.odds_by_hour and joined_hour is not None
                                    else 1.0)
        return _scaled(base, ratio)

    def by_wait(self, waited_seconds: float) -> float:
        """The chance by the wait alone, over every hour of the day."""
        points = self.points
        if not points:
            return 0.0
        index = bisect.bisect_left(points, (waited_seconds, -1.0))
        if index == 0:
            return points[0][1]
        if index == len(points):
            return points[-1][1]
        (w0, c0), (w1, c1) = points[index - 1], points[index]
        return c0 + (c1 - c0) * (waited_seconds - w0) / (w1 - w0) if w1 > w0 else c1


def fit_no_show_curve(history: Sequence[Call], last_hour: Sequence[Call] = ()) -> NoShowCurve:
    """The curve from the history's calls, by wait and hour of the day, scaled by the last hour's calls.

    The wait and the hour are fitted together (a few rounds of each against the other), since they go
    together: the longest waits are those of people who joined at the busiest hours."""
    if not history:
        return NoShowCurve()
    overall = sum(call.gone for call in history) / len(history)
    cells: dict[tuple[int, int], list[float]] = {}  # (wait group, hour) -> [calls, no-shows, seconds waited]
    for call in history:
        cell = cells.setdefault((bisect.bisect_right(WAIT_EDGES_MINUTES, call.waited_seconds / 60), call.joined_hour),
                                [0.0, 0.0, 0.0])
        cell[0] += 1
        cell[1] += call.gone
        cell[2] += call.waited_seconds
    groups = sorted({group for group, _ in cells})
    calls = {g: sum(c[0] for (cg, _), c in cells.items() if cg == g) for g in groups}
    gone = {g: sum(c[1] for (cg, _), c in cells.items() if cg == g) for g in groups}
    waited = {g: sum(c[2] for (cg, _), c in cells.items() if cg == g) / calls[g] for g in groups}
    share = {g: (gone[g] + PRIOR_CALLS * overall) / (calls[g] + PRIOR_CALLS) for g in groups}
    hourly = [1.0] * 24
    for _ in range(FITTING_ROUNDS):
        for hour in range(24):
            mine = [(cells[g, hour], share[g]) for g in groups if (g, hour) in cells]
            hourly[hour] = _odds_ratio(sum(c[1] for c, _ in mine), sum(c[0] * p for c, p in mine),
                                       sum(c[0] for c, _ in mine))
        for g in groups:
            expected = sum(c[0] * _scaled(share[g], hourly[h]) for (cg, h), c in cells.items() if cg == g)
            share[g] = _scaled(share[g], _odds_ratio(gone[g], expected, calls[g]))
        pooled = _non_decreasing([[waited[g], share[g], calls[g]] for g in groups])
        share = {g: _chance_at(pooled, waited[g]) for g in groups}
    curve = NoShowCurve(_non_decreasing([[waited[g], share[g], calls[g]] for g in groups]), tuple(hourly))
    return NoShowCurve(curve.points, curve.odds_by_hour, odds_ratio(curve, last_hour)) if last_hour else curve


def odds_ratio(curve: NoShowCurve, calls: Sequence[Call]) -> float:
    """How much likelier than `curve` says the holders of `calls` were to be gone (1: as it says; few calls: near
    1), as a ratio of odds."""
    return _odds_ratio(sum(c.gone for c in calls), sum(curve.chance(c.waited_seconds, c.joined_hour) for c in calls),
                       len(calls))


def _odds_ratio(seen: float, expected: float, calls: float) -> float:
    """(seen / stayed) / (expected / expected to stay), each with a few no-shows' worth on both sides, bounded."""
    prior = PRIOR_NO_SHOWS
    ratio = (seen + prior) / (expected + prior) * (calls - expected + prior) / (calls - seen + prior)
    low, high = ODDS_LIMITS
    return min(max(ratio, low), high)


def _chance_at(points: tuple[tuple[float, float], ...], waited_seconds: float) -> float:
    return NoShowCurve(points).by_wait(waited_seconds)


def _scaled(chance: float, odds_ratio: float) -> float:
    if chance <= 0 or odds_ratio == 1:
        return min(chance, MAX_CHANCE)
    capped = min(chance, MAX_CHANCE)
    odds = capped / (1 - capped) * odds_ratio
    return min(odds / (1 + odds), MAX_CHANCE)


def _non_decreasing(blocks: list[list[float]]) -> tuple[tuple[float, float], ...]:
    """Pool adjacent groups whose shares decrease (weighted means), so the chance never falls as waits grow."""
    pooled: list[list[float]] = []
    for block in blocks:
        pooled.append(list(block))
        while len(pooled) > 1 and pooled[-2][1] > pooled[-1][1]:
            (w0, s0, n0), (w1, s1, n1) = pooled[-2], pooled[-1]
            total = n0 + n1
            pooled[-2:] = [[(w0 * n0 + w1 * n1) / total, (s0 * n0 + s1 * n1) / total, total]]
    return tuple((waited, share) for waited, share, _ in pooled)

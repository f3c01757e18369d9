"""The printed figures: a table per line size, the p50 ratio of the largest line to the smallest, the figures at
the calling line size, memory, displays, and each target of issue 17 with MET / NOT MET."""

from __future__ import annotations

from dataclasses import dataclass, field

from http_client import Timings
from reuse import percentile
from serving import ProcessMemory

P99_TARGET_MS = 50.0
RATIO_TARGET = 1.3


@dataclass
class Displays:
    connected: int
    failed: int
    calls: int
    latencies_ms: list[float]
    dropped: int  # connections that ended on their own
    lag_ms: list[float] = field(default_factory=list)  # the client processes' event loop lag

    @property
    def missing(self) -> int:
        return self.connected * self.calls - len(self.latencies_ms)


@dataclass
class Level:
    """Everything measured with one line size."""

    waiting: int
    timings: dict[str, Timings] = field(default_factory=dict)
    single: dict[str, Timings] = field(default_factory=dict)  # one at a time, under the mixed load
    single_displays: dict[str, Timings] = field(default_factory=dict)  # the same, displays connected
    mixed: dict[str, Timings] = field(default_factory=dict)
    mixed_displays: dict[str, Timings] = field(default_factory=dict)
    memory: list[ProcessMemory] = field(default_factory=list)
    memory_displays: list[ProcessMemory] = field(default_factory=list)
    displays: Displays | None = None
    notes: list[str] = field(default_factory=list)


# (row label, key in Level.timings or "single"/"single_displays", whether a rate means something)
ROWS: tuple[tuple[str, str, bool], ...] = (
    ("API issue, 8 clients", "issue", True),
    ("kiosk tap, 8 clients", "tap", True),
    ("call-next, 8 clerks (rate: cycles)", "call-next/8", True),
    ("complete, 8 clerks", "complete/8", False),
    ("status API, 8 clients", "status API", True),
    ("status page (HTML), 8 clients", "status page", True),
    ("display page (board), 8 clients", "display page", True),
    ("office waits API, 8 clients", "office waits API", True),
    ("kiosk board, 8 clients", "kiosk board", True),
    ("recall, one at a time", "recall", False),
    ("transfer, one at a time", "transfer", False),
    ("single requests, one at a time, mixed load", "single", False),
    ("  the same, displays connected", "single_displays", False),
)


def ms(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:.1f}" if abs(value) < 100 else f"{value:.0f}"


def _timings(level: Level, key: str) -> Timings | None:
    if key == "single":
        return level.single.get("all")
    if key == "single_displays":
        return level.single_displays.get("all")
    return level.timings.get(key)


def rate_of(level: Level, key: str) -> float | None:
    timings = _timings(level, key)
    if timings is None or not timings.seconds:
        return None
    if key.startswith("call-next/"):  # cycles: completes answered 200
        done = level.timings.get("complete/" + key.split("/")[1])
        return done.statuses.get(200, 0) / done.seconds if done and done.seconds else None
    ok = sum(n for status, n in timings.statuses.items() if 200 <= status < 400)
    return ok / timings.seconds


def table(levels: list[Level]) -> list[str]:
    width = 44
    head = f"{'operation':<{width}}" + "".join(f" | {f'{lv.waiting:,} waiting':^22}" for lv in levels)
    head += f" | p50 {levels[-1].waiting:,}/{levels[0].waiting:,}"
    sub = f"{'':<{width}}" + "".join(f" | {'/s':>6} {'p50':>7} {'p99':>7}" for _ in levels) + " | (target <= 1.3)"
    out = [head, sub, "-" * len(sub)]
    for label, key, has_rate in ROWS:
        cells = []
        for level in levels:
            timings = _timings(level, key)
            rate = rate_of(level, key) if has_rate else None
            cells.append(f" | {(f'{rate:.0f}' if rate is not None else ''):>6} "
                         f"{ms(timings.p(0.5) if timings else None):>7} {ms(timings.p(0.99) if timings else None):>7}")
        out.append(f"{label:<{width}}" + "".join(cells) + f" | {ratio_text(levels, key)}")
    return out


def ratio(levels: list[Level], key: str) -> float | None:
    first, last = _timings(levels[0], key), _timings(levels[-1], key)
    low, high = (first.p(0.5) if first else None), (last.p(0.5) if last else None)
    return high / low if low and high is not None and low > 0 else None


def ratio_text(levels: list[Level], key: str) -> str:
    value = ratio(levels, key)
    return "-" if value is None else f"{value:.2f} {'MET' if value <= RATIO_TARGET else 'NOT MET'}"


def errors(levels: list[Level]) -> list[str]:
    """Every answer that was not the expected one, per level and kind (404 from call-next: nobody to call)."""
    out = []
    for level in levels:
        groups = [("", level.timings), ("mixed ", level.mixed), ("one-at-a-time ", level.single),
                  ("mixed (displays) ", level.mixed_displays), ("one-at-a-time (displays) ", level.single_displays)]
        for prefix, timings in groups:
            for kind, timing in timings.items():
                if kind == "all":
                    continue
                wrong = timing.errors()
                if wrong:
                    shown = ", ".join(f"{'timeout' if s == 0 else 'lost' if s == -1 else s} x{n}"
                                      for s, n in wrong.items())
                    out.append(f"  {level.waiting:,} waiting, {prefix}{kind}: {shown}")
    return out


def memory_lines(processes: list[ProcessMemory]) -> list[str]:
    lines = [f"  pid {p.pid:>7}  PSS {p.pss_mb:6.1f} MB  RSS {p.rss_mb:6.1f} MB  {p.command[:110]}" for p in processes]
    lines.append(f"  summed PSS {sum(p.pss_mb for p in processes):.1f} MB over {len(processes)} processes "
                 f"(RSS summed {sum(p.rss_mb for p in processes):.1f} MB)")
    return lines


def verdict(met: bool) -> str:
    return "MET" if met else "NOT MET"


def targets(levels: list[Level], calling: Level, answered_twice: int, database_twice: int, crowded: int
            ) -> list[str]:
    """Issue 17's targets, each with the figure measured here and MET / NOT MET."""
    top = levels[-1]
    rows: list[tuple[str, str, bool]] = []

    def at_least(label: str, value: float | None, target: float, unit: str) -> None:
        rows.append((label, "-" if value is None else f"{value:.0f} {unit}", value is not None and value >= target))

    def at_most(label: str, value: float | None, target: float, unit: str) -> None:
        rows.append((label, "-" if value is None else f"{value:.1f} {unit}", value is not None and value <= target))

    at_least(f"API issue >= 400 tickets/s, 8 clients, {top.waiting:,} waiting", rate_of(top, "issue"), 400, "/s")
    at_least(f"kiosk taps >= 500/s, 8 clients, {top.waiting:,} waiting", rate_of(top, "tap"), 500, "/s")
    for clerks, target in ((8, 300), (32, 200)):
        at_least(f"call-next + complete >= {target} cycles/s, {clerks} clerks, {calling.waiting:,} waiting",
                 rate_of(calling, f"call-next/{clerks}"), target, "cycles/s")
        for kind in ("call-next", "complete"):
            timings = calling.timings.get(f"{kind}/{clerks}")
            at_most(f"  {kind} p99 <= 50 ms there", timings.p(0.99) if timings else None, P99_TARGET_MS, "ms")
    rows.append(("zero double calls (answers; database: called twice, counters with two tickets)",
                 f"{answered_twice}; {database_twice}, {crowded}", answered_twice == database_twice == crowded == 0))
    singles = [(lv.single["all"].p(0.99), lv.waiting) for lv in levels if lv.single.get("all")]
    worst = max(singles, key=lambda pair: pair[0] or 0.0) if singles else (None, 0)
    at_most(f"single request one at a time p99 <= 50 ms under the mixed load (worst: {worst[1]:,} waiting)",
            worst[0], P99_TARGET_MS, "ms")
    memories = [(sum(p.pss_mb for p in lv.memory), lv.waiting) for lv in levels if lv.memory]
    heaviest = max(memories) if memories else (None, 0)
    at_most(f"PSS summed over `waitwell serve`'s processes <= 130 MB after the mixed load "
            f"(largest: {heaviest[1]:,} waiting)", heaviest[0], 130, "MB")
    for level in levels:
        shown = level.displays
        if shown is None:
            continue
        p99 = percentile(shown.latencies_ms, 0.99) if shown.latencies_ms else None
        label = (f"display call -> change p99 <= 100 ms, {shown.connected:,} displays"
                 f"{'' if shown.connected >= 1000 else ' (target: 1,000)'}, {level.waiting:,} waiting, mixed load")
        figure = f"{shown.calls} calls answered" if p99 is None else f"{p99:.0f} ms, {shown.missing} missing"
        rows.append((label, figure, p99 is not None and p99 <= 100 and shown.missing == 0 and shown.connected >= 1000))
    ratios = [(label.strip(), ratio(levels, key)) for label, key, _ in ROWS if not key.startswith("single")]
    failing = [f"{label} {value:.2f}" for label, value in ratios if value is not None and value > RATIO_TARGET]
    rows.append((f"every operation's p50 at {top.waiting:,} within 1.3x of at {levels[0].waiting:,} waiting "
                 "(the one-at-a-time mixes aside)",
                 f"{len(failing)} of {sum(1 for _, v in ratios if v is not None)} over", not failing))
    width = max(len(label) for label, _, _ in rows)
    return [f"  {label:<{width}}  {value:>26}  {verdict(met)}" for label, value, met in rows]

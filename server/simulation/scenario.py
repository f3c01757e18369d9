"""What a simulated office day looks like: services, counters and their shifts, arrivals, people who leave."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field, replace
from typing import Literal

Load = Literal["normal", "heavy"]


@dataclass(frozen=True)
class ServiceSpec:
    """A line of the office; service times are lognormal with this mean and coefficient of variation."""

    name: str
    prefix: str
    mean_minutes: float
    cv: float = 0.6
    share: float = 1.0  # relative share of walk-in arrivals
    priority_weight: float = 1.0


@dataclass(frozen=True)
class CounterSpec:
    """A counter, the services (by prefix) its clerk handles, and the clerk's day in local hours."""

    name: str
    prefixes: tuple[str, ...]
    opens: float = 8.0
    closes: float = 16.5
    break_at: float | None = None  # lunch break start, local hour
    break_minutes: float = 30.0
    # Breaks start up to this many minutes late, and only once the clerk has finished the current customer.
    break_late_minutes: float = 15.0


@dataclass(frozen=True)
class Appointments:
    """Booked visits: every slot is booked through the engine the night before; those who come check in around
    their slot (some early, some late) into a priority line, the others never come (the engine marks them)."""

    prefix: str
    every_minutes: int  # one slot every so often through the day (the slot's length)
    per_slot: int = 1  # people booked into each slot
    first_hour: float = 8.5
    last_hour: float = 15.5
    show_rate: float = 0.85  # booked people who come at all
    check_in_minutes: tuple[float, float] = (-15.0, 8.0)  # when those who come check in, around their slot


@dataclass(frozen=True)
class Scenario:
    """One office day. Hours are local; rates are walk-in tickets per hour at each (hour, rate) point."""

    name: str
    services: tuple[ServiceSpec, ...]
    counters: tuple[CounterSpec, ...]
    arrival_curve: tuple[tuple[float, float], ...]
    doors_open: float = 8.0
    doors_close: float = 16.5  # no tickets after this; counters serve everyone already inside
    timezone: str = "America/New_York"
    # Holders who leave without telling anyone, found only when called.
    gone_early_rate: float = 0.03  # left within minutes (wrong office, came back another day)
    patience_median_minutes: float = 150.0  # the others leave once they have waited longer than their patience
    patience_sigma: float = 0.7
    # Patience through the day: (local hour, factor) points, linear between them (1 outside); lunch-hour
    # visitors on their own break give up sooner, so the no-show rate changes through the day.
    patience_by_hour: tuple[tuple[float, float], ...] = ()
    # A long line seen at the kiosk shortens patience: factor 1 / (1 + people waiting / line_patience_people).
    line_patience_people: float | None = None
    appointments: Appointments | None = None
    load: Load = "normal"  # the regime the benchmark reports this day under
    # The scenario whose days come before this one (the office's history, the warm-up days): a heavy day follows
    # ordinary ones, as in a real office, so what the history says is not quite what today brings.
    history_from: str | None = None
    extra: dict[str, float] = field(default_factory=dict)

    def service(self, prefix: str) -> ServiceSpec:
        return next(s for s in self.services if s.prefix == prefix)

    def patience_at(self, hour: float) -> float:
        """The share of their usual patience visitors arriving at local `hour` have."""
        curve = self.patience_by_hour
        if not curve or not curve[0][0] <= hour <= curve[-1][0]:
            return 1.0
        for (h0, f0), (h1, f1) in itertools.pairwise(curve):
            if h0 <= hour <= h1:
                return f0 + (f1 - f0) * (hour - h0) / (h1 - h0) if h1 > h0 else f1
        return 1.0

    def patience_in_line(self, waiting: int) -> float:
        """The share of their patience left to visitors who find `waiting` people in line."""
        return 1 / (1 + waiting / self.line_patience_people) if self.line_patience_people else 1.0


# A mid-size DMV office: a morning peak around 10:30, a smaller one after lunch.
_DMV_CURVE = ((8.0, 22.0), (9.0, 40.0), (10.5, 56.0), (12.0, 38.0), (13.5, 40.0), (15.0, 30.0), (16.5, 15.0))

TYPICAL = Scenario(
    name="typical",
    services=(
        ServiceSpec("Licence renewal", "A", mean_minutes=6.0, cv=0.5, share=0.45),
        ServiceSpec("Registration and title", "B", mean_minutes=10.0, cv=0.7, share=0.35),
        ServiceSpec("ID cards", "C", mean_minutes=4.0, cv=0.5, share=0.20),
    ),
    counters=(
        CounterSpec("Counter 1", ("A",), break_at=11.5),
        CounterSpec("Counter 2", ("A", "C"), break_at=12.0, break_minutes=45),
        CounterSpec("Counter 3", ("A", "B"), break_at=12.5),
        CounterSpec("Counter 4", ("B",), break_at=11.75, break_minutes=45),
        CounterSpec("Counter 5", ("B",), opens=9.0, break_at=13.0),
        CounterSpec("Counter 6", ("C", "A", "B"), opens=8.5, closes=15.0, break_at=12.25),
    ),
    arrival_curve=_DMV_CURVE,
)

BUSY = Scenario(
    name="busy",
    services=TYPICAL.services,
    counters=(*TYPICAL.counters[:5], CounterSpec("Counter 6", ("C", "A", "B"), opens=10.0, closes=14.0)),
    arrival_curve=tuple((hour, rate * 1.1) for hour, rate in _DMV_CURVE),
    load="heavy",
)

WITH_APPOINTMENTS = Scenario(
    name="appointments",
    services=(*TYPICAL.services, ServiceSpec("Appointments", "P", mean_minutes=8.0, cv=0.6, share=0.0,
                                             priority_weight=3.0)),
    counters=(
        *TYPICAL.counters[:5],
        CounterSpec("Counter 6", ("P", "C", "A", "B"), opens=8.5, break_at=12.25),
    ),
    arrival_curve=tuple((hour, rate * 0.85) for hour, rate in _DMV_CURVE),
    appointments=Appointments(prefix="P", every_minutes=15),
)

SMALL = Scenario(
    name="small",
    services=(
        ServiceSpec("Licences", "A", mean_minutes=7.0, cv=0.6, share=0.6),
        ServiceSpec("Vehicles", "B", mean_minutes=9.0, cv=0.6, share=0.4),
    ),
    counters=(
        CounterSpec("Counter 1", ("A", "B"), break_at=12.0),
        CounterSpec("Counter 2", ("A",), break_at=12.5),
        CounterSpec("Counter 3", ("B", "A"), opens=9.0, closes=15.0, break_at=11.5),
    ),
    arrival_curve=((8.0, 10.0), (10.5, 24.0), (12.0, 18.0), (14.0, 16.0), (16.5, 8.0)),
)

# The reference Big DMV hub (shared/notes/reference-offices.md) at a size a benchmark can replay: 10 counters with
# overlapping skills, 5 walk-in services and a booked line; arrivals peak at opening and at lunch; lunch breaks
# in turns, often late; a tenth of bookings never come; holders walk out as their wait grows, sooner at lunch
# and in a long line (about 10% on a normal day, 17% on a heavy one).
_HUB_CURVE = ((8.0, 75.0), (9.0, 70.0), (10.5, 55.0), (12.0, 70.0), (13.0, 67.0), (14.5, 48.0), (16.0, 32.0),
              (16.5, 20.0))
_LUNCH_HURRY = ((8.0, 1.0), (11.0, 1.0), (12.0, 0.7), (13.5, 0.7), (14.5, 1.0), (15.5, 1.0), (16.5, 0.8))

DMV_HUB = Scenario(
    name="dmv-hub",
    services=(
        ServiceSpec("Licence renewal", "A", mean_minutes=6.0, cv=0.5, share=0.34),
        ServiceSpec("Registration and title", "B", mean_minutes=11.0, cv=0.7, share=0.24),
        ServiceSpec("ID cards", "C", mean_minutes=4.0, cv=0.5, share=0.16),
        ServiceSpec("Road test check-in", "D", mean_minutes=5.0, cv=0.4, share=0.10),
        ServiceSpec("Commercial driver's licence (CDL)", "E", mean_minutes=14.0, cv=0.6, share=0.16),
        ServiceSpec("Appointments", "P", mean_minutes=9.0, cv=0.6, share=0.0, priority_weight=3.0),
    ),
    counters=(
        CounterSpec("Counter 1", ("A", "C"), break_at=11.0),
        CounterSpec("Counter 2", ("P", "A", "C", "D"), break_at=11.5, break_minutes=45),
        CounterSpec("Counter 3", ("A", "B"), break_at=12.0),
        CounterSpec("Counter 4", ("B",), break_at=12.5, break_minutes=45),
        CounterSpec("Counter 5", ("B", "E"), opens=9.0, break_at=13.0),
        CounterSpec("Counter 6", ("E",), break_at=11.25, break_minutes=45),
        CounterSpec("Counter 7", ("P", "A", "B"), opens=8.5, break_at=12.25),
        CounterSpec("Counter 8", ("P", "C", "D", "E"), opens=8.5, break_at=13.25),
        CounterSpec("Counter 9", ("D", "A", "C"), opens=8.0, closes=14.0, break_at=11.75),
        CounterSpec("Counter 10", ("A", "B", "C", "D", "E"), opens=10.0, closes=16.5, break_at=13.5),
    ),
    arrival_curve=_HUB_CURVE,
    appointments=Appointments(prefix="P", every_minutes=20, per_slot=2, show_rate=0.9),
    gone_early_rate=0.03,
    patience_median_minutes=170.0,
    patience_sigma=0.8,
    patience_by_hour=_LUNCH_HURRY,
    line_patience_people=200.0,
)
DMV_HUB_HEAVY = replace(DMV_HUB, name="dmv-hub-heavy", load="heavy", history_from="dmv-hub",
                        arrival_curve=tuple((hour, rate * 1.15) for hour, rate in _HUB_CURVE))

# Held back: never used to calibrate the estimator (bench/estimates/calibrate.py), only to check it. Another
# layout (8 counters, 4 services, one specialist desk), one broad peak before noon, later and longer breaks,
# bookings less often kept, less patient visitors.
_COUNTY_CURVE = ((8.5, 33.0), (9.5, 56.0), (11.0, 63.0), (12.5, 48.0), (14.0, 50.0), (15.5, 33.0), (17.0, 15.0))

COUNTY = Scenario(
    name="county",
    services=(
        ServiceSpec("Licences", "L", mean_minutes=7.0, cv=0.6, share=0.45),
        ServiceSpec("Vehicles", "V", mean_minutes=10.0, cv=0.8, share=0.30),
        ServiceSpec("Permits and tests", "T", mean_minutes=5.0, cv=0.5, share=0.25),
        ServiceSpec("Appointments", "P", mean_minutes=12.0, cv=0.5, share=0.0, priority_weight=3.0),
    ),
    counters=(
        CounterSpec("Desk 1", ("L", "T"), opens=8.5, closes=17.0, break_at=12.0, break_minutes=45),
        CounterSpec("Desk 2", ("L",), opens=8.5, closes=17.0, break_at=12.75, break_minutes=45),
        CounterSpec("Desk 3", ("L", "V"), opens=8.5, closes=17.0, break_at=13.5),
        CounterSpec("Desk 4", ("V",), opens=9.0, closes=17.0, break_at=12.25, break_minutes=45),
        CounterSpec("Desk 5", ("V", "T", "L"), opens=9.5, closes=17.0, break_at=14.0),
        CounterSpec("Desk 6", ("P", "V"), opens=8.5, closes=17.0, break_at=13.0),
        CounterSpec("Desk 7", ("T",), opens=8.5, closes=13.0),
        CounterSpec("Desk 8", ("P", "L", "T", "V"), opens=11.0, closes=17.0, break_at=14.5, break_minutes=20),
    ),
    arrival_curve=_COUNTY_CURVE,
    doors_open=8.5,
    doors_close=17.0,
    timezone="America/Chicago",
    appointments=Appointments(prefix="P", every_minutes=12, first_hour=9.0, last_hour=16.0, show_rate=0.85,
                              check_in_minutes=(-10.0, 10.0)),
    gone_early_rate=0.04,
    patience_median_minutes=150.0,
    patience_sigma=0.9,
    patience_by_hour=((8.5, 1.0), (11.5, 1.0), (12.5, 0.7), (13.5, 0.7), (14.5, 1.0), (17.0, 0.7)),
    line_patience_people=150.0,
)
COUNTY_HEAVY = replace(COUNTY, name="county-heavy", load="heavy", history_from="county",
                       arrival_curve=tuple((hour, rate * 1.15) for hour, rate in _COUNTY_CURVE))

SCENARIOS: dict[str, Scenario] = {s.name: s for s in (TYPICAL, BUSY, WITH_APPOINTMENTS, SMALL, DMV_HUB,
                                                      DMV_HUB_HEAVY, COUNTY, COUNTY_HEAVY)}
# The benchmark's days, and those the estimator is never calibrated on.
BENCHMARK_SCENARIOS = ("dmv-hub", "dmv-hub-heavy", "county", "county-heavy")
HELD_BACK = frozenset({"county", "county-heavy"})


def scenario_named(name: str) -> Scenario:
    try:
        return SCENARIOS[name]
    except KeyError:
        raise ValueError(f"unknown scenario {name!r}; known: {', '.join(SCENARIOS)}") from None

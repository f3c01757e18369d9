"""What a simulated office day looks like: services, counters and their shifts, arrivals, people who leave."""

from __future__ import annotations

from dataclasses import dataclass, field


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


@dataclass(frozen=True)
class Appointments:
    """Booked visits: checked in shortly before their slot into a priority line."""

    prefix: str
    every_minutes: float  # one slot every so often through the day
    first_hour: float = 8.5
    last_hour: float = 15.5
    show_rate: float = 0.85  # booked people who come at all


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
    appointments: Appointments | None = None
    extra: dict[str, float] = field(default_factory=dict)

    def service(self, prefix: str) -> ServiceSpec:
        return next(s for s in self.services if s.prefix == prefix)


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
    appointments=Appointments(prefix="P", every_minutes=15.0),
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

SCENARIOS: dict[str, Scenario] = {s.name: s for s in (TYPICAL, BUSY, WITH_APPOINTMENTS, SMALL)}


def scenario_named(name: str) -> Scenario:
    try:
        return SCENARIOS[name]
    except KeyError:
        raise ValueError(f"unknown scenario {name!r}; known: {', '.join(SCENARIOS)}") from None

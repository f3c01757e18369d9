"""The simulated days are as hard as real offices: holders walk out as their wait and the line grow, more at
lunch; clerks finish a customer before their break, so breaks start late; some bookings are never kept; a heavy
day follows ordinary ones. Checked on one heavy day of the reference hub, read back from its database."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from statistics import fmean

import pytest
from sqlalchemy import create_engine, text

from waitwell.estimates.estimate import WaitEstimate
from waitwell.simulation import SimulationResult, TicketOutcome, run_simulation
from waitwell.simulation.regimes import Day, band_of, bar_checks
from waitwell.simulation.scenario import BENCHMARK_SCENARIOS, HELD_BACK, scenario_named


@dataclass(frozen=True)
class HeavyDay:
    result: SimulationResult
    database: Path


@pytest.fixture(scope="module")
def heavy_day(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HeavyDay]:
    database = tmp_path_factory.mktemp("heavy-day") / "simulation.db"
    yield HeavyDay(run_simulation(3, "dmv-hub-heavy", predictors=[], warmup_days=1, database_path=database), database)


def rows(day: HeavyDay, sql: str) -> list[tuple]:
    engine = create_engine(f"sqlite:///{day.database}")
    try:
        with engine.connect() as connection:
            return [tuple(row) for row in connection.execute(text(sql))]
    finally:
        engine.dispose()


def test_holders_walk_out_more_the_longer_they_wait(heavy_day: HeavyDay) -> None:
    walk_ins = [o for o in heavy_day.result.outcomes if not o.is_appointment]
    short = [o.left for o in walk_ins if o.wait_minutes < 20]
    long = [o.left for o in walk_ins if o.wait_minutes > 50]

    assert heavy_day.result.never_called == 0
    assert 0.12 <= fmean(o.left for o in walk_ins) <= 0.30  # the reference hub loses about 17% on a heavy day
    assert fmean(long) > 3 * fmean(short)


def test_more_walk_out_at_lunch_than_in_the_morning(heavy_day: HeavyDay) -> None:
    def left_share(hours: range) -> float:
        return fmean(o.left for o in heavy_day.result.outcomes if int(o.issued_hour) in hours and not o.is_appointment)

    assert left_share(range(11, 14)) > 2 * left_share(range(8, 10))


def test_clerks_finish_their_customer_before_their_break(heavy_day: HeavyDay) -> None:
    pauses = rows(heavy_day, "select counter_id, occurred_at from counter_events where state = 'paused' "
                             "and occurred_at >= '2026-03-10'")
    finished = {(counter_id, at) for counter_id, at in rows(
        heavy_day, "select counter_id, occurred_at from ticket_events where kind in ('completed', 'no_show')")}

    assert len(pauses) == 10  # every counter takes its lunch break
    after_a_customer = [p for p in pauses if p in finished]
    assert len(after_a_customer) >= 5  # the break began the moment the customer at the counter was done


def test_some_bookings_are_never_kept(heavy_day: HeavyDay) -> None:
    states = dict(rows(heavy_day, "select state, count(*) from appointments where starts_at >= '2026-03-10' "
                                  "group by state"))
    booked = sum(states.values())

    assert set(states) == {"checked_in", "no_show"}
    assert 0.03 <= states["no_show"] / booked <= 0.25  # one in ten, give or take, never comes


def test_a_heavy_day_follows_ordinary_days_and_is_reported_as_heavy(heavy_day: HeavyDay) -> None:
    heavy = scenario_named("dmv-hub-heavy")
    history_day = rows(heavy_day, "select count(*) from tickets where issued_at < '2026-03-10'")[0][0]
    today = rows(heavy_day, "select count(*) from tickets where issued_at >= '2026-03-10'")[0][0]

    assert heavy.history_from == "dmv-hub" and heavy_day.result.load == "heavy"
    assert history_day < 0.95 * today  # the history is an ordinary day: fewer visitors
    assert set(BENCHMARK_SCENARIOS) > HELD_BACK
    assert {scenario_named(name).load for name in HELD_BACK} == {"normal", "heavy"}


def test_the_bar_is_checked_per_regime_and_in_every_band_with_enough_tickets() -> None:
    def ticket(ticket_id: int, waiting: int, wait: float, told: WaitEstimate) -> TicketOutcome:
        return TicketOutcome(ticket_id, "A", 10.0, wait, False, False,
                             {"roll-forward": told, "last-to-enter-service": WaitEstimate(30, 15, 45)}, waiting)

    short = [ticket(i, 5, 10, WaitEstimate(10, 5, 15)) for i in range(200)]  # always within the range
    long = [ticket(1000 + i, 90, 60 if i % 5 else 75, WaitEstimate(60, 50, 70)) for i in range(250)]  # 80% in
    few = [ticket(2000 + i, 30, 40, WaitEstimate(20, 15, 25)) for i in range(50)]  # too few to judge

    checks = dict(bar_checks([Day("dmv-hub", "normal", 1, short + long + few)]))

    assert [band_of(w) for w in (0, 19, 20, 79, 80, 400)] == [(0, 20), (0, 20), (20, 40), (40, 80), (80, None),
                                                            (80, None)]
    assert {text.split(":")[0] for text in checks} == {"normal", "normal, 0–19 waiting (200 tickets)",
                                                       "normal, 80+ waiting (250 tickets)"}
    assert not checks["normal, 0–19 waiting (200 tickets): coverage 100.0% in 78%-85%"]
    assert checks["normal, 80+ waiting (250 tickets): coverage 80.0% in 78%-85%"]
    assert not checks["normal: |bias| 3.50 <= 1.5"]  # the few told 20 who waited 40 weigh in the regime
    assert checks["normal: MAE 3.50 <= 0.5 x last-to-enter-service 25.50"]

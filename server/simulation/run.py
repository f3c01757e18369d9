"""Running seeded simulated days on a real SQLite file, with the engine on a virtual clock."""

from __future__ import annotations

import random
import tempfile
import time as timer
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from waitwell.domain.clock import VirtualClock
from waitwell.estimates.baselines import LastTenAverage, LastToEnterService, QueueLength
from waitwell.estimates.estimator import Predictor, default_predictor
from waitwell.persistence.migrate import upgrade
from waitwell.runtime import Runtime
from waitwell.simulation.day import OfficeDay
from waitwell.simulation.office import create_simulated_office
from waitwell.simulation.result import SimulationResult
from waitwell.simulation.scenario import Scenario, scenario_named
from waitwell.simulation.visitors import visitors_of_the_day

SIMULATED_DAY = date(2026, 3, 10)  # a Tuesday
WARMUP_DAYS = 1  # earlier days run first so the estimators have a history to learn from, like a real office


def all_predictors() -> list[Predictor]:
    """The estimator and the baselines it is measured against."""
    return [default_predictor(), QueueLength(), LastToEnterService(), LastTenAverage()]


def run_simulation(
    seed: int,
    scenario: Scenario | str,
    predictors: Sequence[Predictor] | None = None,
    *,
    warmup_days: int = WARMUP_DAYS,
    database_path: Path | None = None,
) -> SimulationResult:
    """Simulate one office day (after `warmup_days` earlier days) and score each predictor's estimates at issue.

    Deterministic for a seed: visitors, their service times and their patience are drawn from it.
    The database is a fresh SQLite file in a temporary folder unless `database_path` names one.
    """
    scenario = scenario_named(scenario) if isinstance(scenario, str) else scenario
    predictors = list(predictors) if predictors is not None else all_predictors()
    started = timer.perf_counter()
    with tempfile.TemporaryDirectory(prefix="waitwell-simulation-") as folder:
        path = database_path or Path(folder) / "simulation.db"
        url = f"sqlite:///{path}"
        upgrade(url)
        first_day = SIMULATED_DAY - timedelta(days=warmup_days)
        clock = VirtualClock(_midnight(first_day, scenario))
        runtime = Runtime(url, clock=clock)
        try:
            office = create_simulated_office(runtime, scenario)
            engine_calls = 0
            for offset in range(warmup_days):
                day = first_day + timedelta(days=offset)
                rng = random.Random(f"{seed}:{scenario.name}:warmup:{offset}")
                usual = scenario_named(scenario.history_from) if scenario.history_from else scenario
                warmup = OfficeDay(runtime, clock, usual, office, day, visitors_of_the_day(usual, rng),
                                   clerks_rng=random.Random(f"{seed}:{scenario.name}:warmup:{offset}:clerks"))
                warmup.run()
                engine_calls += warmup.engine_calls
            rng = random.Random(f"{seed}:{scenario.name}")
            today = OfficeDay(runtime, clock, scenario, office, SIMULATED_DAY, visitors_of_the_day(scenario, rng),
                              predictors, clerks_rng=random.Random(f"{seed}:{scenario.name}:clerks"))
            outcomes = today.run()
            engine_calls += today.engine_calls
        finally:
            runtime.dispose()
    return SimulationResult(
        seed=seed,
        scenario=scenario.name,
        load=scenario.load,
        predictors=tuple(p.name for p in predictors),
        outcomes=outcomes,
        never_called=today.never_called,
        engine_calls=engine_calls,
        wall_seconds=timer.perf_counter() - started,
    )


def _midnight(day: date, scenario: Scenario) -> datetime:
    return datetime.combine(day, time(0), ZoneInfo(scenario.timezone))

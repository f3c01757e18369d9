"""Benchmark of wait predictors on seeded simulated office days driven through the real engine.

Run: python bench/estimates/run.py [--seeds 1,2,3] [--scenarios dmv-hub,dmv-hub-heavy,county,county-heavy]
                                   [--save days.json] [--load days.json]

The days are as hard as real offices (waitwell.simulation.scenario: walk-outs growing with the wait and the line,
no-show rates changing through the day, heavy days, late breaks, bookings never kept). For every ticket, each
predictor's estimate given at issue is scored against the wait that happened (issue to first call), for all
called tickets including holders who had left. Prints, per load regime, every predictor's figures; per regime
and queue-length band (people waiting at issue), the estimator's; the same for the held-back scenarios alone
(never used to calibrate the estimator); and the bar of issue 21, met or not. `--save` keeps the days' outcomes,
`--load` prints the tables again from them without simulating.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import asdict
from pathlib import Path

from waitwell.estimates.estimate import WaitEstimate
from waitwell.simulation import TicketOutcome, all_predictors, run_simulation
from waitwell.simulation.regimes import Day, band_table, bar_checks, regime_table
from waitwell.simulation.report import day_summary
from waitwell.simulation.scenario import BENCHMARK_SCENARIOS, HELD_BACK

sys.path.insert(0, str(Path(__file__).resolve().parent))

from variants import OneFlatRate  # next to this script

HISTORY_DAYS = 2  # simulated days before each scored one: the office's history, as a real office has weeks of it


def simulate(scenarios: list[str], seeds: list[int]) -> list[Day]:
    days = []
    for scenario in scenarios:
        for seed in seeds:
            result = run_simulation(seed, scenario, [*all_predictors(), OneFlatRate()], warmup_days=HISTORY_DAYS)
            days.append(Day(result.scenario, result.load, seed, result.outcomes))
            print(f"{scenario} ({result.load}), seed {seed}: {day_summary(result.outcomes)} "
                  f"[{result.wall_seconds:.0f} s]", flush=True)
    return days


def save(days: list[Day], path: Path) -> None:
    path.write_text(json.dumps([asdict(day) for day in days]))


def load(path: Path) -> list[Day]:
    days = []
    for day in json.loads(path.read_text()):
        outcomes = [TicketOutcome(**{**o, "predictions": {k: WaitEstimate(**v) for k, v in o["predictions"].items()}})
                    for o in day.pop("outcomes")]
        days.append(Day(**day, outcomes=outcomes))
    return days


def report(days: list[Day]) -> None:
    names = [p.name for p in all_predictors()] + [OneFlatRate.name]
    held_back = [d for d in days if d.scenario in HELD_BACK]
    print(f"\nAll days ({len(days)}), per load regime\n{regime_table(days, names)}")
    print(f"\nroll-forward per load regime and people waiting at issue\n{band_table(days)}")
    if held_back:
        print(f"\nHeld-back scenarios only ({', '.join(sorted({d.scenario for d in held_back}))}; "
              f"{len(held_back)} days)\n{regime_table(held_back, names)}\n\n{band_table(held_back)}")
    print("\nThe bar (issue 21), all days:")
    for text, met in bar_checks(days):
        print(f"  [{'met' if met else 'NOT met'}] {text}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", default="1,2,3")
    parser.add_argument("--scenarios", default=",".join(BENCHMARK_SCENARIOS))
    parser.add_argument("--save", type=Path, help="keep the days' outcomes in this JSON file")
    parser.add_argument("--load", type=Path, help="report on days saved earlier instead of simulating")
    args = parser.parse_args()
    started = time.perf_counter()
    if args.load:
        days = load(args.load)
    else:
        days = simulate(args.scenarios.split(","), [int(seed) for seed in args.seeds.split(",")])
        if args.save:
            save(days, args.save)
    report(days)
    print(f"\n{time.perf_counter() - started:.0f} s in all")


if __name__ == "__main__":
    main()

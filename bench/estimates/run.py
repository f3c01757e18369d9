"""Benchmark of wait predictors on seeded simulated office days driven through the real engine.

Run: python bench/estimates/run.py [--seeds 1,2,3] [--scenarios typical,busy,appointments,small] [--markdown]

For every ticket, each predictor's estimate given at issue is scored against the wait that happened
(issue to first call), for all called tickets including holders who had left. Prints, per predictor,
mean absolute error, RMSE, bias (estimate minus actual), the share under-predicted by more than
10 minutes, and the coverage and mean width of the ranges; per scenario, then over all days.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Sequence

from waitwell.simulation import SCENARIOS, PredictorScore, TicketOutcome, all_predictors, run_simulation
from waitwell.simulation.report import day_summary, score_table
from waitwell.simulation.result import score_outcomes


def markdown_table(scores: Sequence[PredictorScore]) -> str:
    lines = ["| predictor | tickets | MAE (min) | RMSE (min) | bias (min) | under-predicted > 10 min "
             "| range coverage | mean range width (min) |", "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for s in scores:
        lines.append(f"| {s.predictor} | {s.tickets} | {s.mean_absolute_error:.1f} | {s.rmse:.1f} | {s.bias:+.1f} "
                     f"| {s.under_predicted_share:.0%} | {s.coverage:.0%} | {s.mean_width:.1f} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", default="1,2,3")
    parser.add_argument("--scenarios", default=",".join(SCENARIOS))
    parser.add_argument("--markdown", action="store_true", help="print the tables as Markdown")
    args = parser.parse_args()
    names = [p.name for p in all_predictors()]
    table = markdown_table if args.markdown else score_table
    started = time.perf_counter()
    everything: list[TicketOutcome] = []
    seeds = [int(seed) for seed in args.seeds.split(",")]
    for scenario in args.scenarios.split(","):
        outcomes: list[TicketOutcome] = []
        for seed in seeds:
            result = run_simulation(seed, scenario)
            outcomes += result.outcomes
            print(f"{scenario}, seed {seed}: {day_summary(result.outcomes)} [{result.wall_seconds:.1f} s]", flush=True)
        print(f"\n{scenario} ({len(seeds)} days)\n{table(list(score_outcomes(outcomes, names).values()))}\n")
        everything += outcomes
    print(f"All days\n{table(list(score_outcomes(everything, names).values()))}")
    print(f"\n{time.perf_counter() - started:.0f} s in all")


if __name__ == "__main__":
    main()

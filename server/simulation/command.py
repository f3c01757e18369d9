"""`waitwell simulate`: one seeded office day on the real engine, and how each predictor did."""

from __future__ import annotations

import sys
from typing import TextIO

import click

from waitwell.simulation.report import day_summary, score_table
from waitwell.simulation.run import run_simulation
from waitwell.simulation.scenario import SCENARIOS


def simulate_command(seed: int, scenario: str, out: TextIO) -> None:
    """Simulate a day of `scenario` with `seed` and write the day and the predictors' scores to `out`."""
    result = run_simulation(seed, scenario)
    out.write(f"Simulated {result.scenario!r} day, seed {result.seed} "
              f"({result.engine_calls} engine calls in {result.wall_seconds:.1f} s)\n")
    out.write(day_summary(result.outcomes) + "\n\n")
    out.write("Estimates given at issue against the waits that happened (minutes; all called tickets,\n"
              "including holders who had left; coverage = share of waits inside the range):\n")
    out.write(score_table(result.scores().values()) + "\n")
    if result.never_called:
        out.write(f"warning: {result.never_called} tickets were never called\n")


@click.command("simulate", short_help="Simulate an office day and score the wait estimates.")
@click.option("--seed", type=int, default=1, show_default=True, help="Same seed, same day.")
@click.option("--scenario", type=click.Choice(sorted(SCENARIOS)), default="typical", show_default=True)
def simulate(seed: int, scenario: str) -> None:
    """Play one office day through the real engine on a temporary SQLite file with a virtual clock
    (after a warm-up day), and print how each wait predictor's estimates at issue compare with the
    waits that happened. See docs/estimates.md.
    """
    simulate_command(seed, scenario, sys.stdout)

"""`waitwell simulate`: one seeded office day on the real engine, and how each predictor did."""

from __future__ import annotations

from typing import TextIO

from waitwell.simulation.report import day_summary, score_table
from waitwell.simulation.run import run_simulation


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

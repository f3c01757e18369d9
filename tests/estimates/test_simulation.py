"""The simulated day: seeded, driven through the real engine, everyone who took a ticket is called."""

from __future__ import annotations

import io

import pytest

from waitwell.simulation import run_simulation, simulate_command
from waitwell.simulation.visitors import rate_at


@pytest.mark.slow  # whole simulated days: 10-30 s each
def test_same_seed_gives_the_same_day_and_another_seed_another() -> None:
    first = run_simulation(7, "small", predictors=[], warmup_days=0)
    again = run_simulation(7, "small", predictors=[], warmup_days=0)
    other = run_simulation(8, "small", predictors=[], warmup_days=0)

    waits = [(o.ticket_id, round(o.wait_minutes, 6), o.left) for o in first.outcomes]
    assert waits == [(o.ticket_id, round(o.wait_minutes, 6), o.left) for o in again.outcomes]
    assert waits != [(o.ticket_id, round(o.wait_minutes, 6), o.left) for o in other.outcomes]
    assert first.never_called == 0
    assert 100 < len(first.outcomes) < 250
    assert any(o.left for o in first.outcomes), "some holders leave unseen and are found only when called"


def test_arrivals_peak_mid_morning() -> None:
    curve = ((8.0, 10.0), (10.5, 24.0), (12.0, 18.0))
    assert rate_at(curve, 10.5) == 24.0
    assert rate_at(curve, 9.25) == pytest.approx(17.0)
    assert rate_at(curve, 7.0) == rate_at(curve, 13.0) == 0.0


@pytest.mark.slow  # whole simulated days: 10-30 s each
def test_simulate_command_prints_the_day_and_every_predictor() -> None:
    out = io.StringIO()
    simulate_command(3, "small", out)
    text = out.getvalue()
    assert "tickets called" in text
    for name in ("queue-length", "last-to-enter-service", "last-10-average"):
        assert name in text

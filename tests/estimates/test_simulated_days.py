"""The estimator against the textbook predictors on seeded simulated days (real engine, virtual clock)."""

from __future__ import annotations

import pytest

from waitwell.simulation import PredictorScore, TicketOutcome, all_predictors, run_simulation
from waitwell.simulation.result import score_outcomes

# Seeds apart from those the range was calibrated on (bench/estimates/calibrate.py uses 101-103).
DAYS = (("small", 1), ("small", 2), ("typical", 1))

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def scores() -> dict[str, PredictorScore]:
    outcomes: list[TicketOutcome] = []
    for scenario, seed in DAYS:
        result = run_simulation(seed, scenario)
        assert result.never_called == 0
        outcomes += result.outcomes
    assert any(o.left for o in outcomes), "holders who left are scored too"
    return score_outcomes(outcomes, [p.name for p in all_predictors()])


def test_the_estimator_beats_queue_length_and_last_to_enter_service(scores: dict[str, PredictorScore]) -> None:
    ours = scores["roll-forward"].mean_absolute_error
    assert ours < 0.8 * scores["queue-length"].mean_absolute_error
    assert ours < 0.8 * scores["last-to-enter-service"].mean_absolute_error
    assert ours < 0.8 * scores["last-10-average"].mean_absolute_error


def test_the_range_holds_about_four_waits_in_five(scores: dict[str, PredictorScore]) -> None:
    assert 0.65 <= scores["roll-forward"].coverage <= 0.95


def test_few_people_wait_more_than_ten_minutes_longer_than_told(scores: dict[str, PredictorScore]) -> None:
    assert scores["roll-forward"].under_predicted_share < scores["queue-length"].under_predicted_share
    assert scores["roll-forward"].under_predicted_share < 0.10

"""What a simulated day produced: each ticket's real wait next to what every predictor said at issue."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from statistics import fmean

from waitwell.estimates.estimate import WaitEstimate

UNDER_PREDICTED_MINUTES = 10.0


@dataclass(frozen=True)
class TicketOutcome:
    """A ticket of the simulated day. `wait_minutes`: issue to first call, also for holders who had left."""

    ticket_id: int
    prefix: str
    issued_hour: float  # local
    wait_minutes: float
    left: bool  # called, but the holder had gone (a no-show)
    is_appointment: bool
    predictions: Mapping[str, WaitEstimate]
    waiting_at_issue: int = 0  # people already waiting in the office when it was taken


@dataclass(frozen=True)
class PredictorScore:
    """How one predictor's estimates at issue compare with the waits that happened (all in minutes)."""

    predictor: str
    tickets: int
    mean_absolute_error: float
    rmse: float
    bias: float  # mean of estimate minus actual: negative means waits were longer than said
    under_predicted_share: float  # actual wait more than 10 minutes above the estimate
    coverage: float  # share of actual waits inside [low, high]
    mean_width: float  # mean of high minus low


def score(predictor: str, pairs: Iterable[tuple[WaitEstimate, float]]) -> PredictorScore:
    """Score (estimate, actual wait) pairs of one predictor."""
    pairs = list(pairs)
    if not pairs:
        return PredictorScore(predictor, 0, math.nan, math.nan, math.nan, math.nan, math.nan, math.nan)
    errors = [estimate.expected_minutes - actual for estimate, actual in pairs]
    return PredictorScore(
        predictor=predictor,
        tickets=len(pairs),
        mean_absolute_error=fmean(abs(e) for e in errors),
        rmse=math.sqrt(fmean(e * e for e in errors)),
        bias=fmean(errors),
        under_predicted_share=fmean(1.0 if e < -UNDER_PREDICTED_MINUTES else 0.0 for e in errors),
        coverage=fmean(1.0 if est.low_minutes <= actual <= est.high_minutes else 0.0 for est, actual in pairs),
        mean_width=fmean(est.high_minutes - est.low_minutes for est, _ in pairs),
    )


def score_outcomes(outcomes: Sequence[TicketOutcome], predictors: Sequence[str]) -> dict[str, PredictorScore]:
    """Every predictor scored against every called ticket, including those whose holder had left."""
    return {
        name: score(name, ((o.predictions[name], o.wait_minutes) for o in outcomes if name in o.predictions))
        for name in predictors
    }


@dataclass(frozen=True)
class SimulationResult:
    seed: int
    scenario: str
    load: str  # the scenario's load regime: normal or heavy
    predictors: tuple[str, ...]
    outcomes: list[TicketOutcome]
    never_called: int  # still waiting when the last counter closed (should be 0)
    engine_calls: int
    wall_seconds: float
    notes: dict[str, float] = field(default_factory=dict)

    def scores(self) -> dict[str, PredictorScore]:
        return score_outcomes(self.outcomes, self.predictors)

    @property
    def no_show_rate(self) -> float:
        return fmean(1.0 if o.left else 0.0 for o in self.outcomes) if self.outcomes else 0.0

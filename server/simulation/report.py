"""Plain-text tables of a simulated day and of how each predictor did."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from statistics import fmean, quantiles

from waitwell.simulation.result import PredictorScore, TicketOutcome

SCORE_HEADER = (
    f"{'predictor':<24}{'tickets':>8}{'MAE':>7}{'RMSE':>7}{'bias':>7}{'under>10':>10}{'coverage':>10}{'width':>7}"
)


def score_table(scores: Iterable[PredictorScore]) -> str:
    """One line per predictor; minutes, and shares in percent."""
    lines = [SCORE_HEADER, "-" * len(SCORE_HEADER)]
    for s in scores:
        lines.append(
            f"{s.predictor:<24}{s.tickets:>8}{s.mean_absolute_error:>7.1f}{s.rmse:>7.1f}{s.bias:>+7.1f}"
            f"{s.under_predicted_share:>10.0%}{s.coverage:>10.0%}{s.mean_width:>7.1f}"
        )
    return "\n".join(lines)


def day_summary(outcomes: Sequence[TicketOutcome]) -> str:
    """Tickets, no-shows and the waits that happened."""
    if not outcomes:
        return "no ticket was called"
    waits = [o.wait_minutes for o in outcomes]
    p90 = quantiles(waits, n=10)[-1] if len(waits) > 1 else waits[0]
    left = sum(1 for o in outcomes if o.left)
    return (
        f"{len(outcomes)} tickets called, {left} holders had left ({left / len(outcomes):.0%}); "
        f"wait: mean {fmean(waits):.1f} min, 90th percentile {p90:.1f} min, longest {max(waits):.1f} min"
    )

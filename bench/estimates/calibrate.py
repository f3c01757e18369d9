"""Calibrate the estimator's range on simulated days: widen the replays' 10-90% spread until ~10% of waits
fall below it and ~10% above it, choosing the fixed margin that gives the narrowest range.

Run: python bench/estimates/calibrate.py [--seeds 101,102,103] [--scenarios typical,busy,appointments,small]
Prints a RangeCalibration(...) to paste into server/estimates/calibration.py. Use other seeds than the
benchmark and the tests, so their figures are not scored on the days the range was fitted to.
"""

from __future__ import annotations

import argparse
from statistics import fmean

from waitwell.estimates.calibration import RAW, RangeCalibration, widen
from waitwell.estimates.estimate import WaitEstimate
from waitwell.estimates.rolling import RollForward
from waitwell.simulation import SCENARIOS, run_simulation

TAIL = 0.10  # each side
MARGINS = (0.0, 0.5, 1.0, 1.5, 2.0, 3.0, 4.0)


def share_needed(values: list[float], tail: float) -> float:
    """The smallest share s with at most `tail` of the values above s."""
    ordered = sorted(values)
    return ordered[min(int((1 - tail) * len(ordered)), len(ordered) - 1)]


def fit(pairs: list[tuple[WaitEstimate, float]]) -> tuple[RangeCalibration, float, float]:
    """The calibration with the narrowest mean range among the margins, and its coverage and width."""
    best = None
    for margin in MARGINS:
        below, above = [], []
        for raw, actual in pairs:
            scale = max(raw.expected_minutes, 1.0)
            below.append((raw.low_minutes - margin - actual) / scale)
            above.append((actual - raw.high_minutes - margin) / scale)
        calibration = RangeCalibration(below_share=round(max(share_needed(below, TAIL), 0.0), 3),
                                       above_share=round(max(share_needed(above, TAIL), 0.0), 3),
                                       margin_minutes=margin)
        widened = [(widen(raw.expected_minutes, raw.low_minutes, raw.high_minutes, calibration), actual)
                   for raw, actual in pairs]
        coverage = fmean(1.0 if e.low_minutes <= a <= e.high_minutes else 0.0 for e, a in widened)
        width = fmean(e.high_minutes - e.low_minutes for e, _ in widened)
        print(f"margin {margin:>4} min: {calibration}  coverage {coverage:.1%}  mean width {width:.1f} min")
        if best is None or width < best[2]:
            best = (calibration, coverage, width)
    assert best is not None
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", default="101,102,103")
    parser.add_argument("--scenarios", default=",".join(SCENARIOS))
    args = parser.parse_args()
    raw = RollForward(calibration=RAW)
    pairs: list[tuple[WaitEstimate, float]] = []
    for scenario in args.scenarios.split(","):
        for seed in map(int, args.seeds.split(",")):
            result = run_simulation(seed, scenario, [raw])
            pairs += [(o.predictions[raw.name], o.wait_minutes) for o in result.outcomes]
            print(f"{scenario} seed {seed}: {len(result.outcomes)} tickets", flush=True)
    calibration, coverage, width = fit(pairs)
    print(f"\n{len(pairs)} tickets. Narrowest: {calibration}\ncoverage {coverage:.1%}, mean width {width:.1f} min")


if __name__ == "__main__":
    main()

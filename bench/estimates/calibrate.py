"""Calibrate the estimator's range per queue-length band on simulated days: move each end of the replays' 10-90%
spread until ~10% of waits fall below it and ~10% above it in each band, choosing the fixed margin that gives the
narrowest range.

Run: python bench/estimates/calibrate.py [--seeds 101,102,103] [--scenarios dmv-hub,dmv-hub-heavy]
                                         [--save raw.json] [--load raw.json]
Prints a BandedCalibration(...) to paste into server/estimates/calibration.py. Use other seeds than the benchmark
and the tests, and never the held-back scenarios (waitwell.simulation.scenario.HELD_BACK), so the benchmark's
figures are not scored on the days the range was fitted to.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from statistics import fmean

from waitwell.estimates.calibration import RAW, BandedCalibration, RangeCalibration, widen
from waitwell.estimates.estimate import WaitEstimate
from waitwell.estimates.rolling import RollForward
from waitwell.simulation import run_simulation
from waitwell.simulation.regimes import BANDS, band_label, band_of
from waitwell.simulation.scenario import BENCHMARK_SCENARIOS, HELD_BACK

TAIL = 0.10  # each side
MARGINS = (0.5, 1.0, 1.5, 2.0, 3.0, 4.0)
MIN_TICKETS = 150  # a band with fewer takes the calibration of the band below
HISTORY_DAYS = 2  # simulated days before each calibrated one: the office's history
Pair = tuple[WaitEstimate, float]


def share_needed(values: list[float], tail: float) -> float:
    """The smallest share s with at most `tail` of the values above s."""
    ordered = sorted(values)
    return ordered[min(int((1 - tail) * len(ordered)), len(ordered) - 1)]


def fit(pairs: list[Pair]) -> tuple[RangeCalibration, float, float]:
    """The calibration with the narrowest mean range among the margins, and its coverage and width."""
    best = None
    for margin in MARGINS:
        below, above = [], []
        for raw, actual in pairs:
            scale = max(raw.expected_minutes, 1.0)
            below.append((raw.low_minutes - margin - actual) / scale)
            above.append((actual - raw.high_minutes - margin) / scale)
        # A negative share narrows that side: the replays' range is off-centre when the estimate is (a line
        # whose waits run longer than the replays say has fewer waits below its 10th percentile).
        calibration = RangeCalibration(below_share=round(share_needed(below, TAIL), 3),
                                       above_share=round(share_needed(above, TAIL), 3), margin_minutes=margin)
        widened = [(widen(raw.expected_minutes, raw.low_minutes, raw.high_minutes, calibration), actual)
                   for raw, actual in pairs]
        coverage = fmean(1.0 if e.low_minutes <= a <= e.high_minutes else 0.0 for e, a in widened)
        width = fmean(e.high_minutes - e.low_minutes for e, _ in widened)
        if best is None or width < best[2]:
            best = (calibration, coverage, width)
    assert best is not None
    return best


def simulate(scenarios: list[str], seeds: list[int]) -> list[tuple[Pair, int]]:
    raw = RollForward(calibration=RAW)
    rows = []
    for scenario in scenarios:
        for seed in seeds:
            result = run_simulation(seed, scenario, [raw], warmup_days=HISTORY_DAYS)
            rows += [((o.predictions[raw.name], o.wait_minutes), o.waiting_at_issue) for o in result.outcomes]
            print(f"{scenario} seed {seed}: {len(result.outcomes)} tickets", flush=True)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", default="101,102,103")
    parser.add_argument("--scenarios", default=",".join(s for s in BENCHMARK_SCENARIOS if s not in HELD_BACK))
    parser.add_argument("--save", type=Path)
    parser.add_argument("--load", type=Path)
    args = parser.parse_args()
    if args.load:
        rows = [((WaitEstimate(**e), actual), waiting) for (e, actual), waiting in json.loads(args.load.read_text())]
    else:
        scenarios = args.scenarios.split(",")
        if held := set(scenarios) & HELD_BACK:
            parser.error(f"{', '.join(sorted(held))} are held back: the estimator is never calibrated on them")
        rows = simulate(scenarios, [int(seed) for seed in args.seeds.split(",")])
        if args.save:
            args.save.write_text(json.dumps([((vars(e), actual), waiting) for (e, actual), waiting in rows]))
    bands: list[tuple[int, RangeCalibration]] = []
    for band in BANDS:
        pairs = [pair for pair, waiting in rows if band_of(waiting) == band]
        if len(pairs) < MIN_TICKETS and bands:
            print(f"{band_label(band)} waiting: {len(pairs)} tickets, too few: as the band below")
            continue
        calibration, coverage, width = fit(pairs)
        bands.append((band[0], calibration))
        print(f"{band_label(band)} waiting: {len(pairs)} tickets, {calibration}: coverage {coverage:.1%}, "
              f"mean width {width:.1f} min")
    print(f"\n{len(rows)} tickets.\nCALIBRATED = {BandedCalibration(tuple(bands))}")


if __name__ == "__main__":
    main()

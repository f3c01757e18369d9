"""The chance that a holder is gone when called grows with the wait and follows the last hour; the replays use
it, so people who have waited long ahead of a ticket shorten its wait more than people who just came."""

from __future__ import annotations

import random

import pytest

from tests.estimates.snapshots import A, counter, snapshot, waiting
from waitwell.estimates.estimator import estimate_waits
from waitwell.estimates.no_shows import Call, NoShowCurve, fit_no_show_curve, odds_ratio

MINUTE = 60.0


def office_history(seed: int = 1, calls: int = 2000, lunch_odds: float = 1.0) -> list[Call]:
    """Waits of up to 2 hours, joining the line from 8:00 to 16:00; the longer the wait, the likelier the holder
    had gone (2% to 40%), and at lunch (joined at 12 or 13) `lunch_odds` times likelier (as odds)."""
    rng = random.Random(seed)
    history = []
    for _ in range(calls):
        waited, hour = rng.uniform(0, 120), rng.randrange(8, 16)
        chance = 0.02 + 0.38 * waited / 120
        if hour in (12, 13):
            odds = chance / (1 - chance) * lunch_odds
            chance = odds / (1 + odds)
        history.append(Call(waited * MINUTE, rng.random() < chance, hour))
    return history


def test_the_chance_grows_with_the_wait_as_the_history_says() -> None:
    curve = fit_no_show_curve(office_history())

    chances = [curve.chance(minutes * MINUTE) for minutes in (2, 10, 30, 60, 90, 115)]

    assert chances == sorted(chances)
    assert chances[0] == pytest.approx(0.02 + 0.38 * 2 / 120, abs=0.04)
    assert chances[3] == pytest.approx(0.21, abs=0.05)
    assert chances[-1] == pytest.approx(0.38, abs=0.06)


def test_a_noisy_history_still_gives_a_chance_that_never_falls_as_waits_grow() -> None:
    history = [Call(10 * MINUTE, True, 9)] * 3 + [Call(10 * MINUTE, False, 9)] * 7 + [Call(40 * MINUTE, False, 9)] * 10
    curve = fit_no_show_curve(history)
    assert curve.chance(40 * MINUTE) >= curve.chance(10 * MINUTE)


def test_a_last_hour_with_more_walk_outs_than_usual_raises_the_chance() -> None:
    history = office_history()
    usual = fit_no_show_curve(history)
    lunch = [Call(minutes * MINUTE, minutes > 20, 12) for minutes in range(5, 65, 2)]  # all past 20 min gone

    hurried = fit_no_show_curve(history, lunch)

    assert odds_ratio(usual, lunch) > 2
    assert hurried.chance(30 * MINUTE) > 1.5 * usual.chance(30 * MINUTE)
    assert hurried.chance(30 * MINUTE) < 0.95


def test_a_quiet_last_hour_with_few_calls_changes_little() -> None:
    usual = fit_no_show_curve(office_history())
    assert odds_ratio(usual, [Call(5 * MINUTE, False, 10), Call(8 * MINUTE, False, 10)]) == pytest.approx(1, abs=0.15)


def test_people_who_join_the_line_at_lunch_are_likelier_to_leave_as_the_history_says() -> None:
    curve = fit_no_show_curve(office_history(calls=6000, lunch_odds=3.0))

    at_lunch, after = curve.chance(45 * MINUTE, 12), curve.chance(45 * MINUTE, 15)

    assert at_lunch / (1 - at_lunch) / (after / (1 - after)) == pytest.approx(3.0, rel=0.3)


def test_people_who_have_waited_long_ahead_of_a_ticket_are_likelier_gone() -> None:
    # Three people ahead at one counter, 10-minute services, 2 minutes lost on a call nobody answers. The same
    # 28-day rate in both offices; ahead of the new ticket, people who have waited 2 hours or who just came.
    curve = NoShowCurve(((5 * MINUTE, 0.02), (60 * MINUTE, 0.2), (120 * MINUTE, 0.5)))
    long_waiters = [waiting(i, A, 130 - i) for i in range(1, 4)] + [waiting(99, A, 0)]
    newcomers = [waiting(i, A, 3 - i / 2) for i in range(1, 4)] + [waiting(99, A, 0)]
    history = {"no_show_rate": 0.1, "no_show_seconds": 120.0, "no_shows": curve}

    after_long_waits = estimate_waits(snapshot([counter(1, A)], long_waiters, **history))[99]
    after_newcomers = estimate_waits(snapshot([counter(1, A)], newcomers, **history))[99]

    assert after_newcomers.expected_minutes == pytest.approx(29, abs=2)  # few of those just come are gone
    assert after_long_waits.expected_minutes < after_newcomers.expected_minutes - 6

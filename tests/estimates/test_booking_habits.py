"""Bookings not checked in yet come as the office's bookings do: not all of them, and the later it is past
their slot, the less likely; a walk-in behind a booking that will probably not come waits less."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest

from tests.estimates.snapshots import NOW, A, counter, snapshot, waiting
from waitwell.estimates.bookings import BookingHabits
from waitwell.estimates.estimator import estimate_waits
from waitwell.estimates.snapshot import OfficeSnapshot, WaitingTicket

# Nine in ten kept their booking, checking in between 15 minutes early and 5 late.
KEPT = BookingHabits(show_rate=0.9, check_in_seconds=tuple(float(s) for s in range(-900, 301, 60)))


def booking(booking_id: int, slot_in_minutes: float) -> WaitingTicket:
    slot = NOW + timedelta(minutes=slot_in_minutes)
    return WaitingTicket(-booking_id, A, max(slot, NOW), 3.0, is_appointment=True, appointment_at=slot)


def test_a_booking_is_the_less_likely_to_come_the_later_it_is() -> None:
    chances = [KEPT.chance_to_come(minutes * 60) for minutes in (-30, -10, 0, 3, 6)]
    assert chances[0] == pytest.approx(0.9)
    assert chances == sorted(chances, reverse=True)
    assert chances[3] < 0.5 and chances[4] == 0  # nobody has ever checked in more than 5 minutes late


def test_in_the_replays_the_booking_comes_as_often_and_as_early_as_the_offices_do() -> None:
    due = booking(1, 20).as_candidate()
    arrivals = [KEPT.arrival(due, NOW, random.Random(seed)) for seed in range(2000)]
    came = [a for a in arrivals if a is not None]

    assert len(came) / len(arrivals) == pytest.approx(0.9, abs=0.03)
    early = [(a.waiting_since - due.appointment_at).total_seconds() / 60 for a in came]
    assert min(early) == -15 and max(early) == 5


def test_without_history_every_booking_comes_at_its_slot() -> None:
    due = booking(1, 20).as_candidate()
    assert BookingHabits().arrival(due, NOW, random.Random(1)) is due


def test_a_walk_in_behind_a_booking_past_its_slot_is_told_less() -> None:
    # One counter, 10-minute services; a booking whose slot was 4 minutes ago has not checked in.
    def office(habits: BookingHabits) -> OfficeSnapshot:
        shot = snapshot([counter(1, A)], [waiting(7, A, 1)], bookings=habits)
        return OfficeSnapshot(shot.now, shot.counters, shot.waiting, shot.history, expected=[booking(1, -4)],
                              calling_strategy="appointments-on-time")

    assumed = estimate_waits(office(BookingHabits()))[7]
    learned = estimate_waits(office(KEPT))[7]

    assert assumed.expected_minutes == 10  # the booking is called first, as if it came now
    assert learned.expected_minutes < 5  # most who are 4 minutes late never come

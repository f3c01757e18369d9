"""Booking rules as plain values: slots on the office's wall clock (DST too), lead time, horizon, closed days."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from tests.appointments.support import NEW_YORK, WEEKDAYS_9_TO_12, local
from waitwell.domain.booking import (
    BookingRules,
    OutsideBookingWindow,
    SlotUnavailable,
    bookable_days,
    bookable_slots,
    require_bookable,
    slots_on,
)
from waitwell.domain.booking_codes import ALPHABET, new_booking_code, normalise_code
from waitwell.domain.errors import InvalidInput

TUESDAY = date(2026, 3, 10)
NOW = datetime(2026, 3, 10, 14, 0, tzinfo=UTC)  # 10:00 in New York


def rules(**overrides: object) -> BookingRules:
    values: dict[str, object] = {"timezone": NEW_YORK, "weekly_hours": WEEKDAYS_9_TO_12, "slot_minutes": 30,
                                 "capacity": 2, "min_lead": timedelta(hours=1), "horizon_days": 14}
    values.update(overrides)
    return BookingRules(**values)  # type: ignore[arg-type]


def test_a_day_is_cut_into_slots_that_fit_inside_the_hours() -> None:
    slots = slots_on(rules(weekly_hours={"tue": [["09:00", "10:45"], ["13:00", "14:00"]]}), TUESDAY)
    assert [s.starts_at for s in slots] == [local(TUESDAY, t) for t in ("09:00", "09:30", "10:00", "13:00", "13:30")]
    assert all(s.ends_at - s.starts_at == timedelta(minutes=30) for s in slots)


def test_weekends_holidays_and_days_without_hours_have_no_slots() -> None:
    assert slots_on(rules(), date(2026, 3, 14)) == []  # Saturday
    assert slots_on(rules(closed_days=frozenset({TUESDAY})), TUESDAY) == []


def test_slots_keep_their_local_time_across_the_spring_dst_change() -> None:
    every_day = {day: [["09:00", "10:00"]] for day in ("fri", "sat", "sun", "mon")}
    before = slots_on(rules(weekly_hours=every_day), date(2026, 3, 7))[0]  # Saturday, EST (UTC-5)
    after = slots_on(rules(weekly_hours=every_day), date(2026, 3, 8))[0]  # Sunday, clocks went forward: EDT
    assert before.starts_at == datetime(2026, 3, 7, 14, 0, tzinfo=UTC)
    assert after.starts_at == datetime(2026, 3, 8, 13, 0, tzinfo=UTC)


def test_local_times_that_do_not_exist_are_skipped_and_repeated_ones_offered_once() -> None:
    night = {"sun": [["01:00", "04:00"]]}
    spring = slots_on(rules(weekly_hours=night, slot_minutes=60), date(2026, 3, 8))
    assert [s.starts_at for s in spring] == [datetime(2026, 3, 8, 6, tzinfo=UTC), datetime(2026, 3, 8, 7, tzinfo=UTC)]
    autumn = slots_on(rules(weekly_hours=night, slot_minutes=60), date(2026, 11, 1))
    # 01:00 happens twice that night; it is offered once (the first time), then 02:00 and 03:00 EST.
    assert [s.starts_at for s in autumn] == [datetime(2026, 11, 1, 5, tzinfo=UTC), datetime(2026, 11, 1, 7, tzinfo=UTC),
                                             datetime(2026, 11, 1, 8, tzinfo=UTC)]


def test_the_lead_time_hides_slots_too_soon() -> None:
    today = bookable_slots(rules(), TUESDAY, NOW)
    assert [s.starts_at for s in today] == [local(TUESDAY, t) for t in ("11:00", "11:30")]
    with pytest.raises(OutsideBookingWindow, match="too soon"):
        require_bookable(rules(), local(TUESDAY, "10:30"), NOW)
    assert require_bookable(rules(), local(TUESDAY, "11:00"), NOW).starts_at == local(TUESDAY, "11:00")


def test_the_horizon_ends_bookings_a_number_of_days_ahead() -> None:
    days = bookable_days(rules(horizon_days=7), NOW)
    assert days[0] == TUESDAY and days[-1] == date(2026, 3, 17)
    assert date(2026, 3, 14) not in days  # Saturday
    with pytest.raises(OutsideBookingWindow, match="7 days ahead"):
        require_bookable(rules(horizon_days=7), local("2026-03-18", "09:00"), NOW)


def test_a_time_that_is_not_a_slot_is_refused() -> None:
    with pytest.raises(SlotUnavailable):
        require_bookable(rules(), local("2026-03-11", "09:10"), NOW)
    with pytest.raises(SlotUnavailable):
        require_bookable(rules(closed_days=frozenset({date(2026, 3, 11)})), local("2026-03-11", "09:00"), NOW)


def test_nonsense_schedules_are_refused() -> None:
    with pytest.raises(InvalidInput):
        rules(capacity=0)
    with pytest.raises(InvalidInput):
        rules(slot_minutes=2)


def test_booking_codes_are_typable_and_forgiving() -> None:
    code = new_booking_code()
    assert len(code) == 9 and code[4] == "-" and all(c in ALPHABET for c in code.replace("-", ""))
    assert normalise_code(code.lower().replace("-", " ")) == code
    assert normalise_code("k7m2-9qxd") == "K7M2-9QXD"
    assert normalise_code("O1IL-ABCD") == "0111-ABCD"  # letters that look like digits are read as digits
    assert normalise_code("ABC") is None
    assert normalise_code("https://example.org/whatever") is None

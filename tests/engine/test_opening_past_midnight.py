"""Opening hours that run past midnight, and when an office's day closes (domain only, no database)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from waitwell.domain.closing import closing_time, day_to_close, last_closing
from waitwell.domain.errors import InvalidInput
from waitwell.domain.hours import is_open, parse_opening_hours

NEW_YORK = "America/New_York"
NIGHTS = {"tue": [["20:00", "02:00"]], "wed": [["20:00", "02:00"]]}  # Tuesday 10 March 2026 is UTC-4
DAYS = {"tue": [["08:00", "12:00"], ["13:00", "17:00"]]}


def local(moment: str) -> datetime:
    return datetime.fromisoformat(moment).replace(tzinfo=ZoneInfo(NEW_YORK)).astimezone(UTC)


def test_a_period_past_midnight_is_kept_as_written() -> None:
    assert parse_opening_hours({"tue": [["20:00", "02:00"]], "wed": [["02:00", "04:00"]]}) == {
        "tue": [["20:00", "02:00"]], "wed": [["02:00", "04:00"]]}
    assert parse_opening_hours({"fri": [["09:00", "12:00"], ["18:00", "00:00"]]})["fri"][1] == ["18:00", "00:00"]


def test_booking_hours_refuse_a_period_past_midnight() -> None:
    with pytest.raises(InvalidInput) as raised:
        parse_opening_hours(NIGHTS, past_midnight=False)
    assert raised.value.message == "opening hours for tue: 20:00 is not before 02:00"


@pytest.mark.parametrize(("moment", "open_"), [
    ("2026-03-10 19:59", False), ("2026-03-10 20:00", True), ("2026-03-10 23:59", True),
    ("2026-03-11 00:00", True), ("2026-03-11 01:59", True), ("2026-03-11 02:00", False),
    ("2026-03-12 01:00", True),  # Wednesday's night
    ("2026-03-13 01:00", False),  # Thursday has no night
])
def test_a_night_office_is_open_across_midnight(moment: str, open_: bool) -> None:
    assert is_open(NIGHTS, NEW_YORK, local(moment)) is open_


def test_a_night_closes_the_next_morning_and_belongs_to_the_day_it_opened() -> None:
    assert closing_time(NIGHTS, NEW_YORK, date(2026, 3, 10)) == local("2026-03-11 02:00")
    assert closing_time(DAYS, NEW_YORK, date(2026, 3, 10)) == local("2026-03-10 17:00")
    assert closing_time({}, NEW_YORK, date(2026, 3, 10)) is None

    assert day_to_close(NIGHTS, NEW_YORK, local("2026-03-11 01:59")) == date(2026, 3, 10)
    assert day_to_close(NIGHTS, NEW_YORK, local("2026-03-11 02:00")) == date(2026, 3, 11)
    assert day_to_close({}, NEW_YORK, local("2026-03-11 01:00")) == date(2026, 3, 11)

    assert last_closing(NIGHTS, NEW_YORK, local("2026-03-11 01:59")) == (date(2026, 3, 4), local("2026-03-05 02:00"))
    assert last_closing(NIGHTS, NEW_YORK, local("2026-03-11 02:00")) == (date(2026, 3, 10), local("2026-03-11 02:00"))
    assert last_closing(NIGHTS, NEW_YORK, local("2026-03-12 23:00")) == (date(2026, 3, 11), local("2026-03-12 02:00"))
    assert last_closing(DAYS, NEW_YORK, local("2026-03-16 09:00")) == (date(2026, 3, 10), local("2026-03-10 17:00"))
    assert last_closing({}, NEW_YORK, local("2026-03-11 00:00")) is None  # no hours: never closes by itself

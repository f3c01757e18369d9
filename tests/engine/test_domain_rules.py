"""Plain domain rules: states, numbering, opening hours and clocks (no database)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from waitwell.domain.clock import SystemClock, VirtualClock
from waitwell.domain.errors import IllegalTransition, InvalidInput
from waitwell.domain.hours import is_open, parse_opening_hours
from waitwell.domain.numbering import format_number, is_valid_prefix, service_day
from waitwell.domain.states import ALLOWED_FROM, TicketState, require_ticket_state

# --- states ----------------------------------------------------------------------------------------


def test_final_states_allow_nothing_more() -> None:
    for state in (TicketState.DONE, TicketState.NO_SHOW, TicketState.CANCELLED):
        assert state.is_final
        assert all(state not in allowed for allowed in ALLOWED_FROM.values())


def test_every_operation_is_allowed_from_some_live_state() -> None:
    assert {op for op, allowed in ALLOWED_FROM.items() if allowed and not any(s.is_final for s in allowed)} == set(
        ALLOWED_FROM)


def test_an_illegal_state_names_the_ticket_its_state_and_what_is_needed() -> None:
    with pytest.raises(IllegalTransition) as raised:
        require_ticket_state("B012", TicketState.WAITING, "no_show")
    assert raised.value.message == "ticket B012 is waiting: only a ticket that is called can be marked as a no-show"


# --- numbering -------------------------------------------------------------------------------------


@pytest.mark.parametrize(("prefix", "sequence", "number"), [("A", 7, "A007"), ("TL", 42, "TL042"),
                                                             ("A", 999, "A999"), ("A", 1000, "A1000")])
def test_numbers_are_the_prefix_and_a_three_digit_sequence(prefix: str, sequence: int, number: str) -> None:
    assert format_number(prefix, sequence) == number


@pytest.mark.parametrize(("prefix", "valid"), [("A", True), ("TL", True), ("ABC", True), ("", False),
                                               ("ABCD", False), ("a", False), ("A1", False), ("É", False)])
def test_prefixes_are_one_to_three_capital_letters(prefix: str, valid: bool) -> None:
    assert is_valid_prefix(prefix) is valid


def test_service_day_is_the_local_calendar_day() -> None:
    late_evening = datetime(2026, 3, 11, 3, 30, tzinfo=UTC)  # 23:30 on 10 March in New York
    assert service_day(late_evening, "America/New_York") == date(2026, 3, 10)
    assert service_day(late_evening, "Europe/Paris") == date(2026, 3, 11)


def test_service_day_refuses_a_naive_time() -> None:
    with pytest.raises(ValueError, match="naive datetime"):
        service_day(datetime(2026, 3, 10, 12, 0), "America/New_York")


# --- opening hours ---------------------------------------------------------------------------------


def test_opening_hours_are_normalised() -> None:
    assert parse_opening_hours({"mon": [["08:00:00", "12:00"], ("13:00", "17:30")]}) == {
        "mon": [["08:00", "12:00"], ["13:00", "17:30"]]}
    assert parse_opening_hours({"tue": [["13:00", "17:00"], ["08:00", "12:00"]]}) == {  # in order; touching is fine
        "tue": [["08:00", "12:00"], ["13:00", "17:00"]]}
    assert parse_opening_hours({"wed": [["08:00", "12:00"], ["12:00", "16:00"]]})["wed"][1] == ["12:00", "16:00"]


@pytest.mark.parametrize(("raw", "message"), [
    (["mon"], "opening hours must be an object keyed by weekday"),
    ({"monday": []}, "unknown weekday 'monday'"),
    ({"mon": "08:00-17:00"}, "opening hours for mon must be a list of [open, close] pairs"),
    ({"tue": [["08:00"]]}, "opening hours for tue: ['08:00'] is not an [open, close] pair"),
    ({"wed": [["8am", "5pm"]]}, "opening hours for wed: '8am' is not a time like 08:30"),
    ({"thu": [["17:00", "17:00"]]}, "opening hours for thu: 17:00 is not before 17:00"),
    ({"thu": [["20:00", "02:00"], ["21:00", "22:00"]]}, "opening hours for thu: 20:00-02:00 and 21:00-22:00 overlap"),
    ({"thu": [["20:00", "02:00"]], "fri": [["01:00", "05:00"]]},
     "opening hours: thu 20:00-02:00 runs past midnight into fri 01:00-05:00; end it before fri opens"),
    ({"fri": [["11:00", "13:00"], ["08:00", "12:00"]]}, "opening hours for fri: 08:00-12:00 and 11:00-13:00 overlap"),
])
def test_faulty_opening_hours_are_refused_with_the_faulty_entry_named(raw: object, message: str) -> None:
    with pytest.raises(InvalidInput) as raised:
        parse_opening_hours(raw)
    assert message in raised.value.message


def test_opening_hours_are_read_in_local_time_across_a_dst_change() -> None:
    hours = {"sat": [["09:00", "12:00"]], "mon": [["09:00", "12:00"]]}
    # Saturday 7 March 2026 is UTC-5, Monday 9 March is UTC-4.
    assert is_open(hours, "America/New_York", datetime(2026, 3, 7, 14, 0, tzinfo=UTC))  # 09:00 EST
    assert not is_open(hours, "America/New_York", datetime(2026, 3, 7, 13, 59, tzinfo=UTC))
    assert is_open(hours, "America/New_York", datetime(2026, 3, 9, 13, 0, tzinfo=UTC))  # 09:00 EDT
    assert not is_open(hours, "America/New_York", datetime(2026, 3, 9, 16, 0, tzinfo=UTC))  # 12:00 EDT: closing
    assert not is_open(hours, "America/New_York", datetime(2026, 3, 8, 14, 0, tzinfo=UTC))  # Sunday: no hours


# --- clocks ----------------------------------------------------------------------------------------


def test_virtual_clock_moves_only_when_told() -> None:
    clock = VirtualClock(datetime(2026, 3, 10, 9, 0, tzinfo=UTC))
    assert clock.now() == clock.now() == datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
    assert clock.advance(minutes=90) == datetime(2026, 3, 10, 10, 30, tzinfo=UTC)
    assert clock.advance(timedelta(seconds=30)) == datetime(2026, 3, 10, 10, 30, 30, tzinfo=UTC)


def test_virtual_clock_refuses_to_go_backwards_or_to_be_naive() -> None:
    clock = VirtualClock(datetime(2026, 3, 10, 9, 0, tzinfo=UTC))
    with pytest.raises(ValueError, match="cannot go backwards"):
        clock.advance(minutes=-1)
    with pytest.raises(ValueError, match="naive datetime"):
        clock.set(datetime(2026, 3, 10, 9, 0))
    with pytest.raises(ValueError, match="naive datetime"):
        VirtualClock(datetime(2026, 3, 10, 9, 0))


def test_clocks_speak_utc() -> None:
    paris_morning = datetime(2026, 3, 10, 9, 0, tzinfo=ZoneInfo("Europe/Paris"))
    assert VirtualClock(paris_morning).now() == datetime(2026, 3, 10, 8, 0, tzinfo=UTC)
    assert VirtualClock(paris_morning).now().tzinfo is UTC
    assert SystemClock().now().tzinfo is UTC

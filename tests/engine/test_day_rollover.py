"""Daily numbering restarts at the office's local midnight, across daylight-saving changes; tokens stay unique."""

from __future__ import annotations

import base64
import re
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.engine.support import ticket_row
from tests.factories import issue, make_office
from waitwell.runtime import Runtime
from waitwell.services import counters, tickets

NEW_YORK = ZoneInfo("America/New_York")


def local(moment: str, zone: ZoneInfo = NEW_YORK, *, fold: int = 0) -> datetime:
    """'2026-03-08 01:59' in the office's zone, as the UTC instant it names (so adding hours adds real time)."""
    return datetime.fromisoformat(moment).replace(tzinfo=zone, fold=fold).astimezone(UTC)


def number_at(runtime: Runtime, service_id: int, moment: datetime) -> str:
    runtime.clock.set(moment)
    return tickets.issue_ticket(runtime.uow(), service_id=service_id).number


@pytest.mark.parametrize(("before_midnight", "after_midnight"), [
    ("2026-03-09 23:59", "2026-03-10 00:01"),  # an ordinary night (UTC-4)
    ("2026-03-07 23:59", "2026-03-08 00:01"),  # the night before clocks spring forward (UTC-5)
    ("2026-03-08 23:59", "2026-03-09 00:01"),  # the first night after (UTC-4: 04:00 UTC, not 05:00)
    ("2026-10-31 23:59", "2026-11-01 00:01"),  # the night before clocks fall back (UTC-4)
    ("2026-11-01 23:59", "2026-11-02 00:01"),  # the first night after (UTC-5: 05:00 UTC, not 04:00)
])
def test_numbering_restarts_at_local_midnight(any_runtime: Runtime, before_midnight: str, after_midnight: str) -> None:
    office = make_office(any_runtime)
    service = office.services["A"]
    any_runtime.clock.set(local(before_midnight) - timedelta(hours=2))
    issue(any_runtime, service, 2)
    assert number_at(any_runtime, service, local(before_midnight)) == "A003"
    assert number_at(any_runtime, service, local(after_midnight)) == "A001"
    assert number_at(any_runtime, service, local(after_midnight) + timedelta(minutes=1)) == "A002"


def test_numbering_does_not_restart_at_utc_midnight(any_runtime: Runtime) -> None:
    office = make_office(any_runtime)
    service = office.services["A"]
    assert number_at(any_runtime, service, datetime(2026, 3, 10, 23, 59, tzinfo=UTC)) == "A001"  # 19:59 local
    assert number_at(any_runtime, service, datetime(2026, 3, 11, 0, 1, tzinfo=UTC)) == "A002"  # 20:01 local


def test_the_sequence_carries_on_when_clocks_spring_forward(any_runtime: Runtime) -> None:
    office = make_office(any_runtime)
    service = office.services["A"]
    assert number_at(any_runtime, service, local("2026-03-08 01:59")) == "A001"  # 06:59 UTC
    assert number_at(any_runtime, service, local("2026-03-08 03:01")) == "A002"  # 07:01 UTC, two minutes later


def test_the_sequence_carries_on_through_the_repeated_hour_when_clocks_fall_back(any_runtime: Runtime) -> None:
    office = make_office(any_runtime)
    service = office.services["A"]
    first = local("2026-11-01 01:30", fold=0)  # 05:30 UTC, daylight time
    second = local("2026-11-01 01:30", fold=1)  # 06:30 UTC, the same wall time an hour later
    assert second - first == timedelta(hours=1)
    assert number_at(any_runtime, service, first) == "A001"
    assert number_at(any_runtime, service, second) == "A002"


@pytest.mark.parametrize(("day", "real_hours"), [("2026-03-08", 23), ("2026-11-01", 25)])
def test_a_whole_daylight_saving_day_is_one_unbroken_sequence(runtime: Runtime, day: str, real_hours: int) -> None:
    office = make_office(runtime)
    service = office.services["A"]
    start = local(f"{day} 00:00")
    moments = [start + timedelta(minutes=30 * i) for i in range(real_hours * 2)]
    numbers = [number_at(runtime, service, moment) for moment in moments]
    assert numbers == [f"A{n:03d}" for n in range(1, real_hours * 2 + 1)]
    assert number_at(runtime, service, start + timedelta(hours=real_hours)) == "A001"  # the next local midnight


def test_each_ticket_remembers_its_local_service_day(any_runtime: Runtime) -> None:
    office = make_office(any_runtime)
    any_runtime.clock.set(local("2026-11-01 23:59"))  # 04:59 UTC on 2 November
    ticket = issue(any_runtime, office.services["A"])[0]
    assert ticket_row(any_runtime, ticket.id).service_day == date(2026, 11, 1)


def test_numbering_follows_the_offices_own_timezone(any_runtime: Runtime) -> None:
    kolkata = ZoneInfo("Asia/Kolkata")  # UTC+05:30: midnight there is 18:30 UTC
    office = make_office(any_runtime, name="Pune RTO", timezone="Asia/Kolkata")
    service = office.services["A"]
    assert number_at(any_runtime, service, local("2026-03-10 23:59", kolkata)) == "A001"
    assert number_at(any_runtime, service, local("2026-03-11 00:01", kolkata)) == "A001"


def test_yesterdays_numbers_do_not_show_as_last_called_today(any_runtime: Runtime) -> None:
    office = make_office(any_runtime)
    any_runtime.clock.set(local("2026-03-09 16:00"))
    issue(any_runtime, office.services["A"])
    called = counters.call_next(any_runtime.uow(), counter_id=office.counters["Counter 1"])
    counters.complete(any_runtime.uow(), ticket_id=called.id)
    any_runtime.clock.set(local("2026-03-10 08:00"))
    today = issue(any_runtime, office.services["A"])[0]
    assert today.number == "A001"
    status = tickets.ticket_status(any_runtime.uow(read_only=True), token=today.token)
    assert status.last_called_number is None


def test_status_tokens_are_unique_url_safe_and_carry_at_least_128_random_bits(runtime: Runtime) -> None:
    office = make_office(runtime)
    issued = issue(runtime, office.services["A"], 150) + issue(runtime, office.services["B"], 150)
    tokens = [t.token for t in issued]
    assert len(set(tokens)) == len(tokens)
    for token in tokens:
        assert re.fullmatch(r"[A-Za-z0-9_-]+", token), token
        assert len(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))) * 8 >= 128
    # Tokens reveal nothing in common: no shared prefix beyond chance.
    assert len({token[:4] for token in tokens}) > 250

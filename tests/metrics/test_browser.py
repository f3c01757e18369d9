"""The supervisor dashboard, the reports page and the public /waits page in real headless Chromium.

Screenshots go to test-artifacts/metrics/ to be looked at as a supervisor and a citizen would.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.conftest import DEFAULT_START
from tests.factories import PASSWORD, OfficeSetup, make_office, make_staff
from tests.metrics.office_day import Morning, play
from waitwell.domain.clock import VirtualClock
from waitwell.persistence import Role
from waitwell.runtime import Runtime
from waitwell.services import counters, offices, tickets
from waitwell.services.metrics.past_days import forget_cache
from waitwell.services.metrics.stored_estimates import IssueEstimateRecorder

pytestmark = pytest.mark.browser

HOURS = {day: [["08:00", "16:30"]] for day in ("mon", "tue", "wed", "thu", "fri")}
MORNING = Morning(arrivals_per_hour={"A": 22, "B": 10, "R": 9}, service_minutes={"A": 7, "B": 11, "R": 9},
                  transfer_to={"A": "B"})
PAST_TUESDAYS_8AM = [datetime(2026, 2, 24, 13, 0, tzinfo=UTC), datetime(2026, 3, 3, 13, 0, tzinfo=UTC)]  # EST
TODAY_8AM = DEFAULT_START - timedelta(hours=2)  # 08:00 EDT, Tuesday 10 March 2026
LAPTOP = {"width": 1440, "height": 900}
PHONE = {"width": 390, "height": 844}


@dataclass(frozen=True)
class Offices:
    hartford: OfficeSetup
    norwich: OfficeSetup


@pytest.fixture(scope="module")
def prepared(tmp_path_factory, sqlite_template) -> tuple[Path, Offices]:
    """Built once for the module: two earlier Tuesday mornings at Hartford, today from 08:00 to 10:00 (each
    ticket's estimate at issue kept), and Norwich, open on Saturdays only. Each test gets a copy."""
    path = tmp_path_factory.mktemp("metrics-browser") / "waitwell.db"
    shutil.copyfile(sqlite_template, path)
    clock = VirtualClock(PAST_TUESDAYS_8AM[0] - timedelta(hours=1))
    runtime = Runtime(f"sqlite:///{path}", clock=clock)
    try:
        hartford = make_office(runtime, name="Hartford DMV", opening_hours=HOURS, open_counters=False,
                               services=(("Licence renewal", "A"), ("Title and registration", "B"),
                                         ("Road test", "R")),
                               counters={"Counter 1": ["A", "B"], "Counter 2": ["B"], "Counter 3": ["A", "R"],
                                         "Counter 4": ["A"]})
        for prefix, target in (("A", 20), ("B", 30), ("R", 15)):
            offices.update_service(runtime.uow(), service_id=hartford.services[prefix], target_wait_minutes=target)
        for seed, start in enumerate(PAST_TUESDAYS_8AM):
            play(runtime, clock, hartford, start, 120, MORNING, seed=seed)
        clock.set(TODAY_8AM - timedelta(days=3))  # Saturday 7 March
        norwich = make_office(runtime, name="Norwich DMV", opening_hours={"sat": [["09:00", "12:00"]]},
                              services=(("Licence renewal", "A"),), counters={"Counter 1": ["A"]})
        issue_and_call(runtime, clock, norwich, wait_minutes=18)
        IssueEstimateRecorder(runtime).subscribe(runtime.bus, in_background=False)  # the clock jumps: keep up
        play(runtime, clock, hartford, TODAY_8AM, 120, MORNING, seed=7, close_at_end=False)
    finally:
        runtime.dispose()
    return path, Offices(hartford, norwich)


@pytest.fixture
def sqlite_url(tmp_path, prepared) -> str:
    """This module's tests start from a copy of the prepared day (the clock fixture says 10:00 today)."""
    path = tmp_path / "waitwell.db"
    shutil.copyfile(prepared[0], path)
    forget_cache()
    return f"sqlite:///{path}"


@pytest.fixture
def busy_morning(prepared) -> OfficeSetup:
    return prepared[1].hartford


def issue_and_call(runtime, clock, office: OfficeSetup, *, wait_minutes: float) -> None:
    ticket = tickets.issue_ticket(runtime.uow(), service_id=office.services["A"])
    clock.advance(minutes=wait_minutes)
    counters.call_next(runtime.uow(), counter_id=office.counters["Counter 1"])
    counters.complete(runtime.uow(), ticket_id=ticket.id)


def signed_in_page(browser, runtime, url: str, office_ids: list[int], viewport: dict[str, int]):
    member = make_staff(runtime, office_ids, role=Role.SUPERVISOR, username="maria")
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    response = page.request.post(f"{url}/api/v1/auth/sign-in",
                                 data={"username": member.username, "password": PASSWORD})
    assert response.ok, response.text()
    return page


def tile_value(page, label: str) -> str:
    return page.locator(".tile", has=page.locator(".tile-label", has_text=label)).locator(".tile-value").inner_text()


def test_dashboard_shows_today_live_and_answers_what_if(chromium, runtime, busy_morning, live, artifacts_dir):
    office = busy_morning
    page = signed_in_page(chromium, runtime, live.url, [office.office_id], LAPTOP)
    page.goto(f"{live.url}/dashboard/{office.office_id}")
    page.wait_for_selector("#live[data-state='live']", timeout=10000)
    page.wait_for_function("() => window.Chart && Chart.getChart('arrivals-chart')")
    assert page.locator("#office-clock").inner_text().startswith("Tuesday 2026-03-10 · 10:00")
    road_test = page.locator("#services tbody tr", has_text="Road test")
    assert "over target" in road_test.inner_text().lower()  # one counter shares A and R: the R line waits too long
    assert page.locator("#counters tbody tr").count() == 4
    assert re.match(r"\d+%", page.locator("#counters tbody tr").first.locator("td.util").inner_text())
    assert "Estimates given at issue" in page.locator("#accuracy").inner_text()
    assert "first call" in page.locator("#definitions").inner_text()
    page.screenshot(path=str(artifacts_dir / "dashboard.png"), full_page=True)

    waiting_before = int(tile_value(page, "Waiting now"))
    tickets.issue_ticket(runtime.uow(), service_id=office.services["B"])  # someone takes a ticket at the kiosk
    page.wait_for_function(
        "n => document.querySelector('.tile .tile-value') && "
        "Number(document.querySelector('.tile .tile-value').textContent) === n",
        arg=waiting_before + 1, timeout=10000)

    page.select_option("#what-if-service", str(office.services["R"]))
    page.click("#what-if button[type=submit]")
    page.wait_for_selector("#what-if-result table", timeout=20000)
    rows = page.locator("#what-if-result tbody tr")
    assert [rows.nth(i).locator("th").inner_text() for i in range(rows.count())] == [
        "as now (1)", "one more (2)", "one fewer (0)"]
    page.locator("#what-if-result").scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts_dir / "dashboard-what-if.png"), full_page=True)
    page.context.close()


def test_reports_page_for_a_week(chromium, runtime, busy_morning, live, artifacts_dir):
    hartford = busy_morning
    page = signed_in_page(chromium, runtime, live.url, [hartford.office_id], LAPTOP)
    page.goto(f"{live.url}/dashboard/{hartford.office_id}/reports?from=2026-02-23&to=2026-03-09&group_by=day")
    table = page.locator("#report")
    assert table.locator("tbody tr").count() == 16  # 15 days and the total
    assert "Tue 24 Feb 2026" in table.inner_text()
    page.screenshot(path=str(artifacts_dir / "reports-by-day.png"), full_page=True)
    page.goto(f"{live.url}/dashboard/{hartford.office_id}/reports?from=2026-02-23&to=2026-03-09&group_by=counter")
    assert "Utilisation" in page.locator("#report thead").inner_text()
    with page.expect_download() as download:
        page.click("text=Download every ticket leg (CSV)")
    assert download.value.suggested_filename.endswith("-legs-2026-02-23_2026-03-09.csv")
    page.screenshot(path=str(artifacts_dir / "reports-by-counter.png"), full_page=True)
    page.context.close()


def test_public_waits_page(chromium, runtime, clock, busy_morning, live, artifacts_dir):
    clock.advance(minutes=5)
    offices.add_service(runtime.uow(), office_id=busy_morning.office_id, name="Road-test check-in", prefix="RC")
    for viewport, name in ((LAPTOP, "waits.png"), (PHONE, "waits-phone.png")):
        page = chromium.new_page(viewport=viewport)
        page.goto(f"{live.url}/waits")
        hartford = page.locator("section.office", has_text="Hartford DMV")
        assert "Open" in hartford.locator(".status").inner_text()
        assert re.search(r"\d+ min", hartford.locator("tr", has_text="Licence renewal").inner_text())
        norwich = page.locator("section.office", has_text="Norwich DMV")
        assert norwich.locator(".status").inner_text() == "Closed now"
        assert "Closed" in norwich.locator("td.figure").inner_text()
        # Every column fits the screen: on a phone "No customers called yet" pushed "Last updated" off it.
        assert page.evaluate("[...document.querySelectorAll('table')].every(t => t.scrollWidth <= "
                             "t.parentElement.clientWidth)")
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
        page.screenshot(path=str(artifacts_dir / name), full_page=True)
        page.close()


def test_public_waits_page_marks_a_figure_with_no_recent_call_as_not_current(chromium, clock, busy_morning, live,
                                                                            artifacts_dir):
    clock.advance(hours=2)  # noon: still open, but (in this copy of the day) nobody called since 09:59
    page = chromium.new_page(viewport=LAPTOP)
    page.goto(f"{live.url}/waits")
    row = page.locator("section.office", has_text="Hartford DMV").locator("tr", has_text="Licence renewal")
    assert "not current" in row.inner_text() and "No one called for over 60 min" in row.inner_text()
    assert re.search(r"09:\d\d", row.inner_text())
    page.screenshot(path=str(artifacts_dir / "waits-stale.png"), full_page=True)
    page.close()

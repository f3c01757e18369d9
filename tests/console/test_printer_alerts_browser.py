"""Printer alerts in real headless Chromium: the console and the supervisor dashboard show a printer out of paper
and the ticket that did not print, live, and the Reprint button sends it again. Screenshots in
test-artifacts/console/."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests

from tests.console.test_console_browser import sign_in_at_counter
from tests.factories import PASSWORD, make_office, make_staff
from tests.kiosk.support import KioskSetup, make_kiosk
from tests.printers.fake_printer import FakeNetworkPrinter
from tests.printers.profiles import read_ticket
from tests.printing.support import PROFILE, network_printer, start_fast_worker, ticket_jobs
from tests.support.live import LiveServer
from tests.support.waiting import DEADLINE_SECONDS, wait_until
from waitwell.persistence import Role
from waitwell.printing.worker import PrintWorker
from waitwell.services import print_jobs

pytestmark = pytest.mark.browser

LIVE_WAIT_MS = 15_000  # shorter than the pages' 30 s fallback fetch: what arrives in time came over the socket


@pytest.fixture
def office(runtime):
    return make_office(runtime, services=(("Licence renewal", "A"), ("Title and registration", "B")),
                       counters={"Counter 1": ["A", "B"], "Counter 2": ["B"]}, open_counters=False)


@pytest.fixture
def printer() -> Iterator[FakeNetworkPrinter]:
    with FakeNetworkPrinter(paper="out") as out_of_paper:
        yield out_of_paper


@pytest.fixture
def kiosk(runtime, office, printer: FakeNetworkPrinter) -> KioskSetup:
    return make_kiosk(runtime, printer=network_printer(printer.port), office=office)


@pytest.fixture
def worker(app, kiosk: KioskSetup) -> Iterator[PrintWorker]:
    started = start_fast_worker(app)
    started.status_interval = 0.3  # the idle printer is asked how it is every 0.3 s (30 s in production)
    yield started
    started.stop()


def tap(live: LiveServer, kiosk: KioskSetup, key: str) -> dict[str, Any]:
    answer = requests.post(f"{live.url}/api/v1/kiosks/{kiosk.kiosk.id}/tickets",
                           json={"service_id": kiosk.office.services["A"], "idempotency_key": key}, timeout=10)
    assert answer.status_code == 201, answer.text
    return answer.json()


def open_dashboard(chromium: Any, live: LiveServer, username: str, office_id: int) -> Any:
    page = chromium.new_context(viewport={"width": 1366, "height": 900}).new_page()
    page.goto(f"{live.url}/sign-in")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.press("#password", "Enter")
    page.wait_for_url(f"{live.url}/console/")
    page.goto(f"{live.url}/dashboard/{office_id}")
    page.wait_for_function("document.getElementById('live').dataset.state === 'live'",
                           timeout=DEADLINE_SECONDS * 1000)
    return page


def unprinted_state(page: Any, number: str) -> str:
    row = page.locator(f"#unprinted li[data-number='{number}']")
    return row.locator(".unprinted-state").inner_text() if row.count() else ""


def test_the_console_shows_the_printer_problem_live_and_reprints_the_ticket(chromium, live, runtime, office, kiosk,
                                                                             printer, worker, clock, artifacts_dir):
    make_staff(runtime, [office.office_id], username="maria")
    make_staff(runtime, [office.office_id], role=Role.SUPERVISOR, username="sam")
    page = sign_in_at_counter(chromium, live, "maria", "Counter 1")
    page.wait_for_selector("#printer-alerts li[data-problem='paper_out']", timeout=LIVE_WAIT_MS)
    assert page.locator("#printer-problems").inner_text().startswith(
        "Entrance printer is out of paper. Tickets are not printing: load a new roll.")

    issued = tap(live, kiosk, "tap-browser-0001")  # the kiosk cannot print it: the visitor got a QR code on screen
    page.wait_for_function("document.querySelector(\"#unprinted li[data-number='A001']\")", timeout=LIVE_WAIT_MS)
    assert unprinted_state(page, "A001") == "not printed yet, trying again · Entrance printer"
    page.wait_for_selector("#waiting tr[data-number='A001']", timeout=LIVE_WAIT_MS)  # the line, live too
    page.screenshot(path=artifacts_dir / "01-console-paper-out.png")

    dashboard = open_dashboard(chromium, live, "sam", office.office_id)  # opened after: no need of the live feed
    dashboard.wait_for_selector("#unprinted li[data-number='A001']", timeout=DEADLINE_SECONDS * 1000)
    assert "Entrance printer is out of paper" in dashboard.locator("#printer-problems").inner_text()
    dashboard.screenshot(path=artifacts_dir / "02-dashboard-paper-out.png")

    clock.advance(minutes=3)  # older than the give-up time: the next failed attempt gives it up
    page.wait_for_function("document.querySelector(\"#unprinted li[data-number='A001'] .unprinted-state\")"
                           "?.textContent.startsWith('not printed, given up')", timeout=LIVE_WAIT_MS)
    printer.paper = "ok"  # a new roll: the printer problem clears by itself, the given-up ticket stays listed
    page.wait_for_selector("#printer-problems-block", state="hidden", timeout=LIVE_WAIT_MS)
    dashboard.wait_for_selector("#printer-problems-block", state="hidden", timeout=LIVE_WAIT_MS)
    assert page.locator("#printer-alerts").is_visible()
    page.screenshot(path=artifacts_dir / "03-console-given-up.png")

    page.locator("#unprinted li[data-number='A001'] button", has_text="Reprint").click()
    page.wait_for_function("document.getElementById('printer-alerts-notice').textContent === "
                           "'A001 is being printed again at Entrance printer.'")
    assert page.locator("#unprinted li").count() == 0
    page.screenshot(path=artifacts_dir / "04-console-reprinted.png")
    wait_until(lambda: ticket_jobs(printer), timeout=20, message="the reprinted ticket on paper")
    paper = read_ticket(ticket_jobs(printer)[0], PROFILE)
    assert paper.reads("A001") and paper.reads("REPRINT")  # the visitor's paper says it is a second copy
    newest = print_jobs.job_for_ticket(runtime.uow(), ticket_id=print_jobs.get_print_job(
        runtime.uow(), issued["print"]["job_id"]).ticket_id)
    assert newest is not None
    wait_until(lambda: print_jobs.get_print_job(runtime.uow(), newest.id).state == "printed", timeout=20,
               message="the reprint recorded as printed")
    dashboard.wait_for_selector("#printer-alerts", state="hidden", timeout=LIVE_WAIT_MS)  # nothing left to say

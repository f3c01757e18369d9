"""The status page on a phone-sized headless Chromium: live updates, the turn alert, the rating."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.display.conftest import PHONE
from tests.factories import issue
from waitwell.services import counters

pytestmark = pytest.mark.browser

# Record what the page asks of the phone: headless Chromium has no vibrator and shows no notifications.
RECORD_ALERTS = """
window.__alerts = {vibrations: [], notifications: []};
navigator.vibrate = function (pattern) { window.__alerts.vibrations.push(pattern); return true; };
window.Notification = function (title, options) { window.__alerts.notifications.push(title); };
window.Notification.permission = "granted";
window.Notification.requestPermission = function () { return Promise.resolve("granted"); };
if (window.ServiceWorkerRegistration) {
  ServiceWorkerRegistration.prototype.showNotification = function (title) {
    window.__alerts.notifications.push(title);
    return Promise.resolve();
  };
}
"""


def open_status(chromium: Any, url: str, token: str, *, javascript: bool = True) -> Any:
    context = chromium.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True,
                                   java_script_enabled=javascript)
    context.add_init_script(RECORD_ALERTS)
    page = context.new_page()
    page.goto(f"{url}/t/{token}")
    return page


def test_status_page_turns_into_its_your_turn(chromium, live, office, runtime, clerk_http, artifacts_dir: Path):
    first, mine = issue(runtime, office.services["A"], 2, minutes_apart=3)
    page = open_status(chromium, live.url, mine.token)
    try:
        page.wait_for_function("window.waitwellStatus && window.waitwellStatus.state === 'waiting'")
        assert page.text_content("[data-state=waiting] [data-field=people_ahead]") == "1"
        page.screenshot(path=str(artifacts_dir / "status-phone-waiting.png"), full_page=True)

        runtime.clock.advance(minutes=2)
        response = clerk_http.post(f"{live.url}/api/v1/counters/{office.counters['Counter 1']}/call-next")
        assert response.json()["number"] == first.number
        page.wait_for_function("document.querySelector('[data-field=people_ahead]').textContent === '0'")
        assert page.text_content("[data-state=waiting] [data-field=last_called]") == first.number
        page.screenshot(path=str(artifacts_dir / "status-phone-next.png"), full_page=True)

        response = clerk_http.post(f"{live.url}/api/v1/counters/{office.counters['Counter 3']}/call-next")
        assert response.json()["number"] == mine.number
        page.wait_for_selector("#turn:not([hidden])")
        assert "It's your turn" in page.text_content("#turn")
        assert "Counter 3" in page.text_content("#turn")
        alerts = page.evaluate("window.__alerts")
        assert alerts["vibrations"], "the phone was not asked to vibrate"
        assert alerts["notifications"] == ["It's your turn"]
        page.screenshot(path=str(artifacts_dir / "status-phone-your-turn.png"), full_page=True)
    finally:
        page.context.close()


def test_a_transferred_ticket_shows_its_new_line_without_a_reload(chromium, live, office, runtime):
    """The page kept the old service's name until reloaded (found by exploratory testing)."""
    (mine,) = issue(runtime, office.services["A"])
    page = open_status(chromium, live.url, mine.token)
    try:
        page.wait_for_function("window.waitwellStatus && window.waitwellStatus.state === 'waiting'")
        before = page.text_content(".ticket [data-field=service]")
        counters.transfer(runtime.uow(), ticket_id=mine.id, to_service_id=office.services["B"])
        page.wait_for_function(f"document.querySelector('.ticket [data-field=service]').textContent !== {before!r}")
        assert page.text_content(".ticket [data-field=service]") == "Title and registration"
        assert page.text_content(".ticket [data-field=number]") == mine.number
    finally:
        page.context.close()


def test_after_service_the_citizen_can_rate_the_visit(chromium, live, office, runtime, artifacts_dir: Path):
    (mine,) = issue(runtime, office.services["A"])
    called = counters.call_next(runtime.uow(), counter_id=office.counters["Counter 1"])
    page = open_status(chromium, live.url, mine.token)
    try:
        page.wait_for_selector("#turn:not([hidden])")
        counters.complete(runtime.uow(), ticket_id=called.id)
        page.wait_for_selector("[data-state=done]:not([hidden])")
        assert page.is_hidden("#turn")
        page.screenshot(path=str(artifacts_dir / "status-phone-thank-you.png"), full_page=True)
        page.click("button.star[value='4']")
        page.wait_for_selector("text=Thank you for your rating.")
    finally:
        page.context.close()


def test_without_javascript_the_page_still_shows_the_state(chromium, live, office, runtime):
    _first, mine = issue(runtime, office.services["A"], 2)
    page = open_status(chromium, live.url, mine.token, javascript=False)
    try:
        assert page.text_content("[data-state=waiting] [data-field=people_ahead]") == "1"
        assert page.is_visible("text=Cancel my ticket")
        page.click("text=Cancel my ticket")
        page.click("text=Yes, cancel my ticket")
        page.wait_for_selector("text=This ticket is cancelled.")
    finally:
        page.context.close()


def test_unknown_ticket_page_is_friendly(chromium, live, artifacts_dir: Path):
    page = open_status(chromium, live.url, "not-a-real-ticket")
    try:
        assert "We cannot find this ticket" in page.text_content("h1")
        page.screenshot(path=str(artifacts_dir / "status-phone-not-found.png"), full_page=True)
    finally:
        page.context.close()

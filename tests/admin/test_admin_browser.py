"""The sign-in, administration and audit pages in real headless Chromium: screenshots to look at as staff would."""

from __future__ import annotations

from typing import Any

import pytest

from tests.console.test_console_browser import COUNTER_PC
from tests.factories import PASSWORD, issue, make_office, make_staff
from tests.support.live import LiveServer
from waitwell.domain.recalls import RecallRules
from waitwell.persistence import Role
from waitwell.services import counters, displays, kiosks, printers, recall_rules

pytestmark = pytest.mark.browser
WIDE = {"width": 1440, "height": 900}


def signed_in_page(browser: Any, live: LiveServer, username: str, viewport: dict[str, int] = WIDE) -> Any:
    page = browser.new_context(viewport=viewport).new_page()
    page.goto(f"{live.url}/sign-in")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.press("#password", "Enter")
    page.wait_for_load_state()
    return page


def test_sign_in_page_and_a_refusal(chromium, live, runtime, artifacts_dir):
    make_staff(runtime, [], role=Role.ADMIN, username="root")
    page = chromium.new_context(viewport=COUNTER_PC).new_page()
    page.goto(f"{live.url}/sign-in")
    page.screenshot(path=artifacts_dir / "01-sign-in.png")
    page.fill("#username", "root")
    page.fill("#password", "wrong password")
    page.press("#password", "Enter")
    page.wait_for_selector(".error")
    assert page.locator(".error").inner_text() == "Wrong username or password."
    page.screenshot(path=artifacts_dir / "02-sign-in-refused.png")


def test_administration_pages(chromium, live, runtime, clock, artifacts_dir):
    office = make_office(runtime, services=(("Licence renewal", "A"), ("Title and registration", "B"),
                                            ("Road test", "R")),
                         counters={"Counter 1": ["A", "B"], "Counter 2": ["B"], "Counter 3": ["R"]},
                         opening_hours={day: [["08:00", "12:00"], ["13:00", "16:30"]]
                                        for day in ("mon", "tue", "wed", "thu", "fri")})
    recall_rules.set_recall_rules(runtime.uow(), office_id=office.office_id,
                                  rules=RecallRules(min_seconds_between_recalls=30, max_recalls=3,
                                                    auto_no_show_after_recalls=2))
    printer = printers.add_printer(runtime.uow(), office_id=office.office_id, name="Entrance printer",
                                   connection="preview", profile="TM-T88V")
    kiosks.register_kiosk(runtime.uow(), office_id=office.office_id, name="Entrance left",
                          service_ids=[office.services["A"], office.services["B"]], printer_id=printer.id)
    displays.register_display(runtime.uow(), office_id=office.office_id, name="Main hall TV",
                              languages=["en-US", "es-US"])
    make_staff(runtime, [], role=Role.ADMIN, username="root")
    make_staff(runtime, [office.office_id], role=Role.SUPERVISOR, username="sam")
    issue(runtime, office.services["A"], 3)
    counters.call_next(runtime.uow(), counter_id=office.counters["Counter 1"])

    page = signed_in_page(chromium, live, "root")
    assert page.url.endswith("/admin/")
    page.screenshot(path=artifacts_dir / "03-admin-offices.png", full_page=True)
    page.goto(f"{live.url}/admin/offices/{office.office_id}")
    page.screenshot(path=artifacts_dir / "04-admin-office.png", full_page=True)
    page.fill("#mon", "8-12")
    page.get_by_role("button", name="Save").click()
    page.wait_for_selector(".flash-error")
    assert "Monday: '8-12' is not a period like 08:00-12:00." in page.inner_text(".flash-error")
    page.screenshot(path=artifacts_dir / "05-admin-office-refused.png")
    page.goto(f"{live.url}/admin/offices/{office.office_id}/services")
    page.screenshot(path=artifacts_dir / "06-admin-services.png", full_page=True)
    page.goto(f"{live.url}/admin/offices/{office.office_id}/devices")
    page.screenshot(path=artifacts_dir / "07-admin-devices.png", full_page=True)
    page.goto(f"{live.url}/admin/printers/{printer.id}")
    page.wait_for_function("document.querySelector('img.ticket-preview').naturalWidth > 0")
    page.screenshot(path=artifacts_dir / "08-admin-printer.png", full_page=True)
    page.goto(f"{live.url}/admin/users")
    page.screenshot(path=artifacts_dir / "09-admin-users.png", full_page=True)

    supervisor = signed_in_page(chromium, live, "sam")
    supervisor.goto(f"{live.url}/audit/")
    assert "admin.office.update" in supervisor.inner_text("table")
    supervisor.screenshot(path=artifacts_dir / "10-audit-log.png", full_page=True)

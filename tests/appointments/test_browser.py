"""In real headless Chromium: book on a phone, receive the email, check in at the kiosk, get called.

Screenshots go to test-artifacts/appointments/ (phone size for booking, kiosk size for check-in).
"""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from tests.appointments.conftest import KIOSK_PORTRAIT, PHONE, Mailbox, SmtpServer
from tests.appointments.support import booker, local, make_bookable_office
from tests.printers.fake_printer import FakeNetworkPrinter
from tests.printers.profiles import read_ticket
from tests.printing.support import PROFILE, network_printer, start_fast_worker, ticket_jobs
from tests.support.live import LiveServer
from tests.support.waiting import wait_until
from waitwell.appointments.settings import MAIL_KEY
from waitwell.domain.clock import VirtualClock
from waitwell.runtime import Runtime
from waitwell.services import counters, kiosks, printers
from waitwell.services.appointments import booking

pytestmark = pytest.mark.browser
SLOT = local("2026-03-10", "11:00")  # the clock starts at 10:00 that Tuesday


def scan(page: Any, code: str) -> None:
    """A USB barcode scanner: the QR content as key presses within a millisecond or two, then Enter.

    Dispatched in one go in the page, so a busy test machine cannot stretch the gaps between keys
    beyond what the kiosk takes for a scanner (a person typing is slower).
    """
    page.evaluate("""(code) => {
        for (const key of [...code, "Enter"]) {
            document.dispatchEvent(new KeyboardEvent("keydown", {key: key, bubbles: true}));
        }
    }""", code)


def phone_page(chromium: Any) -> Any:
    context = chromium.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
    return context.new_page()


def test_book_on_a_phone_get_the_email_check_in_at_the_kiosk_and_get_called(
    chromium: Any, runtime: Runtime, clock: VirtualClock, app: Flask, smtp_server: SmtpServer, mailbox: Mailbox,
    artifacts_dir: Path,
) -> None:
    office = make_bookable_office(runtime)
    with FakeNetworkPrinter() as printer, LiveServer(app) as live:
        app.config[MAIL_KEY] = smtp_server.settings()
        app.config["WAITWELL"].public_base_url = live.url
        worker = start_fast_worker(app)
        printer_id = printers.add_printer(runtime.uow(), office_id=office.office_id, name="Entrance printer",
                                          **network_printer(printer.port)).id
        kiosk = kiosks.register_kiosk(runtime.uow(), office_id=office.office_id, name="Entrance",
                                      service_ids=[office.service_id, office.other_service_id], printer_id=printer_id)
        try:
            code, manage_url = _book_on_the_phone(chromium, live, artifacts_dir)
            _read_the_email(mailbox, code, manage_url)
            clock.set(SLOT - timedelta(minutes=8))  # 10:52: the check-in window is open
            number, status_url = _check_in_at_the_kiosk(chromium, live, kiosk.id, code, artifacts_dir)
            paper = read_ticket(wait_until(lambda: ticket_jobs(printer), message="paper")[0], PROFILE)
            assert paper.reads(number) and [q.payload for q in paper.qr_codes] == [status_url]
            _get_called(chromium, runtime, clock, office.office.counters["Counter 1"], status_url, number,
                        artifacts_dir)
        finally:
            worker.stop()


def _book_on_the_phone(chromium: Any, live: LiveServer, artifacts_dir: Path) -> tuple[str, str]:
    page = phone_page(chromium)
    page.goto(f"{live.url}/book/")
    page.get_by_role("heading", name="What do you need?").wait_for()
    page.screenshot(path=str(artifacts_dir / "1-phone-services.png"), full_page=True)
    page.get_by_role("link", name="Licence renewal").click()
    page.get_by_role("heading", name="Choose a day").wait_for()
    page.screenshot(path=str(artifacts_dir / "2-phone-days.png"), full_page=True)
    page.get_by_role("link", name="Tue 10 Mar").click()
    page.get_by_role("heading", name="Choose a time").wait_for()
    assert page.get_by_role("link", name=re.compile(r"^10:45")).count() == 0  # inside the 1-hour lead time
    page.screenshot(path=str(artifacts_dir / "3-phone-times.png"), full_page=True)
    page.get_by_role("link", name=re.compile(r"^11:00")).click()
    page.get_by_role("heading", name="Your details").wait_for()
    page.get_by_label("Your name").fill("Ana Pérez")
    page.get_by_label("Email").fill("ana@example.org")
    page.screenshot(path=str(artifacts_dir / "4-phone-details.png"), full_page=True)
    page.get_by_role("button", name="Book this time").click()
    page.get_by_role("heading", name="Your appointment is booked").wait_for()
    page.screenshot(path=str(artifacts_dir / "5-phone-confirmation.png"), full_page=True)
    code = page.locator("#booking-code").inner_text().strip()
    assert re.fullmatch(r"[0-9A-Z]{4}-[0-9A-Z]{4}", code)
    assert page.get_by_text("Check in from 10:45").is_visible()
    manage_url = page.url.split("?")[0]
    page.context.close()
    return code, manage_url


def _read_the_email(mailbox: Mailbox, code: str, manage_url: str) -> None:
    [message] = mailbox.wait_for(1)
    assert message["To"] == "ana@example.org" and code in message["Subject"]
    text = message.get_body(preferencelist=("plain",)).get_content()
    assert manage_url in text and f"Booking code: {code}" in text


def _check_in_at_the_kiosk(chromium: Any, live: LiveServer, kiosk_id: int, code: str,
                           artifacts_dir: Path) -> tuple[str, str]:
    page = chromium.new_page(viewport=KIOSK_PORTRAIT)
    page.goto(f"{live.url}/kiosk/{kiosk_id}")
    page.get_by_role("button", name="Licence renewal").wait_for()
    page.get_by_role("button", name="I have an appointment").click()
    page.get_by_label("Booking code").fill(code.lower().replace("-", ""))  # typed the way people type
    page.screenshot(path=str(artifacts_dir / "6-kiosk-code-typed.png"))
    page.get_by_role("button", name="Check in").click()
    page.locator("#result-number").filter(has_text="A001").wait_for()
    page.locator("#print-message").filter(has_text="Please take your ticket below.").wait_for(timeout=10000)
    page.screenshot(path=str(artifacts_dir / "7-kiosk-checked-in.png"))
    status_url = page.locator("#result-qr").get_attribute("data-payload")
    assert status_url and status_url.startswith(f"{live.url}/t/")
    page.close()
    return "A001", status_url


def _get_called(chromium: Any, runtime: Runtime, clock: VirtualClock, counter_id: int, status_url: str,
                number: str, artifacts_dir: Path) -> None:
    page = phone_page(chromium)
    page.goto(status_url)
    page.locator("p.number").filter(has_text=number).wait_for()
    page.screenshot(path=str(artifacts_dir / "8-phone-waiting.png"), full_page=True)
    clock.set(SLOT)
    assert counters.call_next(runtime.uow(), counter_id=counter_id).number == number
    turn = page.get_by_role("heading", name="It's your turn")
    try:
        turn.wait_for(timeout=8000)  # the live feed
    except Exception:  # noqa: BLE001 - without the live feed the page shows it on reload
        page.reload()
        turn.wait_for()
    assert page.get_by_text("Counter 1").first.is_visible()
    page.screenshot(path=str(artifacts_dir / "9-phone-called.png"), full_page=True)
    page.context.close()


def test_a_barcode_scanner_checks_in_from_the_start_screen_and_too_late_gets_a_walk_in_offer(
    chromium: Any, runtime: Runtime, clock: VirtualClock, app: Flask, artifacts_dir: Path
) -> None:
    office = make_bookable_office(runtime)
    kiosk = kiosks.register_kiosk(runtime.uow(), office_id=office.office_id, name="Entrance",
                                  service_ids=[office.service_id, office.other_service_id])
    on_time = booking.book(runtime.uow(), service_id=office.service_id, starts_at=SLOT, booker=booker())
    late = booking.book(runtime.uow(), service_id=office.service_id, starts_at=SLOT + timedelta(minutes=15),
                           booker=booker("Bo"))
    with LiveServer(app) as live:
        page = chromium.new_page(viewport=KIOSK_PORTRAIT)
        page.goto(f"{live.url}/kiosk/{kiosk.id}")
        page.get_by_role("button", name="Licence renewal").wait_for()
        clock.set(SLOT - timedelta(minutes=5))
        scan(page, on_time.code)
        page.locator("#result-number").filter(has_text="A001").wait_for()

        page.get_by_role("button", name="Done").click()
        clock.set(SLOT + timedelta(minutes=40))  # 25 minutes after Bo's 11:15 slot
        page.get_by_role("button", name="Español").click()
        scan(page, late.code)
        offer = page.get_by_role("button", name="Tomar un turno para Licence renewal")
        offer.wait_for()
        assert "Su cita era a las 11:15" in page.locator("#appointment-message").inner_text()
        page.screenshot(path=str(artifacts_dir / "10-kiosk-too-late-spanish.png"))
        offer.click()
        page.locator("#result-number").filter(has_text="A002").wait_for()
        page.close()


def test_staff_see_the_days_bookings_and_book_for_a_caller(
    chromium: Any, runtime: Runtime, clock: VirtualClock, app: Flask, artifacts_dir: Path
) -> None:
    from tests.factories import PASSWORD, make_staff
    from waitwell.persistence import Role

    office = make_bookable_office(runtime, capacity=2)
    for name, address in (("Zelda Quintana", "zelda@example.org"), ("Bo Li", None)):
        booking.book(runtime.uow(), service_id=office.service_id, starts_at=local("2026-03-10", "11:15"),
                     booker=booker(name, address, "+1 860 555 0100" if address is None else None),
                     origin="web" if address else "staff")
    make_staff(runtime, [office.office_id], role=Role.SUPERVISOR, username="supervisor")
    with LiveServer(app) as live:
        page = chromium.new_page(viewport={"width": 1280, "height": 900})
        page.goto(f"{live.url}/sign-in?next=/staff/appointments/")
        page.get_by_label("Username").fill("supervisor")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.get_by_role("heading", name=re.compile("Licence renewal")).wait_for()
        row = page.locator('tr[data-slot="20260310T151500Z"]')
        assert "Zelda Quintana" in row.inner_text() and "2 / 2" in row.inner_text()
        slot = page.locator('tr[data-slot="20260310T154500Z"]')
        slot.get_by_text("Book for a caller").click()
        slot.get_by_label("Name").fill("Caller on the phone")
        slot.get_by_role("button", name="Book", exact=True).click()
        page.get_by_text("Booked: code").wait_for()
        assert "Caller on the phone" in page.locator('tr[data-slot="20260310T154500Z"]').inner_text()
        page.screenshot(path=str(artifacts_dir / "11-staff-day.png"), full_page=True)
        page.close()

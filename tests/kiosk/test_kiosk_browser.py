"""The kiosk in real headless Chromium, portrait and landscape: tap, number and QR, language, idle, printer failure.

Screenshots go to test-artifacts/kiosk/ to be looked at as a visitor would.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from tests.kiosk.conftest import LANDSCAPE, PORTRAIT
from tests.kiosk.support import make_kiosk
from tests.printers.fake_printer import FakeNetworkPrinter
from tests.printers.profiles import read_ticket
from tests.printing.support import PROFILE, network_printer, ticket_jobs
from tests.support.live import LiveServer
from tests.support.ports import free_port
from tests.support.waiting import wait_until
from waitwell.persistence import Service, Ticket
from waitwell.runtime import Runtime

pytestmark = pytest.mark.browser
SERVICES = (("Driver licence renewal", "A"), ("Vehicle title and registration", "B"))


def open_kiosk(chromium: Any, live: LiveServer, kiosk_id: int, viewport: dict[str, int]) -> Any:
    page = chromium.new_page(viewport=viewport)
    page.goto(f"{live.url}/kiosk/{kiosk_id}")
    page.get_by_role("button", name="Driver licence renewal").wait_for()
    return page


def ticket_count(runtime: Runtime) -> int:
    with runtime.uow(read_only=True) as uow:
        return int(uow.session.scalar(select(func.count()).select_from(Ticket)) or 0)


@pytest.mark.parametrize(("orientation", "viewport"), [("portrait", PORTRAIT), ("landscape", LANDSCAPE)])
def test_tap_shows_number_and_the_same_qr_as_the_paper(
    chromium: Any, live_kiosk: LiveServer, runtime: Runtime, artifacts_dir: Path, orientation: str,
    viewport: dict[str, int],
) -> None:
    with FakeNetworkPrinter() as printer:
        setup = make_kiosk(runtime, printer=network_printer(printer.port), services=SERVICES)
        page = open_kiosk(chromium, live_kiosk, setup.kiosk.id, viewport)
        page.screenshot(path=str(artifacts_dir / f"start-{orientation}.png"))
        button = page.get_by_role("button", name="Driver licence renewal")
        assert button.bounding_box()["height"] >= 57  # 15 mm at CSS's 96 dpi

        button.click()
        page.locator("#result-number").filter(has_text="A001").wait_for()
        page.locator("#print-message").filter(has_text="Please take your ticket below.").wait_for()
        qr = page.locator("#result-qr")
        wait_until(lambda: page.evaluate("document.getElementById('result-qr').naturalWidth") > 0, message="QR")
        paper = read_ticket(ticket_jobs(printer)[0], PROFILE)
        assert [code.payload for code in paper.qr_codes] == [qr.get_attribute("data-payload")]
        assert "Your number is A001" in page.locator("#live").inner_text()
        page.screenshot(path=str(artifacts_dir / f"result-{orientation}.png"))
        page.close()


def test_language_switch_keyboard_tap_and_idle_reset(
    chromium: Any, live_kiosk: LiveServer, runtime: Runtime, artifacts_dir: Path
) -> None:
    # Long enough for the checks below to run inside each window on a busy machine.
    setup = make_kiosk(runtime, printer=None, services=SERVICES, idle_reset_seconds=12, result_seconds=6)
    page = open_kiosk(chromium, live_kiosk, setup.kiosk.id, PORTRAIT)
    page.get_by_role("button", name="Español").click()
    page.get_by_text("Toque el servicio que necesita para tomar un turno").wait_for()
    assert page.evaluate("document.documentElement.lang") == "es"
    assert page.get_by_role("button", name="Tengo una cita").is_visible()
    page.screenshot(path=str(artifacts_dir / "start-spanish-portrait.png"))

    page.get_by_role("button", name="Vehicle title and registration").focus()
    page.keyboard.press("Enter")
    page.locator("#result-number").filter(has_text="B001").wait_for()
    assert page.locator("#result-ahead").inner_text() == "Usted es el siguiente"
    assert page.evaluate("document.activeElement.id") == "result-title"  # focus moves to the result
    page.screenshot(path=str(artifacts_dir / "result-spanish-no-printer-portrait.png"))

    # The result goes away by itself, then the idle timer brings back the default language.
    page.get_by_text("Touch the service you need to take a ticket").wait_for(timeout=40_000)
    assert page.evaluate("document.documentElement.lang") == "en"
    assert page.locator("#start").is_visible()


def test_printer_failure_screen_shows_a_big_qr_and_plain_words(
    chromium: Any, live_kiosk: LiveServer, runtime: Runtime, artifacts_dir: Path
) -> None:
    setup = make_kiosk(runtime, printer=network_printer(free_port()), services=SERVICES)
    for orientation, viewport in (("portrait", PORTRAIT), ("landscape", LANDSCAPE)):
        page = open_kiosk(chromium, live_kiosk, setup.kiosk.id, viewport)
        page.get_by_role("button", name="Driver licence renewal").click()
        message = page.locator("#print-message")
        message.filter(has_text="The printer is not working right now").wait_for()
        assert "Your ticket is valid." in message.inner_text()
        qr_box = page.locator("#result-qr").bounding_box()
        assert qr_box["width"] >= 400  # about 11 cm on a 24" full-HD screen: scans from a phone at arm's length
        page.screenshot(path=str(artifacts_dir / f"printer-failure-{orientation}.png"))
        page.close()
    assert ticket_count(runtime) == 2  # both tickets stay valid


def test_a_tap_whose_answer_is_lost_is_issued_once(chromium: Any, live_kiosk: LiveServer, runtime: Runtime) -> None:
    setup = make_kiosk(runtime, printer=None, services=SERVICES)
    page = open_kiosk(chromium, live_kiosk, setup.kiosk.id, PORTRAIT)
    lost: list[str] = []
    retried: list[dict[str, Any]] = []

    def drop_first_answer(route: Any) -> None:
        if not lost:
            route.fetch()  # the server issues the ticket ...
            lost.append(route.request.post_data or "")
            route.abort("connectionreset")  # ... and the answer never reaches the kiosk
        else:
            answer = route.fetch()
            retried.append(answer.json())
            route.fulfill(response=answer)

    page.route("**/api/v1/kiosks/*/tickets", drop_first_answer)
    page.get_by_role("button", name="Driver licence renewal").click()
    page.locator("#result-number").filter(has_text="A001").wait_for()
    # The kiosk stops tapping once it has an answer: the one retry, answered as the same tap again, is the last.
    assert lost and [(answer["number"], answer["replayed"]) for answer in retried] == [("A001", True)]
    assert ticket_count(runtime) == 1


def test_reconnecting_banner_during_a_server_restart_and_recovery(
    chromium: Any, app: Any, runtime: Runtime, artifacts_dir: Path
) -> None:
    setup = make_kiosk(runtime, printer=None, services=SERVICES)
    first = LiveServer(app).__enter__()
    page = open_kiosk(chromium, first, setup.kiosk.id, LANDSCAPE)
    first.__exit__(None, None, None)  # the server goes away
    page.evaluate("window.dispatchEvent(new Event('online'))")  # ask at once instead of in 15 s
    banner = page.locator("#connection")
    banner.filter(has_text="Reconnecting to the server").wait_for()
    page.screenshot(path=str(artifacts_dir / "reconnecting-landscape.png"))

    page.get_by_role("button", name="Driver licence renewal").click()  # a tap while the server is down
    page.locator("#busy-text").filter(has_text="Reconnecting").wait_for()
    with LiveServer(app, port=first.port):  # back on the same address: the page recovers by itself
        page.locator("#result-number").filter(has_text="A001").wait_for(timeout=20000)
        banner.wait_for(state="hidden")
    assert ticket_count(runtime) == 1


MANY_SERVICES = tuple((f"{name}", prefix) for name, prefix in (
    ("Licence renewal", "A"), ("Registration", "B"), ("New licence", "C"), ("Title", "D"),
    ("Road-test check-in", "E"), ("Permits", "F"), ("Plates and placards", "G"), ("Records", "H")))


def describe_every_service(runtime: Runtime) -> None:
    """Descriptions as an office writes them: two lines on a portrait kiosk."""
    with runtime.uow() as uow:
        for service in uow.session.scalars(select(Service)):
            service.description = "Renew, replace or change what you already have, or ask about the documents needed."
        uow.commit()


@pytest.mark.parametrize(("orientation", "viewport"), [("portrait", PORTRAIT), ("landscape", LANDSCAPE)])
def test_eight_services_all_show_without_scrolling(
    chromium: Any, live_kiosk: LiveServer, runtime: Runtime, artifacts_dir: Path, orientation: str,
    viewport: dict[str, int],
) -> None:
    """A visitor does not guess that the list scrolls: with five long services the fifth was off screen."""
    setup = make_kiosk(runtime, printer=None, services=MANY_SERVICES)
    describe_every_service(runtime)
    page = chromium.new_page(viewport=viewport)
    page.goto(f"{live_kiosk.url}/kiosk/{setup.kiosk.id}")
    page.get_by_role("button", name="Records").wait_for()
    page.screenshot(path=str(artifacts_dir / f"eight-services-{orientation}.png"))
    for name, _ in MANY_SERVICES:
        box = page.get_by_role("button", name=name).bounding_box()
        assert box["y"] >= 0 and box["y"] + box["height"] <= viewport["height"], (name, box)
        assert box["height"] >= 57  # still a touch target of 15 mm
    assert page.locator("#more-services").is_hidden()
    page.close()


def test_when_even_the_densest_layout_is_too_long_the_kiosk_says_more_are_below(
    chromium: Any, live_kiosk: LiveServer, runtime: Runtime, artifacts_dir: Path,
) -> None:
    services = tuple((f"Service {index}", chr(ord("A") + index)) for index in range(24))
    setup = make_kiosk(runtime, printer=None, services=services)
    page = chromium.new_page(viewport=LANDSCAPE)
    page.goto(f"{live_kiosk.url}/kiosk/{setup.kiosk.id}")
    page.get_by_role("button", name="Service 23").wait_for(state="attached")
    hint = page.locator("#more-services")
    hint.wait_for()
    assert "More services below" in hint.inner_text()
    page.screenshot(path=str(artifacts_dir / "many-services-landscape.png"))
    page.close()


def test_the_spanish_screen_uses_the_office_s_spanish_service_names(
    chromium: Any, live_kiosk: LiveServer, runtime: Runtime,
) -> None:
    setup = make_kiosk(runtime, printer=None, services=SERVICES)
    with runtime.uow() as uow:
        uow.session.get(Service, setup.office.services["A"]).names = {"es": "Renovación de licencia"}
        uow.commit()
    page = open_kiosk(chromium, live_kiosk, setup.kiosk.id, PORTRAIT)
    page.get_by_role("button", name="Español").click()
    page.get_by_role("button", name="Renovación de licencia").click()
    page.locator("#result-number").filter(has_text="A001").wait_for()
    assert page.locator("#result-service").inner_text() == "Renovación de licencia"
    page.close()

"""The kiosk in Chromium while its database is cut off (the server answers 503) and while the server cannot
be reached: it says in words that a ticket can still be taken, keeps the tap, and issues it once the database
is back; a kiosk switched on during the outage shows a page in its language that comes back by itself."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from tests.database_outage import ServedThroughProxy, served_through_proxy
from tests.kiosk.conftest import PORTRAIT
from tests.kiosk.support import make_kiosk
from waitwell.persistence import Ticket

pytestmark = [pytest.mark.browser, pytest.mark.postgres]
SERVICES = (("Driver licence renewal", "A"), ("Vehicle title and registration", "B"))
TAPS_KEPT = "You can still take a ticket: touch your service and wait a moment."
WAIT = 60_000  # ms: generous, for a busy machine; a passing run takes a fraction of it


@pytest.fixture
def served(postgres_url: str, tmp_path: Path) -> Iterator[ServedThroughProxy]:
    with served_through_proxy(postgres_url, tmp_path / "instance") as served:
        yield served


def check_connection_now(page: Any) -> None:
    """What the browser does when the network comes back; otherwise the page looks every 15 s by itself."""
    page.evaluate("window.dispatchEvent(new Event('online'))")


def test_a_tap_during_an_outage_is_kept_and_issued_once_the_database_is_back(
    chromium: Any, served: ServedThroughProxy, artifacts_dir: Path
) -> None:
    setup = make_kiosk(served.runtime, printer=None, services=SERVICES)
    page = chromium.new_page(viewport=PORTRAIT)
    page.goto(f"{served.live.url}/kiosk/{setup.kiosk.id}")
    button = page.get_by_role("button", name="Driver licence renewal")
    button.wait_for()

    served.proxy.cut()  # the server still answers: 503 from every request that needs the database
    check_connection_now(page)
    banner = page.locator("#connection")
    banner.filter(has_text=TAPS_KEPT).wait_for(timeout=WAIT)
    assert "Reconnecting to the server…" in banner.inner_text()
    page.screenshot(path=str(artifacts_dir / "database-outage-start.png"))
    button.click()
    page.locator("#busy-text").filter(has_text="Reconnecting… please wait, your ticket will not be lost").wait_for()
    page.screenshot(path=str(artifacts_dir / "database-outage-tap.png"))

    served.proxy.restore()
    page.locator("#result-number").filter(has_text="A001").wait_for(timeout=WAIT)
    banner.wait_for(state="hidden", timeout=WAIT)
    with served.runtime.uow(read_only=True) as uow:
        assert uow.session.scalar(select(func.count()).select_from(Ticket)) == 1  # one tap, one ticket

    page.get_by_role("button", name="Done").click()
    page.route("**/api/v1/kiosks/**", lambda route: route.abort("connectionrefused"))  # the server is gone
    check_connection_now(page)
    banner.filter(has_text=TAPS_KEPT).wait_for(timeout=WAIT)
    page.get_by_role("button", name="Español").click()
    banner.filter(has_text="Puede tomar un turno igualmente: toque su servicio y espere un momento.").wait_for()
    page.close()


def test_a_kiosk_switched_on_during_an_outage_shows_a_page_in_its_language_and_comes_back_by_itself(
    chromium: Any, served: ServedThroughProxy, artifacts_dir: Path
) -> None:
    setup = make_kiosk(served.runtime, printer=None, services=SERVICES)
    served.proxy.cut()
    context = chromium.new_context(viewport=PORTRAIT, locale="es-ES")
    page = context.new_page()
    answer = page.goto(f"{served.live.url}/kiosk/{setup.kiosk.id}")
    assert answer is not None and answer.status == 503
    page.get_by_role("heading", name="Servicio no disponible por un momento").wait_for()
    assert "Esta página vuelve a intentarlo sola" in page.locator("body").inner_text()
    page.screenshot(path=str(artifacts_dir / "database-outage-switched-on.png"))

    served.proxy.restore()
    page.get_by_role("button", name="Driver licence renewal").wait_for(timeout=WAIT)  # nobody touched it
    context.close()

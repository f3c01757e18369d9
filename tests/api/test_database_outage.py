"""PostgreSQL cut off under a running app: 503 with Retry-After (JSON for the API, a page in the visitor's
language for a person), then the same requests answered again once it is back, without a restart."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from tests.database_outage import BROWSER, ServedThroughProxy, served_through_proxy
from tests.factories import PASSWORD, make_staff
from tests.kiosk.support import make_kiosk
from waitwell.persistence import Role

pytestmark = pytest.mark.postgres
SPANISH_PAGE = {**BROWSER, "Accept-Language": "es-ES,es;q=0.9"}


@pytest.fixture
def served(postgres_url: str, tmp_path: Path) -> Iterator[ServedThroughProxy]:
    with served_through_proxy(postgres_url, tmp_path / "instance") as served:
        yield served


def tap_key() -> str:
    return "tap-" + uuid.uuid4().hex


def test_an_outage_is_503_with_retry_after_and_the_same_requests_work_again_after_it(
    served: ServedThroughProxy,
) -> None:
    setup = make_kiosk(served.runtime)
    service_id = setup.office.services["A"]
    clerk = make_staff(served.runtime, [setup.office.office_id], role=Role.CLERK)
    url = served.live.url
    board, tap_url = f"{url}/api/v1/kiosks/{setup.kiosk.id}/board", f"{url}/api/v1/kiosks/{setup.kiosk.id}/tickets"
    kiosk_page = f"{url}/kiosk/{setup.kiosk.id}"
    issued = requests.post(tap_url, json={"service_id": service_id, "idempotency_key": tap_key()}, timeout=30)
    assert issued.status_code == 201, issued.text
    status_page = f"{url}/t/{issued.json()['status_url'].rsplit('/t/', 1)[1].split('?')[0]}"
    with requests.Session() as staff:
        signed_in = staff.post(f"{url}/api/v1/auth/sign-in", json={"username": clerk.username, "password": PASSWORD},
                               timeout=30)
        assert signed_in.status_code == 200, signed_in.text
        assert staff.get(f"{url}/console/", headers=BROWSER, timeout=30).status_code == 200  # pooled connections

        served.proxy.cut()
        key = tap_key()
        for answer in (requests.get(board, timeout=30),
                       requests.post(tap_url, json={"service_id": service_id, "idempotency_key": key}, timeout=30),
                       staff.get(f"{url}/api/v1/offices/{setup.office.office_id}/tickets", timeout=30)):
            assert answer.status_code == 503, answer.text
            assert answer.headers["Retry-After"] == "10"
            assert answer.json() == {"error": {
                "code": "database_unavailable",
                "message": "the database cannot be reached right now; please try again in a few seconds"}}
        for page in (requests.get(status_page, headers=SPANISH_PAGE, timeout=30),
                     requests.get(kiosk_page, headers=SPANISH_PAGE, timeout=30)):
            assert page.status_code == 503 and page.headers["Retry-After"] == "10"
            assert page.headers["Content-Type"].startswith("text/html")
            text = page.text
            assert '<html lang="es">' in text and "Servicio no disponible por un momento" in text
            assert "Estamos volviendo a conectar" in text and "Los turnos ya tomados conservan su lugar" in text
            assert '<meta http-equiv="refresh" content="10">' in text  # the page tries again by itself
        console = staff.get(f"{url}/console/", headers=BROWSER, timeout=30)  # a staff page, signed in
        assert console.status_code == 503 and "Service is briefly unavailable" in console.text
        assert "Internal Server Error" not in console.text

        served.proxy.restore()
        # At once, on the first try: the connections the cut killed are replaced, not used for one more error.
        assert requests.get(board, timeout=30).status_code == 200
        retried = requests.post(tap_url, json={"service_id": service_id, "idempotency_key": key}, timeout=30)
        assert retried.status_code == 201 and retried.json()["number"] == "A002", retried.text
        assert requests.get(status_page, headers=SPANISH_PAGE, timeout=30).status_code == 200
        assert requests.get(kiosk_page, headers=SPANISH_PAGE, timeout=30).status_code == 200
        assert staff.get(f"{url}/console/", headers=BROWSER, timeout=30).status_code == 200
        assert staff.get(f"{url}/api/v1/offices/{setup.office.office_id}/tickets", timeout=30).status_code == 200


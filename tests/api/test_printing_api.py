"""Admin and staff endpoints for printers, kiosks and print jobs."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from tests.api.conftest import Clerk, Hartford
from tests.api.support import assert_error

PREVIEW_PRINTER = {"name": "Lobby printer", "connection": "file", "settings": {"device_path": "/dev/usb/lp0"}}


def add_printer(client: FlaskClient, hartford: Hartford, admin_auth: dict[str, str]) -> dict:
    response = client.post(f"/api/v1/offices/{hartford.office.office_id}/printers", headers=admin_auth,
                           json=PREVIEW_PRINTER)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def add_kiosk(client: FlaskClient, hartford: Hartford, admin_auth: dict[str, str], printer_id: int | None) -> dict:
    response = client.post(f"/api/v1/offices/{hartford.office.office_id}/kiosks", headers=admin_auth,
                           json={"name": "Entrance", "service_ids": [hartford.office.services["A"]],
                                 "printer_id": printer_id})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_an_admin_registers_a_printer_that_staff_can_list(client: FlaskClient, hartford: Hartford, clerk: Clerk,
                                                          admin_auth: dict[str, str]) -> None:
    printer = add_printer(client, hartford, admin_auth)
    assert (printer["name"], printer["connection"], printer["paper_width_mm"], printer["status"]) == (
        "Lobby printer", "file", 80, "unknown")
    listed = client.get(f"/api/v1/offices/{hartford.office.office_id}/printers", headers=clerk.auth)
    assert listed.status_code == 200
    assert [p["name"] for p in listed.get_json()] == ["Lobby printer"]


def test_an_admin_registers_a_kiosk_whose_taps_become_print_jobs(client: FlaskClient, hartford: Hartford,
                                                                 clerk: Clerk, admin_auth: dict[str, str]) -> None:
    printer = add_printer(client, hartford, admin_auth)
    kiosk = add_kiosk(client, hartford, admin_auth, printer["id"])
    assert (kiosk["name"], kiosk["printer_id"], kiosk["active"]) == ("Entrance", printer["id"], True)
    jobs_url = f"/api/v1/offices/{hartford.office.office_id}/print-jobs"
    assert client.get(jobs_url, headers=clerk.auth).get_json() == []

    tap = client.post(f"/api/v1/kiosks/{kiosk['id']}/tickets",
                      json={"service_id": hartford.office.services["A"], "idempotency_key": "api-test-tap-01"})
    assert tap.status_code == 201
    jobs = client.get(jobs_url, headers=clerk.auth).get_json()
    assert [(j["number"], j["printer_id"], j["state"]) for j in jobs] == [("A001", printer["id"], "queued")]
    assert client.get(f"{jobs_url}?kiosk_id={kiosk['id'] + 1}", headers=clerk.auth).get_json() == []


@pytest.mark.parametrize(("body", "code", "mention"), [
    ({**PREVIEW_PRINTER, "connection": "bluetooth"}, "invalid_request", "connection: Must be one of"),
    ({**PREVIEW_PRINTER, "paper_width_mm": 72}, "invalid_request", "paper_width_mm: Must be one of: 58, 80."),
    ({"connection": "file"}, "invalid_request", "name: Missing data for required field."),
    ({**PREVIEW_PRINTER, "cutter": True}, "invalid_request", "cutter: Unknown field."),
])
def test_registering_a_printer_says_what_is_wrong(client: FlaskClient, hartford: Hartford,
                                                  admin_auth: dict[str, str], body: dict, code: str,
                                                  mention: str) -> None:
    response = client.post(f"/api/v1/offices/{hartford.office.office_id}/printers", headers=admin_auth, json=body)
    assert_error(response, 422, code, mention)


def test_registering_a_kiosk_says_what_is_wrong(client: FlaskClient, hartford: Hartford,
                                                admin_auth: dict[str, str]) -> None:
    url = f"/api/v1/offices/{hartford.office.office_id}/kiosks"
    assert_error(client.post(url, headers=admin_auth, json={"name": "K", "service_ids": []}), 422,
                 "invalid_request", "service_ids: Shorter than minimum length 1.")
    response = client.post(url, headers=admin_auth,
                           json={"name": "K", "service_ids": [hartford.other.services["A"]]})
    assert response.status_code == 422 and str(hartford.other.services["A"]) in response.get_json()["error"]["message"]
    assert response.status_code < 500


def test_printers_and_kiosks_are_set_up_by_admins_and_seen_by_their_office(
    client: FlaskClient, hartford: Hartford, clerk: Clerk
) -> None:
    office, other = hartford.office.office_id, hartford.other.office_id
    assert_error(client.post(f"/api/v1/offices/{office}/printers", headers=clerk.auth, json=PREVIEW_PRINTER), 403,
                 "not_authorized", "this needs the admin role")
    assert_error(client.post(f"/api/v1/offices/{office}/kiosks", headers=clerk.auth,
                             json={"name": "K", "service_ids": [1]}), 403, "not_authorized")
    assert_error(client.get(f"/api/v1/offices/{other}/printers", headers=clerk.auth), 403, "not_authorized")
    assert_error(client.get(f"/api/v1/offices/{other}/print-jobs", headers=clerk.auth), 403, "not_authorized")
    assert_error(client.get(f"/api/v1/offices/{office}/print-jobs"), 401, "not_signed_in")
    assert_error(client.get(f"/api/v1/offices/{office}/print-jobs?limit=0", headers=clerk.auth), 422,
                 "invalid_request", "limit: Must be greater than or equal to 1 and less than or equal to 500.")

"""Admin endpoints that set an office up: offices, services (and switching one off) and counters."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from tests.api.conftest import Clerk, Hartford
from tests.api.support import assert_error


def test_an_admin_creates_an_office_with_its_timezone_and_hours(client: FlaskClient,
                                                                admin_auth: dict[str, str]) -> None:
    response = client.post("/api/v1/offices", headers=admin_auth, json={
        "name": "Waterbury DMV", "timezone": "America/New_York", "opening_hours": {"mon": [["08:00", "16:30"]]},
        "refuse_tickets_when_closed": True})
    assert response.status_code == 201
    office = response.get_json()
    assert (office["name"], office["timezone"], office["refuse_tickets_when_closed"]) == (
        "Waterbury DMV", "America/New_York", True)
    assert office["opening_hours"] == {"mon": [["08:00", "16:30"]]}
    assert office["id"] in [o["id"] for o in client.get("/api/v1/offices").get_json()]


def test_an_admin_adds_a_service_and_a_counter_that_starts_closed(client: FlaskClient, hartford: Hartford,
                                                                  admin_auth: dict[str, str]) -> None:
    office = hartford.office.office_id
    service = client.post(f"/api/v1/offices/{office}/services", headers=admin_auth,
                          json={"name": "Registration", "prefix": "RG", "target_wait_minutes": 15})
    assert service.status_code == 201
    assert (service.get_json()["prefix"], service.get_json()["active"]) == ("RG", True)
    counter = client.post(f"/api/v1/offices/{office}/counters", headers=admin_auth,
                          json={"name": "Counter 9", "service_ids": [service.get_json()["id"]]})
    assert counter.status_code == 201
    assert (counter.get_json()["state"], counter.get_json()["service_ids"]) == ("closed", [service.get_json()["id"]])
    issued = client.post("/api/v1/tickets", json={"service_id": service.get_json()["id"]}, headers=admin_auth)
    assert issued.get_json()["number"] == "RG001"


def test_switching_a_service_off_stops_its_tickets(client: FlaskClient, hartford: Hartford,
                                                   admin_auth: dict[str, str]) -> None:
    service_id = hartford.office.services["B"]
    response = client.patch(f"/api/v1/services/{service_id}", headers=admin_auth, json={"active": False})
    assert (response.status_code, response.get_json()["active"]) == (200, False)
    assert response.get_json()["name"] == "Title", "only the fields given change"
    assert_error(client.post("/api/v1/tickets", json={"service_id": service_id}, headers=admin_auth), 409,
                 "service_inactive")


@pytest.mark.parametrize(("method", "path", "body"), [
    ("POST", "/api/v1/offices", {"name": "X", "timezone": "UTC"}),
    ("POST", "/api/v1/offices/{office}/services", {"name": "X", "prefix": "X"}),
    ("PATCH", "/api/v1/services/{service}", {"active": False}),
    ("POST", "/api/v1/offices/{office}/counters", {"name": "X", "service_ids": [1]}),
])
def test_setting_up_needs_the_admin_role(client: FlaskClient, hartford: Hartford, clerk: Clerk, method: str,
                                         path: str, body: dict) -> None:
    url = path.format(office=hartford.office.office_id, service=hartford.office.services["A"])
    assert_error(client.open(url, method=method, json=body), 401, "not_signed_in")
    assert_error(client.open(url, method=method, json=body, headers=clerk.auth), 403, "not_authorized",
                 "this needs the admin role; you are signed in as clerk")


@pytest.mark.parametrize(("body", "code", "mention"), [
    ({"name": "X", "timezone": "Mars/Olympus"}, "invalid_input", "'Mars/Olympus' is not an IANA timezone"),
    ({"name": "X"}, "invalid_request", "timezone: Missing data for required field."),
    ({"name": "", "timezone": "UTC"}, "invalid_request", "name: Length must be between 1 and 120."),
    ({"name": "X", "timezone": "UTC", "opening_hours": {"mon": [["17:00", "17:00"]]}}, "invalid_input",
     "opening hours for mon: 17:00 is not before 17:00"),
    ({"name": "X", "timezone": "UTC", "opening_hours": {"funday": []}}, "invalid_input", "unknown weekday 'funday'"),
    ({"name": "X", "timezone": "UTC", "colour": "blue"}, "invalid_request", "colour: Unknown field."),
])
def test_creating_an_office_says_what_is_wrong(client: FlaskClient, admin_auth: dict[str, str], body: dict,
                                               code: str, mention: str) -> None:
    assert_error(client.post("/api/v1/offices", headers=admin_auth, json=body), 422, code, mention)


@pytest.mark.parametrize(("body", "code", "mention"), [
    ({"name": "X", "prefix": "x1"}, "invalid_input", "ticket prefix 'x1' must be 1 to 3 capital letters"),
    ({"name": "X", "prefix": "X", "target_wait_minutes": 0}, "invalid_input", "at least 1 minute"),
    ({"name": "X", "prefix": "X", "priority_weight": 50}, "invalid_input", "between 0.1 and 10"),
    ({"name": "X", "prefix": "X", "target_wait_minutes": "20"}, "invalid_request",
     "target_wait_minutes: Not a valid integer."),
    ({"prefix": "X"}, "invalid_request", "name: Missing data for required field."),
])
def test_adding_a_service_says_what_is_wrong(client: FlaskClient, hartford: Hartford, admin_auth: dict[str, str],
                                             body: dict, code: str, mention: str) -> None:
    response = client.post(f"/api/v1/offices/{hartford.office.office_id}/services", headers=admin_auth, json=body)
    assert_error(response, 422, code, mention)


def test_changing_a_service_says_what_is_wrong(client: FlaskClient, hartford: Hartford,
                                               admin_auth: dict[str, str]) -> None:
    url = f"/api/v1/services/{hartford.office.services['A']}"
    assert_error(client.patch(url, headers=admin_auth, json={"priority_weight": 0}), 422, "invalid_input",
                 "between 0.1 and 10")
    assert_error(client.patch(url, headers=admin_auth, json={"prefix": "Z"}), 422, "invalid_request",
                 "prefix: Unknown field.")
    assert_error(client.patch(url, headers=admin_auth, json={"active": "nope"}), 422, "invalid_request",
                 "active: Not a valid boolean.")


@pytest.mark.parametrize(("body", "code", "mention"), [
    ({"name": "Counter 1", "service_ids": ["A"]}, "invalid_request", "service_ids.0: Not a valid integer."),
    ({"name": "Counter 9", "service_ids": []}, "invalid_request", "service_ids: Shorter than minimum length 1."),
    ({"name": "Counter 9", "service_ids": [4040]}, "invalid_input", "Hartford DMV has no service 4040"),
    ({"name": "Counter 1", "service_ids": ["other"]}, "invalid_input", "Hartford DMV already has a counter named"),
])
def test_adding_a_counter_says_what_is_wrong(client: FlaskClient, hartford: Hartford, admin_auth: dict[str, str],
                                             body: dict, code: str, mention: str) -> None:
    if body["service_ids"] == ["other"]:
        body = {**body, "service_ids": [hartford.office.services["A"]]}
    response = client.post(f"/api/v1/offices/{hartford.office.office_id}/counters", headers=admin_auth, json=body)
    assert_error(response, 422, code, mention)


def test_a_counter_cannot_serve_another_offices_service(client: FlaskClient, hartford: Hartford,
                                                        admin_auth: dict[str, str]) -> None:
    response = client.post(f"/api/v1/offices/{hartford.office.office_id}/counters", headers=admin_auth,
                           json={"name": "Counter 9", "service_ids": [hartford.other.services["A"]]})
    assert_error(response, 422, "invalid_input", f"has no service {hartford.other.services['A']}")


def test_setting_up_unknown_offices_and_services_is_not_found(client: FlaskClient, hartford: Hartford,
                                                              admin_auth: dict[str, str]) -> None:
    assert_error(client.post("/api/v1/offices/4040/services", headers=admin_auth, json={"name": "X", "prefix": "X"}),
                 404, "not_found", "there is no office 4040")
    assert_error(client.post("/api/v1/offices/4040/counters", headers=admin_auth,
                             json={"name": "X", "service_ids": [1]}), 404, "not_found", "there is no office 4040")
    assert_error(client.patch("/api/v1/services/4040", headers=admin_auth, json={"active": False}), 404,
                 "not_found", "there is no service 4040")

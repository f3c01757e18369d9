"""Taking a ticket through the API: staff of the service's office (a desk, an integration) with an API token or a
signed-in session; nobody anonymous (a kiosk takes its tickets through its own endpoint)."""

from __future__ import annotations

import re

from flask.testing import FlaskClient

from tests.api.conftest import Clerk, Hartford
from tests.api.support import assert_error
from tests.factories import PASSWORD, issue, make_office
from waitwell.runtime import Runtime


def test_issuing_returns_number_token_status_url_and_people_ahead(client: FlaskClient, runtime: Runtime,
                                                                  hartford: Hartford, clerk: Clerk) -> None:
    issue(runtime, hartford.office.services["A"])
    response = client.post("/api/v1/tickets", json={"service_id": hartford.office.services["A"]}, headers=clerk.auth)
    assert response.status_code == 201
    ticket = response.get_json()
    assert (ticket["number"], ticket["state"], ticket["people_ahead"]) == ("A002", "waiting", 1)
    assert ticket["service_name"] == "Licence renewal" and ticket["origin"] == "api"
    assert re.fullmatch(r"[A-Za-z0-9_-]{22,}", ticket["token"])
    assert ticket["status_url"] == f"http://127.0.0.1:5000/t/{ticket['token']}"
    assert ticket["issued_at"].startswith("2026-03-10T14:00:00")


def test_anonymous_callers_are_refused_and_nothing_is_issued(client: FlaskClient, runtime: Runtime,
                                                             hartford: Hartford) -> None:
    service_id = hartford.office.services["A"]
    assert_error(client.post("/api/v1/tickets", json={"service_id": service_id}), 401, "not_signed_in",
                 "Authorization: Bearer")
    assert_error(client.post("/api/v1/tickets", json={"service_id": service_id},
                             headers={"Authorization": "Bearer ww_not-a-token"}), 401, "not_signed_in")
    assert _waiting(client, hartford) == 0


def test_staff_of_another_office_are_refused(client: FlaskClient, hartford: Hartford, clerk: Clerk) -> None:
    assert_error(client.post("/api/v1/tickets", json={"service_id": hartford.other.services["A"]},
                             headers=clerk.auth), 403, "not_authorized", "not a member of this office's staff")


def test_a_signed_in_session_issues_with_its_csrf_token(client: FlaskClient, hartford: Hartford,
                                                        clerk: Clerk) -> None:
    signed = client.post("/api/v1/auth/sign-in", json={"username": "clerk", "password": PASSWORD})
    body = {"service_id": hartford.office.services["B"]}
    assert_error(client.post("/api/v1/tickets", json=body), 400, "csrf_failed")
    issued = client.post("/api/v1/tickets", json=body, headers={"X-CSRFToken": signed.headers["X-CSRFToken"]})
    assert (issued.status_code, issued.get_json()["number"]) == (201, "B001")


def test_issuing_for_an_unknown_service_is_not_found(client: FlaskClient, hartford: Hartford, clerk: Clerk) -> None:
    assert_error(client.post("/api/v1/tickets", json={"service_id": 4040}, headers=clerk.auth), 404, "not_found",
                 "there is no service 4040")


def test_issuing_for_an_inactive_service_is_a_conflict(client: FlaskClient, hartford: Hartford,
                                                       clerk: Clerk) -> None:
    assert_error(client.post("/api/v1/tickets", json={"service_id": hartford.inactive_service_id},
                             headers=clerk.auth), 409, "service_inactive", "Road test is not taking tickets right now")


def test_issuing_while_the_office_is_closed_is_a_conflict(client: FlaskClient, runtime: Runtime,
                                                          admin_auth: dict[str, str]) -> None:
    office = make_office(runtime, name="Bridgeport DMV", opening_hours={"mon": [["08:00", "17:00"]]},
                         refuse_tickets_when_closed=True)
    assert_error(client.post("/api/v1/tickets", json={"service_id": office.services["A"]}, headers=admin_auth), 409,
                 "office_closed", "Bridgeport DMV is closed now")


def test_the_api_document_says_who_may_issue_and_how_it_is_refused(client: FlaskClient) -> None:
    operation = client.get("/api/v1/openapi.json").get_json()["paths"]["/api/v1/tickets"]["post"]
    assert {"bearerToken": []} in operation["security"] and {"staffSession": []} in operation["security"]
    assert {"201", "401", "403", "429"} <= set(operation["responses"])
    assert "Retry-After" in operation["responses"]["429"]["headers"]
    assert "daily_ticket_cap_reached" in operation["responses"]["429"]["description"]


def _waiting(client: FlaskClient, hartford: Hartford) -> int:
    services = client.get(f"/api/v1/offices/{hartford.office.office_id}/services").get_json()
    return sum(service["people_waiting"] for service in services)

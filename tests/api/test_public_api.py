"""Public endpoints: what a kiosk, a phone or a lobby screen can do without signing in."""

from __future__ import annotations

from flask.testing import FlaskClient

from tests.api.conftest import Hartford
from tests.api.support import assert_error
from tests.factories import issue
from waitwell.runtime import Runtime
from waitwell.services import counters


def test_lists_offices_with_their_timezone(client: FlaskClient, hartford: Hartford) -> None:
    response = client.get("/api/v1/offices")
    assert response.status_code == 200
    listed = {office["name"]: office for office in response.get_json()}
    assert listed["Hartford DMV"]["timezone"] == "America/New_York"
    assert listed["Hartford DMV"]["id"] == hartford.office.office_id
    assert "New Haven DMV" in listed


def test_lists_an_offices_services_with_people_waiting(client: FlaskClient, runtime: Runtime,
                                                       hartford: Hartford) -> None:
    issue(runtime, hartford.office.services["B"], 3)
    response = client.get(f"/api/v1/offices/{hartford.office.office_id}/services")
    assert response.status_code == 200
    services = {s["prefix"]: s for s in response.get_json()}
    assert (services["A"]["name"], services["A"]["people_waiting"]) == ("Licence renewal", 0)
    assert services["B"]["people_waiting"] == 3
    assert services["R"]["active"] is False


def test_ticket_status_by_token_shows_people_ahead_and_the_last_number_called(
    client: FlaskClient, runtime: Runtime, hartford: Hartford
) -> None:
    first, mine = issue(runtime, hartford.office.services["A"], 2, minutes_apart=1)
    status = client.get(f"/api/v1/ticket-status/{mine.token}").get_json()
    assert (status["number"], status["state"], status["people_ahead"], status["last_called_number"]) == (
        "A002", "waiting", 1, None)
    counters.call_next(runtime.uow(), counter_id=hartford.office.counters["Counter 1"])
    status = client.get(f"/api/v1/ticket-status/{mine.token}").get_json()
    assert (status["people_ahead"], status["last_called_number"]) == (0, "A001")
    called = client.get(f"/api/v1/ticket-status/{first.token}").get_json()
    assert (called["state"], called["counter_name"], called["people_ahead"]) == ("called", "Counter 1", None)


def test_ticket_status_does_not_repeat_the_token(client: FlaskClient, runtime: Runtime, hartford: Hartford) -> None:
    ticket = issue(runtime, hartford.office.services["A"])[0]
    assert "token" not in client.get(f"/api/v1/ticket-status/{ticket.token}").get_json()


def test_citizen_cancels_by_token(client: FlaskClient, runtime: Runtime, hartford: Hartford) -> None:
    ticket = issue(runtime, hartford.office.services["A"])[0]
    response = client.post(f"/api/v1/ticket-status/{ticket.token}/cancel")
    assert response.status_code == 200
    assert response.get_json()["state"] == "cancelled"
    assert client.get(f"/api/v1/ticket-status/{ticket.token}").get_json()["state"] == "cancelled"


# --- errors ------------------------------------------------------------------------------------------


def test_services_of_an_unknown_office_are_not_found(client: FlaskClient, hartford: Hartford) -> None:
    assert_error(client.get("/api/v1/offices/4040/services"), 404, "not_found", "there is no office 4040")


def test_unknown_tokens_are_not_found_for_status_and_cancel(client: FlaskClient, hartford: Hartford) -> None:
    assert_error(client.get("/api/v1/ticket-status/no-such-token"), 404, "not_found",
                 "this ticket does not exist or has expired")
    assert_error(client.post("/api/v1/ticket-status/no-such-token/cancel"), 404, "not_found")
    assert_error(client.get("/api/v1/ticket-status/" + "x" * 5000), 404, "not_found")


def test_cancelling_a_finished_ticket_is_a_conflict(client: FlaskClient, runtime: Runtime,
                                                    hartford: Hartford) -> None:
    ticket = issue(runtime, hartford.office.services["A"])[0]
    counters.call_next(runtime.uow(), counter_id=hartford.office.counters["Counter 1"])
    counters.complete(runtime.uow(), ticket_id=ticket.id)
    assert_error(client.post(f"/api/v1/ticket-status/{ticket.token}/cancel"), 409, "illegal_transition",
                 "ticket A001 is done")

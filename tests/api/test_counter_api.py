"""Staff endpoints on counters: list, show, open, pause, close, call next and call a given ticket."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from tests.api.conftest import Clerk, Hartford, add_staff
from tests.api.support import assert_error
from tests.engine.support import history_of
from tests.factories import issue
from waitwell.persistence import Role
from waitwell.runtime import Runtime
from waitwell.services import counter_sessions, counters


def test_lists_the_offices_counters_with_state_skills_and_current_ticket(
    staff_client: FlaskClient, runtime: Runtime, hartford: Hartford
) -> None:
    issue(runtime, hartford.office.services["A"])
    counters.call_next(runtime.uow(), counter_id=hartford.office.counters["Counter 1"])
    response = staff_client.get(f"/api/v1/offices/{hartford.office.office_id}/counters")
    assert response.status_code == 200
    listed = {c["name"]: c for c in response.get_json()}
    services = hartford.office.services
    assert listed["Counter 1"]["state"] == "open"
    assert sorted(listed["Counter 1"]["service_ids"]) == sorted([services["A"], services["B"]])
    assert listed["Counter 1"]["current_ticket"]["number"] == "A001"
    assert listed["Counter 2"]["current_ticket"] is None
    assert listed["Counter 3"]["state"] == "closed"


def test_shows_one_counter(staff_client: FlaskClient, hartford: Hartford) -> None:
    response = staff_client.get(f"/api/v1/counters/{hartford.office.counters['Counter 2']}")
    assert response.status_code == 200
    assert (response.get_json()["name"], response.get_json()["state"]) == ("Counter 2", "open")


@pytest.mark.parametrize(("action", "counter", "state"), [
    ("open", "Counter 3", "open"), ("pause", "Counter 1", "paused"), ("close", "Counter 2", "closed"),
])
def test_changes_a_counters_state(staff_client: FlaskClient, hartford: Hartford, action: str, counter: str,
                                  state: str) -> None:
    counter_id = hartford.office.counters[counter]
    response = staff_client.post(f"/api/v1/counters/{counter_id}/{action}")
    assert response.status_code == 200
    assert response.get_json()["state"] == state
    assert staff_client.get(f"/api/v1/counters/{counter_id}").get_json()["state"] == state


def test_call_next_calls_the_oldest_ticket_and_records_the_clerk(staff_client: FlaskClient, runtime: Runtime,
                                                                  hartford: Hartford, clerk: Clerk) -> None:
    issue(runtime, hartford.office.services["B"], 2, minutes_apart=1)
    response = staff_client.post(f"/api/v1/counters/{hartford.office.counters['Counter 2']}/call-next")
    assert response.status_code == 200
    ticket = response.get_json()
    assert (ticket["number"], ticket["state"], ticket["counter_name"], ticket["call_count"]) == (
        "B001", "called", "Counter 2", 1)
    assert "token" not in ticket, "staff answers never reveal the citizen's token"
    assert history_of(runtime, ticket["id"])[-1]["user_id"] == clerk.member.id


def test_calls_a_given_ticket_with_a_reason(staff_client: FlaskClient, runtime: Runtime, hartford: Hartford) -> None:
    _, second = issue(runtime, hartford.office.services["A"], 2)
    response = staff_client.post(f"/api/v1/counters/{hartford.office.counters['Counter 1']}/call",
                                 json={"ticket_id": second.id, "reason": "pregnant woman"})
    assert response.status_code == 200
    assert response.get_json()["number"] == "A002"
    assert history_of(runtime, second.id)[-1]["detail"] == {"out_of_turn": True, "reason": "pregnant woman"}


# --- errors ------------------------------------------------------------------------------------------


def test_call_next_at_a_closed_counter_is_a_conflict(staff_client: FlaskClient, runtime: Runtime,
                                                     hartford: Hartford) -> None:
    issue(runtime, hartford.office.services["A"])
    assert_error(staff_client.post(f"/api/v1/counters/{hartford.office.counters['Counter 3']}/call-next"), 409,
                 "counter_not_open", "Counter 3 is closed: open it before calling")


def test_call_next_while_the_counter_has_a_ticket_is_a_conflict(staff_client: FlaskClient, runtime: Runtime,
                                                               hartford: Hartford) -> None:
    issue(runtime, hartford.office.services["A"], 2)
    url = f"/api/v1/counters/{hartford.office.counters['Counter 1']}/call-next"
    assert staff_client.post(url).status_code == 200
    assert_error(staff_client.post(url), 409, "illegal_transition", "Counter 1 still has ticket A001 (called)")


def test_call_next_with_nobody_waiting_says_so(staff_client: FlaskClient, hartford: Hartford) -> None:
    assert_error(staff_client.post(f"/api/v1/counters/{hartford.office.counters['Counter 2']}/call-next"), 404,
                 "nothing_to_call", "nobody is waiting for the services of Counter 2")


def test_closing_a_counter_with_a_ticket_is_a_conflict(staff_client: FlaskClient, runtime: Runtime,
                                                       hartford: Hartford) -> None:
    issue(runtime, hartford.office.services["A"])
    counters.call_next(runtime.uow(), counter_id=hartford.office.counters["Counter 1"])
    assert_error(staff_client.post(f"/api/v1/counters/{hartford.office.counters['Counter 1']}/close"), 409,
                 "conflict", "Counter 1 still has ticket A001")


def test_calling_a_ticket_the_counter_does_not_serve_is_refused(staff_client: FlaskClient, runtime: Runtime,
                                                                hartford: Hartford) -> None:
    ticket = issue(runtime, hartford.office.services["A"])[0]
    assert_error(staff_client.post(f"/api/v1/counters/{hartford.office.counters['Counter 2']}/call",
                                   json={"ticket_id": ticket.id}), 422, "invalid_input",
                 "Counter 2 does not serve Licence renewal")


def test_calling_an_unknown_ticket_is_refused(staff_client: FlaskClient, hartford: Hartford) -> None:
    assert_error(staff_client.post(f"/api/v1/counters/{hartford.office.counters['Counter 1']}/call",
                                   json={"ticket_id": 4040}), 422, "invalid_input", "there is no ticket 4040")


@pytest.mark.parametrize(("body", "mention"), [
    ({}, "ticket_id: Missing data for required field."),
    ({"ticket_id": "7"}, "ticket_id: Not a valid integer."),
    ({"ticket_id": 7.5}, "ticket_id: Not a valid integer."),
    ({"ticket_id": None}, "ticket_id: Field may not be null."),
    ({"ticket_id": 7, "reason": 12}, "reason: Not a valid string."),
    ({"ticket_id": 7, "reason": "x" * 201}, "reason: Longer than maximum length 200."),
    ({"ticket_id": 7, "priority": "high"}, "priority: Unknown field."),
])
def test_call_a_ticket_names_the_faulty_field(staff_client: FlaskClient, hartford: Hartford, body: dict,
                                              mention: str) -> None:
    response = staff_client.post(f"/api/v1/counters/{hartford.office.counters['Counter 1']}/call", json=body)
    assert_error(response, 422, "invalid_request", mention)


@pytest.mark.parametrize("path", ["", "/open", "/pause", "/close", "/call-next", "/call"])
def test_unknown_counters_are_not_found(staff_client: FlaskClient, hartford: Hartford, path: str) -> None:
    method = staff_client.get if path == "" else staff_client.post
    response = method(f"/api/v1/counters/4040{path}", json={"ticket_id": 1} if path == "/call" else None)
    assert_error(response, 404, "not_found", "there is no counter 4040")


def test_counters_of_an_unknown_office_are_refused_or_not_found(staff_client: FlaskClient, client: FlaskClient,
                                                               admin_auth: dict[str, str]) -> None:
    # A clerk learns nothing about offices that are not theirs; an administrator is told it does not exist.
    assert staff_client.get("/api/v1/offices/4040/counters").status_code in (403, 404)
    assert_error(client.get("/api/v1/offices/4040/counters", headers=admin_auth), 404, "not_found",
                 "there is no office 4040")


def test_the_api_never_acts_at_a_counter_another_clerk_is_signed_in_at(
    staff_client: FlaskClient, runtime: Runtime, hartford: Hartford, clerk: Clerk, password_hash: str
) -> None:
    """Maria is signed in at Counter 1 in the console: the clerk's token may not call, pause or finish
    tickets there (409 naming her), and nothing changes; Counter 2, which nobody holds, still works."""
    maria = add_staff(runtime, password_hash, "maria", Role.CLERK, [hartford.office.office_id])
    counter_1, counter_2 = hartford.office.counters["Counter 1"], hartford.office.counters["Counter 2"]
    counter_sessions.take_counter(runtime.uow(), counter_id=counter_1, user_id=maria.id)
    issue(runtime, hartford.office.services["B"], 2)
    called_by_maria = counters.call_next(runtime.uow(), counter_id=counter_1, user_id=maria.id)

    for action in ("call-next", "pause", "close"):
        assert_error(staff_client.post(f"/api/v1/counters/{counter_1}/{action}"), 409, "counter_taken",
                     "Counter 1", "maria")
    for action in ("recall", "start", "complete", "no-show"):
        assert_error(staff_client.post(f"/api/v1/tickets/{called_by_maria.id}/{action}"), 409, "counter_taken",
                     "maria")
    shown = staff_client.get(f"/api/v1/counters/{counter_1}").get_json()
    assert (shown["state"], shown["current_ticket"]["number"]) == ("open", called_by_maria.number)

    response = staff_client.post(f"/api/v1/counters/{counter_2}/call-next")
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["number"] == "B002"

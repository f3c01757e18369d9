"""Staff endpoints on tickets: list, show, recall, start, complete, no-show and transfer."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from tests.api.conftest import Hartford
from tests.api.support import assert_error
from tests.engine.support import database_snapshot
from tests.factories import issue
from waitwell.runtime import Runtime
from waitwell.services import counters
from waitwell.services.results import TicketView


def called_ticket(runtime: Runtime, hartford: Hartford, counter: str = "Counter 1") -> TicketView:
    ticket = issue(runtime, hartford.office.services["A"])[0]
    counters.call_ticket(runtime.uow(), counter_id=hartford.office.counters[counter], ticket_id=ticket.id)
    return ticket


def test_lists_waiting_tickets_in_calling_order_with_people_ahead(staff_client: FlaskClient, runtime: Runtime,
                                                                  hartford: Hartford) -> None:
    issue(runtime, hartford.office.services["A"], 2, minutes_apart=1)
    issue(runtime, hartford.office.services["B"])
    response = staff_client.get(f"/api/v1/offices/{hartford.office.office_id}/tickets")
    assert response.status_code == 200
    assert [(t["number"], t["people_ahead"]) for t in response.get_json()] == [("A001", 0), ("A002", 1), ("B001", 2)]
    assert all("token" not in t for t in response.get_json())


def test_lists_tickets_in_the_states_asked_for(staff_client: FlaskClient, runtime: Runtime,
                                               hartford: Hartford) -> None:
    called_ticket(runtime, hartford)
    issue(runtime, hartford.office.services["B"])
    office = hartford.office.office_id
    assert [t["number"] for t in staff_client.get(f"/api/v1/offices/{office}/tickets?state=called").get_json()] == [
        "A001"]
    both = staff_client.get(f"/api/v1/offices/{office}/tickets?state=called&state=waiting").get_json()
    assert sorted(t["number"] for t in both) == ["A001", "B001"]


def test_shows_one_ticket(staff_client: FlaskClient, runtime: Runtime, hartford: Hartford) -> None:
    ticket = issue(runtime, hartford.office.services["B"])[0]
    shown = staff_client.get(f"/api/v1/tickets/{ticket.id}").get_json()
    assert (shown["number"], shown["state"], shown["service_name"], shown["people_ahead"]) == (
        "B001", "waiting", "Title", 0)


def test_a_visit_from_call_to_completion(staff_client: FlaskClient, runtime: Runtime, hartford: Hartford) -> None:
    ticket = called_ticket(runtime, hartford)
    recalled = staff_client.post(f"/api/v1/tickets/{ticket.id}/recall")
    assert (recalled.status_code, recalled.get_json()["call_count"]) == (200, 2)
    started = staff_client.post(f"/api/v1/tickets/{ticket.id}/start")
    assert (started.status_code, started.get_json()["state"]) == (200, "serving")
    runtime.clock.advance(minutes=5)
    done = staff_client.post(f"/api/v1/tickets/{ticket.id}/complete")
    assert (done.status_code, done.get_json()["state"]) == (200, "done")
    assert done.get_json()["finished_at"].startswith("2026-03-10T14:05:00")


def test_marks_a_no_show(staff_client: FlaskClient, runtime: Runtime, hartford: Hartford) -> None:
    ticket = called_ticket(runtime, hartford)
    response = staff_client.post(f"/api/v1/tickets/{ticket.id}/no-show")
    assert (response.status_code, response.get_json()["state"]) == (200, "no_show")


def test_transfers_a_ticket_to_another_line_keeping_its_number(staff_client: FlaskClient, runtime: Runtime,
                                                               hartford: Hartford) -> None:
    ticket = called_ticket(runtime, hartford)
    response = staff_client.post(f"/api/v1/tickets/{ticket.id}/transfer",
                                 json={"service_id": hartford.office.services["B"]})
    assert response.status_code == 200
    moved = response.get_json()
    assert (moved["number"], moved["state"], moved["service_name"], moved["counter_id"]) == (
        "A001", "waiting", "Title", None)


# --- errors ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("action", "mention"), [
    ("complete", "ticket A001 is waiting: only a ticket that is called or serving can be completed"),
    ("start", "only a ticket that is called can be started"),
    ("recall", "only a ticket that is called can be recalled"),
    ("no-show", "only a ticket that is called can be marked as a no-show"),
])
def test_an_illegal_transition_is_a_conflict_and_changes_nothing(
    staff_client: FlaskClient, runtime: Runtime, hartford: Hartford, action: str, mention: str
) -> None:
    ticket = issue(runtime, hartford.office.services["A"])[0]
    before = database_snapshot(runtime)
    assert_error(staff_client.post(f"/api/v1/tickets/{ticket.id}/{action}"), 409, "illegal_transition", mention)
    after = database_snapshot(runtime)
    assert after["tickets"] == before["tickets"] and after["ticket_events"] == before["ticket_events"]


@pytest.mark.parametrize("action", ["", "/recall", "/start", "/complete", "/no-show", "/transfer"])
def test_unknown_tickets_are_not_found(staff_client: FlaskClient, hartford: Hartford, action: str) -> None:
    method = staff_client.get if action == "" else staff_client.post
    body = {"service_id": hartford.office.services["B"]} if action == "/transfer" else None
    assert_error(method(f"/api/v1/tickets/4040{action}", json=body), 404, "not_found", "there is no ticket 4040")


@pytest.mark.parametrize("too_large", [2**31, 2**63, 10**30])
def test_ids_too_large_for_the_database_are_refused_not_crashed_on(staff_client: FlaskClient, hartford: Hartford,
                                                                   too_large: int) -> None:
    # In the address: no such resource. In a body: the field is named.
    assert_error(staff_client.get(f"/api/v1/tickets/{too_large}"), 404, "not_found")
    assert_error(staff_client.post(f"/api/v1/counters/{too_large}/call-next"), 404, "not_found")
    assert_error(staff_client.post(f"/api/v1/counters/{hartford.office.counters['Counter 1']}/call",
                                   json={"ticket_id": too_large}), 422, "invalid_request", "ticket_id: Must be")
    assert_error(staff_client.post("/api/v1/tickets", json={"service_id": too_large}), 422, "invalid_request",
                 "service_id: Must be greater than or equal to -2147483648 and less than or equal to 2147483647")


def test_transfer_to_an_unknown_service_is_not_found(staff_client: FlaskClient, runtime: Runtime,
                                                     hartford: Hartford) -> None:
    ticket = called_ticket(runtime, hartford)
    assert_error(staff_client.post(f"/api/v1/tickets/{ticket.id}/transfer", json={"service_id": 4040}), 404,
                 "not_found", "there is no service 4040")


@pytest.mark.parametrize(("target", "mention"), [
    ("A", "ticket A001 is already in the Licence renewal line"),
    ("other", "Licence renewal is a service of another office"),
    ("inactive", "Road test is not taking tickets right now"),
])
def test_transfer_to_a_line_the_ticket_cannot_join_is_refused(staff_client: FlaskClient, runtime: Runtime,
                                                              hartford: Hartford, target: str, mention: str) -> None:
    ticket = called_ticket(runtime, hartford)
    service_id = {"A": hartford.office.services["A"], "other": hartford.other.services["A"],
                  "inactive": hartford.inactive_service_id}[target]
    assert_error(staff_client.post(f"/api/v1/tickets/{ticket.id}/transfer", json={"service_id": service_id}), 422,
                 "invalid_input", mention)


@pytest.mark.parametrize(("body", "mention"), [
    ({}, "service_id: Missing data for required field."),
    ({"service_id": "2"}, "service_id: Not a valid integer."),
    ({"service_id": [2]}, "service_id: Not a valid integer."),
    ({"service_id": 2, "keep_place": True}, "keep_place: Unknown field."),
])
def test_transfer_names_the_faulty_field(staff_client: FlaskClient, runtime: Runtime, hartford: Hartford,
                                         body: dict, mention: str) -> None:
    ticket = called_ticket(runtime, hartford)
    assert_error(staff_client.post(f"/api/v1/tickets/{ticket.id}/transfer", json=body), 422, "invalid_request",
                 mention)


def test_listing_an_unknown_state_names_the_states_there_are(staff_client: FlaskClient, hartford: Hartford) -> None:
    assert_error(staff_client.get(f"/api/v1/offices/{hartford.office.office_id}/tickets?state=lost"), 422,
                 "invalid_request", "Must be one of: waiting, called, serving, done, no_show, cancelled")

"""The staff API for appointments: a day's bookings, booking for a caller, blocking a slot, the no-show rate."""

from __future__ import annotations

from flask import Flask

from tests.appointments.support import booker, local, make_bookable_office
from tests.factories import make_staff, sign_in
from waitwell.persistence import Role
from waitwell.runtime import Runtime
from waitwell.services.appointments import booking

WEDNESDAY = "2026-03-11"


def client_for(app: Flask, runtime: Runtime, office_id: int, role: Role = Role.CLERK, username: str = "clerk"):
    client = app.test_client()
    sign_in(client, make_staff(runtime, [office_id], role=role, username=username))
    return client


def test_a_days_bookings_per_service(runtime: Runtime, app: Flask) -> None:
    office = make_bookable_office(runtime, capacity=2)
    made = booking.book(runtime.uow(), service_id=office.service_id, starts_at=local(WEDNESDAY, "09:15"),
                        booker=booker("Zelda Quintana"))
    answer = client_for(app, runtime, office.office_id).get(
        f"/api/v1/offices/{office.office_id}/appointments?day={WEDNESDAY}")
    assert answer.status_code == 200
    [service] = answer.get_json()["services"]
    slot = next(s for s in service["slots"] if s["starts_at"] == local(WEDNESDAY, "09:15").isoformat())
    assert (slot["booked"], slot["capacity"]) == (1, 2)
    assert slot["bookings"][0]["name"] == "Zelda Quintana" and slot["bookings"][0]["code"] == made.code
    assert app.test_client().get(f"/api/v1/offices/{office.office_id}/appointments").status_code == 401


def test_book_for_a_caller_and_block_a_slot(runtime: Runtime, app: Flask) -> None:
    office = make_bookable_office(runtime)
    clerk = client_for(app, runtime, office.office_id)
    url = f"/api/v1/offices/{office.office_id}/appointments"
    blocks = f"/api/v1/offices/{office.office_id}/appointments/blocks"
    made = clerk.post(url, json={"service_id": office.service_id, "starts_at": "2026-03-11T09:30:00-04:00",
                                 "name": "Caller", "phone": "860 555 0100"})
    assert made.status_code == 201 and made.get_json()["origin"] == "staff"
    full = clerk.post(url, json={"service_id": office.service_id, "starts_at": "2026-03-11T13:30:00Z",
                                 "name": "Another caller"})
    assert full.status_code == 409 and full.get_json()["error"]["code"] == "slot_unavailable"
    block = {"service_id": office.service_id, "starts_at": "2026-03-11T13:30:00Z", "reason": "Power outage"}
    assert clerk.post(blocks, json=block).status_code == 403
    supervisor = client_for(app, runtime, office.office_id, Role.SUPERVISOR, "supervisor")
    blocked = supervisor.post(blocks, json=block)
    assert blocked.status_code == 200 and [b["name"] for b in blocked.get_json()["cancelled"]] == ["Caller"]


def test_the_no_show_rate(runtime: Runtime, app: Flask) -> None:
    office = make_bookable_office(runtime)
    answer = client_for(app, runtime, office.office_id).get(
        f"/api/v1/offices/{office.office_id}/appointments/no-show-rate?days=7")
    assert answer.get_json() | {"definition": ""} == {"from": "2026-03-04", "to": "2026-03-10", "due": 0,
                                                      "no_shows": 0, "rate": None, "definition": ""}

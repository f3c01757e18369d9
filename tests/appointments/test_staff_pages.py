"""Staff pages: a service's day with who booked, booking for a caller, blocking a slot, cancelling, the no-show rate;
only for staff of the office."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask

from tests.appointments.support import booker, local, make_bookable_office
from tests.factories import make_staff, sign_in
from waitwell.appointments.page_helpers import stamp
from waitwell.domain.clock import VirtualClock
from waitwell.persistence import AppointmentState, Role
from waitwell.runtime import Runtime
from waitwell.services.appointments import booking, check_in

WEDNESDAY = "2026-03-11"


def staff_client(app: Flask, runtime: Runtime, office_id: int, role: Role = Role.CLERK, username: str = "clerk"):
    client = app.test_client()
    sign_in(client, make_staff(runtime, [office_id], role=role, username=username))
    return client


def form(client, **values):
    return {"csrf_token": client.environ_base["HTTP_X_CSRFTOKEN"], **values}


def test_the_day_sheet_shows_who_booked_each_slot(runtime: Runtime, app: Flask) -> None:
    office = make_bookable_office(runtime, capacity=2)
    booking.book(runtime.uow(), service_id=office.service_id, starts_at=local(WEDNESDAY, "09:15"),
                 booker=booker("Zelda Quintana", "zelda@example.org", "+1 860 555 0199"))
    client = staff_client(app, runtime, office.office_id)
    page = client.get(f"/staff/appointments/office/{office.office_id}?day={WEDNESDAY}")
    assert page.status_code == 200
    text = page.text
    assert "Zelda Quintana" in text and "zelda@example.org" in text and "+1 860 555 0199" in text
    assert "1 / 2" in text and "Licence renewal" in text
    assert client.get("/staff/appointments/").status_code == 302  # one office: straight to it


def test_anonymous_and_other_offices_staff_are_refused(runtime: Runtime, app: Flask) -> None:
    office = make_bookable_office(runtime)
    other = make_bookable_office(runtime, name="Norwich DMV")
    assert app.test_client().get(f"/staff/appointments/office/{office.office_id}").status_code in (302, 401)
    stranger = staff_client(app, runtime, other.office_id, username="norwich-clerk")
    assert stranger.get(f"/staff/appointments/office/{office.office_id}").status_code == 403


def test_a_clerk_books_for_a_caller_without_an_email(runtime: Runtime, app: Flask) -> None:
    office = make_bookable_office(runtime)
    client = staff_client(app, runtime, office.office_id)
    answer = client.post(f"/staff/appointments/office/{office.office_id}/book", data=form(
        client, service_id=office.service_id, at=stamp(local(WEDNESDAY, "10:00")), name="Caller on the phone",
        email="", phone="860 555 0100", language="es"))
    assert answer.status_code == 303
    page = client.get(answer.headers["Location"]).text
    assert "Caller on the phone" in page and "booked by staff" in page and "Booked: code" in page


def test_a_supervisor_blocks_a_slot_and_its_bookings_are_cancelled(runtime: Runtime, app: Flask) -> None:
    office = make_bookable_office(runtime)
    made = booking.book(runtime.uow(), service_id=office.service_id, starts_at=local(WEDNESDAY, "09:00"),
                        booker=booker())
    clerk = staff_client(app, runtime, office.office_id)
    at = stamp(local(WEDNESDAY, "09:00"))
    url = f"/staff/appointments/office/{office.office_id}/block"
    assert clerk.post(url, data=form(clerk, service_id=office.service_id, at=at, reason="x")).status_code == 403
    supervisor = staff_client(app, runtime, office.office_id, Role.SUPERVISOR, "supervisor")
    answer = supervisor.post(url, data=form(supervisor, service_id=office.service_id, at=at,
                                             reason="Computer system upgrade"))
    page = supervisor.get(answer.headers["Location"]).text
    assert "1 booking(s) cancelled" in page and "blocked" in page
    cancelled = booking.get_by_token(runtime.uow(), made.manage_token)
    assert cancelled.state == AppointmentState.CANCELLED and cancelled.cancel_reason == "Computer system upgrade"
    supervisor.post(f"/staff/appointments/office/{office.office_id}/unblock",
                    data=form(supervisor, service_id=office.service_id, at=at))
    booking.book(runtime.uow(), service_id=office.service_id, starts_at=local(WEDNESDAY, "09:00"), booker=booker())


def test_a_clerk_cancels_one_booking(runtime: Runtime, app: Flask) -> None:
    office = make_bookable_office(runtime)
    made = booking.book(runtime.uow(), service_id=office.service_id, starts_at=local(WEDNESDAY, "09:00"),
                        booker=booker())
    client = staff_client(app, runtime, office.office_id)
    client.post(f"/staff/appointments/office/{office.office_id}/bookings/{made.id}/cancel",
                data=form(client, reason="The caller asked"))
    assert booking.get_by_token(runtime.uow(), made.manage_token).cancelled_by == "office"


def test_the_no_show_rate_is_reported(runtime: Runtime, app: Flask, clock: VirtualClock) -> None:
    office = make_bookable_office(runtime, capacity=4)
    slot = local("2026-03-10", "11:00")
    made = [booking.book(runtime.uow(), service_id=office.service_id, starts_at=slot, booker=booker(f"P{i}"))
            for i in range(4)]
    clock.set(slot)
    check_in.check_in_by_link(runtime.uow(), token=made[0].manage_token)
    clock.set(slot + timedelta(minutes=11))
    assert len(check_in.mark_no_shows(runtime.uow())) == 3
    page = staff_client(app, runtime, office.office_id).get(f"/staff/appointments/office/{office.office_id}").text
    assert 'data-figure="no-show-rate">75 %' in page and "3 of 4 bookings" in page

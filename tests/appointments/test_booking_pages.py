"""The public booking pages through the app: office, service, day, time, details; the booker's page; Spanish."""

from __future__ import annotations

from datetime import date

from flask.testing import FlaskClient

from tests.appointments.support import booker, local, make_bookable_office
from waitwell.appointments.page_helpers import stamp
from waitwell.domain.clock import VirtualClock
from waitwell.persistence import AppointmentState
from waitwell.runtime import Runtime
from waitwell.services.appointments import booking

WEDNESDAY = "2026-03-11"


def test_booking_step_by_step_ends_on_the_bookers_own_page(runtime: Runtime, client: FlaskClient) -> None:
    office = make_bookable_office(runtime)
    start = client.get("/book/", follow_redirects=True)  # one office: straight to its services
    assert start.status_code == 200 and "Licence renewal" in start.text and "Title" not in start.text

    days = client.get(f"/book/service/{office.service_id}")
    assert "Wed 11 Mar" in days.text and "Sat 14 Mar" not in days.text
    times = client.get(f"/book/service/{office.service_id}/{WEDNESDAY}")
    assert "9:15\u202fAM" in times.text
    at = stamp(local(WEDNESDAY, "09:15"))
    form = client.get(f"/book/service/{office.service_id}/at/{at}")
    assert "Wednesday, March 11, 2026" in form.text and 'autocomplete="email"' in form.text

    done = client.post(f"/book/service/{office.service_id}/at/{at}",
                       data={"name": "Ana Pérez", "email": "ana@example.org", "phone": ""})
    assert done.status_code == 303
    page = client.get(done.headers["Location"])
    assert "Your appointment is booked" in page.text
    assert "a•••@example.org" in page.text and "Ana Pérez" not in page.text  # the page never shows the name
    made = booking.bookable_services(runtime.uow())  # noqa: F841 - the office still lists the service
    token = done.headers["Location"].split("/appointments/")[1].split("?")[0]
    view = booking.get_by_token(runtime.uow(), token)
    assert view.code in page.text and "<svg" in page.text


def test_a_taken_time_is_shown_as_taken_and_booking_it_says_so(runtime: Runtime, client: FlaskClient) -> None:
    office = make_bookable_office(runtime)
    booking.book(runtime.uow(), service_id=office.service_id, starts_at=local(WEDNESDAY, "09:00"), booker=booker())
    times = client.get(f"/book/service/{office.service_id}/{WEDNESDAY}")
    assert 'aria-disabled="true">9:00' in times.text.replace("\n", "")
    late = client.post(f"/book/service/{office.service_id}/at/{stamp(local(WEDNESDAY, '09:00'))}",
                       data={"name": "Bo", "email": "bo@example.org"})
    assert late.status_code == 422 and "this time was just taken" in late.text


def test_mistakes_in_the_form_are_explained_and_the_form_kept(runtime: Runtime, client: FlaskClient) -> None:
    office = make_bookable_office(runtime)
    url = f"/book/service/{office.service_id}/at/{stamp(local(WEDNESDAY, '09:00'))}"
    answer = client.post(url, data={"name": "Ana", "email": "ana-at-example"})
    assert answer.status_code == 422
    assert "This does not look like an email address" in answer.text and 'value="Ana"' in answer.text


def test_the_pages_speak_spanish(runtime: Runtime, client: FlaskClient) -> None:
    office = make_bookable_office(runtime)
    days = client.get(f"/book/service/{office.service_id}?lang=es")
    assert 'lang="es"' in days.text and "Elija un día" in days.text and "mié 11 mar" in days.text
    at = stamp(local(WEDNESDAY, "09:15"))
    done = client.post(f"/book/service/{office.service_id}/at/{at}?lang=es",
                       data={"name": "Ana", "email": "ana@example.org"})
    page = client.get(done.headers["Location"])
    assert "Su cita está reservada" in page.text and "miércoles, 11 de marzo de 2026" in page.text
    token = done.headers["Location"].split("/appointments/")[1].split("?")[0]
    assert booking.get_by_token(runtime.uow(), token).language == "es"


def test_the_booker_can_move_and_cancel_by_the_link(runtime: Runtime, client: FlaskClient) -> None:
    office = make_bookable_office(runtime)
    made = booking.book(runtime.uow(), service_id=office.service_id, starts_at=local(WEDNESDAY, "09:00"),
                        booker=booker())
    choose = client.get(f"/appointments/{made.manage_token}/reschedule?day={WEDNESDAY}")
    assert "Change the day or time" in choose.text
    moved = client.post(f"/appointments/{made.manage_token}/reschedule",
                        data={"at": stamp(local(WEDNESDAY, "10:30"))})
    assert moved.status_code == 303
    assert booking.get_by_token(runtime.uow(), made.manage_token).starts_at == local(WEDNESDAY, "10:30")

    ask = client.get(f"/appointments/{made.manage_token}/cancel")
    assert "Cancel the appointment?" in ask.text
    client.post(f"/appointments/{made.manage_token}/cancel")
    assert booking.get_by_token(runtime.uow(), made.manage_token).state == AppointmentState.CANCELLED
    assert "This appointment is cancelled" in client.get(f"/appointments/{made.manage_token}").text


def test_checking_in_from_the_phone_leads_to_the_ticket_status_page(runtime: Runtime, client: FlaskClient,
                                                                   clock: VirtualClock) -> None:
    office = make_bookable_office(runtime)
    made = booking.book(runtime.uow(), service_id=office.service_id, starts_at=local("2026-03-10", "11:00"),
                        booker=booker())
    early = client.get(f"/appointments/{made.manage_token}")
    assert "Check in from 10:45\u202fAM to 11:10\u202fAM" in early.text
    clock.set(local("2026-03-10", "10:50"))
    answer = client.post(f"/appointments/{made.manage_token}/check-in")
    assert answer.status_code == 303 and answer.headers["Location"].startswith("/t/")
    status = client.get(answer.headers["Location"])
    assert "A001" in status.text and "Ana" not in status.text


def test_too_late_on_the_phone_offers_a_walk_in_ticket(runtime: Runtime, client: FlaskClient,
                                                        clock: VirtualClock) -> None:
    office = make_bookable_office(runtime)
    made = booking.book(runtime.uow(), service_id=office.service_id, starts_at=local("2026-03-10", "11:00"),
                        booker=booker())
    clock.set(local("2026-03-10", "11:30"))
    answer = client.post(f"/appointments/{made.manage_token}/check-in")
    assert "Too late to check in" in answer.text and "Take a ticket for Licence renewal" in answer.text
    ticket = client.post(f"/appointments/{made.manage_token}/walk-in")
    assert ticket.headers["Location"].startswith("/t/")


def test_the_calendar_file_is_valid_icalendar(runtime: Runtime, client: FlaskClient) -> None:
    import icalendar

    office = make_bookable_office(runtime)
    made = booking.book(runtime.uow(), service_id=office.service_id, starts_at=local(WEDNESDAY, "09:00"),
                        booker=booker())
    answer = client.get(f"/appointments/{made.manage_token}/calendar.ics")
    assert answer.mimetype == "text/calendar"
    event = icalendar.Calendar.from_ical(answer.data).walk("VEVENT")[0]
    assert event.decoded("DTSTART") == local(WEDNESDAY, "09:00")
    assert event.decoded("DTEND") == local(WEDNESDAY, "09:15")
    assert made.code in str(event.get("DESCRIPTION")) and "Licence renewal" in str(event.get("SUMMARY"))


def test_unknown_links_and_offices_are_not_found(runtime: Runtime, client: FlaskClient) -> None:
    make_bookable_office(runtime)
    assert client.get("/appointments/not-a-real-token").status_code == 404
    assert client.get("/book/999").status_code == 404
    assert date.today()  # keeps the import honest for the day helpers


def test_too_many_bookings_from_one_address_get_a_page_not_json(runtime: Runtime, client: FlaskClient) -> None:
    office = make_bookable_office(runtime, capacity=10)
    url = f"/book/service/{office.service_id}/at/{stamp(local(WEDNESDAY, '09:00'))}"
    answers = [client.post(url, data={"name": f"P{i}", "email": f"p{i}@example.org"}) for i in range(6)]
    assert [a.status_code for a in answers] == [303] * 5 + [429]
    assert "Please wait a moment" in answers[-1].text
    assert int(answers[-1].headers["Retry-After"]) >= 1


def test_forms_sent_back_with_a_mistake_do_not_count_against_the_booking_limit(runtime: Runtime,
                                                                              client: FlaskClient) -> None:
    """Two typos and three bookings used to hit the limit of five a minute (found by exploratory testing)."""
    office = make_bookable_office(runtime, capacity=10)
    url = f"/book/service/{office.service_id}/at/{stamp(local(WEDNESDAY, '09:00'))}"
    typos = [client.post(url, data={"name": "P", "email": "not-an-address"}) for _ in range(3)]
    assert [a.status_code for a in typos] == [422] * 3
    answers = [client.post(url, data={"name": f"P{i}", "email": f"p{i}@example.org"}) for i in range(6)]
    assert [a.status_code for a in answers] == [303] * 5 + [429]

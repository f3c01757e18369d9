"""Check-in through the kiosk's endpoint: the answer the kiosk page renders, in every language it offers."""

from __future__ import annotations

from datetime import timedelta

from flask.testing import FlaskClient

from tests.appointments.support import booker, local, make_bookable_office
from tests.kiosk.support import preview_printer
from waitwell.domain.clock import VirtualClock
from waitwell.runtime import Runtime
from waitwell.services import kiosks, printers
from waitwell.services.appointments import booking

SLOT = local("2026-03-10", "11:00")


def setup_kiosk(runtime: Runtime, *, walk_in_service: bool = True) -> tuple[int, str]:
    office = make_bookable_office(runtime)
    printer = printers.add_printer(runtime.uow(), office_id=office.office_id, name="Lobby", **preview_printer())
    services = [office.service_id] if walk_in_service else [office.other_service_id]
    kiosk = kiosks.register_kiosk(runtime.uow(), office_id=office.office_id, name="Entrance", service_ids=services,
                                  printer_id=printer.id)
    made = booking.book(runtime.uow(), service_id=office.service_id, starts_at=SLOT, booker=booker())
    return kiosk.id, made.code


def post(client: FlaskClient, kiosk_id: int, code: str):
    return client.post(f"/api/v1/kiosks/{kiosk_id}/appointments/check-in", json={"code": code, "language": "es"})


def test_checking_in_answers_like_a_tap(runtime: Runtime, client: FlaskClient, clock: VirtualClock) -> None:
    kiosk_id, code = setup_kiosk(runtime)
    clock.set(SLOT - timedelta(minutes=10))
    answer = post(client, kiosk_id, code)
    body = answer.get_json()
    assert answer.status_code == 200 and body["outcome"] == "checked_in"
    token = body["qr_svg_url"].split("/qr/")[1].split(".svg")[0]
    assert body["number"] == "A001" and body["status_url"].endswith(f"/t/{token}?lang=es")  # checked in in Spanish
    assert body["qr_svg_url"].endswith("?lang=es")
    assert body["print"]["state"] == "queued" and body["appointment_at"]["en"] == "11:00\u202fAM"
    again = post(client, kiosk_id, code).get_json()  # the scanner fired twice
    assert again["number"] == "A001" and again["replayed"] is True


def test_too_early_says_when_check_in_opens(runtime: Runtime, client: FlaskClient, clock: VirtualClock) -> None:
    kiosk_id, code = setup_kiosk(runtime)
    clock.set(SLOT - timedelta(minutes=30))
    body = post(client, kiosk_id, code).get_json()
    assert body["outcome"] == "too_early" and body["opens_at"] == {"en": "10:45\u202fAM", "es": "10:45"}
    assert body["opens_on"] is None  # today: the time says it all


def test_too_early_on_another_day_says_which_day(runtime: Runtime, client: FlaskClient, clock: VirtualClock) -> None:
    """'Opens at 10:45' on the Sunday before a Tuesday booking had the visitor waiting for the wrong 10:45."""
    kiosk_id, code = setup_kiosk(runtime)
    clock.set(SLOT - timedelta(days=2))
    body = post(client, kiosk_id, code).get_json()
    assert body["outcome"] == "too_early" and body["opens_at"]["en"] == "10:45\u202fAM"
    assert body["opens_on"] == {"en": "Tue, March 10", "es": "mar, 10 de marzo"}


def test_too_late_offers_the_walk_in_ticket_when_the_kiosk_issues_it(runtime: Runtime, client: FlaskClient,
                                                                     clock: VirtualClock) -> None:
    kiosk_id, code = setup_kiosk(runtime)
    clock.set(SLOT + timedelta(minutes=11))
    body = post(client, kiosk_id, code).get_json()
    assert body["outcome"] == "too_late"
    assert body["walk_in"]["offered"] is True and body["walk_in"]["service_name"] == "Licence renewal"


def test_too_late_at_a_kiosk_without_that_service_offers_nothing(runtime: Runtime, client: FlaskClient,
                                                                 clock: VirtualClock) -> None:
    kiosk_id, code = setup_kiosk(runtime, walk_in_service=False)
    clock.set(SLOT + timedelta(minutes=11))
    assert post(client, kiosk_id, code).get_json()["walk_in"]["offered"] is False


def test_unknown_codes_are_not_found(runtime: Runtime, client: FlaskClient) -> None:
    kiosk_id, _ = setup_kiosk(runtime)
    assert post(client, kiosk_id, "ZZZZ-ZZZZ").status_code == 404
    assert post(client, kiosk_id, "hello").status_code == 422

"""Emails through a real SMTP server on 127.0.0.1: confirmation with code, QR and .ics; reminders on time by the
virtual clock; the office's cancellation notice; retries while the server is down."""

from __future__ import annotations

from datetime import timedelta

import icalendar
import zxingcpp
from flask import Flask
from PIL import Image

from tests.appointments.conftest import Mailbox, SmtpServer
from tests.appointments.support import booker, local, make_bookable_office
from waitwell.appointments.jobs import run_appointment_jobs
from waitwell.appointments.page_helpers import stamp
from waitwell.domain.clock import VirtualClock
from waitwell.persistence import AppointmentMessage
from waitwell.runtime import Runtime
from waitwell.services.appointments import booking, staff

THURSDAY = "2026-03-12"


def attachment(message, content_type: str) -> bytes:
    for part in message.walk():
        if part.get_content_type() == content_type:
            return part.get_payload(decode=True)
    raise AssertionError(f"no {content_type} part in {message['Subject']!r}")


def test_booking_on_the_page_sends_the_confirmation_with_code_qr_and_calendar(
    runtime: Runtime, mail_app: Flask, mailbox: Mailbox, tmp_path
) -> None:
    office = make_bookable_office(runtime)
    client = mail_app.test_client()
    done = client.post(f"/book/service/{office.service_id}/at/{stamp(local(THURSDAY, '09:30'))}",
                       data={"name": "Ana Pérez", "email": "ana@example.org"})
    token = done.headers["Location"].split("/appointments/")[1].split("?")[0]
    made = booking.get_by_token(runtime.uow(), token)

    [message] = mailbox.wait_for(1)
    assert message["To"] == "ana@example.org"
    assert message["From"] == "Hartford DMV <appointments@dmv.example.gov>"
    assert message["Subject"] == f"Booked: Licence renewal on Thursday, March 12, 2026 at 9:30 AM (code {made.code})"
    text = message.get_body(preferencelist=("plain",)).get_content()
    assert "Hello Ana Pérez," in text and f"Booking code: {made.code}" in text
    assert f"https://waitwell.example.org/appointments/{token}" in text
    assert "Check-in opens 15 minutes before your time and closes 10 minutes after it" in text

    event = icalendar.Calendar.from_ical(attachment(message, "text/calendar")).walk("VEVENT")[0]
    assert event.decoded("DTSTART") == local(THURSDAY, "09:30")
    assert str(event.get("URL")) == f"https://waitwell.example.org/appointments/{token}"

    png = tmp_path / "qr.png"
    png.write_bytes(attachment(message, "image/png"))
    assert [found.text for found in zxingcpp.read_barcodes(Image.open(png))] == [made.code]
    assert mailbox.logins == ["waitwell"]  # the configured credentials were used


def test_a_spanish_booking_gets_a_spanish_email(runtime: Runtime, mail_app: Flask, mailbox: Mailbox) -> None:
    office = make_bookable_office(runtime)
    mail_app.test_client().post(f"/book/service/{office.service_id}/at/{stamp(local(THURSDAY, '09:30'))}?lang=es",
                                data={"name": "Ana", "email": "ana@example.org"})
    [message] = mailbox.wait_for(1)
    assert message["Subject"].startswith("Reservado: Licence renewal el jueves, 12 de marzo de 2026 a las 9:30")
    assert "Hola, Ana:" in message.get_body(preferencelist=("plain",)).get_content()


def test_the_reminder_goes_out_at_the_configured_time_before_the_slot_once(
    runtime: Runtime, clock: VirtualClock, mail_app: Flask, mailbox: Mailbox
) -> None:
    office = make_bookable_office(runtime, reminder_minutes=24 * 60)
    slot = local(THURSDAY, "09:30")
    made = booking.book(runtime.uow(), service_id=office.service_id, starts_at=slot, booker=booker())
    run_appointment_jobs(mail_app)
    assert [m["Subject"].split(":")[0] for m in mailbox.wait_for(1)] == ["Booked"]

    clock.set(slot - timedelta(hours=24, seconds=1))
    assert run_appointment_jobs(mail_app).reminders == 0
    clock.advance(seconds=1)
    round_ = run_appointment_jobs(mail_app)
    assert (round_.reminders, round_.sent) == (1, 1)
    reminder = mailbox.wait_for(2)[1]
    assert reminder["Subject"] == f"Reminder: Licence renewal on Thursday, March 12, 2026 at 9:30 AM (code {made.code})"
    clock.advance(minutes=30)
    assert run_appointment_jobs(mail_app).reminders == 0  # once per slot
    assert len(mailbox.messages) == 2


def test_a_rescheduled_booking_is_reminded_of_its_new_time(
    runtime: Runtime, clock: VirtualClock, mail_app: Flask, mailbox: Mailbox
) -> None:
    office = make_bookable_office(runtime, reminder_minutes=60)
    made = booking.book(runtime.uow(), service_id=office.service_id, starts_at=local(THURSDAY, "09:30"),
                        booker=booker())
    clock.set(local(THURSDAY, "08:30"))
    assert run_appointment_jobs(mail_app).reminders == 1
    booking.reschedule(runtime.uow(), token=made.manage_token, starts_at=local(THURSDAY, "11:30"))
    clock.set(local(THURSDAY, "10:30"))
    assert run_appointment_jobs(mail_app).reminders == 1
    subjects = [m["Subject"].split(":")[0] for m in mailbox.wait_for(4)]
    assert subjects == ["Booked", "Reminder", "Moved", "Reminder"]


def test_blocking_a_slot_tells_each_person_booked_in_it(
    runtime: Runtime, mail_app: Flask, mailbox: Mailbox
) -> None:
    office = make_bookable_office(runtime, capacity=2)
    slot = local(THURSDAY, "09:30")
    for name, address in (("Ana", "ana@example.org"), ("Bo", "bo@example.org")):
        booking.book(runtime.uow(), service_id=office.service_id, starts_at=slot, booker=booker(name, address))
    cancelled = staff.block_slot(runtime.uow(), service_id=office.service_id, starts_at=slot,
                                 reason="The office closes early for a power outage")
    assert len(cancelled) == 2
    run_appointment_jobs(mail_app)
    notices = [m for m in mailbox.wait_for(4) if "had to cancel" in m["Subject"]]
    assert sorted(m["To"] for m in notices) == ["ana@example.org", "bo@example.org"]
    text = notices[0].get_body(preferencelist=("plain",)).get_content()
    assert "Reason: The office closes early for a power outage" in text
    assert "https://waitwell.example.org/book/" in text
    event = icalendar.Calendar.from_ical(attachment(notices[0], "text/calendar"))
    assert str(event.get("METHOD")) == "CANCEL"


def test_mail_that_cannot_be_delivered_is_retried_and_never_lost(
    runtime: Runtime, clock: VirtualClock, mail_app: Flask, smtp_server: SmtpServer
) -> None:
    office = make_bookable_office(runtime)
    smtp_server.stop()
    booking.book(runtime.uow(), service_id=office.service_id, starts_at=local(THURSDAY, "09:30"), booker=booker())
    assert run_appointment_jobs(mail_app).failed == 1
    with runtime.uow(read_only=True) as uow:
        message = uow.session.query(AppointmentMessage).one()
        assert message.sent_at is None and "ConnectionRefusedError" in message.last_error
    smtp_server.start()
    assert run_appointment_jobs(mail_app).sent == 0  # not due again yet (1 minute later)
    clock.advance(minutes=1)
    assert run_appointment_jobs(mail_app).sent == 1
    assert smtp_server.mailbox.wait_for(1)[0]["Subject"].startswith("Booked:")

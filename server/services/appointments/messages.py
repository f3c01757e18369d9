"""The emails about bookings, as an outbox: a message is stored in the same transaction as the change it is about,
then sent (and retried) by whoever delivers mail; reminders are queued when they fall due."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update

from waitwell.persistence import Appointment, AppointmentMessage, AppointmentSettings, AppointmentState
from waitwell.services.appointments.views import AppointmentView
from waitwell.services.unit_of_work import UnitOfWork

KINDS = ("confirmation", "rescheduled", "reminder", "cancelled", "office_cancelled")
MAX_ATTEMPTS = 8
CLAIM_SECONDS = 120  # a claimed message is retried after this if its sender died mid-way


@dataclass(frozen=True)
class MessageToSend:
    id: int
    kind: str
    attempts: int
    appointment: AppointmentView
    check_in_early_minutes: int = 15
    check_in_late_minutes: int = 10


def queue_message(uow: UnitOfWork, appointment: Appointment, kind: str) -> None:
    """Store an email to send about `appointment`, inside the caller's transaction (none without an address)."""
    if kind not in KINDS:
        raise ValueError(f"unknown message kind {kind!r}")
    if not appointment.email:
        return
    now = uow.clock.now()
    uow.session.add(AppointmentMessage(appointment=appointment, kind=kind, created_at=now, next_attempt_at=now,
                                       attempts=0, last_error=""))


def queue_due_reminders(uow: UnitOfWork) -> int:
    """Queue a reminder for every booking whose reminder time has come (once per slot, even after a reschedule)."""
    with uow:
        now = uow.clock.now()
        due = 0
        for settings in uow.session.scalars(select(AppointmentSettings).where(AppointmentSettings.enabled)).all():
            lead = timedelta(minutes=settings.reminder_minutes_before)
            if lead <= timedelta(0):
                continue
            candidates = uow.session.scalars(
                select(Appointment).where(
                    Appointment.office_id == settings.office_id,
                    Appointment.state == AppointmentState.BOOKED,
                    Appointment.email.is_not(None),
                    Appointment.starts_at > now,
                    Appointment.starts_at <= now + lead,
                ).with_for_update(skip_locked=True)
            ).all()
            for appointment in candidates:
                if appointment.reminder_sent_for == appointment.starts_at:
                    continue
                appointment.reminder_sent_for = appointment.starts_at
                if appointment.booked_at >= appointment.starts_at - lead:
                    continue  # booked after the reminder time: the confirmation was the reminder
                queue_message(uow, appointment, "reminder")
                due += 1
        uow.commit()
        return due


def claim_due_messages(uow: UnitOfWork, *, only_ids: list[int] | None = None, limit: int = 50) -> list[MessageToSend]:
    """Take the messages due now for sending: each is claimed by one sender, retried later if it never reports."""
    with uow:
        now = uow.clock.now()
        query = (
            select(AppointmentMessage)
            .where(AppointmentMessage.sent_at.is_(None), AppointmentMessage.failed_at.is_(None),
                   AppointmentMessage.next_attempt_at <= now)
            .order_by(AppointmentMessage.next_attempt_at, AppointmentMessage.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        if only_ids is not None:
            query = query.where(AppointmentMessage.id.in_(only_ids))
        claimed = []
        for message in uow.session.scalars(query).all():
            appointment = message.appointment
            if appointment.email is None:  # purged since: nothing to send it to
                message.failed_at, message.last_error = now, "no email address (personal data purged)"
                continue
            message.attempts += 1
            message.next_attempt_at = now + timedelta(seconds=CLAIM_SECONDS)
            settings = uow.session.get(AppointmentSettings, appointment.office_id)
            window = (settings.check_in_early_minutes, settings.check_in_late_minutes) if settings else (15, 10)
            claimed.append(MessageToSend(message.id, message.kind, message.attempts, AppointmentView.of(appointment),
                                         *window))
        uow.commit()
        return claimed


def mark_sent(uow: UnitOfWork, message_id: int) -> None:
    with uow:
        uow.session.execute(update(AppointmentMessage).where(AppointmentMessage.id == message_id)
                            .values(sent_at=uow.clock.now(), last_error=""))
        uow.commit()


def mark_failed(uow: UnitOfWork, message_id: int, error: str) -> None:
    """Retry with a growing delay (1, 2, 4... minutes, at most an hour); give up after MAX_ATTEMPTS."""
    with uow:
        message = uow.session.get(AppointmentMessage, message_id)
        if message is None:
            return
        now = uow.clock.now()
        message.last_error = error[:2000]
        if message.attempts >= MAX_ATTEMPTS:
            message.failed_at = now
        else:
            message.next_attempt_at = now + min(timedelta(minutes=2 ** (message.attempts - 1)), timedelta(hours=1))
        uow.commit()


def pending_message_ids(uow: UnitOfWork, appointment_id: int) -> list[int]:
    """Messages of a booking not sent yet (the web page sends its confirmation right after booking)."""
    with uow:
        return list(uow.session.scalars(
            select(AppointmentMessage.id).where(AppointmentMessage.appointment_id == appointment_id,
                                                AppointmentMessage.sent_at.is_(None),
                                                AppointmentMessage.failed_at.is_(None))
        ).all())


def messages_of(uow: UnitOfWork, appointment_id: int) -> list[tuple[str, datetime | None, str]]:
    """(kind, sent at, last error) of a booking's emails, oldest first: shown to staff."""
    with uow:
        return [(m.kind, m.sent_at, m.last_error) for m in uow.session.scalars(
            select(AppointmentMessage).where(AppointmentMessage.appointment_id == appointment_id)
            .order_by(AppointmentMessage.id)).all()]

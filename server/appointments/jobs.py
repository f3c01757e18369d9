"""The appointment round of the background scheduler: no-shows, reminders, privacy purge, then the outbox."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from flask import Flask

from waitwell.appointments.delivery import deliver_due
from waitwell.runtime import Runtime
from waitwell.services.appointments import check_in, messages, privacy
from waitwell.web import RUNTIME_KEY

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class AppointmentRound:
    no_shows: int
    reminders: int
    purged: int
    sent: int
    failed: int


def run_appointment_jobs(app: Flask) -> AppointmentRound:
    """One round, run by whichever process holds the scheduler's lease (so each email goes out once)."""
    runtime: Runtime = app.extensions[RUNTIME_KEY]
    no_shows = check_in.mark_no_shows(runtime.uow())
    if no_shows:
        log.info("appointment no-shows: %s", ", ".join(no_shows))
    reminders = messages.queue_due_reminders(runtime.uow())
    purged = privacy.purge_personal_data(runtime.uow())
    if purged:
        log.info("personal data of %s past appointment(s) purged", purged)
    delivered = deliver_due(app)
    return AppointmentRound(len(no_shows), reminders, purged, delivered.sent, delivered.failed)

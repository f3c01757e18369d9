"""Sending the outbox: claim due messages, compose, hand them to SMTP, record the outcome (retried on failure)."""

from __future__ import annotations

import logging
import smtplib
import threading
from dataclasses import dataclass

from flask import Flask

from waitwell.appointments import emails
from waitwell.appointments.mail import MailNotConfigured, send
from waitwell.appointments.settings import mail_settings
from waitwell.runtime import Runtime
from waitwell.services.appointments import messages
from waitwell.web import RUNTIME_KEY

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DeliveryReport:
    sent: int = 0
    failed: int = 0


def deliver_due(app: Flask, *, only_ids: list[int] | None = None) -> DeliveryReport:
    """Send what is due now (or only `only_ids`); nothing happens while no SMTP server is configured."""
    settings = mail_settings(app)
    if not settings.enabled:
        return DeliveryReport()
    runtime: Runtime = app.extensions[RUNTIME_KEY]
    base_url = app.config["WAITWELL"].public_base_url
    sent = failed = 0
    for message in messages.claim_due_messages(runtime.uow(), only_ids=only_ids):
        try:
            with app.app_context():
                email = emails.compose(message, base_url=base_url, now=runtime.clock.now())
            send(settings, email)
        except (smtplib.SMTPException, OSError, MailNotConfigured) as error:
            log.warning("email %s (%s) not sent: %s", message.id, message.kind, error)
            messages.mark_failed(runtime.uow(), message.id, f"{type(error).__name__}: {error}")
            failed += 1
            continue
        messages.mark_sent(runtime.uow(), message.id)
        sent += 1
    return DeliveryReport(sent, failed)


def deliver_soon(app: Flask, message_ids: list[int]) -> None:
    """Send a booking's fresh messages in the background, so the page answers without waiting for SMTP."""
    if not message_ids or not mail_settings(app).enabled:
        return

    def run() -> None:
        try:
            deliver_due(app, only_ids=message_ids)
        except Exception:  # the scheduler retries whatever is still unsent
            log.exception("sending emails %s failed", message_ids)

    threading.Thread(target=run, name="waitwell-mail", daemon=True).start()

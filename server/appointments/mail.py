"""Sending one email over SMTP with the standard library (STARTTLS, implicit TLS, or plain for a local relay)."""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage

from waitwell.appointments.settings import MailSettings


class MailNotConfigured(RuntimeError):
    """No SMTP host: messages stay queued until one is configured."""


def send(settings: MailSettings, message: EmailMessage) -> None:
    """Hand `message` to the SMTP server; raises on any refusal so the outbox retries it later."""
    if not settings.enabled:
        raise MailNotConfigured("no SMTP server configured (WAITWELL_SMTP_HOST)")
    if "From" not in message:
        message["From"] = settings.sender
    context = ssl.create_default_context()
    smtp: smtplib.SMTP
    if settings.tls == "ssl":
        smtp = smtplib.SMTP_SSL(settings.host, settings.port, timeout=settings.timeout_seconds, context=context)
    else:
        smtp = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout_seconds)
    with smtp:
        if settings.tls == "starttls":
            smtp.starttls(context=context)
        if settings.username:
            smtp.login(settings.username, settings.password)
        smtp.send_message(message)

"""Fixtures for appointments: a real SMTP server on 127.0.0.1 (aiosmtpd) that keeps what it receives."""

from __future__ import annotations

import email
import email.policy
import threading
from collections.abc import Iterator
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from flask import Flask

from tests.support.ports import free_port
from tests.support.waiting import wait_until
from waitwell.appointments.settings import MAIL_KEY, MailSettings

SMTP_USER, SMTP_PASSWORD = "waitwell", "mail-secret"


class Mailbox:
    """What the test SMTP server received, parsed as a mail client would."""

    def __init__(self) -> None:
        self._messages: list[EmailMessage] = []
        self._lock = threading.Lock()
        self.logins: list[str] = []

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)  # type: ignore[attr-defined]
        with self._lock:
            self._messages.append(parsed)  # type: ignore[arg-type]
        return "250 Message accepted for delivery"

    def authenticate(self, server: object, session: object, envelope: object, mechanism: str,
                     auth_data: object) -> AuthResult:
        ok = isinstance(auth_data, LoginPassword) and auth_data.login.decode() == SMTP_USER \
            and auth_data.password.decode() == SMTP_PASSWORD
        if ok:
            self.logins.append(SMTP_USER)
        return AuthResult(success=ok)

    @property
    def messages(self) -> list[EmailMessage]:
        with self._lock:
            return list(self._messages)

    def wait_for(self, count: int = 1) -> list[EmailMessage]:
        return wait_until(lambda: self.messages if len(self.messages) >= count else None,
                          message=f"{count} email(s)")


class SmtpServer:
    def __init__(self) -> None:
        self.mailbox = Mailbox()
        self.port = free_port()
        self._controller: Controller | None = None

    def start(self) -> None:
        self._controller = Controller(self.mailbox, hostname="127.0.0.1", port=self.port,
                                      authenticator=self.mailbox.authenticate, auth_require_tls=False)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def settings(self) -> MailSettings:
        return MailSettings(host="127.0.0.1", port=self.port, tls="none", username=SMTP_USER,
                            password=SMTP_PASSWORD, sender="Hartford DMV <appointments@dmv.example.gov>",
                            timeout_seconds=5)


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def mailbox(smtp_server: SmtpServer) -> Mailbox:
    return smtp_server.mailbox


@pytest.fixture
def mail_app(app: Flask, smtp_server: SmtpServer) -> Flask:
    """The app sending its email to the test's SMTP server."""
    app.config[MAIL_KEY] = smtp_server.settings()
    app.config["WAITWELL"].public_base_url = "https://waitwell.example.org"
    return app


# --- Browser ------------------------------------------------------------------------------------

PHONE = {"width": 390, "height": 844}
KIOSK_PORTRAIT = {"width": 1080, "height": 1920}

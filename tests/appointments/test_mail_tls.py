"""Booking emails over an encrypted connection, as to a real provider: STARTTLS (the default, port 587) and
implicit TLS (465), against a real SMTP server on 127.0.0.1 with a certificate from a test CA. A server
whose certificate the machine does not trust gets nothing: not the message, not the password."""

from __future__ import annotations

import ssl
from collections.abc import Iterator
from email.message import EmailMessage
from typing import Any

import pytest
import trustme
from aiosmtpd.controller import Controller

from tests.appointments.conftest import SMTP_PASSWORD, SMTP_USER, Mailbox
from tests.support.ports import free_port
from waitwell.appointments import mail
from waitwell.appointments.settings import MailSettings


class TlsMailbox(Mailbox):
    """A mailbox that also notes whether each message and login came over TLS."""

    def __init__(self) -> None:
        super().__init__()
        self.encrypted: list[bool] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        # session.ssl after STARTTLS; the transport's TLS object when the server spoke TLS from the start
        self.encrypted.append(session.ssl is not None or server.transport.get_extra_info("ssl_object") is not None)
        return await super().handle_DATA(server, session, envelope)


class ImplicitTlsController(Controller):
    """aiosmtpd's controller speaks TLS from the first byte when given `ssl_context`; its readiness check
    then needs the same, so it connects trusting the test CA."""

    def __init__(self, *args: Any, client_context: ssl.SSLContext, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._client_context = client_context

    def _trigger_server(self) -> None:
        import socket

        with socket.create_connection((self.hostname, self.port), timeout=5) as raw, \
                self._client_context.wrap_socket(raw, server_hostname=self.hostname) as tls:
            tls.recv(1024)


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture
def trusted(ca: trustme.CA, tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """This machine trusts the test CA, as it would a public one (OpenSSL reads SSL_CERT_FILE)."""
    bundle = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(bundle))
    monkeypatch.setenv("SSL_CERT_FILE", str(bundle))


def server_context(ca: trustme.CA) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1", "localhost").configure_cert(context)
    return context


@pytest.fixture
def starttls_server(ca: trustme.CA) -> Iterator[tuple[TlsMailbox, int]]:
    """Port 587 style: plain greeting, then STARTTLS is required before anything else (login included)."""
    mailbox, port = TlsMailbox(), free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port, tls_context=server_context(ca),
                            require_starttls=True, authenticator=mailbox.authenticate, auth_require_tls=True)
    controller.start()
    yield mailbox, port
    controller.stop()


@pytest.fixture
def implicit_tls_server(ca: trustme.CA) -> Iterator[tuple[TlsMailbox, int]]:
    """Port 465 style: TLS from the first byte."""
    mailbox, port = TlsMailbox(), free_port()
    client_context = ssl.create_default_context()
    ca.configure_trust(client_context)
    # aiosmtpd counts only STARTTLS as TLS for AUTH; here every byte is encrypted anyway.
    controller = ImplicitTlsController(mailbox, hostname="127.0.0.1", port=port, ssl_context=server_context(ca),
                                       authenticator=mailbox.authenticate, auth_require_tls=False,
                                       client_context=client_context)
    controller.start()
    yield mailbox, port
    controller.stop()


def booking_email() -> EmailMessage:
    message = EmailMessage()
    message["To"] = "ana@example.org"
    message["Subject"] = "Your appointment on Tuesday at 10:30"
    message.set_content("Booking code: K7M-2QX")
    return message


def settings(port: int, tls: str) -> MailSettings:
    return MailSettings(host="127.0.0.1", port=port, tls=tls, username=SMTP_USER, password=SMTP_PASSWORD,
                        sender="Hartford DMV <appointments@example.gov>", timeout_seconds=5)


def test_starttls_delivers_the_email_encrypted_after_logging_in_over_tls(
    starttls_server: tuple[TlsMailbox, int], trusted: None
) -> None:
    mailbox, port = starttls_server
    mail.send(settings(port, "starttls"), booking_email())
    [received] = mailbox.wait_for(1)
    assert received["Subject"] == "Your appointment on Tuesday at 10:30"
    assert received["From"] == "Hartford DMV <appointments@example.gov>"
    assert mailbox.encrypted == [True] and mailbox.logins == [SMTP_USER]


def test_implicit_tls_delivers_the_email(implicit_tls_server: tuple[TlsMailbox, int], trusted: None) -> None:
    mailbox, port = implicit_tls_server
    mail.send(settings(port, "ssl"), booking_email())
    [received] = mailbox.wait_for(1)
    assert "K7M-2QX" in received.get_content()
    assert mailbox.encrypted == [True] and mailbox.logins == [SMTP_USER]


@pytest.mark.parametrize("tls", ["starttls", "ssl"])
def test_a_server_with_an_untrusted_certificate_gets_neither_the_email_nor_the_password(
    starttls_server: tuple[TlsMailbox, int], implicit_tls_server: tuple[TlsMailbox, int], tls: str,
    monkeypatch: pytest.MonkeyPatch
) -> None:
    """The certificate is valid but from a CA this machine does not trust (a man in the middle): the
    handshake fails, the send raises (the outbox keeps the message and retries), nothing is received."""
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)  # the machine's own trust store
    mailbox, port = starttls_server if tls == "starttls" else implicit_tls_server
    with pytest.raises(ssl.SSLCertVerificationError):
        mail.send(settings(port, tls), booking_email())
    assert mailbox.messages == [] and mailbox.logins == []


def test_the_test_server_really_refuses_mail_without_starttls(starttls_server: tuple[TlsMailbox, int]) -> None:
    """The STARTTLS server above would not take a plain message: the first test's encryption is its doing."""
    mailbox, port = starttls_server
    with pytest.raises(Exception, match="STARTTLS"):
        mail.send(MailSettings(host="127.0.0.1", port=port, tls="none", sender="x@example.gov",
                               timeout_seconds=5), booking_email())
    assert mailbox.messages == []

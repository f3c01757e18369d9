"""Mail and appointment settings of a process: from the environment, or `app.config["WAITWELL_MAIL"]` in tests."""

from __future__ import annotations

import os
from dataclasses import dataclass

from flask import Flask

from waitwell.config import ConfigError, port_number

MAIL_KEY = "WAITWELL_MAIL"
TLS_MODES = ("starttls", "ssl", "none")


@dataclass(frozen=True)
class MailSettings:
    """Where bookings' emails go out. An empty `host` keeps them queued (nothing is sent, nothing is lost).

    `tls`: "starttls" (port 587, the usual), "ssl" (implicit TLS, port 465) or "none" (a relay on localhost).
    """

    host: str = ""
    port: int = 587
    tls: str = "starttls"
    username: str = ""
    password: str = ""
    sender: str = "Waitwell <no-reply@localhost>"
    timeout_seconds: float = 10.0

    def __post_init__(self) -> None:
        if self.tls not in TLS_MODES:
            raise ConfigError(f"WAITWELL_SMTP_TLS must be one of {', '.join(TLS_MODES)}, not {self.tls!r}")

    @property
    def enabled(self) -> bool:
        return bool(self.host)

    @classmethod
    def from_env(cls) -> MailSettings:
        env = os.environ
        return cls(
            host=env.get("WAITWELL_SMTP_HOST", ""),
            port=port_number("WAITWELL_SMTP_PORT", env.get("WAITWELL_SMTP_PORT"), 587),
            tls=(env.get("WAITWELL_SMTP_TLS") or "starttls").strip().lower(),
            username=env.get("WAITWELL_SMTP_USERNAME", ""),
            password=env.get("WAITWELL_SMTP_PASSWORD", ""),
            sender=env.get("WAITWELL_MAIL_FROM", cls.sender),
        )


def mail_settings(app: Flask) -> MailSettings:
    configured = app.config.get(MAIL_KEY)
    if isinstance(configured, MailSettings):
        return configured
    settings = MailSettings.from_env()
    app.config[MAIL_KEY] = settings
    return settings

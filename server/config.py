"""Configuration from environment variables, with defaults that run a demo office on SQLite."""

from __future__ import annotations

import ipaddress
import os
import re
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


class ConfigError(ValueError):
    """A setting with a value Waitwell cannot read: refused by name, never guessed."""


ON_WORDS = ("1", "on", "true", "yes")
OFF_WORDS = ("0", "off", "false", "no")


def switch(name: str, value: object, default: bool) -> bool:
    """An on/off setting: on/off, true/false, yes/no or 1/0, in any case; unset or empty is `default`.
    Anything else is refused: a typo must not quietly leave secure cookies off or the scheduler on."""
    if value is None or value == "":
        return default
    if isinstance(value, bool):
        return value
    word = str(value).strip().lower()
    if word in ON_WORDS:
        return True
    if word in OFF_WORDS:
        return False
    raise ConfigError(f"{name} must be on or off (or true/false, yes/no, 1/0), not {value!r}")


def positive_number(name: str, value: object, default: float) -> float:
    """A setting that is a number above zero (minutes, seconds); unset or empty is `default`."""
    if value is None or value == "":
        return default
    if isinstance(value, bool):
        raise ConfigError(f"{name} must be a number above 0, not {value!r}")
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        number = float("nan")
    if not number > 0 or number == float("inf"):
        raise ConfigError(f"{name} must be a number above 0, not {value!r}")
    return number


def port_number(name: str, value: object, default: int) -> int:
    """A TCP port setting (1 to 65535); unset or empty is `default`."""
    if value is None or value == "":
        return default
    text = str(value).strip()
    if not (text.isascii() and text.isdecimal()) or not 1 <= int(text) <= 65535:
        raise ConfigError(f"{name} must be a port number from 1 to 65535, not {value!r}")
    return int(text)


def address_ranges(name: str, value: object) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    """Addresses and ranges ("10.0.0.0/8, 192.0.2.7, fd00::/8"), separated by commas or spaces, or a list of them;
    unset, empty or "none" is none."""
    if value is None:
        return ()
    items = value if isinstance(value, list | tuple) else re.split(r"[,\s]+", str(value).strip())
    ranges = []
    for item in items:
        text = str(item).strip()
        if text and text.lower() != "none":
            try:
                ranges.append(ipaddress.ip_network(text, strict=False))
            except ValueError:
                raise ConfigError(f"{name} must be addresses or ranges such as 10.0.0.0/8, 192.0.2.7, fd00::/8 "
                                  f"separated by commas, not {value!r} ({text!r} is neither)") from None
    return tuple(ranges)


def path_patterns(name: str, value: object) -> tuple[str, ...]:
    """Absolute path patterns ("/dev/usb/lp*, /dev/ttyUSB*"), separated by commas, or a list of them; unset,
    empty or "none" is none."""
    if value is None:
        return ()
    items = value if isinstance(value, list | tuple) else str(value).split(",")
    patterns = tuple(text for item in items if (text := str(item).strip()) and text.lower() != "none")
    for pattern in patterns:
        if not pattern.startswith("/"):
            raise ConfigError(f"{name} must be absolute path patterns such as /dev/usb/lp*, /dev/ttyUSB* separated "
                              f"by commas, not {value!r} ({pattern!r} is not absolute)")
    return patterns


def whole_number(name: str, value: object, default: int) -> int:
    """A count above zero (tickets a day); unset or empty is `default`."""
    if value is None or value == "":
        return default
    text = str(value).strip()
    if isinstance(value, bool) or not (text.isascii() and text.isdecimal()) or int(text) < 1:
        raise ConfigError(f"{name} must be a whole number above 0, not {value!r}")
    return int(text)


def rate_limit(name: str, value: object) -> str:
    """A rate limit in Flask-Limiter's notation, one or more joined by ';' ("10 per 10 seconds")."""
    from limits import parse_many

    text = str(value).strip()
    try:
        if parse_many(text):
            return text
    except ValueError:
        pass
    raise ConfigError(f"{name} must be limits such as '30 per minute;10 per 10 seconds', not {value!r}")


FRAME_KEYWORDS = ("'self'", "'none'")
# A CSP source a page may be framed by: a scheme (https:) or an origin, with optional *. subdomains and port.
FRAME_SOURCE = re.compile(r"^(?:[a-z][a-z0-9+.-]*:|(?:[a-z][a-z0-9+.-]*://)?(?:\*\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)*"
                          r"(?::(?:\d{1,5}|\*))?)$", re.IGNORECASE)


def frame_sources(name: str, value: object) -> str:
    """Who may show a page in a frame, as CSP frame-ancestors sources separated by spaces ('self',
    https://intranet.example.gov); unset or empty is 'none'. Anything else is refused, so a typo can
    neither open every page to framing nor slip another directive into the policy."""
    text = "" if value is None else str(value).strip()
    if not text:
        return "'none'"
    sources = text.split()
    for source in sources:
        if source.lower() in ("self", "none"):
            raise ConfigError(f"{name}: write '{source}' with its single quotes, as CSP does, not {value!r}")
        if source.lower() not in FRAME_KEYWORDS and not FRAME_SOURCE.match(source):
            raise ConfigError(f"{name} must be 'self', 'none' or origins such as https://intranet.example.gov "
                              f"separated by spaces, not {value!r}")
    if "'none'" in (source.lower() for source in sources) and len(sources) > 1:
        raise ConfigError(f"{name}: 'none' cannot be combined with other sources, not {value!r}")
    return " ".join(sources)


def quick_redis_options() -> dict[str, Any]:
    """redis-py settings for Waitwell's own uses of Redis beside Socket.IO's (the rate limits' counts, the
    followed tickets): an answer within a second or two and one quick retry, where redis-py's defaults
    kept a request waiting about 12 s when Redis did not answer. Needs the redis extra."""
    from redis.backoff import ExponentialBackoff
    from redis.retry import Retry

    return {"socket_connect_timeout": 1, "socket_timeout": 2, "retry": Retry(ExponentialBackoff(cap=0.1, base=0.02), 1)}


# The on/off and number settings read from the environment elsewhere (with their defaults there): checked
# at once by `check_environment` before `waitwell serve` starts processes that would each fail on them.
ENVIRONMENT_SWITCHES = ("WAITWELL_SECURE_COOKIES", "WAITWELL_SCHEDULER", "WAITWELL_PRINT_WORKER",
                        "WAITWELL_RECORD_ISSUE_ESTIMATES")
ENVIRONMENT_NUMBERS = ("WAITWELL_STALE_AFTER_MINUTES", "WAITWELL_PRINT_SCAN_SECONDS",
                       # staff sessions and API tokens (credential_settings.py)
                       "WAITWELL_SESSION_HOURS", "WAITWELL_SESSION_IDLE_MINUTES", "WAITWELL_API_TOKEN_DAYS",
                       "WAITWELL_STAFF_TOKEN_LIMIT", "WAITWELL_CREDENTIAL_RECHECK_SECONDS")
FRAME_ANCESTORS_SETTING = "WAITWELL_FRAME_ANCESTORS"  # who may embed the lobby display (docs/security.md)
# Who may scrape /metrics, and what the server's printers may reach (docs/security.md).
METRICS_ALLOW_SETTING = "WAITWELL_METRICS_ALLOW"
PRINTER_NETWORKS_SETTING = "WAITWELL_PRINTER_NETWORKS"
PRINTER_DEVICES_SETTING = "WAITWELL_PRINTER_DEVICES"
ENVIRONMENT_ADDRESS_RANGES = (METRICS_ALLOW_SETTING, PRINTER_NETWORKS_SETTING)
TAP_LIMIT_SETTING = "WAITWELL_KIOSK_TAP_LIMIT"  # the app's KIOSK_TAP_LIMIT (docs/kiosk.md, "Rate limits")
# Environment name -> the app's setting, each in Flask-Limiter's notation (docs/security.md, "Public endpoints").
LIMIT_SETTINGS = {TAP_LIMIT_SETTING: "KIOSK_TAP_LIMIT", "WAITWELL_ISSUE_LIMIT_PER_ADDRESS": "ISSUE_LIMIT_PER_ADDRESS",
                  "WAITWELL_ISSUE_LIMIT_PER_OFFICE": "ISSUE_LIMIT_PER_OFFICE",
                  "WAITWELL_TOKEN_GUESS_LIMIT": "TOKEN_GUESS_LIMIT"}
DAILY_CAP_SETTING = "WAITWELL_DAILY_TICKET_CAP"  # the app's DAILY_TICKET_CAP
DEFAULT_DAILY_TICKET_CAP = 5000


def check_environment() -> None:
    """Raise ConfigError for the first unreadable on/off or number setting in the environment."""
    for name in ENVIRONMENT_SWITCHES:
        switch(name, os.environ.get(name), False)
    for name in ENVIRONMENT_NUMBERS:
        positive_number(name, os.environ.get(name), 1.0)
    for name in ENVIRONMENT_ADDRESS_RANGES:
        address_ranges(name, os.environ.get(name))
    path_patterns(PRINTER_DEVICES_SETTING, os.environ.get(PRINTER_DEVICES_SETTING))
    for name in LIMIT_SETTINGS:
        if os.environ.get(name):
            rate_limit(name, os.environ[name])
    whole_number(DAILY_CAP_SETTING, os.environ.get(DAILY_CAP_SETTING), DEFAULT_DAILY_TICKET_CAP)
    frame_sources(FRAME_ANCESTORS_SETTING, os.environ.get(FRAME_ANCESTORS_SETTING))


def default_instance_path() -> Path:
    return Path(os.environ.get("WAITWELL_INSTANCE", Path.cwd() / "instance")).resolve()


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


@dataclass
class Config:
    """Settings of one Waitwell process; `from_env()` reads them from the environment."""

    database_url: str = ""
    redis_url: str = ""
    secret_key: str = ""
    public_base_url: str = "http://127.0.0.1:5000"
    instance_path: Path = field(default_factory=default_instance_path)
    testing: bool = False
    session_cookie_secure: bool = False
    extra: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.database_url:
            self.database_url = sqlite_url(self.instance_path / "waitwell.db")
        if not self.secret_key:
            self.secret_key = _instance_secret(self.instance_path)

    @classmethod
    def from_env(cls, **overrides: Any) -> Config:
        values: dict[str, Any] = {
            "database_url": os.environ.get("DATABASE_URL", ""),
            "redis_url": os.environ.get("REDIS_URL", ""),
            "secret_key": os.environ.get("SECRET_KEY", ""),
            "public_base_url": os.environ.get("WAITWELL_PUBLIC_URL", "http://127.0.0.1:5000"),
            "session_cookie_secure": switch("WAITWELL_SECURE_COOKIES", os.environ.get("WAITWELL_SECURE_COOKIES"),
                                            False),
        }
        extra: dict[str, Any] = {}
        for name, setting in LIMIT_SETTINGS.items():
            if os.environ.get(name):
                extra[setting] = rate_limit(name, os.environ[name])
        if os.environ.get(DAILY_CAP_SETTING):
            extra["DAILY_TICKET_CAP"] = whole_number(DAILY_CAP_SETTING, os.environ[DAILY_CAP_SETTING],
                                                     DEFAULT_DAILY_TICKET_CAP)
        values["extra"] = {**extra, **overrides.pop("extra", {})}
        values.update(overrides)
        return cls(**values)


def _instance_secret(instance_path: Path) -> str:
    """A secret key kept in the instance folder, so sessions survive restarts without configuration."""
    instance_path.mkdir(parents=True, exist_ok=True)
    key_file = instance_path / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    return key_file.read_text().strip()

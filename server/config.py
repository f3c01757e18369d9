"""Configuration from environment variables, with defaults that run a demo office on SQLite."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


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
            "session_cookie_secure": os.environ.get("WAITWELL_SECURE_COOKIES", "") in ("1", "true", "yes"),
        }
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

"""Failed sign-ins, counted in the database so every process sees them (services/sign_in.py)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from waitwell.persistence.base import Base


class SignInFailure(Base):
    """Recent failures for one key ("pair:alice|10.0.0.7", "username:alice" or "address:10.0.0.7") and the delay
    they cause."""

    __tablename__ = "sign_in_failures"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    failures: Mapped[int] = mapped_column(default=0)
    first_failed_at: Mapped[datetime]
    last_failed_at: Mapped[datetime]
    retry_after: Mapped[datetime | None]  # no attempt is checked before this moment (pair and address keys)
    locked_until: Mapped[datetime | None]  # no longer set: failures bring delays, never a lock

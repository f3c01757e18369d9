"""Failed sign-ins, counted per username and per address in the database so every process sees them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from waitwell.persistence.base import Base


class SignInFailure(Base):
    """Recent failures for one key ("username:alice" or "address:10.0.0.7") and the delay or lockout they caused."""

    __tablename__ = "sign_in_failures"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    failures: Mapped[int] = mapped_column(default=0)
    first_failed_at: Mapped[datetime]
    last_failed_at: Mapped[datetime]
    retry_after: Mapped[datetime | None]  # no attempt is checked before this moment (the delay)
    locked_until: Mapped[datetime | None]  # set once there were too many failures (the lockout)

"""Who is signed in at which counter: one clerk per counter at a time."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from waitwell.persistence.accounts import User
from waitwell.persistence.base import Base
from waitwell.persistence.models import Counter


class CounterSession(Base):
    """A clerk holding a counter; the primary key on the counter makes a second holder impossible."""

    __tablename__ = "counter_sessions"

    counter_id: Mapped[int] = mapped_column(ForeignKey("counters.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    started_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]
    address: Mapped[str] = mapped_column(String(45), default="")

    counter: Mapped[Counter] = relationship()
    user: Mapped[User] = relationship()

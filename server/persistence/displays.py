"""Lobby displays: which office a screen belongs to, what it covers and which languages it speaks."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, ForeignKey, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship

from waitwell.persistence.base import Base
from waitwell.persistence.models import Counter, Office, Service

display_services = Table(
    "display_services",
    Base.metadata,
    Column("display_id", ForeignKey("displays.id", ondelete="CASCADE"), primary_key=True),
    Column("service_id", ForeignKey("services.id", ondelete="CASCADE"), primary_key=True),
)

display_counters = Table(
    "display_counters",
    Base.metadata,
    Column("display_id", ForeignKey("displays.id", ondelete="CASCADE"), primary_key=True),
    Column("counter_id", ForeignKey("counters.id", ondelete="CASCADE"), primary_key=True),
)


class Display(Base):
    """A registered lobby screen. No services (or counters) listed means all of the office's."""

    __tablename__ = "displays"

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    # BCP 47 tags, comma-separated, in announcement order: "en-US,es-US". The first one is the screen's language.
    languages: Mapped[str] = mapped_column(String(120), default="en-US")
    calls_shown: Mapped[int] = mapped_column(default=7)
    created_at: Mapped[datetime]

    office: Mapped[Office] = relationship()
    services: Mapped[list[Service]] = relationship(secondary=display_services, order_by="Service.display_order")
    counters: Mapped[list[Counter]] = relationship(secondary=display_counters, order_by="Counter.id")

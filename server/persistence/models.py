"""The office, its services, counters and tickets as tables."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from waitwell.domain.states import CounterState, TicketState
from waitwell.persistence.base import Base, string_enum

counter_services = Table(
    "counter_services",
    Base.metadata,
    Column("counter_id", ForeignKey("counters.id", ondelete="CASCADE"), primary_key=True),
    Column("service_id", ForeignKey("services.id", ondelete="RESTRICT"), primary_key=True),
)


class Office(Base):
    __tablename__ = "offices"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    timezone: Mapped[str] = mapped_column(String(64))
    opening_hours: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    refuse_tickets_when_closed: Mapped[bool] = mapped_column(default=False)
    calling_strategy: Mapped[str] = mapped_column(String(40), default="weighted-longest-wait")
    # The name citizens see on kiosks, displays and tickets; `name` stays the staff's name for it.
    public_name: Mapped[str] = mapped_column(String(120), default="", server_default="")
    # Office rules for calling a ticket again (see domain/recalls.py); 0 and NULL mean no limit.
    min_seconds_between_recalls: Mapped[int] = mapped_column(default=0, server_default="0")
    max_recalls: Mapped[int | None]
    auto_no_show_after_recalls: Mapped[int | None]

    services: Mapped[list[Service]] = relationship(back_populates="office", order_by="Service.display_order")
    counters: Mapped[list[Counter]] = relationship(back_populates="office", order_by="Counter.id")


class Service(Base):
    __tablename__ = "services"

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id", ondelete="RESTRICT"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(String(240), default="")
    prefix: Mapped[str] = mapped_column(String(3))
    target_wait_minutes: Mapped[int] = mapped_column(default=20)
    priority_weight: Mapped[float] = mapped_column(default=1.0)
    active: Mapped[bool] = mapped_column(default=True)
    display_order: Mapped[int] = mapped_column(default=0)
    # Public names by language tag ({"es": "Renovación"}); `name` is the default for any other language.
    names: Mapped[dict[str, str]] = mapped_column(JSON, default=dict, server_default=text("'{}'"))
    colour: Mapped[str] = mapped_column(String(7), default="#1f5fa8", server_default="#1f5fa8")
    # Set instead of deleting a service that tickets refer to; an archived service is also inactive.
    archived_at: Mapped[datetime | None]

    office: Mapped[Office] = relationship(back_populates="services")


class Counter(Base):
    __tablename__ = "counters"
    __table_args__ = (UniqueConstraint("office_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id", ondelete="RESTRICT"), index=True)
    name: Mapped[str] = mapped_column(String(60))
    state: Mapped[CounterState] = mapped_column(string_enum(CounterState), default=CounterState.CLOSED)
    # Set instead of deleting a counter that served tickets, so their history keeps its counter.
    archived_at: Mapped[datetime | None]

    office: Mapped[Office] = relationship(back_populates="counters")
    services: Mapped[list[Service]] = relationship(secondary=counter_services, order_by="Service.display_order")

    @property
    def service_ids(self) -> frozenset[int]:
        return frozenset(service.id for service in self.services)


class DailySequence(Base):
    """The last number handed out per office, prefix and local day; bumped in the ticket's transaction."""

    __tablename__ = "daily_sequences"

    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id", ondelete="CASCADE"), primary_key=True)
    prefix: Mapped[str] = mapped_column(String(3), primary_key=True)
    service_day: Mapped[date] = mapped_column(primary_key=True)
    last_sequence: Mapped[int] = mapped_column(Integer, default=0)


class Ticket(Base):
    __tablename__ = "tickets"
    __table_args__ = (
        UniqueConstraint("office_id", "service_day", "number", name="uq_ticket_number_per_day"),
        # Every hot read of a long line or an old database is bounded by one of these (migration 0007).
        Index("ix_tickets_line", "office_id", "state", "service_id", "waiting_since", "id"),
        Index("ix_tickets_line_appointments", "office_id", "state", "service_id", "appointment_at"),
        Index("ix_tickets_called", "office_id", "service_day", "called_at"),
        Index("ix_tickets_line_called", "office_id", "service_id", "service_day", "called_at"),
        Index("ix_tickets_counter_state", "counter_id", "state"),
        Index("ix_tickets_office_finished", "office_id", "finished_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id", ondelete="RESTRICT"))
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id", ondelete="RESTRICT"))
    number: Mapped[str] = mapped_column(String(12))
    sequence: Mapped[int]
    service_day: Mapped[date]
    token: Mapped[str] = mapped_column(String(64), unique=True)
    state: Mapped[TicketState] = mapped_column(string_enum(TicketState), default=TicketState.WAITING)
    origin: Mapped[str] = mapped_column(String(20), default="api")
    issued_at: Mapped[datetime]
    waiting_since: Mapped[datetime]
    first_called_at: Mapped[datetime | None]
    called_at: Mapped[datetime | None]
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    call_count: Mapped[int] = mapped_column(default=0)
    counter_id: Mapped[int | None] = mapped_column(ForeignKey("counters.id", ondelete="SET NULL"))
    served_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # The citizen's optional answer after service, 1 to 5 stars (services.ratings checks the range).
    rating: Mapped[int | None]
    rated_at: Mapped[datetime | None]
    # Set when the ticket was issued by checking in for an appointment: its slot time (the calling
    # strategy calls it from then on; its wait is measured from the later of check-in and slot).
    appointment_at: Mapped[datetime | None]

    office: Mapped[Office] = relationship()
    service: Mapped[Service] = relationship()
    counter: Mapped[Counter | None] = relationship()
    history: Mapped[list[TicketEvent]] = relationship(order_by="TicketEvent.id", back_populates="ticket")


class TicketEvent(Base):
    """Append-only history of a ticket: what happened, when, where and by whom."""

    __tablename__ = "ticket_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    occurred_at: Mapped[datetime]
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id", ondelete="RESTRICT"))
    counter_id: Mapped[int | None] = mapped_column(ForeignKey("counters.id", ondelete="SET NULL"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    detail: Mapped[str] = mapped_column(Text, default="")

    ticket: Mapped[Ticket] = relationship(back_populates="history")

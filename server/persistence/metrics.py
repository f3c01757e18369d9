"""What the metrics need besides the ticket history: counter state changes, the estimate each ticket
was given at issue, and an index that makes "the last 10 calls of a service" cheap."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from waitwell.domain.states import CounterState
from waitwell.persistence.base import Base, string_enum
from waitwell.persistence.models import TicketEvent


class CounterEvent(Base):
    """Append-only: a counter entered a state (open, paused, closed). Utilisation's open time comes from here."""

    __tablename__ = "counter_events"
    __table_args__ = (Index("ix_counter_events_office_time", "office_id", "occurred_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    counter_id: Mapped[int] = mapped_column(ForeignKey("counters.id", ondelete="CASCADE"), index=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id", ondelete="CASCADE"))
    state: Mapped[CounterState] = mapped_column(string_enum(CounterState))
    occurred_at: Mapped[datetime]
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class IssueEstimate(Base):
    """The wait estimate a ticket was given when it was issued, kept to score estimates against real waits."""

    __tablename__ = "issue_estimates"
    __table_args__ = (Index("ix_issue_estimates_office_time", "office_id", "given_at"),)

    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), primary_key=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id", ondelete="CASCADE"))
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id", ondelete="CASCADE"))
    given_at: Mapped[datetime]
    expected_minutes: Mapped[float] = mapped_column(Float)
    low_minutes: Mapped[float] = mapped_column(Float)
    high_minutes: Mapped[float] = mapped_column(Float)
    predictor: Mapped[str] = mapped_column(String(40), default="")


# The last-10 figure reads the newest "called" rows of one service.
Index("ix_ticket_events_service_kind_time", TicketEvent.service_id, TicketEvent.kind, TicketEvent.occurred_at)
# A counter's recent calls, read by every call.
Index("ix_ticket_events_counter_kind_time", TicketEvent.counter_id, TicketEvent.kind, TicketEvent.occurred_at)

"""Background jobs shared by several processes: leases that elect one runner, and end-of-day runs."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from waitwell.persistence.base import Base


class JobLease(Base):
    """Whoever holds an unexpired lease runs the job; the others stand by and take over when it lapses."""

    __tablename__ = "job_leases"

    name: Mapped[str] = mapped_column(String(60), primary_key=True)
    holder: Mapped[str] = mapped_column(String(120))
    acquired_at: Mapped[datetime]
    expires_at: Mapped[datetime]


class EndOfDayRun(Base):
    """An office's day that has been closed; the unique key makes closing a day twice impossible."""

    __tablename__ = "end_of_day_runs"
    __table_args__ = (UniqueConstraint("office_id", "service_day", name="uq_end_of_day_per_office_day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id", ondelete="CASCADE"))
    service_day: Mapped[date]
    ran_at: Mapped[datetime]
    trigger: Mapped[str] = mapped_column(String(16))  # "scheduler", "cli" or "supervisor"
    cancelled_tickets: Mapped[int] = mapped_column(default=0)
    closed_counters: Mapped[int] = mapped_column(default=0)

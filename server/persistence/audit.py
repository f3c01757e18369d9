"""The audit log: every staff and admin action, who did it, when and from which address."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from waitwell.persistence.base import Base


class AuditEntry(Base):
    """One action; append-only. The username is copied so the entry survives a renamed or removed account."""

    __tablename__ = "audit_entries"
    __table_args__ = (Index("ix_audit_entries_office_time", "office_id", "occurred_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    username: Mapped[str] = mapped_column(String(80), default="")  # "" for anonymous, "system" for jobs
    office_id: Mapped[int | None] = mapped_column(ForeignKey("offices.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(60), index=True)  # e.g. "ticket.recall", "sign_in.failed"
    target: Mapped[str] = mapped_column(String(160), default="")  # e.g. "ticket A003", "counter Counter 2"
    detail: Mapped[str] = mapped_column(Text, default="")  # JSON object
    address: Mapped[str] = mapped_column(String(45), default="")  # the client's IP address
    status_code: Mapped[int | None]  # the HTTP answer, when the action came over HTTP

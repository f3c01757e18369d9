"""Kiosks, their printers, print jobs and the idempotency keys that make a kiosk tap count once."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, ForeignKey, Index, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from waitwell.persistence.base import Base, string_enum
from waitwell.persistence.models import Office, Service, Ticket


class PrinterStatus(StrEnum):
    """What a printer last said about itself; "unknown" when it did not answer in time."""

    ONLINE = "online"
    PAPER_NEAR_END = "paper_near_end"
    PAPER_OUT = "paper_out"
    OFFLINE = "offline"
    UNKNOWN = "unknown"


class PrintDelivery(StrEnum):
    """Who sends the bytes: the server's print worker, or a print agent on the kiosk PC."""

    SERVER = "server"
    AGENT = "agent"


class PrintJobState(StrEnum):
    QUEUED = "queued"
    PRINTING = "printing"
    RETRYING = "retrying"
    PRINTED = "printed"
    FAILED = "failed"


PENDING_JOB_STATES = (PrintJobState.QUEUED, PrintJobState.RETRYING, PrintJobState.PRINTING)

kiosk_services = Table(
    "kiosk_services",
    Base.metadata,
    Column("kiosk_id", ForeignKey("kiosks.id", ondelete="CASCADE"), primary_key=True),
    Column("service_id", ForeignKey("services.id", ondelete="CASCADE"), primary_key=True),
)


class Printer(Base):
    """A ticket printer; `connection` and `settings` are what waitwell.printers needs to reach it."""

    __tablename__ = "printers"
    __table_args__ = (UniqueConstraint("office_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id", ondelete="RESTRICT"), index=True)
    name: Mapped[str] = mapped_column(String(60))
    connection: Mapped[str] = mapped_column(String(16))  # network, usb, serial, cups, file, preview
    settings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # host/port, vendor/product id, ...
    paper_width_mm: Mapped[int] = mapped_column(default=80)
    profile: Mapped[str] = mapped_column(String(40), default="")  # python-escpos profile; "" = default per width
    qr_mode: Mapped[str] = mapped_column(String(8), default="auto")  # auto, native or image
    delivery: Mapped[PrintDelivery] = mapped_column(string_enum(PrintDelivery), default=PrintDelivery.SERVER)
    status: Mapped[PrinterStatus] = mapped_column(string_enum(PrinterStatus), default=PrinterStatus.UNKNOWN)
    status_detail: Mapped[str] = mapped_column(String(240), default="")
    status_checked_at: Mapped[datetime | None]

    office: Mapped[Office] = relationship()


class Kiosk(Base):
    """A touchscreen that issues tickets for some of an office's services."""

    __tablename__ = "kiosks"
    __table_args__ = (UniqueConstraint("office_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id", ondelete="RESTRICT"), index=True)
    name: Mapped[str] = mapped_column(String(60))
    language: Mapped[str] = mapped_column(String(8), default="en")
    printer_id: Mapped[int | None] = mapped_column(ForeignKey("printers.id", ondelete="SET NULL"))
    idle_reset_seconds: Mapped[int] = mapped_column(default=45)
    result_seconds: Mapped[int] = mapped_column(default=10)
    active: Mapped[bool] = mapped_column(default=True)

    office: Mapped[Office] = relationship()
    printer: Mapped[Printer | None] = relationship()
    services: Mapped[list[Service]] = relationship(secondary=kiosk_services, order_by="Service.display_order")


class PrintJob(Base):
    """One ticket to print: what to print is frozen at issue time, so paper and screen always agree."""

    __tablename__ = "print_jobs"
    __table_args__ = (Index("ix_print_jobs_pending", "printer_id", "state"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), index=True)
    kiosk_id: Mapped[int | None] = mapped_column(ForeignKey("kiosks.id", ondelete="SET NULL"), index=True)
    printer_id: Mapped[int] = mapped_column(ForeignKey("printers.id", ondelete="CASCADE"))
    state: Mapped[PrintJobState] = mapped_column(string_enum(PrintJobState), default=PrintJobState.QUEUED)
    content: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime]
    last_attempt_at: Mapped[datetime | None]
    printed_at: Mapped[datetime | None]
    failed_at: Mapped[datetime | None]

    ticket: Mapped[Ticket] = relationship()
    printer: Mapped[Printer] = relationship()


class IdempotencyKey(Base):
    """A client's key for one request (a kiosk tap) and the ticket it produced: a retry gets the same ticket."""

    __tablename__ = "idempotency_keys"

    scope: Mapped[str] = mapped_column(String(40), primary_key=True)  # e.g. "kiosk:3"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id", ondelete="CASCADE"))
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(index=True)

"""Persistence: SQLAlchemy mappings of the domain, the database engine and Alembic migrations."""

from waitwell.persistence.accounts import ApiToken, Role, User
from waitwell.persistence.appointments import (
    Appointment,
    AppointmentMessage,
    AppointmentSettings,
    AppointmentState,
    BlockedSlot,
    BookingClosure,
    BookingSchedule,
)
from waitwell.persistence.audit import AuditEntry
from waitwell.persistence.base import Base
from waitwell.persistence.devices import (
    IdempotencyKey,
    Kiosk,
    Printer,
    PrintJob,
)
from waitwell.persistence.displays import Display
from waitwell.persistence.feeds import FeedVersion
from waitwell.persistence.jobs import EndOfDayRun, JobLease
from waitwell.persistence.metrics import CounterEvent, IssueEstimate
from waitwell.persistence.models import (
    Counter,
    DailySequence,
    Office,
    Service,
    Ticket,
    TicketEvent,
)
from waitwell.persistence.security import SignInFailure
from waitwell.persistence.staffing import CounterSession

__all__ = [
    "ApiToken", "Appointment", "AppointmentMessage", "AppointmentSettings", "AppointmentState", "AuditEntry", "Base",
    "BlockedSlot", "BookingClosure", "BookingSchedule", "Counter", "CounterEvent", "CounterSession", "DailySequence",
    "Display", "EndOfDayRun", "FeedVersion", "IdempotencyKey", "IssueEstimate", "JobLease", "Kiosk", "Office",
    "PrintJob", "Printer", "Role", "Service", "SignInFailure", "Ticket", "TicketEvent", "User",
]

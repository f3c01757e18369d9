"""Persistence: SQLAlchemy mappings of the domain, the database engine and Alembic migrations."""

from waitwell.persistence.accounts import ApiToken, Role, User
from waitwell.persistence.base import Base
from waitwell.persistence.devices import (
    IdempotencyKey,
    Kiosk,
    Printer,
    PrintJob,
)
from waitwell.persistence.displays import Display
from waitwell.persistence.feeds import FeedVersion
from waitwell.persistence.metrics import CounterEvent, IssueEstimate
from waitwell.persistence.models import (
    Counter,
    DailySequence,
    Office,
    Service,
    Ticket,
    TicketEvent,
)

__all__ = [
    "ApiToken", "Base", "Counter", "CounterEvent", "DailySequence", "Display", "FeedVersion", "IdempotencyKey",
    "IssueEstimate", "Kiosk", "Office", "PrintJob", "Printer", "Role", "Service", "Ticket", "TicketEvent", "User",
]

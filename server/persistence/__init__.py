"""Persistence: SQLAlchemy mappings of the domain, the database engine and Alembic migrations."""

from waitwell.persistence.accounts import ApiToken, Role, User
from waitwell.persistence.base import Base
from waitwell.persistence.models import (
    Counter,
    DailySequence,
    Office,
    Service,
    Ticket,
    TicketEvent,
)

__all__ = ["ApiToken", "Base", "Counter", "DailySequence", "Office", "Role", "Service", "Ticket", "TicketEvent", "User"]

"""Plain read models of bookings, safe to use after the transaction has ended."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from waitwell.persistence import Appointment, AppointmentState


@dataclass(frozen=True)
class AppointmentView:
    id: int
    office_id: int
    office_name: str
    timezone: str
    service_id: int
    service_name: str
    starts_at: datetime
    ends_at: datetime
    state: AppointmentState
    code: str
    manage_token: str
    name: str | None
    email: str | None
    phone: str | None
    language: str
    origin: str
    booked_at: datetime
    checked_in_at: datetime | None
    ticket_id: int | None
    ticket_token: str | None
    ticket_number: str | None
    cancelled_by: str | None
    cancel_reason: str
    purged: bool

    @classmethod
    def of(cls, appointment: Appointment) -> AppointmentView:
        office, service, ticket = appointment.office, appointment.service, appointment.ticket
        return cls(
            id=appointment.id,
            office_id=appointment.office_id,
            office_name=office.public_name or office.name,
            timezone=office.timezone,
            service_id=appointment.service_id,
            service_name=service.name,
            starts_at=appointment.starts_at,
            ends_at=appointment.ends_at,
            state=appointment.state,
            code=appointment.code,
            manage_token=appointment.manage_token,
            name=appointment.name,
            email=appointment.email,
            phone=appointment.phone,
            language=appointment.language,
            origin=appointment.origin,
            booked_at=appointment.booked_at,
            checked_in_at=appointment.checked_in_at,
            ticket_id=appointment.ticket_id,
            ticket_token=ticket.token if ticket else None,
            ticket_number=ticket.number if ticket else None,
            cancelled_by=appointment.cancelled_by,
            cancel_reason=appointment.cancel_reason,
            purged=appointment.purged_at is not None,
        )


@dataclass(frozen=True)
class SlotView:
    """A slot as the booking page and the staff's day list show it."""

    starts_at: datetime
    ends_at: datetime
    capacity: int
    booked: int
    blocked: bool

    @property
    def free(self) -> int:
        return 0 if self.blocked else max(self.capacity - self.booked, 0)

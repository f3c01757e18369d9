"""Domain events: what happened, published after the change is committed.

Realtime push, printing and metrics subscribe to these; the engine never calls them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime


@dataclass(frozen=True)
class Event:
    office_id: int
    occurred_at: datetime


@dataclass(frozen=True)
class TicketChange(Event):
    ticket_id: int
    number: str
    token: str
    service_id: int


@dataclass(frozen=True)
class TicketIssued(TicketChange):
    origin: str
    estimate_kept: bool = False  # the issuer stored the estimate it showed with the ticket (a kiosk tap)


@dataclass(frozen=True)
class TicketCalled(TicketChange):
    counter_id: int
    counter_name: str
    call_count: int


@dataclass(frozen=True)
class TicketRecalled(TicketCalled):
    pass


@dataclass(frozen=True)
class ServiceStarted(TicketChange):
    counter_id: int


@dataclass(frozen=True)
class TicketCompleted(TicketChange):
    counter_id: int | None


@dataclass(frozen=True)
class TicketMarkedNoShow(TicketChange):
    counter_id: int


@dataclass(frozen=True)
class TicketTransferred(TicketChange):
    from_service_id: int
    counter_id: int | None


@dataclass(frozen=True)
class TicketCancelled(TicketChange):
    by: str  # "citizen" or "staff"


@dataclass(frozen=True)
class CounterChange(Event):
    counter_id: int
    counter_name: str


@dataclass(frozen=True)
class CounterOpened(CounterChange):
    pass


@dataclass(frozen=True)
class CounterPaused(CounterChange):
    pass


@dataclass(frozen=True)
class CounterClosed(CounterChange):
    pass


@dataclass(frozen=True)
class PrintJobChange(Event):
    job_id: int
    printer_id: int
    kiosk_id: int | None
    ticket_id: int
    number: str


@dataclass(frozen=True)
class PrintJobQueued(PrintJobChange):
    delivery: str  # "server": the print worker sends it; "agent": the kiosk PC's print agent does


@dataclass(frozen=True)
class ReprintQueued(PrintJobQueued):
    """Staff sent a ticket's paper again after its printing failed or was given up (marked "reprint")."""


@dataclass(frozen=True)
class PrintJobPrinted(PrintJobChange):
    attempts: int


@dataclass(frozen=True)
class PrintJobFailed(PrintJobChange):
    """A print attempt failed; `final` once the job is given up (the ticket itself stays valid)."""

    reason: str
    attempts: int
    final: bool


@dataclass(frozen=True)
class PrinterStatusChanged(Event):
    printer_id: int
    printer_name: str
    status: str
    previous_status: str
    detail: str


@dataclass(frozen=True)
class PrinterDeliveryChanged(Event):
    """Who sends a printer's tickets changed: "server" (the print worker) or "agent" (the kiosk PC's print agent).
    Its pending jobs go with it to the new owner."""

    printer_id: int
    printer_name: str
    delivery: str


@dataclass(frozen=True)
class TicketClosedAtEndOfDay(TicketCancelled):
    """A ticket still waiting when the office closed: cancelled for the citizen, by the office (by="office")."""

    reason: str


@dataclass(frozen=True)
class OfficeDayClosed(Event):
    """End of day ran for an office: its waiting tickets are closed and its free counters closed."""

    service_day: date
    cancelled_tickets: int
    closed_counters: int

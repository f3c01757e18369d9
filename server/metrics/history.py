"""A ticket's append-only history as plain values: what every metric is computed from."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class HistoryEntry:
    """One row of a ticket's history (`ticket_events`): issued, called, recalled, started, completed,
    no_show, transferred or cancelled, with the service the ticket was in right after it."""

    kind: str
    occurred_at: datetime
    service_id: int
    counter_id: int | None = None
    user_id: int | None = None
    by: str = ""  # who ended it, for "cancelled": "citizen", "staff" or "office" (closed at the end of the day)


@dataclass(frozen=True)
class TicketHistory:
    """Everything that happened to one ticket, oldest first.

    `slot_at` is the seam for appointments: a booked ticket's wait starts at the later of
    its check-in (the "issued" entry) and its slot time.
    """

    ticket_id: int
    number: str
    entries: tuple[HistoryEntry, ...]
    slot_at: datetime | None = None

    @property
    def issued_at(self) -> datetime:
        return self.entries[0].occurred_at

    @property
    def wait_origin(self) -> datetime:
        """When the first leg's wait starts: issue, or for an appointment the later of check-in and slot."""
        if self.slot_at is not None and self.slot_at > self.issued_at:
            return self.slot_at
        return self.issued_at

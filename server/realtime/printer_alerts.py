"""Printer problems to the office's staff consoles and supervisor dashboards, live.

Subscribed to the printing events on the bus (the print worker and the print agents record them); each change
that may alter what staff should see sends the office's whole list again, read behind the change, to the staff
and the supervisors' rooms. A console or dashboard that connects gets the list at once (namespaces.py).
"""

from __future__ import annotations

import logging

from waitwell.domain.events import (
    PrinterStatusChanged,
    PrintJobFailed,
    PrintJobPrinted,
    ReprintQueued,
    TicketChange,
    TicketIssued,
)
from waitwell.realtime import rooms
from waitwell.realtime.publisher import Background, Emitter
from waitwell.runtime import Runtime
from waitwell.services.coalescing import PerOfficeRuns
from waitwell.services.event_bus import EventBus
from waitwell.services.printer_alerts import office_printer_alerts

log = logging.getLogger(__name__)


class PrinterAlertPublisher:
    """Sends an office's printer alerts to its staff whenever a printer's status changes, a ticket's paper fails,
    a failed one prints after all or is sent again, or a ticket listed as unprinted leaves the line."""

    def __init__(self, runtime: Runtime, emitter: Emitter, background: Background | None = None) -> None:
        self._runtime = runtime
        self._emitter = emitter
        background = background or Background()
        self._runs = PerOfficeRuns(self.publish, background.start, sleep=background.sleep)
        self._listed: dict[int, frozenset[int]] = {}  # office -> tickets listed as unprinted in its last message
        self._bus: EventBus | None = None

    def subscribe(self, bus: EventBus) -> None:
        for kind in (PrinterStatusChanged, PrintJobFailed, ReprintQueued):
            bus.subscribe(kind, self._changed)
        bus.subscribe(PrintJobPrinted, self._printed)
        bus.subscribe(TicketChange, self._ticket_changed)
        bus.on_close(self.close)
        self._bus = bus

    def close(self) -> None:
        """Publish nothing more (a publication under way finishes)."""
        if self._bus is not None:
            for handler in (self._changed, self._printed, self._ticket_changed):
                self._bus.unsubscribe(handler)
            self._bus = None
        self._runs.close()

    def wait_until_idle(self, timeout: float) -> bool:
        return self._runs.wait_until_idle(timeout)

    def publish(self, office_id: int) -> None:
        """Read the office's alerts and send them to its staff (clerks and supervisors alike)."""
        alerts = office_printer_alerts(self._runtime.uow(read_only=True), office_id)
        self._listed[office_id] = frozenset(ticket.ticket_id for ticket in alerts.unprinted)
        payload = alerts.as_payload()
        for room in (rooms.staff_room(office_id), rooms.supervisors_room(office_id)):
            self._emitter.emit(rooms.PRINTER_ALERTS, payload, to=room, namespace=rooms.STAFF_NAMESPACE)
        log.debug("printer alerts of office %s: %d printers, %d tickets unprinted", office_id,
                  len(alerts.alerts), alerts.unprinted_count)

    def _changed(self, event: PrinterStatusChanged | PrintJobFailed | ReprintQueued) -> None:
        self._runs.request(event.office_id)

    def _printed(self, event: PrintJobPrinted) -> None:
        """Every ticket printed raises this: only one that had failed before changes the alerts."""
        if event.attempts > 1 or event.ticket_id in self._listed.get(event.office_id, ()):
            self._runs.request(event.office_id)

    def _ticket_changed(self, event: TicketChange) -> None:
        """A listed ticket called, cancelled or moved on no longer needs its paper."""
        if not isinstance(event, TicketIssued) and event.ticket_id in self._listed.get(event.office_id, ()):
            self._runs.request(event.office_id)

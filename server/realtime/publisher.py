"""From committed domain events to Socket.IO messages: each change is published once, by the process
that committed it, with the office's next feed version. Other processes get it through Redis."""

from __future__ import annotations

import logging
from typing import Any, Protocol

from waitwell.domain.events import CounterChange, Event, TicketChange
from waitwell.realtime import rooms
from waitwell.realtime.office_state import read_office_state
from waitwell.realtime.payloads import display_payload, staff_payload
from waitwell.realtime.snapshots import Snapshots, ticket_rows
from waitwell.realtime.versions import bump_version
from waitwell.runtime import Runtime
from waitwell.services.displays import DisplayView, load_displays
from waitwell.services.event_bus import EventBus

log = logging.getLogger(__name__)


class Emitter(Protocol):
    """A Socket.IO server, or a write-only SocketIO(message_queue=...) in a CLI or worker process."""

    def emit(self, event: str, data: Any = None, *, to: str | None = None, namespace: str | None = None) -> Any: ...


class FeedPublisher:
    """Turns each ticket or counter change into versioned messages for every room that shows the office."""

    def __init__(self, runtime: Runtime, emitter: Emitter, snapshots: Snapshots | None = None) -> None:
        self._runtime = runtime
        self._emitter = emitter
        self._snapshots = snapshots
        self._bus: EventBus | None = None

    def subscribe(self, bus: EventBus) -> None:
        bus.subscribe(TicketChange, self.publish)
        bus.subscribe(CounterChange, self.publish)
        self._bus = bus

    def close(self) -> None:
        """Stop publishing; closes a write-only emitter's Redis connection."""
        if self._bus is not None:
            self._bus.unsubscribe(self.publish)
            self._bus = None
        manager = getattr(getattr(self._emitter, "server", None), "redis", None)
        if manager is not None:
            manager.close()

    def publish(self, event: Event) -> None:
        """Take the next version and read the office in one transaction, then emit after it commits."""
        with self._runtime.uow() as uow:
            version = bump_version(uow.session, event.office_id)
            state = read_office_state(uow.session, event.office_id, uow.clock.now(), version)
            displays = [DisplayView.of(d) for d in load_displays(uow.session, event.office_id)]
            tickets = ticket_rows(uow.session, event.office_id,
                                  also_ticket_id=event.ticket_id if isinstance(event, TicketChange) else None)
            uow.commit()
        if self._snapshots is not None:
            self._snapshots.remember(state)
        emit = self._emitter.emit
        for display in displays:
            emit(rooms.CHANGE, display_payload(state, display, event), to=rooms.display_room(display.id),
                 namespace=rooms.DISPLAY_NAMESPACE)
        emit(rooms.CHANGE, staff_payload(state, event), to=rooms.staff_room(state.office_id),
             namespace=rooms.STAFF_NAMESPACE)
        emit(rooms.CHANGE, staff_payload(state, event, supervisors=True), to=rooms.supervisors_room(state.office_id),
             namespace=rooms.STAFF_NAMESPACE)
        for token, ticket in tickets.items():
            emit(rooms.CHANGE, ticket.payload(state, token), to=rooms.ticket_room(token),
                 namespace=rooms.TICKET_NAMESPACE)
        log.debug("published version %s of office %s to %s displays and %s tickets",
                  version, state.office_id, len(displays), len(tickets))

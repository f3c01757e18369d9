"""From committed domain events to Socket.IO messages: each change is published once, by the process
that committed it, with the office's next feed version. Other processes get it through Redis."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Protocol

from sqlalchemy.orm import Session

from waitwell.domain.events import CounterChange, Event, TicketChange, TicketIssued
from waitwell.realtime import rooms
from waitwell.realtime.coalescing import PerOfficeRuns
from waitwell.realtime.office_state import OfficeState, read_board, read_queue
from waitwell.realtime.payloads import WAITS_UPDATED, display_payload, event_kind, kind_name, staff_event, staff_payload
from waitwell.realtime.snapshots import Snapshots, TicketRow, ticket_rows
from waitwell.realtime.versions import bump_version
from waitwell.realtime.wait_estimates import Offload, Waits, WaitsCache, compute_waits, run_here
from waitwell.realtime.watchers import Watchers
from waitwell.runtime import Runtime
from waitwell.services.displays import DisplayView, load_displays
from waitwell.services.event_bus import EventBus
from waitwell.services.lookups import get_office
from waitwell.services.metrics.waits import STALE_AFTER

log = logging.getLogger(__name__)
ISSUED = kind_name(TicketIssued)
REFRESH_EVERY_SECONDS = 2.0  # at most one estimator run per office per 2 s; the last change always gets one
# Issued tickets come in bursts at the kiosks and announce nothing, while every publication reads and
# sends the whole office: a burst goes out as one publication per office per second (a lone tap at once).
ISSUED_FOLD_SECONDS = 1.0
# Work behind the changes (estimates, folded publications) slows down rather than take more than this
# share of a core per office when the line is long: the taps and calls themselves come first.
BACKGROUND_SHARE = 0.1


@dataclass(frozen=True)
class Background:
    """How this process runs work behind a change: Socket.IO's background tasks and sleep, and where
    the estimator's replays run (a native thread under gevent). The defaults run everything inline."""

    start: Callable[[Callable[[], None]], Any] | None = None
    sleep: Callable[[float], Any] = time.sleep
    offload: Offload = run_here


class Emitter(Protocol):
    """A Socket.IO server, or a write-only SocketIO(message_queue=...) in a CLI or worker process."""

    def emit(self, event: str, data: Any = None, *, to: str | None = None, namespace: str | None = None) -> Any: ...


class FeedPublisher:
    """Turns each ticket or counter change into versioned messages for every room that shows the office.

    The change goes out at once with the estimates last computed here; a refresh follows behind it
    (in the background when `start_background_task` is given) and publishes new estimates if they moved.
    """

    def __init__(self, runtime: Runtime, emitter: Emitter, snapshots: Snapshots | None = None, *,
                 background: Background | None = None, stale_after: timedelta = STALE_AFTER,
                 watchers: Watchers | None = None) -> None:
        self._runtime = runtime
        # Which tickets a phone follows (watchers.py): only their rooms get a message. None: every ticket.
        self._watchers = watchers
        self._stale_after = stale_after  # when a last-10 figure with no recent call is marked stale
        self._emitter = emitter
        self._snapshots = snapshots
        self._waits = snapshots.waits if snapshots is not None else WaitsCache()
        self._background = background or Background()
        self._refresher = PerOfficeRuns(self.refresh_waits, self._background.start, sleep=self._background.sleep,
                                        min_interval=REFRESH_EVERY_SECONDS if self._background.start else 0.0,
                                        max_share=BACKGROUND_SHARE)
        self._issued = PerOfficeRuns(self.publish_issued, self._background.start, sleep=self._background.sleep,
                                     min_interval=ISSUED_FOLD_SECONDS, max_share=BACKGROUND_SHARE)
        self._bus: EventBus | None = None
        self._closed = False
        self._locks: dict[int, threading.Lock] = {}
        self._locks_guard = threading.Lock()

    def subscribe(self, bus: EventBus) -> None:
        # In the committing thread, not the bus's background: each change must be read and sent as the
        # state right after it, or a call quickly followed by a recall would reach screens as one.
        bus.subscribe(TicketChange, self.publish)
        bus.subscribe(CounterChange, self.publish)
        bus.on_close(self.close)  # before the runtime closes the database its background runs read
        self._bus = bus

    def wait_until_idle(self, timeout: float) -> bool:
        """Whether every folded publication and estimate refresh requested so far finished within
        `timeout` seconds (for tests that need the screens' feed to have settled)."""
        return all(runs.wait_until_idle(timeout) for runs in (self._issued, self._refresher))

    def close(self) -> None:
        """Stop publishing: a publication or refresh under way finishes, none starts after (screens that
        missed one resync from the stored version); close a write-only emitter's Redis connection."""
        if self._closed:
            return
        self._closed = True
        if self._bus is not None:
            self._bus.unsubscribe(self.publish)
            self._bus = None
        self._refresher.close(0)  # first, so that a publication finishing below requests no new refresh
        for runs in (self._issued, self._refresher):
            if not runs.close():
                log.warning("a screens' publication or refresh was still running when the publisher closed")
        manager = getattr(getattr(self._emitter, "server", None), "redis", None)
        if manager is not None:
            manager.close()
        close_watchers = getattr(self._watchers, "close", None)
        if close_watchers is not None:
            close_watchers()

    def publish(self, event: Event) -> None:
        """Take the next version and read the office in one transaction, then emit after it commits.

        Calls, recalls and every other change go out one by one, in the committing thread: each is
        announced, so two of them must never merge into one state. Issued tickets are folded.
        """
        if isinstance(event, TicketIssued):
            if self._snapshots is not None:
                self._snapshots.forget(event.office_id)  # its state lacks the new ticket until published
            self._issued.request(event.office_id)
            return
        also = event.ticket_id if isinstance(event, TicketChange) else None
        self._publish(event.office_id, self._waits.latest(event.office_id), event_kind(event), staff_event(event),
                      also_ticket_id=also)
        self._refresher.request(event.office_id)

    def publish_issued(self, office_id: int) -> None:
        """The office after the tickets issued since its last publication (the new ones are waiting, so
        their rooms get their place in line as part of the whole office)."""
        self._publish(office_id, self._waits.latest(office_id), ISSUED, {"kind": ISSUED})
        self._refresher.request(office_id)

    def refresh_waits(self, office_id: int) -> None:
        """Recompute the office's estimates; publish them as a change of their own if a range moved."""
        used = self._waits.latest(office_id)
        with self._runtime.uow(read_only=True) as uow:
            fresh = compute_waits(uow.session, get_office(uow.session, office_id), uow.clock.now(),
                                  self._background.offload)
        self._waits.store(office_id, fresh)
        if not fresh.same_ranges(used):
            self._publish(office_id, fresh, WAITS_UPDATED, {"kind": WAITS_UPDATED})

    def _publish(self, office_id: int, waits: Waits, kind: str, described: dict[str, Any], *,
                 also_ticket_id: int | None = None) -> None:
        # One publication at a time per office in this process, so versions leave here in order.
        with self._lock_for(office_id):
            generation = self._snapshots.generation(office_id) if self._snapshots is not None else 0
            with self._runtime.uow() as uow:
                version = bump_version(uow.session, office_id)
                board = read_board(uow.session, office_id, uow.clock.now(), version, waits,
                                   stale_after=self._stale_after)
                displays = [DisplayView.of(d) for d in load_displays(uow.session, office_id)]
                uow.commit()
            for display in displays:  # the lobby first: the call is on screen before the slower part is read
                self._emitter.emit(rooms.CHANGE, display_payload(board, display, kind),
                                   to=rooms.display_room(display.id), namespace=rooms.DISPLAY_NAMESPACE)
            self._background.sleep(0)  # gevent: let the sockets' writers send it now, not after this request
            # Read after the version's commit: at least as new as `version`, which is all a client relies on.
            with self._runtime.uow(read_only=True) as uow:
                state = read_queue(uow.session, board, waits)
                tickets = self._followed_tickets(uow.session, office_id, also_ticket_id)
            self._emit_queue(state, tickets, described)
        if self._snapshots is not None:
            self._snapshots.remember(state, generation)
        log.debug("published version %s (%s) of office %s to %s displays and %s tickets",
                  version, kind, office_id, len(displays), len(tickets))

    def _followed_tickets(self, session: Session, office_id: int, also_ticket_id: int | None) -> dict[str, TicketRow]:
        """The tickets of the office to send their place in line to: every one in play, or only those a phone
        follows here. Phones that connected while their rows were read are looked up too; one connecting
        later has read a snapshot that is at most this change behind, and resyncs at the next."""
        watched = None if self._watchers is None else self._watchers.tokens(office_id)
        tickets = ticket_rows(session, office_id, also_ticket_id=also_ticket_id, tokens=watched)
        if self._watchers is None or watched is None:
            return tickets
        again = self._watchers.tokens(office_id)
        if again is None:  # unknown now: every ticket in play, as without watchers
            return ticket_rows(session, office_id, also_ticket_id=also_ticket_id)
        if again - watched:
            tickets.update(ticket_rows(session, office_id, also_ticket_id=also_ticket_id, tokens=again - watched))
        return tickets

    def _emit_queue(self, state: OfficeState, tickets: dict[str, TicketRow], described: dict[str, Any]) -> None:
        emit = self._emitter.emit
        for token, ticket in tickets.items():
            emit(rooms.CHANGE, ticket.payload(state, token), to=rooms.ticket_room(token),
                 namespace=rooms.TICKET_NAMESPACE)
        emit(rooms.CHANGE, staff_payload(state, described), to=rooms.staff_room(state.office_id),
             namespace=rooms.STAFF_NAMESPACE)
        emit(rooms.CHANGE, staff_payload(state, described, supervisors=True),
             to=rooms.supervisors_room(state.office_id), namespace=rooms.STAFF_NAMESPACE)

    def _lock_for(self, office_id: int) -> threading.Lock:
        with self._locks_guard:
            return self._locks.setdefault(office_id, threading.Lock())

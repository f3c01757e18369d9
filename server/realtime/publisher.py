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

from waitwell.domain.events import (
    CounterChange,
    Event,
    TicketCalled,
    TicketCancelled,
    TicketChange,
    TicketIssued,
    TicketTransferred,
)
from waitwell.domain.states import TicketState
from waitwell.realtime import rooms
from waitwell.realtime.office_state import OfficeState, QueueRows, complete_queue, read_board, read_queue_rows
from waitwell.realtime.payloads import WAITS_UPDATED, display_payload, event_kind, kind_name, staff_event, staff_payload
from waitwell.realtime.snapshots import Snapshots, TicketRow, ticket_rows
from waitwell.realtime.versions import bump_version
from waitwell.realtime.wait_estimates import Waits, WaitsCache, compute_waits
from waitwell.realtime.watchers import Watchers
from waitwell.runtime import Runtime
from waitwell.services.coalescing import Offload, PerOfficeRuns, run_here
from waitwell.services.displays import DisplayView, load_displays
from waitwell.services.event_bus import EventBus
from waitwell.services.lookups import get_office
from waitwell.services.metrics.waits import STALE_AFTER

log = logging.getLogger(__name__)
ISSUED = kind_name(TicketIssued)
REFRESH_EVERY_SECONDS = 2.0  # at most one estimator run per office per 2 s; the last change always gets one
# Everyone's place in line (phones, staff) is read and sent for the whole office: changes go out so at most
# once a second per office (a lone change at once). Calls reach the lobby and the called phone sooner,
# on their own (`publish_board`).
QUEUE_EVERY_SECONDS = 1.0
# Boards go out as soon as the one before is out, and at most this often per office: when calls come faster
# than that (a benchmark's clerks; forty counters calling at once after lunch), one board carries them all.
BOARD_EVERY_SECONDS = 0.05
# Work behind the changes (estimates, folded publications) slows down rather than take more than this
# share of a core per office when the line is long: the taps and calls themselves come first.
BACKGROUND_SHARE = 0.1
MOST_EVENTS_DESCRIBED = 50  # of the changes folded into one staff message, the latest are listed
# The changes a lobby display shows at once: a call (announced) and a line's length. The others (a service
# started or completed, a no-show, a counter's state) change no board: they go out with everyone's place in
# line, which also carries the board.
ON_THE_BOARD = (TicketCalled, TicketTransferred, TicketCancelled)


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
    """Turns ticket and counter changes into versioned messages for every room that shows the office.

    The committing request only notes the change. Behind it, per office and one at a time, a board
    publication (for a call, a transfer, a cancellation) sends the lobby displays the new calls and lines, and
    the phones of the tickets that changed their new state; a queue publication (at most once a second,
    folding every change since) sends everyone their place in line and the staff the whole office. Both take a
    version and send the displays their board, so displays see every version; a phone or staff screen may see
    versions skipped (each message is complete). Calls are read from the tickets' history, so a publication
    that lags behind never merges a call and its recall: both are on the board, and announced. Estimates
    refresh behind the changes too.
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
        behind = self._background.start is not None
        self._refresher = PerOfficeRuns(self.refresh_waits, self._background.start, sleep=self._background.sleep,
                                        min_interval=REFRESH_EVERY_SECONDS if behind else 0.0,
                                        max_share=BACKGROUND_SHARE)
        self._boards = PerOfficeRuns(self.publish_board, self._background.start, sleep=self._background.sleep,
                                     min_interval=BOARD_EVERY_SECONDS)
        self._queues = PerOfficeRuns(self.publish_queue, self._background.start, sleep=self._background.sleep,
                                     min_interval=QUEUE_EVERY_SECONDS, max_share=BACKGROUND_SHARE)
        self._changes: dict[int, list[Event]] = {}  # noted, not yet on a board publication
        self._described: dict[int, list[dict[str, Any]]] = {}  # noted, not yet in a staff message
        self._changes_lock = threading.Lock()
        self._bus: EventBus | None = None
        self._closed = False
        self._locks: dict[int, threading.Lock] = {}
        self._locks_guard = threading.Lock()

    def subscribe(self, bus: EventBus) -> None:
        # In the committing thread, which only notes the change: its publication runs behind, in order.
        bus.subscribe(TicketChange, self.publish)
        bus.subscribe(CounterChange, self.publish)
        bus.on_close(self.close)  # before the runtime closes the database its background runs read
        self._bus = bus

    def wait_until_idle(self, timeout: float) -> bool:
        """Whether every publication and estimate refresh requested so far finished within `timeout` seconds
        (for tests that need the screens' feed to have settled)."""
        return all(runs.wait_until_idle(timeout) for runs in (self._boards, self._queues, self._refresher))

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
        for runs in (self._boards, self._queues, self._refresher):
            if not runs.close():
                log.warning("a screens' publication or refresh was still running when the publisher closed")
        manager = getattr(getattr(self._emitter, "server", None), "redis", None)
        if manager is not None:
            manager.close()
        close_watchers = getattr(self._watchers, "close", None)
        if close_watchers is not None:
            close_watchers()

    def publish(self, event: Event) -> None:
        """Note a committed change; its publications follow behind (at once in a process without background
        tasks, such as a CLI command)."""
        office_id = event.office_id
        if self._snapshots is not None:
            self._snapshots.forget(office_id)  # its state lacks the change until published
        with self._changes_lock:
            self._described.setdefault(office_id, []).append(staff_event(event))
            if not isinstance(event, TicketIssued):  # a new ticket is announced nowhere: the queue has it
                self._changes.setdefault(office_id, []).append(event)
        if self._background.start is not None and isinstance(event, ON_THE_BOARD):
            self._boards.request(office_id)
        self._queues.request(office_id)

    def publish_board(self, office_id: int) -> None:
        """The displays' board and the new state of each ticket that changed, read once for every change
        noted since the last one (`publish`)."""
        with self._changes_lock:
            changes = self._changes.pop(office_id, [])
        if not changes:
            return
        tokens = {event.token for event in changes if isinstance(event, TicketChange)}
        with self._lock_for(office_id):
            board, displays = self._publish_board(office_id, self._waits.latest(office_id), changes[-1])
            with self._runtime.uow(read_only=True) as uow:
                rows = ticket_rows(uow.session, office_id, tokens=self._watched(office_id, tokens), any_state=True)
            for token, ticket in rows.items():
                if ticket.state != TicketState.WAITING:  # a waiting ticket's place comes with the queue
                    self._emitter.emit(rooms.CHANGE, ticket.payload(board, token), to=rooms.ticket_room(token),
                                       namespace=rooms.TICKET_NAMESPACE)
        log.debug("published version %s of office %s (%s changes) to %s displays", board.version, office_id,
                  len(changes), len(displays))

    def publish_queue(self, office_id: int) -> None:
        """Everything about the office: the board, everyone's place in line and the staff's view."""
        with self._changes_lock:
            described = self._described.pop(office_id, [])
        self._publish(office_id, self._waits.latest(office_id), described)
        self._refresher.request(office_id)

    def refresh_soon(self, office_id: int) -> None:
        """Ask for the office's estimates to be computed again, behind the request (folded like the others)."""
        self._refresher.request(office_id)

    def refresh_waits(self, office_id: int) -> None:
        """Recompute the office's estimates; publish them as a change of their own if a range moved."""
        used = self._waits.latest(office_id)
        with self._runtime.uow(read_only=True) as uow:
            fresh = compute_waits(uow.session, get_office(uow.session, office_id), uow.clock.now(),
                                  self._background.offload)
        self._waits.store(office_id, fresh)
        if not fresh.same_ranges(used):
            self._publish(office_id, fresh, [{"kind": WAITS_UPDATED}])

    def _publish_board(self, office_id: int, waits: Waits, last: Event | None) -> tuple[OfficeState, list[Any]]:
        """Take the next version, then read the board and send it to the displays (called holding the office's
        lock, so versions leave this process in order). The version's transaction is kept short: it holds
        SQLite's write lock, which the clerks' calls and the kiosks' taps wait for. The board is read after its
        commit, so it is at least as new as the version, which is all a client relies on."""
        with self._runtime.uow() as uow:
            version = bump_version(uow.session, office_id)
            uow.commit()
        with self._runtime.uow(read_only=True) as uow:
            board = read_board(uow.session, office_id, uow.clock.now(), version, waits,
                               stale_after=self._stale_after)
            displays = [DisplayView.of(d) for d in load_displays(uow.session, office_id)]
        kind = event_kind(last) if last is not None else WAITS_UPDATED
        for display in displays:
            self._emitter.emit(rooms.CHANGE, display_payload(board, display, kind),
                               to=rooms.display_room(display.id), namespace=rooms.DISPLAY_NAMESPACE)
        self._background.sleep(0)  # gevent: let the sockets' writers send it now
        return board, displays

    def _publish(self, office_id: int, waits: Waits, described: list[dict[str, Any]]) -> None:
        with self._lock_for(office_id):
            generation = self._snapshots.generation(office_id) if self._snapshots is not None else 0
            with self._changes_lock:  # changes not yet on a board are on this one: the displays get them now
                changes = self._changes.pop(office_id, [])
            board, displays = self._publish_board(office_id, waits, changes[-1] if changes else None)
            # Read after the version's commit: at least as new as `version`, which is all a client relies on.
            with self._runtime.uow(read_only=True) as uow:
                rows = read_queue_rows(uow.session, board)
                also = {event.token for event in changes if isinstance(event, TicketChange)}
                tickets = self._followed_tickets(uow.session, office_id, also)
            # Ranking a long line and shaping its messages is plain Python over plain values: under gevent it
            # runs in a native thread, so the requests arriving meanwhile are served (2,000 waiting: ~40 ms).
            state, messages = self._background.offload(lambda: self._queue_messages(board, rows, waits, tickets,
                                                                                    described))
            for room, namespace, payload in messages:
                self._emitter.emit(rooms.CHANGE, payload, to=room, namespace=namespace)
        if self._snapshots is not None:
            self._snapshots.remember(state, generation)
        log.debug("published version %s of office %s to %s displays and %s tickets",
                  board.version, office_id, len(displays), len(tickets))

    def _watched(self, office_id: int, tokens: set[str]) -> set[str]:
        watched = None if self._watchers is None else self._watchers.tokens(office_id)
        return tokens if watched is None else tokens & watched

    def _followed_tickets(self, session: Session, office_id: int, also: set[str]) -> dict[str, TicketRow]:
        """The tickets of the office to send their place in line to: every one in play, or only those a phone
        follows here, and those of `also` (changed since the last board: a finished ticket's last word).
        Phones that connected while their rows were read are looked up too; one connecting later has read a
        snapshot that is at most this change behind, and resyncs at the next."""
        watched = None if self._watchers is None else self._watchers.tokens(office_id)
        tickets = ticket_rows(session, office_id, tokens=watched)
        if self._watchers is not None and watched is not None:
            first, watched = watched, self._watchers.tokens(office_id)  # again: phones that joined meanwhile
            if watched is None:  # unknown now: every ticket in play, as without watchers
                tickets = ticket_rows(session, office_id)
            elif watched - first:
                tickets.update(ticket_rows(session, office_id, tokens=watched - first))
        finished = (also if watched is None else also & watched) - tickets.keys()
        if finished:
            tickets.update(ticket_rows(session, office_id, tokens=finished, any_state=True))
        return tickets

    @staticmethod
    def _queue_messages(board: OfficeState, rows: QueueRows, waits: Waits, tickets: dict[str, TicketRow],
                        described: list[dict[str, Any]]) -> tuple[OfficeState, list[tuple[str, str, Any]]]:
        """The office with everyone's place in line, and each room's message (room, namespace, payload)."""
        state = complete_queue(board, rows, waits)
        messages: list[tuple[str, str, Any]] = [
            (rooms.ticket_room(token), rooms.TICKET_NAMESPACE, ticket.payload(state, token))
            for token, ticket in tickets.items()]
        event = dict(described[-1]) if described else {"kind": WAITS_UPDATED}
        if len(described) > 1:
            event["folded"] = described[-MOST_EVENTS_DESCRIBED:]
        messages.append((rooms.staff_room(state.office_id), rooms.STAFF_NAMESPACE, staff_payload(state, event)))
        messages.append((rooms.supervisors_room(state.office_id), rooms.STAFF_NAMESPACE,
                         staff_payload(state, event, supervisors=True)))
        return state, messages

    def _lock_for(self, office_id: int) -> threading.Lock:
        with self._locks_guard:
            return self._locks.setdefault(office_id, threading.Lock())

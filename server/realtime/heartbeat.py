"""Tells every screen, every 2 s, that the changes of every process still reach it.

With several processes each screen hears of a change through Redis; while this process does not hear Redis its
screens' sockets stay up but nothing reaches them. So the process sends its own screens a small `heartbeat`
({"link": ...}) only while it hears the message queue: a screen that gets none for a few seconds says it may be
behind, and catches up with a snapshot when they come back. `link` names the unbroken stretch of hearing (the
queue's `link()`; one name for the process's life without Redis), and snapshots carry the link read before them:
a screen whose heartbeat names another link than the one it knows may have missed a change, and catches up too.
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Callable
from typing import Any, Protocol

from waitwell.realtime import rooms

log = logging.getLogger(__name__)

HEARTBEAT_EVERY_SECONDS = 2.0
NAMESPACES = (rooms.DISPLAY_NAMESPACE, rooms.TICKET_NAMESPACE, rooms.STAFF_NAMESPACE)


class Link(Protocol):
    def link(self) -> str | None: ...


class OneProcess:
    """Without a message queue every change is published where its screens are: always heard, one link."""

    def __init__(self) -> None:
        self._link = uuid.uuid4().hex[:12]

    def link(self) -> str | None:
        return self._link


class Heartbeat:
    """Sends `heartbeat` to this process's screens every `HEARTBEAT_EVERY_SECONDS` while it hears the queue.

    Started by the first screen that connects (`link()`), so an app that serves none runs no loop; stopped by
    `close()` (the runtime's bus closing)."""

    def __init__(self, server: Any, queue: Link, *, start: Callable[[Callable[[], None]], Any],
                 sleep: Callable[[float], Any]) -> None:
        self._server = server
        self._queue = queue
        self._start = start
        self._sleep = sleep
        self._started = False
        self._closed = False
        self._lock = threading.Lock()

    def link(self) -> str | None:
        """The link to put in a snapshot: read it before reading the snapshot. None while the queue is not heard."""
        self._start_once()
        return self._queue.link()

    def close(self) -> None:
        self._closed = True
        close_queue = getattr(self._queue, "close", None)
        if close_queue is not None:
            close_queue()

    def beat(self) -> None:
        """One heartbeat to every screen of this process, if the queue is heard (never through the queue)."""
        link = self._queue.link()
        if link is None:
            return
        for namespace in NAMESPACES:
            self._server.emit(rooms.HEARTBEAT, {"link": link}, namespace=namespace, ignore_queue=True)

    def _start_once(self) -> None:
        with self._lock:
            if self._started or self._closed:
                return
            self._started = True
        self._start(self._run)

    def _run(self) -> None:
        while not self._closed:
            try:
                self.beat()
            except Exception:  # a screen that left mid-send must not stop the others' heartbeats
                log.exception("a heartbeat could not be sent")
            self._sleep(HEARTBEAT_EVERY_SECONDS)

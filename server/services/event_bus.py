"""In-process publish/subscribe for domain events."""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable
from typing import TypeVar

from waitwell.domain.events import Event

log = logging.getLogger(__name__)
E = TypeVar("E", bound=Event)
Handler = Callable[[E], None]

# How many queued events a batch subscriber receives at most in one call.
MAX_BATCH = 500


class EventBus:
    """Delivers each published event to the handlers subscribed to its class or a base class.

    A failing handler is logged and never undoes the change that raised the event, nor keeps the
    other handlers from hearing of it. Handlers run in the publishing thread by default; slow ones
    (a database read, a fan-out to many sockets) subscribe `in_background`, so a kiosk tap or a
    counter call never waits for them: each such subscriber gets its own thread and queue, which
    keeps the events in order.
    """

    def __init__(self) -> None:
        self._handlers: list[tuple[type[Event], Callable[[Event], None]]] = []
        self._lock = threading.Lock()
        self._workers: list[_BackgroundSubscriber] = []
        self._closers: list[Callable[[], object]] = []

    def on_close(self, closer: Callable[[], object]) -> None:
        """Have `closer` stop work that a subscriber runs on its own (timers, background runs) when the bus
        closes: the runtime closes the bus before the database, which nothing may use after that."""
        with self._lock:
            self._closers.append(closer)

    def subscribe(self, event_type: type[E], handler: Callable[[E], None], *, in_background: bool = False) -> None:
        if in_background:
            worker = _BackgroundSubscriber(handler, batch=False)  # type: ignore[arg-type]
            self._add(event_type, worker.put, worker)
        else:
            self._add(event_type, handler)  # type: ignore[arg-type]

    def subscribe_batch(self, event_type: type[E], handler: Callable[[list[E]], None]) -> None:
        """Deliver in the background, handing over everything that piled up since the last call.

        For subscribers whose cost is per call rather than per event (one snapshot of the office
        serves a burst of fifty tickets).
        """
        worker = _BackgroundSubscriber(handler, batch=True)  # type: ignore[arg-type]
        self._add(event_type, worker.put, worker)

    def _add(
        self, event_type: type[Event], handler: Callable[[Event], None], worker: _BackgroundSubscriber | None = None
    ) -> None:
        with self._lock:
            self._handlers.append((event_type, handler))
            if worker is not None:
                self._workers.append(worker)

    def unsubscribe(self, handler: Callable[..., None]) -> None:
        # Equality, not identity: `obj.method` is a new bound-method object at every access,
        # and two of them are equal when they bind the same function to the same object.
        with self._lock:
            gone = [w for w in self._workers if w.handler == handler]
            self._workers = [w for w in self._workers if w not in gone]
            routed = {w.put for w in gone}
            self._handlers = [(t, h) for t, h in self._handlers if h != handler and h not in routed]
        for worker in gone:
            worker.stop()

    def publish(self, event: Event) -> None:
        with self._lock:
            handlers = [h for t, h in self._handlers if isinstance(event, t)]
        for handler in handlers:
            try:
                handler(event)
            except Exception:
                log.exception("event handler %r failed for %r", handler, event)

    def wait_until_idle(self, timeout: float = 10.0) -> bool:
        """Wait until background subscribers have handled everything published so far (tests, shutdown)."""
        deadline = time.monotonic() + timeout
        with self._lock:
            workers = list(self._workers)
        return all(worker.wait_until_idle(max(deadline - time.monotonic(), 0.0)) for worker in workers)

    def close(self, timeout: float = 10.0) -> None:
        """Stop the background threads after they finish what is queued, then what subscribers run on
        their own (`on_close`); waits up to `timeout` seconds for each."""
        with self._lock:
            workers, self._workers = self._workers, []
            closers, self._closers = self._closers, []
        for worker in workers:
            worker.stop(timeout)
        for closer in closers:
            try:
                closer()
            except Exception:
                log.exception("closing %r failed", closer)


class _BackgroundSubscriber:
    """One thread and one queue for one slow subscriber; started at its first event."""

    _STOP = object()

    def __init__(self, handler: Callable[..., None], *, batch: bool) -> None:
        self.handler = handler
        self._batch = batch
        self._queue: queue.Queue[object] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._start_lock = threading.Lock()

    def put(self, event: Event) -> None:
        if self._thread is None:
            with self._start_lock:
                if self._thread is None:
                    self._thread = threading.Thread(target=self._run, name=f"events:{self.handler!r}"[:60], daemon=True)
                    self._thread.start()
        self._queue.put(event)

    def _run(self) -> None:
        while True:
            items = [self._queue.get()]
            while len(items) < MAX_BATCH:
                try:
                    items.append(self._queue.get_nowait())
                except queue.Empty:
                    break
            events = [item for item in items if item is not self._STOP]
            try:
                self._deliver(events)
            finally:
                for _ in items:
                    self._queue.task_done()
            if len(events) < len(items):
                return

    def _deliver(self, events: list[Event]) -> None:
        if self._batch and events:
            self._call(events)
        elif not self._batch:
            for event in events:
                self._call(event)

    def _call(self, argument: object) -> None:
        try:
            self.handler(argument)
        except Exception:
            log.exception("background event handler %r failed for %r", self.handler, argument)

    def wait_until_idle(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while self._queue.unfinished_tasks:
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.005)
        return True

    def stop(self, timeout: float = 0.0) -> None:
        """Stop after what is queued; wait up to `timeout` seconds for that (not when called from the
        subscriber's own thread)."""
        if self._thread is not None:
            self._queue.put(self._STOP)
            if timeout and self._thread is not threading.current_thread():
                self._thread.join(timeout)

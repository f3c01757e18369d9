"""In-process publish/subscribe for domain events."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import TypeVar

from waitwell.domain.events import Event

log = logging.getLogger(__name__)
E = TypeVar("E", bound=Event)
Handler = Callable[[E], None]


class EventBus:
    """Delivers each published event to the handlers subscribed to its class or a base class.

    A failing handler is logged and never undoes the change that raised the event,
    nor keeps the other handlers from hearing of it.
    """

    def __init__(self) -> None:
        self._handlers: list[tuple[type[Event], Callable[[Event], None]]] = []
        self._lock = threading.Lock()

    def subscribe(self, event_type: type[E], handler: Callable[[E], None]) -> None:
        with self._lock:
            self._handlers.append((event_type, handler))  # type: ignore[arg-type]

    def unsubscribe(self, handler: Callable[..., None]) -> None:
        # Equality, not identity: `obj.method` is a new bound-method object at every access,
        # and two of them are equal when they bind the same function to the same object.
        with self._lock:
            self._handlers = [(t, h) for t, h in self._handlers if h != handler]

    def publish(self, event: Event) -> None:
        with self._lock:
            handlers = [h for t, h in self._handlers if isinstance(event, t)]
        for handler in handlers:
            try:
                handler(event)
            except Exception:
                log.exception("event handler %r failed for %r", handler, event)

"""The unit of work: one transaction, and the events it raised, published only once it commits."""

from __future__ import annotations

from types import TracebackType
from typing import Protocol, Self

from sqlalchemy.orm import Session, sessionmaker

from waitwell.domain.clock import Clock, SystemClock
from waitwell.domain.events import Event
from waitwell.services.event_bus import EventBus


class UnitOfWork:
    """`with uow: ...; uow.commit()`: leaving the block without commit rolls everything back."""

    session: Session

    def __init__(
        self,
        session_factory: sessionmaker[Session],
        bus: EventBus | None = None,
        clock: Clock | None = None,
    ) -> None:
        self._session_factory = session_factory
        self.bus = bus or EventBus()
        self.clock = clock or SystemClock()
        self._pending: list[Event] = []

    def __enter__(self) -> Self:
        self.session = self._session_factory()
        self._pending = []
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.rollback()
        self.session.close()

    def record(self, event: Event) -> None:
        """Queue an event to publish if, and only if, this transaction commits."""
        self._pending.append(event)

    def commit(self) -> None:
        self.session.commit()
        events, self._pending = self._pending, []
        for event in events:
            self.bus.publish(event)

    def rollback(self) -> None:
        self.session.rollback()
        self._pending = []


class UnitsOfWork(Protocol):
    """Where a long-lived service gets its units of work and the time: the process's Runtime, passed in by the
    composition root, so services never import it."""

    clock: Clock

    def uow(self, *, read_only: bool = False) -> UnitOfWork: ...

"""The engine's wiring for one process: database, event bus and clock, shared by the web app, CLI and workers."""

from __future__ import annotations

from sqlalchemy import Engine

from waitwell.domain.clock import Clock, SystemClock
from waitwell.persistence.database import make_engine, make_session_factory
from waitwell.services.event_bus import EventBus
from waitwell.services.unit_of_work import UnitOfWork


class Runtime:
    """Hands out units of work bound to one database, event bus and clock."""

    def __init__(self, database_url: str, *, clock: Clock | None = None, bus: EventBus | None = None) -> None:
        self.database_url = database_url
        self.engine: Engine = make_engine(database_url)
        self.clock: Clock = clock or SystemClock()
        self.bus = bus or EventBus()
        self._writer = make_session_factory(self.engine, write=True)
        self._reader = make_session_factory(self.engine, write=False)

    def uow(self, *, read_only: bool = False) -> UnitOfWork:
        """A unit of work; read-only ones do not take SQLite's write lock."""
        return UnitOfWork(self._reader if read_only else self._writer, self.bus, self.clock)

    def dispose(self) -> None:
        """Stop background event subscribers, then close the database connections."""
        self.bus.close()
        self.engine.dispose()

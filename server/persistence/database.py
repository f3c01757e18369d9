"""Database engines: SQLite (the embedded default) and PostgreSQL, set up for safe concurrent writes."""

from __future__ import annotations

import threading
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

# Execution option read by the SQLite "begin" hook: writers take the write lock up front,
# so two counters calling next cannot both read the same waiting ticket.
SQLITE_BEGIN = "waitwell_sqlite_begin"
SQLITE_BUSY_TIMEOUT_SECONDS = 30
HOLDS_WRITER_TURN = "waitwell_holds_writer_turn"


def make_engine(url: str, **kwargs: Any) -> Engine:
    """Create an engine; SQLite gets WAL, foreign keys and explicit BEGIN [IMMEDIATE]."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS, "check_same_thread": False},
                               **kwargs)
        _configure_sqlite(engine)
        return engine
    if parsed.drivername == "postgresql":
        url = parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    kwargs.setdefault("pool_pre_ping", True)
    kwargs.setdefault("pool_size", 10)
    kwargs.setdefault("max_overflow", 30)
    return create_engine(url, **kwargs)


def _configure_sqlite(engine: Engine) -> None:
    # Writers of this process take turns on a lock of their own before BEGIN IMMEDIATE. SQLite's busy
    # handler waits for its write lock by sleeping 1, 2, 5 ... up to 100 ms and trying again, so with
    # a few threads writing at once the lock sat free while they slept (p99 of 2.4 s at 8 kiosks).
    # A thread lock hands the turn over at once; other processes still meet the busy handler.
    writer_turn = threading.Lock()

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the sqlite3 module, decide when a transaction begins.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection: Any) -> None:
        mode = connection.get_execution_options().get(SQLITE_BEGIN, "DEFERRED")
        if mode == "IMMEDIATE" and not connection.info.get(HOLDS_WRITER_TURN):
            if not writer_turn.acquire(timeout=SQLITE_BUSY_TIMEOUT_SECONDS):
                raise TimeoutError(f"no turn to write to the database within {SQLITE_BUSY_TIMEOUT_SECONDS} s")
            connection.info[HOLDS_WRITER_TURN] = True  # until the connection goes back to the pool
        connection.exec_driver_sql(f"BEGIN {mode}")

    @event.listens_for(engine, "checkin")
    def on_checkin(_dbapi_connection: Any, record: Any) -> None:
        # After COMMIT or ROLLBACK, also when the transaction failed or the connection was invalidated.
        if record is not None and record.info.pop(HOLDS_WRITER_TURN, False):
            writer_turn.release()


def make_session_factory(engine: Engine, *, write: bool = True) -> sessionmaker[Session]:
    """Sessions whose objects stay readable after commit; writers lock SQLite at BEGIN."""
    bind = engine.execution_options(**{SQLITE_BEGIN: "IMMEDIATE"}) if write else engine
    return sessionmaker(bind=bind, expire_on_commit=False)

"""Database engines: SQLite (the embedded default) and PostgreSQL, set up for safe concurrent writes."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from waitwell.persistence.sqlite_file import create_private, require_writable
from waitwell.persistence.writer_turn import WriterTurn

# Execution option read by the SQLite "begin" hook: writers take the write lock up front,
# so two counters calling next cannot both read the same waiting ticket.
SQLITE_BEGIN = "waitwell_sqlite_begin"
SQLITE_BUSY_TIMEOUT_SECONDS = 30
HOLDS_WRITER_TURN = "waitwell_holds_writer_turn"
# A PostgreSQL host that drops packets is an outage after this long (libpq's default is 130 s, in which a
# request would hold its thread); `?connect_timeout=` in DATABASE_URL overrides it.
POSTGRES_CONNECT_TIMEOUT_SECONDS = 10


def make_engine(url: str, **kwargs: Any) -> Engine:
    """Create an engine; SQLite gets WAL, foreign keys and explicit BEGIN [IMMEDIATE], once its file is known to
    be writable (DatabaseNotWritable otherwise, naming the file and the user); a new SQLite file is created 0600."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        require_writable(parsed)
        create_private(parsed)
        engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS, "check_same_thread": False},
                               **kwargs)
        _configure_sqlite(engine)
        return engine
    if parsed.drivername == "postgresql":
        url = parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    if parsed.get_backend_name() == "postgresql" and "connect_timeout" not in parsed.query:
        kwargs["connect_args"] = {"connect_timeout": POSTGRES_CONNECT_TIMEOUT_SECONDS, **kwargs.get("connect_args", {})}
    kwargs.setdefault("pool_pre_ping", True)  # a connection that died in an outage is replaced, not used
    kwargs.setdefault("pool_size", 10)
    kwargs.setdefault("max_overflow", 30)
    return create_engine(url, **kwargs)


def _configure_sqlite(engine: Engine) -> None:
    in_file = engine.url.database not in (None, "", ":memory:")
    writer_turn = WriterTurn(engine.url.database if in_file else None, SQLITE_BUSY_TIMEOUT_SECONDS)

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the sqlite3 module, decide when a transaction begins.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        if in_file:
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection: Any) -> None:
        mode = connection.get_execution_options().get(SQLITE_BEGIN, "DEFERRED")
        if mode == "IMMEDIATE" and not connection.info.get(HOLDS_WRITER_TURN):
            writer_turn.take()  # see writer_turn.py: no busy-handler sleeps while the lock sits free
            connection.info[HOLDS_WRITER_TURN] = True  # until the connection goes back to the pool
        connection.exec_driver_sql(f"BEGIN {mode}")

    @event.listens_for(engine, "checkin")
    def on_checkin(_dbapi_connection: Any, record: Any) -> None:
        # After COMMIT or ROLLBACK, also when the transaction failed or the connection was invalidated.
        if record is not None and record.info.pop(HOLDS_WRITER_TURN, False):
            writer_turn.give_back()


def make_session_factory(engine: Engine, *, write: bool = True) -> sessionmaker[Session]:
    """Sessions whose objects stay readable after commit; writers lock SQLite at BEGIN."""
    bind = engine.execution_options(**{SQLITE_BEGIN: "IMMEDIATE"}) if write else engine
    return sessionmaker(bind=bind, expire_on_commit=False)

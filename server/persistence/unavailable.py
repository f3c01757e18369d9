"""Whether an error means the database cannot be reached right now (an outage to wait out), not a bug.

A request that meets an outage is answered 503 with Retry-After instead of 500, and `waitwell serve`
waits for the database at boot; both need to tell "try again in a moment" from a real failure
(a constraint, a typo in SQL, a wrong password), which no amount of waiting fixes.
"""

from __future__ import annotations

from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from waitwell.persistence.writer_turn import NoWriterTurn

# PostgreSQL's SQLSTATEs for a server that is going away or not ready: admin_shutdown, crash_shutdown,
# cannot_connect_now (starting up), too_many_connections. Class 08 (connection exceptions) counts too.
UNAVAILABLE_SQLSTATES = frozenset({"57P01", "57P02", "57P03", "53300"})
# A server that refuses a new connection gives libpq no SQLSTATE, only its message: these say "not now"
# (the others, "FATAL: database ... does not exist", a role or a password, say "not ever").
NOT_NOW = ("the database system is starting up", "the database system is shutting down",
           "the database system is in recovery mode", "the database system is not yet accepting connections",
           "too many clients", "connection slots are reserved")


def unavailable_reason(error: BaseException) -> str | None:
    """Why the database cannot be reached (one line, for logs), or None when `error` is something else.

    An outage is: no connection could be made or a connection was lost (the driver's own connection
    errors carry no SQLSTATE), the server is shutting down or starting, no pooled connection came free in
    time, or SQLite stayed locked past its timeout. The error's explicit causes (`raise ... from`) count too.
    """
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        reason = _reason_of(current)
        if reason is not None:
            return reason
        current = current.__cause__
    return None


def _reason_of(error: BaseException) -> str | None:
    if isinstance(error, PoolTimeout | NoWriterTurn):
        return _first_line(error)
    if not isinstance(error, DBAPIError):
        return None
    if error.connection_invalidated:
        return _first_line(error.orig or error)
    if not isinstance(error, OperationalError):
        return None
    sqlite_name = getattr(error.orig, "sqlite_errorname", None)
    if sqlite_name is not None:  # "database is locked" after the busy timeout
        return _first_line(error.orig) if sqlite_name.startswith("SQLITE_BUSY") else None
    sqlstate = getattr(error.orig, "sqlstate", None)
    if sqlstate is not None:
        return _first_line(error.orig) if sqlstate.startswith("08") or sqlstate in UNAVAILABLE_SQLSTATES else None
    message = str(error.orig or error)
    if "FATAL:" in message and not any(words in message for words in NOT_NOW):
        return None  # the server answered, and refused this login for good
    return _first_line(error.orig or error)  # refused, timed out or cut off before the server answered


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__

"""The scratch database of a run: a SQLite file in the run's folder, or a fresh PostgreSQL database dropped at the
end; planner statistics left stale after the bulk insert unless asked for ANALYZE."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import Engine

POSTGRES_SERVER = "postgresql://postgres@127.0.0.1:5432"
BENCH_DATABASE = "waitwell_bench"
BULK_TABLES = ("tickets", "ticket_events", "print_jobs", "issue_estimates", "counter_events")


@contextlib.contextmanager
def scratch_database(engine_name: str, folder: Path, server: str = POSTGRES_SERVER,
                     name: str = BENCH_DATABASE) -> Iterator[str]:
    """The URL of an empty database for this run; a PostgreSQL one is dropped on the way out."""
    if engine_name == "sqlite":
        yield f"sqlite:///{folder / 'office.db'}"
        return
    _admin(server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}"')
    try:
        yield f"{server}/{name}"
    finally:
        _admin(server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _admin(server: str, *statements: str) -> None:
    import psycopg

    with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
        for statement in statements:
            connection.execute(statement)  # type: ignore[arg-type]


def keep_statistics_stale(engine: Engine) -> None:
    """No autovacuum ANALYZE on the bulk-loaded tables during the run: the planner keeps the statistics it had
    before months of history arrived (none), as in the issue's 'never analysed' case."""
    if engine.dialect.name != "postgresql":
        return
    with engine.begin() as connection:
        for table in BULK_TABLES:
            connection.exec_driver_sql(f"ALTER TABLE {table} SET (autovacuum_enabled = false)")


def analyze(engine: Engine) -> float:
    """ANALYZE every table (the --analyze case); returns the seconds it took."""
    import time

    started = time.perf_counter()
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.exec_driver_sql("ANALYZE")
    return time.perf_counter() - started


def statistics_note(engine: Engine) -> str:
    """What the planner knows of `tickets` now (PostgreSQL), to print with the figures."""
    with engine.connect() as connection:
        if engine.dialect.name != "postgresql":
            built = connection.exec_driver_sql(
                "SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'").scalar()
            return "SQLite statistics (sqlite_stat1) " + ("present" if built else "absent: never analysed")
        row = connection.exec_driver_sql(
            "SELECT reltuples::bigint, (SELECT last_analyze FROM pg_stat_user_tables WHERE relname = 'tickets'), "
            "(SELECT last_autoanalyze FROM pg_stat_user_tables WHERE relname = 'tickets') "
            "FROM pg_class WHERE relname = 'tickets'").one()
    return f"planner's row estimate for tickets {row[0]}, last ANALYZE {row[1]}, last autoanalyze {row[2]}"


def settle(engine: Engine) -> None:
    """Leave the bulk insert behind as months of running would have: SQLite's write-ahead log folded into the
    database (the server's first commits would otherwise copy it), PostgreSQL's new rows read once (their hint
    bits set) - neither changes the planner's statistics."""
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            return
        for table in BULK_TABLES:
            connection.exec_driver_sql(f"SELECT count(*) FROM {table}")

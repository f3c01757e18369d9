"""On PostgreSQL, every read the hot operations make (issue, call next, recall, complete, transfer, a status
page, the board and the queue, and the estimates behind them) reaches tickets and their history through an
index: on a database that has run for months, right after a bulk load that nobody analysed (the planner's
default guesses) and after ANALYZE."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import event, text

from tests.factories import make_office
from tests.persistence.conftest import psycopg_url
from waitwell.domain.clock import VirtualClock
from waitwell.persistence.migrate import upgrade
from waitwell.realtime.office_state import read_office_state
from waitwell.realtime.wait_estimates import NO_WAITS, compute_waits
from waitwell.runtime import Runtime
from waitwell.services import counters, tickets
from waitwell.services.lookups import get_office

pytestmark = [pytest.mark.postgres, pytest.mark.slow]
BIG_TABLES = ("tickets", "ticket_events")
PAST_TICKETS = 120_000


@pytest.fixture
def busy_runtime(empty_postgres_url: str, clock: VirtualClock) -> Iterator[Runtime]:
    url = psycopg_url(empty_postgres_url)
    upgrade(url)
    runtime = Runtime(url, clock=clock)
    yield runtime
    runtime.dispose()


def _months_of_past_tickets(runtime: Runtime, office_id: int, service_ids: list[int]) -> None:
    """What an office that has been running for months holds: finished tickets and their history, bulk loaded
    (no ANALYZE: autovacuum has not come by yet)."""
    with runtime.engine.begin() as connection:
        connection.execute(text("ALTER TABLE tickets SET (autovacuum_enabled = false)"))
        connection.execute(text("ALTER TABLE ticket_events SET (autovacuum_enabled = false)"))
        connection.execute(text("""
            INSERT INTO tickets (office_id, service_id, number, sequence, service_day, token, state, origin,
                                 issued_at, waiting_since, first_called_at, called_at, finished_at, call_count,
                                 counter_id)
            SELECT :office, (CAST(:services AS integer[]))[1 + n % :count], 'P' || n, n, DATE '2025-06-01' + n / 3000,
                   'past-' || :office || '-' || n, CASE WHEN n % 10 = 0 THEN 'no_show' ELSE 'done' END, 'kiosk',
                   TIMESTAMPTZ '2025-06-01 14:00Z' + (n / 3000) * INTERVAL '1 day',
                   TIMESTAMPTZ '2025-06-01 14:00Z' + (n / 3000) * INTERVAL '1 day',
                   TIMESTAMPTZ '2025-06-01 14:20Z' + (n / 3000) * INTERVAL '1 day',
                   TIMESTAMPTZ '2025-06-01 14:20Z' + (n / 3000) * INTERVAL '1 day',
                   TIMESTAMPTZ '2025-06-01 14:30Z' + (n / 3000) * INTERVAL '1 day', 1, NULL
            FROM generate_series(1, :past) AS n
        """), {"office": office_id, "services": service_ids, "count": len(service_ids), "past": PAST_TICKETS})
        connection.execute(text("""
            INSERT INTO ticket_events (ticket_id, kind, occurred_at, service_id, detail)
            SELECT t.id, kind, t.called_at, t.service_id, ''
            FROM tickets t CROSS JOIN (VALUES ('issued'), ('called'), ('completed')) AS kinds(kind)
            WHERE t.office_id = :office AND t.token LIKE 'past-%'
        """), {"office": office_id})


def _reads_of(runtime: Runtime) -> tuple[list[tuple[str, Any]], Any]:
    reads: list[tuple[str, Any]] = []

    def seen(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, executemany: bool) -> None:
        if statement.lstrip().upper().startswith(("SELECT", "WITH")) and not executemany:
            reads.append((statement, parameters))

    event.listen(runtime.engine, "before_cursor_execute", seen)
    return reads, seen


def _a_morning(runtime: Runtime, office: Any) -> None:
    """Every hot operation once or more, on a line of a few hundred."""
    services = list(office.services.values())
    issued = [tickets.issue_ticket(runtime.uow(), service_id=services[index % len(services)]) for index in range(300)]
    runtime.clock.advance(minutes=5)  # type: ignore[attr-defined]
    called = counters.call_next(runtime.uow(), counter_id=office.counters["Counter 1"])
    runtime.clock.advance(seconds=30)  # type: ignore[attr-defined]
    counters.recall(runtime.uow(), ticket_id=called.id)
    counters.complete(runtime.uow(), ticket_id=called.id)
    counters.transfer(runtime.uow(), ticket_id=issued[-1].id, to_service_id=services[0])
    tickets.ticket_status(runtime.uow(read_only=True), token=issued[150].token)
    with runtime.uow(read_only=True) as uow:
        read_office_state(uow.session, office.office_id, runtime.clock.now(), 1, NO_WAITS)
        compute_waits(uow.session, get_office(uow.session, office.office_id), runtime.clock.now())  # behind


def _scans_of_big_tables(runtime: Runtime, reads: list[tuple[str, Any]]) -> list[str]:
    """The reads whose plan scans a whole big table, with the plan."""
    found = []
    raw = runtime.engine.raw_connection()
    try:
        cursor = raw.cursor()
        for statement, parameters in reads:
            cursor.execute("EXPLAIN " + statement, parameters)
            plan = "\n".join(row[0] for row in cursor.fetchall())
            if any(f"Seq Scan on {table}" in plan for table in BIG_TABLES):
                found.append(f"{statement}\n{plan}")
        raw.rollback()
    finally:
        raw.close()
    return found


def test_hot_reads_use_indexes_on_a_big_unanalysed_database_and_after_analyze(busy_runtime: Runtime) -> None:
    runtime = busy_runtime
    counters_skills = {f"Counter {n}": ["A", "B"] if n % 2 else ["B", "C"] for n in range(1, 9)}
    office = make_office(runtime, services=(("Licence renewal", "A"), ("Title", "B"), ("Road test", "C")),
                         counters=counters_skills)
    other = make_office(runtime, name="New Haven DMV", counters={"Counter 1": ["A", "B"]})
    _months_of_past_tickets(runtime, office.office_id, list(office.services.values()))
    _months_of_past_tickets(runtime, other.office_id, list(other.services.values()))
    runtime.clock.advance(timedelta(days=1))  # type: ignore[attr-defined]

    reads, listener = _reads_of(runtime)
    _a_morning(runtime, office)
    event.remove(runtime.engine, "before_cursor_execute", listener)
    assert len(reads) > 20
    assert _scans_of_big_tables(runtime, reads) == [], "stale statistics"

    with runtime.engine.begin() as connection:
        connection.execute(text("ANALYZE tickets"))
        connection.execute(text("ANALYZE ticket_events"))
    assert _scans_of_big_tables(runtime, reads) == [], "after ANALYZE"

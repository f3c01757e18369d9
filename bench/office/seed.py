"""A database that has been running: months of finished tickets with their history, printed tickets and
estimates, bulk-inserted with SQLAlchemy Core; today's served tickets; and the waiting line, brought to a size
while the server is stopped (so no process holds a view of the office the insert would make stale)."""

from __future__ import annotations

import json
import math
import random
import secrets
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from typing import Any
from zoneinfo import ZoneInfo

from layout import Office
from sqlalchemy import Connection, Engine, func, insert, select, text

CHUNK = 20_000  # rows per executemany


@dataclass(frozen=True)
class Seeded:
    tickets: int
    events: int
    seconds: float


def seed_history(engine: Engine, office: Office, *, days: int, per_day: int, served_today: int,
                 rng: random.Random) -> Seeded:
    """`days` past days of about `per_day` finished tickets each (done, no-show, some cancelled), with their
    ticket_events, print jobs, issue estimates, daily sequences, counter events and end-of-day runs; then
    `served_today` tickets already served today."""
    from waitwell.persistence import Ticket

    started = time.perf_counter()
    zone = ZoneInfo(office.timezone)
    today = datetime.now(UTC).astimezone(zone).date()
    with engine.begin() as connection:
        next_id = (connection.scalar(select(func.max(Ticket.__table__.c.id))) or 0) + 1
    tickets = events = 0
    batch = _Batch()
    for back in range(days, 0, -1):
        day = today - timedelta(days=back)
        count = max(1, round(per_day * rng.uniform(0.85, 1.15)))
        next_id = _day(batch, office, day, zone, count, next_id, rng, window=None)
        batch.day_rows(office, day, zone)
        if len(batch.events) >= CHUNK * 5:
            tickets, events = tickets + len(batch.tickets), events + len(batch.events)
            batch.flush(engine)
    now = datetime.now(UTC)
    _day(batch, office, today, zone, served_today, next_id, rng, window=(now - timedelta(hours=3), now))
    tickets, events = tickets + len(batch.tickets), events + len(batch.events)
    batch.flush(engine)
    if engine.dialect.name == "postgresql":  # ticket ids were given explicitly: move their sequence past them
        with engine.begin() as connection:
            connection.exec_driver_sql(
                "SELECT setval(pg_get_serial_sequence('tickets', 'id'), (SELECT max(id) FROM tickets))")
    return Seeded(tickets, events, time.perf_counter() - started)


class _Batch:
    """Rows waiting to be inserted, per table."""

    def __init__(self) -> None:
        self.tickets: list[dict[str, Any]] = []
        self.events: list[dict[str, Any]] = []
        self.print_jobs: list[dict[str, Any]] = []
        self.estimates: list[dict[str, Any]] = []
        self.sequences: list[dict[str, Any]] = []
        self.counter_events: list[dict[str, Any]] = []
        self.end_of_day: list[dict[str, Any]] = []

    def day_rows(self, office: Office, day: date, zone: ZoneInfo) -> None:
        """A past day's counter openings and closings and its end-of-day run."""
        opening = datetime.combine(day, clock_time(8), zone).astimezone(UTC)
        closing = datetime.combine(day, clock_time(17, 30), zone).astimezone(UTC)
        for counter_id in office.counter_ids:
            user_id = office.clerk_ids[counter_id]
            self.counter_events += [
                {"counter_id": counter_id, "office_id": office.id, "state": "open", "occurred_at": opening,
                 "user_id": user_id},
                {"counter_id": counter_id, "office_id": office.id, "state": "closed", "occurred_at": closing,
                 "user_id": user_id}]
        self.end_of_day.append({"office_id": office.id, "service_day": day, "ran_at": closing, "trigger": "scheduler",
                                "cancelled_tickets": 0, "closed_counters": len(office.counter_ids)})

    def flush(self, engine: Engine) -> None:
        from waitwell.persistence import (
            CounterEvent,
            DailySequence,
            EndOfDayRun,
            IssueEstimate,
            PrintJob,
            Ticket,
            TicketEvent,
        )

        tables = ((Ticket, self.tickets), (TicketEvent, self.events), (PrintJob, self.print_jobs),
                  (IssueEstimate, self.estimates), (DailySequence, self.sequences),
                  (CounterEvent, self.counter_events), (EndOfDayRun, self.end_of_day))
        with engine.begin() as connection:
            for model, rows in tables:
                if rows and engine.dialect.name == "postgresql":
                    _copy(connection, model.__tablename__, rows)  # type: ignore[attr-defined]
                else:
                    statement = insert(model.__table__)  # type: ignore[attr-defined]
                    for start in range(0, len(rows), CHUNK):
                        connection.execute(statement, rows[start:start + CHUNK])
                rows.clear()


def _copy(connection: Connection, table: str, rows: list[dict[str, Any]]) -> None:
    """PostgreSQL's COPY: the rows as they are (aware datetimes, JSON as text)."""
    columns = list(rows[0])
    cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row([json.dumps(value) if isinstance(value, dict) else value for value in row.values()])


def _day(batch: _Batch, office: Office, day: date, zone: ZoneInfo, count: int, next_id: int, rng: random.Random,
         *, window: tuple[datetime, datetime] | None) -> int:
    """One day's finished tickets (numbered per prefix in order of arrival); returns the next free ticket id."""
    from waitwell.services.history import history_row

    service_ids = list(office.weights)
    prefixes = {service_id: prefix for prefix, service_id in office.service_ids.items()}
    counters_of = {service_id: [c for c, served in office.counter_services.items() if service_id in served]
                   for service_id in service_ids}
    services = rng.choices(service_ids, weights=[office.weights[s] for s in service_ids], k=count)
    if window is None:
        arrivals = sorted(_arrival(day, zone, rng) for _ in range(count))
    else:
        first, last = window
        arrivals = sorted(first + (last - first) * rng.random() * 0.6 for _ in range(count))
    sequences: dict[str, int] = {}
    for service_id, issued in zip(services, arrivals, strict=True):
        prefix = prefixes[service_id]
        sequence = sequences[prefix] = sequences.get(prefix, 0) + 1
        ticket_id, next_id = next_id, next_id + 1
        hour = issued.astimezone(zone).hour + issued.astimezone(zone).minute / 60
        peak = math.exp(-((hour - 9) ** 2) / 0.5) + math.exp(-((hour - 12.75) ** 2) / 0.4)
        wait = min(150.0, rng.expovariate(1 / (8 + 30 * peak)))
        if window is not None:
            wait = min(wait, 20.0)
        origin = rng.choices(("kiosk", "appointment", "api", "staff"), weights=(45, 30, 20, 5))[0]
        counter_id = rng.choice(counters_of[service_id])
        user_id = office.clerk_ids[counter_id]
        row: dict[str, Any] = {
            "id": ticket_id, "office_id": office.id, "service_id": service_id,
            "number": f"{prefix}{sequence:03d}", "sequence": sequence, "service_day": day,
            "token": secrets.token_urlsafe(24), "origin": origin, "issued_at": issued, "waiting_since": issued,
            "first_called_at": None, "called_at": None, "started_at": None, "finished_at": None, "call_count": 0,
            "counter_id": None, "served_by_id": None, "rating": None, "rated_at": None,
            "appointment_at": issued + timedelta(minutes=rng.uniform(-10, 15)) if origin == "appointment" else None,
        }
        events = [history_row(service_id, "issued", issued, origin=origin)]
        outcome = rng.random()
        no_show_share = 0.06 + 0.11 * min(1.0, wait / 60)  # more leave the longer they wait
        if outcome < 0.03:
            gone = issued + timedelta(minutes=wait * rng.uniform(0.2, 0.9))
            row.update(state="cancelled", finished_at=gone)
            events.append(history_row(service_id, "cancelled", gone, by="citizen"))
        else:
            called = issued + timedelta(minutes=wait)
            row.update(first_called_at=called, called_at=called, call_count=1, counter_id=counter_id,
                       served_by_id=user_id)
            events.append(history_row(service_id, "called", called, user_id=user_id, counter_id=counter_id))
            if outcome < 0.03 + no_show_share:
                if rng.random() < 0.6:
                    row.update(call_count=2, called_at=called + timedelta(minutes=2))
                    events.append(history_row(service_id, "recalled", called + timedelta(minutes=2), user_id=user_id,
                                              counter_id=counter_id))
                missed = called + timedelta(minutes=4)
                row.update(state="no_show", finished_at=missed)
                events.append(history_row(service_id, "no_show", missed, user_id=user_id, counter_id=counter_id))
            else:
                serve = rng.lognormvariate(math.log(office.minutes[service_id]), 0.45)
                finished = called + timedelta(minutes=min(serve, 10.0) if window else serve)
                if rng.random() < 0.7:
                    row["started_at"] = called + timedelta(minutes=min(1.0, serve / 3))
                    events.append(history_row(service_id, "started", row["started_at"], user_id=user_id,
                                              counter_id=counter_id))
                row.update(state="done", finished_at=finished)
                events.append(history_row(service_id, "completed", finished, user_id=user_id, counter_id=counter_id))
                if rng.random() < 0.1:
                    row.update(rating=rng.choice((5, 5, 5, 4, 4, 3, 2, 1)),
                               rated_at=finished + timedelta(minutes=5))
        batch.tickets.append(row)
        batch.events += [{"ticket_id": ticket_id, **event} for event in events]
        if origin == "kiosk":
            kiosk = rng.randrange(len(office.kiosk_ids))
            batch.print_jobs.append({
                "ticket_id": ticket_id, "kiosk_id": office.kiosk_ids[kiosk], "printer_id": office.printer_ids[kiosk],
                "state": "printed", "content": {}, "attempts": 1, "last_error": "", "created_at": issued,
                "last_attempt_at": issued + timedelta(seconds=1), "printed_at": issued + timedelta(seconds=2),
                "failed_at": None})
        if origin != "appointment":
            expected = max(1.0, wait * rng.uniform(0.6, 1.4))
            batch.estimates.append({"ticket_id": ticket_id, "office_id": office.id, "service_id": service_id,
                                    "given_at": issued, "expected_minutes": expected, "low_minutes": expected * 0.7,
                                    "high_minutes": expected * 1.4, "predictor": "roll-forward"})
    batch.sequences += [{"office_id": office.id, "prefix": prefix, "service_day": day, "last_sequence": last}
                        for prefix, last in sequences.items()]
    return next_id


def _arrival(day: date, zone: ZoneInfo, rng: random.Random) -> datetime:
    """Arrivals peak at opening and at lunch, between 08:00 and 17:00 local time."""
    pick = rng.random()
    if pick < 0.3:
        hour = rng.gauss(8.75, 0.6)
    elif pick < 0.55:
        hour = rng.gauss(12.6, 0.6)
    else:
        hour = rng.uniform(8, 16.5)
    hour = min(16.99, max(8.0, hour))
    return datetime.combine(day, clock_time(), zone).astimezone(UTC) + timedelta(hours=hour)


def fill_line(engine: Engine, office: Office, target: int, rng: random.Random) -> tuple[int, int]:
    """Bring today's waiting line to `target` tickets (server stopped): new ones continue today's numbering and
    arrive half a second apart up to now; extra ones are cancelled as holders who left. Returns (before, after)."""
    from waitwell.persistence import DailySequence, Ticket, TicketEvent
    from waitwell.services.history import history_row

    tickets, sequences = Ticket.__table__, DailySequence.__table__
    now = datetime.now(UTC)
    today = now.astimezone(ZoneInfo(office.timezone)).date()
    before = waiting_count(engine, office)
    with engine.begin() as connection:
        if before > target:
            extra = connection.execute(select(tickets.c.id, tickets.c.service_id).where(
                tickets.c.office_id == office.id, tickets.c.state == "waiting").order_by(
                tickets.c.id.desc()).limit(before - target)).all()
            for ticket_id, service_id in extra:
                connection.execute(tickets.update().where(tickets.c.id == ticket_id).values(
                    state="cancelled", finished_at=now))
                connection.execute(insert(TicketEvent.__table__), [{"ticket_id": ticket_id, **history_row(
                    service_id, "cancelled", now, by="citizen")}])
        elif target > before:
            need = target - before
            last = dict(connection.execute(select(sequences.c.prefix, sequences.c.last_sequence).where(
                sequences.c.office_id == office.id, sequences.c.service_day == today)).all())
            prefixes = {service_id: prefix for prefix, service_id in office.service_ids.items()}
            chosen = rng.choices(list(office.weights), weights=list(office.weights.values()), k=need)
            rows = []
            for index, service_id in enumerate(chosen):
                prefix = prefixes[service_id]
                last[prefix] = last.get(prefix, 0) + 1
                arrived = now - timedelta(seconds=(need - index) * 0.5)
                rows.append({"office_id": office.id, "service_id": service_id, "number": f"{prefix}{last[prefix]:03d}",
                             "sequence": last[prefix], "service_day": today, "token": secrets.token_urlsafe(24),
                             "state": "waiting", "origin": "api", "issued_at": arrived, "waiting_since": arrived,
                             "call_count": 0})
            connection.execute(insert(tickets), rows)
            ids = connection.execute(select(tickets.c.id, tickets.c.token).where(
                tickets.c.token.in_([row["token"] for row in rows]))).all()
            by_token = {row["token"]: row for row in rows}
            connection.execute(insert(TicketEvent.__table__), [
                {"ticket_id": ticket_id, **history_row(by_token[token]["service_id"], "issued",
                                                       by_token[token]["issued_at"], origin="api")}
                for ticket_id, token in ids])
            for prefix, value in last.items():
                updated = connection.execute(sequences.update().where(
                    sequences.c.office_id == office.id, sequences.c.prefix == prefix,
                    sequences.c.service_day == today).values(last_sequence=value))
                if updated.rowcount == 0:
                    connection.execute(insert(sequences), [{"office_id": office.id, "prefix": prefix,
                                                            "service_day": today, "last_sequence": value}])
    return before, waiting_count(engine, office)


def waiting_count(engine: Engine, office: Office) -> int:
    with engine.connect() as connection:
        return int(connection.scalar(text(
            "SELECT count(*) FROM tickets WHERE office_id = :office AND state = 'waiting'"), {"office": office.id}))


def waiting_tokens(engine: Engine, office: Office, limit: int = 500) -> list[str]:
    """Tokens of tickets waiting now, in random order: the status pages phones would read."""
    with engine.connect() as connection:
        return list(connection.scalars(text(
            "SELECT token FROM tickets WHERE office_id = :office AND state = 'waiting' ORDER BY random() LIMIT :n"),
            {"office": office.id, "n": limit}))


@dataclass(frozen=True)
class CallCheck:
    called_twice: list[tuple[int, int]]  # (ticket id, 'called' rows) without a transfer in between
    counters_with_two: list[tuple[int, int]]  # (counter id, tickets called or serving there)


def check_calls(engine: Engine, office: Office) -> CallCheck:
    """From the database: today's tickets called more than once without being transferred back to a line, and
    counters holding more than one ticket."""
    today = datetime.now(UTC).astimezone(ZoneInfo(office.timezone)).date()
    with engine.connect() as connection:
        twice = connection.execute(text(
            "SELECT e.ticket_id, count(*) FROM ticket_events e JOIN tickets t ON t.id = e.ticket_id "
            "WHERE t.office_id = :office AND t.service_day = :day AND e.kind = 'called' "
            "AND NOT EXISTS (SELECT 1 FROM ticket_events x WHERE x.ticket_id = e.ticket_id AND x.kind = 'transferred') "
            "GROUP BY e.ticket_id HAVING count(*) > 1"), {"office": office.id, "day": today}).all()
        crowded = connection.execute(text(
            "SELECT counter_id, count(*) FROM tickets WHERE office_id = :office AND state IN ('called', 'serving') "
            "AND counter_id IS NOT NULL GROUP BY counter_id HAVING count(*) > 1"), {"office": office.id}).all()
    return CallCheck([(int(a), int(b)) for a, b in twice], [(int(a), int(b)) for a, b in crowded])


def table_sizes(engine: Engine) -> dict[str, int]:
    with engine.connect() as connection:
        return {table: int(connection.scalar(text(f"SELECT count(*) FROM {table}")))
                for table in ("tickets", "ticket_events", "print_jobs", "issue_estimates")}


def engine_for(url: str) -> Engine:
    from waitwell.persistence.database import make_engine

    return make_engine(url)

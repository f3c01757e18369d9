"""Real threads on one shared Runtime: no ticket called twice or lost, no number given twice or skipped.

Run on SQLite (one writer at a time, BEGIN IMMEDIATE) and PostgreSQL (row locks, SKIP LOCKED).
"""

from __future__ import annotations

import shutil
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TypeVar

import pytest
from sqlalchemy import select

from tests.database_cleanup import empty_database
from tests.factories import OfficeSetup, make_office
from waitwell.domain.clock import VirtualClock
from waitwell.domain.errors import NothingToCall
from waitwell.domain.states import TicketState
from waitwell.persistence import DailySequence, Ticket, TicketEvent
from waitwell.runtime import Runtime
from waitwell.services import counters, tickets
from waitwell.services.results import TicketView

TICKETS = 1000
ISSUERS = 16
CLERKS = 32
T = TypeVar("T")
TEN_IN_NEW_YORK = datetime(2026, 3, 10, 14, 0, tzinfo=UTC)

pytestmark = pytest.mark.slow


def run_together(workers: list[Callable[[], T]]) -> list[T]:
    """Start every worker on its own thread at the same moment; re-raise the first failure."""
    barrier = threading.Barrier(len(workers))

    def start(worker: Callable[[], T]) -> T:
        barrier.wait()
        return worker()

    with ThreadPoolExecutor(max_workers=len(workers)) as pool:
        futures = [pool.submit(start, worker) for worker in workers]
        return [future.result(timeout=300) for future in futures]


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def shared_runtime(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Runtime]:
    """One Runtime for the whole module, shared by every thread, as in a real server process."""
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("concurrency") / "waitwell.db"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        url = f"sqlite:///{path}"
        cleaner = None
    else:
        url = request.getfixturevalue("postgres_database")
        cleaner = request.getfixturevalue("postgres_cleaner")
    runtime = Runtime(url, clock=VirtualClock(TEN_IN_NEW_YORK))
    yield runtime
    runtime.dispose()
    if cleaner is not None:
        empty_database(cleaner)


@dataclass(frozen=True)
class Rush:
    office: OfficeSetup
    issued: list[TicketView]


@pytest.fixture(scope="module")
def rush(shared_runtime: Runtime) -> Rush:
    """16 kiosks issue 1,000 tickets of one line at once; 32 open counters with overlapping skills wait."""
    skills = {f"Counter {n}": [["A", "B", "C"], ["A", "B"], ["A", "C"], ["A"]][n % 4] for n in range(1, CLERKS + 1)}
    office = make_office(shared_runtime, services=(("Licence renewal", "A"), ("Title", "B"), ("Road test", "C")),
                         counters=skills)
    shares = [TICKETS // ISSUERS + (1 if n < TICKETS % ISSUERS else 0) for n in range(ISSUERS)]

    def kiosk(count: int) -> Callable[[], list[TicketView]]:
        return lambda: [tickets.issue_ticket(shared_runtime.uow(), service_id=office.services["A"], origin="kiosk")
                        for _ in range(count)]

    issued = [ticket for batch in run_together([kiosk(count) for count in shares]) for ticket in batch]
    return Rush(office, issued)


def test_concurrent_issuing_gives_unique_consecutive_numbers(shared_runtime: Runtime, rush: Rush) -> None:
    assert len(rush.issued) == TICKETS
    assert sorted(t.number for t in rush.issued) == sorted(f"A{n:03d}" for n in range(1, TICKETS + 1))
    assert len({t.token for t in rush.issued}) == TICKETS
    with shared_runtime.uow(read_only=True) as uow:
        stored = uow.session.scalars(select(Ticket.sequence).where(Ticket.office_id == rush.office.office_id)).all()
        last = uow.session.scalar(select(DailySequence.last_sequence)
                                  .where(DailySequence.office_id == rush.office.office_id))
    assert sorted(stored) == list(range(1, TICKETS + 1))
    assert last == TICKETS


def test_concurrent_call_next_calls_every_ticket_exactly_once(shared_runtime: Runtime, rush: Rush) -> None:
    def clerk(counter_id: int) -> Callable[[], list[int]]:
        def work() -> list[int]:
            called: list[int] = []
            while True:
                try:
                    ticket = counters.call_next(shared_runtime.uow(), counter_id=counter_id)
                except NothingToCall:
                    return called
                called.append(ticket.id)
                counters.complete(shared_runtime.uow(), ticket_id=ticket.id)

        return work

    per_counter = run_together([clerk(counter_id) for counter_id in rush.office.counters.values()])
    called = [ticket_id for batch in per_counter for ticket_id in batch]

    duplicates = [ticket_id for ticket_id, times in Counter(called).items() if times > 1]
    assert duplicates == [], "a ticket was called by two counters"
    assert sorted(called) == sorted(t.id for t in rush.issued), "a ticket was never called"
    assert sum(1 for batch in per_counter if batch) > 1, "the counters really worked side by side"
    with shared_runtime.uow(read_only=True) as uow:
        states = Counter(uow.session.scalars(select(Ticket.state)).all())
        calls = Counter(uow.session.scalars(select(TicketEvent.ticket_id).where(TicketEvent.kind == "called")).all())
        counts = set(uow.session.scalars(select(Ticket.call_count)).all())
    assert states == {TicketState.DONE: TICKETS}
    assert set(calls.values()) == {1} and len(calls) == TICKETS
    assert counts == {1}

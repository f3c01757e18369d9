"""The estimate each ticket was given at issue: stored once, read back to score estimates against real waits."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from waitwell.domain.events import TicketIssued
from waitwell.estimates.estimate import WaitEstimate
from waitwell.estimates.estimator import Predictor, default_predictor, estimate_waits
from waitwell.metrics.accuracy import GivenEstimate
from waitwell.metrics.local_time import day_bounds
from waitwell.persistence import IssueEstimate, Office, Ticket
from waitwell.services.coalescing import Offload, PerOfficeRuns, run_here
from waitwell.services.estimates import office_snapshot
from waitwell.services.event_bus import EventBus
from waitwell.services.unit_of_work import UnitOfWork, UnitsOfWork


def record_issue_estimate(uow: UnitOfWork, *, ticket_id: int, estimate: WaitEstimate, predictor: str = "") -> bool:
    """Keep the estimate a ticket was given when it was issued; the first one recorded wins.

    Returns whether it was stored (False when the ticket already has one).
    """
    with uow:
        if uow.session.get(IssueEstimate, ticket_id) is not None:
            return False
        ticket = uow.session.get(Ticket, ticket_id)
        if ticket is None:
            return False
        uow.session.add(issue_estimate_row(ticket.id, ticket.office_id, ticket.service_id, ticket.issued_at, estimate,
                                           predictor))
        uow.commit()
        return True


def issue_estimate_row(ticket_id: int, office_id: int, service_id: int, given_at: datetime, estimate: WaitEstimate,
                       predictor: str = "") -> IssueEstimate:
    """The row to add in the issuing transaction to keep exactly the figure shown (kiosk screen, printed ticket)."""
    return IssueEstimate(**issue_estimate_values(ticket_id, office_id, service_id, given_at, estimate, predictor))


def issue_estimate_values(ticket_id: int, office_id: int, service_id: int, given_at: datetime,
                          estimate: WaitEstimate, predictor: str = "") -> dict[str, Any]:
    """`issue_estimate_row`'s columns, for a bulk insert of many."""
    return {"ticket_id": ticket_id, "office_id": office_id, "service_id": service_id, "given_at": given_at,
            "expected_minutes": estimate.expected_minutes, "low_minutes": estimate.low_minutes,
            "high_minutes": estimate.high_minutes, "predictor": predictor[:40]}


def given_estimates(session: Session, office_id: int, day: date) -> list[GivenEstimate]:
    """Estimates given at issue to the office's tickets of a local day."""
    office = session.get(Office, office_id)
    if office is None:
        return []
    start, end = day_bounds(day, office.timezone)
    rows = session.execute(
        select(IssueEstimate).where(IssueEstimate.office_id == office_id, IssueEstimate.given_at >= start,
                                    IssueEstimate.given_at < end)
    ).scalars()
    return [
        GivenEstimate(ticket_id=row.ticket_id, given_at=row.given_at, expected_minutes=row.expected_minutes,
                      low_minutes=row.low_minutes, high_minutes=row.high_minutes)
        for row in rows
    ]


def _start_thread(work: Callable[[], None]) -> None:
    threading.Thread(target=work, name="issue-estimates", daemon=True).start()


class IssueEstimateRecorder:
    """Subscribes to TicketIssued and keeps the estimate each new ticket gets, with the estimator the kiosk
    and status page use.

    In the background by default: the committing request only notes the ticket, and each office's new
    tickets share one look at the office at most every `RECORD_EVERY_SECONDS` (later when the estimator runs
    long: it takes at most `BACKGROUND_SHARE` of a core), so a long line costs one replay per few seconds, not
    one per ticket, and nobody waits for it. The replay itself runs through `offload` (a native thread under
    gevent, so the process keeps serving). A ticket whose issuer already added the row of the figure it showed,
    in its own transaction (`add_tickets(estimates=...)`, which says so on its event, or
    `issue_estimate_row`), is left alone. An estimate that could only be made more than `MAX_DELAY` after the
    issue is not kept: it would no longer be the one the holder was given.
    """

    MAX_DELAY = timedelta(seconds=60)
    RECORD_EVERY_SECONDS = 5.0
    BACKGROUND_SHARE = 0.1

    def __init__(self, runtime: UnitsOfWork, predictor: Predictor | None = None, *,
                 start: Callable[[Callable[[], None]], Any] | None = None,
                 sleep: Callable[[float], Any] | None = None,
                 offload: Offload = run_here) -> None:
        self._runtime = runtime
        self._predictor = predictor
        self._offload = offload
        self._pending: dict[int, list[TicketIssued]] = {}
        self._lock = threading.Lock()
        self._runs = PerOfficeRuns(self._record_pending, start or _start_thread, sleep=sleep or time.sleep,
                                   min_interval=self.RECORD_EVERY_SECONDS, max_share=self.BACKGROUND_SHARE)

    def subscribe(self, bus: EventBus, *, in_background: bool = True) -> None:
        if in_background:
            bus.subscribe(TicketIssued, self.note)
            bus.on_close(self._runs.close)
        else:
            bus.subscribe(TicketIssued, self.record)

    def note(self, event: TicketIssued) -> None:
        """In the committing thread: keep the ticket for its office's next run."""
        if event.estimate_kept:
            return
        with self._lock:
            self._pending.setdefault(event.office_id, []).append(event)
        self._runs.request(event.office_id)

    def wait_until_idle(self, timeout: float) -> bool:
        return self._runs.wait_until_idle(timeout)

    def record(self, event: TicketIssued) -> None:
        self.record_all([event])

    def record_all(self, events: list[TicketIssued]) -> None:
        by_office: dict[int, list[TicketIssued]] = {}
        for event in events:
            if not event.estimate_kept:
                by_office.setdefault(event.office_id, []).append(event)
        for office_id, issued in by_office.items():
            self._record_office(office_id, issued)

    def _record_pending(self, office_id: int) -> None:
        with self._lock:
            issued = self._pending.pop(office_id, [])
        if issued:
            self._record_office(office_id, issued)

    def _record_office(self, office_id: int, issued: list[TicketIssued]) -> None:
        now = self._runtime.clock.now()
        with self._runtime.uow(read_only=True) as uow:
            kept = set(uow.session.scalars(select(IssueEstimate.ticket_id).where(
                IssueEstimate.ticket_id.in_([e.ticket_id for e in issued]))))
        wanted = [e for e in issued if e.ticket_id not in kept and now - e.occurred_at <= self.MAX_DELAY]
        if not wanted:
            return
        predictor = self._predictor or default_predictor()
        snapshot = office_snapshot(self._runtime.uow(read_only=True), office_id)
        asked = [e.ticket_id for e in wanted]
        estimates = self._offload(lambda: estimate_waits(snapshot, predictor=predictor, ticket_ids=asked))
        with self._runtime.uow() as uow:
            for event in wanted:
                estimate = estimates.get(event.ticket_id)
                if estimate is not None and uow.session.get(IssueEstimate, event.ticket_id) is None:
                    uow.session.add(issue_estimate_row(event.ticket_id, office_id, event.service_id,
                                                       event.occurred_at, estimate, predictor.name))
            uow.commit()

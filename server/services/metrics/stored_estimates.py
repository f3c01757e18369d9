"""The estimate each ticket was given at issue: stored once, read back to score estimates against real waits."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from waitwell.domain.events import TicketIssued
from waitwell.estimates.estimate import WaitEstimate
from waitwell.estimates.estimator import Predictor, default_predictor
from waitwell.metrics.accuracy import GivenEstimate
from waitwell.metrics.local_time import day_bounds
from waitwell.persistence import IssueEstimate, Office, Ticket
from waitwell.runtime import Runtime
from waitwell.services.estimates import estimate_office
from waitwell.services.event_bus import EventBus
from waitwell.services.unit_of_work import UnitOfWork


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
    return IssueEstimate(ticket_id=ticket_id, office_id=office_id, service_id=service_id, given_at=given_at,
                         expected_minutes=estimate.expected_minutes, low_minutes=estimate.low_minutes,
                         high_minutes=estimate.high_minutes, predictor=predictor[:40])


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


class IssueEstimateRecorder:
    """Subscribes to TicketIssued and keeps the estimate the new ticket gets at that moment.

    It runs right after the issuing transaction commits, with the estimator the kiosk and status
    page use. An issuer that adds the IssueEstimate row of the figure it showed in its own transaction
    (see `issue_estimate_row`) is left alone, and nothing is computed twice.
    """

    def __init__(self, runtime: Runtime, predictor: Predictor | None = None) -> None:
        self._runtime = runtime
        self._predictor = predictor

    def subscribe(self, bus: EventBus) -> None:
        bus.subscribe(TicketIssued, self.record)

    def record(self, event: TicketIssued) -> None:
        with self._runtime.uow(read_only=True) as uow:
            if uow.session.get(IssueEstimate, event.ticket_id) is not None:
                return  # the issuer kept the figure it showed, in its own transaction
        predictor = self._predictor or default_predictor()
        estimate = estimate_office(self._runtime.uow(read_only=True), event.office_id, predictor=predictor)
        given = estimate.get(event.ticket_id)
        if given is not None:
            record_issue_estimate(self._runtime.uow(), ticket_id=event.ticket_id, estimate=given,
                                  predictor=predictor.name)

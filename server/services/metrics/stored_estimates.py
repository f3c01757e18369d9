"""The estimate each ticket was given at issue: stored once, read back to score estimates against real waits."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from waitwell.estimates.estimate import WaitEstimate
from waitwell.metrics.accuracy import GivenEstimate
from waitwell.metrics.local_time import day_bounds
from waitwell.persistence import IssueEstimate, Office, Ticket
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
        uow.session.add(IssueEstimate(
            ticket_id=ticket.id, office_id=ticket.office_id, service_id=ticket.service_id, given_at=ticket.issued_at,
            expected_minutes=estimate.expected_minutes, low_minutes=estimate.low_minutes,
            high_minutes=estimate.high_minutes, predictor=predictor[:40],
        ))
        uow.commit()
        return True


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

"""What the staff of an office must know about its ticket printers: problems, and tickets whose paper failed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import exists, select
from sqlalchemy.orm import aliased

from waitwell.domain.printer_alerts import PrinterProblem, printer_problem
from waitwell.domain.states import TicketState
from waitwell.persistence import Kiosk, Printer, PrintJob, Ticket
from waitwell.persistence.devices import PrintJobState
from waitwell.services.unit_of_work import UnitOfWork

# A long outage at a busy kiosk fails many tickets: the page lists the oldest ones and counts the rest.
MOST_UNPRINTED_LISTED = 20
# Tickets are valid on the day they are taken: older failed jobs are of no use to anyone.
UNPRINTED_WITHIN = timedelta(days=1)


@dataclass(frozen=True)
class PrinterAlert:
    """A printer of a kiosk in service that does not print, or soon will not."""

    printer_id: int
    printer_name: str
    problem: PrinterProblem
    detail: str  # in the printer's or the worker's words, e.g. "reports it is offline (cover open)"
    checked_at: datetime | None


@dataclass(frozen=True)
class UnprintedTicket:
    """A waiting ticket whose paper did not come out: still being retried, or given up."""

    job_id: int
    ticket_id: int
    number: str
    printer_name: str
    given_up: bool
    reason: str


@dataclass(frozen=True)
class OfficePrinterAlerts:
    office_id: int
    alerts: list[PrinterAlert]
    unprinted: list[UnprintedTicket]  # oldest first, at most MOST_UNPRINTED_LISTED
    unprinted_count: int

    def as_payload(self) -> dict[str, Any]:
        """The JSON the console and the dashboard show, pushed live and answered over HTTP alike."""
        return {
            "office_id": self.office_id,
            "alerts": [{"printer_id": a.printer_id, "printer_name": a.printer_name, "problem": a.problem.value,
                        "detail": a.detail,
                        "checked_at": a.checked_at.isoformat().replace("+00:00", "Z") if a.checked_at else None}
                       for a in self.alerts],
            "unprinted": [{"job_id": t.job_id, "ticket_id": t.ticket_id, "number": t.number,
                           "printer_name": t.printer_name, "given_up": t.given_up, "reason": t.reason}
                          for t in self.unprinted],
            "unprinted_count": self.unprinted_count,
        }


def office_printer_alerts(uow: UnitOfWork, office_id: int) -> OfficePrinterAlerts:
    """The office's printer problems and its waiting tickets whose latest paper failed (a few small reads)."""
    with uow:
        printers = uow.session.scalars(
            select(Printer).where(Printer.office_id == office_id,
                                  Printer.id.in_(select(Kiosk.printer_id).where(Kiosk.active.is_(True))))
            .order_by(Printer.name)).all()
        alerts = [PrinterAlert(p.id, p.name, problem, p.status_detail, p.status_checked_at) for p in printers
                  if (problem := printer_problem(p.status.value, p.status_detail)) is not None]
        rows = uow.session.execute(_unprinted(office_id, uow.clock.now() - UNPRINTED_WITHIN)).all()
        unprinted = [UnprintedTicket(job_id=job.id, ticket_id=job.ticket_id, number=number, printer_name=name,
                                     given_up=job.state == PrintJobState.FAILED, reason=job.last_error)
                     for job, number, name in rows]
        return OfficePrinterAlerts(office_id, alerts, unprinted[:MOST_UNPRINTED_LISTED], len(unprinted))


def _unprinted(office_id: int, since: datetime) -> Any:
    """Jobs of the office's waiting tickets that failed (retrying or given up) with no newer job for the ticket."""
    newer = aliased(PrintJob)
    return (select(PrintJob, Ticket.number, Printer.name)
            .join(Printer, Printer.id == PrintJob.printer_id)
            .join(Ticket, Ticket.id == PrintJob.ticket_id)
            .where(Printer.office_id == office_id,
                   PrintJob.state.in_((PrintJobState.RETRYING, PrintJobState.FAILED)),
                   PrintJob.created_at >= since,
                   Ticket.state == TicketState.WAITING,
                   ~exists().where(newer.ticket_id == PrintJob.ticket_id, newer.id > PrintJob.id))
            .order_by(PrintJob.id))

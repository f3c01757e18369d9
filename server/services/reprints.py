"""Staff send a ticket's paper again when its printing failed or was given up."""

from __future__ import annotations

from sqlalchemy import select

from waitwell.domain import events
from waitwell.domain.errors import NotFound
from waitwell.domain.printer_alerts import check_reprint
from waitwell.persistence import Kiosk, PrintJob, Ticket
from waitwell.persistence.devices import PrintJobState
from waitwell.services.print_jobs import PrintJobView
from waitwell.services.unit_of_work import UnitOfWork

REPLACED = "replaced by a reprint"


def reprint_ticket(uow: UnitOfWork, *, ticket_id: int) -> PrintJobView:
    """Queue a new print job for a waiting ticket whose latest paper failed, with the same words on it and marked
    "reprint" (the paper says REPRINT where the printer layout supports it), at its kiosk's printer.

    A job still being retried is given up in the same transaction, so the ticket never comes out twice; one being
    sent right now is left alone and the reprint refused.
    """
    with uow:
        ticket = uow.session.get(Ticket, ticket_id)
        if ticket is None:
            raise NotFound(f"there is no ticket {ticket_id}")
        failed = uow.session.scalar(select(PrintJob).where(PrintJob.ticket_id == ticket_id)
                                    .order_by(PrintJob.id.desc()).limit(1).with_for_update())
        check_reprint(ticket.number, ticket.state, failed.state.value if failed is not None else None)
        assert failed is not None  # check_reprint refuses a ticket without a job
        now = uow.clock.now()
        if failed.state == PrintJobState.RETRYING:
            failed.state = PrintJobState.FAILED
            failed.failed_at = now
            failed.last_error = f"{failed.last_error}; {REPLACED}" if failed.last_error else REPLACED
        kiosk = uow.session.get(Kiosk, failed.kiosk_id) if failed.kiosk_id is not None else None
        printer = kiosk.printer if kiosk is not None and kiosk.printer is not None else failed.printer
        job = PrintJob(ticket_id=ticket.id, kiosk_id=failed.kiosk_id, printer_id=printer.id,
                       state=PrintJobState.QUEUED, content={**failed.content, "reprint": True}, attempts=0,
                       last_error="", created_at=now)
        uow.session.add(job)
        uow.session.flush()
        view = PrintJobView.of(job)
        uow.record(events.ReprintQueued(
            office_id=ticket.office_id, occurred_at=now, job_id=job.id, printer_id=printer.id, kiosk_id=job.kiosk_id,
            ticket_id=ticket.id, number=ticket.number, delivery=printer.delivery.value))
        uow.commit()
        return view

"""A print job's life: queued with its ticket, claimed by a sender, then printed or failed with the reason."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, case, insert, select

from waitwell.domain import events
from waitwell.domain.errors import NotFound
from waitwell.persistence import Kiosk, Printer, PrintJob
from waitwell.persistence.devices import PENDING_JOB_STATES, PrintDelivery, PrintJobState
from waitwell.services.printers import PrinterView
from waitwell.services.results import TicketView
from waitwell.services.unit_of_work import UnitOfWork

RETRYABLE_STATES = (PrintJobState.QUEUED, PrintJobState.RETRYING)


@dataclass(frozen=True)
class PrintJobView:
    id: int
    ticket_id: int
    number: str
    kiosk_id: int | None
    printer_id: int
    state: PrintJobState
    attempts: int
    last_error: str
    created_at: datetime
    last_attempt_at: datetime | None
    printed_at: datetime | None
    failed_at: datetime | None
    content: dict[str, Any]

    @classmethod
    def of(cls, job: PrintJob) -> PrintJobView:
        return cls(job.id, job.ticket_id, str(job.content.get("number", "")), job.kiosk_id, job.printer_id, job.state,
                   job.attempts, job.last_error, job.created_at, job.last_attempt_at, job.printed_at, job.failed_at,
                   dict(job.content))


def add_print_job(uow: UnitOfWork, *, ticket: TicketView, kiosk: Kiosk, content: dict[str, Any]) -> PrintJobView:
    """Store the job in the caller's transaction, next to its ticket; the worker or agent hears of it after commit."""
    if kiosk.printer is None:
        raise ValueError("a print job needs a kiosk with a printer")
    return add_print_jobs(uow, [NewPrintJob(ticket, kiosk.id, kiosk.office_id, kiosk.printer.id,
                                            kiosk.printer.delivery, content)])[0]


@dataclass(frozen=True)
class NewPrintJob:
    """A ticket to print at its kiosk's printer, with what the paper says."""

    ticket: TicketView
    kiosk_id: int
    office_id: int
    printer_id: int
    delivery: PrintDelivery
    content: dict[str, Any]


def add_print_jobs(uow: UnitOfWork, jobs: Sequence[NewPrintJob]) -> list[PrintJobView]:
    """`add_print_job` for many tickets at once (a batch of taps): one statement whatever the count."""
    now = uow.clock.now()
    rows = [{"ticket_id": job.ticket.id, "kiosk_id": job.kiosk_id, "printer_id": job.printer_id,
             "state": PrintJobState.QUEUED, "content": job.content, "attempts": 0, "last_error": "",
             "created_at": now} for job in jobs]
    ids = uow.session.scalars(_INSERT_JOBS, rows).all()
    views = [PrintJobView(job_id, job.ticket.id, job.ticket.number, job.kiosk_id, job.printer_id, PrintJobState.QUEUED,
                          0, "", now, None, None, None, dict(job.content))
             for job_id, job in zip(ids, jobs, strict=True)]
    for view, job in zip(views, jobs, strict=True):
        uow.record(events.PrintJobQueued(**_job_fields(view, job.office_id, now), delivery=job.delivery.value))
    return views


_INSERT_JOBS = insert(PrintJob.__table__).returning(PrintJob.__table__.c.id, sort_by_parameter_order=True)


def get_print_job(uow: UnitOfWork, job_id: int) -> PrintJobView:
    with uow:
        return PrintJobView.of(_job(uow, job_id))


def job_for_ticket(uow: UnitOfWork, ticket_id: int) -> PrintJobView | None:
    """The newest print job of a ticket, if it had one."""
    with uow:
        job = uow.session.scalar(select(PrintJob).where(PrintJob.ticket_id == ticket_id).order_by(PrintJob.id.desc()))
        return PrintJobView.of(job) if job else None


def recent_jobs(uow: UnitOfWork, *, office_id: int | None = None, kiosk_id: int | None = None,
                limit: int = 100) -> list[PrintJobView]:
    """The newest jobs first, with their outcome: what an admin checks when a visitor says nothing printed."""
    with uow:
        query = select(PrintJob).join(Printer, Printer.id == PrintJob.printer_id).order_by(PrintJob.id.desc())
        if office_id is not None:
            query = query.where(Printer.office_id == office_id)
        if kiosk_id is not None:
            query = query.where(PrintJob.kiosk_id == kiosk_id)
        return [PrintJobView.of(job) for job in uow.session.scalars(query.limit(limit))]


def pending_jobs(uow: UnitOfWork, *, delivery: PrintDelivery | None = None, kiosk_id: int | None = None,
                 printer_id: int | None = None) -> list[PrintJobView]:
    """Jobs not yet printed nor given up, oldest first."""
    with uow:
        query = (select(PrintJob).join(Printer, Printer.id == PrintJob.printer_id)
                 .where(PrintJob.state.in_(PENDING_JOB_STATES)).order_by(PrintJob.id))
        if delivery is not None:
            query = query.where(Printer.delivery == delivery)
        if kiosk_id is not None:
            query = query.where(PrintJob.kiosk_id == kiosk_id)
        if printer_id is not None:
            query = query.where(PrintJob.printer_id == printer_id)
        return [PrintJobView.of(job) for job in uow.session.scalars(query)]


@dataclass(frozen=True)
class LaneWork:
    """What a print lane looks at: its printer's next jobs, oldest first, and (when there are any) the
    printer as configured now, so a changed address or paper width applies from the next batch on."""

    job_ids: list[int]
    printer: PrinterView | None


def next_jobs(uow: UnitOfWork, printer_id: int, *, limit: int) -> LaneWork:
    """A printer's next jobs to print, in one read (ids only: cheap to poll; the claim reads the jobs)."""
    with uow:
        job_ids = list(uow.session.scalars(_NEXT_JOB_IDS, {"printer_id": printer_id, "limit": limit}))
        printer = uow.session.get(Printer, printer_id) if job_ids else None
        return LaneWork(job_ids, PrinterView.of(printer) if printer is not None else None)


def printers_with_pending_jobs(uow: UnitOfWork, *, delivery: PrintDelivery) -> set[int]:
    """Printers that have something to print: what a worker polls, without reading a burst's jobs."""
    with uow:
        return set(uow.session.scalars(
            select(PrintJob.printer_id).distinct().join(Printer, Printer.id == PrintJob.printer_id)
            .where(PrintJob.state.in_(PENDING_JOB_STATES), Printer.delivery == delivery)))


def release_interrupted_jobs(uow: UnitOfWork, *, delivery: PrintDelivery = PrintDelivery.SERVER) -> int:
    """Jobs left "printing" by a stopped worker go back to the queue.

    A lane sends its claimed jobs one after the other and records each as the printer confirms it, so of
    a printer's jobs still "printing" only the oldest can have been on its way: it may have come out,
    and prints again marked REPRINT. The others were never sent and go back as they were.
    """
    with uow:
        printer_ids = select(Printer.id).where(Printer.delivery == delivery)
        interrupted = uow.session.scalars(
            select(PrintJob).where(PrintJob.state == PrintJobState.PRINTING, PrintJob.printer_id.in_(printer_ids))
            .order_by(PrintJob.id)).all()
        in_flight: dict[int, PrintJob] = {}
        for job in interrupted:
            in_flight.setdefault(job.printer_id, job)
        for job in in_flight.values():
            job.state = PrintJobState.RETRYING
            job.last_error = "interrupted by a restart while it was being sent: it prints again marked REPRINT"
            job.content = {**job.content, "reprint": True}
        untried = [job.id for job in interrupted if in_flight[job.printer_id] is not job]
        if untried:
            uow.session.execute(_RELEASE, {"ids": untried})
        uow.commit()
        return len(interrupted)


def claim_jobs(uow: UnitOfWork, job_ids: Sequence[int]) -> list[PrintJobView]:
    """Mark a printer's next jobs as being printed by the server's print worker (several at once after an outage
    or a burst): the ones it now prints, oldest first, leaving out those someone else has or that are finished,
    and those of a printer a print agent delivers to (switched over a moment ago: they are the agent's)."""
    with uow:
        now = uow.clock.now()
        claimed = uow.session.execute(_CLAIM, {"ids": list(job_ids), "now": now}).all()
        uow.commit()
        return sorted((PrintJobView.of(row) for row in claimed), key=lambda job: job.id)  # type: ignore[arg-type]


def record_printed(uow: UnitOfWork, job_id: int, *, attempts: int | None = None) -> PrintJobView:
    """The printer took every byte; a repeated acknowledgement changes nothing.

    `attempts` is given by a print agent, which retries on its own; the server worker counts them itself.
    """
    return record_all_printed(uow, [job_id], attempts=attempts)[0]


def record_all_printed(uow: UnitOfWork, job_ids: Sequence[int], *, attempts: int | None = None
                       ) -> list[PrintJobView]:
    """`record_printed` for several jobs in one transaction."""
    with uow:
        now = uow.clock.now()
        counted = max(attempts or 1, 1)
        printed = {row.id: row for row in uow.session.execute(
            _RECORD_PRINTED, {"ids": list(job_ids), "now": now, "counted": counted})}
        already = set(job_ids) - set(printed)  # acknowledged before (an agent's repeated acknowledgement)
        known = {**({row.id: row for row in uow.session.execute(select(*_JOBS.c).where(_JOBS.c.id.in_(already)))}
                    if already else {}), **printed}
        if missing := [job_id for job_id in job_ids if job_id not in known]:
            raise NotFound(f"there is no print job {missing[0]}")
        printer_ids = list({row.printer_id for row in printed.values()})
        offices = dict(uow.session.execute(_OFFICES_OF_PRINTERS, {"ids": printer_ids}).all()) if printed else {}
        views = {job_id: PrintJobView.of(row) for job_id, row in known.items()}  # type: ignore[arg-type]
        for job_id in printed:
            view = views[job_id]
            uow.record(events.PrintJobPrinted(**_job_fields(view, offices[view.printer_id], now),
                                              attempts=view.attempts))
        uow.commit()
        return [views[job_id] for job_id in job_ids]


def record_print_failure(uow: UnitOfWork, job_id: int, *, reason: str, give_up: bool,
                         attempts: int | None = None, untried: Sequence[int] = (),
                         maybe_printed: bool = False) -> PrintJobView:
    """Keep the reason; alert on the first failure and when the job is given up, not on every retry.

    `untried` are the jobs claimed with it that were not tried after all (it failed before them): they go
    back as they were in the same transaction, so nobody sees them "printing" once the run has stopped.
    `maybe_printed`: its bytes had begun to go out, so its paper may exist; any later copy says REPRINT.
    """
    with uow:
        job = _job(uow, job_id)
        if untried:
            uow.session.execute(_RELEASE, {"ids": list(untried)})
        if job.state in (PrintJobState.PRINTED, PrintJobState.FAILED):
            uow.commit()
            return PrintJobView.of(job)
        now = uow.clock.now()
        if attempts is not None:
            job.attempts = max(job.attempts, attempts)
            job.last_attempt_at = now
        job.last_error = reason
        job.state = PrintJobState.FAILED if give_up else PrintJobState.RETRYING
        if maybe_printed and not job.content.get("reprint"):
            job.content = {**job.content, "reprint": True}
        if give_up:
            job.failed_at = now
        if give_up or job.attempts <= 1:
            uow.record(events.PrintJobFailed(**_job_fields(job, job.printer.office_id, now), reason=reason,
                                             attempts=job.attempts, final=give_up))
        view = PrintJobView.of(job)
        uow.commit()
        return view


# Built once: a print lane runs these for every batch, and building a statement costs more than running it.
_JOBS = PrintJob.__table__
_NEXT_JOB_IDS = (select(PrintJob.id).where(PrintJob.printer_id == bindparam("printer_id"),
                                           PrintJob.state.in_(PENDING_JOB_STATES))
                 .order_by(PrintJob.id).limit(bindparam("limit")))
_CLAIM = (_JOBS.update()
          .where(_JOBS.c.id.in_(bindparam("ids", expanding=True)), _JOBS.c.state.in_(RETRYABLE_STATES),
                 _JOBS.c.printer_id.in_(select(Printer.id).where(Printer.delivery == PrintDelivery.SERVER)))
          .values(state=PrintJobState.PRINTING, attempts=_JOBS.c.attempts + 1, last_attempt_at=bindparam("now"))
          .returning(*_JOBS.c))
_RECORD_PRINTED = (_JOBS.update()
                   .where(_JOBS.c.id.in_(bindparam("ids", expanding=True)), _JOBS.c.state != PrintJobState.PRINTED)
                   .values(state=PrintJobState.PRINTED, printed_at=bindparam("now"), last_error="",
                           attempts=case((_JOBS.c.attempts < bindparam("counted"), bindparam("counted")),
                                         else_=_JOBS.c.attempts))
                   .returning(*_JOBS.c))
_RELEASE = (_JOBS.update()
            .where(_JOBS.c.id.in_(bindparam("ids", expanding=True)), _JOBS.c.state == PrintJobState.PRINTING)
            .values(attempts=_JOBS.c.attempts - 1,
                    state=case((_JOBS.c.attempts <= 1, PrintJobState.QUEUED.value),
                               else_=PrintJobState.RETRYING.value)))
_OFFICES_OF_PRINTERS = select(Printer.id, Printer.office_id).where(Printer.id.in_(bindparam("ids", expanding=True)))


def _job(uow: UnitOfWork, job_id: int) -> PrintJob:
    job = uow.session.get(PrintJob, job_id)
    if job is None:
        raise NotFound(f"there is no print job {job_id}")
    return job


def _job_fields(job: PrintJob | PrintJobView, office_id: int, at: datetime) -> dict[str, Any]:
    return {"office_id": office_id, "occurred_at": at, "job_id": job.id, "printer_id": job.printer_id,
            "kiosk_id": job.kiosk_id, "ticket_id": job.ticket_id, "number": str(job.content.get("number", ""))}

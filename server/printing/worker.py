"""The print worker: sends stored jobs to the printers the server reaches, one lane (thread) per printer.

A lane prints its printer's jobs in order, retries with backoff, records each outcome and polls the
printer's status while idle. Lanes share nothing, so a silent printer never delays another one.
"""

from __future__ import annotations

import itertools
import logging
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager, nullcontext
from typing import Any

from waitwell.domain.events import PrinterDeliveryChanged, PrintJobQueued
from waitwell.persistence.devices import PrintDelivery, PrinterStatus
from waitwell.printers.errors import PrintFailed
from waitwell.printing import BLOCKING_CONNECTIONS, device, under_gevent
from waitwell.printing.retry import RetryPolicy
from waitwell.printing.wakeup import WakeupListener
from waitwell.runtime import Runtime
from waitwell.services import kiosk_taps, print_jobs, printers
from waitwell.services.printers import PrinterView

log = logging.getLogger(__name__)
KEY_PURGE_SECONDS = 3600.0
# Jobs a lane claims and records together: a backlog (a burst, a printer back from an outage) costs a
# transaction per batch instead of three per ticket.
LANE_BATCH = 16
# After a batch of several tickets (a burst is on) a lane looks again only this much later, so the burst's
# next tickets also come as a batch, not a transaction and a connection each. After a single ticket (taps
# one by one) or a full batch (a backlog) it looks again at once. A printer needs longer for one ticket.
LANE_PACE_SECONDS = 0.1
# A printer with a problem is asked again this often, so a refilled roll or a closed cover shows within seconds.
PROBLEM_POLL_SECONDS = 3.0

# Sends the jobs' tickets in order, calling back with each one's index as the printer confirms it; returns the
# printer's last answer to a status request, if it gave one.
SendJobs = Callable[[PrinterView, Sequence[Mapping[str, Any]], Callable[[int], None]],
                    tuple[PrinterStatus, str] | None]
ReadStatus = Callable[[PrinterView, float], tuple[PrinterStatus, str]]


class PrintWorker:
    """Starts a lane per server-reached printer, wakes it when a job is queued, and rescans the database."""

    def __init__(
        self,
        runtime: Runtime,
        *,
        send: SendJobs = device.send_jobs,
        read_status: ReadStatus = device.read_status,
        policy: RetryPolicy | None = None,
        status_interval: float = 30.0,
        status_timeout: float = device.STATUS_TIMEOUT_SECONDS,
        scan_interval: float = 1.0,
        context: Callable[[], AbstractContextManager[Any]] = nullcontext,
        wakeups: WakeupListener | None = None,
    ) -> None:
        self.runtime = runtime
        self.context = context  # e.g. app.app_context: the paper's wording needs the message catalogues
        self.send = send
        self.read_status = read_status
        self.policy = policy or RetryPolicy()
        self.status_interval = status_interval
        self.status_timeout = status_timeout
        self.scan_interval = scan_interval
        self.wakeups = wakeups  # in its own process: other processes say which printers have new jobs
        self._lanes: dict[int, PrinterLane] = {}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._scanner: threading.Thread | None = None

    def start(self) -> PrintWorker:
        """Requeue jobs a previous run left half-done, listen for new jobs and start scanning."""
        released = print_jobs.release_interrupted_jobs(self.runtime.uow())
        if released:
            log.warning("requeued %d print job(s) interrupted by a restart", released)
        self.runtime.bus.subscribe(PrintJobQueued, self._on_queued)
        self.runtime.bus.subscribe(PrinterDeliveryChanged, self._on_delivery_changed)
        self._scanner = threading.Thread(target=self._scan_forever, name="print-worker-scan", daemon=True)
        self._scanner.start()
        return self

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        self.runtime.bus.unsubscribe(self._on_queued)
        self.runtime.bus.unsubscribe(self._on_delivery_changed)
        with self._lock:
            lanes = list(self._lanes.values())
        for lane in lanes:
            lane.stop()
        deadline = time.monotonic() + timeout  # for all lanes together: a stop must not take lanes x timeout
        for lane in lanes:
            lane.join(max(0.0, deadline - time.monotonic()))
        if self._scanner is not None:
            self._scanner.join(max(0.0, deadline - time.monotonic()))
        if self.wakeups is not None:
            self.wakeups.close()

    def lane(self, printer_id: int) -> PrinterLane:
        with self._lock:
            lane = self._lanes.get(printer_id)
            if lane is None:
                lane = self._lanes[printer_id] = PrinterLane(self, printer_id)
                lane.start()
            return lane

    def forget_lane(self, lane: PrinterLane) -> None:
        """Drop a lane that ended itself, so the printer gets a fresh lane if it becomes the server's again."""
        with self._lock:
            if self._lanes.get(lane.printer_id) is lane:
                del self._lanes[lane.printer_id]

    def _on_queued(self, event: PrintJobQueued) -> None:
        if event.delivery == PrintDelivery.SERVER and not self._stop.is_set():
            self.lane(event.printer_id).wake()

    def _on_delivery_changed(self, event: PrinterDeliveryChanged) -> None:
        """A printer handed back to the server prints its pending jobs now, not at the next scan."""
        if event.delivery == PrintDelivery.SERVER and not self._stop.is_set():
            self.lane(event.printer_id).wake()

    def _scan_forever(self) -> None:
        """Wake lanes with pending jobs (queued by another process, or before a restart); keep every lane alive."""
        next_printer_scan = next_key_purge = 0.0
        while not self._stop.is_set():
            scanned = time.monotonic()
            try:
                uow = self.runtime.uow
                if time.monotonic() >= next_printer_scan:
                    for printer in printers.printers_of(uow(read_only=True), delivery=PrintDelivery.SERVER):
                        self.lane(printer.id)
                    next_printer_scan = time.monotonic() + self.status_interval
                if time.monotonic() >= next_key_purge:
                    kiosk_taps.forget_old_tap_keys(uow())
                    next_key_purge = time.monotonic() + KEY_PURGE_SECONDS
                for printer_id in print_jobs.printers_with_pending_jobs(uow(read_only=True),
                                                                        delivery=PrintDelivery.SERVER):
                    self.lane(printer_id).wake()
            except Exception:
                log.exception("print worker could not scan for jobs")
            self._wait_until(scanned + self.scan_interval)

    def _wait_until(self, next_scan: float) -> None:
        """Sleep until the next scan, waking at once the lanes of printers another process queued jobs for;
        a printer without a lane yet (new, or not ours) brings the scan forward, which starts lanes only
        for printers the database says the server prints to."""
        while not self._stop.is_set() and (left := next_scan - time.monotonic()) > 0:
            if self.wakeups is None:
                self._stop.wait(left)
                return
            for printer_id in self.wakeups.wait(left):
                with self._lock:
                    lane = self._lanes.get(printer_id)
                if lane is None:
                    return
                lane.wake()


class PrinterLane(threading.Thread):
    """One printer's queue: jobs in order, each retried with backoff, status polled between jobs."""

    def __init__(self, worker: PrintWorker, printer_id: int) -> None:
        super().__init__(name=f"print-lane-{printer_id}", daemon=True)
        self.worker = worker
        self.printer_id = printer_id
        self._wake = threading.Event()
        self._stopped = threading.Event()
        self._retry_at: dict[int, float] = {}  # job id -> monotonic time of its next attempt
        self._next_status_poll = 0.0
        self._warned_of_blocking = False

    def wake(self) -> None:
        self._wake.set()

    def stop(self) -> None:
        self._stopped.set()
        self._wake.set()

    def run(self) -> None:
        while not self._stopped.is_set():
            try:
                with self.worker.context():
                    pause = self._work_once()
            except Exception:
                log.exception("print lane %d failed; it goes on after a pause", self.printer_id)
                pause = 1.0
            self._wake.wait(pause)
            self._wake.clear()

    def _work_once(self) -> float:
        """Print the jobs that are due or poll the status; return how long to sleep unless woken."""
        uow = self.worker.runtime.uow
        work = print_jobs.next_jobs(uow(read_only=True), self.printer_id, limit=LANE_BATCH)
        if work.printer is not None and not self._still_the_servers(work.printer):
            return 0.0
        now = time.monotonic()
        due = list(itertools.takewhile(lambda job_id: self._retry_at.get(job_id, 0.0) <= now, work.job_ids))  # in order
        if work.printer is not None:
            self._warn_if_blocking(work.printer)
        if due and work.printer is not None:
            self._attempt(work.printer, due)
            if 1 < len(due) < LANE_BATCH:
                self._stopped.wait(max(0.0, LANE_PACE_SECONDS - (time.monotonic() - now)))
            return 0.0
        if now >= self._next_status_poll:
            self._poll_status()
        until_poll = self._next_status_poll - time.monotonic()
        return max(0.05, min([until_poll, *(self._retry_at.get(job_id, 0.0) - now for job_id in work.job_ids[:1])]))

    def _still_the_servers(self, printer: PrinterView) -> bool:
        """A printer has one owner at a time: once a print agent delivers to it, this lane sends nothing and asks
        its status no more (the agent reports it), and ends; its queued jobs are the agent's now."""
        if printer.delivery == PrintDelivery.SERVER:
            return True
        log.info("printer %s is printed by a print agent now: the server no longer prints to it", printer.name)
        self._stopped.set()
        self.worker.forget_lane(self)
        return False

    def _warn_if_blocking(self, printer: PrinterView) -> None:
        """Once per lane: a printer whose connection blocks, printed to from a gevent web process, stops its
        requests while it is stuck (`waitwell serve --gevent` prints from a process of its own when it starts
        with such a printer; this one was added since)."""
        if self._warned_of_blocking or printer.connection not in BLOCKING_CONNECTIONS or not under_gevent():
            return
        self._warned_of_blocking = True
        log.warning("printer %s prints over %s, which blocks this gevent process while it waits: restart "
                    "`waitwell serve --gevent` (it then prints from a process of its own) or run it with "
                    "--separate-print-worker", printer.name, printer.connection)

    def _attempt(self, printer: PrinterView, job_ids: list[int]) -> None:
        """Print the jobs in order, in one go, recording each as printed the moment the printer confirms it (so a
        crash right after cannot send it again); the first failure stops the run, and the jobs after it go back
        to the queue untried (they print after the failed one, in order)."""
        uow = self.worker.runtime.uow
        jobs = print_jobs.claim_jobs(uow(), job_ids)
        if not jobs:
            return
        recorded = 0

        def confirmed(index: int) -> None:
            nonlocal recorded
            print_jobs.record_all_printed(uow(), [jobs[index].id])
            recorded = index + 1

        failure: PrintFailed | None = None
        answer: tuple[PrinterStatus, str] | None = None
        try:
            answer = self.worker.send(printer, [job.content for job in jobs], confirmed)
        except PrintFailed as failed:
            failure = failed
        except Exception as error:  # a bug or a driver crash must not leave the jobs "printing" forever
            log.exception("print jobs %d-%d crashed the printer driver", jobs[0].id, jobs[-1].id)
            failure = PrintFailed(f"the printer driver failed: {error}", printed=recorded, uncertain=True)
        printed = jobs if failure is None else jobs[:failure.printed]
        if len(printed) > recorded:  # confirmed, but recording it failed then (or a sender that does not report)
            print_jobs.record_all_printed(uow(), [job.id for job in printed[recorded:]])
        for job in printed:
            self._retry_at.pop(job.id, None)
        if failure is not None and len(printed) < len(jobs):
            untried = [job.id for job in jobs[len(printed) + 1:]]
            self._record_failure(jobs[len(printed)], failure, untried=untried)
        elif answer is not None:
            status, detail = answer
            if (status, detail) != (printer.status, printer.status_detail):
                printers.record_printer_status(uow(), printer_id=printer.id, status=status, detail=detail)
        elif printer.status != PrinterStatus.ONLINE:
            printers.record_printer_status(uow(), printer_id=printer.id, status=PrinterStatus.ONLINE,
                                           detail="took a ticket (it does not report its status)")

    def _record_failure(self, job: print_jobs.PrintJobView, failure: PrintFailed, untried: list[int]) -> None:
        age = self.worker.runtime.clock.now() - job.created_at
        delay = self.worker.policy.next_attempt_in(job.attempts, age)
        give_up = delay is None
        log.warning("print job %d (ticket %s) failed on attempt %d: %s%s", job.id, job.number, job.attempts,
                    failure.reason, " - given up" if give_up else f" - retrying in {delay:g} s")
        print_jobs.record_print_failure(self.worker.runtime.uow(), job.id, reason=failure.reason, give_up=give_up,
                                        untried=untried, maybe_printed=failure.uncertain)
        if delay is None:
            self._retry_at.pop(job.id, None)
        else:
            self._retry_at[job.id] = time.monotonic() + delay
        self._next_status_poll = 0.0  # learn now whether it is paper, power or the network

    def _poll_status(self) -> None:
        uow = self.worker.runtime.uow
        printer = printers.get_printer(uow(read_only=True), self.printer_id)
        if not self._still_the_servers(printer):
            return
        self._warn_if_blocking(printer)
        try:
            status, detail = self.worker.read_status(printer, self.worker.status_timeout)
        except Exception as error:  # noqa: BLE001 - whatever went wrong, we do not know how the printer is
            status, detail = PrinterStatus.UNKNOWN, f"status check failed: {error}"
        printers.record_printer_status(uow(), printer_id=printer.id, status=status, detail=detail)
        fine = status in (PrinterStatus.ONLINE, PrinterStatus.PAPER_NEAR_END)
        interval = self.worker.status_interval if fine else min(self.worker.status_interval, PROBLEM_POLL_SECONDS)
        self._next_status_poll = time.monotonic() + interval

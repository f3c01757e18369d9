"""The background scheduler: end of day at each office's closing time, and the automatic no-show sweep.

Every process serving the app runs this loop, but only the holder of the database lease does the
work, so end of day runs once however many processes there are (jobs.leases). Set
WAITWELL_SCHEDULER=off (or app.config["WAITWELL_SCHEDULER"] = False) to keep a process out of it.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from collections.abc import Callable
from datetime import timedelta

from flask import Flask

from waitwell.config import switch
from waitwell.runtime import Runtime
from waitwell.services import audit, end_of_day, leases, recall_rules
from waitwell.services.end_of_day import EndOfDayReport
from waitwell.web import RUNTIME_KEY

log = logging.getLogger(__name__)
LEASE = "scheduler"
INTERVAL_SECONDS = 15.0
SCHEDULER_KEY = "waitwell.scheduler"


class Scheduler:
    """Runs `tick()` every few seconds in a daemon thread; `tick()` alone is what tests call."""

    def __init__(self, runtime: Runtime, *, interval: float = INTERVAL_SECONDS, holder: str | None = None) -> None:
        self.runtime = runtime
        self.interval = interval
        self.holder = holder or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        # More rounds other features run under the same lease (appointments: reminders, no-shows, purge, emails).
        self.jobs: list[Callable[[], object]] = []

    def tick(self) -> list[EndOfDayReport]:
        """One round: take or renew the lease; if ours, close due days and sweep unanswered calls."""
        ttl = timedelta(seconds=max(self.interval * 4, 30))
        if not leases.acquire(self.runtime.uow(), name=LEASE, holder=self.holder, ttl=ttl):
            return []
        reports = end_of_day.run_due(self.runtime.uow(), trigger="scheduler")
        for report in reports:
            log.info("end of day: %s", report.describe())
            audit.record(self.runtime.uow(), action="end_of_day", username="system", office_id=report.office_id,
                         target=f"office {report.office_name}", detail={"day": report.service_day.isoformat(),
                                                                         "summary": report.describe()})
        expired = recall_rules.expire_unanswered_calls(self.runtime.uow())
        for ticket in expired:
            log.info("automatic no-show: %s at counter %s", ticket.number, ticket.counter_name)
        for job in self.jobs:
            job()
        return reports

    def start(self) -> None:
        with self._lock:
            if self._thread is not None:
                return
            self._thread = threading.Thread(target=self._run, name="waitwell-scheduler", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=self.interval + 5)
        leases.release(self.runtime.uow(), name=LEASE, holder=self.holder)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.tick()
            except Exception:  # a failed round is logged; the next one tries again
                log.exception("scheduler round failed")
            self._stop.wait(self.interval)


def init_app(app: Flask) -> None:
    """Start the scheduler with the first request (after any fork of a pre-loading server)."""
    setting = app.config.get("WAITWELL_SCHEDULER")
    if setting is None and not app.testing:  # a test app runs it only when its config says so
        setting = os.environ.get("WAITWELL_SCHEDULER")
    if not switch("WAITWELL_SCHEDULER", setting, not app.testing):
        return
    scheduler = Scheduler(app.extensions[RUNTIME_KEY])
    app.extensions[SCHEDULER_KEY] = scheduler
    app.before_request(scheduler.start)

"""The print agent: runs on a kiosk PC whose USB printer the server cannot reach.

It connects to the server's "/print-agent" Socket.IO namespace with an API token, receives its kiosk's
jobs (rendered ESC/POS bytes), prints each on the local printer and acknowledges it. The ids of printed
jobs are kept in a small state file, so a job whose acknowledgement was lost is acknowledged again on
reconnect but never printed twice.
"""

from __future__ import annotations

import base64
import json
import logging
import os
import queue
import threading
import time
from pathlib import Path
from typing import Any

import socketio

from waitwell.printers.connections import PrinterSettings
from waitwell.printers.errors import PrintFailed
from waitwell.printers.status import poll_status
from waitwell.printing import device
from waitwell.printing.agent_namespace import NAMESPACE
from waitwell.printing.retry import RetryPolicy

log = logging.getLogger(__name__)
REMEMBERED_JOBS = 1000
STATUS_EVERY_SECONDS = 30.0


class PrintedJobs:
    """Ids of the jobs this agent has printed, kept on disk (written atomically) across restarts."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._ids: list[int] = []
        if path.exists():
            self._ids = [int(i) for i in json.loads(path.read_text() or "[]")]
        self._lock = threading.Lock()

    def __contains__(self, job_id: object) -> bool:
        with self._lock:
            return job_id in self._ids

    def add(self, job_id: int) -> None:
        with self._lock:
            self._ids = [*self._ids, job_id][-REMEMBERED_JOBS:]
            self.path.parent.mkdir(parents=True, exist_ok=True)
            temporary = self.path.with_suffix(".tmp")
            temporary.write_text(json.dumps(self._ids))
            os.replace(temporary, self.path)


class PrintAgent:
    """Receive, print, acknowledge; print in a thread of its own so the connection never waits on paper."""

    def __init__(self, server_url: str, kiosk_id: int, token: str, printer: PrinterSettings, *, state_file: Path,
                 policy: RetryPolicy | None = None) -> None:
        self.server_url = server_url.rstrip("/")
        self.kiosk_id = kiosk_id
        self.token = token
        self.printer = printer
        self.printed = PrintedJobs(state_file)
        self.policy = policy or RetryPolicy()
        self.client = socketio.Client(reconnection=True, reconnection_delay=1, reconnection_delay_max=10,
                                      handle_sigint=False)
        self.client.on("print", self._on_print, namespace=NAMESPACE)
        self.client.on("connect", self._on_connect, namespace=NAMESPACE)
        self._jobs: queue.Queue[dict[str, Any] | None] = queue.Queue()
        self._queued: set[int] = set()
        self._stop = threading.Event()
        self._printer_thread = threading.Thread(target=self._print_forever, name="print-agent", daemon=True)

    def start(self) -> PrintAgent:
        """Connect (retrying until the server answers) and start printing."""
        self._printer_thread.start()
        self.client.connect(self.server_url, auth={"token": self.token, "kiosk_id": self.kiosk_id},
                            namespaces=[NAMESPACE], retry=True, wait_timeout=10)
        return self

    def run_forever(self) -> None:
        self.start()
        while not self._stop.wait(STATUS_EVERY_SECONDS):
            self._report_status()

    def stop(self) -> None:
        self._stop.set()
        self._jobs.put(None)
        self.client.disconnect()
        self._printer_thread.join(5)

    def _on_connect(self) -> None:
        log.info("connected to %s as the print agent of kiosk %d", self.server_url, self.kiosk_id)
        threading.Thread(target=self._announce, daemon=True).start()

    def _announce(self) -> None:
        """Ask for the jobs queued while we were away (only once connected: handlers may not block)."""
        self.client.emit("ready", {}, namespace=NAMESPACE)
        self._report_status()

    def _on_print(self, message: dict[str, Any]) -> None:
        job_id = int(message["job_id"])
        if job_id in self.printed:  # printed before, the acknowledgement was lost: say so again
            self._acknowledge("printed", {"job_id": job_id})
            return
        if job_id in self._queued:
            return
        self._queued.add(job_id)
        self._jobs.put(message)

    def _print_forever(self) -> None:
        while not self._stop.is_set():
            message = self._jobs.get()
            if message is None:
                return
            self._print_with_retries(message)

    def _print_with_retries(self, message: dict[str, Any]) -> None:
        job_id, data = int(message["job_id"]), base64.b64decode(message["data"])
        started, attempts = time.monotonic(), 0
        while not self._stop.is_set():
            attempts += 1
            try:
                device.write_bytes(self.printer, data)
            except PrintFailed as failure:
                delay = self.policy.delay(attempts)
                final = time.monotonic() - started + delay > self.policy.give_up_after.total_seconds()
                log.warning("job %d (ticket %s) failed on attempt %d: %s", job_id, message.get("number"), attempts,
                            failure.reason)
                if attempts == 1 or final:
                    self._acknowledge("failed", {"job_id": job_id, "reason": failure.reason, "final": final,
                                                 "attempts": attempts})
                if final:
                    break
                self._stop.wait(delay)
                continue
            self.printed.add(job_id)
            log.info("printed job %d (ticket %s)", job_id, message.get("number"))
            self._acknowledge("printed", {"job_id": job_id, "attempts": attempts})
            break
        self._queued.discard(job_id)

    def _acknowledge(self, event: str, data: dict[str, Any]) -> None:
        """Tell the server; if the line is down, the server sends the job again on reconnect and we answer then."""
        try:
            self.client.call(event, data, namespace=NAMESPACE, timeout=10)
        except Exception as error:  # noqa: BLE001 - disconnected or timed out: resolved on reconnect
            log.warning("could not acknowledge job %s (%s); will on reconnect", data.get("job_id"), error)

    def _report_status(self) -> None:
        status = poll_status(self.printer)
        try:
            self.client.emit("status", {"status": status.state, "detail": status.detail}, namespace=NAMESPACE)
        except Exception:  # noqa: BLE001 - not connected right now; the next report will do
            log.debug("printer status not sent: not connected")

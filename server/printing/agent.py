"""The print agent: runs on a kiosk PC whose USB printer the server cannot reach.

It connects to the server's "/print-agent" Socket.IO namespace with an API token, receives its kiosk's
jobs (rendered ESC/POS bytes), prints each on the local printer and acknowledges it. The ids of printed
jobs are kept in a small state file, so a job whose acknowledgement was lost is acknowledged again on
reconnect but never printed twice.

The agent exits with an error (AgentGaveUp) when it cannot do its job from where it is: python-socketio's
client packages are missing, the server did not answer at start, or the connection has been lost for
longer than `give_up_after`. Its service manager (systemd's Restart=always) then starts it again.

Only the printer library and the Socket.IO client are imported here, not the server's stack (Flask,
SQLAlchemy): a kiosk PC needs nothing of it to print.
"""

from __future__ import annotations

import base64
import importlib.util
import json
import logging
import os
import queue
import threading
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import socketio

from waitwell.printers.connections import PrinterSettings
from waitwell.printers.errors import PrintFailed
from waitwell.printers.send import send_bytes
from waitwell.printers.status import poll_status
from waitwell.printing.agent_protocol import NAMESPACE
from waitwell.printing.retry import RetryPolicy

log = logging.getLogger(__name__)
REMEMBERED_JOBS = 1000
STATUS_EVERY_SECONDS = 30.0
CONNECT_TRIES = 6  # at start, waiting 1, 2, 4, 8 and 10 s in between: about half a minute with the tries
CONNECT_WAIT_MAX_SECONDS = 10.0
GIVE_UP_AFTER_SECONDS = 120.0  # without a connection: as long as a queued job stays worth printing
WATCH_EVERY_SECONDS = 0.5
# What python-socketio's client connects with (module: package), which `waitwell[agent]` installs.
CLIENT_PACKAGES = {"requests": "requests", "websocket": "websocket-client"}


class AgentGaveUp(Exception):
    """The agent cannot print from here on; it exits non-zero so that its service manager starts it again."""


def check_client_packages() -> None:
    """Without these python-socketio's client only logs an error and never connects: say so and stop at once."""
    missing = [package for module, package in CLIENT_PACKAGES.items() if importlib.util.find_spec(module) is None]
    if missing:
        raise AgentGaveUp(f"the print agent needs {' and '.join(missing)} to connect: pip install 'waitwell[agent]'")


class PrintedJobs:
    """What this agent knows of its jobs, kept on disk (written atomically) across restarts: the ids it printed,
    and the ones whose bytes were on their way when it last stopped or failed uncertainly (their paper may be
    out: any later copy says REPRINT)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._ids: list[int] = []
        self._sending: set[int] = set()
        if path.exists():
            saved = json.loads(path.read_text() or "[]")
            if isinstance(saved, list):  # written by an agent before the sending ids were kept
                saved = {"printed": saved}
            self._ids = [int(i) for i in saved.get("printed", [])]
            self._sending = {int(i) for i in saved.get("sending", [])}
        self._lock = threading.Lock()

    def __contains__(self, job_id: object) -> bool:
        with self._lock:
            return job_id in self._ids

    def may_be_out(self, job_id: int) -> bool:
        """Whether an earlier attempt may have put this job's paper out already."""
        with self._lock:
            return job_id in self._sending

    def begin(self, job_id: int) -> None:
        """Before the job's bytes go out: should the agent die now, its next copy says REPRINT."""
        with self._lock:
            self._sending.add(job_id)
            self._save()

    def settle(self, job_id: int) -> None:
        """The job is done with (given up), or nothing of it reached the printer."""
        with self._lock:
            if job_id in self._sending:
                self._sending.discard(job_id)
                self._save()

    def add(self, job_id: int) -> None:
        """The printer confirmed the job."""
        with self._lock:
            self._ids = [*self._ids, job_id][-REMEMBERED_JOBS:]
            self._sending.discard(job_id)
            self._save()

    def _save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_suffix(".tmp")
        temporary.write_text(json.dumps({"printed": self._ids, "sending": sorted(self._sending)}))
        os.replace(temporary, self.path)


class PrintAgent:
    """Receive, print, acknowledge; print in a thread of its own so the connection never waits on paper."""

    def __init__(self, server_url: str, kiosk_id: int, token: str, printer: PrinterSettings, *, state_file: Path,
                 policy: RetryPolicy | None = None, connect_tries: int = CONNECT_TRIES,
                 give_up_after: float = GIVE_UP_AFTER_SECONDS) -> None:
        self.server_url = server_url.rstrip("/")
        self.kiosk_id = kiosk_id
        self.token = token
        self.printer = printer
        self.printed = PrintedJobs(state_file)
        self.policy = policy or RetryPolicy()
        self.connect_tries = connect_tries
        self.give_up_after = give_up_after
        self.client = socketio.Client(reconnection=True, reconnection_delay=1, reconnection_delay_max=10,
                                      handle_sigint=False)
        self.client.on("print", self._on_print, namespace=NAMESPACE)
        self.client.on("connect", self._on_connect, namespace=NAMESPACE)
        self.client.on("disconnect", self._on_disconnect, namespace=NAMESPACE)
        self.client.on("connect_error", self._on_refused, namespace=NAMESPACE)
        self.client.on("report_status", self._on_report_status, namespace=NAMESPACE)
        self._refusal = ""
        self._jobs: queue.Queue[dict[str, Any] | None] = queue.Queue()
        self._queued: set[int] = set()
        self._stop = threading.Event()
        self._printer_thread = threading.Thread(target=self._print_forever, name="print-agent", daemon=True)

    def start(self) -> PrintAgent:
        """Start printing and connect, trying `connect_tries` times with a growing wait in between; AgentGaveUp
        when the server never let us in."""
        check_client_packages()
        self._printer_thread.start()
        for attempt in range(1, self.connect_tries + 1):
            try:
                self.client.connect(self.server_url, auth={"token": self.token, "kiosk_id": self.kiosk_id},
                                    namespaces=[NAMESPACE], wait_timeout=10)
                return self
            except socketio.exceptions.ConnectionError as error:
                reason = f"{error}{f' ({self._refusal})' if self._refusal else ''}"
                if attempt == self.connect_tries:
                    tries = "1 try" if attempt == 1 else f"{attempt} tries"
                    raise AgentGaveUp(f"could not connect to {self.server_url} in {tries}: {reason}") from None
                wait = min(CONNECT_WAIT_MAX_SECONDS, 2.0 ** (attempt - 1))
                log.warning("could not connect to %s (try %d of %d): %s; trying again in %g s", self.server_url,
                            attempt, self.connect_tries, reason, wait)
                if self._stop.wait(wait):
                    break
        return self

    def run_forever(self) -> None:
        """Print until stopped; AgentGaveUp when the server could not be reached at start or has been out of
        reach for `give_up_after` seconds since (python-socketio's client reconnects meanwhile)."""
        self.start()
        last_connected = time.monotonic()
        next_report = last_connected + STATUS_EVERY_SECONDS
        while not self._stop.wait(WATCH_EVERY_SECONDS):
            now = time.monotonic()
            if self.client.connected:
                last_connected = now
            elif now - last_connected > self.give_up_after:
                raise AgentGaveUp(f"no connection to {self.server_url} for {self.give_up_after:g} s")
            if now >= next_report:
                self._report_status()
                next_report = now + STATUS_EVERY_SECONDS

    def stop(self) -> None:
        self._stop.set()
        self._jobs.put(None)
        self.client.disconnect()
        if self._printer_thread.is_alive():
            self._printer_thread.join(5)

    def _on_connect(self) -> None:
        self._refusal = ""
        log.info("connected to %s as the print agent of kiosk %d", self.server_url, self.kiosk_id)
        threading.Thread(target=self._announce, daemon=True).start()

    def _on_disconnect(self, *_: Any) -> None:
        if not self._stop.is_set():
            log.warning("lost the connection to %s; reconnecting (the agent exits after %g s without one)",
                        self.server_url, self.give_up_after)

    def _on_refused(self, reason: Any = None) -> None:
        """The server's reason for turning us away (a revoked token, an unknown kiosk), for the log; a transport's
        failure is the connection error itself."""
        if isinstance(reason, dict):
            self._refusal = str(reason.get("message", reason))

    def _announce(self) -> None:
        """Ask for the jobs queued while we were away (only once connected: handlers may not block)."""
        self.client.emit("ready", {}, namespace=NAMESPACE)
        self._report_status()

    def _on_report_status(self, *_: Any) -> None:
        """The printer was handed to us: say how it is now, not at the next half-minute report."""
        threading.Thread(target=self._report_status, daemon=True).start()

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
        """Print until the printer confirms, with backoff; a copy after an attempt that may have come out (or
        after this agent died while sending) is the server's REPRINT rendering of the job."""
        job_id, data = int(message["job_id"]), base64.b64decode(message["data"])
        reprint = base64.b64decode(message["reprint_data"]) if message.get("reprint_data") else data
        started, attempts = time.monotonic(), 0
        while not self._stop.is_set():
            attempts += 1
            may_be_out = self.printed.may_be_out(job_id)
            self.printed.begin(job_id)
            try:
                send_bytes(self.printer, reprint if may_be_out else data)
            except PrintFailed as failure:
                if not (failure.uncertain or may_be_out):
                    self.printed.settle(job_id)  # nothing of it reached the paper
                delay = self.policy.next_attempt_in(attempts, timedelta(seconds=time.monotonic() - started))
                final = delay is None
                log.warning("job %d (ticket %s) failed on attempt %d: %s", job_id, message.get("number"), attempts,
                            failure.reason)
                if attempts == 1 or final or failure.uncertain:
                    self._acknowledge("failed", {"job_id": job_id, "reason": failure.reason, "final": final,
                                                 "attempts": attempts, "uncertain": failure.uncertain})
                if delay is None:
                    self.printed.settle(job_id)
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

"""Real printers on loopback and a print worker with quick retries, shared by the printing and kiosk tests."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

from flask import Flask

from tests.factories import make_staff
from tests.kiosk.support import KioskSetup, make_kiosk
from tests.printers.fake_printer import FakeNetworkPrinter
from tests.support.processes import die_with_parent
from tests.support.waiting import wait_until
from waitwell import printing
from waitwell.printing.retry import RetryPolicy
from waitwell.printing.worker import PrintWorker
from waitwell.runtime import Runtime
from waitwell.services import accounts

PROFILE = "TM-T88V"


class FakePrinterOnPort(FakeNetworkPrinter):
    """The same fake printer, listening on a chosen port: a printer that comes back after refusing connections."""

    def __init__(self, port: int, **options: object) -> None:
        super().__init__(**options)  # type: ignore[arg-type]
        self._server.close()
        self._server = socket.create_server(("127.0.0.1", port))
        self._server.settimeout(0.1)
        self.port = port


def network_printer(port: int) -> dict[str, object]:
    """add_printer's arguments for a network printer on 127.0.0.1."""
    return {"connection": "network", "settings": {"host": "127.0.0.1", "port": port, "timeout": 1.0},
            "profile": PROFILE, "qr_mode": "native"}


def agent_kiosk(runtime: Runtime) -> tuple[KioskSetup, str]:
    """A kiosk whose network printer is the print agent's (on the kiosk's PC), and an API token of the office's
    staff for that agent to sign in with."""
    setup = make_kiosk(runtime, printer={"connection": "network", "settings": {"host": "127.0.0.1", "port": 9100},
                                         "profile": PROFILE, "qr_mode": "native", "delivery": "agent"})
    token = accounts.create_api_token(runtime.uow(), user_id=make_staff(runtime, [setup.office.office_id]).id,
                                      name="kiosk PC")
    return setup, token


def start_fast_worker(app: Flask) -> PrintWorker:
    """The app's print worker, started as `waitwell serve` would, retrying every fraction of a second."""
    app.config["PRINT_RETRY_POLICY"] = RetryPolicy(first_delay=0.2, max_delay=0.5)
    app.config["PRINTER_STATUS_SECONDS"] = 60
    worker = printing.start_worker(app)
    assert isinstance(worker, PrintWorker)
    return worker


def ticket_jobs(printer: FakeNetworkPrinter) -> list[bytes]:
    """Connections that carried a ticket (status polls carry only DLE EOT queries)."""
    return [job for job in printer.jobs if len(job) > 16]


def start_worker_process(database_url: str, tmp_path: Path, scan_seconds: float = 0.2) -> subprocess.Popen[bytes]:
    """`waitwell print-worker` in a process of its own, once it says it runs (its log, print-worker.log, is
    appended to: a restarted worker shares it)."""
    env = {**os.environ, "DATABASE_URL": database_url, "WAITWELL_INSTANCE": str(tmp_path / "instance"),
           "WAITWELL_PRINT_SCAN_SECONDS": str(scan_seconds)}
    log_path = tmp_path / "print-worker.log"
    runs_before = log_path.read_bytes().count(RUNNING) if log_path.exists() else 0
    with log_path.open("ab") as log:
        process = subprocess.Popen([sys.executable, "-m", "waitwell.cli", "print-worker"], env=env,
                                   stdout=log, stderr=subprocess.STDOUT, preexec_fn=die_with_parent)

    def running() -> bool:
        assert process.poll() is None, log_path.read_text()
        return log_path.read_bytes().count(RUNNING) > runs_before

    wait_until(running, message=f"the print worker to say it runs (log: {log_path})")
    return process


RUNNING = b"print worker running"

"""`waitwell print-worker` in a process of its own, as docs/kiosk.md says for several web processes:
it finds the jobs other processes stored and prints them promptly, and yields the CPU to them."""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.kiosk.support import make_kiosk
from tests.printers.fake_printer import FakeNetworkPrinter
from tests.printers.profiles import read_ticket
from tests.printing.support import PROFILE, network_printer, start_worker_process, ticket_jobs
from tests.support.waiting import wait_until
from waitwell.app import create_app
from waitwell.config import Config
from waitwell.runtime import Runtime
from waitwell.services import kiosk_taps


@pytest.fixture
def real_time_runtime(sqlite_url: str) -> Iterator[Runtime]:
    """The system clock: the worker process reads the same database with its own clock."""
    runtime = Runtime(sqlite_url)
    yield runtime
    runtime.dispose()


@pytest.fixture
def scan_seconds() -> float:
    """How often the worker process looks for jobs by itself (as `waitwell print-worker` does by default)."""
    return 0.2


@pytest.fixture
def worker_process(sqlite_url: str, tmp_path: Path, scan_seconds: float) -> Iterator[subprocess.Popen[bytes]]:
    process = start_worker_process(sqlite_url, tmp_path, scan_seconds)
    yield process
    process.terminate()
    assert process.wait(15) == 0, (tmp_path / "print-worker.log").read_text()


def test_a_ticket_issued_elsewhere_prints_within_a_second_or_so(real_time_runtime: Runtime, worker_process) -> None:
    """Timed on the second ticket: the first also pays for the process's first render and printer lane,
    which a busy machine can stretch well past a second."""
    with FakeNetworkPrinter() as printer:
        setup = make_kiosk(real_time_runtime, printer=network_printer(printer.port))

        def issue(key: str) -> kiosk_taps.KioskTicket:
            return kiosk_taps.issue_from_kiosk(real_time_runtime.uow(), kiosk_id=setup.kiosk.id,
                                               service_id=setup.office.services["A"], idempotency_key=key,
                                               public_base_url="https://queue.example.gov")

        issue("tap-process-0000")
        wait_until(lambda: len(ticket_jobs(printer)) == 1, 30, "the first ticket on paper")
        issued = issue("tap-process-0001")
        started = time.monotonic()
        deadline = started + 10
        while len(ticket_jobs(printer)) < 2 and time.monotonic() < deadline:
            time.sleep(0.02)
        took = time.monotonic() - started
        assert len(ticket_jobs(printer)) == 2, "the worker never printed the second ticket"
        assert took < 2.0, f"the ticket took {took:.2f} s to reach the printer"
        paper = read_ticket(ticket_jobs(printer)[1], PROFILE)
        assert paper.line_with(issued.ticket.number) is not None
        assert [code.payload for code in paper.qr_codes] == [f"https://queue.example.gov/t/{issued.ticket.token}"]


def test_the_worker_gives_way_to_the_web_processes(worker_process) -> None:
    assert os.getpriority(os.PRIO_PROCESS, worker_process.pid) > os.getpriority(os.PRIO_PROCESS, 0)


@pytest.mark.parametrize("scan_seconds", [600.0])
def test_a_web_process_on_the_same_machine_wakes_the_worker_for_each_new_job(
    real_time_runtime: Runtime, worker_process, tmp_path: Path
) -> None:
    """The worker would look by itself only every 10 minutes here: the ticket prints because the tap said so."""
    app = create_app(Config(instance_path=tmp_path / "web", database_url=real_time_runtime.database_url,
                            testing=True, secret_key="test-secret"), runtime=real_time_runtime)
    with FakeNetworkPrinter() as printer:
        setup = make_kiosk(real_time_runtime, printer=network_printer(printer.port))
        for index in range(2):  # the second one to a worker that has been idle since the first
            response = app.test_client().post(f"/api/v1/kiosks/{setup.kiosk.id}/tickets", json={
                "service_id": setup.office.services["A"], "idempotency_key": f"tap-wakeup-{index:04d}"})
            assert response.status_code == 201, response.get_json()
            wait_until(lambda printed=index: len(ticket_jobs(printer)) > printed, 10, f"ticket {index + 1} on paper")
            assert len(ticket_jobs(printer)) == index + 1

"""A print worker killed while a ticket is on its way: that ticket prints again marked REPRINT (its paper may
be out already, with the ticket's secret link on it), and a ticket the printer confirmed never prints again."""

from __future__ import annotations

import signal
from pathlib import Path

from tests.kiosk.support import make_kiosk
from tests.printers.fake_printer import FakeNetworkPrinter
from tests.printers.profiles import numbers_read, read_ticket
from tests.printing.support import PROFILE, start_worker_process, ticket_jobs
from tests.support.waiting import wait_until
from waitwell.runtime import Runtime
from waitwell.services import kiosk_taps, print_jobs

THREE = ("A001", "A002", "A003")


def test_a_crash_before_the_printer_confirmed_prints_that_ticket_again_as_a_reprint_and_no_other(
    sqlite_url: str, tmp_path: Path
) -> None:
    runtime = Runtime(sqlite_url)
    # Confirms the first ticket, then stays silent after the second: the worker waits for its answer.
    with FakeNetworkPrinter(answers_for=1) as printer:
        setup = make_kiosk(runtime, printer={
            "connection": "network", "settings": {"host": "127.0.0.1", "port": printer.port, "timeout": 30.0},
            "profile": PROFILE, "qr_mode": "native"})
        for index in range(3):
            kiosk_taps.issue_from_kiosk(runtime.uow(), kiosk_id=setup.kiosk.id, service_id=setup.office.services["A"],
                                        idempotency_key=f"crash-{index:04d}", public_base_url="https://q.example.org")
        worker = start_worker_process(sqlite_url, tmp_path)
        wait_until(lambda: printer.tickets >= 2, 30, "the second ticket to reach the printer")
        wait_until(lambda: states(runtime).get("A001") == "printed", message="the first ticket recorded printed")
        worker.send_signal(signal.SIGKILL)
        worker.wait(10)
        assert states(runtime) == {"A001": "printed", "A002": "printing", "A003": "printing"}

        printer.answers_for = None  # back to normal
        worker = start_worker_process(sqlite_url, tmp_path)
        try:
            wait_until(lambda: set(states(runtime).values()) == {"printed"}, 30, "every job printed")
            wait_until(lambda: len(ticket_jobs(printer)) >= 4, message="the printer to have read four tickets")
        finally:
            worker.terminate()
            worker.wait(15)
        papers = ticket_jobs(printer)
    runtime.dispose()
    assert numbers_read(papers, THREE, PROFILE) == ["A001", "A002", "A002", "A003"]
    assert [read_ticket(paper, PROFILE).reads("REPRINT") for paper in papers] == [False, False, True, False]


def states(runtime: Runtime) -> dict[str, str]:
    return {job.number: job.state.value for job in print_jobs.recent_jobs(runtime.uow(read_only=True))}

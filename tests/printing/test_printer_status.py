"""What staff see of a printer is what it last said: a cleared fault shows within seconds, "paper near end"
survives the next ticket, and a job is given up when the docs say (2 minutes), not before."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient

from tests.kiosk.support import make_kiosk
from tests.printers.fake_printer import FakeNetworkPrinter
from tests.printing.support import FakePrinterOnPort, network_printer, ticket_jobs
from tests.support.ports import free_port
from tests.support.waiting import wait_until
from waitwell.printing.retry import RetryPolicy
from waitwell.printing.worker import PrintWorker
from waitwell.runtime import Runtime
from waitwell.services import kiosk_taps, printers


def status_of(runtime: Runtime, printer_id: int) -> tuple[str, str]:
    printer = printers.get_printer(runtime.uow(read_only=True), printer_id)
    return printer.status.value, printer.status_detail


def test_paper_near_end_stays_shown_after_the_next_ticket(runtime: Runtime, app: Flask, worker: PrintWorker) -> None:
    with FakeNetworkPrinter(paper="near_end") as printer:
        setup = make_kiosk(runtime, printer=network_printer(printer.port))
        kiosk_taps.issue_from_kiosk(runtime.uow(), kiosk_id=setup.kiosk.id, service_id=setup.office.services["A"],
                                    idempotency_key="near-end-0001", public_base_url="https://q.example.org")
        wait_until(lambda: ticket_jobs(printer), message="the ticket on paper")
        # Status and words read together: on a loaded machine a later poll may find the printer slow to answer.
        kept = wait_until(lambda: (lambda now: now if now[0] == "paper_near_end" else None)(
            status_of(runtime, setup.printer_id)), message="the printer's answer kept")
    assert "running out of paper" in kept[1]


def test_a_cleared_fault_shows_within_seconds_although_status_checks_are_30_s_apart(
    runtime: Runtime, app: Flask, client: FlaskClient
) -> None:
    port = free_port()
    setup = make_kiosk(runtime, printer=network_printer(port))
    worker = PrintWorker(runtime, status_interval=30, context=app.app_context).start()
    try:
        worker.lane(setup.printer_id)
        wait_until(lambda: status_of(runtime, setup.printer_id)[0] == "offline", message="the printer seen offline")
        with FakePrinterOnPort(port):
            wait_until(lambda: status_of(runtime, setup.printer_id)[0] == "online", 20,  # checked every 3 s now, not 30
                       "the printer back online")
    finally:
        worker.stop()


def test_the_last_attempt_comes_when_the_job_is_two_minutes_old_and_not_before() -> None:
    policy = RetryPolicy()
    assert policy.next_attempt_in(7, timedelta(seconds=111)) == 9.0  # cut short to land on 2 minutes
    assert policy.next_attempt_in(3, timedelta(seconds=10)) == 4.0
    assert policy.next_attempt_in(8, timedelta(seconds=120)) is None

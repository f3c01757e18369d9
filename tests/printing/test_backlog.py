"""A printer's backlog (a burst of taps, a printer back after an outage) prints in order, in batches."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from flask import Flask

from tests.kiosk.support import make_kiosk
from tests.printers.fake_printer import FakeNetworkPrinter
from tests.printers.profiles import numbers_read, read_ticket
from tests.printing.support import PROFILE, network_printer, ticket_jobs
from tests.support.waiting import wait_until
from waitwell.printers.errors import PrintFailed
from waitwell.printing import device
from waitwell.printing.retry import RetryPolicy
from waitwell.printing.worker import PrintWorker
from waitwell.runtime import Runtime
from waitwell.services import kiosk_taps, print_jobs
from waitwell.services.printers import PrinterView

FIVE = ("A001", "A002", "A003", "A004", "A005")


def test_a_failure_in_a_backlog_stops_the_run_and_the_rest_prints_after_it_in_order(
    runtime: Runtime, app: Flask
) -> None:
    with FakeNetworkPrinter() as printer:
        setup = make_kiosk(runtime, printer=network_printer(printer.port))
        jobs = [kiosk_taps.issue_from_kiosk(runtime.uow(), kiosk_id=setup.kiosk.id,
                                            service_id=setup.office.services["A"], idempotency_key=f"backlog-{i:04d}",
                                            public_base_url="https://q.example.org").print_job
                for i in range(5)]
        tried: list[str] = []

        def send_failing_on_the_third_once(printer_view: PrinterView, contents: Sequence[Mapping[str, Any]],
                                           on_printed: Callable[[int], None]) -> None:
            for printed, content in enumerate(contents):
                tried.append(str(content["number"]))
                if tried == ["A001", "A002", "A003"]:
                    raise PrintFailed("paper jam", printed=printed)
                device.send_job(printer_view, content)
                on_printed(printed)

        worker = PrintWorker(runtime, send=send_failing_on_the_third_once, status_interval=60,
                             policy=RetryPolicy(first_delay=0.2, max_delay=0.5), context=app.app_context).start()
        try:
            wait_until(lambda: len(ticket_jobs(printer)) >= 5, message="five tickets on paper")
        finally:
            worker.stop()
        assert numbers_read(ticket_jobs(printer), FIVE, PROFILE) == ["A001", "A002", "A003", "A004", "A005"]
        assert tried == ["A001", "A002", "A003", "A003", "A004", "A005"]  # A004 never went before A003
        outcomes = {job.number: job for job in print_jobs.recent_jobs(runtime.uow(read_only=True))}
        assert {number: (job.state.value, job.attempts) for number, job in outcomes.items()} == {
            "A001": ("printed", 1), "A002": ("printed", 1), "A003": ("printed", 2),
            "A004": ("printed", 1), "A005": ("printed", 1)}  # given back untried, they count no attempt
        assert outcomes["A003"].last_error == ""  # printed in the end: the jam is history, not its state
        assert all(job is not None for job in jobs)


def test_paper_running_out_in_a_backlog_keeps_what_came_out_and_prints_the_rest_once_refilled(
    runtime: Runtime, app: Flask
) -> None:
    with FakeNetworkPrinter(paper_for=2) as printer:
        setup = make_kiosk(runtime, printer=network_printer(printer.port))
        for i in range(5):
            kiosk_taps.issue_from_kiosk(runtime.uow(), kiosk_id=setup.kiosk.id, service_id=setup.office.services["A"],
                                        idempotency_key=f"paper-out-{i:04d}", public_base_url="https://q.example.org")
        # Retries 2 s apart: the snapshots below are taken before the retry, however busy the machine.
        worker = PrintWorker(runtime, status_interval=60, policy=RetryPolicy(first_delay=2.0, max_delay=2.0),
                             context=app.app_context).start()
        try:
            wait_until(lambda: states(runtime).get("A003", ("",))[0] == "retrying", message="A003 to fail once")
            assert states(runtime) == {"A001": ("printed", 1), "A002": ("printed", 1), "A003": ("retrying", 1),
                                       "A004": ("queued", 0), "A005": ("queued", 0)}
            jobs = {job.number: job for job in print_jobs.recent_jobs(runtime.uow(read_only=True))}
            assert "is out of paper" in jobs["A003"].last_error and jobs["A004"].last_error == ""
            printer.paper_for = None  # refilled
            wait_until(lambda: all(state == "printed" for state, _ in states(runtime).values()), message="all printed")
            wait_until(lambda: len(ticket_jobs(printer)) >= 6, message="the printer to have read all six")
        finally:
            worker.stop()
        papers = ticket_jobs(printer)
    # A003 ran into the end of the roll: half of it may be on paper, so it comes again, marked as a reprint.
    assert numbers_read(papers, FIVE, PROFILE) == ["A001", "A002", "A003", "A003", "A004", "A005"]
    assert [read_ticket(paper, PROFILE).reads("REPRINT") for paper in papers] == [False, False, False, True, False,
                                                                                   False]


def states(runtime: Runtime) -> dict[str, tuple[str, int]]:
    return {job.number: (job.state.value, job.attempts) for job in print_jobs.recent_jobs(runtime.uow(read_only=True))}


def test_a_failed_job_and_the_untried_jobs_after_it_are_recorded_together(runtime: Runtime) -> None:
    with FakeNetworkPrinter() as printer:
        setup = make_kiosk(runtime, printer=network_printer(printer.port))
        jobs = [kiosk_taps.issue_from_kiosk(runtime.uow(), kiosk_id=setup.kiosk.id,
                                            service_id=setup.office.services["A"], idempotency_key=f"together-{i:04d}",
                                            public_base_url="https://q.example.org").print_job
                for i in range(3)]
    ids = [job.id for job in jobs if job is not None]
    assert [job.number for job in print_jobs.claim_jobs(runtime.uow(), ids)] == ["A001", "A002", "A003"]
    failed = print_jobs.record_print_failure(runtime.uow(), ids[0], reason="paper jam", give_up=False,
                                             untried=ids[1:])
    assert (failed.state.value, failed.attempts, failed.last_error) == ("retrying", 1, "paper jam")
    assert states(runtime) == {"A001": ("retrying", 1), "A002": ("queued", 0), "A003": ("queued", 0)}

"""The word a web process sends `waitwell print-worker` when it queues a job (a datagram on this machine)."""

from __future__ import annotations

import threading

from flask import Flask

from tests.kiosk.support import make_kiosk
from tests.printers.fake_printer import FakeNetworkPrinter
from tests.printing.support import network_printer, ticket_jobs
from tests.support.waiting import wait_until
from waitwell.printing.wakeup import WakeupListener, WakeupSender, address_for
from waitwell.printing.worker import PrintWorker
from waitwell.runtime import Runtime
from waitwell.services import kiosk_taps


def test_the_listener_hears_which_printers_have_new_jobs(sqlite_url: str) -> None:
    listener = WakeupListener.open(sqlite_url)
    sender = WakeupSender.open(sqlite_url)
    assert listener is not None and sender is not None
    try:
        for printer_id in (3, 3, 8):  # a burst: heard together
            sender.send(printer_id)
        assert listener.wait(5.0) == {3, 8}
        assert listener.wait(0.05) == set()  # nothing more: the wait ends at its timeout
    finally:
        listener.close()
        sender.close()


def test_a_second_worker_on_the_same_database_finds_jobs_by_looking(sqlite_url: str) -> None:
    first = WakeupListener.open(sqlite_url)
    assert first is not None
    try:
        assert WakeupListener.open(sqlite_url) is None
    finally:
        first.close()


def test_sending_with_nobody_listening_is_harmless(sqlite_url: str) -> None:
    sender = WakeupSender.open(sqlite_url)
    assert sender is not None
    sender.send(1)  # no worker: the job waits for one, nothing is raised
    sender.close()


def test_processes_naming_the_same_database_share_an_address(tmp_path) -> None:  # type: ignore[no-untyped-def]
    assert address_for("sqlite://") is None  # in memory: no other process can share it
    server = "postgresql://postgres@127.0.0.1:5432/waitwell"
    assert address_for(server) == address_for("postgresql+psycopg://postgres:secret@127.0.0.1:5432/waitwell")
    assert address_for(server) != address_for("postgresql://postgres@127.0.0.1:5432/other")
    assert address_for(server) != address_for(f"sqlite:///{tmp_path}/waitwell")
    assert address_for(f"sqlite:///{tmp_path}/a.db") != address_for(f"sqlite:///{tmp_path}/b.db")
    assert address_for(f"sqlite:///{tmp_path}/a.db") == address_for(f"sqlite:///{tmp_path}/./a.db")


def test_a_worker_starts_no_lane_for_a_printer_the_database_does_not_name(runtime: Runtime, app: Flask) -> None:
    """Any local process can send a datagram: a made-up printer id only brings the next scan forward."""
    elsewhere = Runtime(runtime.database_url, clock=runtime.clock)  # another process: its jobs wake no lane here
    with FakeNetworkPrinter() as printer:
        setup = make_kiosk(elsewhere, printer=network_printer(printer.port))
        worker = PrintWorker(runtime, scan_interval=600, wakeups=WakeupListener.open(runtime.database_url),
                             context=app.app_context).start()
        sender = WakeupSender.open(runtime.database_url)
        assert sender is not None
        try:
            wait_until(lambda: printer.status_queries, message="the first scan to start the real printer's lane")
            kiosk_taps.issue_from_kiosk(elsewhere.uow(), kiosk_id=setup.kiosk.id, service_id=setup.office.services["A"],
                                        idempotency_key="made-up-wakeup-1", public_base_url="https://q.example.org")
            sender.send(424242)
            # Only the scan the datagram brought forward finds the job queued elsewhere (the next one is 10 minutes
            # away): once it is on paper, the made-up printer's datagram has been handled.
            wait_until(lambda: ticket_jobs(printer), message="the job found by the scan brought forward")
            assert not [thread for thread in threading.enumerate() if thread.name == "print-lane-424242"]
        finally:
            sender.close()
            worker.stop()
            elsewhere.dispose()

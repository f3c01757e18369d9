"""Kiosk tap to paper through the print worker, with a real TCP server on 127.0.0.1 playing the printer."""

from __future__ import annotations

import time
from collections.abc import Callable

from flask.testing import FlaskClient

from tests.kiosk.support import make_kiosk
from tests.printers.fake_printer import FakeNetworkPrinter
from tests.printers.profiles import read_ticket
from tests.printing.support import PROFILE, FakePrinterOnPort, network_printer, ticket_jobs
from tests.support.ports import free_port
from waitwell.domain.events import Event, PrinterStatusChanged, PrintJobFailed, PrintJobPrinted
from waitwell.printing.worker import PrintWorker
from waitwell.runtime import Runtime


def tap(client: FlaskClient, kiosk_id: int, service_id: int, key: str) -> dict:
    body = {"service_id": service_id, "idempotency_key": key}
    response = client.post(f"/api/v1/kiosks/{kiosk_id}/tickets", json=body)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def eventually(check: Callable[[], object], timeout: float = 10.0) -> object:
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.05)


def job_state(client: FlaskClient, kiosk_id: int, job_id: int) -> dict:
    return client.get(f"/api/v1/kiosks/{kiosk_id}/print-jobs/{job_id}").get_json()


def test_tapped_ticket_arrives_at_the_printer_with_its_number_and_qr_url(
    runtime: Runtime, client: FlaskClient, worker: PrintWorker
) -> None:
    with FakeNetworkPrinter() as printer:
        setup = make_kiosk(runtime, printer=network_printer(printer.port))
        issued = tap(client, setup.kiosk.id, setup.office.services["A"], "tap-network-0001")
        assert eventually(lambda: ticket_jobs(printer))
        paper = read_ticket(ticket_jobs(printer)[0], PROFILE)
        assert paper.line_with("A001").style.height >= 4
        assert [code.payload for code in paper.qr_codes] == [issued["status_url"]]
        assert paper.reads("Scan to follow your place in line") and len(paper.cuts) == 1
        outcome = eventually(lambda: job_state(client, setup.kiosk.id, issued["print"]["job_id"])["state"] == "printed")
        assert outcome, job_state(client, setup.kiosk.id, issued["print"]["job_id"])


def test_ticket_in_spanish_prints_spanish_labels(runtime: Runtime, client: FlaskClient, worker: PrintWorker) -> None:
    with FakeNetworkPrinter() as printer:
        setup = make_kiosk(runtime, printer=network_printer(printer.port), language="es")
        tap(client, setup.kiosk.id, setup.office.services["B"], "tap-network-es01")
        assert eventually(lambda: ticket_jobs(printer))
        paper = read_ticket(ticket_jobs(printer)[0], PROFILE)
        assert paper.reads("Personas delante: 0") and paper.reads("Escanee para seguir su lugar en la fila")


def test_refused_printer_never_blocks_issuing_and_prints_once_it_is_back(
    runtime: Runtime, client: FlaskClient, worker: PrintWorker
) -> None:
    heard: list[Event] = []
    for kind in (PrintJobFailed, PrintJobPrinted, PrinterStatusChanged):
        runtime.bus.subscribe(kind, heard.append)
    port = free_port()
    setup = make_kiosk(runtime, printer=network_printer(port))
    kiosk_id = setup.kiosk.id

    issued = tap(client, kiosk_id, setup.office.services["A"], "tap-refused-0001")
    assert issued["print"]["state"] == "queued"  # issued without waiting for the printer
    assert issued["number"] == "A001" and issued["qr_svg_url"].endswith(".svg")
    job_id = issued["print"]["job_id"]

    retrying = eventually(lambda: job_state(client, kiosk_id, job_id)["state"] == "retrying")
    assert retrying, job_state(client, kiosk_id, job_id)
    assert "refused the connection" in job_state(client, kiosk_id, job_id)["last_error"]
    failure = eventually(lambda: next((e for e in heard if isinstance(e, PrintJobFailed)), None))
    assert isinstance(failure, PrintJobFailed)  # published right after the state it committed
    assert (failure.number, failure.final) == ("A001", False) and "refused" in failure.reason
    assert eventually(lambda: any(isinstance(e, PrinterStatusChanged) and e.status == "offline" for e in heard))
    board = client.get(f"/api/v1/kiosks/{kiosk_id}/board").get_json()
    assert board["printer_status"] == "offline"  # the kiosk's next taps show the QR on screen at once

    with FakePrinterOnPort(port) as printer:
        assert eventually(lambda: ticket_jobs(printer))
        paper = read_ticket(ticket_jobs(printer)[0], PROFILE)
        assert paper.reads("A001") and [q.payload for q in paper.qr_codes] == [issued["status_url"]]
        assert eventually(lambda: job_state(client, kiosk_id, job_id)["state"] == "printed")
        time.sleep(1.0)  # later retries would show up as a second ticket
        assert len(ticket_jobs(printer)) == 1
    done = job_state(client, kiosk_id, job_id)
    assert done["attempts"] >= 2
    assert [e.number for e in heard if isinstance(e, PrintJobPrinted)] == ["A001"]


def test_one_silent_printer_does_not_delay_another(runtime: Runtime, client: FlaskClient, worker: PrintWorker) -> None:
    with FakeNetworkPrinter(answer_status=False) as silent, FakeNetworkPrinter() as healthy:
        slow = make_kiosk(runtime, printer=network_printer(silent.port), name="Left")
        fast = make_kiosk(runtime, printer=network_printer(healthy.port), name="Right", office=slow.office)
        for index in range(8):  # each waits out the silent printer's 1 s status check before printing
            tap(client, slow.kiosk.id, slow.office.services["A"], f"tap-silent-{index:05d}")
        tap(client, fast.kiosk.id, fast.office.services["B"], "tap-healthy-0001")
        # Behind the silent printer's tickets it would wait 8 s; on its own it prints at once (seconds at
        # worst on a busy machine).
        assert eventually(lambda: ticket_jobs(healthy), timeout=6.0)
        assert len(ticket_jobs(silent)) < 8  # the healthy printer did not queue behind the silent one


def test_a_hung_printer_never_makes_a_ticket_printed_nor_the_printer_online(
    runtime: Runtime, client: FlaskClient, worker: PrintWorker
) -> None:
    """It accepts the connection and never reads: the kiosk must not say "take your ticket below"."""
    with FakeNetworkPrinter(stop_reading_after=0, receive_buffer=4096) as hung:
        setup = make_kiosk(runtime, printer=network_printer(hung.port))
        issued = tap(client, setup.kiosk.id, setup.office.services["A"], "tap-hung-00001")
        job_id = issued["print"]["job_id"]
        def tried_twice() -> dict | None:
            job = job_state(client, setup.kiosk.id, job_id)
            return job if job["attempts"] >= 2 and job["state"] != "printing" else None

        job = eventually(tried_twice, timeout=15)
        board = client.get(f"/api/v1/kiosks/{setup.kiosk.id}/board").get_json()
        assert hung.received_bytes == 0
    assert job and job["state"] == "retrying" and "did not answer" in job["last_error"], job
    assert board["printer_status"] != "online"

"""Kiosk tap to paper through the print worker, with a real TCP server on 127.0.0.1 playing the printer."""

from __future__ import annotations

from flask.testing import FlaskClient

from tests.kiosk.support import make_kiosk
from tests.printers.fake_printer import FakeNetworkPrinter
from tests.printers.profiles import numbers_read, read_ticket
from tests.printing.support import PROFILE, FakePrinterOnPort, network_printer, ticket_jobs
from tests.support.ports import free_port
from tests.support.waiting import wait_until
from waitwell.domain.events import Event, PrinterStatusChanged, PrintJobFailed, PrintJobPrinted
from waitwell.printing.worker import PrintWorker
from waitwell.runtime import Runtime


def tap(client: FlaskClient, kiosk_id: int, service_id: int, key: str) -> dict:
    body = {"service_id": service_id, "idempotency_key": key}
    response = client.post(f"/api/v1/kiosks/{kiosk_id}/tickets", json=body)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def job_state(client: FlaskClient, kiosk_id: int, job_id: int) -> dict:
    return client.get(f"/api/v1/kiosks/{kiosk_id}/print-jobs/{job_id}").get_json()


def test_tapped_ticket_arrives_at_the_printer_with_its_number_and_qr_url(
    runtime: Runtime, client: FlaskClient, worker: PrintWorker
) -> None:
    with FakeNetworkPrinter() as printer:
        setup = make_kiosk(runtime, printer=network_printer(printer.port))
        issued = tap(client, setup.kiosk.id, setup.office.services["A"], "tap-network-0001")
        wait_until(lambda: ticket_jobs(printer), message="the ticket on paper")
        paper = read_ticket(ticket_jobs(printer)[0], PROFILE)
        assert paper.line_with("A001").style.height >= 4
        assert [code.payload for code in paper.qr_codes] == [issued["status_url"]]
        assert paper.reads("Scan to follow your place in line") and len(paper.cuts) == 1
        wait_until(lambda: job_state(client, setup.kiosk.id, issued["print"]["job_id"])["state"] == "printed",
                   message="the job recorded printed")


def test_ticket_in_spanish_prints_spanish_labels(runtime: Runtime, client: FlaskClient, worker: PrintWorker) -> None:
    with FakeNetworkPrinter() as printer:
        setup = make_kiosk(runtime, printer=network_printer(printer.port), language="es")
        tap(client, setup.kiosk.id, setup.office.services["B"], "tap-network-es01")
        wait_until(lambda: ticket_jobs(printer), message="the ticket on paper")
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

    wait_until(lambda: job_state(client, kiosk_id, job_id)["state"] == "retrying", message="a refused attempt")
    assert "refused the connection" in job_state(client, kiosk_id, job_id)["last_error"]
    failure = wait_until(lambda: next((e for e in heard if isinstance(e, PrintJobFailed)), None),
                         message="the failure published")  # right after the state it committed
    assert (failure.number, failure.final) == ("A001", False) and "refused" in failure.reason
    wait_until(lambda: any(isinstance(e, PrinterStatusChanged) and e.status == "offline" for e in heard),
               message="the printer published offline")
    board = client.get(f"/api/v1/kiosks/{kiosk_id}/board").get_json()
    assert board["printer_status"] == "offline"  # the kiosk's next taps show the QR on screen at once

    with FakePrinterOnPort(port) as printer:
        wait_until(lambda: ticket_jobs(printer), message="the ticket on paper once the printer is back")
        paper = read_ticket(ticket_jobs(printer)[0], PROFILE)
        assert paper.reads("A001") and [q.payload for q in paper.qr_codes] == [issued["status_url"]]
        wait_until(lambda: job_state(client, kiosk_id, job_id)["state"] == "printed", message="A001 printed")
        # The printer's jobs go out in order, a retry before anything issued after it: once the next ticket is
        # on paper, any further try of the first has had its turn, and would be on paper before it.
        tap(client, kiosk_id, setup.office.services["A"], "tap-refused-0002")
        wait_until(lambda: any(isinstance(e, PrintJobPrinted) and e.number == "A002" for e in heard),
                   message="the next ticket, A002, printed")
        wait_until(lambda: len(ticket_jobs(printer)) >= 2, message="the printer to have read A002")
        papers = ticket_jobs(printer)
    assert numbers_read(papers, ("A001", "A002"), PROFILE) == ["A001", "A002"]  # A001 once
    done = job_state(client, kiosk_id, job_id)
    assert done["attempts"] >= 2
    assert [e.number for e in heard if isinstance(e, PrintJobPrinted)] == ["A001", "A002"]


def test_one_silent_printer_does_not_delay_another(runtime: Runtime, client: FlaskClient, worker: PrintWorker) -> None:
    with FakeNetworkPrinter(answer_status=False) as silent, FakeNetworkPrinter() as healthy:
        slow = make_kiosk(runtime, printer=network_printer(silent.port), name="Left")
        fast = make_kiosk(runtime, printer=network_printer(healthy.port), name="Right", office=slow.office)
        for index in range(8):  # each waits out the silent printer's 1 s status check before printing
            tap(client, slow.kiosk.id, slow.office.services["A"], f"tap-silent-{index:05d}")
        tap(client, fast.kiosk.id, fast.office.services["B"], "tap-healthy-0001")
        # Behind the silent printer's tickets it would come after all eight, 8 s or more; on its own it prints
        # at once, with most of them still to go however busy the machine.
        wait_until(lambda: ticket_jobs(healthy), message="the healthy printer's ticket on paper")
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

        job = wait_until(tried_twice, message="two attempts at the hung printer")
        board = client.get(f"/api/v1/kiosks/{setup.kiosk.id}/board").get_json()
        assert hung.received_bytes == 0
    assert job and job["state"] == "retrying" and "did not answer" in job["last_error"], job
    assert board["printer_status"] != "online"

"""A network printer played by a real TCP server on 127.0.0.1: printing, failures and status, with real sockets."""

from __future__ import annotations

import socket
import threading
import time

import pytest

from tests.printers.conftest import STATUS_URL, make_ticket
from tests.printers.escpos_reader import StatusQuery
from tests.printers.fake_printer import FakeNetworkPrinter
from tests.printers.profiles import numbers_read, read_ticket
from tests.support.ports import free_port
from tests.support.waiting import wait_until
from waitwell.printers.connections import PrinterSettings, open_printer
from waitwell.printers.deadline import connection_of
from waitwell.printers.errors import PrintFailed
from waitwell.printers.send import print_ticket, print_tickets
from waitwell.printers.status import poll_status

HANG_GUARD = 3.0  # seconds beyond the configured timeout that would mean the call hung


def network(port: int, **overrides) -> PrinterSettings:  # type: ignore[no-untyped-def]
    return PrinterSettings(kind="network", host="127.0.0.1", port=port, **{"timeout": 2.0, **overrides})


@pytest.mark.parametrize(("paper_mm", "profile"), [(80, "TM-T88V"), (58, "POS-5890")])
def test_ticket_arrives_at_the_network_printer_with_number_and_qr(paper_mm, profile, fake_printer) -> None:
    print_ticket(network(fake_printer.port, paper_mm=paper_mm, profile=profile), make_ticket(number="B042"))

    [job] = fake_printer.wait_for_jobs(1)
    printout = read_ticket(job, profile)
    assert printout.line_with("B042").style.height >= 4
    assert isinstance(printout.items[0], StatusQuery)  # it asked about paper before sending the ticket
    if profile == "TM-T88V":
        assert [code.payload for code in printout.qr_codes] == [STATUS_URL]
        assert len(printout.cuts) == 1
    else:
        assert len(printout.images) == 1  # the QR as an image on a printer without native QR


def test_a_refused_connection_fails_at_once_with_the_printer_named() -> None:
    port = free_port()
    started = time.monotonic()
    with pytest.raises(PrintFailed) as failure:
        print_ticket(network(port), make_ticket())
    assert failure.value.reason == f"printer at 127.0.0.1:{port} refused the connection"
    assert time.monotonic() - started < HANG_GUARD


def test_paper_out_is_reported_and_nothing_is_printed() -> None:
    with FakeNetworkPrinter(paper="out") as printer:
        with pytest.raises(PrintFailed, match="out of paper"):
            print_ticket(network(printer.port), make_ticket())
        [job] = printer.wait_for_jobs(1)
    assert read_ticket(job, "TM-T88V").lines == []  # only the status questions went over the wire


RUN = ("A001", "A002", "A003")


def test_tickets_sent_together_share_one_connection_and_each_is_checked_for_paper(fake_printer) -> None:
    print_tickets(network(fake_printer.port), [make_ticket(number=number) for number in RUN])

    jobs = fake_printer.wait_for_jobs(3)
    assert numbers_read(jobs, RUN) == ["A001", "A002", "A003"]
    assert fake_printer.connections == 1
    assert all(isinstance(read_ticket(job, "TM-T88V").items[0], StatusQuery) for job in jobs)


def test_paper_running_out_during_a_run_of_tickets_stops_it_and_says_how_many_came_out() -> None:
    with FakeNetworkPrinter(paper_for=2) as printer:
        confirmed: list[int] = []
        with pytest.raises(PrintFailed, match="out of paper") as failure:
            print_tickets(network(printer.port), [make_ticket(number=number) for number in RUN],
                          on_printed=confirmed.append)
        jobs = printer.wait_for_jobs(3)
    assert numbers_read(jobs, RUN) == ["A001", "A002", "A003"]
    assert (failure.value.printed, confirmed) == (2, [0, 1])
    assert failure.value.uncertain  # the third ran into the end of the roll: it may be half a ticket


def test_a_status_query_after_a_ticket_leaves_at_once(fake_printer) -> None:
    """Nagle's algorithm would hold the query back until the ticket's bytes were acknowledged (up to 40 ms
    on Linux, more on some printers) on every ticket of a run."""
    printer = open_printer(network(fake_printer.port))
    printer.open()
    try:
        assert connection_of(printer).getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
    finally:
        printer.close()


def test_a_printer_that_never_answers_status_gets_nothing_and_the_ticket_is_not_printed() -> None:
    """A hung printer would keep every ticket sent to it and print them all at once when it comes back."""
    with FakeNetworkPrinter(answer_status=False) as printer:
        with pytest.raises(PrintFailed, match="did not answer the status query") as failure:
            print_ticket(network(printer.port, timeout=1.0), make_ticket())
        [job] = printer.wait_for_jobs(1)
    assert read_ticket(job, "TM-T88V").lines == []
    assert (failure.value.printed, failure.value.uncertain) == (0, False)


def test_a_printer_that_accepts_the_connection_but_never_reads_prints_nothing() -> None:
    with FakeNetworkPrinter(stop_reading_after=0, receive_buffer=4096) as printer:
        started = time.monotonic()
        with pytest.raises(PrintFailed) as failure:
            print_ticket(network(printer.port, timeout=2.0), make_ticket())
        assert time.monotonic() - started < 2.0 + HANG_GUARD
        assert printer.received_bytes == 0
    assert (failure.value.printed, failure.value.uncertain) == (0, False)


def test_a_printer_that_hangs_in_the_middle_of_a_ticket_leaves_it_unconfirmed() -> None:
    """It answered before the ticket, then stopped reading: most of the ticket is still in the sockets."""
    with FakeNetworkPrinter(stop_reading_after=100, receive_buffer=4096) as printer:
        confirmed: list[int] = []
        with pytest.raises(PrintFailed) as failure:
            print_tickets(network(printer.port, timeout=2.0), [make_ticket(number="A001")],
                          on_printed=confirmed.append)
    assert confirmed == []
    assert (failure.value.printed, failure.value.uncertain) == (0, True)
    assert "may have come out" in failure.value.reason or "did not confirm" in failure.value.reason


def test_a_printer_with_a_tiny_buffer_that_reads_slowly_confirms_every_ticket() -> None:
    with FakeNetworkPrinter(receive_buffer=2048, chunk=512, chunk_pause=0.002) as printer:
        confirmed: list[int] = []
        print_tickets(network(printer.port, timeout=10.0), [make_ticket(number=number) for number in RUN],
                      on_printed=confirmed.append)
        jobs = printer.wait_for_jobs(3)
    assert confirmed == [0, 1, 2]
    assert numbers_read(jobs, RUN) == ["A001", "A002", "A003"]


def test_a_receive_only_printer_confirms_by_taking_every_byte() -> None:
    """With status checks off, a ticket counts once the printer's TCP stack acknowledged all of it."""
    hung = FakeNetworkPrinter(answer_status=False, receive_buffer=1024, stop_reading_after=0)
    with hung, pytest.raises(PrintFailed) as failure:  # the QR as an image: more than the printer's buffer holds
        print_ticket(network(hung.port, timeout=1.0, check_status_before_print=False), make_ticket(), qr="image")
    assert failure.value.uncertain
    with FakeNetworkPrinter(answer_status=False, receive_buffer=2048, chunk=512) as slow:
        print_ticket(network(slow.port, timeout=5.0, check_status_before_print=False), make_ticket(number="A009"))
        [job] = slow.wait_for_jobs(1)
    assert read_ticket(job, "TM-T88V").reads("A009")


def test_status_check_can_be_switched_off_for_one_way_print_servers(fake_printer) -> None:
    print_ticket(network(fake_printer.port, check_status_before_print=False), make_ticket())
    [job] = fake_printer.wait_for_jobs(1)
    assert fake_printer.status_queries == 0
    assert read_ticket(job, "TM-T88V").reads("A007")


@pytest.mark.parametrize(
    ("printer_kwargs", "state", "words"),
    [
        ({}, "online", "is online"),
        ({"paper": "near_end"}, "paper_near_end", "running out of paper"),
        ({"paper": "out"}, "paper_out", "out of paper"),
        ({"cover_open": True}, "offline", "cover open"),
    ],
)
def test_status_reports_what_the_printer_says(printer_kwargs, state, words) -> None:
    with FakeNetworkPrinter(**printer_kwargs) as printer:
        status = poll_status(network(printer.port))
    assert (status.state, words in status.detail) == (state, True), status


def test_a_printer_that_accepts_but_never_answers_is_unknown_within_the_timeout() -> None:
    with FakeNetworkPrinter(answer_status=False) as printer:
        started = time.monotonic()
        status = poll_status(network(printer.port), timeout=1.0)
        elapsed = time.monotonic() - started
    assert status.state == "unknown"
    assert "did not answer" in status.detail
    assert elapsed < 1.0 + HANG_GUARD


def test_a_refused_connection_is_offline() -> None:
    status = poll_status(network(free_port()))
    assert status.state == "offline"
    assert "refused the connection" in status.detail


def test_a_silent_printer_does_not_delay_polling_another(fake_printer) -> None:
    with FakeNetworkPrinter(answer_status=False) as silent:
        results: dict[str, str] = {}
        slow = threading.Thread(target=lambda: results.update(silent=poll_status(network(silent.port), 3.0).state))
        slow.start()
        # The silent printer has been asked and is keeping the poll waiting.
        wait_until(lambda: silent.status_queries, message="the silent printer asked for its status")
        results["answering"] = poll_status(network(fake_printer.port)).state
        answered_while_other_waits = slow.is_alive()
        slow.join()
    assert answered_while_other_waits
    assert results == {"answering": "online", "silent": "unknown"}

"""Issuing from a kiosk tap: exactly one ticket per key, and never a ticket without its print job."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from tests.kiosk.support import make_kiosk, preview_printer
from waitwell.domain.errors import Conflict, InvalidInput, NotFound, OfficeClosed
from waitwell.domain.events import PrintJobQueued, TicketIssued
from waitwell.estimates.estimate import WaitEstimate
from waitwell.persistence import PrintJob, Ticket
from waitwell.persistence.devices import PrintJobState
from waitwell.runtime import Runtime
from waitwell.services import kiosk_taps, kiosks
from waitwell.services.estimates import estimates_for_new_tickets
from waitwell.services.kiosk_taps import KioskTicket

BASE = "https://queue.example.org"


def tap(runtime: Runtime, kiosk_id: int, service_id: int, key: str) -> KioskTicket:
    return kiosk_taps.issue_from_kiosk(runtime.uow(), kiosk_id=kiosk_id, service_id=service_id, idempotency_key=key,
                                   public_base_url=BASE)


def count(runtime: Runtime, model: type) -> int:
    with runtime.uow(read_only=True) as uow:
        return int(uow.session.scalar(select(func.count()).select_from(model)) or 0)


def test_same_key_returns_the_same_ticket_and_never_a_second_one(runtime: Runtime) -> None:
    setup = make_kiosk(runtime, printer=preview_printer())
    service = setup.office.services["A"]
    first = tap(runtime, setup.kiosk.id, service, "tap-0001-abcdef")
    again = tap(runtime, setup.kiosk.id, service, "tap-0001-abcdef")
    other = tap(runtime, setup.kiosk.id, service, "tap-0002-abcdef")
    assert (first.ticket.number, first.replayed) == ("A001", False)
    assert (again.ticket.id, again.ticket.number, again.replayed) == (first.ticket.id, "A001", True)
    assert again.print_job is not None and again.print_job.id == first.print_job.id  # type: ignore[union-attr]
    assert other.ticket.number == "A002"
    assert count(runtime, Ticket) == 2
    assert count(runtime, PrintJob) == 2


def test_print_job_is_stored_with_the_ticket_and_carries_the_status_url(runtime: Runtime) -> None:
    setup = make_kiosk(runtime, printer=preview_printer())
    heard: list[object] = []
    runtime.bus.subscribe(PrintJobQueued, heard.append)
    runtime.bus.subscribe(TicketIssued, heard.append)
    issued = tap(runtime, setup.kiosk.id, setup.office.services["B"], "tap-job-000001")
    job = issued.print_job
    assert job is not None and job.state == PrintJobState.QUEUED and job.ticket_id == issued.ticket.id
    assert job.content["status_url"] == f"{BASE}/t/{issued.ticket.token}"
    assert job.content["number"] == "B001" and job.content["office_name"] == "Hartford DMV"
    assert [type(e).__name__ for e in heard] == ["TicketIssued", "PrintJobQueued"]


def test_a_refused_ticket_leaves_neither_ticket_nor_job_nor_key(runtime: Runtime) -> None:
    from tests.factories import make_office

    office = make_office(runtime, refuse_tickets_when_closed=True,
                         opening_hours={"mon": [["09:00", "10:00"]]})  # closed on a Tuesday morning
    setup = make_kiosk(runtime, printer=preview_printer(), office=office)
    with pytest.raises(OfficeClosed):
        tap(runtime, setup.kiosk.id, office.services["A"], "tap-closed-0001")
    with pytest.raises(OfficeClosed):  # the retry is refused the same way, not replayed as "in progress"
        tap(runtime, setup.kiosk.id, office.services["A"], "tap-closed-0001")
    assert count(runtime, Ticket) == count(runtime, PrintJob) == 0


def test_a_kiosk_without_printer_issues_without_a_job(runtime: Runtime) -> None:
    setup = make_kiosk(runtime, printer=None)
    issued = tap(runtime, setup.kiosk.id, setup.office.services["A"], "tap-noprinter-1")
    assert issued.print_job is None and issued.ticket.number == "A001"


def test_key_reused_for_another_service_is_refused(runtime: Runtime) -> None:
    setup = make_kiosk(runtime, printer=preview_printer())
    tap(runtime, setup.kiosk.id, setup.office.services["A"], "tap-reused-0001")
    with pytest.raises(Conflict):
        tap(runtime, setup.kiosk.id, setup.office.services["B"], "tap-reused-0001")


def test_bad_key_and_foreign_service_are_refused(runtime: Runtime) -> None:
    setup = make_kiosk(runtime, printer=preview_printer())
    with pytest.raises(InvalidInput):
        tap(runtime, setup.kiosk.id, setup.office.services["A"], "short")
    with pytest.raises(NotFound):
        tap(runtime, setup.kiosk.id, 9999, "tap-foreign-0001")


def test_concurrent_retries_of_one_tap_issue_one_ticket(any_runtime: Runtime) -> None:
    setup = make_kiosk(any_runtime, printer=preview_printer())
    service = setup.office.services["A"]
    start = threading.Barrier(8)
    results: list[KioskTicket] = []
    errors: list[BaseException] = []

    def retry() -> None:
        start.wait()
        try:
            results.append(tap(any_runtime, setup.kiosk.id, service, "tap-concurrent-01"))
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=retry) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert not errors
    assert {r.ticket.id for r in results} == {results[0].ticket.id} and len(results) == 8
    assert sum(not r.replayed for r in results) == 1
    assert count(any_runtime, Ticket) == 1
    assert count(any_runtime, PrintJob) == 1


def test_board_shows_people_waiting_and_an_estimate_per_service(runtime: Runtime) -> None:
    setup = make_kiosk(runtime, printer=preview_printer())
    for index in range(3):
        tap(runtime, setup.kiosk.id, setup.office.services["A"], f"tap-board-{index:04d}")
    asked: list[tuple[int, int]] = []

    def estimates(service_id: int, office_id: int) -> dict[int, WaitEstimate | None]:
        asked.append((service_id, office_id))
        return estimates_for_new_tickets(runtime.uow(read_only=True), service_id)

    board = kiosks.kiosk_board(runtime.uow(read_only=True), setup.kiosk.id, estimates)
    by_name = {b.name: b for b in board.buttons}
    assert by_name["Licence renewal"].people_waiting == 3 and by_name["Title"].people_waiting == 0
    assert by_name["Licence renewal"].estimate is not None
    assert asked == [(setup.office.services["A"], setup.office.office_id)]  # one look serves every button
    unknown = kiosks.kiosk_board(runtime.uow(read_only=True), setup.kiosk.id, lambda *_: {})
    assert all(button.estimate is None for button in unknown.buttons)  # not known yet: no figure, no wait
    assert board.printer_status is not None and board.printer_status.value == "unknown"


def test_tap_keys_older_than_a_day_are_forgotten(runtime: Runtime) -> None:
    from datetime import timedelta

    setup = make_kiosk(runtime, printer=None)
    tap(runtime, setup.kiosk.id, setup.office.services["A"], "tap-old-000001")
    runtime.clock.advance(hours=23)  # type: ignore[attr-defined]
    tap(runtime, setup.kiosk.id, setup.office.services["A"], "tap-new-000001")
    runtime.clock.advance(hours=2)  # type: ignore[attr-defined]
    assert kiosk_taps.forget_old_tap_keys(runtime.uow(), older_than=timedelta(days=1)) == 1
    assert tap(runtime, setup.kiosk.id, setup.office.services["A"], "tap-new-000001").replayed

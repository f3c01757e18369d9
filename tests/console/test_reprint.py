"""The Reprint button and the printer alerts' JSON, as the console's and the dashboard's script call them."""

from __future__ import annotations

import pytest

from tests.console.support import StaffBrowser, signed_in
from tests.factories import make_staff
from tests.kiosk.support import KioskSetup, make_kiosk, preview_printer
from waitwell.persistence.devices import PrinterStatus, PrintJobState
from waitwell.runtime import Runtime
from waitwell.services import audit, counters, kiosk_taps, print_jobs, printers
from waitwell.services.audit import AuditFilter
from waitwell.services.printer_alerts import office_printer_alerts
from waitwell.services.reprints import reprint_ticket


@pytest.fixture
def kiosk(runtime, office) -> KioskSetup:
    return make_kiosk(runtime, printer=preview_printer(), office=office)


def tap(app, runtime: Runtime, kiosk: KioskSetup, key: str, prefix: str = "A") -> dict:
    """A visitor's tap at the kiosk; its print job stays queued (no print worker here) until a test says how it went."""
    response = app.test_client().post(f"/api/v1/kiosks/{kiosk.kiosk.id}/tickets",
                                      json={"service_id": kiosk.office.services[prefix], "idempotency_key": key})
    assert response.status_code == 201, response.get_json()
    answer = response.get_json()  # a kiosk is not told the ticket's id: its print job knows it
    return {**answer, "id": print_jobs.get_print_job(runtime.uow(), answer["print"]["job_id"]).ticket_id}


def reprint(browser: StaffBrowser, ticket_id: int):
    return browser.post_json(f"/console/tickets/{ticket_id}/reprint")


def alerts(browser: StaffBrowser, office_id: int) -> dict:
    return browser.get_json(f"/console/offices/{office_id}/printer-alerts")


def jobs_of(runtime, ticket_id: int) -> list[print_jobs.PrintJobView]:
    return sorted((job for job in print_jobs.recent_jobs(runtime.uow(read_only=True)) if job.ticket_id == ticket_id),
                  key=lambda job: job.id)


def test_a_clerk_reprints_a_ticket_whose_paper_was_given_up(app, runtime, office, kiosk, clerk):
    issued = tap(app, runtime, kiosk, "tap-given-up-01")
    print_jobs.record_print_failure(runtime.uow(), issued["print"]["job_id"], give_up=True,
                                    reason="printer at 127.0.0.1:9 is out of paper")
    printers.record_printer_status(runtime.uow(), printer_id=kiosk.printer_id, status=PrinterStatus.PAPER_OUT,
                                   detail="printer at 127.0.0.1:9 is out of paper")
    shown = alerts(clerk, office.office_id)
    assert [(a["printer_name"], a["problem"]) for a in shown["alerts"]] == [("Entrance printer", "paper_out")]
    assert [(t["number"], t["given_up"], t["reason"]) for t in shown["unprinted"]] == [
        ("A001", True, "printer at 127.0.0.1:9 is out of paper")]

    response = reprint(clerk, issued["id"])
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert (body["number"], body["printer_name"]) == ("A001", "Entrance printer")
    assert body["alerts"]["unprinted"] == []  # the page's list is current at once
    assert body["alerts"]["alerts"][0]["problem"] == "paper_out"  # the printer itself still needs paper
    first, again = jobs_of(runtime, issued["id"])
    assert (again.state, again.printer_id, again.kiosk_id) == (PrintJobState.QUEUED, kiosk.printer_id, kiosk.kiosk.id)
    assert again.content == {**first.content, "reprint": True}  # the same paper, marked as a reprint
    entries = audit.find(runtime.uow(read_only=True), visible_office_ids=None, wanted=AuditFilter(action="console."))
    assert [(e.action, e.target, e.username, e.status_code, e.detail.get("printer")) for e in entries] == [
        ("console.reprint", "ticket A001", "maria", 200, "Entrance printer")]


def test_a_ticket_still_being_retried_is_printed_once_not_twice(app, runtime, office, kiosk, supervisor):
    issued = tap(app, runtime, kiosk, "tap-retrying-01")
    print_jobs.record_print_failure(runtime.uow(), issued["print"]["job_id"], give_up=False,
                                    reason="printer at 127.0.0.1:9 refused the connection")
    assert [(t["number"], t["given_up"]) for t in alerts(supervisor, office.office_id)["unprinted"]] == [
        ("A001", False)]
    assert reprint(supervisor, issued["id"]).status_code == 200  # a supervisor, from the dashboard
    first, again = jobs_of(runtime, issued["id"])
    assert first.state == PrintJobState.FAILED and first.last_error.endswith("replaced by a reprint")
    assert [job.id for job in print_jobs.pending_jobs(runtime.uow(read_only=True))] == [again.id]


def test_a_clerk_of_another_office_cannot_reprint(app, runtime, office, kiosk, other_office):
    issued = tap(app, runtime, kiosk, "tap-other-off-1")
    print_jobs.record_print_failure(runtime.uow(), issued["print"]["job_id"], give_up=True, reason="paper out")
    stranger = signed_in(app, make_staff(runtime, [other_office.office_id], username="nina"))
    response = reprint(stranger, issued["id"])
    assert response.status_code == 403
    assert response.get_json()["error"]["message"] == "You are not a member of this office's staff."
    assert stranger.client.get(f"/console/offices/{office.office_id}/printer-alerts").status_code == 403
    assert len(jobs_of(runtime, issued["id"])) == 1  # nothing queued


def test_a_reprint_that_would_print_nothing_useful_is_refused_with_the_reason(app, runtime, office, kiosk, clerk):
    printed, called, failed = (tap(app, runtime, kiosk, f"tap-refused-{n:02d}") for n in range(3))
    print_jobs.record_printed(runtime.uow(), printed["print"]["job_id"])
    for ticket in (called, failed):
        print_jobs.record_print_failure(runtime.uow(), ticket["print"]["job_id"], give_up=True, reason="paper out")
    counters.open_counter(runtime.uow(), counter_id=office.counters["Counter 1"])
    counters.call_ticket(runtime.uow(), counter_id=office.counters["Counter 1"], ticket_id=called["id"],
                         reason="appointment")
    assert [t["number"] for t in alerts(clerk, office.office_id)["unprinted"]] == ["A003"]  # A002 is at a counter

    refusals = {number: reprint(clerk, ticket["id"]) for number, ticket in
                (("A001", printed), ("A002", called))}
    assert {n: r.status_code for n, r in refusals.items()} == {"A001": 409, "A002": 409}
    assert "A001's paper has not failed (printed)" in refusals["A001"].get_json()["error"]["message"]
    assert "A002 is no longer waiting (called)" in refusals["A002"].get_json()["error"]["message"]
    assert len(print_jobs.recent_jobs(runtime.uow(read_only=True))) == 3  # nothing queued
    entries = audit.find(runtime.uow(read_only=True), visible_office_ids=None, wanted=AuditFilter(action="console."))
    assert sorted((e.target, e.status_code) for e in entries) == [("ticket A001", 409), ("ticket A002", 409)]


def test_the_list_and_a_reprint_on_sqlite_and_postgresql(any_runtime):
    """The same reads and the row lock on both databases: a retried job is listed, replaced once, and gone."""
    setup = make_kiosk(any_runtime, printer=preview_printer())
    issued = kiosk_taps.issue_from_kiosk(any_runtime.uow(), kiosk_id=setup.kiosk.id, public_base_url="https://x.gov",
                                         service_id=setup.office.services["A"], idempotency_key="tap-both-dbs-1")
    first = print_jobs.job_for_ticket(any_runtime.uow(), issued.ticket.id)
    assert first is not None
    print_jobs.record_print_failure(any_runtime.uow(), first.id, reason="refused the connection", give_up=False)
    listed = office_printer_alerts(any_runtime.uow(read_only=True), setup.office.office_id)
    assert [(t.number, t.given_up) for t in listed.unprinted] == [("A001", False)]
    again = reprint_ticket(any_runtime.uow(), ticket_id=issued.ticket.id)
    assert again.content["reprint"] is True
    assert office_printer_alerts(any_runtime.uow(read_only=True), setup.office.office_id).unprinted == []
    assert [job.id for job in print_jobs.pending_jobs(any_runtime.uow(read_only=True))] == [again.id]

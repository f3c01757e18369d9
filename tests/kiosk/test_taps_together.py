"""Taps handled together in one transaction (group commit): each keeps its own ticket, number and error."""

from __future__ import annotations

import threading

from sqlalchemy import func, select

from tests.factories import make_office
from tests.kiosk.support import make_kiosk, preview_printer
from waitwell.domain.errors import InvalidInput, NotFound, ServiceInactive
from waitwell.domain.events import TicketIssued
from waitwell.estimates.estimate import WaitEstimate
from waitwell.persistence import IdempotencyKey, IssueEstimate, PrintJob, Ticket
from waitwell.runtime import Runtime
from waitwell.services import offices
from waitwell.services.kiosk_taps import KioskTicket, Tap, issue_taps

BASE = "https://queue.example.org"


def count(runtime: Runtime, model: type) -> int:
    with runtime.uow(read_only=True) as uow:
        return int(uow.session.scalar(select(func.count()).select_from(model)) or 0)


def issued(answer: object) -> KioskTicket:
    assert isinstance(answer, KioskTicket), answer
    return answer


def test_taps_of_two_offices_get_their_own_numbers_people_ahead_and_print_jobs(any_runtime: Runtime) -> None:
    hartford = make_kiosk(any_runtime, printer=preview_printer())
    norwich = make_kiosk(any_runtime, printer=None, office=make_office(any_runtime, name="Norwich DMV"),
                         name="Norwich entrance")
    a, b, norwich_a = hartford.office.services["A"], hartford.office.services["B"], norwich.office.services["A"]
    taps = [Tap(hartford.kiosk.id, a, "together-0001"), Tap(norwich.kiosk.id, norwich_a, "together-0002"),
            Tap(hartford.kiosk.id, a, "together-0003"), Tap(hartford.kiosk.id, b, "together-0004"),
            Tap(hartford.kiosk.id, a, "together-0005")]
    answers = [issued(answer) for answer in issue_taps(any_runtime.uow(), taps, public_base_url=BASE)]
    assert [answer.ticket.number for answer in answers] == ["A001", "A001", "A002", "B001", "A003"]
    # Counter 1 serves A and B, counter 2 only B: every earlier A or B ticket of the office is ahead.
    assert [answer.ticket.people_ahead for answer in answers] == [0, 0, 1, 2, 3]
    assert [answer.replayed for answer in answers] == [False] * 5
    jobs = [answer.print_job for answer in answers]
    assert jobs[1] is None  # Norwich's kiosk has no printer
    assert [job.content["number"] for job in jobs if job] == ["A001", "A002", "B001", "A003"]
    assert all(job.content["status_url"] == f"{BASE}/t/{answer.ticket.token}"
               for job, answer in zip(jobs, answers, strict=True) if job)
    assert count(any_runtime, Ticket) == 5 and count(any_runtime, PrintJob) == 4
    # The next tap alone carries on the numbering
    [after] = issue_taps(any_runtime.uow(), [Tap(hartford.kiosk.id, a, "together-0006")], public_base_url=BASE)
    assert issued(after).ticket.number == "A004" and issued(after).ticket.people_ahead == 4


def test_a_refused_tap_changes_nothing_and_does_not_stop_the_others(any_runtime: Runtime) -> None:
    setup = make_kiosk(any_runtime, printer=preview_printer())
    a, b = setup.office.services["A"], setup.office.services["B"]
    offices.update_service(any_runtime.uow(), service_id=b, active=False)
    taps = [Tap(setup.kiosk.id, a, "refused-0001"), Tap(setup.kiosk.id, b, "refused-0002"),
            Tap(setup.kiosk.id, a, "bad"), Tap(setup.kiosk.id, 9999, "refused-0004"),
            Tap(404, a, "refused-0005"), Tap(setup.kiosk.id, a, "refused-0006")]
    answers = issue_taps(any_runtime.uow(), taps, public_base_url=BASE)
    assert issued(answers[0]).ticket.number == "A001" and issued(answers[5]).ticket.number == "A002"
    assert isinstance(answers[1], ServiceInactive)
    assert isinstance(answers[2], InvalidInput)
    assert isinstance(answers[3], NotFound) and "service 9999" in str(answers[3])
    assert isinstance(answers[4], NotFound) and "kiosk 404" in str(answers[4])
    assert count(any_runtime, Ticket) == 2 and count(any_runtime, PrintJob) == 2
    assert count(any_runtime, IdempotencyKey) == 2  # the refused tap's key was given back
    offices.update_service(any_runtime.uow(), service_id=b, active=True)
    [retry] = issue_taps(any_runtime.uow(), [Tap(setup.kiosk.id, b, "refused-0002")], public_base_url=BASE)
    assert issued(retry).ticket.number == "B001" and not issued(retry).replayed


def test_one_key_twice_in_a_batch_and_again_later_is_one_ticket(any_runtime: Runtime) -> None:
    setup = make_kiosk(any_runtime, printer=preview_printer())
    a, b = setup.office.services["A"], setup.office.services["B"]
    first, again, other_service = issue_taps(
        any_runtime.uow(), [Tap(setup.kiosk.id, a, "twice-000001"), Tap(setup.kiosk.id, a, "twice-000001"),
                            Tap(setup.kiosk.id, b, "twice-000001")], public_base_url=BASE)
    assert (issued(first).ticket.number, issued(first).replayed) == ("A001", False)
    assert (issued(again).ticket.id, issued(again).replayed) == (issued(first).ticket.id, True)
    assert "another service" in str(other_service)
    [later] = issue_taps(any_runtime.uow(), [Tap(setup.kiosk.id, a, "twice-000001")], public_base_url=BASE)
    assert (issued(later).ticket.id, issued(later).replayed) == (issued(first).ticket.id, True)
    assert issued(later).print_job.id == issued(first).print_job.id  # type: ignore[union-attr]
    assert count(any_runtime, Ticket) == 1 and count(any_runtime, PrintJob) == 1


def test_the_shown_estimate_is_kept_with_its_ticket_and_the_event_says_so(runtime: Runtime) -> None:
    setup = make_kiosk(runtime, printer=None)
    a = setup.office.services["A"]
    heard: list[TicketIssued] = []
    runtime.bus.subscribe(TicketIssued, heard.append)
    shown = WaitEstimate(expected_minutes=12.0, low_minutes=8.0, high_minutes=20.0)
    with_estimate, without = issue_taps(runtime.uow(), [Tap(setup.kiosk.id, a, "shown-000001", estimate=shown),
                                                        Tap(setup.kiosk.id, a, "shown-000002")], public_base_url=BASE)
    with runtime.uow(read_only=True) as uow:
        kept = {row.ticket_id: (row.expected_minutes, row.low_minutes, row.high_minutes)
                for row in uow.session.scalars(select(IssueEstimate))}
    assert kept == {issued(with_estimate).ticket.id: (12.0, 8.0, 20.0)}
    assert [(event.number, event.estimate_kept) for event in heard] == [("A001", True), ("A002", False)]
    assert issued(without).ticket.number == "A002"


def test_concurrent_batches_of_mixed_lines_neither_deadlock_nor_skip_numbers(any_runtime: Runtime) -> None:
    setup = make_kiosk(any_runtime, printer=preview_printer())
    a, b = setup.office.services["A"], setup.office.services["B"]
    errors: list[BaseException] = []
    start = threading.Barrier(6)

    def tap_batches(worker: int) -> None:
        start.wait()
        try:
            for batch in range(8):  # half the workers take B before A: opposite orders of the same rows
                lines = [a, b, a] if worker % 2 else [b, a, b]
                answers = issue_taps(any_runtime.uow(), [Tap(setup.kiosk.id, service, f"mixed-{worker}-{batch}-{i}")
                                                         for i, service in enumerate(lines)], public_base_url=BASE)
                errors.extend(answer for answer in answers if isinstance(answer, Exception))
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=tap_batches, args=(worker,)) for worker in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors
    with any_runtime.uow(read_only=True) as uow:
        numbers = sorted(uow.session.scalars(select(Ticket.number)))
    assert numbers == sorted([f"A{n:03d}" for n in range(1, 73)] + [f"B{n:03d}" for n in range(1, 73)])

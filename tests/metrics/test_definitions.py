"""Each metric's definition on hand-built histories, driven through the real engine with a virtual clock."""

from __future__ import annotations

from datetime import UTC, date, datetime

from tests.factories import issue, make_office
from tests.metrics.support import minutes, visits_on
from waitwell.metrics.legs import LegOutcome, all_legs
from waitwell.metrics.summary import summarize, summarize_visits
from waitwell.services import counters, tickets

TODAY = date(2026, 3, 10)  # the default virtual clock: 10:00 in New York


def test_wait_runs_from_issue_to_first_call_and_a_recall_does_not_restart_it(runtime, clock):
    office = make_office(runtime)
    (ticket,) = issue(runtime, office.services["A"])
    clock.advance(minutes=7)
    counters.call_next(runtime.uow(), counter_id=office.counters["Counter 1"])
    clock.advance(minutes=2)
    counters.recall(runtime.uow(), ticket_id=ticket.id)
    clock.advance(minutes=1)
    counters.start_service(runtime.uow(), ticket_id=ticket.id)
    clock.advance(minutes=5)
    counters.complete(runtime.uow(), ticket_id=ticket.id)

    (visit,) = visits_on(runtime, office.office_id, TODAY)
    (leg,) = visit.legs
    assert minutes(leg.wait) == 7
    assert leg.recalls == 1
    assert minutes(leg.service_time) == 8  # finished minus first call: the counter was held from the call on
    assert minutes(visit.visit_time) == 15
    assert visit.outcome == LegOutcome.SERVED


def test_transfer_from_a_counter_counts_one_leg_per_service_and_one_visit(runtime, clock):
    office = make_office(runtime)  # Counter 1 serves A and B, Counter 2 serves B
    (ticket,) = issue(runtime, office.services["A"])
    clock.advance(minutes=4)
    counters.call_next(runtime.uow(), counter_id=office.counters["Counter 1"])
    clock.advance(minutes=6)
    counters.transfer(runtime.uow(), ticket_id=ticket.id, to_service_id=office.services["B"])
    clock.advance(minutes=3)
    counters.call_next(runtime.uow(), counter_id=office.counters["Counter 2"])
    clock.advance(minutes=5)
    counters.complete(runtime.uow(), ticket_id=ticket.id)

    visits = visits_on(runtime, office.office_id, TODAY)
    assert len(visits) == 1
    first, second = visits[0].legs
    assert (first.service_id, minutes(first.wait), minutes(first.service_time)) == (office.services["A"], 4, 6)
    assert first.outcome == LegOutcome.TRANSFERRED
    assert (second.service_id, minutes(second.wait), minutes(second.service_time)) == (office.services["B"], 3, 5)
    assert second.counter_id == office.counters["Counter 2"]
    assert minutes(visits[0].visit_time) == 18
    assert summarize_visits(visits).issued == summarize_visits(visits).served == 1
    assert summarize(all_legs(visits)).served == 2


def test_transfer_while_still_waiting_moves_the_leg_and_keeps_its_wait(runtime, clock):
    office = make_office(runtime)
    (ticket,) = issue(runtime, office.services["A"])
    clock.advance(minutes=2)
    counters.transfer(runtime.uow(), ticket_id=ticket.id, to_service_id=office.services["B"])
    clock.advance(minutes=5)
    counters.call_next(runtime.uow(), counter_id=office.counters["Counter 2"])

    (visit,) = visits_on(runtime, office.office_id, TODAY)
    (leg,) = visit.legs
    assert leg.service_id == office.services["B"]
    assert minutes(leg.wait) == 7


def test_no_shows_and_cancellations_are_counted_on_their_own(runtime, clock):
    office = make_office(runtime, counters={"Counter 1": ["A"]})
    gone, served, cancelled, still_waiting = issue(runtime, office.services["A"], 4)
    counter_id = office.counters["Counter 1"]
    clock.advance(minutes=10)
    counters.call_next(runtime.uow(), counter_id=counter_id)
    clock.advance(minutes=3)
    counters.mark_no_show(runtime.uow(), ticket_id=gone.id)
    counters.call_next(runtime.uow(), counter_id=counter_id)
    clock.advance(minutes=4)
    counters.complete(runtime.uow(), ticket_id=served.id)
    tickets.cancel_ticket(runtime.uow(), token=cancelled.token)

    visits = visits_on(runtime, office.office_id, TODAY)
    summary = summarize(all_legs(visits))
    assert (summary.legs, summary.called, summary.served) == (4, 2, 1)
    assert (summary.no_shows, summary.cancelled, summary.cancelled_before_call, summary.waiting) == (1, 1, 1, 1)
    assert summary.no_show_rate == 0.5  # no-shows per ticket called
    # Both called tickets count in the waits: the no-show's number came up after 10 minutes.
    assert summary.average_wait == (10 * 60 + 13 * 60) / 2
    assert summary.average_service_time == 4 * 60  # a no-show is not a service
    totals = summarize_visits(visits)
    assert (totals.issued, totals.served, totals.no_shows, totals.cancelled, totals.unfinished) == (4, 1, 1, 1, 1)
    assert still_waiting.id in {v.ticket_id for v in visits if v.outcome == LegOutcome.WAITING}


def test_a_ticket_belongs_to_the_local_day_it_was_issued(runtime, clock):
    office = make_office(runtime, timezone="America/New_York", counters={"Counter 1": ["A"]})
    service = office.services["A"]
    clock.set(datetime(2026, 3, 10, 23, 30, tzinfo=UTC))  # 19:30 in New York, the 10th
    evening = issue(runtime, service)[0]
    clock.set(datetime(2026, 3, 11, 3, 55, tzinfo=UTC))  # 23:55 in New York: still the 10th, already the 11th in UTC
    late = issue(runtime, service)[0]
    clock.set(datetime(2026, 3, 11, 4, 5, tzinfo=UTC))  # 00:05 in New York: the 11th
    after_midnight = issue(runtime, service)[0]
    clock.set(datetime(2026, 3, 11, 4, 10, tzinfo=UTC))
    counters.call_next(runtime.uow(), counter_id=office.counters["Counter 1"])  # calls the 19:30 ticket

    tenth = visits_on(runtime, office.office_id, date(2026, 3, 10))
    eleventh = visits_on(runtime, office.office_id, date(2026, 3, 11))
    assert [v.number for v in tenth] == [evening.number, late.number] == ["A001", "A002"]
    assert [v.number for v in eleventh] == [after_midnight.number] == ["A001"]
    assert minutes(tenth[0].legs[0].wait) == 4 * 60 + 40  # waits that cross midnight stay with the issue day


def test_tickets_left_in_line_at_closing_are_counted_apart_from_cancellations(runtime, clock):
    from waitwell.services.end_of_day import end_of_day

    office = make_office(runtime, counters={"Counter 1": ["A"]})
    _kept, gave_up = issue(runtime, office.services["A"], 2)
    tickets.cancel_ticket(runtime.uow(), token=gave_up.token)
    clock.advance(hours=8)
    end_of_day(runtime.uow(), office_id=office.office_id)

    visits = visits_on(runtime, office.office_id, TODAY)
    assert [v.outcome for v in visits] == [LegOutcome.CLOSED_UNSERVED, LegOutcome.CANCELLED]
    summary = summarize(all_legs(visits))
    assert (summary.cancelled, summary.closed_unserved, summary.waiting) == (1, 1, 0)
    assert summarize_visits(visits).closed_unserved == 1

"""Office recall rules enforced by the engine, on the virtual clock."""

from __future__ import annotations

import json

import pytest

from tests.factories import issue, make_office
from waitwell.domain import events
from waitwell.domain.errors import InvalidInput, RecallLimitReached, RecallTooSoon
from waitwell.domain.recalls import RecallRules
from waitwell.domain.states import TicketState
from waitwell.persistence import TicketEvent
from waitwell.services import counters, recall_rules


def _office_with_rules(runtime, **rules):
    office = make_office(runtime)
    recall_rules.set_recall_rules(runtime.uow(), office_id=office.office_id, rules=RecallRules(**rules))
    return office


def _called(runtime, office, count=1):
    tickets = issue(runtime, office.services["A"], count)
    called = counters.call_next(runtime.uow(), counter_id=office.counters["Counter 1"])
    return called, tickets


def test_without_rules_a_ticket_can_be_recalled_at_once_and_often(runtime):
    office = make_office(runtime)
    called, _ = _called(runtime, office)
    for _ in range(5):
        called = counters.recall(runtime.uow(), ticket_id=called.id)
    assert called.call_count == 6
    assert called.state == TicketState.CALLED


def test_recall_too_soon_is_refused_with_the_seconds_left(runtime, clock):
    office = _office_with_rules(runtime, min_seconds_between_recalls=30)
    called, _ = _called(runtime, office)
    clock.advance(seconds=12)
    with pytest.raises(RecallTooSoon, match=r"wait 18 s before calling A001 again"):
        counters.recall(runtime.uow(), ticket_id=called.id)
    clock.advance(seconds=18)
    assert counters.recall(runtime.uow(), ticket_id=called.id).call_count == 2


def test_the_interval_counts_from_the_last_recall(runtime, clock):
    office = _office_with_rules(runtime, min_seconds_between_recalls=30)
    called, _ = _called(runtime, office)
    clock.advance(seconds=30)
    counters.recall(runtime.uow(), ticket_id=called.id)
    clock.advance(seconds=29)
    with pytest.raises(RecallTooSoon):
        counters.recall(runtime.uow(), ticket_id=called.id)


def test_maximum_recalls_refuses_one_more(runtime, clock):
    office = _office_with_rules(runtime, max_recalls=2)
    called, _ = _called(runtime, office)
    counters.recall(runtime.uow(), ticket_id=called.id)
    counters.recall(runtime.uow(), ticket_id=called.id)
    with pytest.raises(RecallLimitReached, match="recalled 2 times, the office's maximum"):
        counters.recall(runtime.uow(), ticket_id=called.id)
    # Nothing changed: the clerk can still mark it a no-show or start serving.
    assert counters.mark_no_show(runtime.uow(), ticket_id=called.id).state == TicketState.NO_SHOW


def test_automatic_no_show_after_the_last_recall_has_waited_its_interval(runtime, clock):
    office = _office_with_rules(runtime, min_seconds_between_recalls=30, auto_no_show_after_recalls=2)
    seen = []
    runtime.bus.subscribe(events.TicketMarkedNoShow, seen.append)
    called, _ = _called(runtime, office)
    clock.advance(seconds=30)
    counters.recall(runtime.uow(), ticket_id=called.id)
    clock.advance(seconds=30)
    counters.recall(runtime.uow(), ticket_id=called.id)
    clock.advance(seconds=20)
    with pytest.raises(RecallTooSoon):
        counters.recall(runtime.uow(), ticket_id=called.id)
    clock.advance(seconds=10)
    result = counters.recall(runtime.uow(), ticket_id=called.id)
    assert result.state == TicketState.NO_SHOW
    assert result.call_count == 3  # no third recall was made
    assert [e.number for e in seen] == ["A001"]
    with runtime.uow() as uow:
        last = uow.session.query(TicketEvent).filter_by(ticket_id=called.id).order_by(TicketEvent.id.desc()).first()
        assert last.kind == "no_show"
        assert json.loads(last.detail) == {"after_recalls": 2, "automatic": True}


def test_call_next_clears_a_due_automatic_no_show_first(runtime, clock):
    office = _office_with_rules(runtime, min_seconds_between_recalls=20, auto_no_show_after_recalls=1)
    called, _ = _called(runtime, office, count=2)
    clock.advance(seconds=20)
    counters.recall(runtime.uow(), ticket_id=called.id)
    clock.advance(seconds=5)
    with pytest.raises(Exception, match="still has ticket A001"):
        counters.call_next(runtime.uow(), counter_id=office.counters["Counter 1"])
    clock.advance(seconds=15)
    nxt = counters.call_next(runtime.uow(), counter_id=office.counters["Counter 1"])
    assert nxt.number == "A002"
    from waitwell.services import queries
    assert queries.ticket_view(runtime.uow(read_only=True), ticket_id=called.id).state == TicketState.NO_SHOW


def test_sweep_marks_only_the_calls_that_are_due(runtime, clock):
    office = _office_with_rules(runtime, min_seconds_between_recalls=20, auto_no_show_after_recalls=1)
    first = issue(runtime, office.services["A"], 1)[0]
    second = issue(runtime, office.services["B"], 1)[0]
    counters.call_ticket(runtime.uow(), counter_id=office.counters["Counter 1"], ticket_id=first.id)
    counters.call_ticket(runtime.uow(), counter_id=office.counters["Counter 2"], ticket_id=second.id)
    clock.advance(seconds=20)
    counters.recall(runtime.uow(), ticket_id=first.id)
    clock.advance(seconds=20)
    expired = recall_rules.expire_unanswered_calls(runtime.uow())
    assert [t.number for t in expired] == ["A001"]
    assert recall_rules.expire_unanswered_calls(runtime.uow()) == []


def test_starting_service_is_still_possible_when_the_no_show_is_due_but_not_applied(runtime, clock):
    office = _office_with_rules(runtime, min_seconds_between_recalls=10, auto_no_show_after_recalls=1)
    called, _ = _called(runtime, office)
    clock.advance(seconds=10)
    counters.recall(runtime.uow(), ticket_id=called.id)
    clock.advance(seconds=60)
    assert counters.start_service(runtime.uow(), ticket_id=called.id).state == TicketState.SERVING


@pytest.mark.parametrize(
    ("rules", "message"),
    [
        ({"auto_no_show_after_recalls": 2}, "needs a minimum time between recalls"),
        ({"min_seconds_between_recalls": 30, "max_recalls": 1, "auto_no_show_after_recalls": 2},
         "can never happen when at most 1 recalls"),
        ({"min_seconds_between_recalls": -1}, "0 to 3600 seconds"),
        ({"max_recalls": 0}, "maximum number of recalls is 1 to 20"),
    ],
)
def test_rules_that_cannot_work_are_refused(runtime, rules, message):
    office = make_office(runtime)
    with pytest.raises(InvalidInput, match=message):
        recall_rules.set_recall_rules(runtime.uow(), office_id=office.office_id, rules=RecallRules(**rules))

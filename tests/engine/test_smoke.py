from tests.factories import issue, make_office
from waitwell.services import counters


def test_calls_oldest_waiting_ticket_first(runtime):
    office = make_office(runtime)
    first, second = issue(runtime, office.services["A"], 2, minutes_apart=1)
    called = counters.call_next(runtime.uow(), counter_id=office.counters["Counter 1"])
    assert called.number == first.number == "A001"
    assert second.people_ahead == 1

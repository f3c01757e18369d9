"""Two clerks at once: each sees the other's calls, and a ticket one takes is never still waiting for the other."""

from __future__ import annotations

from tests.console.conftest import act, state, take
from tests.factories import issue


def test_a_ticket_taken_at_another_counter_leaves_my_waiting_list(clerk, second_clerk, office, runtime):
    take(clerk, office.counters["Counter 1"])
    take(second_clerk, office.counters["Counter 2"])
    issue(runtime, office.services["B"], 2)
    mine = state(clerk, office.counters["Counter 1"])
    assert [t["number"] for t in mine["waiting"]] == ["B001", "B002"]

    act(second_clerk, office.counters["Counter 2"], "call-next")
    mine = state(clerk, office.counters["Counter 1"])
    assert [t["number"] for t in mine["waiting"]] == ["B002"]
    assert {"name": "Counter 2", "clerk": "james", "ticket_number": "B001", "ticket_state": "called"}.items() \
        <= mine["others"][0].items()


def test_two_clerks_calling_at_the_same_moment_never_get_the_same_ticket(clerk, second_clerk, office, runtime):
    take(clerk, office.counters["Counter 1"])
    take(second_clerk, office.counters["Counter 2"])
    issue(runtime, office.services["B"], 2)
    first = act(clerk, office.counters["Counter 1"], "call-next").get_json()["state"]["current"]["number"]
    second = act(second_clerk, office.counters["Counter 2"], "call-next").get_json()["state"]["current"]["number"]
    assert {first, second} == {"B001", "B002"}


def test_calling_out_of_turn_a_ticket_another_counter_just_took_is_refused(clerk, second_clerk, office, runtime):
    take(clerk, office.counters["Counter 1"])
    take(second_clerk, office.counters["Counter 2"])
    issue(runtime, office.services["B"])
    seen = state(clerk, office.counters["Counter 1"])["waiting"][0]
    act(second_clerk, office.counters["Counter 2"], "call-next")
    refused = act(clerk, office.counters["Counter 1"], "call", {"ticket_id": seen["id"], "reason": "Appointment"})
    assert refused.status_code == 409
    assert "B001 is called" in refused.get_json()["error"]["message"]

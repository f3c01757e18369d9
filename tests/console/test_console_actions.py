"""Every console action, as the console's script sends it, and what the clerk then sees."""

from __future__ import annotations

import json

import pytest

from tests.console.conftest import act, state, take
from tests.factories import issue
from waitwell.domain.recalls import RecallRules
from waitwell.services import audit, recall_rules
from waitwell.services.audit import AuditFilter


@pytest.fixture
def at_counter(clerk, office):
    take(clerk, office.counters["Counter 1"])
    return clerk, office.counters["Counter 1"]


def test_the_waiting_list_shows_this_counters_lines_in_calling_order_with_their_wait(at_counter, office, runtime,
                                                                                      clock):
    clerk, counter_id = at_counter
    issue(runtime, office.services["A"])
    clock.advance(minutes=2)
    issue(runtime, office.services["B"])
    seen = state(clerk, counter_id)
    assert [t["number"] for t in seen["waiting"]] == ["A001", "B001"]
    assert seen["waiting"][0]["waiting_since"] == "2026-03-10T14:00:00Z"
    assert seen["now"] == "2026-03-10T14:02:00Z"  # the page shows 2:00 waited for A001
    # Counter 2 serves only B: its clerk sees only B001.
    assert [line["prefix"] for line in seen["lines"]] == ["A", "B"]


def test_call_next_then_complete(at_counter, office, runtime, clock):
    clerk, counter_id = at_counter
    issue(runtime, office.services["A"], 2)
    response = act(clerk, counter_id, "call-next")
    assert response.status_code == 200
    body = response.get_json()
    assert body["message"] == "Called A001"
    current = body["state"]["current"]
    assert (current["number"], current["state"], current["called_at"]) == ("A001", "called", "2026-03-10T14:00:00Z")
    assert [t["number"] for t in body["state"]["waiting"]] == ["A002"]
    clock.advance(minutes=4)
    done = act(clerk, counter_id, "complete", {"ticket_id": current["id"]}).get_json()
    assert done["message"] == "A001 completed"
    assert done["state"]["current"] is None
    assert done["state"]["recent"][0] == {"number": "A001", "state": "done", "finished_at": "2026-03-10T14:04:00Z"}


def test_recall_start_and_no_show(at_counter, office, runtime):
    clerk, counter_id = at_counter
    issue(runtime, office.services["A"], 2)
    first = act(clerk, counter_id, "call-next").get_json()["state"]["current"]
    recalled = act(clerk, counter_id, "recall", {"ticket_id": first["id"]}).get_json()
    assert recalled["message"] == "Recalled A001"
    assert recalled["state"]["current"]["call_count"] == 2
    missed = act(clerk, counter_id, "no-show", {"ticket_id": first["id"]}).get_json()
    assert missed["message"] == "A001 marked as a no-show"
    second = act(clerk, counter_id, "call-next").get_json()["state"]["current"]
    started = act(clerk, counter_id, "start", {"ticket_id": second["id"]}).get_json()
    assert started["message"] == "Serving A002"
    assert started["state"]["current"]["state"] == "serving"


def test_transfer_moves_the_ticket_to_another_line(at_counter, office, runtime):
    clerk, counter_id = at_counter
    issue(runtime, office.services["A"])
    current = act(clerk, counter_id, "call-next").get_json()["state"]["current"]
    moved = act(clerk, counter_id, "transfer", {"ticket_id": current["id"], "service_id": office.services["B"]})
    assert moved.status_code == 200
    body = moved.get_json()
    assert body["message"] == "A001 moved to Title"
    assert body["state"]["current"] is None
    assert [(t["number"], t["service_name"]) for t in body["state"]["waiting"]] == [("A001", "Title")]


def test_calling_a_ticket_out_of_turn_needs_a_reason_and_keeps_it(at_counter, office, runtime):
    clerk, counter_id = at_counter
    issue(runtime, office.services["A"], 3)
    third = state(clerk, counter_id)["waiting"][2]
    refused = act(clerk, counter_id, "call", {"ticket_id": third["id"], "reason": ""})
    assert refused.status_code == 422
    assert "say why this ticket is called out of turn" in refused.get_json()["error"]["message"].lower()
    called = act(clerk, counter_id, "call", {"ticket_id": third["id"], "reason": "Appointment"}).get_json()
    assert called["message"] == "Called A003 out of turn"
    from waitwell.persistence import TicketEvent

    with runtime.uow() as uow:
        row = uow.session.query(TicketEvent).filter_by(ticket_id=third["id"], kind="called").one()
        assert json.loads(row.detail) == {"out_of_turn": True, "reason": "Appointment"}


def test_pause_for_a_break_then_resume(at_counter, office, runtime):
    clerk, counter_id = at_counter
    issue(runtime, office.services["A"])
    paused = act(clerk, counter_id, "pause").get_json()
    assert paused["state"]["counter"]["state"] == "paused"
    refused = act(clerk, counter_id, "call-next")
    assert refused.status_code == 409
    assert "Counter 1 is paused" in refused.get_json()["error"]["message"]
    resumed = act(clerk, counter_id, "resume").get_json()
    assert resumed["state"]["counter"]["state"] == "open"
    assert act(clerk, counter_id, "call-next").status_code == 200


def test_an_action_on_a_ticket_the_screen_shows_but_that_moved_is_refused(at_counter, office, runtime):
    clerk, counter_id = at_counter
    issue(runtime, office.services["A"], 2)
    first = act(clerk, counter_id, "call-next").get_json()["state"]["current"]
    act(clerk, counter_id, "complete", {"ticket_id": first["id"]})
    act(clerk, counter_id, "call-next")
    stale = act(clerk, counter_id, "complete", {"ticket_id": first["id"]})
    assert stale.status_code == 409
    assert "The ticket at this counter is now A002" in stale.get_json()["error"]["message"]


def test_calling_next_with_nobody_waiting_says_so(at_counter):
    clerk, counter_id = at_counter
    response = act(clerk, counter_id, "call-next")
    assert response.status_code == 404
    assert response.get_json()["error"]["message"] == "Nobody is waiting for the services of Counter 1."


def test_recall_rules_reach_the_clerk_as_messages_and_countdowns(at_counter, office, runtime, clock):
    clerk, counter_id = at_counter
    recall_rules.set_recall_rules(runtime.uow(), office_id=office.office_id,
                                  rules=RecallRules(min_seconds_between_recalls=30, auto_no_show_after_recalls=1))
    issue(runtime, office.services["A"])
    current = act(clerk, counter_id, "call-next").get_json()["state"]["current"]
    assert current["next_recall_at"] == "2026-03-10T14:00:30Z"
    refused = act(clerk, counter_id, "recall", {"ticket_id": current["id"]})
    assert refused.status_code == 409
    assert "Wait 30 s before calling A001 again" in refused.get_json()["error"]["message"]
    clock.advance(seconds=30)
    recalled = act(clerk, counter_id, "recall", {"ticket_id": current["id"]}).get_json()["state"]["current"]
    assert recalled["auto_no_show_at"] == "2026-03-10T14:01:00Z"
    clock.advance(seconds=30)
    last = act(clerk, counter_id, "recall", {"ticket_id": current["id"]}).get_json()
    assert last["message"] == "A001 did not come after its last recall: marked as a no-show"
    assert last["state"]["current"] is None


def test_an_unknown_action_is_not_found(at_counter):
    clerk, counter_id = at_counter
    assert act(clerk, counter_id, "teleport").status_code == 404


def test_a_json_action_without_the_csrf_header_is_refused(at_counter, office, runtime):
    clerk, counter_id = at_counter
    issue(runtime, office.services["A"])
    response = clerk.client.post(f"/console/counters/{counter_id}/actions/call-next", json={})
    assert response.status_code == 400
    assert state(clerk, counter_id)["current"] is None  # nothing was called


def test_every_action_is_in_the_audit_log_with_who_and_where(at_counter, office, runtime):
    clerk, counter_id = at_counter
    issue(runtime, office.services["A"])
    current = act(clerk, counter_id, "call-next").get_json()["state"]["current"]
    act(clerk, counter_id, "start", {"ticket_id": current["id"]})
    act(clerk, counter_id, "recall", {"ticket_id": current["id"]})  # refused: already serving
    entries = audit.find(runtime.uow(read_only=True), visible_office_ids=None, wanted=AuditFilter(action="console."))
    assert [(e.action, e.username, e.address, e.status_code) for e in reversed(entries)] == [
        ("console.call-next", "maria", "10.0.0.11", 200),
        ("console.start", "maria", "10.0.0.11", 200),
        ("console.recall", "maria", "10.0.0.11", 409),
    ]
    assert entries[2].office_id == office.office_id
    assert entries[1].target == "ticket A001"


def test_the_console_page_offers_every_shortcut(at_counter):
    clerk, counter_id = at_counter
    page = clerk.client.get(f"/console/counters/{counter_id}").get_data(as_text=True)
    for key, action in [("N", "call-next"), ("R", "recall"), ("S", "start"), ("C", "complete"), ("X", "no-show"),
                        ("T", "transfer"), ("O", "call"), ("P", "pause")]:
        assert f'data-action="{action}" data-key="{key}" aria-keyshortcuts="{key}"' in page

"""The audit log: every staff and admin action, filterable by supervisors, only for their own offices."""

from __future__ import annotations

from tests.console.support import signed_in
from tests.factories import issue, make_office, make_staff
from waitwell.persistence import Role


def test_admin_actions_are_recorded_with_who_what_and_where(admin, office, runtime):
    admin.post_form(f"/admin/offices/{office.office_id}/counters/new",
                    {"name": "Counter 9", "service_ids": [str(office.services["A"])]})
    admin.post_form(f"/admin/services/{office.services['A']}/remove")
    entries = admin.get_json("/audit/entries.json?action=admin.")["entries"]
    actions = [(e["action"], e["username"], e["address"], e["succeeded"]) for e in entries]
    assert ("admin.counter.create", "root", "127.0.0.1", True) in actions
    created = next(e for e in entries if e["action"] == "admin.counter.create")
    assert created["target"] == "counter Counter 9" and created["office_name"] == "Hartford DMV"


def test_supervisors_see_and_filter_their_offices_only(app, runtime, office):
    other = make_office(runtime, name="Norwich DMV", services=(("Registration", "R"),), counters={"Desk 1": ["R"]})
    issue(runtime, office.services["A"])
    issue(runtime, other.services["R"])
    here = signed_in(app, make_staff(runtime, [office.office_id], username="clerk-here"), address="10.0.0.5")
    there = signed_in(app, make_staff(runtime, [other.office_id], username="clerk-there"))
    here.post_json(f"/api/v1/counters/{office.counters['Counter 1']}/call-next")
    there.post_json(f"/api/v1/counters/{other.counters['Desk 1']}/call-next")
    supervisor = signed_in(app, make_staff(runtime, [office.office_id], role=Role.SUPERVISOR, username="sam"))

    entries = supervisor.get_json("/audit/entries.json")["entries"]
    assert {e["username"] for e in entries} <= {"clerk-here", "sam"}
    call = next(e for e in entries if e["action"] == "counters.call_next")
    assert (call["username"], call["address"], call["office_name"]) == ("clerk-here", "10.0.0.5", "Hartford DMV")
    assert call["target"] == "counter Counter 1"

    only_sign_ins = supervisor.get_json("/audit/entries.json?action=sign_in")["entries"]
    assert {e["action"] for e in only_sign_ins} == {"sign_in"}
    refused = supervisor.client.get(f"/audit/entries.json?office={other.office_id}")
    assert refused.status_code == 422
    page = supervisor.client.get("/audit/?user=clerk-here").get_data(as_text=True)
    assert "counters.call_next" in page and "clerk-there" not in page


def test_the_audit_log_filters_by_local_day_and_refusals(app, runtime, office, clock):
    supervisor = signed_in(app, make_staff(runtime, [office.office_id], role=Role.SUPERVISOR, username="sam"))
    supervisor.post_json(f"/api/v1/counters/{office.counters['Counter 1']}/call-next")  # refused: closed
    clock.advance(days=1)
    supervisor = signed_in(app, supervisor.member)  # a new day, a new session
    supervisor.post_json(f"/api/v1/counters/{office.counters['Counter 1']}/pause")
    today = supervisor.get_json("/audit/entries.json?since=2026-03-11&until=2026-03-11")["entries"]
    assert [e["action"] for e in today] == ["counters.pause_counter", "sign_in"]
    failed = supervisor.get_json("/audit/entries.json?failed=1")["entries"]
    assert [(e["action"], e["status_code"]) for e in failed] == [("counters.call_next", 409)]
    assert "Counter 1 is closed" in failed[0]["detail"]["refused"]
    bad = supervisor.client.get("/audit/?since=yesterday")
    assert bad.status_code == 422 and "is not a date like 2026-03-10" in bad.get_data(as_text=True)

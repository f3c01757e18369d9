"""The metrics JSON API and CSV export, as a supervisor, a clerk and the public see them."""

from __future__ import annotations

import csv
import io
import time

import pytest
from sqlalchemy import select

from tests.factories import issue, make_office, make_staff, sign_in
from tests.support.waiting import DEADLINE_SECONDS
from waitwell.dashboard import RECORDER_KEY
from waitwell.persistence import Role
from waitwell.services import accounts, counters


@pytest.fixture
def served_morning(runtime, clock):
    """Three tickets: one served after a 6-minute wait, one no-show after 8, one still waiting."""
    office = make_office(runtime, counters={"Counter 1": ["A"]})
    first, second, _third = issue(runtime, office.services["A"], 3)
    counter_id = office.counters["Counter 1"]
    clock.advance(minutes=6)
    counters.call_next(runtime.uow(), counter_id=counter_id)
    clock.advance(minutes=2)
    counters.complete(runtime.uow(), ticket_id=first.id)
    counters.call_next(runtime.uow(), counter_id=counter_id)
    clock.advance(minutes=3)
    counters.mark_no_show(runtime.uow(), ticket_id=second.id)
    return office


def clerk_auth(runtime, office_id):
    """Bearer headers of a clerk of the office: taking a ticket through the API needs staff credentials."""
    clerk = make_staff(runtime, [office_id], username=f"desk-{office_id}")
    return {"Authorization": f"Bearer {accounts.create_api_token(runtime.uow(), user_id=clerk.id, name='desk')}"}


@pytest.fixture
def supervisor(runtime, client, served_morning):
    member = make_staff(runtime, [served_morning.office_id], role=Role.SUPERVISOR)
    sign_in(client, member)
    return member


def test_anyone_can_read_the_last_ten_figures(client, served_morning):
    body = client.get("/api/v1/waits").get_json()
    assert "last 10 customers called" in body["definition"]
    (office,) = body["offices"]
    service, title = office["services"]
    assert title["name"] == "Title" and title["average_wait_min"] is None and title["shown"] is False
    assert (service["name"], service["average_wait_min"], service["calls"]) == ("Licence renewal", 7.0, 2)
    assert service["updated_at_local"] == "10:08" and service["stale"] is False and service["shown"] is True
    one = client.get(f"/api/v1/offices/{served_morning.office_id}/waits").get_json()
    assert one["office"]["average_wait_min"] == 7.0


def test_today_needs_a_supervisor_of_the_office(runtime, client, served_morning):
    office_id = served_morning.office_id
    assert client.get(f"/api/v1/offices/{office_id}/metrics/today").status_code == 401
    sign_in(client, make_staff(runtime, [office_id], role=Role.CLERK))
    response = client.get(f"/api/v1/offices/{office_id}/metrics/today")
    assert response.status_code == 403 and response.get_json()["error"]["code"]
    other = make_office(runtime, name="Norwich DMV")
    sign_in(client, make_staff(runtime, [other.office_id], role=Role.SUPERVISOR))
    assert client.get(f"/api/v1/offices/{office_id}/metrics/today").status_code == 403


def test_today_as_a_supervisor(client, supervisor, served_morning):
    body = client.get(f"/api/v1/offices/{served_morning.office_id}/metrics/today").get_json()
    assert body["office"]["now_local"] == "10:11"
    assert (body["waiting_now"], body["longest_wait_min"]) == (1, 11.0)
    assert body["visits"] == {"issued": 3, "served": 1, "no_shows": 1, "cancelled": 0, "closed_unserved": 0,
                              "unfinished": 1, "transferred": 0, "average_visit_min": 8.0}
    assert body["summary"]["no_show_rate_pct"] == 50.0
    assert body["summary"]["average_wait_min"] == 7.0
    assert body["services"][0]["summary"]["within_15_min_pct"] == 100.0
    assert "first call" in body["definitions"]["average_wait_min"]


def test_report_json_by_service_counter_clerk_and_day(client, supervisor, served_morning):
    url = f"/api/v1/offices/{served_morning.office_id}/reports?from=2026-03-09&to=2026-03-10"
    by_service = client.get(url).get_json()
    assert [row["label"] for row in by_service["rows"]] == ["Licence renewal", "Title"]
    assert by_service["rows"][0]["summary"]["legs"] == 3
    assert by_service["rows"][1]["summary"]["average_wait_min"] is None  # nobody: no figure, not a zero
    by_counter = client.get(url + "&group_by=counter").get_json()
    counter = by_counter["rows"][0]
    assert counter["open_hours"] == round(11 / 60, 2) and counter["utilisation_pct"] == pytest.approx(45.5)
    by_day = client.get(url + "&group_by=day").get_json()
    assert [row["id"] for row in by_day["rows"]] == ["2026-03-09", "2026-03-10"]
    assert client.get(url + "&group_by=clerk").get_json()["rows"] == []  # called without a signed-in clerk


def test_report_rejects_a_backwards_range_and_unknown_grouping(client, supervisor, served_morning):
    base = f"/api/v1/offices/{served_morning.office_id}/reports"
    backwards = client.get(base + "?from=2026-03-10&to=2026-03-01")
    assert backwards.status_code == 422 and "to" in backwards.get_json()["error"]["fields"]["query"]
    assert client.get(base + "?from=2026-03-10&to=2026-03-10&group_by=mood").status_code == 422


def test_csv_export_of_the_summary_and_of_every_leg(client, supervisor, served_morning):
    base = f"/api/v1/offices/{served_morning.office_id}/reports.csv?from=2026-03-10&to=2026-03-10"
    response = client.get(base)
    assert response.mimetype == "text/csv"
    assert 'filename="waitwell-office1-summary-2026-03-10-by-service.csv"' in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert [row["label"] for row in rows] == ["Licence renewal", "Title", "All"]
    assert (rows[0]["average_wait_min"], rows[0]["no_shows"], rows[0]["still_in_line"]) == ("7.0", "1", "1")
    legs = list(csv.DictReader(io.StringIO(client.get(base + "&rows=legs").get_data(as_text=True))))
    assert [(leg["number"], leg["outcome"], leg["wait_min"]) for leg in legs] == [
        ("A001", "served", "6.0"), ("A002", "no_show", "8.0"), ("A003", "waiting", "")]
    assert legs[0]["first_called"] == "2026-03-10T10:06:00-04:00"  # local time, offset shown


def test_what_if_as_a_supervisor(client, supervisor, served_morning):
    response = client.post(f"/api/v1/offices/{served_morning.office_id}/what-if",
                           json={"service_id": served_morning.services["A"]})
    body = response.get_json()
    assert response.status_code == 200, body
    assert [v["name"] for v in body["variants"]] == ["as now", "one more", "one fewer"]
    assert body["waiting_now"] == 1 and body["from_local"] == "10:11"
    assert client.post(f"/api/v1/offices/{served_morning.office_id}/what-if", json={}).status_code == 422


def test_every_ticket_issued_through_the_app_keeps_its_estimate(runtime, app, client):
    from waitwell.persistence import IssueEstimate

    office = make_office(runtime, counters={"Counter 1": ["A"]})
    response = client.post("/api/v1/tickets", json={"service_id": office.services["A"]},
                           headers=clerk_auth(runtime, office.office_id))
    assert response.status_code == 201
    assert app.extensions[RECORDER_KEY].wait_until_idle(10)  # kept in the background: the answer never waits
    with runtime.uow(read_only=True) as uow:
        stored = uow.session.get(IssueEstimate, response.get_json()["id"])
        assert stored is not None and stored.predictor and stored.low_minutes <= stored.high_minutes


def test_a_burst_of_tickets_shares_one_look_at_the_office(runtime, app, client, monkeypatch):
    """Each replay of the office costs as much as the line is long: new tickets are estimated together, at
    most every few seconds per office, never once per ticket."""
    from waitwell.persistence import IssueEstimate
    from waitwell.services.metrics import stored_estimates

    replays = []
    real = stored_estimates.estimate_waits
    monkeypatch.setattr(stored_estimates, "estimate_waits", lambda *a, **k: replays.append(1) or real(*a, **k))
    office = make_office(runtime, counters={"Counter 1": ["A"], "Counter 2": ["A"]})
    app.config["ISSUE_LIMIT_PER_ADDRESS"] = "100 per minute"  # a burst from one desk, within its limit here
    auth = clerk_auth(runtime, office.office_id)
    started = time.monotonic()
    ids = [client.post("/api/v1/tickets", json={"service_id": office.services["A"]}, headers=auth).get_json()["id"]
           for _ in range(30)]
    took = time.monotonic() - started  # seconds on a quiet machine, many more on a busy one
    assert app.extensions[RECORDER_KEY].wait_until_idle(DEADLINE_SECONDS)
    with runtime.uow(read_only=True) as uow:
        kept = {row.ticket_id for row in uow.session.scalars(select(IssueEstimate))}
    assert kept == set(ids)
    # One look at the office per RECORD_EVERY_SECONDS while the tickets came, and one for the last of them.
    most = 2 + int(took / stored_estimates.IssueEstimateRecorder.RECORD_EVERY_SECONDS)
    assert 1 <= len(replays) <= most < 30, f"{len(replays)} replays of the office for 30 tickets in {took:.1f} s"

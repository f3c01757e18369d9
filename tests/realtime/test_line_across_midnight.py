"""A line kept across midnight (an office without opening hours) goes on working from outside: the calling
order, the lobby display, the phone following its ticket, the status page and the dashboard's figures."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import requests

from tests.factories import PASSWORD, issue
from tests.realtime.support import FeedFollower, following
from waitwell.jobs.scheduler import Scheduler
from waitwell.realtime.rooms import DISPLAY_NAMESPACE, TICKET_NAMESPACE
from waitwell.services.metrics.today import office_today

GENEROUS = 60.0  # seconds: a busy two-core machine is slow, never wrong


def local(moment: str) -> datetime:
    return datetime.fromisoformat(moment).replace(tzinfo=ZoneInfo("America/New_York")).astimezone(UTC)


def test_a_line_kept_across_midnight_is_called_in_order_and_shown_everywhere(live, office, display, runtime, clock,
                                                                           clerk_http):
    clock.set(local("2026-03-10 23:59:00"))
    first, second = issue(runtime, office.services["A"], 2)  # A001 and A002 of Tuesday
    clock.set(local("2026-03-11 00:00:04"))
    assert Scheduler(runtime, holder="here").tick() == []
    (wednesday,) = issue(runtime, office.services["A"])
    assert wednesday.number == "A001"  # numbering restarts with the local day
    # The clerk of the night signs in again: a session lasts 12 hours at most (the fixture's began at 10:00).
    signed = clerk_http.post(f"{live.url}/api/v1/auth/sign-in", timeout=GENEROUS,
                             json={"username": f"clerk-{office.office_id}", "password": PASSWORD})
    assert signed.status_code == 200, signed.text
    clerk_http.headers["X-CSRFToken"] = signed.headers["X-CSRFToken"]

    page = requests.get(f"{live.url}/t/{second.token}", timeout=GENEROUS)
    assert page.status_code == 200
    assert 'data-field="people_ahead">1<' in page.text
    screen = FeedFollower(live.url, DISPLAY_NAMESPACE, {"display_id": display.id}).connect()
    phone = FeedFollower(live.url, TICKET_NAMESPACE, {"token": second.token}).connect()
    with following(screen, phone):
        assert phone.state["number"] == "A002" and phone.state["people_ahead"] == 1
        assert [s["waiting"] for s in screen.state["services"] if s["prefix"] == "A"] == [3]

        called = clerk_http.post(f"{live.url}/api/v1/counters/{office.counters['Counter 1']}/call-next",
                                 timeout=GENEROUS)
        assert called.status_code == 200, called.text
        assert called.json()["id"] == first.id  # Tuesday's A001 has waited longest

        board = screen.wait_for(lambda s: s["calls"], GENEROUS, "Tuesday's A001 called on the board")
        assert (board["calls"][0]["number"], board["calls"][0]["counter"]) == ("A001", "Counter 1")
        status = phone.wait_for(lambda s: s["people_ahead"] == 0, GENEROUS, "one person fewer ahead")
        assert status["last_called"] == "A001"

    figures = office_today(runtime.uow(read_only=True), office.office_id)
    assert figures.waiting_now == 2  # Tuesday's A002 and Wednesday's A001

"""A lobby display's feed over a real Socket.IO connection."""

from __future__ import annotations

import threading

import pytest

from tests.factories import issue
from tests.realtime.support import FeedFollower, following
from waitwell.realtime.rooms import DISPLAY_NAMESPACE
from waitwell.services import counters


def test_display_receives_a_call_made_through_the_staff_api(live, office, display, runtime, clerk_http):
    issue(runtime, office.services["A"], 2)
    screen = FeedFollower(live.url, DISPLAY_NAMESPACE, {"display_id": display.id}).connect()
    with following(screen):
        assert screen.state["calls"] == []
        assert [s["waiting"] for s in screen.state["services"]] == [2, 0]

        response = clerk_http.post(f"{live.url}/api/v1/counters/{office.counters['Counter 3']}/call-next")
        assert response.status_code == 200, response.text

        board = screen.wait_for(lambda s: s["calls"], what="the call on the board")
        assert board["calls"][0]["number"] == "A001"
        assert board["calls"][0]["counter"] == "Counter 3"
        assert screen.change_of_kind("ticket_called") is not None
        assert [s["waiting"] for s in board["services"]] == [1, 0]


def test_a_recall_is_a_new_call_to_announce(live, office, display, runtime):
    (ticket,) = issue(runtime, office.services["A"])
    counters.call_next(runtime.uow(), counter_id=office.counters["Counter 1"])
    screen = FeedFollower(live.url, DISPLAY_NAMESPACE, {"display_id": display.id}).connect()
    with following(screen):
        first_key = screen.state["calls"][0]["key"]
        counters.recall(runtime.uow(), ticket_id=ticket.id)
        board = screen.wait_for(lambda s: s["calls"][0]["key"] != first_key, what="the recall")
        assert board["calls"][0]["recall"] is True
        assert board["calls"][0]["number"] == ticket.number


def test_display_shows_only_the_services_and_counters_it_covers(live, office, runtime):
    from waitwell.services import displays

    desk = displays.register_display(runtime.uow(), office_id=office.office_id, name="Titles desk",
                                     service_ids=[office.services["B"]], counter_ids=[office.counters["Counter 2"]])
    issue(runtime, office.services["A"])
    issue(runtime, office.services["B"])
    screen = FeedFollower(live.url, DISPLAY_NAMESPACE, {"display_id": desk.id}).connect()
    with following(screen):
        assert [s["prefix"] for s in screen.state["services"]] == ["B"]
        counters.call_next(runtime.uow(), counter_id=office.counters["Counter 3"])  # A001 at Counter 3: not here
        counters.call_next(runtime.uow(), counter_id=office.counters["Counter 2"])  # B001 at Counter 2
        board = screen.wait_for(lambda s: s["calls"], what="the call at Counter 2")
        assert [c["number"] for c in board["calls"]] == ["B001"]


def test_unknown_display_is_refused(live):
    import socketio

    client = socketio.Client(reconnection=False)
    with pytest.raises(socketio.exceptions.ConnectionError):
        client.connect(live.url, namespaces=[DISPLAY_NAMESPACE], auth={"display_id": 999},
                       transports=["websocket"], wait_timeout=5)
    threading.Thread(target=client.disconnect, daemon=True).start()  # never connected: nothing to wait for


def test_payloads_carry_no_personal_data(live, office, display, runtime):
    issue(runtime, office.services["A"])
    counters.call_next(runtime.uow(), counter_id=office.counters["Counter 1"])
    screen = FeedFollower(live.url, DISPLAY_NAMESPACE, {"display_id": display.id}).connect()
    with following(screen):
        text = repr(screen.state)
        assert "token" not in text
        assert set(screen.state["calls"][0]) == {"key", "number", "counter", "service_id", "called_at", "recall"}

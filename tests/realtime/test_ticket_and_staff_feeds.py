"""A citizen's phone and a staff console over real Socket.IO connections."""

from __future__ import annotations

import threading

import pytest
import socketio

from tests.factories import issue, make_office, make_staff
from tests.realtime.support import FeedFollower, following
from waitwell.persistence import Role
from waitwell.realtime.rooms import STAFF_NAMESPACE, TICKET_NAMESPACE
from waitwell.services import accounts, counters


def refused(url: str, namespace: str, auth: dict) -> str:
    """The refusal message a client gets, or fail if it was let in."""
    client = socketio.Client(reconnection=False)
    reasons: list[str] = []
    client.on("connect_error", lambda data: reasons.append(str((data or {}).get("message", data))), namespace=namespace)
    try:
        # Long-polling here: Werkzeug's dev server makes a refused WebSocket client wait 3 s to close.
        client.connect(url, namespaces=[namespace], auth=auth, transports=["polling"], wait_timeout=5)
    except socketio.exceptions.ConnectionError:
        return reasons[0]
    finally:
        threading.Thread(target=client.disconnect, daemon=True).start()
    pytest.fail(f"{namespace} let {auth} in")


def test_phone_follows_its_ticket_until_it_is_called(live, office, runtime):
    first, mine = issue(runtime, office.services["A"], 2, minutes_apart=1)
    phone = FeedFollower(live.url, TICKET_NAMESPACE, {"token": mine.token}).connect()
    with following(phone):
        assert phone.state["number"] == mine.number
        assert phone.state["state"] == "waiting"
        assert phone.state["people_ahead"] == 1
        assert phone.state["last_called"] is None

        counters.call_next(runtime.uow(), counter_id=office.counters["Counter 1"])
        status = phone.wait_for(lambda s: s["people_ahead"] == 0, what="one person fewer ahead")
        assert status["last_called"] == first.number

        counters.call_next(runtime.uow(), counter_id=office.counters["Counter 3"])
        status = phone.wait_for(lambda s: s["state"] == "called", what="my call")
        assert status["counter"] == "Counter 3"
        assert status["people_ahead"] is None
        assert "token" not in status


def test_phone_learns_its_ticket_was_served(live, office, runtime):
    (mine,) = issue(runtime, office.services["A"])
    called = counters.call_next(runtime.uow(), counter_id=office.counters["Counter 1"])
    phone = FeedFollower(live.url, TICKET_NAMESPACE, {"token": mine.token}).connect()
    with following(phone):
        counters.complete(runtime.uow(), ticket_id=called.id)
        phone.wait_for(lambda s: s["state"] == "done", what="the end of service")


def test_unknown_tokens_all_get_the_same_refusal(live, office, runtime):
    (real,) = issue(runtime, office.services["A"])
    one_off = real.token[:-1] + ("y" if real.token.endswith("x") else "x")  # a token ends in "x" 1 time in 64
    guesses = {refused(live.url, TICKET_NAMESPACE, {"token": token}) for token in ("nope", one_off, "", "A001")}
    assert len(guesses) == 1
    assert "does not exist" in guesses.pop()


def test_guessing_tokens_from_one_address_is_slowed_down(live, app):
    app.config["TOKEN_GUESS_LIMIT"] = "3 per minute"
    for attempt in range(3):
        refused(live.url, TICKET_NAMESPACE, {"token": f"guess-{attempt}"})
    assert "too many" in refused(live.url, TICKET_NAMESPACE, {"token": "guess-4"})


def test_staff_console_gets_the_office_and_its_changes(live, office, runtime):
    clerk = make_staff(runtime, [office.office_id])
    token = accounts.create_api_token(runtime.uow(), user_id=clerk.id, name="console")
    issue(runtime, office.services["B"], 2)
    console = FeedFollower(live.url, STAFF_NAMESPACE, {"office_id": office.office_id, "token": token}).connect()
    with following(console):
        assert [w["number"] for w in console.state["waiting"]] == ["B001", "B002"]
        assert "supervision" not in console.state
        counters.call_next(runtime.uow(), counter_id=office.counters["Counter 2"])
        state = console.wait_for(lambda s: len(s["waiting"]) == 1, what="the call")
        called = console.change_of_kind("ticket_called")
        assert called["event"]["number"] == "B001"
        assert called["event"]["counter_id"] == office.counters["Counter 2"]
        counter_2 = next(c for c in state["counters"] if c["name"] == "Counter 2")
        assert counter_2["ticket"]["number"] == "B001"


def test_supervisors_get_more_than_clerks(live, office, runtime):
    boss = make_staff(runtime, [office.office_id], role=Role.SUPERVISOR)
    token = accounts.create_api_token(runtime.uow(), user_id=boss.id, name="wallboard")
    issue(runtime, office.services["A"])
    board = FeedFollower(live.url, STAFF_NAMESPACE, {"office_id": office.office_id, "token": token}).connect()
    with following(board):
        assert board.state["supervision"]["people_waiting"] == 1


def test_staff_rooms_need_a_member_of_that_office(live, office, runtime):
    other = make_office(runtime, name="New Haven")
    outsider = make_staff(runtime, [other.office_id])
    token = accounts.create_api_token(runtime.uow(), user_id=outsider.id, name="elsewhere")
    assert "not a member" in refused(live.url, STAFF_NAMESPACE, {"office_id": office.office_id, "token": token})
    assert "sign in" in refused(live.url, STAFF_NAMESPACE, {"office_id": office.office_id})
    assert "sign in" in refused(live.url, STAFF_NAMESPACE, {"office_id": office.office_id, "token": "ww_forged"})


def test_a_signed_in_browser_session_opens_the_staff_room(live, office, runtime, clerk_http):
    cookie = "; ".join(f"{c.name}={c.value}" for c in clerk_http.cookies)
    # Same browser: the session is bound to its user agent (Flask-Login's strong session protection).
    headers = {"Cookie": cookie, "User-Agent": clerk_http.headers["User-Agent"]}
    console = FeedFollower(live.url, STAFF_NAMESPACE, {"office_id": office.office_id}, headers=headers)
    with following(console.connect()):
        # The office's first snapshot; its estimates follow as a change of their own (refreshed behind it).
        assert console.received[0][0] == "snapshot" and console.received[0][1]["version"] == 0

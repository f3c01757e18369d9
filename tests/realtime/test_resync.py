"""Clients that lose the connection, miss changes or outlive a server converge to the truth."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.factories import issue, make_office, make_staff
from tests.realtime.support import FeedFollower, Proxy, following, staff_api
from tests.support.processes import app_server
from tests.support.waiting import wait_until
from waitwell.extensions import socketio
from waitwell.realtime import PUBLISHER_KEY
from waitwell.realtime.rooms import DISPLAY_NAMESPACE, TICKET_NAMESPACE, display_room
from waitwell.realtime.snapshots import Snapshots
from waitwell.runtime import Runtime
from waitwell.services import counters, displays


def call(runtime: Runtime, office, counter: str) -> None:
    counters.call_next(runtime.uow(), counter_id=office.counters[counter])


def test_reconnecting_client_gets_what_it_missed(app, live, office, display, runtime):
    tickets = issue(runtime, office.services["A"], 3)
    screen = FeedFollower(live.url, DISPLAY_NAMESPACE, {"display_id": display.id}).connect()
    with following(screen):
        seen_version = screen.version
        screen.disconnect()
        call(runtime, office, "Counter 1")
        call(runtime, office, "Counter 3")
        assert app.extensions[PUBLISHER_KEY].wait_until_idle(30)  # both published while it was away
        screen.connect()
        board = screen.wait_for(lambda s: len(s["calls"]) == 2, what="both calls after reconnecting")
        assert board["version"] >= seen_version + 2  # two calls (and maybe new wait estimates)
        assert [c["number"] for c in board["calls"]] == [tickets[1].number, tickets[0].number]
        assert board["services"][0]["waiting"] == 1


def test_a_gap_in_versions_makes_the_client_ask_for_a_snapshot(app, live, office, display, runtime):
    issue(runtime, office.services["A"], 3)
    screen = FeedFollower(live.url, DISPLAY_NAMESPACE, {"display_id": display.id}).connect()
    with following(screen):
        assert app.extensions[PUBLISHER_KEY].wait_until_idle(30)  # the issued tickets' publications are out
        seen = screen.version or 0
        # The client misses one change (as if the message were lost): it must notice at the next one.
        lost: list[dict] = []
        screen.client.on("change", lost.append, namespace=DISPLAY_NAMESPACE)
        call(runtime, office, "Counter 1")
        wait_until(lambda: [change for change in lost if change["version"] > seen and change["calls"]],
                   message="the change that gets lost")
        screen.client.on("change", screen._on_change, namespace=DISPLAY_NAMESPACE)
        call(runtime, office, "Counter 3")
        board = screen.wait_for(lambda s: len(s["calls"]) == 2, what="a snapshot after the gap")
        assert screen.resyncs >= 1
        assert board["services"][0]["waiting"] == 1


def test_client_reconnects_by_itself_after_the_network_drops(live, office, display, runtime):
    issue(runtime, office.services["A"], 2)
    proxy = Proxy(live.port)
    screen = FeedFollower(proxy.url, DISPLAY_NAMESPACE, {"display_id": display.id}).connect()
    try:
        proxy.cut()
        wait_until(lambda: not screen.client.connected, message="the client to notice the drop")
        call(runtime, office, "Counter 1")
        proxy.restore()
        board = screen.wait_for(lambda s: s["calls"], what="the missed call after the network is back")
        assert board["calls"][0]["number"] == "A001"
    finally:
        screen.disconnect()
        proxy.close()


@pytest.mark.slow
def test_server_notices_a_silent_dead_connection_within_10_seconds(live, office, display):
    proxy = Proxy(live.port)
    screen = FeedFollower(proxy.url, DISPLAY_NAMESPACE, {"display_id": display.id}, reconnection=False).connect()

    def screens_in_room() -> int:
        return len(list(socketio.server.manager.get_participants(DISPLAY_NAMESPACE, display_room(display.id))))

    try:
        assert screens_in_room() == 1
        proxy.blackhole()  # no reset, no goodbye: packets just stop
        # The settings bound it: a ping every interval, a timeout to answer, checked once per timeout.
        engine = socketio.server.eio
        assert engine.ping_interval + 2 * engine.ping_timeout < 10
        # Measured here with room for a busy machine, where threads can be late by seconds.
        wait_until(lambda: screens_in_room() == 0, timeout=15, message="the server to drop the dead client")
    finally:
        proxy.close()
        screen.disconnect()


@pytest.mark.slow
def test_display_follows_the_truth_across_a_server_restart(sqlite_url, tmp_path: Path):
    runtime = Runtime(sqlite_url)  # the wall clock, like the server process
    office = make_office(runtime, name="Restart office", counters={"Counter 1": ["A"], "Counter 2": ["A"]})
    display = displays.register_display(runtime.uow(), office_id=office.office_id, name="Hall")
    clerk = make_staff(runtime, [office.office_id])
    api = staff_api(runtime, clerk)
    issue(runtime, office.services["A"], 3)
    server = app_server(sqlite_url, tmp_path).start()
    screen = FeedFollower(server.url, DISPLAY_NAMESPACE, {"display_id": display.id})
    try:
        screen.connect()
        called = api.post(f"{server.url}/api/v1/counters/{office.counters['Counter 1']}/call-next")
        assert called.status_code == 200, called.text
        first = screen.wait_for(lambda s: len(s["calls"]) == 1, what="the first call")

        server.kill()
        wait_until(lambda: not screen.client.connected, message="the client to notice the crash")
        call(runtime, office, "Counter 2")  # happens while the server is down: nobody publishes it
        server.start()  # same port; the client reconnects by itself and gets a snapshot

        board = screen.wait_for(lambda s: len(s["calls"]) == 2, what="both calls after the restart")
        assert board["version"] >= first["version"]  # the unpublished change took no version

        # The next published change continues the stored version: never one the client has already seen.
        seen = screen.version
        finished = api.post(f"{server.url}/api/v1/tickets/{called.json()['id']}/complete")
        assert finished.status_code == 200, finished.text
        completed = wait_until(lambda: screen.change_of_kind("ticket_completed"), message="the change after restart")
        assert completed["version"] > seen
        screen.wait_for(lambda s: s["version"] >= completed["version"], what="the state of the change after restart")
    finally:
        screen.disconnect()
        api.close()
        server.kill()
        runtime.dispose()


@pytest.mark.parametrize("kind", ["phone", "display"])
def test_a_change_published_between_the_snapshot_and_joining_the_room_still_arrives(
    app, office, display, runtime, monkeypatch: pytest.MonkeyPatch, kind: str
):
    """The connect handler reads the snapshot, then joins the room: a call published in between went to
    a room the client was not in yet. The handler reads again after joining and sends the newer state, or
    the call's publication (behind the request) reaches the room the client is in by then.
    (Flask-SocketIO's test client: what the server sends, in order, with no later change to heal it.)"""
    tickets = issue(runtime, office.services["A"], 3)
    # The issued tickets' publication and the estimate refreshes behind it are out (about 4 s here: the
    # folding waits 1 and 2 s between runs, and longer when a run is slow, as on a busy CI machine).
    assert app.extensions[PUBLISHER_KEY].wait_until_idle(30)
    read = Snapshots.ticket_of_office if kind == "phone" else Snapshots.display
    calls_made: list[int] = []

    def read_then_call(self, key):
        snapshot = read(self, key)
        if not calls_made:  # the first read only: the call commits and is published before the join
            calls_made.append(counters.call_next(runtime.uow(), counter_id=office.counters["Counter 1"]).id)
        return snapshot

    monkeypatch.setattr(Snapshots, "ticket_of_office" if kind == "phone" else "display", read_then_call)
    namespace, auth = ((TICKET_NAMESPACE, {"token": tickets[2].token}) if kind == "phone"
                       else (DISPLAY_NAMESPACE, {"display_id": display.id}))
    client = socketio.test_client(app, namespace=namespace, auth=auth)
    try:
        assert app.extensions[PUBLISHER_KEY].wait_until_idle(30)  # the call's publication, behind the request
        received = [packet["args"][0] for packet in client.get_received(namespace)
                    if packet["name"] in ("snapshot", "change")]
    finally:
        client.disconnect(namespace=namespace)
    assert calls_made and len(received) >= 2
    newest = max(received, key=lambda message: message["version"])
    assert newest["version"] > received[0]["version"]
    if kind == "phone":
        assert (received[0]["people_ahead"], newest["people_ahead"]) == (2, 1)
    else:
        assert [call["number"] for call in newest["calls"]] == [tickets[0].number]

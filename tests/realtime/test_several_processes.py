"""Several server processes sharing Redis: a change committed in one reaches clients of every other, once."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.factories import issue, make_office, make_staff
from tests.realtime.support import FeedFollower, following, staff_api
from tests.support.processes import app_server
from tests.support.waiting import wait_until
from waitwell.realtime import attach_publisher
from waitwell.realtime.rooms import DISPLAY_NAMESPACE, TICKET_NAMESPACE
from waitwell.realtime.watchers import SharedWatchers
from waitwell.runtime import Runtime
from waitwell.services import counters, displays

pytestmark = [pytest.mark.redis, pytest.mark.slow]


@pytest.fixture
def channel() -> str:
    """A channel of this test's own, so parallel runs on the same Redis never hear each other."""
    return f"waitwell-test-{uuid.uuid4().hex[:12]}"


@pytest.fixture
def shared(sqlite_url: str) -> Iterator[Runtime]:
    """The database both processes use, driven from the test with the wall clock, like the servers."""
    runtime = Runtime(sqlite_url)
    yield runtime
    runtime.dispose()


def test_a_call_through_process_a_reaches_a_display_on_process_b(shared, sqlite_url, redis_url, channel,
                                                                 tmp_path: Path):
    office = make_office(shared, name="Two-process office")
    display = displays.register_display(shared.uow(), office_id=office.office_id, name="Hall")
    clerk = make_staff(shared, [office.office_id])
    api = staff_api(shared, clerk)
    ticket, next_ticket = issue(shared, office.services["A"], 2)

    with api, app_server(sqlite_url, tmp_path, redis_url=redis_url, channel=channel) as process_a, \
            app_server(sqlite_url, tmp_path, redis_url=redis_url, channel=channel) as process_b:
        screen = FeedFollower(process_b.url, DISPLAY_NAMESPACE, {"display_id": display.id}).connect()
        phone = FeedFollower(process_b.url, TICKET_NAMESPACE, {"token": ticket.token}).connect()
        with following(screen, phone):
            response = api.post(f"{process_a.url}/api/v1/counters/{office.counters['Counter 1']}/call-next")
            assert response.status_code == 200, response.text

            board = screen.wait_for(lambda s: s["calls"], what="the call made on process A")
            assert board["calls"][0]["number"] == ticket.number
            phone.wait_for(lambda s: s["state"] == "called", what="the phone's call")

            # Published once, by process A alone: one change per client, not one per process. The next call's
            # change, published after the first on the same channel, reaches the screen after any copy would.
            for action in (f"tickets/{response.json()['id']}/complete",
                           f"counters/{office.counters['Counter 1']}/call-next"):
                response = api.post(f"{process_a.url}/api/v1/{action}")
                assert response.status_code == 200, response.text
            screen.wait_for(lambda s: s["calls"][0]["number"] == next_ticket.number, what="the next call")
            changes = [data for kind, data in screen.received if kind == "change"]
            versions = [data["version"] for data in changes]
            assert len(versions) == len(set(versions)), versions  # no version twice
            first_call = [data for data in changes
                          if data["event"]["kind"] == "ticket_called" and data["calls"][0]["number"] == ticket.number]
            assert len(first_call) == 1, first_call


def test_a_worker_process_publishes_through_redis(shared, sqlite_url, redis_url, channel, tmp_path: Path):
    office = make_office(shared, name="Worker office")
    display = displays.register_display(shared.uow(), office_id=office.office_id, name="Hall")
    issue(shared, office.services["A"])
    publisher = attach_publisher(shared, redis_url, channel=channel)  # this test process plays a CLI or worker

    with app_server(sqlite_url, tmp_path, redis_url=redis_url, channel=channel) as server:
        screen = FeedFollower(server.url, DISPLAY_NAMESPACE, {"display_id": display.id}).connect()
        with following(screen):
            counters.call_next(shared.uow(), counter_id=office.counters["Counter 1"])
            board = screen.wait_for(lambda s: s["calls"], what="the call made by the worker")
            assert board["calls"][0]["number"] == "A001"
    publisher.close()


def payload_of(message: dict) -> dict:
    """The emitted payload in a message of python-socketio's Redis manager (its arguments, or the one)."""
    data = message.get("data")
    return data[0] if isinstance(data, list) and data else data if isinstance(data, dict) else {}


def test_through_redis_only_followed_tickets_get_their_place_in_line(shared, sqlite_url, redis_url, channel,
                                                                     tmp_path: Path):
    """Each process counts its phones per ticket in Redis; the one that publishes sends to those alone."""
    import json

    import redis

    office = make_office(shared, name="Counted office")
    clerk = make_staff(shared, [office.office_id])
    api = staff_api(shared, clerk)
    tickets = issue(shared, office.services["A"], 4)
    mine = tickets[2]
    listener = redis.Redis.from_url(redis_url).pubsub()
    listener.subscribe(channel)
    watchers = SharedWatchers.for_url(redis_url, channel)

    sent: list[dict] = []  # what the processes sent to ticket rooms through Redis, in order

    def heard_up_to(people_ahead: int) -> bool:
        """Whether the message telling my phone it has `people_ahead` has been heard (reading what came)."""
        while (message := listener.get_message(timeout=0.05)) is not None:
            if message["type"] == "message":
                data = json.loads(message["data"])
                if data.get("namespace") == TICKET_NAMESPACE and data.get("room"):
                    sent.append(data)
        return any(data["room"] == f"ticket:{mine.token}" and payload_of(data).get("people_ahead") == people_ahead
                   for data in sent)

    with api, app_server(sqlite_url, tmp_path, redis_url=redis_url, channel=channel) as process_a, \
            app_server(sqlite_url, tmp_path, redis_url=redis_url, channel=channel) as process_b:
        phone = FeedFollower(process_b.url, TICKET_NAMESPACE, {"token": mine.token}).connect()
        with following(phone):
            assert watchers.tokens(office.office_id) == {mine.token}
            for people_ahead in (1, 0):  # two calls on process A, the first ticket served in between
                response = api.post(f"{process_a.url}/api/v1/counters/{office.counters['Counter 1']}/call-next")
                assert response.status_code == 200, response.text
                phone.wait_for(lambda s, ahead=people_ahead: s["people_ahead"] == ahead, what="the call on A")
                if people_ahead:
                    served = api.post(f"{process_a.url}/api/v1/tickets/{response.json()['id']}/complete")
                    assert served.status_code == 200, served.text
            # Sent in order on one channel: once the second call's message to my room is heard, everything the
            # first call sent has been too.
            wait_until(lambda: heard_up_to(0), message="the second call's message to my phone's room")
            assert {data["room"] for data in sent} == {f"ticket:{mine.token}"}  # not the three other tickets'
        wait_until(lambda: watchers.tokens(office.office_id) == set(), message="the phone to be uncounted")
    listener.close()
    watchers.close()

"""With every client on this process (no Redis), only tickets a phone follows get their place in line sent:
a long line's publication no longer builds and sends a message per waiting ticket that nobody reads."""

from __future__ import annotations

from typing import Any

import pytest

from tests.factories import issue
from tests.realtime.support import FeedFollower, following
from tests.support.waiting import wait_until
from waitwell.extensions import socketio
from waitwell.realtime import PUBLISHER_KEY
from waitwell.realtime.publisher import FeedPublisher
from waitwell.realtime.rooms import TICKET_NAMESPACE, TICKET_ROOM_PREFIX, ticket_room, watched_tickets
from waitwell.realtime.snapshots import MOST_TOKENS_LISTED, Snapshots, ticket_rows
from waitwell.realtime.watchers import UncountedWatchers
from waitwell.services import counters


class RecordingEmitter:
    def __init__(self) -> None:
        self.sent: list[tuple[int, str]] = []  # (version, room)

    def emit(self, event: str, data: Any = None, *, to: str | None = None, namespace: str | None = None) -> None:
        self.sent.append((data["version"], to or ""))

    def rooms_of_first_publication(self) -> list[str]:
        """A publication may be followed by one of new estimates (another version): the first one's rooms."""
        first = min(version for version, _ in self.sent)
        return [room for version, room in self.sent if version == first]


class JoiningDuringTheRead(UncountedWatchers):
    """Watchers whose answers change from one look to the next (a phone connecting meanwhile)."""

    def __init__(self, answers: list[set[str]]) -> None:
        self.answers = answers

    def tokens(self, office_id: int) -> set[str] | None:
        return self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]


def ticket_rooms(rooms: list[str]) -> list[str]:
    return [room for room in rooms if room.startswith(TICKET_ROOM_PREFIX)]


def test_only_the_followed_ticket_is_sent_its_place_and_a_phone_leaving_stops_it(
    app, live, office, runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    tickets = issue(runtime, office.services["A"], 4, minutes_apart=1)
    mine = tickets[2]
    publisher = app.extensions[PUBLISHER_KEY]
    assert publisher.wait_until_idle(10)  # the issued tickets' folded publication and refresh are out
    sent_to: list[str] = []
    send = socketio.server.emit

    def recorded(event: str, data: Any = None, *, to: str | None = None, **kwargs: Any) -> Any:
        sent_to.append(to or "")
        return send(event, data, to=to, **kwargs)

    monkeypatch.setattr(socketio.server, "emit", recorded)
    phone = FeedFollower(live.url, TICKET_NAMESPACE, {"token": mine.token}).connect()
    with following(phone):
        assert watched_tickets(socketio.server) == {mine.token}
        counters.call_next(runtime.uow(), counter_id=office.counters["Counter 1"])
        phone.wait_for(lambda s: s["people_ahead"] == 1, what="one person fewer ahead")
        assert publisher.wait_until_idle(10)
        assert set(ticket_rooms(sent_to)) == {ticket_room(mine.token)}  # not the three others'
    wait_until(lambda: not watched_tickets(socketio.server), message="the phone's room to close")
    assert publisher.wait_until_idle(10)
    sent_to.clear()
    counters.call_next(runtime.uow(), counter_id=office.counters["Counter 3"])
    wait_until(lambda: any(room.startswith("office:") for room in sent_to), message="the next publication")
    assert ticket_rooms(sent_to) == []


def test_a_phone_that_connects_while_the_rows_are_read_is_sent_its_place(office, runtime) -> None:
    first, second = issue(runtime, office.services["A"], 2, minutes_apart=1)
    emitter = RecordingEmitter()
    publisher = FeedPublisher(runtime, emitter, Snapshots(runtime),
                              watchers=JoiningDuringTheRead([{first.token}, {first.token, second.token}]))
    publisher.publish_queue(office.office_id)
    assert sorted(ticket_rooms(emitter.rooms_of_first_publication())) == sorted(
        [ticket_room(first.token), ticket_room(second.token)])


def test_without_knowing_the_followers_every_ticket_in_play_is_sent_its_place(office, runtime) -> None:
    """Clients of other processes (Redis) may follow any ticket: each one still gets its message."""
    tickets = issue(runtime, office.services["A"], 3)
    emitter = RecordingEmitter()
    FeedPublisher(runtime, emitter, Snapshots(runtime)).publish_queue(office.office_id)
    assert sorted(ticket_rooms(emitter.rooms_of_first_publication())) == sorted(ticket_room(t.token) for t in tickets)


@pytest.mark.parametrize("others", [0, MOST_TOKENS_LISTED + 1])  # listed in the statement, or picked out after
def test_the_rows_read_are_those_of_the_followed_tickets(office, runtime, others: int) -> None:
    tickets = issue(runtime, office.services["A"], 3)
    followed = {tickets[1].token} | {f"not-a-ticket-{index}" for index in range(others)}
    with runtime.uow(read_only=True) as uow:
        rows = ticket_rows(uow.session, office.office_id, tokens=followed)
        assert list(rows) == [tickets[1].token]
        assert ticket_rows(uow.session, office.office_id, tokens=set()) == {}

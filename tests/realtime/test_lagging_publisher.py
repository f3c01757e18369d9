"""Publications run behind the requests and fold what happened meanwhile: nothing that must be announced is
lost when the publisher lags behind (a call and its recall, two calls of one counter)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.factories import issue
from waitwell.realtime.publisher import Background, FeedPublisher
from waitwell.realtime.rooms import DISPLAY_NAMESPACE, TICKET_NAMESPACE
from waitwell.realtime.snapshots import Snapshots
from waitwell.services import counters


class Recorder:
    def __init__(self) -> None:
        self.sent: list[tuple[str, str, dict[str, Any]]] = []  # (namespace, room, payload)

    def emit(self, event: str, data: Any = None, *, to: str | None = None, namespace: str | None = None) -> None:
        self.sent.append((namespace or "", to or "", data))

    def to(self, namespace: str) -> list[dict[str, Any]]:
        return [data for sent_namespace, _, data in self.sent if sent_namespace == namespace]


class HeldBack:
    """Background work that runs only when the test says: a publisher that lags behind the requests."""

    def __init__(self) -> None:
        self.waiting: list[Callable[[], None]] = []

    def start(self, work: Callable[[], None]) -> None:
        self.waiting.append(work)

    def run_all(self) -> None:
        while self.waiting:
            self.waiting.pop(0)()


def test_a_call_and_its_recall_made_before_the_publisher_runs_are_both_announced(runtime, office, display):
    ticket, other = issue(runtime, office.services["A"], 2)
    held, emitter = HeldBack(), Recorder()
    publisher = FeedPublisher(runtime, emitter, Snapshots(runtime), background=Background(start=held.start))
    publisher.subscribe(runtime.bus)
    try:
        counters.call_next(runtime.uow(), counter_id=office.counters["Counter 3"])
        counters.recall(runtime.uow(), ticket_id=ticket.id)
        counters.call_next(runtime.uow(), counter_id=office.counters["Counter 1"])
        assert emitter.sent == []  # nothing is sent inside the requests
        held.run_all()
    finally:
        publisher.close()
    boards = emitter.to(DISPLAY_NAMESPACE)
    assert boards, "the displays got the board"
    keys = [call["key"] for call in boards[-1]["calls"]]
    # Every call is on the board, newest first: a display announces each key it has not announced yet.
    assert keys == [f"{other.number}.1", f"{ticket.number}.2", f"{ticket.number}.1"]
    assert [board["version"] for board in boards] == list(range(boards[0]["version"], boards[-1]["version"] + 1))
    phone = [data for data in emitter.to(TICKET_NAMESPACE) if data["number"] == ticket.number]
    assert phone[-1]["state"] == "called" and phone[-1]["counter"] == "Counter 3" and phone[-1]["call_count"] == 2

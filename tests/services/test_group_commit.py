"""Group commit: requests arriving while a batch runs are handled together next, each getting its own answer."""

from __future__ import annotations

import threading
from collections.abc import Sequence

import pytest

from tests.support.waiting import DEADLINE_SECONDS, wait_until
from waitwell.services.group_commit import GATHER_MOST_SECONDS, GroupCommit


class Recorder:
    """A batch handler that remembers its batches; the first batch waits until `release` is set."""

    def __init__(self, hold_first: bool = False) -> None:
        self.batches: list[list[int]] = []
        self.release = threading.Event()
        self.started = threading.Event()
        if not hold_first:
            self.release.set()

    def __call__(self, items: Sequence[int]) -> list[str | Exception]:
        self.batches.append(list(items))
        self.started.set()
        self.release.wait(10)
        if 13 in items and len(items) > 1:
            raise RuntimeError("the whole batch fails when 13 is in it")
        return [ValueError(f"no {item}") if item < 0 else f"answer {item}" for item in items]


def behind_a_held_batch(handler: Recorder, items: Sequence[int]) -> tuple[dict[int, str], dict[int, Exception]]:
    """Item 0 starts a batch that `handler` holds; `items` are submitted, each from a thread of its own,
    while it runs; then the batch is let go. The answers and errors each submitter got."""
    batches: GroupCommit[int, str] = GroupCommit(handler)
    first = threading.Thread(target=batches.submit, args=(0,))
    first.start()
    assert handler.started.wait(5)
    answers: dict[int, str] = {}
    errors: dict[int, Exception] = {}

    def one(item: int) -> None:
        try:
            answers[item] = batches.submit(item)
        except Exception as error:  # noqa: BLE001 - kept for the assertions
            errors[item] = error

    threads = [threading.Thread(target=one, args=(item,)) for item in items]
    for thread in threads:
        thread.start()
    wait_until(lambda: batches.items + batches.waiting >= len(items) + 1, message="all queued behind the running batch")
    handler.release.set()
    for thread in [first, *threads]:
        thread.join(5)
    return answers, errors


def test_a_lone_request_is_handled_at_once_in_its_own_batch() -> None:
    handler = Recorder()
    batches: GroupCommit[int, str] = GroupCommit(handler)
    assert batches.submit(1) == "answer 1"
    assert batches.submit(2) == "answer 2"
    assert handler.batches == [[1], [2]]


def test_an_answer_of_none_is_an_answer() -> None:
    """A handler with nothing to give back (an audit entry stored) answers None for each item: that is not
    an interrupted batch."""
    stored: list[list[int]] = []
    batches: GroupCommit[int, None] = GroupCommit(lambda items: stored.append(list(items)) or [None] * len(items))
    assert batches.submit(1) is None
    assert stored == [[1]]


def test_requests_arriving_during_a_batch_share_the_next_one_and_get_their_own_answers() -> None:
    handler = Recorder(hold_first=True)
    answers, errors = behind_a_held_batch(handler, [1, 2, 3, 4, -5])
    assert handler.batches[0] == [0]
    assert sorted(handler.batches[1]) == [-5, 1, 2, 3, 4] and len(handler.batches) == 2
    assert answers == {1: "answer 1", 2: "answer 2", 3: "answer 3", 4: "answer 4"}
    assert list(errors) == [-5] and str(errors[-5]) == "no -5"  # only its own caller sees the error


def test_a_failing_batch_is_handled_again_one_item_at_a_time() -> None:
    handler = Recorder(hold_first=True)
    answers, errors = behind_a_held_batch(handler, [12, 13, 14])
    assert answers == {12: "answer 12", 13: "answer 13", 14: "answer 14"}  # 13 alone is fine
    assert not errors
    assert sorted(map(tuple, handler.batches[2:])) == [(12,), (13,), (14,)]


def test_an_error_of_a_lone_request_reaches_its_caller() -> None:
    def broken(items: Sequence[int]) -> list[str]:
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        GroupCommit(broken).submit(1)


def test_requests_arriving_while_the_leader_yields_join_its_batch() -> None:
    """Under gevent the leader lets the process settle before it takes the waiting items (`settle`): a
    request the process read meanwhile is in the same batch, not alone in the next one."""
    handler = Recorder()
    joined = threading.Event()
    batches: GroupCommit[int, str] = GroupCommit(handler, settle=lambda seconds: joined.wait(DEADLINE_SECONDS))
    first = threading.Thread(target=batches.submit, args=(1,))
    first.start()
    wait_until(lambda: batches.waiting == 1, message="the first request to lead and settle")
    second = threading.Thread(target=batches.submit, args=(2,))
    second.start()
    wait_until(lambda: batches.waiting == 2, message="the second request queued behind the settling leader")
    joined.set()
    for thread in (first, second):
        thread.join(5)
    assert handler.batches == [[1, 2]]


def test_a_leader_interrupted_while_it_settles_fails_alone_and_the_others_are_served() -> None:
    """Under gevent settling can raise (a timeout, a killed greenlet): only that request fails with it,
    the one that queued meanwhile is served by the next leader, and later requests are too."""
    handler = Recorder()
    answers: dict[int, str] = {}
    settles: list[int] = []

    def settle(seconds: float) -> None:
        settles.append(1)
        if len(settles) == 1:
            queued = threading.Thread(target=lambda: answers.setdefault(2, batches.submit(2)), daemon=True)
            queued.start()
            wait_until(lambda: batches.waiting == 2, message="the second request queued")
            raise TimeoutError("the request's time ran out")

    batches: GroupCommit[int, str] = GroupCommit(handler, settle=settle)
    with pytest.raises(TimeoutError):
        batches.submit(1)
    wait_until(lambda: answers.get(2) == "answer 2", message="the queued request served by the next leader")
    later = threading.Thread(target=lambda: answers.setdefault(3, batches.submit(3)), daemon=True)
    later.start()
    later.join(5)
    assert answers[3] == "answer 3"
    assert [1] not in handler.batches and [2] in handler.batches


class Arrivals:
    """The process settling while kiosks' next requests arrive, as answered kiosks tap again: each settle
    brings the next group of items (submitted from threads), then nothing, and moves time on by `TICK`
    (the other requests' work); time moves only here."""

    TICK = 0.0004

    def __init__(self, groups: list[list[int]]) -> None:
        self.groups = groups
        self.settles = 0
        self.latest_end = 0.0  # the latest time a settle was allowed to last to
        self.now = 0.0
        self.batches: GroupCommit[int, str] | None = None
        self.threads: list[threading.Thread] = []

    def clock(self) -> float:
        return self.now

    def settle(self, seconds: float) -> None:
        self.settles += 1
        self.latest_end = max(self.latest_end, self.now + seconds)  # when this settle could have lasted to
        self.now += min(self.TICK, seconds)
        if self.groups and self.batches is not None:
            group = self.groups.pop(0)
            for item in group:  # one at a time, so they queue in this order
                expected = self.batches.waiting + 1
                thread = threading.Thread(target=self.batches.submit, args=(item,))
                thread.start()
                self.threads.append(thread)
                wait_until(lambda expected=expected: self.batches.waiting == expected, message=f"{item} queued")


def test_under_load_the_leader_waits_for_more_while_they_keep_coming() -> None:
    handler = Recorder()
    arrivals = Arrivals([])
    batches: GroupCommit[int, str] = GroupCommit(handler, settle=arrivals.settle, clock=arrivals.clock)
    arrivals.batches = batches
    assert batches.submit(1) == "answer 1"  # quiet: a lone tap goes after settling once
    assert arrivals.settles == 1
    answers, _ = behind_a_held_batch_of(batches, handler, [2, 3, 8])
    assert handler.batches[-1] == [3, 8] and answers[8] == "answer 8"  # a batch of two: under load now
    arrivals.settles = 0
    arrivals.groups = [[], [5, 6], [7], [], [9]]  # already read: none; then two, then one, then nobody
    assert batches.submit(4) == "answer 4"
    for thread in arrivals.threads:
        thread.join(5)
    assert handler.batches[-1] == [4, 5, 6, 7]  # went when a settle brought nobody: 9 is for the next batch
    assert arrivals.settles == 4


def test_the_leader_stops_gathering_after_a_short_while_even_if_more_keep_coming() -> None:
    handler = Recorder()
    arrivals = Arrivals([])
    batches: GroupCommit[int, str] = GroupCommit(handler, settle=arrivals.settle, clock=arrivals.clock)
    arrivals.batches = batches
    behind_a_held_batch_of(batches, handler, [1, 2, 8])
    arrivals.now = arrivals.latest_end = 0.0
    arrivals.groups = [[item] for item in range(10, 30)]  # a new request at every settle
    batches.submit(3)
    assert arrivals.latest_end <= GATHER_MOST_SECONDS  # no settle may run past the end of the gathering time
    assert len(handler.batches[-1]) < 20  # went before they stopped coming
    arrivals.groups.clear()
    for thread in arrivals.threads:
        thread.join(5)


def behind_a_held_batch_of(batches: GroupCommit[int, str], handler: Recorder,
                           items: Sequence[int]) -> tuple[dict[int, str], dict[int, Exception]]:
    """The first item alone in a batch that is held until the others have queued, then the others together."""
    handler.release.clear()
    handler.started.clear()
    answers: dict[int, str] = {}
    first = threading.Thread(target=lambda: answers.setdefault(items[0], batches.submit(items[0])))
    first.start()
    assert handler.started.wait(5)
    rest = [threading.Thread(target=lambda item=item: answers.setdefault(item, batches.submit(item)))
            for item in items[1:]]
    for queued, thread in enumerate(rest, start=1):  # one at a time, so they queue in this order
        thread.start()
        wait_until(lambda queued=queued: batches.waiting == queued, message=f"{queued} queued")
    handler.release.set()
    for thread in [first, *rest]:
        thread.join(5)
    return answers, {}


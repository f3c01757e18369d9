"""Group commit: requests that arrive while a transaction is running are handled together in the next one.

The database takes one writer at a time, so concurrent writes of the same kind (kiosk taps) queue for its
lock anyway. Here they queue in memory instead, and whoever comes first (the leader) handles everything
that waits, in one call: one transaction, one commit. A lone request is handled at once by its own
thread, so it waits for nothing; under load each transaction carries many. No thread of its own: the
leader is a request thread, and hands the lead to the next waiting request when it is done.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

Item = TypeVar("Item")
Answer = TypeVar("Answer")

# Under load, the leader gathers for this long at most (see GroupCommit's `settle`).
GATHER_MOST_SECONDS = 0.002


class _Waiting(Generic[Item, Answer]):
    __slots__ = ("answer", "answered", "error", "handled", "item", "leads", "woken")

    def __init__(self, item: Item) -> None:
        self.item = item
        self.woken = threading.Event()
        self.answered = False
        self.handled = False  # `handle` gave its answer or error (an answer may be None)
        self.answer: Answer | None = None
        self.error: Exception | None = None
        self.leads = False


class GroupCommit(Generic[Item, Answer]):
    """`submit(item)` from any thread returns `handle(batch)`'s answer for that item.

    `handle` gets the items in arrival order and returns one answer per item. An answer that is an
    exception is raised to that item's caller only. Should `handle` itself fail on a batch of several,
    each item is handled again on its own, so one bad item cannot fail the others.

    `settle(seconds)` waits until the process has nothing else ready to run (gevent's `idle`), for at
    most `seconds`: the requests it has already read, and any that just reached its sockets, then have
    run up to `submit`, unless the time ran out first. It is for processes where nothing preempts the
    leader the way threads are preempted. The leader settles once before it takes the waiting items, so
    that those requests join its batch instead of waiting for the next one; a lone request waits for
    nothing else. Under load (the last batch carried several), the answers just sent bring their kiosks'
    next requests within a fraction of a millisecond: the leader settles again while they keep arriving,
    GATHER_MOST_SECONDS in all at most. Bigger batches cost less per tap. Settling, not sleeping: a timed
    step of gevent's loop lasts a whole millisecond when nothing wakes it (epoll's timeout), and the last
    step of every batch left the process idle for that long (docs/kiosk.md, "2026-12-07").
    """

    def __init__(self, handle: Callable[[Sequence[Item]], Sequence[Answer | Exception]],
                 *, largest_batch: int = 64, settle: Callable[[float], object] | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._handle = handle
        self._largest_batch = largest_batch
        self._settle = settle
        self._clock = clock
        self._lock = threading.Lock()
        self._queue: list[_Waiting[Item, Answer]] = []
        self._busy = False
        self._last_batch = 0
        self.batches = 0  # batches handled (started) so far, and the items in them
        self.items = 0

    @property
    def waiting(self) -> int:
        """Items waiting for the next batch."""
        with self._lock:
            return len(self._queue)

    def submit(self, item: Item) -> Answer:
        me: _Waiting[Item, Answer] = _Waiting(item)
        with self._lock:
            self._queue.append(me)
            if not self._busy:
                self._busy = me.leads = True
        if not me.leads:
            me.woken.wait()
        if not me.answered:  # woken to lead, with this item first in the queue
            self._lead()
        if me.error is not None:
            raise me.error
        return me.answer  # type: ignore[return-value]

    def _gather(self) -> None:
        """Let requests join the batch before it is taken (see the class's `settle`)."""
        if self._settle is None:
            return
        deadline = self._clock() + GATHER_MOST_SECONDS
        self._settle(GATHER_MOST_SECONDS)
        if self._last_batch < 2:
            return
        seen = self.waiting
        while seen < self._largest_batch and (left := deadline - self._clock()) > 0:
            self._settle(left)
            now_waiting = self.waiting
            if now_waiting == seen:
                return
            seen = now_waiting

    def _lead(self) -> None:
        batch: list[_Waiting[Item, Answer]] = []
        try:
            try:
                self._gather()
            except BaseException:  # settling interrupted (a timeout, a killed greenlet): only the leader's
                with self._lock:  # own request fails with it (below); the next one leads the others
                    batch, self._queue = self._queue[:1], self._queue[1:]
                raise
            with self._lock:
                batch, self._queue = self._queue[:self._largest_batch], self._queue[self._largest_batch:]
            self._answer(batch)
        finally:
            with self._lock:
                successor = self._queue[0] if self._queue else None
                if successor is None:
                    self._busy = False
                else:
                    successor.leads = True
            for waiting in batch:
                if not waiting.handled:  # the leader was interrupted
                    waiting.error = RuntimeError("this request was interrupted; please try again")
                waiting.answered = True
                waiting.woken.set()
            if successor is not None:
                successor.woken.set()

    def _answer(self, batch: list[_Waiting[Item, Answer]]) -> None:
        self._last_batch = len(batch)
        self.batches += 1
        self.items += len(batch)
        try:
            answers = list(self._handle([waiting.item for waiting in batch]))
            if len(answers) != len(batch):
                raise RuntimeError(f"{len(answers)} answers to a batch of {len(batch)}")
        except Exception as error:  # noqa: BLE001 - handed to its caller, or each item is tried alone
            if len(batch) == 1:
                batch[0].error = error
                batch[0].handled = True
                return
            for waiting in batch:
                self._answer([waiting])
            return
        for waiting, answer in zip(batch, answers, strict=True):
            if isinstance(answer, Exception):
                waiting.error = answer
            else:
                waiting.answer = answer
            waiting.handled = True

"""Work per office that may lag behind the changes but must not pile up: bursts fold into one more run."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

log = logging.getLogger(__name__)

# Where work behind the changes runs its CPU-bound part (a replay of the office, ranking a long line): here,
# or in a native thread under gevent so that the event loop keeps serving requests.
Offload = Callable[[Callable[[], Any]], Any]


def run_here(work: Callable[[], Any]) -> Any:
    return work()


class PerOfficeRuns:
    """Runs `work(office_id)` behind the changes: one run at a time per office, every request made during
    a run folded into one more run, and at most one run per `min_interval` seconds per office.

    The first request of a quiet office runs at once; only a burst waits, so a lone change is not delayed.
    `max_share` stretches the interval when runs get slow (long lines, many busy offices): a run that
    took 0.2 s, with a share of 0.1 and 3 offices busy, waits 6 s before the next, so the work of all
    offices together never takes more than that share of a core.
    """

    def __init__(self, work: Callable[[int], None], start: Callable[[Callable[[], None]], Any] | None, *,
                 sleep: Callable[[float], Any] = time.sleep, clock: Callable[[], float] = time.monotonic,
                 min_interval: float = 0.0, max_share: float = 1.0) -> None:
        if not 0 < max_share <= 1:
            raise ValueError("max_share is a share of one core, above 0 and at most 1")
        self._work = work
        self._start = start  # None: run inline (a CLI process that may exit right after)
        self._sleep = sleep
        self._clock = clock
        self._min_interval = min_interval
        self._max_share = max_share
        self._running: set[int] = set()  # offices with a loop: running their work, or waiting to run it again
        self._working: set[int] = set()  # offices whose work is running right now
        self._again: set[int] = set()
        self._closed = False
        self._lock = threading.Lock()
        self._idle = threading.Condition(self._lock)

    def request(self, office_id: int) -> None:
        if self._start is None:
            if not self._closed:
                self._run_safely(office_id)
            return
        with self._lock:
            if self._closed:
                return
            if office_id in self._running:
                self._again.add(office_id)
                return
            self._running.add(office_id)
        self._start(lambda: self._loop(office_id))

    def wait_until_idle(self, timeout: float) -> bool:
        """Whether every requested run finished within `timeout` seconds (for shutdown and tests)."""
        with self._idle:
            return self._idle.wait_for(lambda: not self._running, timeout)

    def close(self, timeout: float = 10.0) -> bool:
        """Run nothing more: later requests are dropped and waiting runs never start. Answers whether the
        runs under way finished within `timeout` seconds (the database may be closed after that)."""
        with self._idle:
            self._closed = True
            return self._idle.wait_for(lambda: not self._working, timeout)

    def _loop(self, office_id: int) -> None:
        while True:
            with self._lock:
                if self._closed:
                    self._end(office_id)
                    return
                self._working.add(office_id)
            started = self._clock()
            try:
                self._run_safely(office_id)
            finally:
                with self._lock:
                    self._working.discard(office_id)
                    self._idle.notify_all()
            with self._lock:
                if office_id not in self._again or self._closed:
                    self._end(office_id)
                    return
                self._again.discard(office_id)
                busy_offices = len(self._running)
            took = self._clock() - started
            self._sleep(max(0.0, max(self._min_interval, took * busy_offices / self._max_share) - took))

    def _end(self, office_id: int) -> None:
        """The office's loop ends (called holding the lock)."""
        self._running.discard(office_id)
        self._again.discard(office_id)
        self._idle.notify_all()

    def _run_safely(self, office_id: int) -> None:
        try:
            self._work(office_id)
        except Exception:  # a background task must not die silently; the next change will try again
            log.exception("%s failed for office %s", getattr(self._work, "__name__", "work"), office_id)

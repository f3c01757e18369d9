"""The tap batch's leader settles under gevent (GroupCommit's `settle`): it waits for the other greenlets
that are ready, but never past its time, even when the loop is never idle (a print worker inside)."""

from __future__ import annotations

import time

import gevent

from waitwell.realtime import gevent_settle


def test_settling_lets_ready_greenlets_run_first() -> None:
    settle = gevent_settle()
    ran: list[str] = []
    gevent.spawn(ran.append, "a request read meanwhile")
    settle(5)
    assert ran == ["a request read meanwhile"]


def test_settling_ends_on_time_when_the_loop_never_goes_idle() -> None:
    settle = gevent_settle()
    finished: list[bool] = []

    def busy() -> None:  # always ready to run again, as a print worker working through its jobs
        until = time.monotonic() + 5
        while time.monotonic() < until:
            gevent.sleep(0)
        finished.append(True)

    worker = gevent.spawn(busy)
    gevent.sleep(0)  # it is running
    settle(0.05)
    assert not finished  # back while the busy greenlet still goes: the settle did not wait for it
    worker.kill()

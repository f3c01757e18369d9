"""Waiting for something to happen, never for an amount of time: a test goes on as soon as the condition
holds, and only a failing test waits out the deadline."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")

# Generous: it is only reached when the test fails, and a 2-core machine busy with other work can stretch a
# cross-process round trip, a background refresh or a browser's first paint to many seconds.
DEADLINE_SECONDS = 30.0


def wait_until(condition: Callable[[], T], timeout: float = DEADLINE_SECONDS, message: str = "condition") -> T:
    """What `condition` returns once it is truthy, polled every 20 ms; an AssertionError naming `message`
    after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:g} s waiting for {message}")
        time.sleep(0.02)

"""Clocks: the engine never reads the system time directly, so a simulated day can run in seconds."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The current moment, timezone-aware, in UTC."""
        ...


class SystemClock:
    """The wall clock."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class VirtualClock:
    """A clock that moves only when told to: for tests and simulations."""

    def __init__(self, start: datetime) -> None:
        self._now = require_aware(start).astimezone(UTC)

    def now(self) -> datetime:
        return self._now

    def advance(self, delta: timedelta | None = None, **kwargs: float) -> datetime:
        """Move forward by `delta` or by timedelta keywords (minutes=5)."""
        step = delta if delta is not None else timedelta(**kwargs)
        if step < timedelta(0):
            raise ValueError("a clock cannot go backwards")
        self._now += step
        return self._now

    def set(self, moment: datetime) -> None:
        self._now = require_aware(moment).astimezone(UTC)


def require_aware(moment: datetime) -> datetime:
    """Reject naive datetimes: a naive time in a multi-timezone system is a bug waiting for DST."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"naive datetime {moment!r}: pass a timezone-aware value")
    return moment

"""The Connecticut DMV figure: the average wait of the last 10 customers called to a counter."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from waitwell.metrics.legs import Leg
from waitwell.metrics.stats import average

LAST_N = 10


@dataclass(frozen=True)
class LastTen:
    """Average of the last `calls` (up to 10) waits, in seconds, and when the newest of those calls was."""

    average_wait: float | None
    calls: int
    updated_at: datetime | None

    def is_stale(self, now: datetime, stale_after: timedelta) -> bool:
        """No call for longer than `stale_after`: the figure describes a line that is not moving."""
        return self.updated_at is None or now - self.updated_at > stale_after


def last_ten(legs: Iterable[Leg], n: int = LAST_N) -> LastTen:
    """From the legs that were called, the `n` most recent first calls: the average of their waits.

    Each leg counts once, at its first call (a recall does not add a second wait). A no-show
    counts: their number came up after that wait, whether or not they were still there.
    """
    called = sorted(
        (leg for leg in legs if leg.called_at is not None and leg.wait is not None),
        key=lambda leg: (leg.called_at, leg.ticket_id),
    )[-n:]
    return LastTen(
        average_wait=average([leg.wait.total_seconds() for leg in called if leg.wait is not None]),
        calls=len(called),
        updated_at=called[-1].called_at if called else None,
    )

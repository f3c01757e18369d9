"""When to try a failed print job again, and when to give it up."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential backoff between attempts; a job older than `give_up_after` is failed for good.

    A ticket that comes out of the kiosk minutes late would be picked up by the next visitor,
    so the job is given up instead; the visitor already saw the QR code on the screen.
    """

    first_delay: float = 1.0
    factor: float = 2.0
    max_delay: float = 20.0
    give_up_after: timedelta = timedelta(minutes=2)

    def delay(self, attempts: int) -> float:
        """Seconds to wait after the `attempts`-th failed attempt."""
        return min(self.max_delay, self.first_delay * self.factor ** max(0, attempts - 1))

    def gives_up(self, created_at: datetime, now: datetime, next_delay: float) -> bool:
        """Whether the next attempt would come too late for the paper to be of use."""
        return now + timedelta(seconds=next_delay) - created_at > self.give_up_after

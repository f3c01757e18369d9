"""When to try a failed print job again, and when to give it up."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential backoff between attempts; a job is given up once it is `give_up_after` old.

    A ticket that comes out of the kiosk minutes late would be picked up by the next visitor,
    so the job is given up instead; the visitor already saw the QR code on the screen. The last
    wait is cut short so that the last attempt comes at `give_up_after`, as the docs say, not early.
    """

    first_delay: float = 1.0
    factor: float = 2.0
    max_delay: float = 20.0
    give_up_after: timedelta = timedelta(minutes=2)

    def delay(self, attempts: int) -> float:
        """Seconds to wait after the `attempts`-th failed attempt, before any cut for the give-up time."""
        return min(self.max_delay, self.first_delay * self.factor ** max(0, attempts - 1))

    def next_attempt_in(self, attempts: int, age: timedelta) -> float | None:
        """Seconds until the next attempt of a job `age` old that failed `attempts` times; None: give it up."""
        left = (self.give_up_after - age).total_seconds()
        if left <= 0:
            return None
        return min(self.delay(attempts), left)

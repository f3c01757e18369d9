"""A brake on guessing ticket tokens: too many unknown tokens from one address, and it must wait.

Tokens carry 192 random bits, so guessing is hopeless anyway; this keeps a scanner from even trying
at speed. Per process and in memory: with several processes the limit is per process.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict

MISSES_PER_MINUTE = 30
ADDRESSES_KEPT = 10_000


class TokenGuesses:
    """Counts unknown-token lookups per client address over a sliding minute."""

    def __init__(self, limit: int = MISSES_PER_MINUTE, window_seconds: float = 60.0) -> None:
        self.limit = limit
        self.window = window_seconds
        self._misses: OrderedDict[str, list[float]] = OrderedDict()
        self._lock = threading.Lock()

    def blocked(self, address: str) -> bool:
        """Whether this address used up its misses for now."""
        with self._lock:
            return len(self._recent(address)) >= self.limit

    def missed(self, address: str) -> None:
        with self._lock:
            self._misses[address] = [*self._recent(address), time.monotonic()]
            self._misses.move_to_end(address)
            while len(self._misses) > ADDRESSES_KEPT:
                self._misses.popitem(last=False)

    def _recent(self, address: str) -> list[float]:
        cutoff = time.monotonic() - self.window
        return [t for t in self._misses.get(address, []) if t > cutoff]

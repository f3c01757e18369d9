"""A brake on guessing ticket tokens: too many unknown tokens from one address, and it must wait.

Tokens carry 192 random bits, so guessing is hopeless anyway; this keeps a scanner from even trying
at speed. Counts live in Flask-Limiter's storage when the app has it (Redis with REDIS_URL, so the
limit holds across processes), else in this process's memory. Used by the status page and /ticket.
"""

from __future__ import annotations

from flask import current_app
from limits import RateLimitItemPerMinute
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter, RateLimiter

MISSES_PER_MINUTE = 30
LIMIT_SETTING = "WAITWELL_TOKEN_GUESSES_PER_MINUTE"
NAMESPACE = "waitwell-token-guesses"


class TokenGuesses:
    """Counts lookups of unknown tokens per client address over a sliding minute."""

    def __init__(self) -> None:
        self._own: RateLimiter = MovingWindowRateLimiter(MemoryStorage())

    def blocked(self, address: str) -> bool:
        """Whether this address has used up its unknown tokens for now."""
        return not self._strategy().test(self._limit(), NAMESPACE, address)

    def missed(self, address: str) -> None:
        self._strategy().hit(self._limit(), NAMESPACE, address)

    def _limit(self) -> RateLimitItemPerMinute:
        return RateLimitItemPerMinute(int(current_app.config.get(LIMIT_SETTING, MISSES_PER_MINUTE)))

    def _strategy(self) -> RateLimiter:
        limiters = current_app.extensions.get("limiter")
        return next(iter(limiters)).limiter if limiters else self._own

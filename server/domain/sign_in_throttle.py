"""How failed sign-ins slow down the next try: growing delays, never a lock.

A lock on a username lets anyone who knows it keep that person out, and a lock on an address keeps out a
whole office behind one router. So failures only ever bring delays, counted three ways:

- per **username and address** (the pair): a person mistyping at their counter, or one attacker on one
  account, waits longer after each failure. Nobody else is slowed by it.
- per **username**, from every address: an attacker on one account from many addresses. This delay grows
  slowly and applies only to addresses that have failed for this username themselves, so the right
  password from an address with no failures always goes through.
- per **address**, for every username: one address trying many accounts (one common password each).
  Many free failures, since an office's PCs may share an address, and a short longest delay.

Each delay runs from the last failure it counts; failures older than `forget_after` are forgotten.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta


@dataclass(frozen=True)
class Throttle:
    """Failures answered at once, then a delay that starts at `first_delay` and grows by `growth` with
    each further failure, up to `longest_delay`."""

    free_failures: int
    first_delay: timedelta
    growth: float
    longest_delay: timedelta

    def delay_after(self, failures: int) -> timedelta:
        """How long to wait after the last of `failures` failures before the next try is checked."""
        extra = failures - self.free_failures
        if extra <= 0:
            return timedelta(0)
        seconds = self.first_delay.total_seconds() * self.growth ** min(extra - 1, 64)  # bounded: no overflow
        return timedelta(seconds=min(seconds, self.longest_delay.total_seconds()))


@dataclass(frozen=True)
class SignInPolicy:
    """The three throttles, when failures are forgotten, and when an account counts as under attack."""

    pair: Throttle = Throttle(3, timedelta(seconds=2), 2.0, timedelta(minutes=15))
    username: Throttle = Throttle(10, timedelta(seconds=1), 1.25, timedelta(minutes=2))
    address: Throttle = Throttle(30, timedelta(seconds=2), 2.0, timedelta(seconds=60))
    forget_after: timedelta = timedelta(hours=1)
    under_attack_after: int = 20  # failures of one username (from any address) before admins are told

    def username_delay_for(self, *, pair_failures: int, username_failures: int) -> timedelta:
        """The username's delay as it applies to one address: none for an address that has not failed."""
        return self.username.delay_after(username_failures) if pair_failures > 0 else timedelta(0)


DEFAULT_POLICY = SignInPolicy()

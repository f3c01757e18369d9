"""Signing staff in, with a delay and then a lockout after repeated failures.

Failures are counted per username and per client address in the database, so the limits hold
across every process serving the app. A refused attempt never checks the password, so guessing
cannot continue during a delay or a lockout.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from waitwell.domain.errors import BadCredentials, TooManyAttempts
from waitwell.persistence import SignInFailure
from waitwell.services import accounts
from waitwell.services.accounts import StaffMember
from waitwell.services.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class SignInPolicy:
    """How many failures are free, how the delay grows, and when a lockout starts."""

    free_failures: int = 3  # failures of one username answered at once, before any delay
    free_address_failures: int = 10  # one office's PCs can share an address: more before a delay
    first_delay: timedelta = timedelta(seconds=2)  # after the first failure past the free ones; doubles each time
    longest_delay: timedelta = timedelta(seconds=60)
    lockout_after_username_failures: int = 10
    lockout_after_address_failures: int = 50  # one office's PCs can share an address: higher
    lockout: timedelta = timedelta(minutes=15)
    forget_after: timedelta = timedelta(minutes=30)  # failures this old no longer count

    def delay_after(self, failures: int, free: int | None = None) -> timedelta:
        extra = failures - (self.free_failures if free is None else free)
        if extra <= 0:
            return timedelta(0)
        return min(self.first_delay * (2 ** (extra - 1)), self.longest_delay)


DEFAULT_POLICY = SignInPolicy()


def username_key(username: str) -> str:
    return f"username:{username.strip().lower()}"


def address_key(address: str) -> str:
    return f"address:{address or 'unknown'}"


def sign_in(
    uow: UnitOfWork, *, username: str, password: str, address: str, policy: SignInPolicy = DEFAULT_POLICY
) -> StaffMember:
    """The staff member for these credentials; BadCredentials, or TooManyAttempts while delayed or locked."""
    keys = {username_key(username): (policy.free_failures, policy.lockout_after_username_failures),
            address_key(address): (policy.free_address_failures, policy.lockout_after_address_failures)}
    _refuse_if_throttled(uow, keys, policy)
    member = accounts.authenticate(uow, username=username, password=password)
    if member is None:
        _record_failure(uow, keys, policy)
        raise BadCredentials("wrong username or password")
    with uow:
        # The address keeps its count: a valid account must not reset an attacker's budget.
        uow.session.execute(delete(SignInFailure).where(SignInFailure.key == username_key(username)))
        uow.commit()
    return member


def unlock(uow: UnitOfWork, *, username: str) -> bool:
    """Lift a username's delay or lockout (an admin did it); whether there was one."""
    with uow:
        removed = uow.session.execute(delete(SignInFailure).where(SignInFailure.key == username_key(username)))
        uow.commit()
        return bool(getattr(removed, "rowcount", 0))


@dataclass(frozen=True)
class Lockout:
    username: str
    failures: int
    locked_until: datetime | None
    retry_after: datetime | None


def current_lockouts(uow: UnitOfWork) -> dict[str, Lockout]:
    """Usernames that are delayed or locked out now, for the users page."""
    with uow:
        now = uow.clock.now()
        rows = uow.session.scalars(select(SignInFailure).where(SignInFailure.key.startswith("username:"))).all()
        found = {}
        for row in rows:
            until = max((t for t in (row.locked_until, row.retry_after) if t is not None), default=None)
            if until is not None and until > now:
                name = row.key.removeprefix("username:")
                found[name] = Lockout(name, row.failures, row.locked_until, row.retry_after)
        return found


def _refuse_if_throttled(uow: UnitOfWork, keys: dict[str, tuple[int, int]], policy: SignInPolicy) -> None:
    with uow:
        now = uow.clock.now()
        rows = uow.session.scalars(select(SignInFailure).where(SignInFailure.key.in_(keys))).all()
        for row in rows:  # a lockout says more than a delay, so it is reported first
            if row.locked_until is not None and row.locked_until > now:
                minutes = _ceil_minutes(row.locked_until - now)
                what = "this account" if row.key.startswith("username:") else "this computer"
                raise TooManyAttempts(
                    f"too many failed sign-ins: {what} is locked for {minutes} more minute"
                    f"{'s' if minutes != 1 else ''}; an administrator can unlock it"
                )
        for row in rows:
            if row.retry_after is not None and row.retry_after > now:
                seconds = int((row.retry_after - now).total_seconds() + 0.999)
                raise TooManyAttempts(f"too many failed sign-ins: wait {seconds} s before trying again")


def _record_failure(uow: UnitOfWork, keys: dict[str, tuple[int, int]], policy: SignInPolicy) -> None:
    for attempt in range(2):  # a concurrent first failure on the same key may insert it first
        try:
            with uow:
                now = uow.clock.now()
                for key, (free, lockout_after) in keys.items():
                    row = uow.session.scalar(select(SignInFailure).where(SignInFailure.key == key).with_for_update())
                    if row is None:
                        row = SignInFailure(key=key, failures=0, first_failed_at=now, last_failed_at=now)
                        uow.session.add(row)
                    elif now - row.last_failed_at > policy.forget_after:
                        row.failures, row.first_failed_at, row.locked_until = 0, now, None
                    row.failures += 1
                    row.last_failed_at = now
                    row.retry_after = now + policy.delay_after(row.failures, free)
                    if row.failures >= lockout_after:
                        row.locked_until = now + policy.lockout
                uow.commit()
                return
        except IntegrityError:
            if attempt:
                raise


def _ceil_minutes(delta: timedelta) -> int:
    return max(1, int(delta.total_seconds() // 60 + (1 if delta.total_seconds() % 60 else 0)))

"""Signing staff in, with growing delays after failures and never a lock (domain/sign_in_throttle.py says why).

Failures are counted in the database, so every process serving the app sees them, under three keys:
"pair:<username>|<address>", "username:<username>" and "address:<address>" (usernames in their normalised
form). A refused attempt never checks the password, so guessing cannot continue during a delay. When one
username reaches `under_attack_after` failures the audit log gets a `sign_in.under_attack` entry, and the
dashboard and the users page say so while the failures last.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, delete, or_, select
from sqlalchemy.exc import IntegrityError

from waitwell.domain.errors import BadCredentials, TooManyAttempts
from waitwell.domain.sign_in_throttle import DEFAULT_POLICY, SignInPolicy
from waitwell.domain.usernames import normalise_username
from waitwell.persistence import SignInFailure, User
from waitwell.persistence.accounts import user_offices
from waitwell.services import accounts, audit
from waitwell.services.accounts import StaffMember
from waitwell.services.unit_of_work import UnitOfWork

UNDER_ATTACK_ACTION = "sign_in.under_attack"


@dataclass(frozen=True)
class FailureKeys:
    """The three counters one attempt is checked against and counted in."""

    username: str
    address: str

    @property
    def pair(self) -> str:
        return f"pair:{self.username[:120]}|{self.address[:60]}"

    @property
    def of_username(self) -> str:
        return f"username:{self.username[:120]}"

    @property
    def of_address(self) -> str:
        return f"address:{self.address[:60]}"

    @classmethod
    def of(cls, username: str, address: str) -> FailureKeys:
        return cls(normalise_username(username), address or "unknown")


@dataclass(frozen=True)
class FailedSignIns:
    """Recent failures for one username, from every address."""

    username: str
    failures: int
    addresses: int
    since: datetime
    last_failure: datetime
    under_attack: bool


def sign_in(
    uow: UnitOfWork, *, username: str, password: str, address: str, policy: SignInPolicy = DEFAULT_POLICY
) -> StaffMember:
    """The staff member for these credentials; BadCredentials, or TooManyAttempts while delayed."""
    keys = FailureKeys.of(username, address)
    _refuse_while_delayed(uow, keys, policy)
    member = accounts.authenticate(uow, username=keys.username, password=password)
    if member is None:
        if (attack := _record_failure(uow, keys, policy)) is not None:
            _tell_admins(uow, attack, address=keys.address)
        raise BadCredentials("wrong username or password")
    with uow:
        # Only this address's own failures are forgiven: a right password must not reset an attacker's count
        # on the username, nor the address's count for other usernames.
        uow.session.execute(delete(SignInFailure).where(SignInFailure.key == keys.pair))
        uow.commit()
    return member


def clear_delays(uow: UnitOfWork, *, username: str) -> bool:
    """Forget a username's failures from every address (an admin did it); whether there were any."""
    name = normalise_username(username)
    with uow:
        removed = uow.session.execute(delete(SignInFailure).where(or_(
            SignInFailure.key == FailureKeys(name, "").of_username, _pairs_of(name))))
        uow.commit()
        return bool(getattr(removed, "rowcount", 0))


def recent_failures(
    uow: UnitOfWork, *, office_ids: Iterable[int] | None = None, policy: SignInPolicy = DEFAULT_POLICY
) -> dict[str, FailedSignIns]:
    """Usernames with failures not yet forgotten, by username; with `office_ids`, only accounts of those offices
    (a supervisor's view), otherwise every username tried, existing or not (an admin's)."""
    with uow:
        now = uow.clock.now()
        query = select(SignInFailure).where(SignInFailure.key.startswith("username:"),
                                            SignInFailure.last_failed_at >= now - policy.forget_after)
        rows = {row.key.removeprefix("username:"): row for row in uow.session.scalars(query)}
        if office_ids is not None:
            colleagues = select(User.username).join(user_offices, user_offices.c.user_id == User.id).where(
                user_offices.c.office_id.in_(list(office_ids)), User.username.in_(list(rows)))
            rows = {name: rows[name] for name in uow.session.scalars(colleagues)}
        return {name: FailedSignIns(name, row.failures, _addresses_failing(uow, name, now, policy),
                                    row.first_failed_at, row.last_failed_at,
                                    row.failures >= policy.under_attack_after)
                for name, row in sorted(rows.items())}


def attacks(uow: UnitOfWork, *, office_ids: Iterable[int] | None = None,
            policy: SignInPolicy = DEFAULT_POLICY) -> list[FailedSignIns]:
    """Accounts under attack now (see `recent_failures` for `office_ids`), most failures first."""
    found = recent_failures(uow, office_ids=office_ids, policy=policy).values()
    return sorted((f for f in found if f.under_attack), key=lambda f: (-f.failures, f.username))


def _refuse_while_delayed(uow: UnitOfWork, keys: FailureKeys, policy: SignInPolicy) -> None:
    with uow:
        now = uow.clock.now()
        rows = {row.key: row for row in uow.session.scalars(select(SignInFailure).where(
            SignInFailure.key.in_([keys.pair, keys.of_username, keys.of_address])))
            if now - row.last_failed_at <= policy.forget_after}
        pair, of_username, of_address = (rows.get(k) for k in (keys.pair, keys.of_username, keys.of_address))
        waits = [row.retry_after for row in (pair, of_address) if row is not None and row.retry_after is not None]
        if pair is not None and of_username is not None:  # the username's count has grown since this pair failed
            waits.append(pair.last_failed_at + policy.username_delay_for(
                pair_failures=pair.failures, username_failures=of_username.failures))
        until = max(waits, default=now)
        if until > now:
            seconds = math.ceil((until - now).total_seconds())
            raise TooManyAttempts(f"too many failed sign-ins: wait {_duration(seconds)} before trying again",
                                  retry_after=seconds)


def _record_failure(uow: UnitOfWork, keys: FailureKeys, policy: SignInPolicy) -> FailedSignIns | None:
    """Count the failure under its three keys; the username's failures when this one makes it an attack."""
    for attempt in range(2):  # a concurrent first failure on the same key may insert it first
        try:
            with uow:
                now = uow.clock.now()
                # Always the same order of keys, so two failures at once never wait on each other's rows.
                of_username = _counted(uow, keys.of_username, now, policy)
                pair = _counted(uow, keys.pair, now, policy)
                of_address = _counted(uow, keys.of_address, now, policy)
                pair.retry_after = now + max(policy.pair.delay_after(pair.failures), policy.username_delay_for(
                    pair_failures=pair.failures, username_failures=of_username.failures))
                of_address.retry_after = now + policy.address.delay_after(of_address.failures)
                of_username.retry_after = None  # applies per address, through the pair (see _refuse_while_delayed)
                uow.session.flush()
                attack = None
                if of_username.failures == policy.under_attack_after:
                    attack = FailedSignIns(keys.username, of_username.failures,
                                           _addresses_failing(uow, keys.username, now, policy),
                                           of_username.first_failed_at, now, True)
                uow.commit()
                return attack
        except IntegrityError:
            if attempt:
                raise
    return None


def _counted(uow: UnitOfWork, key: str, now: datetime, policy: SignInPolicy) -> SignInFailure:
    row = uow.session.scalar(select(SignInFailure).where(SignInFailure.key == key).with_for_update())
    if row is None:
        row = SignInFailure(key=key, failures=0, first_failed_at=now, last_failed_at=now)
        uow.session.add(row)
    elif now - row.last_failed_at > policy.forget_after:
        row.failures, row.first_failed_at = 0, now
    row.failures += 1
    row.last_failed_at = now
    row.locked_until = None  # no lock any more: rows from before keep none either
    return row


def _tell_admins(uow: UnitOfWork, attack: FailedSignIns, *, address: str) -> None:
    """The audit entry that says an account is under attack: under the account's user id when it exists, so
    its offices' supervisors see it too."""
    with uow:
        user_id = uow.session.scalar(select(User.id).where(User.username == attack.username))
    audit.record(uow, action=UNDER_ATTACK_ACTION, username=attack.username, user_id=user_id,
                 target=f"user {attack.username}", address=address,
                 detail={"failures": attack.failures, "addresses": attack.addresses,
                         "since": attack.since.isoformat()})


def _pairs_of(username: str) -> ColumnElement[bool]:
    return SignInFailure.key.startswith(f"pair:{username[:120]}|", autoescape=True)


def _addresses_failing(uow: UnitOfWork, username: str, now: datetime, policy: SignInPolicy) -> int:
    """How many addresses have failed for this username lately (a "|" in a username cannot fool the count:
    addresses have none, so the username is everything before the last one)."""
    keys = uow.session.scalars(select(SignInFailure.key).where(
        _pairs_of(username), SignInFailure.last_failed_at >= now - policy.forget_after)).all()
    return sum(1 for key in keys if key.removeprefix("pair:").rpartition("|")[0] == username[:120])


def _duration(seconds: int) -> str:
    if seconds < 120:
        return f"{seconds} s"
    return f"{math.ceil(seconds / 60)} min"


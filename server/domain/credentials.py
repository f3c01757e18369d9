"""What a staff member signs in with, and the rules that bound it: how long a staff session lasts, and
which API tokens a member may create for whom.

A staff session ends 12 hours after signing in, whatever happens (a working day; never extended), or after
30 minutes without the person doing anything, whichever comes first. Each user also has a session
generation: signing out, a new password or an administrator's reset moves it on, which ends every session
signed in before, on every browser, including a copied cookie.

An API token is meant for a machine. Administrators create tokens for anyone; other staff only for
themselves, and only a few live ones at a time, so a clerk's password cannot be turned into an unbounded
number of credentials that outlive it. A token may expire; the default lifetime is the operator's choice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from waitwell.domain.errors import Conflict, InvalidInput, NotAuthorized

DEFAULT_SESSION_HOURS = 12.0
DEFAULT_IDLE_MINUTES = 30.0
DEFAULT_OWN_TOKEN_LIMIT = 3


@dataclass(frozen=True)
class SessionRules:
    """How long a staff session lasts: at most `longest` from signing in, and `idle` without activity."""

    longest: timedelta = timedelta(hours=DEFAULT_SESSION_HOURS)
    idle: timedelta = timedelta(minutes=DEFAULT_IDLE_MINUTES)

    def ends_at(self, signed_in_at: datetime) -> datetime:
        return signed_in_at + self.longest

    def why_over(self, *, signed_in_at: datetime, seen_at: datetime, now: datetime) -> str | None:
        """Why a session signed in and last active at these moments is over by `now`, or None if it is not."""
        if now >= self.ends_at(signed_in_at):
            return f"signed in more than {_duration(self.longest)} ago"
        if now >= seen_at + self.idle:
            return f"nothing done for {_duration(self.idle)}"
        return None


@dataclass(frozen=True)
class Credential:
    """What a live connection signed in with: an API token, or a staff session of one session generation
    that ends at `ends_at` at the latest."""

    user_id: int
    token_id: int | None = None
    session_generation: int = 0
    ends_at: datetime | None = None


@dataclass(frozen=True)
class TokenRules:
    """`default_days`: how long a new token lives when its creator does not say (None: until revoked).
    `own_token_limit`: how many live tokens a clerk or supervisor may hold when creating one."""

    default_days: float | None = None
    own_token_limit: int = DEFAULT_OWN_TOKEN_LIMIT

    def expiry(self, *, by_admin: bool, days: float | None, now: datetime) -> datetime | None:
        """When a token created now expires: `days` when given, else the default. Only an administrator may
        ask for longer than the default."""
        if days is not None and not days > 0:
            raise InvalidInput("a token's lifetime is a number of days above 0")
        if days is None:
            days = self.default_days
        elif not by_admin and self.default_days is not None and days > self.default_days:
            raise InvalidInput(f"a token lives at most {self.default_days:g} days unless an administrator "
                               f"creates it")
        return None if days is None else now + timedelta(days=days)

    def live_token_limit(self, *, by_admin: bool, creator_id: int, user_id: int) -> int | None:
        """How many live tokens `user_id` may already hold for `creator_id` to create one more for them (None:
        no limit); refuses anyone but an administrator creating a token for someone else."""
        if by_admin:
            return None
        if user_id != creator_id:
            raise NotAuthorized("only an administrator creates API tokens for someone else")
        return self.own_token_limit


def refuse_over_limit(live_tokens: int, limit: int | None) -> None:
    """Refuse one more token when the user already holds `limit` live ones."""
    if limit is not None and live_tokens >= limit:
        raise Conflict(f"you already hold {live_tokens} live API tokens (at most {limit}); an administrator "
                       f"can revoke one you no longer use")


def _duration(span: timedelta) -> str:
    minutes = span.total_seconds() / 60
    if minutes >= 60 and minutes % 60 == 0:
        hours = int(minutes // 60)
        return f"{hours} hour{'s' if hours != 1 else ''}"
    return f"{minutes:g} minute{'s' if minutes != 1 else ''}"

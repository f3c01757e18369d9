"""Staff accounts and API tokens."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, func, or_, select, update
from werkzeug.security import check_password_hash, generate_password_hash

from waitwell.domain.credentials import refuse_over_limit
from waitwell.domain.errors import InvalidInput, NotFound
from waitwell.domain.passwords import check_password
from waitwell.domain.usernames import new_username, normalise_username
from waitwell.persistence import ApiToken, Office, Role, User
from waitwell.services.unit_of_work import UnitOfWork

# Checked against when the username is unknown, so both cases take the same time.
_DUMMY_HASH = generate_password_hash("waitwell-timing-equaliser")


@dataclass(frozen=True)
class StaffMember:
    """A signed-in staff user as the web layer sees it."""

    id: int
    username: str
    display_name: str
    role: Role
    office_ids: frozenset[int]
    session_generation: int = 0  # the user's, when read: a session cookie holding another one has ended
    token_id: int | None = None  # the API token this member was recognised by, if any

    @classmethod
    def of(cls, user: User) -> StaffMember:
        return cls(user.id, user.username, user.display_name, user.role, user.office_ids,
                   user.session_generation or 0)


def create_user(
    uow: UnitOfWork,
    *,
    username: str,
    password: str,
    role: Role = Role.CLERK,
    office_ids: Iterable[int] = (),
    display_name: str = "",
) -> StaffMember:
    """Create a staff account; the username is kept in its normalised form (domain/usernames.py), so it is
    taken whatever the case, and the password only as a salted hash."""
    typed = (username or "").strip()
    username = new_username(typed)
    check_password(password)
    with uow:
        if uow.session.scalar(select(User.id).where(User.username == username)):
            same = "" if typed == username else f" (as {typed!r}: usernames are the same whatever the case)"
            raise InvalidInput(f"the username {username!r} is taken{same}")
        wanted = set(office_ids)
        offices = uow.session.scalars(select(Office).where(Office.id.in_(wanted))).all()
        if missing := sorted(wanted - {o.id for o in offices}):
            raise InvalidInput(f"there is no office {', '.join(map(str, missing))}")
        user = User(username=username, display_name=display_name or username,
                    password_hash=generate_password_hash(password), role=role, active=True,
                    created_at=uow.clock.now(), offices=list(offices))
        uow.session.add(user)
        uow.session.flush()
        member = StaffMember.of(user)
        uow.commit()
        return member


def authenticate(uow: UnitOfWork, *, username: str, password: str) -> StaffMember | None:
    """The staff member with these credentials, or None (same answer for unknown user and bad password); the
    username is found whatever its case."""
    with uow:
        user = uow.session.scalar(select(User).where(User.username == normalise_username(username)))
        if user is None:
            check_password_hash(_DUMMY_HASH, password)
            return None
        if not check_password_hash(user.password_hash, password) or not user.active:
            return None
        return StaffMember.of(user)


def load_staff_member(uow: UnitOfWork, user_id: int) -> StaffMember | None:
    with uow:
        user = uow.session.get(User, user_id)
        return StaffMember.of(user) if user is not None and user.active else None


def create_api_token(uow: UnitOfWork, *, user_id: int, name: str, expires_at: datetime | None = None,
                     live_token_limit: int | None = None) -> str:
    """Create a bearer token for a machine acting as `user_id`; the plain token is shown only now. Refused
    when the user already holds `live_token_limit` live tokens (checked with the user's row locked, so two
    requests at once cannot both take the last place)."""
    name = (name or "").strip()
    if not name:
        raise InvalidInput("an API token needs a name that says what uses it")
    with uow:
        now = uow.clock.now()
        if expires_at is not None and expires_at <= now:
            raise InvalidInput("an API token must expire after it is created")
        if uow.session.scalar(select(User.id).where(User.id == user_id).with_for_update()) is None:
            raise NotFound(f"there is no user {user_id}")
        if live_token_limit is not None:
            refuse_over_limit(count_live_tokens(uow, user_id=user_id, now=now), live_token_limit)
        token = "ww_" + secrets.token_urlsafe(32)
        uow.session.add(ApiToken(user_id=user_id, name=name, token_hash=hash_token(token), created_at=now,
                                 expires_at=expires_at))
        uow.commit()
        return token


def live_token(now: datetime) -> ColumnElement[bool]:
    """The condition of a token that is neither revoked nor expired at `now`."""
    return and_(ApiToken.revoked_at.is_(None), or_(ApiToken.expires_at.is_(None), ApiToken.expires_at > now))


def count_live_tokens(uow: UnitOfWork, *, user_id: int, now: datetime) -> int:
    """How many tokens acting as the user are neither revoked nor expired (inside `uow`'s transaction)."""
    return uow.session.scalar(select(func.count(ApiToken.id)).where(ApiToken.user_id == user_id,
                                                                    live_token(now))) or 0


# "Last used" is shown to the nearest minute: writing it on every request made each read a write transaction,
# and SQLite has one writer at a time (a clerk's call waited for other requests' bookkeeping).
LAST_USED_PRECISION = timedelta(minutes=1)


def staff_member_for_token(uow: UnitOfWork, token: str, *, note_use: UnitOfWork | None = None
                           ) -> StaffMember | None:
    """The active user behind a bearer token that is neither revoked nor expired, or None. Read with `uow`
    (read-only will do); when it was last used over a minute ago, that is noted with `note_use`."""
    with uow:
        now = uow.clock.now()
        api_token = uow.session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(token)))
        if (api_token is None or api_token.revoked_at is not None or not api_token.user.active
                or (api_token.expires_at is not None and api_token.expires_at <= now)):
            return None
        member = replace(StaffMember.of(api_token.user), token_id=api_token.id)
        token_id, last_used = api_token.id, api_token.last_used_at
    if note_use is not None and (last_used is None or now - last_used >= LAST_USED_PRECISION):
        with note_use:
            note_use.session.execute(update(ApiToken).where(ApiToken.id == token_id).values(last_used_at=now))
            note_use.commit()
    return member


def hash_token(token: str) -> str:
    # Tokens are long and random, so a fast hash is enough (unlike passwords).
    return hashlib.sha256(token.encode()).hexdigest()

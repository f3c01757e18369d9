"""Administration of staff accounts and API tokens: roles, offices, passwords, switching off, revoking."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload
from werkzeug.security import generate_password_hash

from waitwell.domain.errors import Conflict, InvalidInput, NotFound
from waitwell.domain.passwords import check_password
from waitwell.persistence import ApiToken, CounterSession, Office, Role, User
from waitwell.services.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class UserRow:
    id: int
    username: str
    display_name: str
    role: Role
    active: bool
    office_ids: tuple[int, ...]
    office_names: tuple[str, ...]
    created_at: datetime


@dataclass(frozen=True)
class TokenRow:
    id: int
    name: str
    user_id: int
    username: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None
    expires_at: datetime | None
    state: str  # "active", "expired" or "revoked"

    @classmethod
    def of(cls, token: ApiToken, username: str, now: datetime) -> TokenRow:
        expired = token.expires_at is not None and token.expires_at <= now
        state = "revoked" if token.revoked_at is not None else "expired" if expired else "active"
        return cls(token.id, token.name, token.user_id, username, token.created_at, token.last_used_at,
                   token.revoked_at, token.expires_at, state)


def list_users(uow: UnitOfWork) -> list[UserRow]:
    with uow:
        users = uow.session.scalars(select(User).order_by(User.username).options(selectinload(User.offices))).all()
        return [_row(user) for user in users]


def get_user(uow: UnitOfWork, *, user_id: int) -> UserRow:
    with uow:
        return _row(_user(uow, user_id))


def update_user(
    uow: UnitOfWork, *, user_id: int, display_name: str, role: Role, office_ids: Iterable[int], active: bool,
    acting_user_id: int,
) -> None:
    """Change someone's name, role, offices or switch the account off (accounts are never deleted: history
    keeps who served whom). An admin cannot demote or switch off their own account, so one admin always remains."""
    display_name = (display_name or "").strip()
    if len(display_name) > 120:
        raise InvalidInput("a display name is at most 120 characters")
    wanted = set(office_ids)
    if role != Role.ADMIN and not wanted:
        raise InvalidInput(f"a {role.value} works in at least one office")
    if user_id == acting_user_id and (role != Role.ADMIN or not active):
        raise Conflict("you cannot remove your own administrator role or switch off your own account")
    with uow:
        user = _user(uow, user_id)
        offices = uow.session.scalars(select(Office).where(Office.id.in_(wanted))).all()
        if missing := sorted(wanted - {o.id for o in offices}):
            raise InvalidInput(f"there is no office {', '.join(map(str, missing))}")
        user.display_name = display_name or user.username
        user.role, user.offices, user.active = role, list(offices), active
        if not active:
            held = uow.session.scalars(select(CounterSession).where(CounterSession.user_id == user_id)).all()
            for row in held:
                uow.session.delete(row)  # a switched-off clerk holds no counter
        uow.commit()


def set_password(uow: UnitOfWork, *, user_id: int, password: str) -> None:
    """Give someone a new password (they should change it at their next sign-in); the same rule as a new account's."""
    check_password(password)
    with uow:
        _user(uow, user_id).password_hash = generate_password_hash(password)
        uow.commit()


def list_tokens(uow: UnitOfWork) -> list[TokenRow]:
    with uow:
        rows = uow.session.execute(
            select(ApiToken, User.username).join(User, User.id == ApiToken.user_id)
            .order_by(ApiToken.revoked_at.is_not(None), ApiToken.created_at.desc())
        ).all()
        now = uow.clock.now()
        return [TokenRow.of(token, username, now) for token, username in rows]


def revoke_token(uow: UnitOfWork, *, token_id: int) -> TokenRow:
    """Revoke a token at once: the next request with it is refused. The row stays, for the record."""
    with uow:
        token = uow.session.get(ApiToken, token_id)
        if token is None:
            raise NotFound(f"there is no API token {token_id}")
        if token.revoked_at is None:
            token.revoked_at = uow.clock.now()
        row = TokenRow.of(token, token.user.username, uow.clock.now())
        uow.commit()
        return row


def _user(uow: UnitOfWork, user_id: int) -> User:
    user = uow.session.get(User, user_id)
    if user is None:
        raise NotFound(f"there is no user {user_id}")
    return user


def _row(user: User) -> UserRow:
    offices = sorted(user.offices, key=lambda o: o.name)
    return UserRow(user.id, user.username, user.display_name, user.role, user.active,
                   tuple(o.id for o in offices), tuple(o.name for o in offices), user.created_at)

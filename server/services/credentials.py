"""Creating API tokens under their rules, ending staff sessions, and telling which credentials of live
connections still hold."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update

from waitwell.domain.credentials import Credential, TokenRules
from waitwell.domain.errors import NotAuthorized
from waitwell.persistence import ApiToken, Role, User
from waitwell.services import accounts
from waitwell.services.accounts import StaffMember, live_token
from waitwell.services.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class NewToken:
    """A token just created: `token` is shown this once and never again."""

    token: str
    name: str
    user_id: int
    expires_at: datetime | None


def create_token_for(uow: UnitOfWork, *, creator: StaffMember, user_id: int, name: str, days: float | None,
                     rules: TokenRules) -> NewToken:
    """An API token created by a signed-in member under `rules`: administrators for anyone and for as long as
    they say; other staff for themselves only, a few live at a time, at most the default lifetime. Never by
    a member recognised by a token: one token minting the next would outlive revoking it."""
    if creator.token_id is not None:
        raise NotAuthorized("API tokens are created by a person signed in with a password, not with a token")
    by_admin = creator.role == Role.ADMIN
    limit = rules.live_token_limit(by_admin=by_admin, creator_id=creator.id, user_id=user_id)
    expires_at = rules.expiry(by_admin=by_admin, days=days, now=uow.clock.now())
    token = accounts.create_api_token(uow, user_id=user_id, name=name, expires_at=expires_at,
                                      live_token_limit=limit)
    return NewToken(token, name.strip(), user_id, expires_at)


def end_sessions(uow: UnitOfWork, *, user_id: int) -> None:
    """End every staff session of the user, on every browser (signing out ends them all: a copied cookie
    must not outlive it). API tokens are not touched: revoke those one by one."""
    with uow:
        uow.session.execute(update(User).where(User.id == user_id)
                            .values(session_generation=User.session_generation + 1))
        uow.commit()


def still_valid(uow: UnitOfWork, credentials: Iterable[Credential]) -> set[Credential]:
    """Those of `credentials` that still hold now: the token is live and its user active, or the session is
    of its user's current generation, within its longest lifetime, and the user active. Two reads in all."""
    credentials = set(credentials)
    token_ids = {c.token_id for c in credentials if c.token_id is not None}
    user_ids = {c.user_id for c in credentials if c.token_id is None}
    with uow:
        now = uow.clock.now()
        live_tokens = set(uow.session.scalars(
            select(ApiToken.id).join(User, User.id == ApiToken.user_id)
            .where(ApiToken.id.in_(token_ids), live_token(now), User.active.is_(True)))) if token_ids else set()
        generations = dict(uow.session.execute(
            select(User.id, User.session_generation).where(User.id.in_(user_ids), User.active.is_(True))
        ).all()) if user_ids else {}

    def holds(credential: Credential) -> bool:
        if credential.token_id is not None:
            return credential.token_id in live_tokens
        return (generations.get(credential.user_id) == credential.session_generation
                and (credential.ends_at is None or now < credential.ends_at))

    return {credential for credential in credentials if holds(credential)}

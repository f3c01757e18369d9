"""Staff accounts and machine API tokens."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Column, ForeignKey, String, Table, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from waitwell.persistence.base import Base, string_enum
from waitwell.persistence.models import Office


class Role(StrEnum):
    CLERK = "clerk"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"

    @property
    def rank(self) -> int:
        return list(Role).index(self)

    def includes(self, other: Role) -> bool:
        """An admin can do what a supervisor can, who can do what a clerk can."""
        return self.rank >= other.rank


user_offices = Table(
    "user_offices",
    Base.metadata,
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("office_id", ForeignKey("offices.id", ondelete="CASCADE"), primary_key=True),
)


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    display_name: Mapped[str] = mapped_column(String(120), default="")
    password_hash: Mapped[str] = mapped_column(String(256))
    role: Mapped[Role] = mapped_column(string_enum(Role), default=Role.CLERK)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime]
    # Kept in each staff session's cookie; moving it on ends every session signed in before (docs/security.md).
    session_generation: Mapped[int] = mapped_column(default=0, server_default="0")

    offices: Mapped[list[Office]] = relationship(secondary=user_offices)

    @property
    def office_ids(self) -> frozenset[int]:
        return frozenset(office.id for office in self.offices)


class ApiToken(Base):
    """A bearer token for a machine; only its SHA-256 is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime]
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    expires_at: Mapped[datetime | None]  # refused from this moment on; None: until revoked

    user: Mapped[User] = relationship()


@event.listens_for(User.password_hash, "set", active_history=True)
def _new_password_ends_sessions(user: User, value: str, previous: object, _initiator: object) -> None:
    """A new password (changed by its owner or reset by an administrator) ends every session signed in with
    the old one: held here, so no way of setting a password can forget it."""
    if isinstance(previous, str) and value != previous:
        user.session_generation = (user.session_generation or 0) + 1

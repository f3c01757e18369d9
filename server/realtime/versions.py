"""Per-office feed versions: one more for every published change, never reused after a restart."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from waitwell.persistence import FeedVersion


def bump_version(session: Session, office_id: int) -> int:
    """The office's next version, taken in the caller's transaction (the row lock orders concurrent publishers)."""
    insert = postgresql_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    statement = (
        insert(FeedVersion)
        .values(office_id=office_id, version=1)
        .on_conflict_do_update(index_elements=[FeedVersion.office_id], set_={"version": FeedVersion.version + 1})
        .returning(FeedVersion.version)
    )
    return int(session.execute(statement).scalar_one())


def current_version(session: Session, office_id: int) -> int:
    """The version a snapshot read now is at least as new as (0 before the office's first change)."""
    return int(session.scalar(select(FeedVersion.version).where(FeedVersion.office_id == office_id)) or 0)

"""The audit log: record every staff and admin action, and find entries for supervisors."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import or_, select

from waitwell.persistence import AuditEntry, Office
from waitwell.persistence.accounts import user_offices
from waitwell.services.unit_of_work import UnitOfWork

MAX_PAGE = 500


@dataclass(frozen=True)
class AuditEntryView:
    id: int
    occurred_at: datetime
    user_id: int | None
    username: str
    office_id: int | None
    office_name: str | None
    action: str
    target: str
    detail: Mapping[str, Any]
    address: str
    status_code: int | None

    @property
    def succeeded(self) -> bool:
        return self.status_code is None or self.status_code < 400


def record(
    uow: UnitOfWork,
    *,
    action: str,
    username: str,
    user_id: int | None = None,
    office_id: int | None = None,
    target: str = "",
    detail: Mapping[str, Any] | None = None,
    address: str = "",
    status_code: int | None = None,
) -> None:
    """Append one entry, in its own transaction, at the unit of work's clock time."""
    record_all(uow, [AuditRecord(action=action, username=username, user_id=user_id, office_id=office_id,
                                 target=target, detail=detail, address=address, status_code=status_code)])


@dataclass(frozen=True)
class AuditRecord:
    """One entry to append (`record_all`)."""

    action: str
    username: str
    user_id: int | None = None
    office_id: int | None = None
    target: str = ""
    detail: Mapping[str, Any] | None = None
    address: str = ""
    status_code: int | None = None


def record_all(uow: UnitOfWork, records: Sequence[AuditRecord]) -> list[None]:
    """Append entries in one transaction (staff actions made at the same moment share it: one commit, not one
    per request); one answer per entry, for `GroupCommit`."""
    with uow:
        now = uow.clock.now()
        uow.session.add_all([AuditEntry(
            occurred_at=now, user_id=each.user_id, username=each.username[:80], office_id=each.office_id,
            action=each.action[:60], target=each.target[:160], address=each.address[:45],
            status_code=each.status_code,
            detail=json.dumps(dict(each.detail), sort_keys=True, default=str) if each.detail else "",
        ) for each in records])
        uow.commit()
    return [None] * len(records)


@dataclass(frozen=True)
class AuditFilter:
    """What a supervisor asks for; every field is optional."""

    office_id: int | None = None
    username: str = ""
    action: str = ""  # a prefix: "ticket." finds every ticket action
    since: datetime | None = None
    until: datetime | None = None
    failed_only: bool = False
    before_id: int | None = None  # paging: entries older than this one
    limit: int = 100


def find(uow: UnitOfWork, *, visible_office_ids: Iterable[int] | None, wanted: AuditFilter) -> list[AuditEntryView]:
    """Newest first. `visible_office_ids` None means everything (admins); otherwise entries of those offices
    and office-less entries (sign-ins) of people who work there."""
    with uow:
        query = select(AuditEntry, Office.name).outerjoin(Office, Office.id == AuditEntry.office_id)
        if visible_office_ids is not None:
            ids = list(visible_office_ids)
            colleagues = select(user_offices.c.user_id).where(user_offices.c.office_id.in_(ids))
            query = query.where(or_(AuditEntry.office_id.in_(ids),
                                    AuditEntry.office_id.is_(None) & AuditEntry.user_id.in_(colleagues)))
        if wanted.office_id is not None:
            query = query.where(AuditEntry.office_id == wanted.office_id)
        if wanted.username:
            query = query.where(AuditEntry.username == wanted.username.strip())
        if wanted.action:
            query = query.where(AuditEntry.action.startswith(wanted.action.strip()))
        if wanted.since is not None:
            query = query.where(AuditEntry.occurred_at >= wanted.since)
        if wanted.until is not None:
            query = query.where(AuditEntry.occurred_at < wanted.until)
        if wanted.failed_only:
            query = query.where(AuditEntry.status_code >= 400)
        if wanted.before_id is not None:
            query = query.where(AuditEntry.id < wanted.before_id)
        limit = max(1, min(wanted.limit, MAX_PAGE))
        rows = uow.session.execute(query.order_by(AuditEntry.id.desc()).limit(limit)).all()
        return [_view(entry, office_name) for entry, office_name in rows]


def _view(entry: AuditEntry, office_name: str | None) -> AuditEntryView:
    return AuditEntryView(
        id=entry.id, occurred_at=entry.occurred_at, user_id=entry.user_id, username=entry.username,
        office_id=entry.office_id, office_name=office_name, action=entry.action, target=entry.target,
        detail=json.loads(entry.detail) if entry.detail else {}, address=entry.address,
        status_code=entry.status_code,
    )

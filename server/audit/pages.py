"""The audit log for supervisors (blueprint `audit`): a filterable page and the same entries as JSON."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask import Blueprint, jsonify, render_template, request

from waitwell.auth import staff, staff_required
from waitwell.domain.errors import InvalidInput
from waitwell.persistence import Role
from waitwell.services import audit, offices
from waitwell.services.audit import AuditEntryView, AuditFilter
from waitwell.web import uow

bp = Blueprint("audit", __name__, url_prefix="/audit", template_folder="templates")
PAGE_SIZE = 100


@bp.get("/")
@staff_required(Role.SUPERVISOR)
def log() -> Any:
    """Who did what, when and from where, newest first; filters in the query string."""
    choices, timezone = _offices()
    wanted, error = _filter(timezone)
    entries = [] if error else audit.find(uow(read_only=True), visible_office_ids=_visible(), wanted=wanted)
    older = entries[-1].id if len(entries) == wanted.limit else None
    return render_template("audit/log.html", entries=entries, offices=choices, args=request.args, error=error,
                           older=older, timezone=timezone), 422 if error else 200


@bp.get("/entries.json")
@staff_required(Role.SUPERVISOR)
def entries() -> Any:
    """The same entries as JSON (`before_id` pages back through older ones)."""
    _, timezone = _offices()
    wanted, error = _filter(timezone)
    if error:
        raise InvalidInput(error)
    found = audit.find(uow(read_only=True), visible_office_ids=_visible(), wanted=wanted)
    return jsonify({"entries": [_json(entry) for entry in found],
                    "older": found[-1].id if len(found) == wanted.limit else None})


def _visible() -> list[int] | None:
    user = staff()
    return None if user.role == Role.ADMIN else sorted(user.member.office_ids)


def _offices() -> tuple[list[tuple[int, str]], str]:
    visible = _visible()
    listed = [o for o in offices.list_offices(uow(read_only=True)) if visible is None or o.id in visible]
    timezone = listed[0].timezone if listed else "UTC"
    return [(o.id, o.name) for o in listed], timezone


def _filter(timezone: str) -> tuple[AuditFilter, str]:
    """Read the query string; dates are the office's local days."""
    args = request.args
    try:
        office_id = _optional_int(args.get("office"), "office")
        before_id = _optional_int(args.get("before"), "before")
        limit = _optional_int(args.get("limit"), "limit") or PAGE_SIZE
        since = _local_day(args.get("since"), timezone)
        until = _local_day(args.get("until"), timezone)
    except InvalidInput as error:
        return AuditFilter(), error.message
    visible = _visible()
    if office_id is not None and visible is not None and office_id not in visible:
        return AuditFilter(), "you can only see the audit log of your own offices"
    return AuditFilter(
        office_id=office_id, username=args.get("user", ""), action=args.get("action", ""),
        since=since, until=until + timedelta(days=1) if until else None,
        failed_only=args.get("failed") == "1", before_id=before_id, limit=limit,
    ), ""


def _optional_int(raw: str | None, name: str) -> int | None:
    if not raw:
        return None
    if not raw.isdigit():
        raise InvalidInput(f"{name} must be a whole number")
    return int(raw)


def _local_day(raw: str | None, timezone: str) -> datetime | None:
    if not raw:
        return None
    try:
        day = datetime.strptime(raw, "%Y-%m-%d").date()
    except ValueError:
        raise InvalidInput(f"{raw!r} is not a date like 2026-03-10") from None
    return datetime.combine(day, time(0), tzinfo=ZoneInfo(timezone))


def _json(entry: AuditEntryView) -> dict[str, Any]:
    return {
        "id": entry.id, "occurred_at": entry.occurred_at.isoformat().replace("+00:00", "Z"),
        "user_id": entry.user_id, "username": entry.username, "office_id": entry.office_id,
        "office_name": entry.office_name, "action": entry.action, "target": entry.target,
        "detail": dict(entry.detail), "address": entry.address, "status_code": entry.status_code,
        "succeeded": entry.succeeded,
    }

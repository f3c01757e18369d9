"""Records every staff and admin action made over HTTP: who, what, when, from which address, with what outcome.

Each write request by signed-in staff (session or API token) is recorded after it is answered,
refused ones included. A view can describe its action better with `note(...)`; otherwise the
endpoint and the ids in its URL are recorded.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from flask import Flask, Response, current_app, g, request

from waitwell.auth import SAFE_METHODS, client_address, current_staff
from waitwell.services import access, audit
from waitwell.services.audit import AuditRecord
from waitwell.services.group_commit import GroupCommit
from waitwell.web import uow

log = logging.getLogger(__name__)


@dataclass
class Note:
    action: str
    target: str = ""
    office_id: int | None = None
    detail: dict[str, Any] = field(default_factory=dict)
    username: str | None = None  # for sign-in and sign-out, where the signed-in user is not (yet, still) known
    user_id: int | None = None


def note(action: str, *, target: str = "", office_id: int | None = None, username: str | None = None,
         user_id: int | None = None, **detail: Any) -> None:
    """Describe this request's action for the audit log (GET requests with a note are recorded too)."""
    g.audit_note = Note(action, target, office_id, dict(detail), username, user_id)


def init_app(app: Flask) -> None:
    app.after_request(_record)


def _record(response: Response) -> Response:
    noted: Note | None = g.pop("audit_note", None)
    if noted is None and (request.method in SAFE_METHODS or request.endpoint in (None, "static")):
        return response
    try:
        user = current_staff()
        if noted is None and user is None:
            return response  # an anonymous write (a kiosk taking a ticket) is not a staff action
        office_id, target = access.describe(uow(read_only=True), request.view_args or {})
        detail: dict[str, Any] = {"method": request.method, "path": request.path}
        if user is not None:
            detail["via"] = "api token" if getattr(user, "by_token", False) else "session"
        if response.status_code >= 400:
            detail["refused"] = _error_message(response)
        action = request.endpoint or request.path
        if noted is not None:
            action, target = noted.action, noted.target or target
            office_id = noted.office_id if noted.office_id is not None else office_id
            detail.update(noted.detail)
        _entries().submit(AuditRecord(
            action=action, target=target, office_id=office_id, detail=detail,
            username=noted.username if noted and noted.username is not None else (user.member.username if user else ""),
            user_id=noted.user_id if noted and noted.user_id is not None else (user.member.id if user else None),
            address=client_address(), status_code=response.status_code,
        ))
    except Exception:
        log.exception("could not record %s %s in the audit log", request.method, request.path)
    return response


ENTRIES_KEY = "waitwell.audit_entries"


def _entries() -> GroupCommit[AuditRecord, None]:
    """Entries of requests answered at the same moment are written together (the request still waits for its
    own to be stored): one commit instead of one per request, while SQLite takes one writer at a time."""
    entries = current_app.extensions.get(ENTRIES_KEY)
    if entries is None:
        entries = current_app.extensions.setdefault(
            ENTRIES_KEY, GroupCommit(lambda batch: audit.record_all(uow(), batch)))
    return entries


def _error_message(response: Response) -> str:
    if response.is_json:
        body = response.get_json(silent=True) or {}
        error = body.get("error") if isinstance(body, dict) else None
        if isinstance(error, dict):
            return str(error.get("message", ""))[:300]
    return response.status

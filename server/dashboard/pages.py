"""Supervisor pages (blueprint `dashboard`): today's live dashboard and reports over any range of days."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from flask import Blueprint, redirect, render_template, request, url_for

from waitwell.auth import require_office, staff, staff_required
from waitwell.domain.errors import InvalidInput
from waitwell.domain.numbering import service_day
from waitwell.metrics.fields import PAGE_FIELDS
from waitwell.metrics.report import GROUPINGS
from waitwell.persistence import Role
from waitwell.services import offices, sign_in
from waitwell.services.metrics import payloads
from waitwell.services.metrics.reports import office_report
from waitwell.services.metrics.today import office_today
from waitwell.web import runtime, uow
from waitwell.web_common.stale_figures import stale_after

bp = Blueprint("dashboard", __name__, url_prefix="/dashboard", template_folder="templates", static_folder="static",
               static_url_path="/static")


def _my_offices() -> list[Any]:
    user = staff()
    every = offices.list_offices(uow(read_only=True))
    return every if user.role == Role.ADMIN else [o for o in every if o.id in user.member.office_ids]


@bp.get("/")
@staff_required(Role.SUPERVISOR)
def index() -> Any:
    """The offices I supervise; straight to the dashboard when there is only one."""
    mine = _my_offices()
    if len(mine) == 1:
        return redirect(url_for("dashboard.today", office_id=mine[0].id))
    return render_template("dashboard/index.html", offices=mine)


@bp.get("/<int:office_id>")
@staff_required(Role.SUPERVISOR)
def today(office_id: int) -> Any:
    """Today's figures, kept live over Socket.IO."""
    require_office(office_id)
    data = payloads.today_payload(office_today(uow(read_only=True), office_id, stale_after=stale_after()))
    return render_template("dashboard/today.html", data=data, office_id=office_id, offices=_my_offices(),
                           attacks=_sign_in_attacks(office_id), timezone=data["office"]["timezone"])


@bp.get("/<int:office_id>/reports")
@staff_required(Role.SUPERVISOR)
def reports(office_id: int) -> Any:
    """A report over a range of local days, with CSV downloads of the same figures."""
    require_office(office_id)
    today_local = _today(office_id)
    try:
        first = date.fromisoformat(request.args.get("from") or (today_local - timedelta(days=6)).isoformat())
        last = date.fromisoformat(request.args.get("to") or today_local.isoformat())
    except ValueError:
        raise InvalidInput("dates look like 2026-03-10") from None
    group_by = request.args.get("group_by", "service")
    report = office_report(uow(read_only=True), office_id, first, last, group_by)
    query = {"from": first.isoformat(), "to": last.isoformat(), "group_by": group_by}
    return render_template("dashboard/reports.html", report=payloads.report_payload(report), office_id=office_id,
                           groupings=GROUPINGS, fields=PAGE_FIELDS, query=query, offices=_my_offices())


def _sign_in_attacks(office_id: int) -> list[sign_in.FailedSignIns]:
    """Accounts under attack: those of this office for a supervisor; every one, existing or not, for an admin."""
    visible = None if staff().role == Role.ADMIN else [office_id]
    return sign_in.attacks(uow(read_only=True), office_ids=visible)


def _today(office_id: int) -> date:
    office = next(o for o in offices.list_offices(uow(read_only=True)) if o.id == office_id)
    return service_day(runtime().clock.now(), office.timezone)

"""Administration: the office list, creating and changing an office (hours, rules), removing one, closing its day."""

from __future__ import annotations

from typing import Any

from flask import render_template, request, url_for

from waitwell.admin.blueprint import bp, submit
from waitwell.admin.forms import OfficeForm
from waitwell.admin.inputs import hours_from_text, hours_to_text
from waitwell.auth import staff_required
from waitwell.domain.hours import WEEKDAYS
from waitwell.domain.recalls import RecallRules
from waitwell.persistence import Role
from waitwell.services import admin_views, end_of_day, office_setup, offices, recall_rules
from waitwell.web import uow
from waitwell.web_common.forms import EmptyForm


@bp.get("/")
@staff_required(Role.ADMIN)
def index() -> Any:
    """Every office, with what can be set up in it."""
    listed = admin_views.all_offices(uow(read_only=True))
    closing = end_of_day.closing_times(uow(read_only=True))
    return render_template("admin/index.html", offices=listed, closing=closing)


@bp.route("/offices/new", methods=["GET", "POST"])
@staff_required(Role.ADMIN)
def new_office() -> Any:
    """Create an office: names, timezone, opening hours and recall rules."""
    form = OfficeForm()

    def create() -> int:
        hours = hours_from_text({day: getattr(form, day).data for day in WEEKDAYS})
        rules = _rules(form).validate()
        created = offices.create_office(uow(), name=form.name.data or "", timezone=(form.timezone.data or "").strip(),
                                        opening_hours=hours,
                                        refuse_tickets_when_closed=bool(form.refuse_tickets_when_closed.data))
        office_setup.update_office(uow(), office_id=created.id, name=created.name,
                                   public_name=form.public_name.data or "", timezone=created.timezone,
                                   opening_hours=hours, refuse_tickets_when_closed=created.refuse_tickets_when_closed)
        recall_rules.set_recall_rules(uow(), office_id=created.id, rules=rules)
        return created.id

    return submit(form, create, audit="admin.office.create", target=f"office {form.name.data or ''}",
                  done=lambda _: f"Office {form.name.data} created. Now add its services.",
                  next_url=lambda office_id: url_for("admin.services", office_id=office_id),
                  template="admin/office_form.html", office=None, days=WEEKDAYS)


@bp.route("/offices/<int:office_id>", methods=["GET", "POST"])
@staff_required(Role.ADMIN)
def office(office_id: int) -> Any:
    """Change an office's names, timezone, opening hours and recall rules."""
    detail = admin_views.office_detail(uow(read_only=True), office_id=office_id)
    form = OfficeForm() if request.method == "POST" else _filled(detail)

    def change() -> None:
        hours = hours_from_text({day: getattr(form, day).data for day in WEEKDAYS})
        rules = _rules(form).validate()
        office_setup.update_office(uow(), office_id=office_id, name=form.name.data or "",
                                   public_name=form.public_name.data or "",
                                   timezone=(form.timezone.data or "").strip(), opening_hours=hours,
                                   refuse_tickets_when_closed=bool(form.refuse_tickets_when_closed.data))
        recall_rules.set_recall_rules(uow(), office_id=office_id, rules=rules)

    return submit(form, change, audit="admin.office.update", target=f"office {detail.name}", office_id=office_id,
                  done=f"{detail.name} saved.", next_url=url_for("admin.office", office_id=office_id),
                  template="admin/office_form.html", office=detail, days=WEEKDAYS, actions=EmptyForm())


@bp.post("/offices/<int:office_id>/remove")
@staff_required(Role.ADMIN)
def remove_office(office_id: int) -> Any:
    """Delete an office that never served anyone; refused otherwise."""
    detail = admin_views.office_detail(uow(read_only=True), office_id=office_id)
    return submit(EmptyForm(), lambda: office_setup.remove_office(uow(), office_id=office_id),
                  audit="admin.office.remove", target=f"office {detail.name}", office_id=office_id,
                  done=lambda removal: f"{removal.name} removed.", next_url=url_for("admin.index"),
                  template="admin/office_form.html", office=detail, days=WEEKDAYS, actions=EmptyForm(),
                  **_refill(detail))


@bp.post("/offices/<int:office_id>/end-of-day")
@staff_required(Role.ADMIN)
def close_day(office_id: int) -> Any:
    """Close the office's day now (the scheduler does it at closing time by itself)."""
    detail = admin_views.office_detail(uow(read_only=True), office_id=office_id)
    return submit(EmptyForm(), lambda: end_of_day.end_of_day(uow(), office_id=office_id, trigger="admin", again=True),
                  audit="admin.office.end_of_day", target=f"office {detail.name}", office_id=office_id,
                  done=lambda report: report.describe() + ".", next_url=url_for("admin.office", office_id=office_id),
                  template="admin/office_form.html", office=detail, days=WEEKDAYS, actions=EmptyForm(),
                  **_refill(detail))


def _rules(form: OfficeForm) -> RecallRules:
    return RecallRules(min_seconds_between_recalls=form.min_seconds_between_recalls.data or 0,
                       max_recalls=form.max_recalls.data,
                       auto_no_show_after_recalls=form.auto_no_show_after_recalls.data)


def _refill(detail: admin_views.OfficeDetail) -> dict[str, Any]:
    """The edit form, filled again, for a refusal shown on the office page."""
    return {"form": _filled(detail)}


def _filled(detail: admin_views.OfficeDetail) -> OfficeForm:
    return OfficeForm(
        formdata=None, name=detail.name, public_name=detail.public_name, timezone=detail.timezone,
        refuse_tickets_when_closed=detail.refuse_tickets_when_closed,
        min_seconds_between_recalls=detail.rules.min_seconds_between_recalls, max_recalls=detail.rules.max_recalls,
        auto_no_show_after_recalls=detail.rules.auto_no_show_after_recalls, **hours_to_text(detail.opening_hours))

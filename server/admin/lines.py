"""Administration: an office's services (lines) and counters."""

from __future__ import annotations

from typing import Any

from flask import render_template, request, url_for
from wtforms import SelectChoice

from waitwell.admin.blueprint import bp, submit
from waitwell.admin.forms import CounterForm, ServiceForm, options
from waitwell.admin.inputs import names_from_text, names_to_text
from waitwell.auth import staff_required
from waitwell.domain.errors import NotFound
from waitwell.persistence import Role
from waitwell.services import admin_views, office_setup, queries
from waitwell.services.admin_views import CounterRow, ServiceRow
from waitwell.web import uow
from waitwell.web_common.forms import EmptyForm


@bp.get("/offices/<int:office_id>/services")
@staff_required(Role.ADMIN)
def services(office_id: int) -> Any:
    """An office's services; archived ones on request."""
    archived = request.args.get("archived") == "1"
    return render_template("admin/services.html", office=admin_views.office_detail(uow(read_only=True),
                                                                                  office_id=office_id),
                           services=admin_views.services_of(uow(read_only=True), office_id=office_id,
                                                            archived=archived),
                           show_archived=archived, actions=EmptyForm())


@bp.route("/offices/<int:office_id>/services/new", methods=["GET", "POST"])
@staff_required(Role.ADMIN)
def new_service(office_id: int) -> Any:
    office = admin_views.office_detail(uow(read_only=True), office_id=office_id)
    form = ServiceForm()
    return submit(form, lambda: office_setup.create_service(uow(), office_id=office_id, **_service_fields(form)),
                  audit="admin.service.create", target=f"service {form.name.data or ''}", office_id=office_id,
                  done=f"Service {form.name.data} added.", next_url=url_for("admin.services", office_id=office_id),
                  template="admin/service_form.html", office=office, service=None)


@bp.route("/services/<int:service_id>", methods=["GET", "POST"])
@staff_required(Role.ADMIN)
def service(service_id: int) -> Any:
    row, office = _service(service_id)
    # `data=`, not keywords: WTForms takes a `prefix` keyword as the prefix of every field's name.
    form = ServiceForm() if request.method == "POST" else ServiceForm(formdata=None, data={
        "name": row.name, "prefix": row.prefix, "description": row.description, "names": names_to_text(row.names),
        "target_wait_minutes": row.target_wait_minutes, "priority_weight": row.priority_weight,
        "colour": row.colour, "active": row.active})
    return submit(form, lambda: office_setup.update_service(uow(), service_id=service_id, **_service_fields(form)),
                  audit="admin.service.update", target=f"service {row.name}", office_id=office.id,
                  done=f"{row.name} saved.", next_url=url_for("admin.services", office_id=office.id),
                  template="admin/service_form.html", office=office, service=row, actions=EmptyForm())


@bp.post("/services/<int:service_id>/remove")
@staff_required(Role.ADMIN)
def remove_service(service_id: int) -> Any:
    """Delete an unused service, archive one with history, refuse while tickets are in its line."""
    row, office = _service(service_id)
    return submit(EmptyForm(), lambda: office_setup.remove_service(uow(), service_id=service_id),
                  audit="admin.service.remove", target=f"service {row.name}", office_id=office.id,
                  done=_removed, next_url=url_for("admin.services", office_id=office.id),
                  template="admin/services.html", office=office, actions=EmptyForm(), show_archived=False,
                  services=admin_views.services_of(uow(read_only=True), office_id=office.id))


@bp.get("/offices/<int:office_id>/counters")
@staff_required(Role.ADMIN)
def counters(office_id: int) -> Any:
    archived = request.args.get("archived") == "1"
    return render_template("admin/counters.html", office=admin_views.office_detail(uow(read_only=True),
                                                                                  office_id=office_id),
                           counters=admin_views.counters_of(uow(read_only=True), office_id=office_id,
                                                            archived=archived),
                           show_archived=archived, actions=EmptyForm())


@bp.route("/offices/<int:office_id>/counters/new", methods=["GET", "POST"])
@staff_required(Role.ADMIN)
def new_counter(office_id: int) -> Any:
    office = admin_views.office_detail(uow(read_only=True), office_id=office_id)
    form = CounterForm()
    form.service_ids.choices = _service_choices(office_id)
    return submit(form, lambda: office_setup.create_counter(uow(), office_id=office_id, name=form.name.data or "",
                                                            service_ids=form.service_ids.data or []),
                  audit="admin.counter.create", target=f"counter {form.name.data or ''}", office_id=office_id,
                  done=f"Counter {form.name.data} added; it opens when a clerk signs in at it.",
                  next_url=url_for("admin.counters", office_id=office_id),
                  template="admin/counter_form.html", office=office, counter=None)


@bp.route("/counters/<int:counter_id>", methods=["GET", "POST"])
@staff_required(Role.ADMIN)
def counter(counter_id: int) -> Any:
    row, office = _counter(counter_id)
    form = CounterForm() if request.method == "POST" else CounterForm(formdata=None, name=row.name,
                                                                      service_ids=list(row.service_ids))
    form.service_ids.choices = _service_choices(office.id)
    return submit(form, lambda: office_setup.update_counter(uow(), counter_id=counter_id, name=form.name.data or "",
                                                            service_ids=form.service_ids.data or []),
                  audit="admin.counter.update", target=f"counter {row.name}", office_id=office.id,
                  done=f"{form.name.data} saved.", next_url=url_for("admin.counters", office_id=office.id),
                  template="admin/counter_form.html", office=office, counter=row, actions=EmptyForm())


@bp.post("/counters/<int:counter_id>/remove")
@staff_required(Role.ADMIN)
def remove_counter(counter_id: int) -> Any:
    row, office = _counter(counter_id)
    return submit(EmptyForm(), lambda: office_setup.remove_counter(uow(), counter_id=counter_id),
                  audit="admin.counter.remove", target=f"counter {row.name}", office_id=office.id,
                  done=_removed, next_url=url_for("admin.counters", office_id=office.id),
                  template="admin/counters.html", office=office, actions=EmptyForm(), show_archived=False,
                  counters=admin_views.counters_of(uow(read_only=True), office_id=office.id))


def _removed(removal: office_setup.Removal) -> str:
    if removal.outcome == "archived":
        return f"{removal.name} is archived: tickets it served keep it in their history."
    return f"{removal.name} removed."


def _service_fields(form: ServiceForm) -> dict[str, Any]:
    return {
        "name": form.name.data or "", "prefix": form.prefix.data or "", "description": form.description.data or "",
        "target_wait_minutes": form.target_wait_minutes.data or 0, "priority_weight": form.priority_weight.data or 0,
        "active": bool(form.active.data), "colour": form.colour.data or "", "names": names_from_text(form.names.data),
    }


def _service(service_id: int) -> tuple[ServiceRow, admin_views.OfficeDetail]:
    office_id = queries.service_view(uow(read_only=True), service_id=service_id).office_id
    rows = admin_views.services_of(uow(read_only=True), office_id=office_id, archived=True)
    row = next((r for r in rows if r.id == service_id), None)
    if row is None:
        raise NotFound(f"there is no service {service_id}")
    return row, admin_views.office_detail(uow(read_only=True), office_id=office_id)


def _counter(counter_id: int) -> tuple[CounterRow, admin_views.OfficeDetail]:
    office_id = queries.counter_view(uow(read_only=True), counter_id=counter_id).office_id
    rows = admin_views.counters_of(uow(read_only=True), office_id=office_id, archived=True)
    row = next(r for r in rows if r.id == counter_id)
    return row, admin_views.office_detail(uow(read_only=True), office_id=office_id)


def _service_choices(office_id: int) -> list[SelectChoice]:
    return options((s.id, f"{s.name} ({s.prefix})")
                   for s in admin_views.services_of(uow(read_only=True), office_id=office_id))

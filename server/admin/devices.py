"""Administration: an office's kiosks, lobby displays and printers (test print, preview, status)."""

from __future__ import annotations

from typing import Any

from flask import Response, render_template, request, url_for

from waitwell.admin import printer_tools
from waitwell.admin.blueprint import bp, submit
from waitwell.admin.forms import DisplayForm, KioskForm, PrinterForm, options
from waitwell.auth import staff_required
from waitwell.i18n import available_languages
from waitwell.persistence import Role
from waitwell.services import admin_views, device_setup, displays, kiosks, printers
from waitwell.web import uow
from waitwell.web_common.forms import EmptyForm
from waitwell.web_common.printer_allowlist import printer_allowlist


@bp.get("/offices/<int:office_id>/devices")
@staff_required(Role.ADMIN)
def devices(office_id: int) -> Any:
    """Kiosks, displays and printers of an office on one page."""
    return render_template(
        "admin/devices.html", office=admin_views.office_detail(uow(read_only=True), office_id=office_id),
        kiosks=admin_views.kiosks_of(uow(read_only=True), office_id=office_id),
        displays=displays.displays_of(uow(read_only=True), office_id=office_id),
        printers=printers.printers_of(uow(read_only=True), office_id=office_id),
        services={s.id: s.name for s in admin_views.services_of(uow(read_only=True), office_id=office_id)},
        counters={c.id: c.name for c in admin_views.counters_of(uow(read_only=True), office_id=office_id)},
        actions=EmptyForm(),
    )


# --- kiosks ------------------------------------------------------------------------------------


@bp.route("/offices/<int:office_id>/kiosks/new", methods=["GET", "POST"])
@staff_required(Role.ADMIN)
def new_kiosk(office_id: int) -> Any:
    form = _kiosk_form(office_id, KioskForm())
    return submit(form, lambda: kiosks.register_kiosk(
        uow(), office_id=office_id, name=form.name.data or "", service_ids=form.service_ids.data or [],
        printer_id=form.printer_id.data or None, language=form.language.data or "en"),
        audit="admin.kiosk.create", target=f"kiosk {form.name.data or ''}", office_id=office_id,
        done=lambda kiosk: f"Kiosk {kiosk.name} added: open /kiosk/{kiosk.id} on its screen.",
        next_url=url_for("admin.devices", office_id=office_id), template="admin/device_form.html",
        office=_office(office_id), kind="kiosk", device=None)


@bp.route("/kiosks/<int:kiosk_id>", methods=["GET", "POST"])
@staff_required(Role.ADMIN)
def kiosk(kiosk_id: int) -> Any:
    current = kiosks.get_kiosk(uow(read_only=True), kiosk_id)
    row = next(k for k in admin_views.kiosks_of(uow(read_only=True), office_id=current.office_id) if k.id == kiosk_id)
    form = KioskForm() if request.method == "POST" else KioskForm(
        formdata=None, name=row.name, service_ids=list(row.service_ids), printer_id=row.printer_id or 0,
        language=row.language, active=row.active)
    row_office = current.office_id
    _kiosk_form(row_office, form)
    return submit(form, lambda: device_setup.update_kiosk(
        uow(), kiosk_id=kiosk_id, name=form.name.data or "", service_ids=form.service_ids.data or [],
        printer_id=form.printer_id.data or None, language=form.language.data or "en", active=bool(form.active.data)),
        audit="admin.kiosk.update", target=f"kiosk {row.name}", office_id=row_office, done=f"{row.name} saved.",
        next_url=url_for("admin.devices", office_id=row_office), template="admin/device_form.html",
        office=_office(row_office), kind="kiosk", device=row, actions=EmptyForm())


@bp.post("/kiosks/<int:kiosk_id>/remove")
@staff_required(Role.ADMIN)
def remove_kiosk(kiosk_id: int) -> Any:
    office_id = kiosks.get_kiosk(uow(read_only=True), kiosk_id).office_id
    return _removal(lambda: device_setup.remove_kiosk(uow(), kiosk_id=kiosk_id), "admin.kiosk.remove",
                    f"kiosk {kiosk_id}", office_id)


# --- displays ----------------------------------------------------------------------------------


@bp.route("/offices/<int:office_id>/displays/new", methods=["GET", "POST"])
@staff_required(Role.ADMIN)
def new_display(office_id: int) -> Any:
    form = _display_form(office_id, DisplayForm())
    return submit(form, lambda: displays.register_display(uow(), office_id=office_id, **_display_fields(form)),
                  audit="admin.display.create", target=f"display {form.name.data or ''}", office_id=office_id,
                  done=lambda shown: f"Display {shown.name} added: open /display/{shown.id} on the TV.",
                  next_url=url_for("admin.devices", office_id=office_id), template="admin/device_form.html",
                  office=_office(office_id), kind="display", device=None)


@bp.route("/displays/<int:display_id>", methods=["GET", "POST"])
@staff_required(Role.ADMIN)
def display(display_id: int) -> Any:
    shown = displays.get_display(uow(read_only=True), display_id)
    form = DisplayForm() if request.method == "POST" else DisplayForm(
        formdata=None, name=shown.name, service_ids=list(shown.service_ids), counter_ids=list(shown.counter_ids),
        languages=", ".join(shown.languages), calls_shown=shown.calls_shown)
    _display_form(shown.office_id, form)
    return submit(form, lambda: displays.change_display(uow(), display_id=display_id, **_display_fields(form)),
                  audit="admin.display.update", target=f"display {shown.name}", office_id=shown.office_id,
                  done=f"{shown.name} saved; the TV picks it up at its next refresh.",
                  next_url=url_for("admin.devices", office_id=shown.office_id), template="admin/device_form.html",
                  office=_office(shown.office_id), kind="display", device=shown, actions=EmptyForm())


@bp.post("/displays/<int:display_id>/remove")
@staff_required(Role.ADMIN)
def remove_display(display_id: int) -> Any:
    office_id = displays.get_display(uow(read_only=True), display_id).office_id
    return _removal(lambda: device_setup.remove_display(uow(), display_id=display_id), "admin.display.remove",
                    f"display {display_id}", office_id)


# --- printers ----------------------------------------------------------------------------------


@bp.route("/offices/<int:office_id>/printers/new", methods=["GET", "POST"])
@staff_required(Role.ADMIN)
def new_printer(office_id: int) -> Any:
    form = PrinterForm()
    return submit(form, lambda: printers.add_printer(uow(), office_id=office_id, **_printer_fields(form)),
                  audit="admin.printer.create", target=f"printer {form.name.data or ''}", office_id=office_id,
                  done=lambda printer: f"Printer {printer.name} added. Try a test print.",
                  next_url=lambda printer: url_for("admin.printer", printer_id=printer.id),
                  template="admin/device_form.html", office=_office(office_id), kind="printer", device=None)


@bp.route("/printers/<int:printer_id>", methods=["GET", "POST"])
@staff_required(Role.ADMIN)
def printer(printer_id: int) -> Any:
    current = printers.get_printer(uow(read_only=True), printer_id)
    form = PrinterForm() if request.method == "POST" else _printer_form_of(current)
    return submit(form, lambda: device_setup.update_printer(uow(), printer_id=printer_id, **_printer_fields(form)),
                  audit="admin.printer.update", target=f"printer {current.name}", office_id=current.office_id,
                  done=f"{current.name} saved.", next_url=url_for("admin.printer", printer_id=printer_id),
                  template="admin/device_form.html", office=_office(current.office_id), kind="printer",
                  device=current, actions=EmptyForm())


@bp.post("/printers/<int:printer_id>/test-print")
@staff_required(Role.ADMIN)
def test_print(printer_id: int) -> Any:
    """Print a sample ticket now and show what happened (and the printer's status)."""
    return _printer_action(printer_id, printer_tools.test_print, audit="admin.printer.test_print")


@bp.post("/printers/<int:printer_id>/check")
@staff_required(Role.ADMIN)
def check_printer(printer_id: int) -> Any:
    """Ask the printer for its status now (paper, cover, online)."""
    return _printer_action(printer_id, printer_tools.check_status, audit="admin.printer.check")


def _printer_action(printer_id: int, action: Any, *, audit: str) -> Any:
    """Run a printer tool, then show the printer's page with what it said."""
    current = printers.get_printer(uow(read_only=True), printer_id)
    return submit(EmptyForm(), lambda: action(uow, printer_id),
                  audit=audit, target=f"printer {current.name}", office_id=current.office_id,
                  done=lambda message: message, next_url=url_for("admin.printer", printer_id=printer_id),
                  template="admin/device_form.html", office=_office(current.office_id), kind="printer",
                  device=current, actions=EmptyForm(), form=_printer_form_of(current))


@bp.get("/printers/<int:printer_id>/preview.png")
@staff_required(Role.ADMIN)
def printer_preview(printer_id: int) -> Response:
    """A sample ticket drawn as this printer would print it (paper width, profile)."""
    return Response(printer_tools.preview_png(uow, printer_id), mimetype="image/png",
                    headers={"Cache-Control": "no-store"})


@bp.post("/printers/<int:printer_id>/remove")
@staff_required(Role.ADMIN)
def remove_printer(printer_id: int) -> Any:
    office_id = printers.get_printer(uow(read_only=True), printer_id).office_id
    return _removal(lambda: device_setup.remove_printer(uow(), printer_id=printer_id), "admin.printer.remove",
                    f"printer {printer_id}", office_id)


# --- shared ------------------------------------------------------------------------------------


def _office(office_id: int) -> admin_views.OfficeDetail:
    return admin_views.office_detail(uow(read_only=True), office_id=office_id)


def _removal(action: Any, audit: str, target: str, office_id: int) -> Any:
    return submit(EmptyForm(), action, audit=audit, target=target, office_id=office_id,
                  done=lambda removal: f"{removal.name} " + ("switched off: it has printed tickets, so it is kept."
                                                             if removal.outcome == "archived" else "removed."),
                  next_url=url_for("admin.devices", office_id=office_id), template="admin/devices.html",
                  office=_office(office_id), kiosks=admin_views.kiosks_of(uow(read_only=True), office_id=office_id),
                  displays=displays.displays_of(uow(read_only=True), office_id=office_id),
                  printers=printers.printers_of(uow(read_only=True), office_id=office_id), services={}, counters={},
                  actions=EmptyForm())


def _kiosk_form(office_id: int, form: KioskForm) -> KioskForm:
    form.service_ids.choices = options((s.id, f"{s.name} ({s.prefix})")
                                       for s in admin_views.services_of(uow(read_only=True), office_id=office_id))
    form.printer_id.choices = options([(0, "No printer (screen and QR only)")] + [
        (p.id, p.name) for p in printers.printers_of(uow(read_only=True), office_id=office_id)])
    form.language.choices = options((code, code) for code in available_languages())
    return form


def _display_form(office_id: int, form: DisplayForm) -> DisplayForm:
    form.service_ids.choices = options((s.id, f"{s.name} ({s.prefix})")
                                       for s in admin_views.services_of(uow(read_only=True), office_id=office_id))
    form.counter_ids.choices = options((c.id, c.name)
                                       for c in admin_views.counters_of(uow(read_only=True), office_id=office_id))
    return form


def _display_fields(form: DisplayForm) -> dict[str, Any]:
    return {"name": form.name.data or "", "service_ids": form.service_ids.data or [],
            "counter_ids": form.counter_ids.data or [],
            "languages": [tag.strip() for tag in (form.languages.data or "").split(",")],
            "calls_shown": form.calls_shown.data or 0}


def _printer_fields(form: PrinterForm) -> dict[str, Any]:
    return {"name": form.name.data or "", "connection": form.connection.data or "",
            "settings": form.connection_settings(), "paper_width_mm": form.paper_width_mm.data or 80,
            "profile": (form.profile.data or "").strip(), "qr_mode": form.qr_mode.data or "auto",
            "delivery": form.delivery.data or "server", "allowlist": printer_allowlist()}


def _printer_form_of(current: printers.PrinterView) -> PrinterForm:
    return PrinterForm(formdata=None, name=current.name, connection=current.connection,
                       paper_width_mm=current.paper_width_mm, profile=current.profile, qr_mode=current.qr_mode,
                       delivery=current.delivery.value,
                       **{k: _hex(k, v) for k, v in current.settings.items() if k in PrinterForm.SETTING_FIELDS})


def _hex(key: str, value: Any) -> Any:
    return f"{value:04x}" if key in ("vendor_id", "product_id") and isinstance(value, int) else value

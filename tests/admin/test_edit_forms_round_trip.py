"""Every administration edit page shows what is stored, and saving it untouched changes nothing: what a
browser sends back is what the page showed (the service page once named its fields with the service's
ticket prefix, so a save came back empty and its retry switched the service off)."""

from __future__ import annotations

import pytest

from tests.admin.conftest import form_as_sent, page
from tests.admin.test_devices import add_printer, devices_in_tmp_path  # noqa: F401 - the fixture applies here too
from waitwell.services import admin_views, displays, printers


def edit_pages(admin, office, runtime, tmp_path) -> dict[str, str]:
    add_printer(admin, office, tmp_path / "lp0")
    printer = printers.printers_of(runtime.uow(), office_id=office.office_id)[0]
    admin.post_form(f"/admin/offices/{office.office_id}/kiosks/new", {
        "name": "Entrance", "service_ids": [str(office.services["A"])], "printer_id": str(printer.id),
        "language": "es", "active": "y"})
    admin.post_form(f"/admin/offices/{office.office_id}/displays/new", {
        "name": "Hall TV", "service_ids": [str(office.services["B"])], "languages": "en-US, es-US",
        "calls_shown": "6"})
    kiosk = admin_views.kiosks_of(runtime.uow(), office_id=office.office_id)[0]
    display = displays.displays_of(runtime.uow(), office_id=office.office_id)[0]
    return {
        "office": f"/admin/offices/{office.office_id}",
        "service": f"/admin/services/{office.services['A']}",
        "counter": f"/admin/counters/{office.counters['Counter 1']}",
        "kiosk": f"/admin/kiosks/{kiosk.id}",
        "display": f"/admin/displays/{display.id}",
        "printer": f"/admin/printers/{printer.id}",
    }


@pytest.mark.parametrize("kind", ["office", "service", "counter", "kiosk", "display", "printer"])
def test_saving_an_edit_page_untouched_keeps_everything(admin, office, runtime, tmp_path, kind: str) -> None:
    url = edit_pages(admin, office, runtime, tmp_path)[kind]
    shown = form_as_sent(page(admin, url), url)
    assert len([name for name in shown if name != "csrf_token"]) >= 2, shown  # the page showed its fields
    saved = admin.client.post(url, data=shown)
    assert saved.status_code == 302, saved.get_data(as_text=True)[-3000:]
    shown_after = form_as_sent(page(admin, url), url)
    shown.pop("csrf_token", None), shown_after.pop("csrf_token", None)
    assert sorted(shown_after.items(multi=True)) == sorted(shown.items(multi=True))


def test_a_service_edited_in_one_field_keeps_the_others_and_keeps_taking_tickets(admin, office, runtime) -> None:
    url = f"/admin/services/{office.services['A']}"
    sent = form_as_sent(page(admin, url), url)
    assert sent["name"] == "Licence renewal" and sent["prefix"] == "A" and sent["active"] == "y"
    sent["description"] = "Renew a driving licence"
    assert admin.client.post(url, data=sent).status_code == 302
    service = next(s for s in admin_views.services_of(runtime.uow(), office_id=office.office_id)
                   if s.id == office.services["A"])
    assert (service.name, service.prefix, service.active, service.description) == (
        "Licence renewal", "A", True, "Renew a driving licence")

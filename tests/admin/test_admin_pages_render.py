"""Every administration page opens for an admin (a smoke test over the real templates)."""

from __future__ import annotations

from tests.admin.conftest import page
from tests.factories import issue
from waitwell.services import accounts, displays, kiosks, printers


def test_every_admin_page_opens(admin, office, runtime):
    issue(runtime, office.services["A"])
    printer = printers.add_printer(runtime.uow(), office_id=office.office_id, name="Lobby printer",
                                   connection="preview")
    kiosk = kiosks.register_kiosk(runtime.uow(), office_id=office.office_id, name="Entrance",
                                  service_ids=[office.services["A"]], printer_id=printer.id)
    display = displays.register_display(runtime.uow(), office_id=office.office_id, name="Hall TV")
    accounts.create_api_token(runtime.uow(), user_id=admin.member.id, name="script")
    for url in [
        "/admin/", "/admin/offices/new", f"/admin/offices/{office.office_id}",
        f"/admin/offices/{office.office_id}/services", f"/admin/offices/{office.office_id}/services?archived=1",
        f"/admin/offices/{office.office_id}/services/new", f"/admin/services/{office.services['A']}",
        f"/admin/offices/{office.office_id}/counters", f"/admin/offices/{office.office_id}/counters/new",
        f"/admin/counters/{office.counters['Counter 1']}", f"/admin/offices/{office.office_id}/devices",
        f"/admin/offices/{office.office_id}/kiosks/new", f"/admin/kiosks/{kiosk.id}",
        f"/admin/offices/{office.office_id}/displays/new", f"/admin/displays/{display.id}",
        f"/admin/offices/{office.office_id}/printers/new", f"/admin/printers/{printer.id}",
        "/admin/users", "/admin/users/new", f"/admin/users/{admin.member.id}", "/admin/tokens", "/audit/",
    ]:
        assert "<h1>" in page(admin, url), url
    preview = admin.client.get(f"/admin/printers/{printer.id}/preview.png")
    assert preview.status_code == 200 and preview.mimetype == "image/png"
    assert preview.data[:8] == b"\x89PNG\r\n\x1a\n"

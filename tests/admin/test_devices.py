"""Administration of kiosks, displays and printers, with a real test print to a device file."""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image

from tests.admin.conftest import page
from tests.conftest import unavailable
from tests.printers.profiles import decoded_qr_texts, read_ticket
from waitwell.services import admin_views, displays, kiosks, printers


@pytest.fixture(autouse=True)
def devices_in_tmp_path(app, tmp_path):
    """This server's printer devices are the test's files (docs/printers.md, "What a server's printers may reach")."""
    app.config["WAITWELL_PRINTER_DEVICES"] = f"{tmp_path}/lp*, {tmp_path}/missing-dir/lp*"


def add_printer(admin, office, path, **changes):
    data = {"name": "Entrance printer", "connection": "file", "device_path": str(path), "paper_width_mm": "80",
            "profile": "TM-T88V", "qr_mode": "native", "delivery": "server", **changes}
    return admin.post_form(f"/admin/offices/{office.office_id}/printers/new", data)


def test_a_printer_is_added_and_prints_a_test_ticket(admin, office, runtime, tmp_path):
    paper = tmp_path / "lp0"
    paper.write_bytes(b"")
    response = add_printer(admin, office, paper)
    assert response.status_code == 302
    printer = printers.printers_of(runtime.uow(), office_id=office.office_id)[0]
    assert printer.settings == {"device_path": str(paper)}
    printed = admin.post_form(f"/admin/printers/{printer.id}/test-print", follow_redirects=True)
    assert "Test print sent to Entrance printer" in printed.get_data(as_text=True)
    sent = paper.read_bytes()
    assert b"\x1b@" in sent and sent.endswith(b"\x1dV\x00")  # initialised, printed, cut
    assert_reads_as_a_test_print(read_ticket(sent, "TM-T88V"), office)


def assert_reads_as_a_test_print(printout, office) -> None:  # type: ignore[no-untyped-def]
    """Nobody could queue with it: TEST PRINT at both ends, TEST where the number goes, nothing shaped like a
    ticket number, the office's local time (14:00 UTC is 10:00 in Hartford) and a QR code for its waits."""
    banners = [line for line in printout.lines if line.text == "TEST PRINT"]
    assert len(banners) == 2 and printout.lines[0] in banners and printout.lines[-1] in banners
    assert all(line.style.width >= 2 and line.style.height >= 2 for line in banners)
    [number] = [line for line in printout.lines if line.text == "TEST"]
    assert number.style.height >= 6
    assert not re.search(r"\b[A-Z]{1,3}-?\d{2,4}\b", " ".join(printout.texts))
    assert printout.reads("Hartford DMV") and printout.reads("Entrance printer")
    assert printout.reads("10 Mar 2026, 10:00") and not printout.reads("14:00")
    assert printout.reads("Not a ticket. The code opens this office's current waits.")
    assert [code.payload for code in printout.qr_codes] == [f"http://127.0.0.1:5000/waits#office-{office.office_id}"]


def test_the_preview_shows_the_test_print(admin, office, runtime, tmp_path):
    add_printer(admin, office, tmp_path / "lp0", paper_width_mm="58", profile="POS-5890", qr_mode="image")
    printer = printers.printers_of(runtime.uow(), office_id=office.office_id)[0]
    response = admin.client.get(f"/admin/printers/{printer.id}/preview.png")
    assert response.status_code == 200 and response.mimetype == "image/png"
    decoded = decoded_qr_texts(Image.open(io.BytesIO(response.data)))
    if decoded is None:
        unavailable("zxing-cpp", "it is not installed (pip install zxing-cpp)")
    assert decoded == [f"http://127.0.0.1:5000/waits#office-{office.office_id}"]


def test_a_failed_test_print_says_why(admin, office, runtime, tmp_path):
    add_printer(admin, office, tmp_path / "missing-dir" / "lp0")
    printer = printers.printers_of(runtime.uow(), office_id=office.office_id)[0]
    response = admin.post_form(f"/admin/printers/{printer.id}/test-print")
    assert response.status_code == 409
    assert "The test print failed" in response.get_data(as_text=True)
    assert printers.get_printer(runtime.uow(), printer.id).status.value == "offline"


def test_printer_settings_are_checked(admin, office):
    response = add_printer(admin, office, "", connection="network", host="")
    assert response.status_code == 422
    assert "printer settings" in response.get_data(as_text=True).lower()


def test_a_printer_a_kiosk_uses_cannot_be_removed(admin, office, runtime, tmp_path):
    add_printer(admin, office, tmp_path / "lp0")
    printer = printers.printers_of(runtime.uow(), office_id=office.office_id)[0]
    kiosks.register_kiosk(runtime.uow(), office_id=office.office_id, name="Entrance",
                          service_ids=[office.services["A"]], printer_id=printer.id)
    response = admin.post_form(f"/admin/printers/{printer.id}/remove")
    assert response.status_code == 409
    assert "Entrance printer is the printer of Entrance: give them another printer first" in \
        response.get_data(as_text=True)


def test_a_kiosk_is_added_and_changed(admin, office, runtime, tmp_path):
    add_printer(admin, office, tmp_path / "lp0")
    printer = printers.printers_of(runtime.uow(), office_id=office.office_id)[0]
    response = admin.post_form(f"/admin/offices/{office.office_id}/kiosks/new", {
        "name": "Entrance left", "service_ids": [str(office.services["A"])], "printer_id": str(printer.id),
        "language": "en", "active": "y"})
    assert response.status_code == 302
    kiosk = admin_views.kiosks_of(runtime.uow(), office_id=office.office_id)[0]
    assert (kiosk.name, kiosk.printer_name, kiosk.service_names) == ("Entrance left", "Entrance printer",
                                                                     ("Licence renewal",))
    admin.post_form(f"/admin/kiosks/{kiosk.id}", {
        "name": "Entrance left", "service_ids": [str(office.services["A"]), str(office.services["B"])],
        "printer_id": "0", "language": "en", "active": "y"})
    kiosk = admin_views.kiosks_of(runtime.uow(), office_id=office.office_id)[0]
    assert (kiosk.printer_name, len(kiosk.service_ids)) == (None, 2)
    refused = admin.post_form(f"/admin/kiosks/{kiosk.id}", {"name": "Entrance left", "printer_id": "0",
                                                            "language": "en"})
    assert refused.status_code == 422 and "pick at least one service" in refused.get_data(as_text=True)


def test_a_display_is_added_changed_and_removed(admin, office, runtime):
    response = admin.post_form(f"/admin/offices/{office.office_id}/displays/new", {
        "name": "Hall TV", "service_ids": [str(office.services["B"])], "languages": "en-US, es-US",
        "calls_shown": "6"})
    assert response.status_code == 302
    shown = displays.displays_of(runtime.uow(), office_id=office.office_id)[0]
    assert (shown.languages, shown.service_ids) == (("en-US", "es-US"), (office.services["B"],))
    refused = admin.post_form(f"/admin/displays/{shown.id}", {"name": "Hall TV", "languages": "English",
                                                              "calls_shown": "6"})
    assert refused.status_code == 422
    assert "languages are language tags such as en-US" in refused.get_data(as_text=True).lower() or \
        "Languages are language tags such as en-US" in refused.get_data(as_text=True)
    admin.post_form(f"/admin/displays/{shown.id}", {"name": "Hall TV", "languages": "en-US",
                                                    "counter_ids": [str(office.counters["Counter 2"])],
                                                    "calls_shown": "4"})
    changed = displays.get_display(runtime.uow(), shown.id)
    assert (changed.counter_ids, changed.calls_shown, changed.service_ids) == (
        (office.counters["Counter 2"],), 4, ())
    assert admin.post_form(f"/admin/displays/{shown.id}/remove").status_code == 302
    assert displays.displays_of(runtime.uow(), office_id=office.office_id) == []
    assert "No display yet" in page(admin, f"/admin/offices/{office.office_id}/devices")

"""Printer settings are a capability of the server: an admin cannot make it overwrite a file, probe which paths
exist or which ports answer. Through the admin pages, the API and the print worker, with real files and sockets."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from tests.admin.conftest import page
from tests.console.support import signed_in
from tests.factories import make_office, make_staff
from tests.kiosk.support import make_kiosk
from tests.printers.fake_printer import FakeNetworkPrinter
from tests.printing.support import network_printer
from tests.support.ports import free_port
from tests.support.waiting import wait_until
from waitwell.app import create_app
from waitwell.config import Config, ConfigError, check_environment
from waitwell.persistence import Printer, Role
from waitwell.persistence.devices import PrintDelivery, PrinterStatus
from waitwell.printing.worker import PrintWorker
from waitwell.runtime import Runtime
from waitwell.services import kiosk_taps, print_jobs, printers


@pytest.fixture
def admin(app, runtime):
    office = make_office(runtime, open_counters=False)
    browser = signed_in(app, make_staff(runtime, [], role=Role.ADMIN, username="root"))
    browser.refresh_token("/admin/")
    return browser, office.office_id


def printer_form(**fields: str) -> dict[str, str]:
    return {"name": "Entrance printer", "paper_width_mm": "80", "profile": "TM-T88V", "qr_mode": "native",
            "delivery": "server", **fields}


def stored_printer(runtime: Runtime, office_id: int, name: str, connection: str, settings: dict) -> int:
    """A printer saved before the allowlist existed (straight into the database, as an older version could)."""
    with runtime.uow() as uow:
        printer = Printer(office_id=office_id, name=name, connection=connection, settings=settings,
                          paper_width_mm=80, profile="TM-T88V", qr_mode="native", delivery=PrintDelivery.SERVER,
                          status=PrinterStatus.UNKNOWN, status_detail="not checked yet")
        uow.session.add(printer)
        uow.session.flush()
        uow.commit()
        return printer.id


def test_an_admin_cannot_point_a_printer_at_a_file_of_the_server(admin, runtime, tmp_path: Path) -> None:
    browser, office_id = admin
    precious = tmp_path / "precious.conf"
    precious.write_text("keep me")
    response = browser.post_form(f"/admin/offices/{office_id}/printers/new",
                                 printer_form(connection="file", device_path=str(precious)))
    assert response.status_code == 422
    assert "is not an allowed printer device" in response.get_data(as_text=True)
    assert printers.printers_of(runtime.uow(read_only=True), office_id=office_id) == []
    assert precious.read_text() == "keep me"


def test_the_api_refuses_a_printer_outside_the_allowed_networks(admin) -> None:
    browser, office_id = admin
    for host in ("169.254.169.254", "8.8.8.8"):
        response = browser.client.post(f"/api/v1/offices/{office_id}/printers",
                                       json={"name": "Lobby", "connection": "network", "settings": {"host": host}},
                                       headers={"X-CSRFToken": browser.csrf})
        assert response.status_code == 422, response.get_json()
        error = response.get_json()["error"]
        assert error["code"] == "invalid_printer_settings"
        assert "outside the allowed printer networks" in error["message"]


def test_checking_a_printer_outside_the_allowlist_says_the_same_whether_the_path_exists(admin, runtime,
                                                                                       tmp_path: Path) -> None:
    """No "does not exist" against "no permission" against "is there": the status check reveals nothing of the
    server's files."""
    browser, office_id = admin
    there = tmp_path / "there.conf"
    there.write_text("x")
    there_locked = tmp_path / "locked.conf"
    there_locked.write_text("x")
    there_locked.chmod(0o000)
    answers = []
    for name, path in (("a", there), ("b", tmp_path / "missing.conf"), ("c", there_locked)):
        printer_id = stored_printer(runtime, office_id, name, "file", {"device_path": str(path)})
        response = browser.post_form(f"/admin/printers/{printer_id}/check", follow_redirects=True)
        text = response.get_data(as_text=True)
        [said] = re.findall(r"[^<>]*is not an allowed printer device[^<>]*", text)
        answers.append(said.replace(str(path), "PATH"))
        assert not re.search(r"does not exist|permission|is there|not connected", text)
    assert answers[0] == answers[1] == answers[2]
    assert there.read_text() == "x"


def test_checking_a_network_printer_outside_the_allowed_networks_tells_no_open_port_from_a_closed_one(
        admin, app: Flask, runtime) -> None:
    browser, office_id = admin
    app.config["WAITWELL_PRINTER_NETWORKS"] = "10.0.0.0/8"
    with FakeNetworkPrinter() as listening:
        open_id = stored_printer(runtime, office_id, "open", "network", {"host": "localhost", "port": listening.port})
        closed_id = stored_printer(runtime, office_id, "closed", "network", {"host": "localhost",
                                                                             "port": free_port()})
        details = []
        for printer_id in (open_id, closed_id):
            browser.post_form(f"/admin/printers/{printer_id}/check")
            printer = printers.get_printer(runtime.uow(read_only=True), printer_id)
            details.append((printer.status.value, printer.status_detail))
        assert listening.connections == 0
    assert details[0] == details[1]
    assert details[0] == ("offline", "the printer address localhost (127.0.0.1) is outside the allowed printer "
                                     "networks (10.0.0.0/8); the server's administrator can allow others "
                                     "(docs/printers.md)")


def test_the_print_worker_does_not_write_to_a_stored_path_outside_the_allowlist(app: Flask, runtime,
                                                                               tmp_path: Path) -> None:
    precious = tmp_path / "precious.conf"
    precious.write_text("keep me")
    setup = make_kiosk(runtime, printer=network_printer(free_port()))
    with runtime.uow() as uow:
        uow.session.get(Printer, setup.printer_id).connection = "file"
        uow.session.get(Printer, setup.printer_id).settings = {"device_path": str(precious)}
        uow.commit()
    kiosk_taps.issue_from_kiosk(runtime.uow(), kiosk_id=setup.kiosk.id, service_id=setup.office.services["A"],
                                idempotency_key="allowlist-0001", public_base_url="https://q.example.org")
    worker = PrintWorker(runtime, context=app.app_context, status_interval=60).start()
    try:
        worker.lane(setup.printer_id)

        def failure() -> str:
            jobs = print_jobs.recent_jobs(runtime.uow(read_only=True), office_id=setup.office.office_id)
            return jobs[0].last_error if jobs and jobs[0].attempts else ""

        wait_until(failure, 20, "the job's first attempt recorded")
    finally:
        worker.stop()
    assert "is not an allowed printer device" in failure()
    assert precious.read_text() == "keep me"


def test_a_preview_printer_keeps_its_picture_in_the_instance_folder(admin, app: Flask, runtime) -> None:
    browser, office_id = admin
    instance = Path(app.config["WAITWELL"].instance_path)
    instance.mkdir(exist_ok=True)  # as `waitwell serve` makes it, for its secret key

    def add(name: str, path: str) -> Any:
        return browser.client.post(f"/api/v1/offices/{office_id}/printers", headers={"X-CSRFToken": browser.csrf},
                                   json={"name": name, "connection": "preview", "settings": {"device_path": path}})

    for path in (str(instance / "secret_key"), str(instance / "waitwell.db"), "/etc/cron.d/x.png", "../x.png"):
        refused = add("Refused", path)
        assert refused.status_code == 422, path
        assert "directly in the server's instance folder" in refused.get_json()["error"]["message"]
    assert add("Preview", "last-ticket.png").status_code == 201
    [printer] = printers.printers_of(runtime.uow(read_only=True), office_id=office_id)
    printed = browser.post_form(f"/admin/printers/{printer.id}/test-print", follow_redirects=True)
    assert "Test print sent" in printed.get_data(as_text=True)
    assert (instance / "last-ticket.png").read_bytes().startswith(b"\x89PNG")


def test_the_allowlist_is_a_setting(admin, app: Flask, runtime, tmp_path: Path) -> None:
    browser, office_id = admin
    device = tmp_path / "lp7"
    device.touch()
    app.config["WAITWELL_PRINTER_DEVICES"] = f"{tmp_path}/lp*"
    added = browser.post_form(f"/admin/offices/{office_id}/printers/new",
                              printer_form(connection="file", device_path=str(device)))
    assert added.status_code == 302
    assert "/dev/usb/lp*" not in page(browser, "/admin/")  # nothing else changed
    app.config["WAITWELL_PRINTER_DEVICES"] = "none"
    refused = browser.post_form(f"/admin/offices/{office_id}/printers/new",
                                printer_form(name="Second", connection="file", device_path=str(device)))
    assert refused.status_code == 422 and "(allowed, after following links: none)" in refused.get_data(as_text=True)


@pytest.mark.parametrize("setting, value", [("WAITWELL_PRINTER_NETWORKS", "10.0.0.0/33"),
                                            ("WAITWELL_PRINTER_DEVICES", "dev/usb/lp*")])
def test_a_setting_that_cannot_be_read_stops_the_server_by_name(runtime, tmp_path: Path, monkeypatch, setting,
                                                                value) -> None:
    monkeypatch.setenv(setting, value)
    with pytest.raises(ConfigError, match=setting):
        check_environment()
    with pytest.raises(ConfigError, match=setting):
        create_app(Config(instance_path=tmp_path / "instance", database_url=runtime.database_url, testing=True,
                          secret_key="test-secret"), runtime=runtime)
    assert os.environ[setting] == value

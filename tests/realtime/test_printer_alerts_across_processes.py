"""With `waitwell print-worker` in a process of its own (serve --separate-print-worker, --workers N), the printer
problems it finds reach the staff connected to a web process, through Redis."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from tests.factories import make_office, make_staff
from tests.kiosk.support import make_kiosk
from tests.printers.fake_printer import FakeNetworkPrinter
from tests.printing.support import network_printer, start_worker_process
from tests.realtime.support import following
from tests.realtime.test_printer_alerts_feed import AlertWatcher, problems
from tests.support.processes import app_server
from tests.support.waiting import wait_until
from waitwell.persistence.devices import PrinterStatus
from waitwell.realtime import DEFAULT_CHANNEL
from waitwell.runtime import Runtime
from waitwell.services import accounts, printers

pytestmark = [pytest.mark.redis, pytest.mark.slow]


@pytest.fixture
def shared(sqlite_url: str) -> Iterator[Runtime]:
    """The database the web process and the print worker process share, with the wall clock like theirs."""
    runtime = Runtime(sqlite_url)
    yield runtime
    runtime.dispose()


def test_paper_out_found_by_the_print_worker_process_reaches_a_console_on_the_web_process(
        shared, sqlite_url, redis_url, tmp_path: Path, monkeypatch):
    office = make_office(shared)
    token = accounts.create_api_token(shared.uow(), user_id=make_staff(shared, [office.office_id]).id, name="PC")
    monkeypatch.setenv("WAITWELL_PRINT_WORKER", "off")  # the web process prints nothing: the worker process does
    monkeypatch.setenv("REDIS_URL", redis_url)
    # `waitwell print-worker` speaks on Flask-SocketIO's default channel, as `waitwell serve` does.
    with FakeNetworkPrinter() as printer, \
            app_server(sqlite_url, tmp_path, redis_url=redis_url, channel=DEFAULT_CHANNEL) as server:
        kiosk = make_kiosk(shared, printer=network_printer(printer.port), office=office)
        worker = start_worker_process(sqlite_url, tmp_path)
        try:
            wait_until(lambda: printers.get_printer(shared.uow(), kiosk.printer_id).status == PrinterStatus.ONLINE,
                       timeout=30, message="the worker process to find the printer online")
            clerk = AlertWatcher(server.url, {"office_id": office.office_id, "token": token}).connect()
            with following(clerk):
                clerk.wait_for_alerts(lambda m: not m["alerts"], "nothing wrong on connecting")
                printer.paper = "out"
                tapped = requests.post(f"{server.url}/api/v1/kiosks/{kiosk.kiosk.id}/tickets", timeout=10,
                                       json={"service_id": office.services["A"], "idempotency_key": "tap-procs-01"})
                assert tapped.status_code == 201, tapped.text
                shown = clerk.wait_for_alerts(lambda m: problems(m) and m["unprinted"], "paper out and A001 unprinted")
                assert problems(shown) == [("Entrance printer", "paper_out")]
                assert [ticket["number"] for ticket in shown["unprinted"]] == ["A001"]
        finally:
            worker.terminate()
            assert worker.wait(15) == 0, (tmp_path / "print-worker.log").read_text()

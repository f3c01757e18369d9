"""A printer has one owner at a time: the server's print worker or the kiosk PC's print agent, as the admin says.

Real parts: the print worker's lanes, a print agent with python-socketio's client against a running server, the
admin's edit page, and network printers played by TCP servers on 127.0.0.1.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import requests
from flask import Flask

from tests.admin.conftest import form_as_sent, page
from tests.console.support import StaffBrowser, signed_in
from tests.factories import make_staff
from tests.kiosk.support import KioskSetup, make_kiosk
from tests.printers.fake_printer import FakeNetworkPrinter
from tests.printers.profiles import read_ticket
from tests.printing.support import PROFILE, FakePrinterOnPort, network_printer, ticket_jobs
from tests.support.live import LiveServer
from tests.support.ports import free_port
from tests.support.waiting import wait_until
from waitwell import printing
from waitwell.persistence import Role
from waitwell.printing.agent import PrintAgent
from waitwell.printing.cli import printer_from_spec
from waitwell.printing.retry import RetryPolicy
from waitwell.printing.worker import PrintWorker
from waitwell.runtime import Runtime
from waitwell.services import accounts, print_jobs, printers

STATUS_SECONDS = 0.3  # the server asks its printers often here, so a lane that kept going would show at once
# A printer the server no longer owns is watched for anything from the server while the server asks a printer it
# still owns this many times: as many of its status rounds as a lane that kept going would have had.
WITNESSED_POLLS = 5


@pytest.fixture
def worker(app: Flask) -> Iterator[PrintWorker]:
    """The app's print worker with quick retries and frequent status polls."""
    app.config["PRINT_RETRY_POLICY"] = RetryPolicy(first_delay=0.2, max_delay=0.5)
    app.config["PRINTER_STATUS_SECONDS"] = STATUS_SECONDS
    started = printing.start_worker(app)
    assert isinstance(started, PrintWorker)
    yield started
    started.stop()


def admin_of(app: Flask, runtime: Runtime) -> StaffBrowser:
    browser = signed_in(app, make_staff(runtime, [], role=Role.ADMIN, username="root"))
    browser.refresh_token("/admin/")
    return browser


def switch_delivery(admin: StaffBrowser, printer_id: int, delivery: str) -> None:
    """Change "Who sends the tickets" on the printer's admin page, keeping everything else as shown."""
    url = f"/admin/printers/{printer_id}"
    form = form_as_sent(page(admin, url), url)
    form["delivery"] = delivery
    saved = admin.client.post(url, data=form)
    assert saved.status_code == 302, saved.get_data(as_text=True)[-2000:]


def tap(live: LiveServer, setup: KioskSetup, key: str) -> dict:
    response = requests.post(f"{live.url}/api/v1/kiosks/{setup.kiosk.id}/tickets", timeout=30,
                             json={"service_id": setup.office.services["A"], "idempotency_key": key})
    assert response.status_code == 201, response.text
    return response.json()


def job_state(runtime: Runtime, job_id: int) -> str:
    return print_jobs.get_print_job(runtime.uow(read_only=True), job_id).state.value


def numbers_on(printer: FakeNetworkPrinter) -> list[str]:
    return [text for job in ticket_jobs(printer) for text in read_ticket(job, PROFILE).texts if text.startswith("A0")]


@contextlib.contextmanager
def server_rounds(runtime: Runtime, setup: KioskSetup) -> Iterator[Callable[[], None]]:
    """A second printer of the office that stays the server's: `waited()` returns once the server has asked it
    for its status WITNESSED_POLLS more times, proof that its status rounds went on meanwhile."""
    with FakeNetworkPrinter() as witness:
        printers.add_printer(runtime.uow(), office_id=setup.office.office_id, name="Witness printer",
                             **network_printer(witness.port))

        def waited() -> None:
            asked = witness.status_queries
            wait_until(lambda: witness.status_queries >= asked + WITNESSED_POLLS,
                       message=f"{WITNESSED_POLLS} status questions to the printer the server still owns")

        yield waited


def agent_for(live: LiveServer, runtime: Runtime, setup: KioskSetup, printer: FakeNetworkPrinter,
              tmp_path: Path) -> PrintAgent:
    token = accounts.create_api_token(runtime.uow(), user_id=make_staff(runtime, [setup.office.office_id]).id,
                                      name="kiosk PC")
    settings = printer_from_spec(f"network:127.0.0.1:{printer.port}", profile=PROFILE)
    return PrintAgent(live.url, setup.kiosk.id, token, settings, state_file=tmp_path / "agent-state.json").start()


def test_a_printer_switched_to_the_agent_gets_nothing_more_from_the_server_and_its_queue_goes_to_the_agent(
    app: Flask, runtime: Runtime, worker: PrintWorker, tmp_path: Path
) -> None:
    port = free_port()  # the server cannot reach the printer: the ticket waits in its queue
    setup = make_kiosk(runtime, printer=network_printer(port))
    assert setup.printer_id is not None
    admin = admin_of(app, runtime)
    with LiveServer(app) as live, FakeNetworkPrinter() as at_the_pc, server_rounds(runtime, setup) as waited:
        agent = agent_for(live, runtime, setup, at_the_pc, tmp_path)
        try:
            first = tap(live, setup, "owner-switch-0001")
            wait_until(lambda: job_state(runtime, first["print"]["job_id"]) == "retrying", 30,
                       "the server's first attempt, refused")

            switch_delivery(admin, setup.printer_id, "agent")
            with FakePrinterOnPort(port) as at_the_server:  # the server's way to the printer works again
                wait_until(lambda: job_state(runtime, first["print"]["job_id"]) == "printed", 30,
                           "the queued ticket printed by the agent")
                second = tap(live, setup, "owner-switch-0002")
                wait_until(lambda: job_state(runtime, second["print"]["job_id"]) == "printed", 30,
                           "a new ticket printed by the agent")
                wait_until(lambda: len(numbers_on(at_the_pc)) == 2, 30, "both tickets read at the kiosk PC")
                wait_until(lambda: printers.get_printer(runtime.uow(read_only=True), setup.printer_id).status.value
                           == "online", 30, "the agent's word on the printer")
                waited()
                assert at_the_server.connections == 0  # no ticket, no status question
            assert numbers_on(at_the_pc) == ["A001", "A002"]
            assert printers.get_printer(runtime.uow(read_only=True), setup.printer_id).status.value == "online"
        finally:
            agent.stop()


def test_a_printer_switched_back_to_the_server_prints_its_queue_there_and_the_agent_no_longer_speaks_for_it(
    app: Flask, runtime: Runtime, worker: PrintWorker, tmp_path: Path
) -> None:
    with FakeNetworkPrinter() as at_the_pc:
        port = free_port()
        setup = make_kiosk(runtime, printer={**network_printer(port), "delivery": "agent"})
        assert setup.printer_id is not None
        admin = admin_of(app, runtime)
        with LiveServer(app) as live:
            queued = tap(live, setup, "owner-back-00001")  # no agent is connected: the job waits for it
            switch_delivery(admin, setup.printer_id, "server")
            wait_until(lambda: printers.get_printer(runtime.uow(read_only=True), setup.printer_id).status.value
                       == "offline", 30, "the server's status check of its printer, refused")
            agent = agent_for(live, runtime, setup, at_the_pc, tmp_path)  # connected once this returns
            try:
                printer = printers.get_printer(runtime.uow(read_only=True), setup.printer_id)
                assert printer.status.value == "offline" and "refused" in printer.status_detail
                with FakePrinterOnPort(port) as at_the_server:
                    wait_until(lambda: job_state(runtime, queued["print"]["job_id"]) == "printed", 30,
                               "the queued ticket printed by the server")
                    wait_until(lambda: numbers_on(at_the_server), 30, "the ticket read at the server's printer")
                    assert numbers_on(at_the_server) == ["A001"]
                # Handed to the agent again, the next ticket is the agent's: once it is on the kiosk PC's paper,
                # the agent has printed everything the server sent it before, in order, and A001 was not.
                switch_delivery(admin, setup.printer_id, "agent")
                later = tap(live, setup, "owner-back-00002")
                wait_until(lambda: job_state(runtime, later["print"]["job_id"]) == "printed", 30,
                           "the next ticket printed by the agent")
                wait_until(lambda: numbers_on(at_the_pc), 30, "the next ticket read at the kiosk PC")
                assert numbers_on(at_the_pc) == ["A002"]
            finally:
                agent.stop()

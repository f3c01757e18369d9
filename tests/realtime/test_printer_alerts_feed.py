"""Printer alerts reach the office's consoles and dashboards live: a real server, real Socket.IO clients, the print
worker talking to a printer played by a TCP server on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
import requests

from tests.factories import PASSWORD, OfficeSetup, make_office, make_staff
from tests.kiosk.support import KioskSetup, make_kiosk
from tests.printers.fake_printer import FakeNetworkPrinter
from tests.printing.support import PROFILE, network_printer, start_fast_worker, ticket_jobs
from tests.realtime.support import FeedFollower, following
from tests.support.live import LiveServer
from tests.support.waiting import wait_until
from waitwell.persistence import Role
from waitwell.persistence.devices import PrinterStatus
from waitwell.printing.agent import PrintAgent
from waitwell.printing.cli import printer_from_spec
from waitwell.printing.worker import PrintWorker
from waitwell.realtime.rooms import PRINTER_ALERTS, STAFF_NAMESPACE
from waitwell.runtime import Runtime
from waitwell.services import accounts, printers

STATUS_EVERY_SECONDS = 0.3  # how often the worker asks the idle printer how it is (30 s in production)


class AlertWatcher(FeedFollower):
    """A staff console's socket, keeping every printer alert message it is sent."""

    def __init__(self, url: str, auth: dict[str, Any]) -> None:
        super().__init__(url, STAFF_NAMESPACE, auth)
        self.alerts: list[dict[str, Any]] = []
        self.client.on(PRINTER_ALERTS, self.alerts.append, namespace=STAFF_NAMESPACE)

    def wait_for_alerts(self, condition: Callable[[dict[str, Any]], Any], what: str,
                        timeout: float = 20) -> dict[str, Any]:
        """The latest message once it satisfies `condition` (generous deadline: a worker and a server share 2 cores)."""
        return wait_until(lambda: self.alerts[-1] if self.alerts and condition(self.alerts[-1]) else None,
                          timeout=timeout, message=what)


def problems(message: dict[str, Any]) -> list[tuple[str, str]]:
    return [(alert["printer_name"], alert["problem"]) for alert in message["alerts"]]


def console(runtime: Runtime, live: LiveServer, office: OfficeSetup, role: Role, username: str) -> AlertWatcher:
    member = make_staff(runtime, [office.office_id], role=role, username=username)
    token = accounts.create_api_token(runtime.uow(), user_id=member.id, name="counter PC")
    return AlertWatcher(live.url, {"office_id": office.office_id, "token": token}).connect()


@pytest.fixture
def printer() -> Iterator[FakeNetworkPrinter]:
    with FakeNetworkPrinter(paper="out") as out_of_paper:
        yield out_of_paper


@pytest.fixture
def kiosk(runtime: Runtime, office: OfficeSetup, printer: FakeNetworkPrinter) -> KioskSetup:
    return make_kiosk(runtime, printer=network_printer(printer.port), office=office)


@pytest.fixture
def worker(app, kiosk: KioskSetup) -> Iterator[PrintWorker]:
    started = start_fast_worker(app)
    started.status_interval = STATUS_EVERY_SECONDS
    yield started
    started.stop()


def test_paper_out_shows_on_the_offices_consoles_and_clears_when_the_printer_is_back(live, runtime, office, kiosk,
                                                                                       printer, worker):
    printer.paper = "ok"
    wait_until(lambda: printers.get_printer(runtime.uow(), kiosk.printer_id).status == PrinterStatus.ONLINE,
               timeout=20, message="the worker to find the printer online")
    clerk = console(runtime, live, office, Role.CLERK, "maria")
    supervisor = console(runtime, live, office, Role.SUPERVISOR, "sam")
    elsewhere = make_office(runtime, name="Norwich DMV", services=(("Registration", "R"),), counters={"Desk 1": ["R"]})
    other = console(runtime, live, elsewhere, Role.CLERK, "nina")
    with following(clerk, supervisor, other):
        for watcher in (clerk, supervisor):
            watcher.wait_for_alerts(lambda m: not m["alerts"], "the list on connecting: nothing wrong")

        printer.paper = "out"  # the roll runs out while the consoles are open
        for watcher in (clerk, supervisor):
            shown = watcher.wait_for_alerts(lambda m: problems(m), "the paper-out alert")
            assert problems(shown) == [("Entrance printer", "paper_out")]
            assert "out of paper" in shown["alerts"][0]["detail"]

        printer.paper = "ok"  # a new roll
        for watcher in (clerk, supervisor):
            watcher.wait_for_alerts(lambda m: not m["alerts"], "the alert to clear")
        assert all(not message["alerts"] for message in other.alerts)  # another office hears nothing of it


def test_a_failed_ticket_is_listed_until_staff_reprint_it(live, runtime, office, kiosk, printer, worker, clock):
    clerk = console(runtime, live, office, Role.CLERK, "maria")
    member = make_staff(runtime, [office.office_id], role=Role.CLERK, username="james")
    with following(clerk), requests.Session() as http:
        clerk.wait_for_alerts(lambda m: problems(m), "the paper-out alert")
        tapped = http.post(f"{live.url}/api/v1/kiosks/{kiosk.kiosk.id}/tickets",
                           json={"service_id": office.services["A"], "idempotency_key": "tap-alerts-0001"})
        assert tapped.status_code == 201, tapped.text
        failing = clerk.wait_for_alerts(lambda m: m["unprinted"], "the ticket that did not print")
        assert [(t["number"], t["given_up"]) for t in failing["unprinted"]] == [("A001", False)]

        clock.advance(minutes=3)  # older than the give-up time: the next failed attempt gives it up
        given_up = clerk.wait_for_alerts(lambda m: m["unprinted"] and m["unprinted"][0]["given_up"], "the give-up")
        assert "out of paper" in given_up["unprinted"][0]["reason"]

        printer.paper = "ok"
        clerk.wait_for_alerts(lambda m: not m["alerts"] and m["unprinted"], "the printer back, A001 still unprinted")
        signed_in = http.post(f"{live.url}/api/v1/auth/sign-in",
                              json={"username": member.username, "password": PASSWORD})
        http.headers["X-CSRFToken"] = signed_in.headers["X-CSRFToken"]
        reprinted = http.post(f"{live.url}/console/tickets/{given_up['unprinted'][0]['ticket_id']}/reprint")
        assert reprinted.status_code == 200, reprinted.text
        clerk.wait_for_alerts(lambda m: not m["unprinted"], "A001 to leave the list")
        wait_until(lambda: ticket_jobs(printer), message="the reprinted ticket on paper")


def test_a_print_agent_that_goes_away_shows_as_disconnected(live, runtime, office, tmp_path):
    with FakeNetworkPrinter() as usb_stand_in:  # the kiosk PC's own printer, reached only by its agent
        kiosk = make_kiosk(runtime, office=office, printer={**network_printer(usb_stand_in.port), "delivery": "agent"})
        clerk = console(runtime, live, office, Role.CLERK, "maria")
        agent_token = accounts.create_api_token(runtime.uow(), user_id=make_staff(runtime, [office.office_id]).id,
                                                name="kiosk PC")
        agent = PrintAgent(live.url, kiosk.kiosk.id, agent_token,
                           printer_from_spec(f"network:127.0.0.1:{usb_stand_in.port}", profile=PROFILE),
                           state_file=tmp_path / "agent-state.json").start()
        with following(clerk):
            try:
                wait_until(lambda: printers.get_printer(runtime.uow(), kiosk.printer_id).status == PrinterStatus.ONLINE,
                           timeout=20, message="the agent to report its printer")
                clerk.wait_for_alerts(lambda m: not m["alerts"], "nothing wrong while the agent is there")
            finally:
                agent.stop()
            # Its goodbye may be lost on a loaded machine; then the server notices at the ping timeout.
            shown = clerk.wait_for_alerts(lambda m: problems(m), "the agent's absence", timeout=60)
            assert problems(shown) == [("Entrance printer", "agent_disconnected")]

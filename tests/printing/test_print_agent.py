"""The print agent with a real python-socketio client against a running server and a loopback printer."""

from __future__ import annotations

import json
from pathlib import Path

import requests

from tests.factories import make_staff
from tests.kiosk.support import make_kiosk
from tests.printers.fake_printer import FakeNetworkPrinter
from tests.printers.profiles import read_ticket
from tests.printing.support import PROFILE, ticket_jobs
from tests.realtime.support import LiveServer, wait_until
from waitwell.printing.agent import PrintAgent
from waitwell.printing.cli import printer_from_spec
from waitwell.runtime import Runtime
from waitwell.services import accounts, print_jobs, printers


def tap(live: LiveServer, kiosk_id: int, service_id: int, key: str) -> dict:
    response = requests.post(f"{live.url}/api/v1/kiosks/{kiosk_id}/tickets",
                             json={"service_id": service_id, "idempotency_key": key}, timeout=10)
    assert response.status_code == 201, response.text
    return response.json()


def job_state(runtime: Runtime, job_id: int) -> str:
    return print_jobs.get_print_job(runtime.uow(read_only=True), job_id).state.value


def printed_numbers(printer: FakeNetworkPrinter) -> list[str]:
    numbers = []
    for job in ticket_jobs(printer):
        paper = read_ticket(job, PROFILE)
        numbers += [text for text in paper.texts if text.startswith(("A0", "B0"))]
    return numbers


def test_agent_prints_online_and_on_reconnect_never_twice(runtime: Runtime, app: object, tmp_path: Path) -> None:
    setup = make_kiosk(runtime, printer={"connection": "network", "settings": {"host": "127.0.0.1", "port": 9100},
                                         "profile": PROFILE, "qr_mode": "native", "delivery": "agent"})
    token = accounts.create_api_token(runtime.uow(), user_id=make_staff(runtime, [setup.office.office_id]).id,
                                      name="kiosk PC")
    state_file = tmp_path / "agent-state.json"
    service = setup.office.services["A"]

    with LiveServer(app) as live, FakeNetworkPrinter() as printer:  # type: ignore[arg-type]
        settings = printer_from_spec(f"network:127.0.0.1:{printer.port}", profile=PROFILE)

        def agent() -> PrintAgent:
            return PrintAgent(live.url, setup.kiosk.id, token, settings, state_file=state_file).start()

        online = agent()
        first = tap(live, setup.kiosk.id, service, "tap-agent-00001")
        wait_until(lambda: job_state(runtime, first["print"]["job_id"]) == "printed", message="first job printed")
        # The printer keeps a job once it has read the connection's end, which may come after the ack.
        wait_until(lambda: printed_numbers(printer), message="the first ticket read by the printer")
        assert printed_numbers(printer) == ["A001"]
        assert [q.payload for q in read_ticket(ticket_jobs(printer)[0], PROFILE).qr_codes] == [first["status_url"]]
        online.stop()
        wait_until(lambda: printers.get_printer(runtime.uow(read_only=True), setup.printer_id).status.value
                   == "offline", message="agent seen as gone")

        # Offline: tickets are still issued; their jobs wait for the agent.
        second = tap(live, setup.kiosk.id, service, "tap-agent-00002")
        third = tap(live, setup.kiosk.id, service, "tap-agent-00003")
        assert job_state(runtime, second["print"]["job_id"]) == job_state(runtime, third["print"]["job_id"]) == "queued"
        # The agent had printed the second one just before going down, but its acknowledgement was lost.
        state_file.write_text(json.dumps([first["print"]["job_id"], second["print"]["job_id"]]))

        back = agent()
        wait_until(lambda: job_state(runtime, third["print"]["job_id"]) == "printed", message="third job printed")
        wait_until(lambda: job_state(runtime, second["print"]["job_id"]) == "printed", message="second acknowledged")
        wait_until(lambda: len(printed_numbers(printer)) >= 2, message="the third ticket read by the printer")
        back.stop()
        assert printed_numbers(printer) == ["A001", "A003"]  # A002 came out before the drop: never twice


def test_agent_with_a_wrong_token_is_refused(runtime: Runtime, app: object, tmp_path: Path) -> None:
    import pytest
    import socketio

    setup = make_kiosk(runtime, printer=None)
    with LiveServer(app) as live:  # type: ignore[arg-type]
        client = socketio.Client(reconnection=False)
        with pytest.raises(socketio.exceptions.ConnectionError):
            client.connect(live.url, auth={"token": "ww_wrong", "kiosk_id": setup.kiosk.id},
                           namespaces=["/print-agent"], wait_timeout=5)
        client.disconnect()

"""The print agent with a real python-socketio client against a running server and a loopback printer."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import requests
from flask import Flask

from tests.kiosk.support import make_kiosk
from tests.printers.fake_printer import FakeNetworkPrinter
from tests.printers.profiles import read_ticket
from tests.printing.support import PROFILE, agent_kiosk, ticket_jobs
from tests.support.live import LiveServer
from tests.support.ports import free_port
from tests.support.processes import waitwell_command
from tests.support.waiting import wait_until
from waitwell.printing.agent import PrintAgent
from waitwell.printing.cli import printer_from_spec
from waitwell.runtime import Runtime
from waitwell.services import print_jobs, printers


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
    setup, token = agent_kiosk(runtime)
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


def test_a_job_the_agent_was_sending_when_it_died_prints_again_marked_reprint(
    runtime: Runtime, app: object, tmp_path: Path
) -> None:
    setup, token = agent_kiosk(runtime)
    state_file = tmp_path / "agent-state.json"
    service = setup.office.services["A"]
    with LiveServer(app) as live, FakeNetworkPrinter() as printer:  # type: ignore[arg-type]
        interrupted = tap(live, setup.kiosk.id, service, "tap-agent-died1")
        # The agent had begun to send it when it was killed: its paper may be out, with the ticket's link on it.
        state_file.write_text(json.dumps({"printed": [], "sending": [interrupted["print"]["job_id"]]}))
        settings = printer_from_spec(f"network:127.0.0.1:{printer.port}", profile=PROFILE)
        agent = PrintAgent(live.url, setup.kiosk.id, token, settings, state_file=state_file).start()
        try:
            later = tap(live, setup.kiosk.id, service, "tap-agent-died2")
            wait_until(lambda: job_state(runtime, later["print"]["job_id"]) == "printed", message="both printed")
            wait_until(lambda: len(ticket_jobs(printer)) >= 2, message="both tickets read by the printer")
        finally:
            agent.stop()
    papers = [read_ticket(job, PROFILE) for job in ticket_jobs(printer)]
    assert [(paper.reads("A001"), paper.reads("REPRINT")) for paper in papers] == [(True, True), (False, False)]
    assert json.loads(state_file.read_text())["sending"] == []


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


def start_agent(tmp_path: Path, *options: str, command: list[str] | None = None) -> tuple[subprocess.Popen, Path]:
    """`waitwell print-agent` as a real process, as systemd starts it; its output goes to a file."""
    output = tmp_path / "agent.log"
    with output.open("wb") as log:
        process = subprocess.Popen([*(command or waitwell_command()), "print-agent", *options,
                                    "--state-file", str(tmp_path / "agent-state.json")],
                                   stdout=log, stderr=subprocess.STDOUT, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    return process, output


def exit_status(process: subprocess.Popen, output: Path, timeout: float = 90) -> int:
    try:
        return process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        raise AssertionError(f"the agent was still running after {timeout} s:\n{output.read_text()}") from None


def test_the_agent_exits_with_an_error_when_the_server_is_not_there(tmp_path: Path) -> None:
    """Tried a bounded number of times with a growing wait, then status 1, so systemd starts it again."""
    server = f"http://127.0.0.1:{free_port()}"
    agent, output = start_agent(tmp_path, "--server", server, "--kiosk", "1", "--printer", "preview:",
                                "--token", "ww_test", "--connect-tries", "2")
    assert exit_status(agent, output) == 1, output.read_text()
    said = output.read_text()
    assert f"could not connect to {server} (try 1 of 2)" in said and "trying again in 1 s" in said, said
    assert f"could not connect to {server} in 2 tries" in said, said


def test_the_agent_exits_with_an_error_once_the_server_is_gone_for_good(runtime: Runtime, app: Flask,
                                                                         tmp_path: Path) -> None:
    setup, token = agent_kiosk(runtime)
    with FakeNetworkPrinter() as printer:
        with LiveServer(app) as live:
            agent, output = start_agent(tmp_path, "--server", live.url, "--kiosk", str(setup.kiosk.id),
                                        "--printer", f"network:127.0.0.1:{printer.port}", "--token", token,
                                        "--give-up-after", "3")
            try:
                wait_until(lambda: printers.get_printer(runtime.uow(read_only=True), setup.printer_id).status_detail
                           == "print agent connected" or agent.poll() is not None, 60, "the agent connected")
                assert agent.poll() is None, output.read_text()
            except BaseException:
                agent.kill()
                raise
        # The server is gone: the agent keeps trying for 3 s, then exits.
        assert exit_status(agent, output) == 1, output.read_text()
    said = output.read_text()
    assert f"lost the connection to {live.url}; reconnecting" in said, said
    assert f"no connection to {live.url} for 3 s" in said, said


def test_the_agent_loads_nothing_of_the_server_stack() -> None:
    """A kiosk PC needs the printer library and the Socket.IO client; Flask and SQLAlchemy stay unloaded, so a
    slim agent distribution is possible."""
    loaded = subprocess.run(
        [sys.executable, "-c", "import sys; from waitwell.cli import main; import waitwell.printing.agent; "
                               "main.get_command(None, 'print-agent'); "
                               "print(sorted({m.partition('.')[0] for m in sys.modules}))"],
        capture_output=True, text=True, check=True, timeout=60).stdout
    for package in ("flask", "flask_socketio", "flask_babel", "sqlalchemy", "alembic", "gunicorn"):
        assert f"'{package}'" not in loaded, loaded
    assert "'socketio'" in loaded and "'escpos'" in loaded

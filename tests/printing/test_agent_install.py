"""The kiosk PC's install as documented: `pip install 'waitwell[agent]'` in a fresh virtual environment, and its
`waitwell print-agent` prints a ticket from a running server. Without the extra the agent says what to install
and exits with an error, rather than staying alive without ever connecting."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest
import requests
from flask import Flask

from tests.printers.fake_printer import FakeNetworkPrinter
from tests.printers.profiles import read_ticket
from tests.printing.support import PROFILE, agent_kiosk, ticket_jobs
from tests.support.live import LiveServer
from tests.support.waiting import wait_until
from waitwell.runtime import Runtime

ROOT = Path(__file__).resolve().parents[2]
PIP_MINUTES = 5  # each install's limit; both together take well under two minutes with a warm pip cache


def pypi_reachable() -> bool:
    try:
        socket.create_connection(("pypi.org", 443), timeout=5).close()
    except OSError:
        return False
    return True


pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not pypi_reachable() and os.environ.get("CI") != "true",
                       reason="installing into a fresh virtual environment needs PyPI, which is not reachable"),
]


def checkout_copy(target: Path) -> Path:
    """The project's files as they are now, without the virtual environment, node_modules or build output."""
    listed = subprocess.run(["git", "ls-files", "-co", "--exclude-standard"], cwd=ROOT, capture_output=True,
                            text=True, check=True).stdout.splitlines()
    for name in listed:
        source = ROOT / name
        if source.is_file() and not name.startswith("node_modules/"):
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    return target


def pip_install(venv: Path, requirement: str) -> None:
    done = subprocess.run([str(venv / "bin" / "pip"), "install", "--quiet", requirement], capture_output=True,
                          text=True, timeout=PIP_MINUTES * 60)
    assert done.returncode == 0, done.stdout + done.stderr


def test_a_fresh_venv_with_the_agent_extra_prints_a_ticket(runtime: Runtime, app: Flask, tmp_path: Path) -> None:
    source = checkout_copy(tmp_path / "source")
    venv = tmp_path / "kiosk-pc"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    agent_command = [str(venv / "bin" / "waitwell"), "print-agent", "--state-file", str(tmp_path / "agent.json")]

    pip_install(venv, str(source))  # the project alone: python-socketio without its client's packages
    alone = subprocess.run([*agent_command, "--server", "http://127.0.0.1:1", "--kiosk", "1", "--printer",
                            "preview:", "--token", "ww_test"], capture_output=True, text=True, timeout=120)
    assert alone.returncode == 1, alone.stdout + alone.stderr
    assert "needs requests and websocket-client to connect: pip install 'waitwell[agent]'" in alone.stderr

    pip_install(venv, f"{source}[agent]")
    setup, token = agent_kiosk(runtime)
    with LiveServer(app) as live, FakeNetworkPrinter() as printer:
        output = tmp_path / "agent.log"
        with output.open("wb") as log:
            agent = subprocess.Popen([*agent_command, "--server", live.url, "--kiosk", str(setup.kiosk.id),
                                      "--printer", f"network:127.0.0.1:{printer.port}", "--token", token],
                                     stdout=log, stderr=subprocess.STDOUT)
        try:
            issued = requests.post(f"{live.url}/api/v1/kiosks/{setup.kiosk.id}/tickets", timeout=30,
                                   json={"service_id": setup.office.services["A"], "idempotency_key": "kiosk-pc-01"})
            assert issued.status_code == 201, issued.text
            wait_until(lambda: ticket_jobs(printer) or agent.poll() is not None, 90, "the ticket on paper")
            assert ticket_jobs(printer), output.read_text()
            assert read_ticket(ticket_jobs(printer)[0], PROFILE).reads("A001")
        finally:
            agent.send_signal(signal.SIGTERM)
            try:
                code = agent.wait(timeout=30)
            except subprocess.TimeoutExpired:
                agent.kill()
                agent.wait()
                raise
    assert code == 0, output.read_text()

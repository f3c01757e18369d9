"""Fixtures for the command line: a clean environment, free ports, real `waitwell` processes, Chromium."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
from click.testing import CliRunner

from waitwell.cli import main

SETTINGS = ("DATABASE_URL", "REDIS_URL", "SECRET_KEY", "WAITWELL_PUBLIC_URL", "WAITWELL_INSTANCE", "WAITWELL_PASSWORD")


@pytest.fixture
def instance(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty instance folder, and no Waitwell setting inherited from the shell running the tests."""
    for name in SETTINGS:
        monkeypatch.delenv(name, raising=False)
    folder = tmp_path / "instance"
    monkeypatch.setenv("WAITWELL_INSTANCE", str(folder))
    return folder


@dataclass(frozen=True)
class Cli:
    """Runs `waitwell ...` in-process, as a person would type it."""

    runner: CliRunner

    def __call__(self, *args: str, input: str | None = None) -> tuple[int, str]:
        result = self.runner.invoke(main, list(args), input=input, catch_exceptions=False)
        return result.exit_code, result.output


@pytest.fixture
def waitwell(instance: Path) -> Cli:
    return Cli(CliRunner())


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def free_ports(count: int) -> int:
    """The first of `count` consecutive free ports (for `serve --workers N`, which uses port..port+N-1)."""
    for _ in range(50):
        first = free_port()
        probes = []
        try:
            for port in range(first, first + count):
                probe = socket.socket()
                probes.append(probe)
                probe.bind(("127.0.0.1", port))
            return first
        except OSError:
            continue
        finally:
            for probe in probes:
                probe.close()
    raise AssertionError(f"found no {count} consecutive free ports")


def waitwell_command() -> list[str]:
    """The installed console script when there is one, so the entry point itself is exercised."""
    script = Path(sys.executable).parent / "waitwell"
    return [str(script)] if script.exists() else [sys.executable, "-m", "waitwell.cli"]


@dataclass
class ServerProcess:
    """A `waitwell` server started as a real process; its output goes to a file the test can read."""

    process: subprocess.Popen[bytes]
    output_file: Path
    base_url: str

    def output(self) -> str:
        return self.output_file.read_text(errors="replace")

    def wait_until_serving(self, path: str = "/api/v1/offices", timeout: float = 60, port: int | None = None) -> None:
        """Poll until `path` answers 200 (on `port` when given), failing early if the process died."""
        base_url = f"http://127.0.0.1:{port}" if port else self.base_url
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"the server exited with {self.process.returncode}:\n{self.output()}")
            try:
                if requests.get(base_url + path, timeout=5).status_code == 200:
                    return
            except (requests.ConnectionError, requests.Timeout):  # not listening yet, or a slow first answer
                pass
            time.sleep(0.2)
        raise AssertionError(f"the server did not answer within {timeout} s:\n{self.output()}")

    def stop(self, timeout: float = 20) -> int:
        """SIGTERM, as systemd or Ctrl+C would stop it; the exit status."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return self.process.returncode


def start_server(args: list[str], port: int, workdir: Path, env: dict[str, str]) -> ServerProcess:
    output_file = workdir / f"waitwell-{port}.log"
    with output_file.open("wb") as output:
        process = subprocess.Popen([*waitwell_command(), *args], cwd=workdir, stdout=output,
                                   stderr=subprocess.STDOUT, env={**os.environ, "PYTHONUNBUFFERED": "1", **env})
    return ServerProcess(process, output_file, f"http://127.0.0.1:{port}")


@dataclass(frozen=True)
class DemoServer:
    """A running `waitwell demo` and what it printed for the person who started it."""

    base_url: str
    output: str
    clerk_username: str
    clerk_password: str
    token: str
    office_id: int


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoServer]:
    """`waitwell demo --port <free port>` in a temporary instance folder, stopped after the module."""
    workdir = tmp_path_factory.mktemp("demo")
    port = free_port()
    env = {name: "" for name in SETTINGS} | {"WAITWELL_INSTANCE": str(workdir / "instance")}
    server = start_server(["demo", "--port", str(port)], port, workdir, env)
    try:
        server.wait_until_serving()
        printed = server.output()
        yield DemoServer(
            base_url=server.base_url,
            output=printed,
            clerk_username="demo-clerk",
            clerk_password=_printed(r"clerk\s+demo-clerk\s+password: (\S+)", printed),
            token=_printed(r"API token of demo-clerk: (\S+)", printed),
            office_id=int(_printed(r"Demo office .* \(id (\d+)\)", printed)),
        )
    finally:
        server.stop()


def _printed(pattern: str, text: str) -> str:
    found = re.search(pattern, text)
    assert found, f"the demo did not print {pattern!r}:\n{text}"
    return found.group(1)



"""Servers in processes of their own, for tests that stop, kill, restart or run several of them: `waitwell`
itself (`waitwell serve`, `waitwell demo`), or the app alone on Werkzeug (serve_app.py), which takes a Socket.IO
channel of the test's own so that test runs sharing one Redis never hear each other."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

import requests

from tests.support.ports import free_port
from tests.support.waiting import wait_until
from waitwell.commands.processes import dying_with_parent

ROOT = Path(__file__).resolve().parents[2]
SERVE_APP = Path(__file__).with_name("serve_app.py")
STARTUP_SECONDS = 60.0  # an interpreter importing the app, twice for `waitwell serve`, on a busy machine

# A `preexec_fn`: the child is killed when the test run dies, so no server outlives an aborted run.
die_with_parent = dying_with_parent(signal.SIGKILL)


def waitwell_command() -> list[str]:
    """The installed console script when there is one, so the entry point itself is exercised."""
    script = Path(sys.executable).parent / "waitwell"
    return [str(script)] if script.exists() else [sys.executable, "-m", "waitwell.cli"]


class ServerProcess:
    """A server process whose output goes to a log file: launched, waited for until it answers, stopped as
    systemd or Ctrl+C would (SIGTERM), killed like a crash or a pulled plug (SIGKILL), started again on its port."""

    def __init__(self, command: Sequence[str], *, port: int, log: Path, env: Mapping[str, str] | None = None,
                 cwd: Path = ROOT) -> None:
        self.command = list(command)
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.log = log
        self.env = {**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})}
        self.cwd = cwd
        self.process: subprocess.Popen[bytes] | None = None

    def launch(self) -> ServerProcess:
        """Start the process without waiting for it (appending to its log, which a restart shares)."""
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(self.command, stdout=log, stderr=subprocess.STDOUT, env=self.env,
                                            cwd=self.cwd, preexec_fn=die_with_parent)
        return self

    def start(self, timeout: float = STARTUP_SECONDS) -> ServerProcess:
        """Launch and wait until it serves; one that never does is killed, not left running."""
        self.launch()
        try:
            self.wait_until_serving(timeout=timeout)
        except BaseException:
            self.kill()
            raise
        return self

    def wait_until_serving(self, path: str = "/api/v1/offices", timeout: float = STARTUP_SECONDS,
                           port: int | None = None) -> None:
        """Until `path` answers 200 (on `port` when given: another process of `--workers`); fails at once,
        with the log, when the process has ended."""
        url = f"http://127.0.0.1:{port or self.port}{path}"
        wait_until(lambda: self._answers(url), timeout, f"{url} to answer (log: {self.log})")

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def stop(self, timeout: float = 20) -> int:
        """SIGTERM, as systemd or Ctrl+C would stop it (SIGKILL after `timeout`); the exit status."""
        assert self.process is not None, "never launched"
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return self.process.returncode

    def kill(self) -> None:
        """Stop abruptly: open connections die without a goodbye."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)

    def _answers(self, url: str) -> bool:
        if self.process is not None and self.process.poll() is not None:
            raise AssertionError(f"the server exited with {self.process.returncode}:\n{self.output()[-3000:]}")
        try:
            return requests.get(url, timeout=5).status_code == 200
        except (requests.ConnectionError, requests.Timeout):  # not listening yet, or a slow first answer
            return False

    def __enter__(self) -> ServerProcess:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.kill()


def waitwell_server(args: Sequence[str], port: int, workdir: Path,
                    env: Mapping[str, str] | None = None) -> ServerProcess:
    """`waitwell <args>` (serve, demo) listening on `port`, run in `workdir`, its log there."""
    return ServerProcess([*waitwell_command(), *args], port=port, log=workdir / f"waitwell-{port}.log", env=env,
                         cwd=workdir)


def app_server(database_url: str, instance: Path, *, port: int | None = None, redis_url: str = "",
               channel: str = "", async_mode: str = "threading") -> ServerProcess:
    """serve_app.py: the app on Werkzeug with Flask-SocketIO, on `port` (a free one by default), its log in
    `instance`; with `redis_url`, publishing on `channel`."""
    port = port or free_port()
    command = [sys.executable, str(SERVE_APP), "--port", str(port), "--database-url", database_url,
               "--instance", str(instance), "--async-mode", async_mode]
    if redis_url:
        command += ["--redis-url", redis_url, "--channel", channel]
    return ServerProcess(command, port=port, log=instance / f"server-{port}.log")

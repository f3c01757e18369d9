"""Fixtures for the command line: a clean environment, `waitwell` in-process, and a running `waitwell demo`."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.support.ports import free_port
from tests.support.processes import waitwell_server
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
    server = waitwell_server(["demo", "--port", str(port)], port, workdir, env).launch()
    try:
        server.wait_until_serving()
        printed = server.output()
        yield DemoServer(
            base_url=server.url,
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



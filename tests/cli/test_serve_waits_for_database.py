"""`waitwell serve` started before PostgreSQL is up: it waits with growing pauses, saying why, and serves once
the database answers; it gives up with a clear message (exit status 1) when the database never comes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from tests.cli.conftest import SETTINGS, Cli
from tests.database_outage import database_proxy, through
from tests.support.ports import free_port
from tests.support.processes import waitwell_server
from tests.support.waiting import wait_until

WAITING = re.compile(r"The database postgresql(?:\+psycopg)?://\S+ cannot be reached \(attempt (\d+): (.+)\); "
                     r"trying again in [\d.]+ s, for up to \d+ s more\.")


@pytest.mark.postgres
@pytest.mark.slow
def test_serve_waits_for_a_database_that_comes_up_later_then_serves(postgres_url: str, tmp_path: Path) -> None:
    with database_proxy(postgres_url) as proxy:
        proxy.cut()  # PostgreSQL still starting: every connection is closed as soon as it opens
        port = free_port()
        env = {name: "" for name in SETTINGS} | {"WAITWELL_INSTANCE": str(tmp_path / "instance"),
                                                 "DATABASE_URL": through(proxy, postgres_url)}
        server = waitwell_server(["serve", "--port", str(port), "--threads", "8"], port, tmp_path, env).launch()
        try:
            wait_until(lambda: len(WAITING.findall(server.output())) >= 2 or server.process.poll() is not None,
                       timeout=60, message="two attempts logged")
            attempts = WAITING.findall(server.output())
            assert [number for number, _ in attempts[:2]] == ["1", "2"], server.output()
            assert "server closed the connection unexpectedly" in attempts[0][1]
            proxy.restore()
            server.wait_until_serving(timeout=120)
            assert re.search(r"The database \S+ answered \(attempt \d+\)\.", server.output())
        finally:
            code = server.stop()
    assert code == 0, server.output()


def test_serve_gives_up_with_a_clear_message_when_the_database_never_comes(
    waitwell: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"postgresql://waitwell@127.0.0.1:{free_port()}/waitwell"  # nothing listens there
    monkeypatch.setenv("DATABASE_URL", url)
    code, output = waitwell("serve", "--port", str(free_port()), "--wait-for-database", "2")
    assert code == 1
    attempts = WAITING.findall(output)
    assert attempts and "Connection refused" in attempts[0][1], output
    assert (f"Error: the database {url} could not be reached within 2 s ({len(attempts) + 1} attempts; last: "
            "connection failed:") in output
    assert "Start it or check DATABASE_URL; --wait-for-database SECONDS waits longer" in output


@pytest.mark.postgres
def test_serve_does_not_wait_for_a_database_that_refuses_it_for_good(
    waitwell: Cli, monkeypatch: pytest.MonkeyPatch, postgres_server_url: str
) -> None:
    """A database that does not exist will not come by waiting: the server's own words at once, and what to do."""
    url = make_url(postgres_server_url).set(database="no_such_database").render_as_string(hide_password=False)
    monkeypatch.setenv("DATABASE_URL", url)
    code, output = waitwell("serve", "--port", str(free_port()))
    assert code == 1
    assert not WAITING.search(output)
    assert output.startswith(f"Error: cannot connect to the database {url}: connection failed: ")
    assert output.rstrip().endswith('FATAL:  database "no_such_database" does not exist. Waiting will not change '
                                    "this: check DATABASE_URL"), output

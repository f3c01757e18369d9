"""`waitwell serve`: refuses an outdated database, serves HTTP and Socket.IO with gunicorn, stops on SIGTERM."""

from __future__ import annotations

from pathlib import Path

import pytest
import requests
import socketio

from tests.cli.conftest import Cli, free_port, free_ports, start_server


def test_refuses_an_empty_database(waitwell: Cli) -> None:
    code, output = waitwell("serve", "--port", str(free_port()))
    assert code == 1
    assert "is at no migration (empty database)" in output
    assert "run `waitwell db upgrade` first" in output


def test_refuses_a_database_behind_the_newest_migration(waitwell: Cli) -> None:
    waitwell("db", "upgrade")
    waitwell("db", "downgrade", "0001", "--yes")
    code, output = waitwell("serve", "--port", str(free_port()))
    assert code == 1
    assert "is at 0001; the newest is" in output
    assert "run `waitwell db upgrade` first" in output


def test_several_processes_need_redis(waitwell: Cli) -> None:
    waitwell("db", "upgrade")
    code, output = waitwell("serve", "--workers", "3")
    assert code == 2
    assert "--workers 3 runs 3 processes" in output
    assert "set REDIS_URL" in output


@pytest.mark.slow
def test_serves_the_api_and_socketio_over_websocket_then_stops_on_sigterm(
    waitwell: Cli, instance: Path, tmp_path: Path
) -> None:
    waitwell("db", "upgrade")
    port = free_port()
    server = start_server(["serve", "--port", str(port), "--threads", "8"], port, tmp_path,
                          {"WAITWELL_PUBLIC_URL": "https://queue.example.gov"})
    try:
        server.wait_until_serving()
        assert requests.get(f"{server.base_url}/api/v1/offices", timeout=5).json() == []
        client = socketio.Client(reconnection=False)
        client.connect(server.base_url, transports=["websocket"], wait_timeout=10)
        assert client.transport() == "websocket"
        client.disconnect()
    finally:
        code = server.stop()
    assert code == 0, server.output()
    assert "Using worker: gthread" in server.output()


@pytest.mark.slow
@pytest.mark.redis
def test_workers_run_as_processes_on_consecutive_ports_and_stop_together(
    waitwell: Cli, instance: Path, tmp_path: Path, redis_url: str
) -> None:
    waitwell("db", "upgrade")
    port = free_ports(2)
    server = start_server(["serve", "--port", str(port), "--workers", "2", "--threads", "4"], port, tmp_path,
                          {"REDIS_URL": redis_url, "WAITWELL_PUBLIC_URL": "https://queue.example.gov"})
    try:
        server.wait_until_serving()
        server.wait_until_serving(port=port + 1)
        assert f"server 127.0.0.1:{port + 1};" in server.output()
    finally:
        code = server.stop()
    assert code == 0, server.output()
    for each in (port, port + 1):
        with pytest.raises(requests.ConnectionError):
            requests.get(f"http://127.0.0.1:{each}/api/v1/offices", timeout=2)

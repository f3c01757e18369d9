"""A big office's lobby screens and phones hold a connection each: `waitwell serve --gevent` still answers a
clerk when more than a thousand are open (gunicorn's default limit of 1,000 connections a worker left every
request unanswered once the screens had taken them)."""

from __future__ import annotations

import contextlib
import resource
import socket
import threading
from pathlib import Path

import pytest
import requests

from tests.cli.conftest import Cli
from tests.support.ports import free_port
from tests.support.processes import waitwell_server
from tests.support.waiting import DEADLINE_SECONDS

HELD = 1_100
UPGRADE = (b"GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
           b"Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
# Engine.IO's pong ("3") in a client's WebSocket text frame (masked, with a mask of zeros): what a screen's
# script answers the server's pings with. Sent often, so no held connection is dropped as silent.
PONG = b"\x81\x81\x00\x00\x00\x00" + b"3"
PONG_EVERY_SECONDS = 0.5  # well within the server's 3 s wait for one after a ping


def keep_answering(held: list[socket.socket], stop: threading.Event) -> None:
    while not stop.wait(PONG_EVERY_SECONDS):
        for connection in list(held):
            with contextlib.suppress(OSError):
                connection.sendall(PONG)


@pytest.mark.slow
def test_a_request_is_answered_while_more_than_a_thousand_connections_are_open(waitwell: Cli, tmp_path: Path) -> None:
    """Counted, not timed: the screens' connections stay open (they answer pings), so a server that could hold no
    more than a thousand of them would never answer, however long the clerk waited."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if min(soft, hard) < HELD + 200:
        pytest.skip(f"this machine allows {soft} open files per process; the test holds {HELD} connections")
    waitwell("db", "upgrade")
    port = free_port()
    server = waitwell_server(["serve", "--port", str(port), "--gevent"], port, tmp_path,
                             {"WAITWELL_PUBLIC_URL": "https://queue.example.gov"}).launch()
    held: list[socket.socket] = []
    stop = threading.Event()
    answering = threading.Thread(target=keep_answering, args=(held, stop), daemon=True)
    try:
        server.wait_until_serving()
        answering.start()
        for _ in range(HELD):  # lobby screens' WebSockets: each holds its connection for as long as it is open
            connection = socket.create_connection(("127.0.0.1", port), timeout=10)
            connection.sendall(UPGRADE)
            held.append(connection)
        # Behind all of them in the server's queue of connections to accept.
        answer = requests.get(f"{server.url}/api/v1/offices", timeout=DEADLINE_SECONDS)
        assert answer.status_code == 200
    finally:
        stop.set()
        if answering.is_alive():
            answering.join(10)
        for connection in held:
            with contextlib.suppress(OSError):
                connection.close()
        code = server.stop()
    assert code == 0, server.output()

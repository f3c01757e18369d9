"""The Flask app served on a loopback port by Werkzeug's threaded server, in a thread of the test's process:
for browsers, Socket.IO clients and print agents that need a real address (the `live` fixture)."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from typing import Any

from flask import Flask
from werkzeug.serving import ThreadedWSGIServer

from tests.support.ports import free_port
from tests.support.waiting import DEADLINE_SECONDS, wait_until


class _ClosingServer(ThreadedWSGIServer):
    """Werkzeug's threaded server, keeping its connections so closing it ends them. Its request threads
    are daemons nobody joins: a WebSocket or keep-alive one would outlive the test with its socket and
    a database connection, and be collected during a later test (a ResourceWarning there)."""

    def __init__(self, host: str, port: int, app: Flask) -> None:
        super().__init__(host, port, app)
        self._open: dict[socket.socket, threading.Thread | None] = {}
        self._open_lock = threading.Lock()

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._open_lock:  # here, in serve_forever's thread: every accepted socket is known once it stops
            self._open[request] = None
        super().process_request(request, client_address)

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        with self._open_lock:
            self._open[request] = threading.current_thread()
        try:
            super().process_request_thread(request, client_address)
        finally:
            with self._open_lock:
                self._open.pop(request, None)

    def end_connections(self, timeout: float) -> None:
        """Hang up on every client still connected and wait for their request threads to finish."""
        with self._open_lock:
            still_open = dict(self._open)
        for request in still_open:
            with contextlib.suppress(OSError):
                request.shutdown(socket.SHUT_RDWR)
        deadline = time.monotonic() + timeout
        for thread in still_open.values():
            if thread is not None:
                thread.join(max(0.0, deadline - time.monotonic()))
        wait_until(lambda: not self._open, timeout=max(0.1, deadline - time.monotonic()),
                   message=f"request threads to end: {list(self._open.values())}")


class LiveServer:
    """The Flask app served by Werkzeug's threaded server on a free port, in a thread of this process."""

    def __init__(self, app: Flask, port: int | None = None) -> None:
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._server = _ClosingServer("127.0.0.1", self.port, app)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> LiveServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        try:
            self._server.end_connections(timeout=DEADLINE_SECONDS)
        finally:
            self._server.server_close()

"""A network ESC/POS printer played by a real TCP server on 127.0.0.1: it keeps each job and answers status.

Reusable by other tests (kiosk, print worker): `with FakeNetworkPrinter() as printer: ... printer.wait_for_jobs(1)`.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from typing import Literal

Paper = Literal["ok", "near_end", "out"]
ONLINE, OFFLINE_BIT = 0x12, 0x08
PAPER_BYTES = {"ok": 0x12, "near_end": 0x1E, "out": 0x7E}


class FakeNetworkPrinter:
    """Accepts connections like a printer on port 9100; `answer_status=False` plays one that never answers."""

    def __init__(self, *, answer_status: bool = True, paper: Paper = "ok", cover_open: bool = False) -> None:
        self.answer_status, self.paper, self.cover_open = answer_status, paper, cover_open
        self.jobs: list[bytes] = []
        self.status_queries = 0
        self._server = socket.create_server(("127.0.0.1", 0))
        self._server.settimeout(0.1)
        self.host, self.port = self._server.getsockname()[:2]
        self._stop = threading.Event()
        self._changed = threading.Condition()
        self._threads: list[threading.Thread] = []

    def __enter__(self) -> FakeNetworkPrinter:
        self._spawn(self._accept_loop)
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=5)
        self._server.close()

    def wait_for_jobs(self, count: int, timeout: float = 5.0) -> list[bytes]:
        """The jobs once `count` connections have closed (raises if they have not within `timeout`)."""
        with self._changed:
            if not self._changed.wait_for(lambda: len(self.jobs) >= count, timeout):
                raise AssertionError(f"expected {count} print job(s), got {len(self.jobs)} within {timeout} s")
            return list(self.jobs)

    def _spawn(self, target, *args: object) -> None:  # type: ignore[no-untyped-def]
        thread = threading.Thread(target=target, args=args, daemon=True)
        self._threads.append(thread)
        thread.start()

    def _accept_loop(self) -> None:
        while not self._stop.is_set():
            try:
                connection, _address = self._server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self._spawn(self._serve, connection)

    def _serve(self, connection: socket.socket) -> None:
        received = bytearray()
        connection.settimeout(0.1)
        with connection:
            while not self._stop.is_set():
                try:
                    chunk = connection.recv(65536)
                except TimeoutError:
                    continue
                except OSError:
                    break
                if not chunk:
                    break
                received += chunk
                # A lone DLE EOT n is a real-time status query; printers answer it at once, even mid-job.
                if len(chunk) == 3 and chunk[:2] == b"\x10\x04":
                    self._answer(connection, chunk[2])
        with self._changed:
            self.jobs.append(bytes(received))
            self._changed.notify_all()

    def _answer(self, connection: socket.socket, query: int) -> None:
        with self._changed:
            self.status_queries += 1
        if not self.answer_status:
            return
        offline = self.paper == "out" or self.cover_open
        answers = {
            1: ONLINE | (OFFLINE_BIT if offline else 0),
            2: ONLINE | (0x04 if self.cover_open else 0) | (0x20 if self.paper == "out" else 0),
            4: PAPER_BYTES[self.paper],
        }
        with contextlib.suppress(OSError):
            connection.sendall(bytes([answers.get(query, ONLINE)]))


def closed_port() -> int:
    """A loopback port with nothing listening: connecting to it is refused at once."""
    with socket.create_server(("127.0.0.1", 0)) as probe:
        return probe.getsockname()[1]

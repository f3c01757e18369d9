"""A network ESC/POS printer played by a real TCP server on 127.0.0.1: it keeps each job and answers status.

Reusable by other tests (kiosk, print worker): `with FakeNetworkPrinter() as printer: ... printer.wait_for_jobs(1)`.
"""

from __future__ import annotations

import bisect
import contextlib
import re
import socket
import threading
import time
from typing import Literal

Paper = Literal["ok", "near_end", "out"]
ONLINE, OFFLINE_BIT = 0x12, 0x08
PAPER_BYTES = {"ok": 0x12, "near_end": 0x1E, "out": 0x7E}


class FakeNetworkPrinter:
    """Accepts connections like a printer on port 9100; `answer_status=False` plays one that never answers."""

    def __init__(self, *, answer_status: bool = True, paper: Paper = "ok", cover_open: bool = False,
                 paper_for: int | None = None, receive_buffer: int | None = None, chunk: int = 65536,
                 chunk_pause: float = 0.0, stop_reading_after: int | None = None,
                 answers_for: int | None = None) -> None:
        self.answer_status, self.paper, self.cover_open = answer_status, paper, cover_open
        self.paper_for = paper_for  # tickets it prints; the next one finds the paper gone (None: plenty)
        # A small printer: a tiny TCP receive buffer, read a chunk at a time with a pause between chunks (its
        # print head is slow), or a hung one that stops reading after some bytes (0: never reads at all).
        self.chunk, self.chunk_pause, self.stop_reading_after = chunk, chunk_pause, stop_reading_after
        self.received_bytes = 0
        self.answers_for = answers_for  # tickets it confirms; after the next one it falls silent (None: all)
        self.jobs: list[bytes] = []  # in the order they began to arrive, as a printer prints them
        self._began: list[float] = []
        self.tickets = 0
        self.connections = 0
        self.status_queries = 0
        self._server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        if receive_buffer is not None:  # set before listening, so accepted connections start with it
            self._server.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, receive_buffer)
        self._server.bind(("127.0.0.1", 0))
        self._server.listen()
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
        """The jobs once `count` have arrived (raises if they have not within `timeout`): each ticket is a job,
        and so is a connection that only asked for the status."""
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
            with self._changed:
                self.connections += 1
            self._spawn(self._serve, connection)

    def _serve(self, connection: socket.socket) -> None:
        """Keep each ticket as a job: a connection may carry several (a backlog), each after its status check.

        A job is placed by when it began to arrive, not when this thread got round to the connection's end:
        a sender's next connection may be read first, though its bytes were sent later."""
        received = bytearray()
        began = time.monotonic()
        kept_a_ticket = False
        connection.settimeout(0.1)
        with connection:
            while not self._stop.is_set():
                if self.stop_reading_after is not None and self.received_bytes >= self.stop_reading_after:
                    self._stop.wait(0.05)  # hung: the connection stays open, nothing more is read or answered
                    continue
                wanted = self.chunk
                if self.stop_reading_after is not None:
                    wanted = min(wanted, self.stop_reading_after - self.received_bytes)
                try:
                    chunk = connection.recv(wanted)
                except TimeoutError:
                    continue
                except OSError:
                    break
                if not chunk:
                    break
                with self._changed:
                    self.received_bytes += len(chunk)
                if self.chunk_pause:
                    time.sleep(self.chunk_pause)
                if not received:
                    began = time.monotonic()
                received += chunk
                # DLE EOT n is a real-time status query; printers answer it at once, even mid-job. The sender
                # waits for the answer, so a query is always the end of what has arrived.
                if chunk[-3:-1] == b"\x10\x04" and len(received) >= 3:
                    query, before = bytes(received[-3:]), bytes(received[:-3])
                    if _without_queries(before):  # the tickets before this query's ticket are complete
                        self._keep(before, began)
                        kept_a_ticket = True
                        received, began = bytearray(query), time.monotonic()
                    self._answer(connection, query[2])
        if _without_queries(bytes(received)) or not kept_a_ticket:  # not the confirmation after the last ticket
            self._keep(bytes(received), began)

    def _keep(self, job: bytes, began: float) -> None:
        with self._changed:
            at = bisect.bisect_right(self._began, began)
            self._began.insert(at, began)
            self.jobs.insert(at, job)
            self.tickets += bool(_without_queries(job))
            self._changed.notify_all()

    def _answer(self, connection: socket.socket, query: int) -> None:
        with self._changed:
            self.status_queries += 1
        if not self.answer_status or (self.answers_for is not None and self.tickets > self.answers_for):
            return
        paper = "out" if self.paper_for is not None and self.tickets > self.paper_for else self.paper
        offline = paper == "out" or self.cover_open
        answers = {
            1: ONLINE | (OFFLINE_BIT if offline else 0),
            2: ONLINE | (0x04 if self.cover_open else 0) | (0x20 if paper == "out" else 0),
            4: PAPER_BYTES[paper],
        }
        with contextlib.suppress(OSError):
            connection.sendall(bytes([answers.get(query, ONLINE)]))


def _without_queries(data: bytes) -> bytes:
    """The bytes of a job that are not status queries (DLE EOT n)."""
    return re.sub(rb"\x10\x04[\x01-\x04]", b"", data)


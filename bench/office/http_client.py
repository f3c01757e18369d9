"""bench/kiosk's keep-alive client, taught GET, a bearer token, a timeout and a reconnect after the server closed
an idle connection (gunicorn's keep-alive is 5 s; between rounds a client may sit idle longer)."""

from __future__ import annotations

import contextlib
import json
import socket
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from reuse import KeepAliveClient, percentile

TIMEOUT_SECONDS = 30.0
TIMED_OUT = 0  # the status recorded for a request that got no answer in time
CONNECTION_LOST = -1


class Client(KeepAliveClient):  # type: ignore[misc, valid-type]
    def __init__(self, port: int, token: str | None = None) -> None:
        self.auth = f"Authorization: Bearer {token}\r\n" if token else ""
        super().__init__(port)

    def _connect(self) -> None:
        super()._connect()
        self._socket.settimeout(TIMEOUT_SECONDS)
        self._socket.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def post(self, path: str, body: bytes | None = None, *, token: str | None = None) -> tuple[int, bytes]:
        return self.request("POST", path, body if body is not None else b"", token=token)

    def get(self, path: str) -> tuple[int, bytes]:
        return self.request("GET", path, None)

    def request(self, method: str, path: str, body: bytes | None, *, token: str | None = None) -> tuple[int, bytes]:
        """One request (with `token` instead of the client's own, if given); (TIMED_OUT, b"") or
        (CONNECTION_LOST, b"") instead of raising."""
        auth = f"Authorization: Bearer {token}\r\n" if token else self.auth
        head = f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{self.port}\r\n{auth}"
        if body is not None:
            head += f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
        data = (head + "\r\n").encode() + (body or b"")
        for attempt in (1, 2):
            try:
                self._socket.sendall(data)
                return self._answer()
            except TimeoutError:
                self._reconnect()
                return TIMED_OUT, b""
            except (ConnectionError, OSError):
                if attempt == 2 or self._buffer:
                    self._reconnect()
                    return CONNECTION_LOST, b""
                self._reconnect()  # an idle connection the server had closed: send again on a new one
        return CONNECTION_LOST, b""

    def _answer(self) -> tuple[int, bytes]:
        while b"\r\n\r\n" not in self._buffer:
            self._receive()
        head, _, rest = self._buffer.partition(b"\r\n\r\n")
        lowered = head.lower()
        if b"content-length:" in lowered:
            length = int(lowered.split(b"content-length:", 1)[1].split(b"\r\n", 1)[0])
            while len(rest) < length:
                rest += self._receive_more()
            answer, self._buffer = rest[:length], rest[length:]
        elif b"transfer-encoding: chunked" in lowered:
            answer, self._buffer = self._chunks(rest)
        else:
            answer, self._buffer = b"", rest
        if b"connection: close" in lowered:
            self._reconnect()
        return int(head[9:12]), answer

    def _chunks(self, rest: bytes) -> tuple[bytes, bytes]:
        body = b""
        while True:
            while b"\r\n" not in rest:
                rest += self._receive_more()
            size_line, _, rest = rest.partition(b"\r\n")
            size = int(size_line.split(b";")[0], 16)
            while len(rest) < size + 2:
                rest += self._receive_more()
            body, rest = body + rest[:size], rest[size + 2:]
            if size == 0:
                return body, rest

    def _reconnect(self) -> None:
        with contextlib.suppress(OSError):
            self.close()
        try:
            self._connect()
        except OSError:
            self._socket = socket.socket()  # the next request fails and tries again
            self._buffer = b""


@dataclass
class Timings:
    """Latencies (ms) and answers of one kind of request."""

    latencies: list[float] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)
    seconds: float = 0.0  # wall time the measure ran, for a rate
    server_cpu: float = 0.0  # CPU seconds the server's processes used meanwhile

    def add(self, started: float, status: int, *, timed: bool = True) -> None:
        """One answer; `timed=False` counts it without its latency (call-next's 404: nobody to call)."""
        if timed:
            self.latencies.append((time.perf_counter() - started) * 1000)
        self.statuses[status] += 1

    def extend(self, other: Timings) -> None:
        self.latencies += other.latencies
        self.statuses.update(other.statuses)
        self.seconds += other.seconds
        self.server_cpu += other.server_cpu

    @property
    def count(self) -> int:
        return len(self.latencies)

    @property
    def rate(self) -> float:
        return self.count / self.seconds if self.seconds else 0.0

    def p(self, share: float) -> float | None:
        return percentile(self.latencies, share) if self.latencies else None

    def errors(self, expected: tuple[int, ...] = (200, 201)) -> dict[int, int]:
        return {status: n for status, n in sorted(self.statuses.items()) if status not in expected}


def body_of(answer: bytes) -> dict[str, Any]:
    try:
        value = json.loads(answer)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}

"""Waking `waitwell print-worker` in another process as soon as a job is queued, on the same machine.

On its own the worker finds new jobs by looking five times a second, which put up to 0.2 s between a tap
and its paper (p99 240 ms, one tap at a time). A process that stores print jobs without printing them
sends the job's printer id in a datagram to a socket named after the database (the SQLite file, or the
PostgreSQL server and database; Linux's abstract socket namespace: no file to leave behind), and the
worker wakes that printer's lane. Nothing here is needed for correctness: without the socket (the worker
on another host, another operating system) the worker just looks.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import socket
import weakref
from typing import Self

from sqlalchemy.engine import make_url


def address_for(database_url: str) -> str | None:
    """The worker's wake-up address for this database: an abstract UNIX socket name, the same for every
    process on this machine that names the database alike (the password and driver aside); None for
    SQLite in memory, which no other process shares."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        if url.database in (None, "", ":memory:"):
            return None
        database = os.path.realpath(url.database)
    else:
        database = f"{url.get_backend_name()}://{url.username or ''}@{url.host or ''}:{url.port or ''}/{url.database}"
    digest = hashlib.sha256(database.encode()).hexdigest()[:32]
    return f"\0waitwell-print-worker-{digest}"


class _WakeupSocket:
    """Either end: opened for a database where it can be, closed with the process (or explicitly)."""

    _socket: socket.socket

    def __init__(self, address: str) -> None:  # each end binds or addresses its socket
        raise NotImplementedError

    @classmethod
    def open(cls, database_url: str) -> Self | None:
        """One for this database, or None where there can be none (the worker then finds jobs by looking)."""
        address = address_for(database_url)
        if address is None:
            return None
        try:
            return cls(address)
        except OSError:
            return None

    def close(self) -> None:
        self._socket.close()


class WakeupListener(_WakeupSocket):
    """The worker's end: `wait` returns the printers some process queued jobs for, as soon as there are any
    (an empty set after `timeout`)."""

    def __init__(self, address: str) -> None:
        self._socket = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        try:
            self._socket.bind(address)  # a second worker on the same database gets EADDRINUSE: it just looks
        except OSError:
            self._socket.close()
            raise

    def wait(self, timeout: float) -> set[int]:
        self._socket.settimeout(timeout)
        try:
            datagrams = [self._socket.recv(64)]
        except (TimeoutError, OSError):
            return set()
        with contextlib.suppress(OSError):  # and whatever came meanwhile (a burst of taps)
            self._socket.setblocking(False)
            while True:
                datagrams.append(self._socket.recv(64))
        return {int(datagram) for datagram in datagrams if datagram.isdigit()}


class WakeupSender(_WakeupSocket):
    """The storing process's end: one datagram per call, never blocking, silent when nobody listens."""

    def __init__(self, address: str) -> None:
        self._address = address
        self._socket = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self._socket.setblocking(False)
        weakref.finalize(self, self._socket.close)  # it lives as long as its app (many apps in tests)

    def send(self, printer_id: int) -> None:
        with contextlib.suppress(OSError):  # no worker listening, or its queue is full: it looks anyway
            self._socket.sendto(str(printer_id).encode(), self._address)

"""Run a printer operation in its own thread with a hard time limit, so a stuck device never stalls the caller."""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Callable
from typing import TypeVar

from escpos.escpos import Escpos

T = TypeVar("T")


class DeadlineExceeded(Exception):
    def __init__(self, seconds: float) -> None:
        super().__init__(f"did not finish within {seconds:g} s")
        self.seconds = seconds


def call_with_deadline(work: Callable[[], T], seconds: float, *, abort: Callable[[], None] | None = None) -> T:
    """The result of `work()`, or DeadlineExceeded after `seconds` (then `abort()` nudges the stuck thread)."""
    outcome: dict[str, object] = {}
    finished = threading.Event()

    def run() -> None:
        try:
            outcome["value"] = work()
        except BaseException as error:  # noqa: BLE001 - handed over to the calling thread and raised there
            outcome["error"] = error
        finally:
            finished.set()

    threading.Thread(target=run, name="waitwell-printer", daemon=True).start()
    if not finished.wait(seconds):
        if abort is not None:
            with contextlib.suppress(OSError):
                abort()
        raise DeadlineExceeded(seconds)
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]
    return outcome["value"]  # type: ignore[return-value]


def connection_of(printer: Escpos) -> object:
    """The open socket, serial port or USB device behind a python-escpos printer (None before it connects)."""
    return printer.__dict__.get("_device") or None


def interrupt(printer: Escpos) -> None:
    """Make a thread blocked on this printer's socket or serial port give up (used when a deadline passes)."""
    device = connection_of(printer)
    if isinstance(device, socket.socket):
        device.shutdown(socket.SHUT_RDWR)
    for method in ("cancel_read", "cancel_write"):  # pyserial on POSIX
        if callable(getattr(device, method, None)):
            getattr(device, method)()

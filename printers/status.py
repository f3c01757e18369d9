"""Ask a printer how it is (online, paper near end, paper out) with a hard time limit; silence is "unknown"."""

from __future__ import annotations

import array
import contextlib
import os
import socket
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

try:
    import fcntl
    import termios
except ImportError:  # Windows: a print agent there confirms by the printer's answer only
    fcntl = termios = None  # type: ignore[assignment]

from escpos.constants import RT_STATUS, RT_STATUS_ONLINE, RT_STATUS_PAPER
from escpos.escpos import Escpos

from waitwell.printers.connections import PrinterSettings, open_printer
from waitwell.printers.deadline import DeadlineExceeded, call_with_deadline, connection_of, interrupt
from waitwell.printers.errors import PrinterError
from waitwell.printers.failures import failure_reason

StatusState = Literal["online", "paper_near_end", "paper_out", "offline", "unknown"]
RT_STATUS_OFFLINE_CAUSE = RT_STATUS + b"\x02"
# Bits of the DLE EOT answers (Epson ESC/POS reference): a valid answer has bits 1 and 4 set, 0 and 7 clear.
FIXED_BITS_MASK, FIXED_BITS = 0x93, 0x12
OFFLINE_BIT = 0x08
PAPER_NEAR_END_BITS = 0x0C
PAPER_OUT_BITS = 0x60
OFFLINE_CAUSES = ((0x04, "cover open"), (0x08, "paper feed button held"), (0x20, "stopped at paper end"),
                  (0x40, "printer error"))


@dataclass(frozen=True)
class PrinterStatus:
    """What the printer said about itself; `detail` is a sentence for the admin page or the kiosk."""

    state: StatusState
    detail: str

    @property
    def can_print(self) -> bool:
        return self.state in ("online", "paper_near_end")


def poll_status(settings: PrinterSettings, timeout: float | None = None) -> PrinterStatus:
    """Connect, ask, disconnect: never raises, never takes much longer than `timeout` (default: the settings')."""
    seconds = timeout if timeout is not None else settings.timeout
    if settings.kind == "preview":
        return PrinterStatus("online", "preview printer: tickets are drawn as images, nothing is printed")
    if settings.kind == "file":
        return _device_file_status(settings)
    try:
        printer = open_printer(settings)
    except PrinterError as error:
        return PrinterStatus("offline", error.message)

    def ask() -> PrinterStatus:
        try:
            try:
                printer.open()
            except Exception as error:  # noqa: BLE001 - any failure to connect means the printer is offline to us
                return PrinterStatus("offline", failure_reason(settings, error))
            return read_status(printer, settings, seconds)
        finally:
            with contextlib.suppress(Exception):
                close_printer(printer)

    try:
        return call_with_deadline(ask, seconds + 0.5, abort=lambda: interrupt(printer))
    except DeadlineExceeded:
        return PrinterStatus("unknown", f"{settings.describe()} did not answer within {seconds:g} s")
    except Exception as error:  # noqa: BLE001 - a status poll reports, it does not fail
        return PrinterStatus("unknown", failure_reason(settings, error))


def read_status(printer: Escpos, settings: PrinterSettings, seconds: float) -> PrinterStatus:
    """Status over an open connection (also used just before printing)."""
    where = settings.describe()
    if settings.kind == "cups":
        # python-escpos reads the CUPS queue state instead of asking the printer; no query bytes are queued.
        if printer._read() == b"0":
            return PrinterStatus("online", f"CUPS accepts jobs for {where}; it does not report paper")
        return PrinterStatus("offline", f"CUPS reports {where} as stopped or busy")
    online = _ask(printer, RT_STATUS_ONLINE, seconds)
    if online is None:
        return PrinterStatus("unknown", f"{where} did not answer the status query within {seconds:g} s")
    if not _valid(online):
        return PrinterStatus("unknown", f"{where} answered the status query with an unexpected byte 0x{online:02x}")
    paper = _ask(printer, RT_STATUS_PAPER, seconds)
    paper = paper if paper is not None and _valid(paper) else None
    if paper is not None and paper & PAPER_OUT_BITS:
        return PrinterStatus("paper_out", f"{where} is out of paper")
    if online & OFFLINE_BIT:
        cause = _ask(printer, RT_STATUS_OFFLINE_CAUSE, seconds)
        reasons = [words for bit, words in OFFLINE_CAUSES if cause is not None and _valid(cause) and cause & bit]
        because = f" ({', '.join(reasons)})" if reasons else ""
        return PrinterStatus("offline", f"{where} reports it is offline{because}")
    if paper is not None and paper & PAPER_NEAR_END_BITS:
        return PrinterStatus("paper_near_end", f"{where} is running out of paper")
    if paper is None:
        return PrinterStatus("online", f"{where} is online; it did not report its paper sensor")
    return PrinterStatus("online", f"{where} is online")


def close_printer(printer: Escpos) -> None:
    """Close after reading any late answer, so the socket ends with FIN, not a reset that can drop the ticket."""
    device = connection_of(printer)
    if device is not None and hasattr(device, "recv"):
        with contextlib.suppress(OSError):
            device.setblocking(False)
            while device.recv(4096):
                pass
    printer.close()


def wait_until_taken(printer: Escpos, settings: PrinterSettings, poll_seconds: float = 0.005) -> None:
    """Return once the printer took every byte sent so far, for printers that cannot answer a status request:
    a network printer's TCP stack acknowledged them all (Linux tells how many are still unacknowledged), a
    serial line sent them. Raises TimeoutError after the settings' timeout. Elsewhere, a completed write is all."""
    device = connection_of(printer)
    if isinstance(device, socket.socket) and termios is not None and hasattr(termios, "TIOCOUTQ"):
        deadline = time.monotonic() + settings.timeout
        while _unacknowledged_bytes(device):
            if time.monotonic() >= deadline:
                raise TimeoutError(f"{settings.describe()} did not take the ticket within {settings.timeout:g} s")
            time.sleep(poll_seconds)
    elif device is not None and hasattr(device, "in_waiting") and callable(getattr(device, "flush", None)):
        device.flush()  # pyserial: returns once the line has sent everything


def _unacknowledged_bytes(connection: socket.socket) -> int:
    count = array.array("i", [0])
    fcntl.ioctl(connection.fileno(), termios.TIOCOUTQ, count)  # SIOCOUTQ: sent but not yet acknowledged
    return count[0]


def _ask(printer: Escpos, query: bytes, seconds: float) -> int | None:
    """The first byte of the answer, or None when the printer says nothing in time or cannot answer at all."""
    with _read_timeout(printer, seconds):
        try:
            device = connection_of(printer)
            if hasattr(device, "in_waiting"):
                # python-escpos reads 16 bytes from a serial port, which waits out the whole timeout for a
                # one-byte answer; read just the one byte instead.
                printer._raw(query)
                answer = device.read(1)  # type: ignore[attr-defined]
            else:
                answer = printer.query_status(query)
        except (TimeoutError, NotImplementedError):
            return None
        except Exception as error:
            if type(error).__name__ == "USBTimeoutError":
                return None
            raise
    return answer[0] if len(answer) else None


@contextlib.contextmanager
def _read_timeout(printer: Escpos, seconds: float) -> Iterator[None]:
    """Wait at most `seconds` for an answer on a socket or serial port, then restore the connection's timeout."""
    device = connection_of(printer)
    if device is not None and hasattr(device, "settimeout"):
        previous = device.gettimeout()
        device.settimeout(seconds)
        try:
            yield
        finally:
            device.settimeout(previous)
    elif device is not None and hasattr(device, "in_waiting"):
        previous = device.timeout
        device.timeout = seconds
        try:
            yield
        finally:
            device.timeout = previous
    else:
        yield


def _valid(answer: int) -> bool:
    return answer & FIXED_BITS_MASK == FIXED_BITS


def _device_file_status(settings: PrinterSettings) -> PrinterStatus:
    path = settings.device_path
    if not os.path.exists(path):
        return PrinterStatus("offline", f"{settings.describe()} is not connected ({path} does not exist)")
    if not os.access(path, os.W_OK):
        return PrinterStatus("offline", f"no permission to write to {path} (add the service's user to the lp group)")
    return PrinterStatus("unknown", f"{path} is there, but a device file does not report the printer's status")

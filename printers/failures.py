"""Turn what went wrong with a printer connection into one sentence an office worker can act on."""

from __future__ import annotations

import errno
import socket

from escpos.exceptions import DeviceNotFoundError

from waitwell.printers.connections import PrinterSettings
from waitwell.printers.deadline import DeadlineExceeded
from waitwell.printers.errors import PrinterError


def failure_reason(settings: PrinterSettings, error: BaseException) -> str:
    """A plain-words reason, e.g. "printer at 10.0.0.5:9100 refused the connection"."""
    where = settings.describe()
    if isinstance(error, PrinterError):
        return error.message
    if isinstance(error, DeadlineExceeded):
        return f"{where} did not finish within {error.seconds:g} s"
    cause = root_cause(error)
    name = type(cause).__name__
    if isinstance(cause, ConnectionRefusedError):
        return f"{where} refused the connection"
    if isinstance(cause, TimeoutError) or name == "USBTimeoutError":
        return f"{where} did not answer within {settings.timeout:g} s"
    if isinstance(cause, socket.gaierror):
        return f"the printer's host name {settings.host!r} could not be found"
    if isinstance(cause, BrokenPipeError | ConnectionResetError | ConnectionAbortedError):
        return f"{where} closed the connection while printing"
    if name == "NoBackendError":
        return "USB printing needs libusb (Debian: apt-get install libusb-1.0-0)"
    if isinstance(cause, PermissionError) or getattr(cause, "errno", None) == errno.EACCES:
        return f"no permission to use {where}: {_permission_hint(settings)}"
    if isinstance(cause, FileNotFoundError) or getattr(cause, "errno", None) in (errno.ENOENT, errno.ENODEV):
        return f"{where} is not connected (is it plugged in and switched on?)"
    if getattr(cause, "errno", None) in (errno.EHOSTUNREACH, errno.ENETUNREACH, errno.EHOSTDOWN):
        return f"{where} is unreachable (no route to it on the network)"
    if isinstance(cause, AssertionError | DeviceNotFoundError) and settings.kind == "usb":
        return f"{where} was not found (is it plugged in and switched on?)"
    if isinstance(cause, DeviceNotFoundError):
        return f"{where} could not be opened: {cause.msg.splitlines()[-1].strip() or cause.msg}"
    if isinstance(cause, OSError):
        return f"{where} failed: {cause.strerror or cause}"
    return f"{where} failed: {name}: {cause}"


def root_cause(error: BaseException) -> BaseException:
    """The original error, through python-escpos' wrapping (it raises DeviceNotFoundError from the OSError)."""
    seen: set[int] = set()
    while id(error) not in seen:
        seen.add(id(error))
        inner = error.__cause__ or error.__context__
        if inner is None or isinstance(error, DeadlineExceeded):
            break
        error = inner
    return error


def _permission_hint(settings: PrinterSettings) -> str:
    if settings.kind == "usb":
        return "install the udev rule from docs/printers.md and replug the printer"
    if settings.kind == "serial":
        return "add the service's user to the dialout group"
    return "add the service's user to the lp group (see docs/printers.md)"

"""Printer settings as configured per printer, and the python-escpos connection object they name."""

from __future__ import annotations

import os
import socket
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any, Literal

from escpos.escpos import Escpos
from escpos.exceptions import DeviceNotFoundError
from escpos.printer import CupsPrinter, Dummy, File, Network, Serial, Usb

from waitwell.printers.allowlist import PrinterAllowlist, PrinterNotAllowed
from waitwell.printers.errors import InvalidPrinterSettings, PrinterDependencyMissing
from waitwell.printers.geometry import DEFAULT_PROFILES, PAPER_WIDTHS, load_profile

ConnectionKind = Literal["network", "usb", "serial", "cups", "file", "preview"]
CONNECTION_KINDS: tuple[str, ...] = ("network", "usb", "serial", "cups", "file", "preview")
BAUDRATES = (1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200)
MAX_TIMEOUT_SECONDS = 120.0


@dataclass(frozen=True)
class PrinterSettings:
    """How to reach one printer and what it is; `from_mapping` reads the JSON form kept in configuration.
    With an `allowlist` (a server's), the paths and addresses it names must be allowed (see allowlist.py)."""

    kind: ConnectionKind
    host: str = ""
    port: int = 9100
    vendor_id: int | None = None
    product_id: int | None = None
    usb_in_endpoint: int = 0x82
    usb_out_endpoint: int = 0x01
    serial_device: str = ""
    baudrate: int = 9600
    cups_printer: str = ""
    device_path: str = ""
    profile: str = ""
    paper_mm: int = 80
    timeout: float = 5.0
    check_status_before_print: bool = True
    cutter: bool | None = None  # None: as the profile says; True/False when the printer differs from its profile
    allowlist: PrinterAllowlist | None = field(default=None, repr=False)  # not a setting: the server's limits

    def __post_init__(self) -> None:
        problems = self.problems()
        if problems:
            raise InvalidPrinterSettings("printer settings: " + "; ".join(problems))

    def problems(self) -> list[str]:
        """Everything wrong with these settings, in words an admin can fix."""
        problems: list[str] = []
        if self.kind not in CONNECTION_KINDS:
            return [f"kind must be one of {', '.join(CONNECTION_KINDS)}, not {self.kind!r}"]
        if self.kind == "network":
            if not self.host.strip():
                problems.append("a network printer needs a host (its IP address or name)")
            if not 1 <= self.port <= 65535:
                problems.append(f"port must be between 1 and 65535, not {self.port}")
        if self.kind == "usb":
            for label, value in (("vendor id", self.vendor_id), ("product id", self.product_id)):
                if value is None or not 0 <= value <= 0xFFFF:
                    problems.append(f"a USB printer needs its {label} (4 hex digits, see `lsusb`), got {value!r}")
        if self.kind == "serial":
            if not self.serial_device.strip():
                problems.append("a serial printer needs its device (e.g. /dev/ttyUSB0 or COM3)")
            if self.baudrate not in BAUDRATES:
                problems.append(f"baud rate must be one of {', '.join(map(str, BAUDRATES))}, not {self.baudrate}")
        if self.kind == "file" and not self.device_path.strip():
            problems.append("a device-file printer needs its path (e.g. /dev/usb/lp0)")
        problems += self._allowlist_problems()
        if self.paper_mm not in PAPER_WIDTHS:
            problems.append(f"paper width must be 58 or 80 mm, not {self.paper_mm}")
        if not 0 < self.timeout <= MAX_TIMEOUT_SECONDS:
            problems.append(f"timeout must be more than 0 and at most {MAX_TIMEOUT_SECONDS:g} s, not {self.timeout}")
        if self.paper_mm in PAPER_WIDTHS:
            try:
                load_profile(self.profile, self.paper_mm)
            except InvalidPrinterSettings as error:
                problems.append(error.message)
        return problems

    def _allowlist_problems(self) -> list[str]:
        """The server's limits: only its device patterns, its networks (an address here, a host name when
        connecting) and its preview folder."""
        allowlist = self.allowlist
        if allowlist is None:
            return []
        problem: str | None = None
        if self.kind == "network" and self.host.strip():
            problem = allowlist.host_problem(self.host)
        elif self.kind == "serial" and self.serial_device.strip():
            problem = allowlist.device_problem(self.serial_device)
        elif self.kind == "file" and self.device_path.strip():
            problem = allowlist.device_problem(self.device_path)
        elif self.kind == "preview" and self.device_path.strip():
            problem = allowlist.preview_problem(self.device_path)
        return [problem] if problem else []

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any], *, allowlist: PrinterAllowlist | None = None) -> PrinterSettings:
        """Settings from configuration: USB ids may be written as hex strings ("0x04b8" or "04b8"). The
        allowlist is the server's to give, never a setting."""
        known = {each.name for each in fields(cls)} - {"allowlist"}
        unknown = sorted(set(values) - known)
        if unknown:
            raise InvalidPrinterSettings(f"printer settings: unknown field(s) {', '.join(unknown)}")
        cleaned = dict(values)
        for name in ("vendor_id", "product_id", "usb_in_endpoint", "usb_out_endpoint"):
            if isinstance(cleaned.get(name), str):
                try:
                    cleaned[name] = int(cleaned[name], 16)
                except ValueError:
                    raise InvalidPrinterSettings(f"printer settings: {name} {cleaned[name]!r} is not hex") from None
        for name, kind in (("port", int), ("baudrate", int), ("paper_mm", int), ("timeout", float)):
            if isinstance(cleaned.get(name), str):
                try:
                    cleaned[name] = kind(cleaned[name])
                except ValueError:
                    message = f"printer settings: {name} {cleaned[name]!r} is not a number"
                    raise InvalidPrinterSettings(message) from None
        if "kind" not in cleaned:
            raise InvalidPrinterSettings("printer settings: kind is missing")
        return cls(**cleaned, allowlist=allowlist)

    def describe(self) -> str:
        """The printer in words, for messages: "printer at 10.0.0.5:9100"."""
        match self.kind:
            case "network":
                return f"printer at {self.host}:{self.port}"
            case "usb":
                return f"USB printer {self.vendor_id or 0:04x}:{self.product_id or 0:04x}"
            case "serial":
                return f"serial printer on {self.serial_device}"
            case "cups":
                return f"CUPS printer {self.cups_printer!r}" if self.cups_printer else "the default CUPS printer"
            case "file":
                return f"printer device {self.device_path}"
        return "preview printer"


def open_printer(settings: PrinterSettings) -> Escpos:
    """The python-escpos object for these settings; it connects on first use (or on `.open()`). Under an
    allowlist, a device is opened by its real path once that is still allowed, and a host only at an allowed
    address (PrinterNotAllowed otherwise)."""
    profile = settings.profile or DEFAULT_PROFILES[settings.paper_mm]
    match settings.kind:
        case "network":
            return NetworkPrinter(settings.host, port=settings.port, timeout=settings.timeout, profile=profile,
                                  allowlist=settings.allowlist)
        case "usb":
            _require(Usb, "pyusb", "usb")
            return Usb(
                settings.vendor_id, settings.product_id, timeout=int(settings.timeout * 1000),
                in_ep=settings.usb_in_endpoint, out_ep=settings.usb_out_endpoint, profile=profile,
            )
        case "serial":
            _require(Serial, "pyserial", "serial")
            return Serial(_device(settings, settings.serial_device), baudrate=settings.baudrate,
                          timeout=settings.timeout, profile=profile)
        case "cups":
            _require(CupsPrinter, "pycups", "cups", system="Debian: apt-get install libcups2-dev before pip")
            return CupsPrinter(settings.cups_printer, profile=profile)
        case "file":
            return File(_device(settings, settings.device_path), profile=profile)
    return Dummy(profile=profile)


def _device(settings: PrinterSettings, path: str) -> str:
    """The device to open: as configured, or under an allowlist its real path, checked again now."""
    if settings.allowlist is None:
        return path
    problem = settings.allowlist.device_problem(path)
    if problem:
        raise PrinterNotAllowed(problem)
    return os.path.realpath(path)


class NetworkPrinter(Network):
    """python-escpos' Network printer, but a failed connection closes its socket instead of leaving it to the GC,
    small writes (status queries) are not held back, and under an allowlist it connects only to allowed
    addresses of its host."""

    def __init__(self, host: str, *, allowlist: PrinterAllowlist | None = None, **kwargs: Any) -> None:
        super().__init__(host, **kwargs)
        self.allowlist = allowlist

    def open(self, raise_not_found: bool = True) -> None:
        if self._device:
            self.close()
        try:
            if self.allowlist is not None:
                self.device = self.allowlist.connect(self.host, self.port, self.timeout)
            else:
                self.device = socket.create_connection((self.host, self.port), timeout=self.timeout)
            # A status query after a ticket's bytes on the same connection must leave at once: with Nagle's
            # algorithm it waited for the ticket's acknowledgement, which a receiver may delay by 40 ms.
            self.device.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except OSError as error:
            self.device = None
            if raise_not_found:
                raise DeviceNotFoundError(f"Could not open socket for {self.host}:\n{error}") from error


def _require(printer_class: type[Escpos], package: str, extra: str, system: str = "") -> None:
    if not printer_class.is_usable():
        hint = f" ({system})" if system else ""
        raise PrinterDependencyMissing(
            f"this printer connection needs the {package} package: pip install 'waitwell[{extra}]'{hint}"
        )

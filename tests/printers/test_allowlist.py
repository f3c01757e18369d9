"""A server's printer allowlist: device files and serial ports by pattern (after following links), networks by
address range (a host name resolved when connecting), preview pictures in one folder. Real files, links and
sockets; python-escpos' own printer classes."""

from __future__ import annotations

import ipaddress
import os
from pathlib import Path

import pytest

from tests.printers.conftest import make_ticket
from tests.printers.fake_printer import FakeNetworkPrinter
from waitwell.printers.allowlist import DEFAULT_NETWORKS, PrinterAllowlist
from waitwell.printers.connections import PrinterSettings
from waitwell.printers.errors import InvalidPrinterSettings, PrintFailed
from waitwell.printers.send import print_ticket
from waitwell.printers.status import poll_status


@pytest.fixture
def devices(tmp_path: Path) -> Path:
    """A folder standing for /dev/usb: the allowlist's one pattern is `<folder>/lp*`."""
    folder = tmp_path / "usb"
    folder.mkdir()
    (folder / "lp0").touch()
    return folder


def allowlist(devices: Path, **overrides: object) -> PrinterAllowlist:
    return PrinterAllowlist(**{"device_patterns": (f"{devices}/lp*",), "preview_folder": devices.parent,
                               **overrides})  # type: ignore[arg-type]


def test_the_defaults_are_usb_and_serial_devices_and_private_networks() -> None:
    defaults = PrinterAllowlist()
    assert defaults.device_patterns == ("/dev/usb/lp*", "/dev/ttyUSB*", "/dev/ttyS*")
    assert [str(network) for network in DEFAULT_NETWORKS] == [
        "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "127.0.0.0/8", "::1/128", "fc00::/7"]
    assert defaults.allowed_device("/dev/usb/lp0") and defaults.allowed_device("/dev/ttyUSB1")
    assert not defaults.allowed_device("/dev/usb/lp0/../../../etc/shadow")
    assert not defaults.allowed_device("/dev/ttyS0/x") and not defaults.allowed_device("dev/usb/lp0")
    for address in ("10.1.2.3", "172.31.0.9", "192.168.1.50", "127.0.0.1", "::1", "fd00::5", "::ffff:10.0.0.7"):
        assert defaults.allowed_address(ipaddress.ip_address(address)), address
    for address in ("8.8.8.8", "169.254.169.254", "172.32.0.1", "0.0.0.0", "2001:db8::1", "::ffff:8.8.8.8"):
        assert not defaults.allowed_address(ipaddress.ip_address(address)), address


@pytest.mark.parametrize("settings", [
    {"kind": "file", "device_path": "/etc/passwd"},
    {"kind": "file", "device_path": "/dev/usb/lp0/../../../etc/passwd"},
    {"kind": "serial", "serial_device": "/etc/shadow"},
    {"kind": "network", "host": "8.8.8.8"},
    {"kind": "network", "host": "169.254.169.254", "port": 80},
    {"kind": "preview", "device_path": "/etc/cron.d/waitwell.png"},
])
def test_a_server_refuses_paths_and_addresses_outside_its_allowlist(settings: dict[str, object]) -> None:
    with pytest.raises(InvalidPrinterSettings, match=r"not an allowed printer device|outside the allowed printer "
                                                     r"networks|keeps no picture"):
        PrinterSettings.from_mapping(settings, allowlist=PrinterAllowlist())
    PrinterSettings.from_mapping(settings)  # a print agent's or the command line's printer: its own machine's


def test_a_device_file_printer_prints_to_an_allowed_device(devices: Path) -> None:
    settings = PrinterSettings.from_mapping({"kind": "file", "device_path": str(devices / "lp0")},
                                            allowlist=allowlist(devices))
    print_ticket(settings, make_ticket())
    assert (devices / "lp0").read_bytes().startswith(b"\x1b@")


def test_a_link_to_a_file_outside_the_patterns_is_refused_when_saved_and_when_printing(devices: Path,
                                                                                      tmp_path: Path) -> None:
    precious = tmp_path / "precious.conf"
    precious.write_text("keep me")
    (devices / "lp1").symlink_to(precious)
    with pytest.raises(InvalidPrinterSettings, match="lp1 is not an allowed printer device"):
        PrinterSettings.from_mapping({"kind": "file", "device_path": str(devices / "lp1")},
                                     allowlist=allowlist(devices))
    (devices / "lp2").symlink_to(devices / "lp0")  # allowed when saved ...
    settings = PrinterSettings.from_mapping({"kind": "file", "device_path": str(devices / "lp2")},
                                            allowlist=allowlist(devices))
    (devices / "lp2").unlink()
    (devices / "lp2").symlink_to(precious)  # ... and pointed elsewhere since
    with pytest.raises(PrintFailed, match="lp2 is not an allowed printer device"):
        print_ticket(settings, make_ticket())
    assert precious.read_text() == "keep me"


def test_a_host_name_is_resolved_and_checked_when_connecting(devices: Path) -> None:
    """`localhost` is 127.0.0.1: allowed by the defaults, not by a server that allows only 10.0.0.0/8."""
    with FakeNetworkPrinter() as printer:
        settings = {"kind": "network", "host": "localhost", "port": printer.port, "timeout": 2.0}
        print_ticket(PrinterSettings.from_mapping(settings, allowlist=PrinterAllowlist()), make_ticket())
        assert printer.wait_for_jobs(1)
        only_ten = PrinterAllowlist(networks=(ipaddress.ip_network("10.0.0.0/8"),))
        refused = PrinterSettings.from_mapping(settings, allowlist=only_ten)  # a name: checked when connecting
        with pytest.raises(PrintFailed, match=r"localhost \(127\.0\.0\.1\) is outside the allowed printer networks"):
            print_ticket(refused, make_ticket())
        status = poll_status(refused)
        assert status.state == "offline" and "outside the allowed printer networks" in status.detail
        assert printer.connections == 1, "the refused printer was never connected to"


def test_an_address_outside_the_networks_is_refused_when_saved() -> None:
    only_ten = PrinterAllowlist(networks=(ipaddress.ip_network("10.0.0.0/8"),))
    with pytest.raises(InvalidPrinterSettings, match=r"127\.0\.0\.1 is outside the allowed printer networks "
                                                     r"\(10\.0\.0\.0/8\)"):
        PrinterSettings.from_mapping({"kind": "network", "host": "127.0.0.1"}, allowlist=only_ten)


def test_a_serial_printer_must_be_an_allowed_device(devices: Path) -> None:
    pytest.importorskip("serial", reason="pyserial is an optional dependency (waitwell[serial])")
    controller, terminal = os.openpty()
    try:
        with pytest.raises(InvalidPrinterSettings, match="is not an allowed printer device"):
            PrinterSettings.from_mapping({"kind": "serial", "serial_device": os.ttyname(terminal)},
                                         allowlist=allowlist(devices))
        (devices / "lp-serial").symlink_to(os.ttyname(terminal))  # a link to it is not the device either
        with pytest.raises(InvalidPrinterSettings, match="is not an allowed printer device"):
            PrinterSettings.from_mapping({"kind": "serial", "serial_device": str(devices / "lp-serial")},
                                         allowlist=allowlist(devices))
        allowed = allowlist(devices, device_patterns=(os.ttyname(terminal),))
        PrinterSettings.from_mapping({"kind": "serial", "serial_device": os.ttyname(terminal)}, allowlist=allowed)
    finally:
        os.close(terminal)
        os.close(controller)


def test_a_preview_picture_goes_only_into_the_preview_folder(devices: Path, tmp_path: Path) -> None:
    folder = devices.parent
    settings = PrinterSettings.from_mapping({"kind": "preview", "device_path": "last-ticket.png"},
                                            allowlist=allowlist(devices))
    print_ticket(settings, make_ticket())
    assert (folder / "last-ticket.png").read_bytes().startswith(b"\x89PNG")
    for path in ("waitwell.db", "secret_key", "../elsewhere.png", str(tmp_path.parent / "x.png"), "usb/x.png"):
        with pytest.raises(InvalidPrinterSettings, match="directly in the server's instance folder"):
            PrinterSettings.from_mapping({"kind": "preview", "device_path": path}, allowlist=allowlist(devices))
    with pytest.raises(InvalidPrinterSettings, match="keeps no picture on this server"):
        PrinterSettings.from_mapping({"kind": "preview", "device_path": "last-ticket.png"},
                                     allowlist=PrinterAllowlist())
    PrinterSettings.from_mapping({"kind": "preview"}, allowlist=PrinterAllowlist())  # no picture: always fine


def test_the_allowlist_is_never_a_setting() -> None:
    with pytest.raises(InvalidPrinterSettings, match="unknown field"):
        PrinterSettings.from_mapping({"kind": "file", "device_path": "/etc/passwd", "allowlist": None},
                                     allowlist=PrinterAllowlist())

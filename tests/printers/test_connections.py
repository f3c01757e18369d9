"""Printer settings: validation in plain words, and the python-escpos connection each kind opens."""

from __future__ import annotations

import os
import re
import threading

import pytest
from escpos.printer import CupsPrinter, Dummy, File, Network, Serial, Usb

from tests.printers.conftest import STATUS_URL, make_ticket
from tests.printers.profiles import read_ticket
from tests.support.waiting import wait_until
from waitwell.printers.connections import PrinterSettings, open_printer
from waitwell.printers.errors import InvalidPrinterSettings, PrinterDependencyMissing, PrintFailed
from waitwell.printers.send import print_ticket
from waitwell.printers.status import poll_status

CUT = b"\x1dV"  # GS V, the last command of a ticket


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"kind": "network"}, "a network printer needs a host"),
        ({"kind": "network", "host": "10.0.0.5", "port": 70000}, "port must be between 1 and 65535"),
        ({"kind": "usb", "vendor_id": 0x04B8}, "needs its product id"),
        ({"kind": "serial", "serial_device": "/dev/ttyS0", "baudrate": 1234}, "baud rate must be one of"),
        ({"kind": "file"}, "needs its path"),
        ({"kind": "network", "host": "p", "paper_mm": 76}, "paper width must be 58 or 80 mm"),
        ({"kind": "network", "host": "p", "profile": "TM-X999"}, "unknown printer profile 'TM-X999'"),
        ({"kind": "network", "host": "p", "timeout": 0}, "timeout must be more than 0"),
        ({"kind": "bluetooth"}, "kind must be one of network, usb, serial, cups, file, preview"),
    ],
)
def test_settings_that_cannot_work_are_refused_with_the_reason(values, message) -> None:
    with pytest.raises(InvalidPrinterSettings, match=message):
        PrinterSettings(**values)


def test_settings_from_configuration_accept_hex_usb_ids_and_list_every_problem() -> None:
    settings = PrinterSettings.from_mapping({"kind": "usb", "vendor_id": "0x04b8", "product_id": "0202"})
    assert (settings.vendor_id, settings.product_id) == (0x04B8, 0x0202)
    assert settings.describe() == "USB printer 04b8:0202"

    with pytest.raises(InvalidPrinterSettings) as error:
        PrinterSettings.from_mapping({"kind": "network", "port": "0", "timeout": "-1"})
    assert "needs a host" in error.value.message and "port must be" in error.value.message
    assert "timeout must be" in error.value.message

    with pytest.raises(InvalidPrinterSettings, match="unknown field"):
        PrinterSettings.from_mapping({"kind": "network", "host": "p", "ip": "10.0.0.5"})


def test_each_kind_opens_python_escpos_own_class(tmp_path) -> None:
    assert isinstance(open_printer(PrinterSettings(kind="network", host="10.0.0.5")), Network)
    assert isinstance(open_printer(PrinterSettings(kind="file", device_path=str(tmp_path / "lp0"))), File)
    assert isinstance(open_printer(PrinterSettings(kind="preview")), Dummy)
    if Serial.is_usable():
        assert isinstance(open_printer(PrinterSettings(kind="serial", serial_device="/dev/ttyS0")), Serial)
    if Usb.is_usable():
        assert isinstance(open_printer(PrinterSettings(kind="usb", vendor_id=0x04B8, product_id=0x0202)), Usb)


@pytest.mark.skipif(CupsPrinter.is_usable(), reason="pycups is installed here")
def test_cups_without_pycups_says_what_to_install() -> None:
    settings = PrinterSettings(kind="cups", cups_printer="kiosk-1")
    with pytest.raises(PrinterDependencyMissing, match=r"needs the pycups package: pip install 'waitwell\[cups\]'"):
        open_printer(settings)
    with pytest.raises(PrintFailed, match="needs the pycups package"):
        print_ticket(settings, make_ticket())


def test_a_usb_printer_that_is_not_there_fails_in_plain_words() -> None:
    settings = PrinterSettings(kind="usb", vendor_id=0x04B8, product_id=0x0E28, timeout=1.0)
    with pytest.raises(PrintFailed) as failure:
        print_ticket(settings, make_ticket())
    assert failure.value.reason in (
        "this printer connection needs the pyusb package: pip install 'waitwell[usb]'",
        "USB printer 04b8:0e28 was not found (is it plugged in and switched on?)",
        "USB printing needs libusb (Debian: apt-get install libusb-1.0-0)",
    )


def test_a_device_file_printer_receives_the_ticket(tmp_path) -> None:
    device = tmp_path / "lp0"
    device.touch()
    settings = PrinterSettings(kind="file", device_path=str(device), paper_mm=58)
    print_ticket(settings, make_ticket())
    printout = read_ticket(device.read_bytes(), "POS-5890")
    assert printout.reads("A007") and len(printout.images) == 1
    assert poll_status(settings).state == "unknown"  # a device file cannot say whether the printer has paper


def test_an_unplugged_device_file_printer_fails_in_plain_words(tmp_path) -> None:
    settings = PrinterSettings(kind="file", device_path=str(tmp_path / "usb" / "lp0"))
    with pytest.raises(PrintFailed, match=r"printer device .*lp0 is not connected \(is it plugged in"):
        print_ticket(settings, make_ticket())
    assert poll_status(settings).state == "offline"


def test_a_serial_printer_on_a_pseudo_terminal_receives_the_ticket_and_answers_status() -> None:
    pytest.importorskip("serial", reason="pyserial is an optional dependency (waitwell[serial])")
    controller, device = os.openpty()
    received = bytearray()

    def play_printer() -> None:
        while True:
            try:
                chunk = os.read(controller, 65536)
            except OSError:
                return
            if not chunk:
                return
            received.extend(chunk)
            for _query in re.finditer(rb"\x10\x04[\x01-\x04]", chunk):
                os.write(controller, b"\x12")  # online, paper present

    player = threading.Thread(target=play_printer, daemon=True)
    player.start()
    try:
        settings = PrinterSettings(kind="serial", serial_device=os.ttyname(device), baudrate=115200, timeout=2.0)
        assert poll_status(settings).state == "online"
        print_ticket(settings, make_ticket())
        # Closing the terminal ends the player's reading, whatever it has not read yet (on a busy machine, the
        # whole ticket): a real printer keeps what it was sent, so wait for the cut to arrive before closing.
        wait_until(lambda: CUT in received, message="the cut to reach the printer")
    finally:
        os.close(device)
        os.close(controller)
        player.join(timeout=2)
    printout = read_ticket(bytes(received), "TM-T88V")
    assert printout.reads("A007")
    assert [code.payload for code in printout.qr_codes] == [STATUS_URL]


def test_a_preview_printer_prints_nothing_but_can_keep_the_last_ticket_as_png(tmp_path) -> None:
    target = tmp_path / "last-ticket.png"
    print_ticket(PrinterSettings(kind="preview"), make_ticket())
    print_ticket(PrinterSettings(kind="preview", device_path=str(target), paper_mm=58), make_ticket())
    assert target.read_bytes().startswith(b"\x89PNG")
    assert poll_status(PrinterSettings(kind="preview")).state == "online"

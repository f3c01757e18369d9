"""The print area follows the paper loaded: python-escpos' own Network printer writes to a TCP printer we open."""

from __future__ import annotations

import pytest
from escpos.printer import Network

from tests.printers.conftest import STATUS_URL, make_ticket
from tests.printers.escpos_reader import PrintArea
from tests.printers.profiles import read_ticket
from waitwell.printers.render import render_ticket

JOB_DEADLINE = 30.0  # seconds; generous on a busy machine, a job normally arrives within milliseconds


def printed_over_the_network(fake_printer, paper_mm: int, qr: str) -> bytes:  # type: ignore[no-untyped-def]
    printer = Network("127.0.0.1", port=fake_printer.port, timeout=JOB_DEADLINE, profile="TM-T88V")
    printer.open()
    try:
        render_ticket(printer, make_ticket(), paper_mm=paper_mm, qr=qr)  # type: ignore[arg-type]
    finally:
        printer.close()
    [job] = fake_printer.wait_for_jobs(1, timeout=JOB_DEADLINE)
    return job


@pytest.mark.parametrize(
    ("paper_mm", "area_dots"),
    [
        (58, 344),  # 48 mm of print at 180 dpi, in whole bytes: the width the images are drawn for
        (80, 512),  # the TM-T88V's own line
    ],
)
def test_text_and_qr_centre_on_the_paper_loaded_in_an_80mm_printer(paper_mm, area_dots, fake_printer) -> None:
    printout = read_ticket(printed_over_the_network(fake_printer, paper_mm, qr="image"), "TM-T88V")

    assert printout.print_area == PrintArea(left=0, width=area_dots)
    assert all(line.style.align == "center" for line in printout.lines)  # centred in that area
    [qr] = printout.images
    box = qr.content_box()
    assert qr.width == area_dots and box is not None  # drawn as wide as the area, so centred in it too
    assert abs(box[0] - (qr.width - box[2])) <= 8
    assert printout.reads("A007") and printout.reads("Estimated wait: 10–20 min")


def test_a_native_qr_on_58mm_paper_centres_in_the_narrow_area(fake_printer) -> None:
    printout = read_ticket(printed_over_the_network(fake_printer, 58, qr="native"), "TM-T88V")

    assert printout.print_area == PrintArea(left=0, width=344)
    assert [(code.payload, code.align) for code in printout.qr_codes] == [(STATUS_URL, "center")]


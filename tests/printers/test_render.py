"""The rendered ticket, read back from its ESC/POS bytes as a visitor would read the paper."""

from __future__ import annotations

import pytest

from tests.printers.conftest import STATUS_URL, make_ticket
from tests.printers.escpos_reader import Feed, PrintedImage
from tests.printers.profiles import decoded_qr_texts, qr_image_matches_matrix, read_ticket
from waitwell.printers.geometry import load_profile, paper_geometry
from waitwell.printers.layout import display_width
from waitwell.printers.send import render_ticket_bytes
from waitwell.printers.ticket import TicketLabels

# paper width, printer profile, QR mode asked for, QR expected, whether the profile has a cutter
CASES = [
    pytest.param(80, "TM-T88V", "auto", "native", True, id="80mm-epson-native"),
    pytest.param(80, "TM-T88V", "image", "image", True, id="80mm-epson-image"),
    pytest.param(58, "POS-5890", "auto", "image", False, id="58mm-384dots-image"),
    pytest.param(58, "Sunmi-V2", "native", "native", False, id="58mm-384dots-native"),
    pytest.param(58, "RP-F10-58mm", "auto", "native", True, id="58mm-cutter-native"),
]


@pytest.mark.parametrize(("paper_mm", "profile", "qr", "expected_qr", "cutter"), CASES)
def test_visitor_reads_number_details_and_scans_status_url(paper_mm, profile, qr, expected_qr, cutter) -> None:
    printout = read_ticket(render_ticket_bytes(make_ticket(), paper_mm=paper_mm, qr=qr, profile=profile), profile)

    number = printout.line_with("A007")
    assert number.text == "A007"
    assert number.style.width >= 4 and number.style.height >= 4 and number.style.bold
    assert number.style.align == "center"
    for expected in ("Springfield DMV", "Driver license renewal", "Tue 10 Mar 2026 10:04", "People ahead: 3",
                     "Estimated wait: 10–20 min", "Scan to follow your place in line"):
        assert printout.reads(expected)
    assert all(line.style.align == "center" for line in printout.lines)
    qr_position = next(i for i, item in enumerate(printout.items) if item in printout.qr_codes + printout.images)
    footer_position = printout.items.index(printout.line_with("Scan to follow"))
    assert printout.items.index(printout.line_with("Estimated wait")) < qr_position < footer_position

    if expected_qr == "native":
        assert [(code.payload, code.align) for code in printout.qr_codes] == [(STATUS_URL, "center")]
        assert printout.images == []
    else:
        assert printout.qr_codes == []
        [qr_image] = printout.images
        assert qr_image.width == paper_geometry(load_profile(profile), paper_mm).dots
        assert qr_image_matches_matrix(qr_image.image, STATUS_URL) >= 3
        decoded = decoded_qr_texts(qr_image.image)
        assert decoded is None or decoded == [STATUS_URL]

    assert len(printout.cuts) == (1 if cutter else 0)
    assert isinstance(printout.items[-1 if not cutter else -2], Feed)  # fed past the tear bar (and the cutter)


@pytest.mark.parametrize(("paper_mm", "profile"), [(80, "TM-T88V"), (58, "POS-5890")])
def test_every_line_fits_the_paper(paper_mm, profile) -> None:
    ticket = make_ticket(
        office_name="Department of Motor Vehicles – Springfield Downtown Service Center",
        service_name="Commercial driver license renewal and medical certificate",
        number="CDL-1024",
    )
    printout = read_ticket(render_ticket_bytes(ticket, paper_mm=paper_mm, profile=profile), profile)
    columns = paper_geometry(load_profile(profile), paper_mm).columns

    for line in printout.lines:
        assert display_width(line.text) * line.style.width <= columns, line.text
    assert printout.line_with("CDL-1024").style.width >= 3
    assert " ".join(line.text for line in printout.lines).count("Springfield Downtown Service") == 1


def test_cut_can_be_forced_for_a_printer_whose_profile_has_no_cutter() -> None:
    printout = read_ticket(render_ticket_bytes(make_ticket(), paper_mm=58, profile="POS-5890", cut=True), "POS-5890")
    assert len(printout.cuts) == 1


def test_labels_follow_the_ticket_language_and_can_be_overridden() -> None:
    spanish = read_ticket(render_ticket_bytes(make_ticket(language="es")), "TM-T88V")
    assert spanish.line_with("Personas delante: 3")
    assert spanish.line_with("Espera estimada: 10–20 min")

    labels = TicketLabels.for_language("es", {"people_ahead": "Antes que usted"})
    custom = read_ticket(render_ticket_bytes(make_ticket(labels=labels)), "TM-T88V")
    assert custom.line_with("Antes que usted: 3")
    assert custom.line_with("Espera estimada: 10–20 min")


def test_an_empty_estimate_prints_no_wait_line() -> None:
    printout = read_ticket(render_ticket_bytes(make_ticket(estimated_wait="")), "TM-T88V")
    assert not [text for text in printout.texts if "Estimated wait" in text]


def test_logo_prints_first_and_a_missing_logo_does_not_stop_the_ticket(tmp_path, caplog) -> None:
    from PIL import Image, ImageDraw

    logo_path = tmp_path / "logo.png"
    logo = Image.new("RGBA", (800, 300), (255, 255, 255, 0))
    ImageDraw.Draw(logo).ellipse((50, 20, 750, 280), fill=(20, 60, 160, 255))
    logo.save(logo_path)

    printout = read_ticket(render_ticket_bytes(make_ticket(logo_path=logo_path)), "TM-T88V")
    assert isinstance(printout.items[0], PrintedImage)
    box = printout.items[0].content_box()
    assert box is not None and box[2] - box[0] <= 0.6 * 512 + 1 and printout.items[0].height <= 160

    without = read_ticket(render_ticket_bytes(make_ticket(logo_path=tmp_path / "missing.png")), "TM-T88V")
    assert without.lines[0].text == "Springfield DMV"
    assert "missing.png" in caplog.text


def test_rendering_prints_nothing_on_stdout(capsys) -> None:
    render_ticket_bytes(make_ticket(), paper_mm=58, profile="POS-5890")
    render_ticket_bytes(make_ticket(), paper_mm=80, profile="TM-T88V", qr="image")
    assert capsys.readouterr().out == ""


def test_a_printer_whose_profile_has_no_paper_width_still_gets_a_centred_ticket(capsys) -> None:
    from escpos.printer import Dummy

    from waitwell.printers.render import render_ticket

    printer = Dummy()  # python-escpos' default profile: no width, so it would not centre images by itself
    render_ticket(printer, make_ticket(), paper_mm=58, qr="image")
    printout = read_ticket(printer.output, "default")
    [qr_image] = printout.images
    box = qr_image.content_box()
    assert qr_image.width == 384 and box is not None
    assert abs(box[0] - (qr_image.width - box[2])) <= 8  # as much white on the left as on the right
    assert capsys.readouterr().out == ""

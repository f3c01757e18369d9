"""Text goes out only in code pages an Epson-compatible printer reads as meant: read back with Epson's own table
of `ESC t` numbers (not the profile's), nothing prints as "?" or as a replacement character."""

from __future__ import annotations

import pytest

from tests.conftest import unavailable
from tests.printers.conftest import make_ticket
from tests.printers.escpos_reader import Printout, read_escpos
from waitwell.printers.fonts import has_glyph, pick_face
from waitwell.printers.send import render_ticket_bytes

DEFAULT_PROFILES = [pytest.param(58, None, id="58mm-default-POS-5890"),
                    pytest.param(80, None, id="80mm-default-TM-T88V")]
CURLY = "Oficina ‘La Plaza’ de “Tráfico”"


def read_on_an_epson(data: bytes) -> Printout:
    """What an Epson-class printer prints: its standard code page numbers (the reader's default table)."""
    return read_escpos(data)


def assert_nothing_replaced(printout: Printout) -> None:
    for text in printout.texts:
        assert "\ufffd" not in text and "?" not in text, text


@pytest.mark.parametrize(("paper_mm", "profile"), DEFAULT_PROFILES)
def test_wait_range_accents_and_curly_quotes_read_as_written(paper_mm, profile) -> None:
    ticket = make_ticket(office_name=CURLY, service_name="Renovación de licencia", estimated_wait="10–20 min")
    printout = read_on_an_epson(render_ticket_bytes(ticket, paper_mm=paper_mm, profile=profile))

    assert printout.reads("Estimated wait: 10–20 min")
    assert printout.reads("Renovación de licencia")
    assert printout.reads(CURLY)
    assert_nothing_replaced(printout)
    assert [image for image in printout.images if image.height < 100] == []  # printed as text, not drawn


@pytest.mark.parametrize(("paper_mm", "profile"), DEFAULT_PROFILES)
def test_a_chinese_service_name_is_drawn_and_sends_no_bytes_a_code_page_would_garble(paper_mm, profile) -> None:
    chinese = "护照续签"
    if not all(has_glyph(pick_face(chinese), char) for char in chinese):
        unavailable("A Chinese font", "none is installed (Debian: fonts-wqy-microhei or fonts-noto-cjk)")
    data = render_ticket_bytes(make_ticket(service_name=chinese), paper_mm=paper_mm, profile=profile)
    printout = read_on_an_epson(data)

    assert chinese.encode("gb18030") not in data
    assert_nothing_replaced(printout)
    line_images = [image for image in printout.images if image.height < 100]
    assert len(line_images) == 1
    box = line_images[0].content_box()
    assert box is not None and box[2] - box[0] > 60  # four characters wide, not an empty strip
    assert printout.reads("Estimated wait: 10–20 min")


def test_punctuation_no_shared_code_page_has_prints_as_its_ascii_look_alike() -> None:
    # A Star printer's profile numbers its tables the Star way: only CP437 sits where an Epson has it, and
    # CP437 has the accents of "Renovación" but no dash or curly quote.
    ticket = make_ticket(office_name=CURLY.replace("Tráfico", "Trafico"), service_name="Renovación…",
                         estimated_wait="10–20 min")
    printout = read_on_an_epson(render_ticket_bytes(ticket, paper_mm=80, profile="TSP600"))

    assert printout.reads("Estimated wait: 10-20 min")
    assert printout.reads("Oficina 'La Plaza' de \"Trafico\"")
    assert printout.reads("Renovación...")
    assert_nothing_replaced(printout)
    assert [image for image in printout.images if image.height < 100] == []

"""Accented text prints through the printer's code pages; scripts no code page has print as images."""

from __future__ import annotations

import pytest

from tests.conftest import unavailable
from tests.printers.conftest import make_ticket
from tests.printers.profiles import read_ticket
from waitwell.printers.fonts import has_glyph, pick_face
from waitwell.printers.render import prints_as_text
from waitwell.printers.send import render_ticket_bytes


@pytest.mark.parametrize(("paper_mm", "profile"), [(80, "TM-T88V"), (58, "POS-5890")])
def test_spanish_accents_print_as_text_through_a_code_page(paper_mm, profile) -> None:
    ticket = make_ticket(
        office_name="Oficina de Tráfico de Málaga",
        service_name="Renovación de licencia",
        footer_line="Título: escanee para seguir su turno",
        language="es",
    )
    printout = read_ticket(render_ticket_bytes(ticket, paper_mm=paper_mm, profile=profile), profile)

    assert printout.reads("Renovación de licencia")
    assert printout.reads("Oficina de Tráfico de Málaga")
    assert printout.reads("Título: escanee para seguir su turno")
    assert printout.reads("Personas delante: 3")
    assert [image for image in printout.images if image.height < 100] == []  # only the QR, no text as image


def test_decomposed_accents_are_composed_before_printing() -> None:
    decomposed = "Renovacio\u0301n"  # "o" followed by a combining acute accent, as some keyboards send it
    printout = read_ticket(render_ticket_bytes(make_ticket(service_name=decomposed)), "TM-T88V")
    assert printout.reads("Renovación")


def test_a_chinese_line_is_printed_as_an_image_not_as_bytes_the_printer_would_garble() -> None:
    chinese = "请到三号窗口办理"
    if not all(has_glyph(pick_face(chinese), char) for char in chinese):
        unavailable("A Chinese font", "none is installed (Debian: fonts-wqy-microhei or fonts-noto-cjk)")
    data = render_ticket_bytes(make_ticket(service_name=chinese), paper_mm=80, profile="TM-T88V")
    printout = read_ticket(data, "TM-T88V")

    assert chinese.encode("gb18030") not in data
    assert not any("请" in text for text in printout.texts)
    [line_image] = printout.images  # the QR is native on this printer; the only image is the Chinese line
    box = line_image.content_box()
    assert box is not None
    assert 20 <= box[3] - box[1] <= 40  # about one text line high
    assert box[2] - box[0] > 100  # eight characters wide, not an empty strip
    service_index = printout.items.index(line_image)
    assert printout.items[service_index - 1].text == "Springfield DMV"  # in the service name's place


def test_an_arabic_line_is_an_image_because_code_pages_cannot_join_or_reverse_it() -> None:
    arabic = "تجديد رخصة القيادة"
    assert not prints_as_text(_profile("TM-T88V"), arabic)
    printout = read_ticket(render_ticket_bytes(make_ticket(service_name=arabic)), "TM-T88V")
    assert len(printout.images) == 1
    assert printout.reads("Springfield DMV")


@pytest.mark.parametrize("text", ["Привет", "Καλημέρα", "Überweisung", "Łódź"])
def test_other_european_scripts_use_code_pages(text) -> None:
    assert prints_as_text(_profile("TM-T88V"), text)
    printout = read_ticket(render_ticket_bytes(make_ticket(service_name=text)), "TM-T88V")
    assert printout.reads(text)


def _profile(name: str):  # type: ignore[no-untyped-def]
    from waitwell.printers.geometry import load_profile

    return load_profile(name)


def test_a_line_reads_right_whichever_code_page_the_line_before_it_left_selected() -> None:
    # Rendered lines are reused from ticket to ticket; the same line can follow Greek on one ticket
    # and plain ASCII on the next, so what is reused must depend on the code page selected before it.
    first = make_ticket(office_name="Υπηρεσία Αδειών", service_name="Renovación de licencia")
    second = make_ticket(office_name="Springfield DMV", service_name="Renovación de licencia")
    third = make_ticket(office_name="Oficina de Tráfico", service_name="Καλημέρα")
    for ticket in (first, second, third, first, second):
        printout = read_ticket(render_ticket_bytes(ticket), "TM-T88V")
        assert printout.reads(ticket.office_name)
        assert printout.reads(ticket.service_name)

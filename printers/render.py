"""Write the ticket layout to any python-escpos printer: text in code pages, images for what they lack."""

from __future__ import annotations

import logging
import unicodedata
from functools import lru_cache
from typing import Literal

from escpos.capabilities import BaseProfile
from escpos.constants import GS, PAPER_FULL_CUT, QR_ECLEVEL_M
from escpos.escpos import Escpos
from escpos.printer import Dummy
from PIL import Image

from waitwell.printers.codepages import encoder_for, text_for_code_pages
from waitwell.printers.geometry import PaperGeometry, fit_profile_to_paper, paper_geometry
from waitwell.printers.layout import Block, Cut, Feed, Logo, QrCode, TextLine, ticket_layout
from waitwell.printers.qr import qr_image
from waitwell.printers.textimage import text_image
from waitwell.printers.ticket import TicketPrint

log = logging.getLogger(__name__)

QrMode = Literal["auto", "native", "image"]
QR_MODES: tuple[str, ...] = ("auto", "native", "image")
LOGO_MAX_HEIGHT_DOTS = 160
LOGO_SHARE_OF_WIDTH = 0.6
TEAR_OFF_FEED_LINES = 6


def render_ticket(
    printer: Escpos, ticket: TicketPrint, *, paper_mm: int = 80, qr: QrMode = "auto", cut: bool | None = None
) -> None:
    """Write one ticket to the printer; `cut=None` cuts when the printer's profile has a cutter."""
    if qr not in QR_MODES:
        raise ValueError(f"qr must be one of {', '.join(QR_MODES)}, not {qr!r}")
    profile = printer.profile
    geometry = paper_geometry(profile, paper_mm)
    fit_profile_to_paper(profile, geometry)
    native_qr = qr == "native" or (qr == "auto" and bool(profile.supports("qrCode")))
    cutter = has_cutter(profile) if cut is None else cut
    printer.hw("INIT")
    printer._raw(print_area(geometry))
    printer.magic.encoding = None  # ESC @ resets the printer's code page: select it again before any text
    printer.magic.encoder = encoder_for(profile)  # its character maps, built once rather than on every ticket
    for block in ticket_layout(ticket, geometry):
        _write_block(printer, block, max_width=geometry.dots, native_qr=native_qr, cutter=cutter)


def has_cutter(profile: BaseProfile) -> bool:
    return bool(profile.supports("paperFullCut") or profile.supports("paperPartCut"))


def print_area(geometry: PaperGeometry) -> bytes:
    """`GS L` (left margin) and `GS W` (print area width), in dots: text centres on the paper loaded, as images
    do. Without them an 80 mm printer holding 58 mm paper centres text on its 80 mm line and the images,
    drawn for the narrower paper, 12 mm to the left of it. The area starts at the left end of the print head
    (margin 0, as in Epson's own 58 mm setting), where the 58 mm paper guide holds the paper; `ESC @` resets
    both, so they are sent after it on every ticket."""
    return GS + b"L" + (0).to_bytes(2, "little") + GS + b"W" + geometry.dots.to_bytes(2, "little")


def prints_as_text(profile: BaseProfile, text: str) -> bool:
    """Whether the printer's code pages can print this line (else it is printed as an image)."""
    return text_for_code_pages(profile, text) is not None


def _write_block(printer: Escpos, block: Block, *, max_width: int, native_qr: bool, cutter: bool) -> None:
    match block:
        case TextLine():
            _write_text(printer, block, max_width)
        case Logo(path=path):
            _write_logo(printer, path, max_width)
        case QrCode(url=url, module_dots=module_dots):
            if native_qr:
                printer.set(align="center")  # native QR codes follow the text alignment; they cannot centre themselves
                printer.qr(url, ec=QR_ECLEVEL_M, size=module_dots, native=True)
                printer.ln()
            else:
                _write_image(printer, qr_image(url, module_dots))
        case Feed(lines=lines):
            printer.ln(lines)
        case Cut():
            printer.print_and_feed(TEAR_OFF_FEED_LINES)
            if cutter:
                printer._raw(PAPER_FULL_CUT)


def _write_text(printer: Escpos, line: TextLine, max_width: int) -> None:
    text = unicodedata.normalize("NFC", line.text)
    printed = text_for_code_pages(printer.profile, text)
    if printed is not None:
        data, printer.magic.encoding = _text_line(type(printer.profile), printer.magic.encoding,
                                                  TextLine(printed, line.width, line.height, line.bold))
        printer._raw(data)
        return
    image = text_image(text, max_width=max_width, width=line.width, height=line.height, bold=line.bold)
    _write_image(printer, image)


def _write_logo(printer: Escpos, path: str, max_width: int) -> None:
    try:
        with Image.open(path) as source:
            logo = source.convert("RGBA")
    except OSError as error:
        # A missing logo must not cost the visitor their ticket: print without it and tell the admin.
        log.warning("ticket logo %s could not be read (%s); printing without it", path, error)
        return
    logo.thumbnail((int(max_width * LOGO_SHARE_OF_WIDTH), LOGO_MAX_HEIGHT_DOTS), Image.Resampling.LANCZOS)
    _write_image(printer, logo)


def _write_image(printer: Escpos, image: Image.Image) -> None:
    printer.set(align="left")  # the image is padded to the full width to centre it
    printer.image(image, center=True, impl=_image_command(printer.profile))


def _image_command(profile: BaseProfile) -> str:
    for impl in ("bitImageRaster", "graphics", "bitImageColumn"):
        if profile.supports(impl):
            return impl
    return "bitImageRaster"


@lru_cache(maxsize=4096)
def _text_line(profile_class: type[BaseProfile], encoding: str | None, line: TextLine) -> tuple[bytes, str | None]:
    """A line's bytes, written after `encoding` was the selected code page, and the code page selected after
    it. Most lines come back on every ticket (office, service, labels, footer), and python-escpos encodes
    text a character at a time: that was half of the print worker's work."""
    scratch = Dummy()
    scratch.profile = profile_class()
    scratch.magic.encoder = encoder_for(scratch.profile)
    scratch.magic.encoding = encoding
    scratch.set(align="center", bold=line.bold, custom_size=True, width=line.width, height=line.height,
                smooth=line.height >= 3)
    scratch.textln(line.text)
    return scratch.output, scratch.magic.encoding

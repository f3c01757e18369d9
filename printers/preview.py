"""Draw the ticket layout as the printer would, at printer resolution, for the admin page (PNG bytes)."""

from __future__ import annotations

import io
import logging

from escpos.capabilities import BaseProfile
from PIL import Image, ImageDraw

from waitwell.printers.codepages import text_for_code_pages
from waitwell.printers.geometry import FONT_A_DOTS, PaperGeometry, load_profile, paper_geometry
from waitwell.printers.layout import Cut, Feed, Logo, QrCode, TextLine, ticket_layout
from waitwell.printers.qr import qr_image
from waitwell.printers.render import (
    LOGO_MAX_HEIGHT_DOTS,
    LOGO_SHARE_OF_WIDTH,
    TEAR_OFF_FEED_LINES,
    has_cutter,
)
from waitwell.printers.textimage import text_image
from waitwell.printers.ticket import TicketPrint

log = logging.getLogger(__name__)

PAPER_EDGE = 200  # light grey outline, so the white paper shows on a white admin page
CUT_MARK = 120
MAX_HEIGHT_DOTS = 6000


def render_preview(
    ticket: TicketPrint, *, paper_mm: int = 80, profile: str | None = None, cut: bool | None = None
) -> Image.Image:
    """The printed ticket as a greyscale image, one pixel per printer dot, paper margins included."""
    printer_profile = load_profile(profile, paper_mm)
    geometry = paper_geometry(printer_profile, paper_mm)
    canvas = Image.new("L", (geometry.paper_dots, MAX_HEIGHT_DOTS), 255)
    painter = _Painter(canvas, geometry, printer_profile)
    cutter = has_cutter(printer_profile) if cut is None else cut
    for block in ticket_layout(ticket, geometry):
        match block:
            case TextLine():
                painter.text(block)
            case Logo(path=path):
                painter.logo(path)
            case QrCode(url=url, module_dots=module_dots):
                painter.image(qr_image(url, module_dots))
            case Feed(lines=lines):
                painter.feed(lines)
            case Cut():
                painter.feed(TEAR_OFF_FEED_LINES)
                painter.cut_mark(dashed=not cutter)
    return painter.finish()


def render_preview_png(
    ticket: TicketPrint, *, paper_mm: int = 80, profile: str | None = None, cut: bool | None = None
) -> bytes:
    """The preview as PNG bytes, tagged with the printer's resolution so it prints at real size."""
    image = render_preview(ticket, paper_mm=paper_mm, profile=profile, cut=cut)
    dpi = paper_geometry(load_profile(profile, paper_mm), paper_mm).dpi
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True, dpi=(dpi, dpi))
    return buffer.getvalue()


class _Painter:
    """Moves down the paper like the print head: each line advances by the printer's line spacing."""

    def __init__(self, canvas: Image.Image, geometry: PaperGeometry, profile: BaseProfile) -> None:
        self.canvas, self.geometry, self.profile = canvas, geometry, profile
        self.line_spacing = max(FONT_A_DOTS[1], round(geometry.dpi / 6))  # ESC 2: 1/6 inch
        self.margin = (geometry.paper_dots - geometry.dots) // 2
        self.y = self.line_spacing // 2

    def text(self, line: TextLine) -> None:
        printed = text_for_code_pages(self.profile, line.text)  # with the ASCII look-alikes the printer gets
        as_text = printed is not None
        image = text_image(
            printed if printed is not None else line.text, max_width=self.geometry.dots, width=line.width,
            height=line.height, bold=line.bold, mono=as_text,
        )
        top = self.y + max(0, self.line_spacing - FONT_A_DOTS[1]) if as_text else self.y
        self._paste(image, top)
        self.y = max(self.y + self.line_spacing, top + image.height) if as_text else self.y + image.height

    def image(self, image: Image.Image) -> None:
        self._paste(image, self.y)
        self.y += image.height

    def logo(self, path: str) -> None:
        try:
            with Image.open(path) as source:
                logo = source.convert("RGBA")
        except OSError as error:
            log.warning("ticket logo %s could not be read (%s); preview without it", path, error)
            return
        logo.thumbnail((int(self.geometry.dots * LOGO_SHARE_OF_WIDTH), LOGO_MAX_HEIGHT_DOTS), Image.Resampling.LANCZOS)
        flat = Image.new("RGB", logo.size, (255, 255, 255))
        flat.paste(logo, mask=logo.split()[3])
        self.image(flat.convert("L").convert("1"))  # dithered, as python-escpos sends it

    def feed(self, lines: int) -> None:
        self.y += lines * self.line_spacing

    def cut_mark(self, *, dashed: bool) -> None:
        draw = ImageDraw.Draw(self.canvas)
        step = 12 if dashed else self.canvas.width
        for x in range(0, self.canvas.width, step):
            draw.line([(x, self.y), (x + step // 2 if dashed else self.canvas.width, self.y)], fill=CUT_MARK, width=2)
        self.y += 2

    def _paste(self, image: Image.Image, top: int) -> None:
        left = self.margin + max(0, (self.geometry.dots - image.width) // 2)
        self.canvas.paste(image.convert("L"), (left, top))

    def finish(self) -> Image.Image:
        page = self.canvas.crop((0, 0, self.canvas.width, min(self.y + 1, self.canvas.height)))
        ImageDraw.Draw(page).rectangle([(0, 0), (page.width - 1, page.height - 1)], outline=PAPER_EDGE)
        return page

"""The one ticket layout, as a list of blocks that the ESC/POS renderer and the PNG preview both draw."""

from __future__ import annotations

import re
import textwrap
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from waitwell.printers.geometry import PaperGeometry
from waitwell.printers.qr import qr_module_dots
from waitwell.printers.ticket import TicketPrint

MAX_NUMBER_MAGNIFICATION = 8  # the printer's largest: 8 x 24 dots, 24-27 mm tall, readable across a waiting room
NUMBER_SIDE_COLUMNS = 2  # keep a character of white on each side of the number
RULE_CHAR = "─"  # in code page 437, so every ESC/POS printer draws it as a line


@dataclass(frozen=True)
class TextLine:
    """One centred line; width and height are ESC/POS character magnifications (1-8)."""

    text: str
    width: int = 1
    height: int = 1
    bold: bool = False


@dataclass(frozen=True)
class Logo:
    path: str


@dataclass(frozen=True)
class QrCode:
    url: str
    module_dots: int


@dataclass(frozen=True)
class Feed:
    lines: int = 1


@dataclass(frozen=True)
class Cut:
    pass


Block = TextLine | Logo | QrCode | Feed | Cut


def ticket_layout(ticket: TicketPrint, geometry: PaperGeometry) -> list[Block]:
    """Banner, logo, office, service, the big number, date, people ahead, wait, QR, footer, banner, cut."""
    labels = ticket.printed_labels
    blocks: list[Block] = []
    banner = wrapped(ticket.banner, geometry, width=2, height=2, bold=True) if ticket.banner.strip() else []
    blocks += banner
    if ticket.logo_path:
        blocks.append(Logo(str(Path(ticket.logo_path))))
    blocks += wrapped(ticket.office_name, geometry, height=2, bold=True)
    blocks += wrapped(ticket.service_name, geometry)
    blocks.append(rule(geometry))
    magnification = number_magnification(ticket.number, geometry)
    blocks.append(TextLine(ticket.number.strip(), width=magnification, height=magnification, bold=True))
    blocks.append(rule(geometry))
    blocks += wrapped(ticket.issued_at_local, geometry)
    blocks += wrapped(f"{labels.people_ahead}: {ticket.people_ahead}", geometry, bold=True)
    if ticket.estimated_wait.strip():
        blocks += wrapped(f"{labels.estimated_wait}: {ticket.estimated_wait.strip()}", geometry, bold=True)
    blocks.append(Feed(1))
    blocks.append(QrCode(ticket.status_url, qr_module_dots(ticket.status_url, geometry)))
    if ticket.footer_line.strip():
        blocks += wrapped(ticket.footer_line, geometry)
    blocks += banner  # at both ends: a torn-off half still says it
    blocks.append(Cut())
    return blocks


def rule(geometry: PaperGeometry) -> TextLine:
    return TextLine(RULE_CHAR * geometry.columns)


def number_magnification(number: str, geometry: PaperGeometry) -> int:
    """The largest magnification at which the whole number fits on one line."""
    room = geometry.columns - NUMBER_SIDE_COLUMNS
    return max(1, min(MAX_NUMBER_MAGNIFICATION, room // max(1, display_width(number.strip()))))


def wrapped(
    text: str, geometry: PaperGeometry, *, width: int = 1, height: int = 1, bold: bool = False
) -> list[TextLine]:
    """The text cut into lines that fit the paper at this magnification (wide CJK characters count twice)."""
    columns = max(1, geometry.columns // width)
    return [TextLine(line, width, height, bold) for line in wrap_columns(text.strip(), columns)]


def wrap_columns(text: str, columns: int) -> list[str]:
    """Greedy wrap on spaces; each wide character may start a new line, as CJK text has no spaces."""
    return list(_wrapped_lines(text, columns))


@lru_cache(maxsize=1024)  # the same office, service and footer on every ticket
def _wrapped_lines(text: str, columns: int) -> tuple[str, ...]:
    if not text:
        return ()
    if display_width(text) == len(text):
        return tuple(textwrap.wrap(text, columns) or [text])
    lines: list[str] = []
    current = ""
    for token in _WORDS.findall(text):
        candidate = current + token
        if current and display_width(candidate.rstrip()) > columns:
            lines.append(current.rstrip())
            current = token.lstrip()
        else:
            current = candidate
    if current.strip():
        lines.append(current.rstrip())
    return tuple(lines)


# Wide (CJK) characters: each one may start a new line. Other runs of non-space characters are words.
_WIDE = "\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6"
_WORDS = re.compile(rf"(?:[{_WIDE}]|[^\s{_WIDE}]+)\s*")


def display_width(text: str) -> int:
    """Columns the text takes on a printer: full-width (CJK) characters take two."""
    return sum(2 if unicodedata.east_asian_width(char) in ("W", "F") else 1 for char in text)

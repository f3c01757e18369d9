"""Code page tables per printer profile, for the reader (the numbering of ESC t differs between makers)."""

from __future__ import annotations

import codecs
from collections.abc import Sequence

from escpos.capabilities import get_profile
from PIL import Image, ImageOps

from tests.printers.escpos_reader import Printout, read_escpos
from waitwell.printers.qr import qr_matrix


def code_pages_for(profile_name: str) -> dict[int, str]:
    """ESC t numbers of this profile mapped to Python codec names (pages Python does not know are left out)."""
    table: dict[int, str] = {}
    for number, name in get_profile(profile_name).codePages.items():
        codec = name.lower().replace("iso_", "iso").replace("-", "_")
        try:
            codecs.lookup(codec)
        except LookupError:
            continue
        table[int(number)] = codec
    return table


def read_ticket(data: bytes, profile: str) -> Printout:
    """What a visitor would read on the paper this profile's printer produced from `data`."""
    return read_escpos(data, code_pages_for(profile))


def numbers_read(jobs: Sequence[bytes], numbers: Sequence[str], profile: str = "TM-T88V") -> list[str | None]:
    """For each job, in order, which of the ticket `numbers` its paper reads (None: none, e.g. a status question)."""
    papers = [read_ticket(job, profile) for job in jobs]
    return [next((number for number in numbers if paper.reads(number)), None) for paper in papers]


def decoded_qr_texts(image: Image.Image) -> list[str] | None:
    """QR payloads a phone camera would read in the image; None when no decoder is installed."""
    try:
        import zxingcpp
    except ImportError:
        return None
    return [result.text for result in zxingcpp.read_barcodes(image.convert("L"))]


def qr_image_matches_matrix(image: Image.Image, url: str) -> int:
    """The module size at which the image's dots equal the qrcode library's matrix for the URL (0 if they do not)."""
    box = ImageOps.invert(image.convert("L")).getbbox()
    if box is None:
        return 0
    symbol = image.convert("L").crop(box)
    matrix = qr_matrix(url)
    module = symbol.width // len(matrix)
    if module == 0 or symbol.width != module * len(matrix) or symbol.height != symbol.width:
        return 0
    pixels = symbol.load()
    for row, cells in enumerate(matrix):
        for column, dark in enumerate(cells):
            if (pixels[column * module + module // 2, row * module + module // 2] == 0) != dark:
                return 0
    return module

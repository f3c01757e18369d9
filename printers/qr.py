"""The QR code carrying the status URL: its size in printer dots and its image when the printer cannot draw it."""

from __future__ import annotations

from functools import lru_cache

import qrcode
from PIL import Image
from qrcode.constants import ERROR_CORRECT_M
from qrcode.util import MODE_8BIT_BYTE, MODE_ALPHA_NUM, MODE_NUMBER, QRData

from waitwell.printers.geometry import PaperGeometry

QUIET_ZONE_MODULES = 4  # the white margin the QR standard asks for, so phones find the code on a busy ticket
QR_SHARE_OF_WIDTH = 0.7  # large enough to scan from a hand's length, small enough to leave the number dominant
MODULE_DOTS_RANGE = (3, 8)


def _code(url: str) -> qrcode.QRCode:
    """Error correction M: a smudge or a fold still scans."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=0)
    code.add_data(url)
    return code


def qr_matrix(url: str) -> list[list[bool]]:
    """The QR modules (True is dark)."""
    code = _code(url)
    code.make(fit=True)
    return code.get_matrix()


def qr_side_modules(url: str) -> int:
    """Modules along one side, from the QR version alone: drawing the code (choosing among 8 masks) took
    most of a native-QR ticket's rendering time, and a printer that draws the code itself needs only this."""
    return _side_for_segments(tuple((segment.mode, len(segment)) for segment in _code(url).data_list))


# The version depends only on how the data splits into digit, alphanumeric and byte segments and on
# their lengths, never on the characters themselves: nearly every status URL (one base, one token
# length) splits the same way, so the version is worked out once, not for every ticket.
_FILLER = {MODE_NUMBER: b"0", MODE_ALPHA_NUM: b"A", MODE_8BIT_BYTE: b"a"}


@lru_cache(maxsize=256)
def _side_for_segments(segments: tuple[tuple[int, int], ...]) -> int:
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=0)
    for mode, length in segments:
        code.add_data(QRData(_FILLER[mode] * length, mode=mode, check_data=False))
    return 4 * code.best_fit() + 17


def qr_module_dots(url: str, geometry: PaperGeometry) -> int:
    """Dots per QR module so that the code with its quiet zone takes about 70% of the printable width."""
    modules = qr_side_modules(url) + 2 * QUIET_ZONE_MODULES
    low, high = MODULE_DOTS_RANGE
    return max(low, min(high, int(geometry.dots * QR_SHARE_OF_WIDTH) // modules))


def qr_image(url: str, module_dots: int) -> Image.Image:
    """The QR code as a black-and-white image with its quiet zone, one module = `module_dots` dots."""
    matrix = qr_matrix(url)
    side = len(matrix) + 2 * QUIET_ZONE_MODULES
    image = Image.new("1", (side, side), 1)
    pixels = image.load()
    for row, cells in enumerate(matrix):
        for column, dark in enumerate(cells):
            if dark:
                pixels[column + QUIET_ZONE_MODULES, row + QUIET_ZONE_MODULES] = 0
    return image.resize((side * module_dots, side * module_dots), Image.Resampling.NEAREST)

"""Draw a line of text as a black-and-white image, for scripts no printer code page has and for the preview."""

from __future__ import annotations

import math

from PIL import Image, ImageDraw

from waitwell.printers.fonts import load_font, pick_face
from waitwell.printers.geometry import FONT_A_DOTS

SANS_PX = 22  # a proportional font at 22 px matches the height of the printer's 24-dot font A
MONO_PX = 20  # DejaVu Sans Mono at 20 px is 12 dots wide per character, like font A


def text_image(
    text: str, *, max_width: int, width: int = 1, height: int = 1, bold: bool = False, mono: bool = False
) -> Image.Image:
    """The line at the printer's character size times the magnifications, shrunk to fit `max_width` if needed."""
    style = ("mono" if mono else "sans") + ("-bold" if bold else "")
    font = load_font(pick_face(text, style), (MONO_PX if mono else SANS_PX) * height)
    cell_height = FONT_A_DOTS[1] * height
    ascent, descent = font.getmetrics()
    drawn_width = max(1, math.ceil(font.getlength(text)) + 2)
    canvas = Image.new("L", (drawn_width, max(cell_height, ascent + descent)), 255)
    baseline_offset = max(0, (cell_height - ascent - descent) // 2)
    ImageDraw.Draw(canvas).text((1, baseline_offset), text, font=font, fill=0)
    target_width = round(drawn_width * width / height)
    scale = min(1.0, max_width / target_width)
    size = (max(1, round(target_width * scale)), max(1, round(canvas.height * scale)))
    if size != canvas.size:
        canvas = canvas.resize(size, Image.Resampling.LANCZOS)
    # Threshold rather than dither: thermal dots are on or off, and dithered letter edges look fuzzy.
    return canvas.point(lambda value: 255 if value >= 128 else 0).convert("1", dither=Image.Dither.NONE)

"""The admin preview: the same layout drawn with Pillow at printer resolution. Saved to look at."""

from __future__ import annotations

import io

import pytest
from PIL import Image, ImageDraw, ImageOps

from tests.printers.conftest import STATUS_URL, make_ticket
from tests.printers.profiles import decoded_qr_texts
from waitwell.printers.preview import render_preview_png

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize(
    ("paper_mm", "profile", "paper_dots", "printable_dots"),
    [(80, "TM-T88V", 567, 512), (58, "POS-5890", 464, 384), (80, "TM-T20II", 639, 576)],
)
def test_preview_is_a_png_as_wide_as_the_paper_with_a_scannable_qr(
    paper_mm, profile, paper_dots, printable_dots, artifacts_dir
) -> None:
    png = render_preview_png(make_ticket(), paper_mm=paper_mm, profile=profile)
    (artifacts_dir / f"preview-{paper_mm}mm-{profile}.png").write_bytes(png)

    assert png.startswith(PNG_SIGNATURE)
    image = Image.open(io.BytesIO(png))
    image.load()
    assert image.width == paper_dots
    assert round(image.info["dpi"][0]) in (180, 203)
    ink = ImageOps.invert(image.convert("L").point(lambda v: 255 if v > 60 else 0)).getbbox()
    assert ink is not None
    margin = (paper_dots - printable_dots) // 2
    assert ink[0] >= margin - 1 and ink[2] <= paper_dots - margin + 1  # nothing drawn outside the printable area
    decoded = decoded_qr_texts(image)
    assert decoded is None or decoded == [STATUS_URL]


def test_the_number_is_the_biggest_thing_on_the_ticket(artifacts_dir) -> None:
    image = Image.open(io.BytesIO(render_preview_png(make_ticket(), paper_mm=58)))
    rows = _ink_rows(image.convert("L"))
    bands = _bands(rows)
    tallest = max(bands, key=lambda band: band[1] - band[0] if band[1] - band[0] < 200 else 0)  # the QR aside
    assert tallest[1] - tallest[0] >= 80  # the number: about 1 cm high or more at 203 dpi


def test_preview_of_non_latin_text_and_a_logo(artifacts_dir, tmp_path) -> None:
    logo_path = tmp_path / "seal.png"
    logo = Image.new("RGB", (400, 400), "white")
    ImageDraw.Draw(logo).ellipse((10, 10, 390, 390), outline="navy", width=30)
    ImageDraw.Draw(logo).text((120, 180), "CITY SEAL", fill="navy")
    logo.save(logo_path)
    ticket = make_ticket(
        office_name="Oficina de Tráfico de Málaga",
        service_name="请到三号窗口办理 (Chinese)",
        footer_line="امسح الرمز لمتابعة دورك",
        logo_path=logo_path,
        language="es",
    )
    for paper_mm in (58, 80):
        png = render_preview_png(ticket, paper_mm=paper_mm)
        (artifacts_dir / f"preview-{paper_mm}mm-multilingual.png").write_bytes(png)
        assert Image.open(io.BytesIO(png)).height > 600


def _ink_rows(image: Image.Image) -> list[bool]:
    width, height = image.size
    pixels = image.load()
    inner = range(4, width - 4)
    return [any(pixels[x, y] < 100 for x in inner) for y in range(height)]


def _bands(rows: list[bool]) -> list[tuple[int, int]]:
    bands, start = [], None
    for y, inked in enumerate([*rows, False]):
        if inked and start is None:
            start = y
        elif not inked and start is not None:
            bands.append((start, y))
            start = None
    return bands

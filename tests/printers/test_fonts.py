"""Text drawn as images finds a font that has the glyphs, and says plainly what to install when none does."""

from __future__ import annotations

import logging
import shutil

import pytest

from waitwell.printers import fonts
from waitwell.printers.textimage import text_image


@pytest.fixture
def only_fonts_in(monkeypatch, tmp_path):  # type: ignore[no-untyped-def]
    """Pretend the system has only the fonts copied into a temporary folder."""
    real = dict(fonts.installed_fonts())
    monkeypatch.delenv(fonts.FONT_VARIABLE, raising=False)
    monkeypatch.setattr(fonts, "font_dirs", lambda: [tmp_path])
    monkeypatch.setattr(fonts, "_warned", set())
    fonts.installed_fonts.cache_clear()

    def install(*names: str) -> None:
        for name in names:
            if name.lower() not in real:
                pytest.skip(f"{name} is not installed on this machine")
            shutil.copy(real[name.lower()], tmp_path / name)
        fonts.installed_fonts.cache_clear()

    yield install
    fonts.installed_fonts.cache_clear()


def test_without_any_font_it_falls_back_to_pillow_and_says_what_to_install(only_fonts_in, caplog) -> None:
    with caplog.at_level(logging.WARNING, logger=fonts.__name__):
        image = text_image("Renovación", max_width=384)
    assert image.getbbox() is not None  # something was drawn
    assert "no TrueType font found" in caplog.text and "fonts-dejavu-core" in caplog.text


def test_a_script_no_installed_font_has_is_named_in_the_warning(only_fonts_in, caplog) -> None:
    only_fonts_in("DejaVuSans.ttf")
    with caplog.at_level(logging.WARNING, logger=fonts.__name__):
        face = fonts.pick_face("窗口")
    assert face.path is not None and face.path.endswith("DejaVuSans.ttf")
    assert "no installed font can draw" in caplog.text and "fonts-noto-cjk" in caplog.text


def test_latin_text_uses_the_first_preferred_font_and_arabic_is_covered_by_dejavu(only_fonts_in) -> None:
    only_fonts_in("DejaVuSans.ttf", "LiberationSans-Regular.ttf")
    assert fonts.pick_face("Título").path.endswith("DejaVuSans.ttf")
    assert fonts.pick_face("مرحبا").path.endswith("DejaVuSans.ttf")
    assert not fonts.has_glyph(fonts.pick_face("Título"), "窗")


def test_a_configured_font_file_is_tried_first(only_fonts_in, monkeypatch) -> None:
    only_fonts_in("DejaVuSans.ttf", "LiberationSans-Regular.ttf")
    liberation = str(next(p for p in fonts.installed_fonts().values() if p.endswith("LiberationSans-Regular.ttf")))
    monkeypatch.setenv(fonts.FONT_VARIABLE, liberation)
    assert fonts.pick_face("Title").path == liberation

"""Find a TrueType font that can draw a line, on any system, and say clearly when none can."""

from __future__ import annotations

import logging
import os
import sys
import threading
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

from PIL import ImageFont

log = logging.getLogger(__name__)

FONT_VARIABLE = "WAITWELL_PRINTER_FONT"  # a font file tried first, e.g. a CJK font for a Chinese-speaking office
FONT_DIRS_VARIABLE = "WAITWELL_FONT_DIRS"  # extra folders to search, separated by os.pathsep

STYLE_FILES: dict[str, tuple[str, ...]] = {
    "sans": ("DejaVuSans.ttf", "LiberationSans-Regular.ttf", "NotoSans-Regular.ttf", "Arial.ttf", "arial.ttf"),
    "sans-bold": ("DejaVuSans-Bold.ttf", "LiberationSans-Bold.ttf", "NotoSans-Bold.ttf", "arialbd.ttf"),
    "mono": ("DejaVuSansMono.ttf", "LiberationMono-Regular.ttf", "NotoSansMono-Regular.ttf", "cour.ttf"),
    "mono-bold": ("DejaVuSansMono-Bold.ttf", "LiberationMono-Bold.ttf", "NotoSansMono-Bold.ttf", "courbd.ttf"),
}
# Fonts for scripts the Latin fonts lack (Chinese, Japanese, Korean, Arabic, Hebrew, Devanagari, Thai).
FALLBACK_FILES: tuple[str, ...] = (
    "NotoSansCJK-Regular.ttc", "NotoSansCJKsc-Regular.otf", "NotoSansSC-Regular.otf", "wqy-zenhei.ttc",
    "wqy-microhei.ttc", "DroidSansFallbackFull.ttf", "DroidSansFallback.ttf", "uming.ttc", "msyh.ttc",
    "simsun.ttc", "NotoSansArabic-Regular.ttf", "NotoNaskhArabic-Regular.ttf", "NotoSansHebrew-Regular.ttf",
    "NotoSansDevanagari-Regular.ttf", "NotoSansThai-Regular.ttf", "FreeSans.ttf", "unifont.ttf",
)
INSTALL_HINT = (
    "install a font that has them (Debian: fonts-noto-cjk for Chinese/Japanese/Korean, fonts-noto-core for "
    f"other scripts) or set {FONT_VARIABLE} to a font file"
)


@dataclass(frozen=True)
class FontFace:
    """A font file (and face index in a collection), or None for Pillow's small built-in font."""

    path: str | None
    index: int = 0


BUILTIN = FontFace(None)
_warned: set[str] = set()
_warned_lock = threading.Lock()


def font_dirs() -> list[Path]:
    """Folders that hold fonts on Linux, macOS and Windows, plus any configured ones."""
    configured = [Path(p) for p in os.environ.get(FONT_DIRS_VARIABLE, "").split(os.pathsep) if p]
    home = Path.home()
    system = [
        Path(__file__).with_name("assets") / "fonts",
        home / ".local/share/fonts", home / ".fonts", Path("/usr/local/share/fonts"), Path("/usr/share/fonts"),
        Path("/Library/Fonts"), Path("/System/Library/Fonts"), home / "Library/Fonts",
    ]
    if sys.platform == "win32":
        system.append(Path(os.environ.get("WINDIR", "C:/Windows")) / "Fonts")
    return [folder for folder in configured + system if folder.is_dir()]


@cache
def installed_fonts() -> dict[str, str]:
    """File name (lower case) to path of every font found, first folder wins; searched once per process."""
    found: dict[str, str] = {}
    for folder in font_dirs():
        for root, _dirs, files in os.walk(folder):
            for name in files:
                if name.lower().endswith((".ttf", ".ttc", ".otf")):
                    found.setdefault(name.lower(), os.path.join(root, name))
    return found


def _candidates(style: str) -> list[FontFace]:
    fonts = installed_fonts()
    names = list(STYLE_FILES[style])
    if style.endswith("-bold"):
        names += STYLE_FILES[style.removesuffix("-bold")]
    if style.startswith("mono"):
        names += STYLE_FILES["sans-bold" if style.endswith("-bold") else "sans"]
    faces = [FontFace(os.environ[FONT_VARIABLE])] if os.environ.get(FONT_VARIABLE) else []
    faces += [FontFace(fonts[name.lower()]) for name in (*names, *FALLBACK_FILES) if name.lower() in fonts]
    return list(dict.fromkeys(faces))


def pick_face(text: str, style: str = "sans") -> FontFace:
    """The first font (in order of preference) that draws every character of `text`; the best one otherwise."""
    needed = {char for char in text if not char.isspace()}
    candidates = _candidates(style)
    best, best_missing = (candidates[0] if candidates else BUILTIN), needed
    for face in candidates:
        missing = {char for char in needed if not has_glyph(face, char)}
        if not missing:
            return face
        if len(missing) < len(best_missing):
            best, best_missing = face, missing
    if not candidates:
        _warn_once("no TrueType font found; text drawn as images uses Pillow's small built-in font. Install "
                   "fonts-dejavu-core (Debian) or set " + FONT_VARIABLE)
    if best_missing:
        _warn_once(f"no installed font can draw {''.join(sorted(best_missing))!r}; " + INSTALL_HINT)
    return best


@lru_cache(maxsize=64)
def load_font(face: FontFace, size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """The font at a pixel size, shaped with Raqm when Pillow has it (Arabic, Hebrew need it)."""
    if face.path is None:
        return ImageFont.load_default(size)
    return ImageFont.truetype(face.path, size, index=face.index)


@lru_cache(maxsize=4096)
def has_glyph(face: FontFace, char: str) -> bool:
    """Whether the font has its own glyph for the character (not the empty box it draws for missing ones)."""
    if face.path is None:
        return ord(char) < 0x250  # Pillow's built-in font covers Latin
    try:
        font = _probe_font(face)
    except OSError:
        return False
    return _mask_signature(font, char) != _mask_signature(font, "\U0010fffd")


@lru_cache(maxsize=32)
def _probe_font(face: FontFace) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(face.path, 24, index=face.index, layout_engine=ImageFont.Layout.BASIC)


def _mask_signature(font: ImageFont.FreeTypeFont, char: str) -> tuple[tuple[int, int], bytes]:
    mask = font.getmask(char)
    return mask.size, bytes(mask)


def _warn_once(message: str) -> None:
    with _warned_lock:
        if message in _warned:
            return
        _warned.add(message)
    log.warning(message)

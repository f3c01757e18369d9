"""Paper geometry from a python-escpos profile: printable dots, columns, resolution."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal

from escpos.capabilities import BaseProfile, get_profile

from waitwell.printers.errors import InvalidPrinterSettings

PaperWidth = Literal[58, 80]
PAPER_WIDTHS: tuple[int, ...] = (58, 80)
# A profile per paper width that prints well when the exact model is unknown: the Epson TM-T88V (80 mm,
# native QR, cutter) and the common 384-dot POS-5890 class (58 mm, QR as image, no cutter).
DEFAULT_PROFILES: dict[int, str] = {80: "TM-T88V", 58: "POS-5890"}
PRINTABLE_MM: dict[int, float] = {80: 72.0, 58: 48.0}
FONT_A_DOTS = (12, 24)  # font A cell on Epson-compatible printers: 12 dots wide, 24 high


@dataclass(frozen=True)
class PaperGeometry:
    """Where things fit on the paper, in printer dots."""

    paper_mm: int
    dpi: int
    dots: int

    @property
    def columns(self) -> int:
        """Characters of font A across the printable width."""
        return self.dots // FONT_A_DOTS[0]

    @property
    def paper_dots(self) -> int:
        """The whole paper width (printable area plus margins), for the preview."""
        return max(self.dots, round(self.paper_mm * self.dpi / 25.4))


def load_profile(name: str | None, paper_mm: int = 80) -> BaseProfile:
    """A python-escpos profile by name, or the default one for the paper width."""
    profile_name = name or DEFAULT_PROFILES.get(paper_mm, DEFAULT_PROFILES[80])
    try:
        return get_profile(profile_name)
    except KeyError:
        raise InvalidPrinterSettings(
            f"unknown printer profile {profile_name!r}; see `python-escpos` capabilities for the list "
            f"(e.g. {', '.join(sorted(set(DEFAULT_PROFILES.values())))})"
        ) from None


def profile_name(profile: BaseProfile) -> str:
    """The profile's own name, for messages."""
    return str(profile.profile_data.get("name", "unknown"))


def paper_geometry(profile: BaseProfile, paper_mm: int) -> PaperGeometry:
    """Printable width for this paper on this printer: the profile's own width when it is made for this paper."""
    if paper_mm not in PAPER_WIDTHS:
        raise InvalidPrinterSettings(f"paper width must be 58 or 80 mm, not {paper_mm}")
    media: dict[str, Any] = profile.profile_data.get("media", {})
    dpi = _number(media.get("dpi")) or 203
    width = media.get("width", {})
    profile_dots = _number(width.get("pixels"))
    profile_mm = _number(width.get("mm"))
    computed = round(PRINTABLE_MM[paper_mm] * dpi / 25.4 / 8) * 8  # whole bytes of 8 dots
    if profile_dots and profile_mm and (80 if profile_mm >= 70 else 58) == paper_mm:
        dots = profile_dots
    elif profile_dots:
        dots = min(profile_dots, computed)
    else:
        dots = computed
    return PaperGeometry(paper_mm=paper_mm, dpi=int(dpi), dots=int(dots))


def fit_profile_to_paper(profile: BaseProfile, geometry: PaperGeometry) -> None:
    """Give this profile instance the paper's width, so python-escpos centres images (and prints no warning)."""
    media = profile.profile_data.get("media", {})
    width = media.get("width", {})
    if width.get("pixels") == geometry.dots and _number(media.get("dpi")):
        return
    # An instance attribute: the class-level dict is shared by every printer with this profile. A profile
    # as python-escpos made it gets a fitted copy shared by every ticket of its paper (copying the profile
    # for each ticket cost more than rendering the ticket's text); nothing writes to it.
    if profile.profile_data is type(profile).profile_data:
        profile.profile_data = _fitted_class_data(type(profile), geometry)
    else:
        profile.profile_data = _with_media(profile.profile_data, geometry)


@lru_cache(maxsize=64)
def _fitted_class_data(profile_class: type[BaseProfile], geometry: PaperGeometry) -> dict[str, Any]:
    return _with_media(profile_class.profile_data, geometry)


def _with_media(profile_data: dict[str, Any], geometry: PaperGeometry) -> dict[str, Any]:
    data = copy.deepcopy(profile_data)
    data["media"] = {"dpi": geometry.dpi, "width": {"mm": geometry.paper_mm, "pixels": geometry.dots}}
    return data


def _number(value: object) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float) and value > 0:
        return value
    return None

"""The QR code's size on paper: a printer that draws the code itself is told a module size computed
from the QR version alone, which must match the code it actually draws."""

from __future__ import annotations

import secrets

import pytest

from waitwell.printers.geometry import load_profile, paper_geometry
from waitwell.printers.qr import QUIET_ZONE_MODULES, qr_matrix, qr_module_dots, qr_side_modules


@pytest.mark.parametrize("length", [1, 20, 60, 100, 200, 400])
def test_the_side_from_the_version_is_the_side_of_the_drawn_code(length: int) -> None:
    url = "https://waits.example.gov/t/" + "x" * length
    assert qr_side_modules(url) == len(qr_matrix(url))


def test_tokens_of_one_length_but_other_characters_get_the_side_of_their_own_code() -> None:
    """The version is found once per way the URL splits into digit, alphanumeric and byte segments:
    tokens whose digit runs or capitals differ must still get the side their own code is drawn with."""
    urls = ["https://waits.example.gov/t/" + secrets.token_urlsafe(24) for _ in range(40)]
    urls += ["https://waits.example.gov/t/" + "7" * 32, "HTTPS://WAITS.EXAMPLE.GOV/T/" + "A1" * 16,
             "https://waits.example.gov/t/" + "7" * 300, "HTTPS://WAITS.EXAMPLE.GOV/T/" + "X" * 300,
             "https://waits.example.gov/t/é" + "9" * 31]
    for url in urls:
        assert qr_side_modules(url) == len(qr_matrix(url)), url


@pytest.mark.parametrize("width_mm", [58, 80])
def test_a_status_url_takes_about_70_percent_of_the_paper(width_mm: int) -> None:
    geometry = paper_geometry(load_profile("TM-T88V", width_mm), width_mm)
    url = "https://waits.example.gov/t/3q2-8ZyXk1mNvPq4rT0aBw"
    side_dots = (len(qr_matrix(url)) + 2 * QUIET_ZONE_MODULES) * qr_module_dots(url, geometry)
    assert 0.5 * geometry.dots <= side_dots <= 0.7 * geometry.dots

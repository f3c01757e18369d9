"""Every sentence of the booking pages, the booker's page, the emails and the kiosk's check-in is in Spanish."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = ROOT / "server/translations/es/LC_MESSAGES/messages.po"
SOURCES = [
    *sorted((ROOT / "server/appointments/templates/appointments").glob("*.html")),
    ROOT / "server/appointments/emails.py",
    ROOT / "server/appointments/booking_pages.py",
    ROOT / "server/appointments/manage_pages.py",
    ROOT / "kiosk/messages.py",
]
STAFF_PAGES = {"staff_index.html", "staff_office.html"}  # staff pages are in English, like the console


def sentences(path: Path) -> list[str]:
    method = "jinja2.ext:babel_extract" if path.suffix == ".html" else "python"
    found = []
    for _, message, _, _ in extract_from_file(method, str(path)):
        found.append(message if isinstance(message, str) else message[0])
    return found


@pytest.mark.parametrize("source", [s for s in SOURCES if s.name not in STAFF_PAGES], ids=lambda p: p.name)
def test_every_sentence_is_translated_into_spanish(source: Path) -> None:
    with CATALOGUE.open("rb") as po:
        catalogue = read_po(po)
    missing = [text for text in sentences(source)
               if (entry := catalogue.get(text)) is None or not entry.string or entry.fuzzy]
    assert not missing, f"not translated in {CATALOGUE.name}: {missing}"

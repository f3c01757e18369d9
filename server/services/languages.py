"""The languages Waitwell speaks: English plus every compiled message catalogue under server/translations.

A plain fact of the installation, kept here without Flask so that services (the status address a ticket carries)
and the web's language choice (waitwell.i18n) read the same list."""

from __future__ import annotations

from functools import cache
from pathlib import Path

TRANSLATIONS = Path(__file__).resolve().parent.parent / "translations"
DEFAULT_LANGUAGE = "en"


def available_languages() -> list[str]:
    """English plus every language that has a compiled catalogue."""
    return list(_compiled_languages())


@cache
def _compiled_languages() -> tuple[str, ...]:
    # Read once per process (catalogues are compiled at install): the glob ran twice on every tap.
    found = {path.parent.parent.name for path in TRANSLATIONS.glob("*/LC_MESSAGES/messages.mo")}
    return (DEFAULT_LANGUAGE, *sorted(found - {DEFAULT_LANGUAGE}))

"""The languages Waitwell speaks: English plus every compiled message catalogue under server/translations.

A plain fact of the installation, kept here without Flask so that services (the status address a ticket carries)
and the web's language choice (waitwell.i18n) read the same list."""

from __future__ import annotations

from functools import cache
from pathlib import Path

TRANSLATIONS = Path(__file__).resolve().parent.parent / "translations"
DEFAULT_LANGUAGE = "en"
# Each language by its own name, as a visitor looks for it in a language menu.
LANGUAGE_NAMES = {"en": "English", "es": "Español", "fr": "Français", "de": "Deutsch", "pt": "Português",
                  "zh": "中文", "vi": "Tiếng Việt", "ar": "العربية", "ru": "Русский", "ko": "한국어"}


def available_languages() -> list[str]:
    """English plus every language that has a compiled catalogue."""
    return list(_compiled_languages())


def language_name(language: str) -> str:
    """The language's own name for a menu; its code when Waitwell has no name for it."""
    return LANGUAGE_NAMES.get(language, language)


@cache
def _compiled_languages() -> tuple[str, ...]:
    # Read once per process (catalogues are compiled at install): the glob ran twice on every tap.
    found = {path.parent.parent.name for path in TRANSLATIONS.glob("*/LC_MESSAGES/messages.mo")}
    return (DEFAULT_LANGUAGE, *sorted(found - {DEFAULT_LANGUAGE}))

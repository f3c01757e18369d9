"""Languages: Flask-Babel with one message catalogue per language under server/translations.

Adding a language is adding a catalogue (see docs/translations.md); the kiosk, display and
status pages pick the language from `?lang=`, then the device's setting, then the browser.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from flask import Flask, g, request
from flask_babel import Babel

TRANSLATIONS = Path(__file__).resolve().parent / "translations"
DEFAULT_LANGUAGE = "en"

babel = Babel()


def available_languages() -> list[str]:
    """English plus every language that has a compiled catalogue."""
    return list(_compiled_languages())


@cache
def _compiled_languages() -> tuple[str, ...]:
    # Read once per process (catalogues are compiled at install): the glob ran twice on every tap.
    found = {path.parent.parent.name for path in TRANSLATIONS.glob("*/LC_MESSAGES/messages.mo")}
    return (DEFAULT_LANGUAGE, *sorted(found - {DEFAULT_LANGUAGE}))


def select_language() -> str:
    """`?lang=xx` wins, then a page's own default (g.page_language), then the browser's preference."""
    languages = available_languages()
    asked = request.args.get("lang", "")
    if asked in languages:
        return asked
    page_default = getattr(g, "page_language", None)
    if page_default in languages:
        return page_default
    return request.accept_languages.best_match(languages) or DEFAULT_LANGUAGE


def init_app(app: Flask) -> None:
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(TRANSLATIONS))
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT_LANGUAGE)
    babel.init_app(app, locale_selector=select_language)

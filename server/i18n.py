"""Languages: Flask-Babel with one message catalogue per language under server/translations.

Adding a language is adding a catalogue (see docs/translations.md); the kiosk, display and
status pages pick the language from `?lang=`, then the device's setting, then the browser.
"""

from __future__ import annotations

from flask import Flask, g, request
from flask_babel import Babel

from waitwell.services.languages import DEFAULT_LANGUAGE, TRANSLATIONS, available_languages

__all__ = ["DEFAULT_LANGUAGE", "TRANSLATIONS", "available_languages", "babel", "init_app", "select_language"]

babel = Babel()


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

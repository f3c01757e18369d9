"""What the citizen's booking pages share: the chosen language carried from page to page, local times, no caching."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import Response, make_response, request, url_for
from flask_babel import get_locale

from waitwell.appointments.wording import day_name, local_day, local_time
from waitwell.i18n import available_languages
from waitwell.services.languages import language_name

STAMP_FORMAT = "%Y%m%dT%H%M%SZ"


def lang_args() -> dict[str, str]:
    """`?lang=` when the visitor chose a language, so the next page keeps it."""
    asked = request.args.get("lang", "")
    return {"lang": asked} if asked in available_languages() else {}


def language() -> str:
    return str(get_locale() or "en")


def page_context() -> dict[str, Any]:
    """Template helpers: local day and time in the page's language, the language switch."""
    current = language()
    return {
        "page_lang": current,
        "lang": lang_args(),
        "languages": [(code, language_name(code)) for code in available_languages()],
        "local_day": lambda moment, timezone: local_day(moment, timezone, current),
        "local_time": lambda moment, timezone: local_time(moment, timezone, current),
        "day_name": lambda day: day_name(day, current),
        "local_date": lambda moment, timezone: moment.astimezone(ZoneInfo(timezone)).date().isoformat(),
        "stamp": stamp,
        "language_url": language_url,
    }


def language_url(code: str) -> str:
    """This page in another language (the rest of the query string kept)."""
    arguments = {**request.args.to_dict(), **(request.view_args or {}), "lang": code}
    return url_for(request.endpoint or "booking.choose_office", **arguments)


def stamp(moment: datetime) -> str:
    """A slot's start in a URL: 20260311T131500Z."""
    return moment.astimezone(UTC).strftime(STAMP_FORMAT)


def parse_stamp(text: str) -> datetime | None:
    try:
        return datetime.strptime(text, STAMP_FORMAT).replace(tzinfo=UTC)
    except ValueError:
        return None


def no_store(body: Any, status: int = 200) -> Response:
    """Booking pages carry secrets and live availability: never cached, never sent as a referrer."""
    response = make_response(body, status)
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response

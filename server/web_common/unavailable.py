"""A database outage answered as "try again shortly": 503 with Retry-After, never a 500 or Werkzeug's page.

Scripts and API clients get the API's JSON error; a person who opened a page (a visitor's status page, a
kiosk being switched on, a clerk's console) gets a page in their language that reloads itself until the
database is back.
"""

from __future__ import annotations

import logging

from flask import Response, current_app, request
from flask_babel import get_locale

log = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 10
CODE = "database_unavailable"
MESSAGE = "the database cannot be reached right now; please try again in a few seconds"


def database_unavailable(reason: str) -> Response:
    """The 503 answer to a request that met an outage (`reason` is for the log, never for the visitor)."""
    log.warning("database unavailable on %s %s: %s", request.method, request.path, reason)
    if _wants_a_page():
        response = current_app.response_class(_page(), status=503, mimetype="text/html")
        response.cache_control.no_store = True
    else:
        from waitwell.web_common.errors import error_response  # errors.py hands outages to this module

        response = error_response(503, CODE, MESSAGE)
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def _page() -> str:
    """Rendered without the app's context processors: they ask the database for the signed-in staff member."""
    template = current_app.jinja_env.get_template("unavailable.html")
    return template.render(page_language=str(get_locale() or "en"), retry_after=RETRY_AFTER_SECONDS)


def _wants_a_page() -> bool:
    """A browser, which prefers HTML (whatever the method: a form sent during an outage too); the API, scripts
    and `*/*` keep the JSON they read the message from, as with every other error."""
    if request.path.startswith("/api/"):
        return False
    accepted = request.accept_mimetypes
    return accepted.quality("text/html") > accepted.quality("application/json")

"""The display page and its chime."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, current_app, g, render_template, url_for
from flask_babel import force_locale, gettext

from waitwell.auth import public
from waitwell.display.chime import chime_wav
from waitwell.i18n import available_languages
from waitwell.realtime.namespaces import SNAPSHOTS_KEY
from waitwell.realtime.payloads import latest_per_ticket
from waitwell.web_common.waits import describe_wait, wait_templates

bp = Blueprint("display", __name__, url_prefix="/display", template_folder="templates", static_folder="static",
               static_url_path="/static")


@bp.get("/<int:display_id>")
@public
def show_display(display_id: int) -> Any:
    """The board of one registered display, current when served; its script keeps it current."""
    board = current_app.extensions[SNAPSHOTS_KEY].display(display_id)  # NotFound -> 404
    languages: list[str] = board["display"]["languages"]
    g.page_language = languages[0].split("-")[0]
    settings = {
        "displayId": display_id,
        "board": board,
        "chimeUrl": url_for("display.chime"),
        "voices": spoken_announcements(languages),
        "waits": wait_templates(),
        "text": {
            "connecting": gettext("Connecting…"),
            "reconnecting": gettext("Reconnecting… this board is not up to date."),
            "last_update": gettext("Last update %(time)s"),
            "stale": gettext("No news from the server: checking the connection…"),
            "sound": gettext("Tap to turn on sound"),
        },
        # The last-10 figure, worded as the public /waits page words it.
        "last_ten": {
            "minutes": gettext("%(minutes)s min"),
            "none": "—",
            "stale": gettext("not current"),
            "closed": gettext("Closed"),
        },
    }
    response = current_app.make_response(render_template(
        "display/board.html", board=board, shown_calls=latest_per_ticket(board["calls"]), settings=settings,
        describe_wait=describe_wait,
        last_ten_text=settings["last_ten"],
        language=languages[0],
    ))
    response.cache_control.no_store = True  # never show a cached board as if it were current
    return response


def spoken_announcements(languages: list[str]) -> list[dict[str, str]]:
    """The announcement sentence for each voice language that has a translation (English otherwise)."""
    translated = set(available_languages())
    spoken = []
    for tag in languages:
        base = tag.split("-")[0]
        if base not in translated:
            current_app.logger.warning("no %s translation: the display will not announce in %s", base, tag)
            continue
        with force_locale(base):
            # TRANSLATORS: read out by the lobby display's voice; the number is spelled out, e.g. "A 0 0 7".
            spoken.append({"lang": tag, "text": gettext("Ticket %(number)s, please go to %(counter)s")})
    return spoken or [{"lang": "en-US", "text": "Ticket %(number)s, please go to %(counter)s"}]


@bp.get("/chime.wav")
@public
def chime() -> Response:
    """The announcement chime, synthesised by the server (so a display needs nothing from the internet)."""
    data = chime_wav()
    response = Response(data, mimetype="audio/wav")
    response.cache_control.public = True
    response.cache_control.max_age = 86_400
    return response

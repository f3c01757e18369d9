"""The kiosk's touchscreen page and the QR code image it shows."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, current_app, render_template, request, url_for

from waitwell.i18n import available_languages
from waitwell.kiosk.messages import messages_by_language
from waitwell.services import kiosk_taps, kiosks
from waitwell.services.languages import language_name
from waitwell.web import uow
from waitwell.web_common.qr import qr_svg

bp = Blueprint("kiosk", __name__, url_prefix="/kiosk", template_folder="templates", static_folder="static",
               static_url_path="/static")


@bp.get("/<int:kiosk_id>")
def show_kiosk(kiosk_id: int) -> Any:
    """The full-screen page for one registered kiosk, in its default language."""
    kiosk = kiosks.get_kiosk(uow(read_only=True), kiosk_id)
    messages = messages_by_language()
    language = kiosk.language if kiosk.language in messages else "en"
    settings = {
        "kioskId": kiosk.id,
        "language": language,
        "idleSeconds": kiosk.idle_reset_seconds,
        "resultSeconds": kiosk.result_seconds,
        "boardUrl": url_for("kiosks.board", kiosk_id=kiosk.id),
        "tapUrl": url_for("kiosks.tap", kiosk_id=kiosk.id),
        "printJobUrl": url_for("kiosks.print_outcome", kiosk_id=kiosk.id, job_id=0).rsplit("/", 1)[0] + "/",
        "checkInUrl": url_for("kiosks.check_in", kiosk_id=kiosk.id),
        "messages": messages,
    }
    languages = [(code, language_name(code)) for code in available_languages()]
    return render_template("kiosk/kiosk.html", kiosk=kiosk, settings=settings, text=messages[language],
                           language=language, languages=languages)


@bp.get("/qr/<token>.svg")
def qr_code(token: str) -> Response:
    """The ticket's QR code: the same status URL as on the paper (`?lang=` the language it was taken in)."""
    url = kiosk_taps.status_url(current_app.config["WAITWELL"].public_base_url, token, request.args.get("lang"))
    response = Response(qr_svg(url), mimetype="image/svg+xml")
    response.cache_control.private = True
    response.cache_control.max_age = 3600
    return response

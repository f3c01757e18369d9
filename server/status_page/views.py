"""The status page: server-rendered (it works without JavaScript), then kept live over /ticket."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask_babel import get_locale, gettext
from flask_wtf.csrf import CSRFError

from waitwell.auth import csrf, public
from waitwell.domain.errors import NotFound, WaitwellError
from waitwell.realtime.namespaces import SNAPSHOTS_KEY
from waitwell.realtime.snapshots import Snapshots
from waitwell.services import ratings, tickets
from waitwell.web import uow
from waitwell.web_common.rate_limits import look_up_token
from waitwell.web_common.waits import describe_wait, wait_templates

bp = Blueprint("status_page", __name__, url_prefix="/t", template_folder="templates", static_folder="static",
               static_url_path="/static")

CANCELLABLE = ("waiting", "called")


@bp.context_processor
def page_language() -> dict[str, str]:
    return {"page_lang": str(get_locale() or "en")}


@bp.get("/<token>")
@public
def show_status(token: str) -> Any:
    """The ticket's state now: number, people ahead, wait, last number called; or a call to go to a counter."""
    status = _status_or_none(token)
    if status is None:
        return _not_found()
    settings = {
        "token": token,
        "status": status,
        "waits": wait_templates(),
        "text": {
            "your_turn_title": gettext("It's your turn"),
            "notify_on": gettext("We will notify you"),
            "offline": gettext("Reconnecting… this page will update when the connection is back."),
        },
    }
    return _no_store(render_template("status_page/status.html", status=status, token=token, settings=settings,
                                     describe_wait=describe_wait, lang=_lang()))


@bp.get("/<token>/cancel")
@public
def confirm_cancel(token: str) -> Any:
    """Ask before giving up the place in line: one tap must not lose it."""
    status = _status_or_none(token)
    if status is None:
        return _not_found()
    if status["state"] not in CANCELLABLE:
        return redirect(url_for("status_page.show_status", token=token, **_lang()))
    return _no_store(render_template("status_page/cancel.html", status=status, token=token, lang=_lang()))


@bp.post("/<token>/cancel")
@public
def cancel(token: str) -> Any:
    """Cancel the ticket (a form with a CSRF token; the JSON API offers the same for apps)."""
    if (refusal := _refuse_forged_form()) is not None:
        return refusal
    try:
        look_up_token(lambda: tickets.cancel_ticket(uow(), token=token))
    except NotFound:
        return _not_found()
    except WaitwellError:
        pass  # already called to a counter, served or cancelled: the page shows what happened
    return redirect(url_for("status_page.show_status", token=token, **_lang()), code=303)


@bp.post("/<token>/rating")
@public
def rate(token: str) -> Any:
    """Store the optional 1 to 5 star answer with the ticket."""
    if (refusal := _refuse_forged_form()) is not None:
        return refusal
    try:
        stars = int(request.form.get("stars", "0"))
        look_up_token(lambda: ratings.rate_ticket(uow(), token=token, stars=stars))
    except NotFound:
        return _not_found()
    except (ValueError, WaitwellError):
        pass  # not a star count, or not served yet: the page shows the question again
    return redirect(url_for("status_page.show_status", token=token, **_lang()), code=303)


@bp.get("/sw.js")
@public
def service_worker() -> Any:
    """A service worker for the status pages: Android shows notifications only through one."""
    response = bp.send_static_file("sw.js")
    response.cache_control.max_age = 3600
    return response


def _status_or_none(token: str) -> dict[str, Any] | None:
    """The ticket's status, or None for unknown and expired tokens; a known token is always shown, and an
    address past its unknown tokens gets a 429 (rate_limits.look_up_token)."""
    snapshots: Snapshots = current_app.extensions[SNAPSHOTS_KEY]
    try:
        return look_up_token(lambda: snapshots.ticket(token))
    except NotFound:
        return None


def _not_found() -> Any:
    """One page, one status, for every unknown token: nothing to learn by trying."""
    return _no_store(current_app.make_response((render_template("status_page/not_found.html", lang=_lang()), 404)))


def _refuse_forged_form() -> Any | None:
    try:
        csrf.protect()
    except CSRFError:
        return render_template("status_page/form_expired.html", lang=_lang()), 400
    return None


def _lang() -> dict[str, str]:
    """Keep the language the citizen chose (the QR code may carry ?lang=) on every link."""
    asked = request.args.get("lang", "")
    return {"lang": asked} if asked else {}


def _no_store(response: Any) -> Any:
    response = current_app.make_response(response)
    response.cache_control.no_store = True  # the back button must never show an old state as current
    return response

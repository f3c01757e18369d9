"""The administration blueprint and what its views share: running a use case from a form, with the
audit log told and a clear message either way."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request
from flask_wtf import FlaskForm

from waitwell.web_common.audit_recorder import note
from waitwell.web_common.refusals import REFUSALS, refusal_status

bp = Blueprint("admin", __name__, url_prefix="/admin", template_folder="templates")


def sentence(message: str) -> str:
    return message[:1].upper() + message[1:] + ("" if message.endswith((".", "!", "?")) else ".")


def submit(
    submitted: FlaskForm | None,
    action: Callable[[], Any],
    *,
    audit: str,
    target: str,
    done: Callable[[Any], str] | str,
    next_url: Callable[[Any], str] | str,
    template: str,
    office_id: int | None = None,
    **context: Any,
) -> Any:
    """GET: show the form. POST: validate, run the use case, then redirect with a message, or show the page
    again with the refusal (422 invalid, 409 in use) so nothing looks done that was not. A `form` in
    `context` is the one shown (a button's own form is only its CSRF token)."""
    error, status = "", 200
    if request.method == "POST":
        valid = submitted.validate_on_submit() if submitted is not None else True
        if valid:
            try:
                result = action()
            except REFUSALS as refusal:
                error, status = sentence(refusal.message), refusal_status(refusal)
                note(audit, target=target, office_id=office_id, refused=refusal.message)
            else:
                note(audit, target=target, office_id=office_id)
                flash(done(result) if callable(done) else done, "success")
                return redirect(next_url(result) if callable(next_url) else next_url)
        else:
            error, status = "Some fields need attention (see below).", 422
            note(audit, target=target, office_id=office_id, refused="invalid form")
    return render_template(template, **{"form": submitted, **context}, error=error), status

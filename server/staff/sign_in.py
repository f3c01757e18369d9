"""The sign-in and sign-out pages (blueprint `auth_pages`; web_common/errors.py sends page requests here on 401)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, make_response, redirect, render_template, request, url_for
from flask_babel import gettext

from waitwell.auth import current_staff, public
from waitwell.domain.errors import BadCredentials, TooManyAttempts
from waitwell.persistence import Role
from waitwell.staff.forms import SignInForm
from waitwell.staff.signing import sign_in_here, sign_out_here
from waitwell.web_common.forms import EmptyForm

bp = Blueprint("auth_pages", __name__, template_folder="templates", static_folder="static",
               static_url_path="/staff/static")


@bp.route("/sign-in", methods=["GET", "POST"])
@public
def sign_in() -> Any:
    """Staff sign in here; a refused attempt says why (wrong credentials, or how long to wait: also in
    Retry-After)."""
    form = SignInForm()
    target = safe_next(request.args.get("next", ""))
    if current_staff() is not None and request.method == "GET":
        return redirect(target or home_for(current_staff().role))  # type: ignore[union-attr]
    status, error, retry_after = 200, "", None
    if form.validate_on_submit():
        try:
            member = sign_in_here(form.username.data or "", form.password.data or "")
        except BadCredentials:
            status, error = 401, gettext("Wrong username or password.")
        except TooManyAttempts as refusal:
            status, retry_after = 429, refusal.retry_after
            error = (gettext("Too many failed sign-ins: wait %(seconds)s s before trying again.",
                             seconds=retry_after) if retry_after < 120 else
                     gettext("Too many failed sign-ins: wait %(minutes)s minutes before trying again.",
                             minutes=-(-retry_after // 60)))
        else:
            return redirect(target or home_for(member.role))
    elif request.method == "POST":
        status = 400
        expired = bool(form.csrf_token.errors)
        error = "This form has expired; please sign in again." if expired else "Enter your username and password."
    response = make_response(render_template("staff/sign_in.html", form=form, error=error), status)
    if retry_after is not None:
        response.headers["Retry-After"] = str(retry_after)
    return response


@bp.post("/sign-out")
@public
def sign_out() -> Any:
    """End the session (the form carries a CSRF token, so another site cannot sign a clerk out)."""
    form = EmptyForm()
    if form.validate_on_submit():
        sign_out_here()
    return redirect(url_for("auth_pages.sign_in"))


def home_for(role: Role) -> str:
    return url_for("admin.index") if role == Role.ADMIN else url_for("console.index")


def safe_next(target: str) -> str:
    """Only a path on this site: `next` must never send a clerk to another site after signing in, nor carry a
    control character (a CR or LF would split the Location header) into the redirect."""
    if any(ord(character) < 0x20 or ord(character) == 0x7F for character in target):
        return ""
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return ""
    return target.rstrip("?")

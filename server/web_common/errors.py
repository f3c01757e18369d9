"""Every API error is `{"error": {"code": ..., "message": ...}}` with the right HTTP status; a browser that
opened a page (a mistyped kiosk or display address, say) gets a page saying the same in words."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, jsonify, make_response, redirect, render_template, request, url_for
from flask_babel import gettext
from werkzeug.exceptions import HTTPException, MethodNotAllowed

from waitwell.domain.errors import WaitwellError
from waitwell.persistence.unavailable import unavailable_reason
from waitwell.printers.errors import PrinterLibraryError
from waitwell.web_common.refusals import refusal_status
from waitwell.web_common.unavailable import database_unavailable

log = logging.getLogger(__name__)


def error_response(status: int, code: str, message: str, **extra: Any) -> Any:
    body: dict[str, Any] = {"code": code, "message": message}
    body.update(extra)
    response = jsonify({"error": body})
    response.status_code = status
    return response


def init_app(app: Flask) -> None:
    @app.errorhandler(WaitwellError)
    @app.errorhandler(PrinterLibraryError)
    def refusal(error: WaitwellError | PrinterLibraryError) -> Any:
        status = refusal_status(error)
        signing_in = "auth_pages.sign_in" in app.view_functions
        if status == 401 and signing_in and not request.path.startswith("/api/"):
            return redirect(url_for("auth_pages.sign_in", next=request.full_path))
        answer = (make_response(error_page(status, as_sentence(error.message))) if _wants_a_page()
                  else error_response(status, error.code, error.message))
        if (seconds := getattr(error, "retry_after", None)) is not None:  # a refusal for now: when to try again
            answer.headers["Retry-After"] = str(max(1, int(seconds)))
        return answer

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Any:
        if not request.path.startswith("/api/"):
            return error_page(error.code or 500) if _wants_a_page() else error
        status = error.code or 500
        data = getattr(error, "data", None) or {}
        messages = data.get("messages")
        if messages:
            return error_response(status, "invalid_request", _describe(messages), fields=messages)
        if isinstance(error, MethodNotAllowed) and error.valid_methods:
            allowed = ", ".join(sorted(set(error.valid_methods) - {"HEAD", "OPTIONS"}) or error.valid_methods)
            message = f"{request.method}: this method is not allowed here; use {allowed}"
            return _with_own_headers(error_response(status, "method_not_allowed", message), error)
        return _with_own_headers(error_response(status, _snake(error.name), error.description or error.name), error)

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception) -> Any:
        if (reason := unavailable_reason(error)) is not None:
            return database_unavailable(reason)  # 503 with Retry-After: the same request works in a moment
        log.exception("unhandled error on %s %s", request.method, request.path)
        if _wants_a_page():
            return error_page(500)
        if not request.path.startswith("/api/"):
            raise error
        return error_response(500, "internal_error", "something went wrong on the server; it has been logged")


def _with_own_headers(answer: Any, error: HTTPException) -> Any:
    """The error's own headers on the answer that replaces werkzeug's: `Allow` on a 405 says which methods
    the address takes (RFC 9110), `WWW-Authenticate` and `Retry-After` where the error set them."""
    response = make_response(answer)
    for name, value in error.get_headers():
        if name.lower() != "content-type":
            response.headers[name] = value
    return response


def _wants_a_page() -> bool:
    """A browser navigating to a page (GET, HTML preferred), not a script or a page's own fetch: those
    keep the JSON answer they read the message from."""
    if request.method != "GET" or request.path.startswith("/api/"):
        return False
    accepted = request.accept_mimetypes
    return accepted.quality("text/html") > accepted.quality("application/json")


def error_page(status: int, message: str = "") -> Any:
    """The error as a page, in the visitor's language where it has words of its own."""
    titles = {404: gettext("Page not found"), 409: gettext("Not possible right now"),
              429: gettext("Too many requests; please wait a moment")}
    title = titles.get(status) or (gettext("Something went wrong") if status >= 500 else
                                   gettext("This cannot be done"))
    if status == 404 and not message:
        message = gettext("Check the address, or start from the current wait times.")
    if status >= 500 and not message:
        message = gettext("The problem has been logged. Please try again in a moment.")
    return render_template("error.html", title=title, message=message, status=status), status


def as_sentence(message: str) -> str:
    """Domain messages start in lower case, for the API's JSON; on a page they are sentences."""
    return message[:1].upper() + message[1:] + ("" if message.endswith((".", "!", "?")) else ".")


def _describe(messages: dict[str, Any]) -> str:
    """Flatten webargs' {"json": {"field": ["msg"]}} into "field: msg; other: msg"."""
    parts: list[str] = []

    def walk(prefix: str, value: Any) -> None:
        if isinstance(value, dict):
            for key, inner in value.items():
                name = f"{prefix}.{key}" if prefix and not str(key).startswith("_") else (prefix or str(key))
                name = "request body" if name == "_schema" else name  # marshmallow's name for the whole body
                walk(name if key not in ("json", "query", "path", "form", "headers") else prefix, inner)
        elif isinstance(value, list) and all(isinstance(v, str) for v in value):
            parts.append(f"{prefix}: {' '.join(value)}" if prefix else " ".join(value))
        elif isinstance(value, list):
            for inner in value:
                walk(prefix, inner)
        else:
            parts.append(f"{prefix}: {value}" if prefix else str(value))

    walk("", messages)
    return "; ".join(parts) or "the request is not valid"


def _snake(name: str) -> str:
    return name.lower().replace(" ", "_").replace("-", "_")

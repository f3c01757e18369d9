"""Every API error is `{"error": {"code": ..., "message": ...}}` with the right HTTP status."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, jsonify, redirect, request, url_for
from werkzeug.exceptions import HTTPException

from waitwell.domain.errors import WaitwellError

log = logging.getLogger(__name__)


def error_response(status: int, code: str, message: str, **extra: Any) -> Any:
    body: dict[str, Any] = {"code": code, "message": message}
    body.update(extra)
    response = jsonify({"error": body})
    response.status_code = status
    return response


def init_app(app: Flask) -> None:
    @app.errorhandler(WaitwellError)
    def domain_error(error: WaitwellError) -> Any:
        signing_in = "auth_pages.sign_in" in app.view_functions
        if error.http_status == 401 and signing_in and not request.path.startswith("/api/"):
            return redirect(url_for("auth_pages.sign_in", next=request.full_path))
        return error_response(error.http_status, error.code, error.message)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Any:
        if not request.path.startswith("/api/"):
            return error
        status = error.code or 500
        data = getattr(error, "data", None) or {}
        messages = data.get("messages")
        if messages:
            return error_response(status, "invalid_request", _describe(messages), fields=messages)
        return error_response(status, _snake(error.name), error.description or error.name)

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception) -> Any:
        log.exception("unhandled error on %s %s", request.method, request.path)
        if not request.path.startswith("/api/"):
            raise error
        return error_response(500, "internal_error", "something went wrong on the server; it has been logged")


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

"""Request bodies the app will read: no larger than their endpoint class needs (413), and JSON that nests no
deeper than any Waitwell request does (400), so neither memory nor the JSON parser's recursion is the
caller's to spend.

Classes: the JSON API (`/api/`) takes up to `API_BODY_LIMIT`; the pages' forms and their scripts' JSON up to
`PAGE_BODY_LIMIT`. Nothing in Waitwell takes uploads, so no class is larger. Socket.IO messages do not
come through here (python-engineio caps them itself).
"""

from __future__ import annotations

import re
from typing import Any

from flask import Flask, current_app, request
from flask_babel import gettext
from werkzeug.exceptions import RequestEntityTooLarge

from waitwell.web_common.errors import error_page, error_response

API_BODY_LIMIT = 128 * 1024  # the largest JSON request (a what-if roster) is a few kilobytes
PAGE_BODY_LIMIT = 64 * 1024  # the largest form (an office's hours and recall rules) is about one
MAX_JSON_DEPTH = 64  # Waitwell's own requests nest 4 levels at most; Python's parser fails near 1,000
_JSON_TOKENS = re.compile(rb'"(?:[^"\\]|\\.)*"|[\[\]{}]')  # strings (skipped whole) and brackets


def init_app(app: Flask) -> None:
    """The largest class is the app's MAX_CONTENT_LENGTH (for anything read before the check); each request
    is then held to its own class's limit."""
    app.config.setdefault("MAX_CONTENT_LENGTH", API_BODY_LIMIT)
    app.before_request_funcs.setdefault(None, []).insert(0, _check_body)  # before anything reads the body
    app.register_error_handler(RequestEntityTooLarge, _too_large)


def body_limit() -> int:
    """The bytes this request's endpoint class accepts."""
    limit = API_BODY_LIMIT if request.path.startswith("/api/") else PAGE_BODY_LIMIT
    return min(limit, current_app.config["MAX_CONTENT_LENGTH"] or limit)


def nests_too_deep(body: bytes, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether the JSON text opens more than `limit` arrays or objects inside one another (brackets inside
    strings do not count). Counted without parsing: the parser is what deep nesting breaks."""
    if body.count(b"[") + body.count(b"{") <= limit:
        return False  # too few brackets to be that deep: the common case, at C speed
    depth = 0
    for token in _JSON_TOKENS.finditer(body):
        bracket = token.group()
        if bracket in (b"[", b"{"):
            depth += 1
            if depth > limit:
                return True
        elif bracket in (b"]", b"}"):
            depth -= 1
    return False


def _check_body() -> Any:
    request.max_content_length = body_limit()
    if request.content_length is not None and request.content_length > request.max_content_length:
        raise RequestEntityTooLarge()
    if request.is_json and nests_too_deep(request.get_data(cache=True)):
        return error_response(400, "invalid_request",
                              f"Invalid JSON body: it nests arrays or objects more than {MAX_JSON_DEPTH} deep",
                              fields={"json": ["Invalid JSON body."]})
    return None


def _too_large(error: RequestEntityTooLarge) -> Any:
    """JSON for the API and for the pages' scripts; a page, in the visitor's language, for a form."""
    limit_kib = (request.max_content_length or API_BODY_LIMIT) // 1024
    if request.path.startswith("/api/") or request.is_json:
        return error_response(413, "request_too_large",
                              f"the request body is larger than the {limit_kib} KiB this endpoint accepts")
    return error_page(413, gettext("What was sent is larger than this page accepts."))

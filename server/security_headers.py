"""Security headers on every answer the app builds, decided here and nowhere else.

- Content-Security-Policy: scripts, styles, images and connections from this origin only (no inline
  script or style anywhere; pages pass data to their scripts in `<script type="application/json">`
  blocks and data- attributes), Socket.IO over ws:/wss: to the same host, no plugins, no <base>,
  forms posting here only. Framing is refused (`frame-ancestors 'none'`) except on the lobby display
  pages, which an office may embed in a page of its own: WAITWELL_FRAME_ANCESTORS lists who may.
- X-Content-Type-Options: nosniff, so a file is never run as something else than it says it is.
- Referrer-Policy: strict-origin-when-cross-origin; no-referrer when the URL carries a secret token
  (a ticket's status page, a booking's page), so the token never leaves in a Referer header.
- Cache-Control: no-store on every page and API answer, so a shared PC or a proxy never keeps a staff
  page, a new API token or a ticket's token; static files, and answers that set their own caching,
  keep theirs, except that staff-only answers and URLs with a secret token are no-store whatever
  they set.
"""

from __future__ import annotations

import os
import re

from flask import Flask, Response, current_app, request

from waitwell.config import FRAME_ANCESTORS_SETTING, frame_sources

# The pages an office may embed (the lobby display); every other page refuses to be framed.
EMBEDDABLE_ENDPOINTS = frozenset({"display.show_display"})
NOT_FRAMED = "'none'"
# A Host header that is only a host name or an IP address, with an optional port: safe to put in a policy.
PLAIN_HOST = re.compile(r"^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$")


def init_app(app: Flask) -> None:
    """Read WAITWELL_FRAME_ANCESTORS (app config first, then the environment) and add the headers to every answer."""
    name = FRAME_ANCESTORS_SETTING
    app.config[name] = frame_sources(name, app.config[name] if name in app.config else os.environ.get(name))
    app.after_request(add_security_headers)


def content_security_policy(*, frame_ancestors: str = NOT_FRAMED, host: str = "") -> str:
    """The policy of one answer: `host` (the Host the browser asked) is allowed for Socket.IO's ws:/wss:."""
    sockets = f" ws://{host} wss://{host}" if PLAIN_HOST.match(host) else ""
    directives = {
        "default-src": "'self'",
        "script-src": "'self'",
        "style-src": "'self'",
        "img-src": "'self' data:",  # the pages' empty icon (data:,) and the API browser's icons; never run
        "connect-src": f"'self'{sockets}",
        "object-src": "'none'",
        "base-uri": "'none'",
        "form-action": "'self'",
        "frame-ancestors": frame_ancestors,
    }
    return "; ".join(f"{name} {sources}" for name, sources in directives.items())


def add_security_headers(response: Response) -> Response:
    """After every request: the policy, nosniff, the referrer rule and no-store where it applies."""
    endpoint = request.endpoint or ""
    embeddable = endpoint in EMBEDDABLE_ENDPOINTS
    frame_ancestors = current_app.config[FRAME_ANCESTORS_SETTING] if embeddable else NOT_FRAMED
    headers = response.headers
    headers["Content-Security-Policy"] = content_security_policy(frame_ancestors=frame_ancestors, host=request.host)
    if frame_ancestors == NOT_FRAMED:
        headers["X-Frame-Options"] = "DENY"  # for browsers that predate frame-ancestors
    headers["X-Content-Type-Options"] = "nosniff"
    secret_url = "token" in (request.view_args or {})
    if secret_url:
        headers["Referrer-Policy"] = "no-referrer"
    else:
        headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    if secret_url or _staff_only(endpoint) or ("Cache-Control" not in headers and not _static(endpoint)):
        headers["Cache-Control"] = "no-store"
    return response


def _staff_only(endpoint: str) -> bool:
    view = current_app.view_functions.get(endpoint)
    return getattr(view, "required_role", None) is not None


def _static(endpoint: str) -> bool:
    return endpoint == "static" or endpoint.endswith(".static")

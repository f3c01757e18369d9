"""Flask-Limiter for the public endpoints a device can hammer (kiosk taps): memory, or Redis when REDIS_URL is set."""

from __future__ import annotations

import math
import time
from typing import Any

from flask import Flask, current_app, request
from flask_limiter import Limiter, RateLimitExceeded
from flask_limiter.util import get_remote_address

from waitwell.api.errors import error_response
from waitwell.config import Config

# A person takes a ticket in a few seconds at best; a kiosk's page also retries a tap after a network drop.
DEFAULT_KIOSK_TAP_LIMIT = "30 per minute;10 per 10 seconds"


def device_and_address() -> str:
    """Limits count per kiosk and per address, so one stuck kiosk never locks the others out."""
    kiosk_id = (request.view_args or {}).get("kiosk_id", "-")
    return f"kiosk:{kiosk_id}|{get_remote_address()}"


# No X-RateLimit-* headers on every answer: each costs another look at the counts (a Redis round trip when
# they are shared, a tenth of a tap's work there). A refused request says when to try again (Retry-After).
limiter = Limiter(key_func=device_and_address, default_limits=[], headers_enabled=False)


def kiosk_tap_limit() -> str:
    return str(current_app.config.get("KIOSK_TAP_LIMIT", DEFAULT_KIOSK_TAP_LIMIT))


def init_app(app: Flask) -> None:
    """Bind the limiter once per app; Redis keeps counts shared between processes when configured."""
    if "limiter" in app.extensions:
        return
    config: Config = app.config["WAITWELL"]
    app.config.setdefault("RATELIMIT_STORAGE_URI", config.redis_url or "memory://")
    app.config.setdefault("RATELIMIT_KEY_PREFIX", "waitwell-limits")
    limiter.init_app(app)

    @app.errorhandler(RateLimitExceeded)
    def too_many(error: RateLimitExceeded) -> Any:
        response = error_response(429, "too_many_requests",
                                  "too many tickets were asked for from this kiosk just now; please wait a moment",
                                  limit=str(error.description))
        return with_retry_after(response)


def with_retry_after(response: Any) -> Any:
    """Retry-After on a refusal: the seconds until the limit that refused the request lets it through."""
    refused_by = limiter.current_limit
    if refused_by is not None:
        response.headers["Retry-After"] = str(max(1, math.ceil(refused_by.reset_at - time.time())))
    return response

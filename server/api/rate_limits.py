"""Rate limits on the public endpoints a device or a script can hammer (kiosk taps and check-ins, online
bookings), counted in Flask-Limiter's storage: memory, or Redis when REDIS_URL is set."""

from __future__ import annotations

import logging
import math
import time
from functools import lru_cache
from typing import Any

from flask import Flask, current_app, request
from flask_limiter import Limiter, RateLimitExceeded
from flask_limiter.util import get_remote_address
from limits import RateLimitItem, parse_many
from limits.errors import StorageError

from waitwell.api.errors import error_response
from waitwell.config import Config, quick_redis_options, rate_limit

log = logging.getLogger(__name__)
LIMIT_KEY_PREFIX = "waitwell-limits"
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


class KioskLimitReached(Exception):
    """A kiosk (or a script at its address) asked for more than `limit` allows; it may try again in
    `retry_after` seconds."""

    def __init__(self, limit: RateLimitItem, retry_after: int) -> None:
        super().__init__(str(limit))
        self.limit = limit
        self.retry_after = retry_after


def check_kiosk_limit() -> None:
    """Count this request against the kiosk limit, per kiosk, address and endpoint; raise KioskLimitReached
    when it is over.

    Flask-Limiter's own strategy and storage, without its decorator: the decorator's bookkeeping took
    about 35 µs of CPU per request, and its pass before every request as much again, where this takes 5
    (a whole tap costs about 1.5 ms; docs/kiosk.md). As with the decorator, the limits are counted
    shortest window first and the first one that refuses ends the count. When the storage cannot be
    reached (Redis down), the tap goes through: a ticket matters more than the brake.
    """
    if not limiter.enabled:  # RATELIMIT_ENABLED = False
        return
    limits = _limits(kiosk_tap_limit())
    scope = (current_app.config["RATELIMIT_KEY_PREFIX"], device_and_address(), request.endpoint or "kiosk")
    try:
        strategy = limiter.limiter
        refused_by = next((limit for limit in limits if not strategy.hit(limit, *scope)), None)
        if refused_by is None:
            return
        reset_at = strategy.get_window_stats(refused_by, *scope).reset_time
    except StorageError as error:
        _storage_unreachable(error)
        return
    raise KioskLimitReached(refused_by, retry_after=max(1, math.ceil(reset_at - time.time())))


@lru_cache(maxsize=16)
def _limits(setting: str) -> list[RateLimitItem]:
    return sorted(parse_many(setting))


UNREACHABLE_LOG_EVERY_SECONDS = 60.0
UNREACHABLE_LOGGED_KEY = "waitwell.limit_storage_error_logged_at"


def _storage_unreachable(error: StorageError) -> None:
    """Logged once a minute at most: every tap meets the same outage."""
    now = time.monotonic()
    logged_at = current_app.extensions.get(UNREACHABLE_LOGGED_KEY)
    if logged_at is None or now - logged_at >= UNREACHABLE_LOG_EVERY_SECONDS:
        current_app.extensions[UNREACHABLE_LOGGED_KEY] = now
        log.error("the kiosk rate limit could not be counted (%s); kiosk requests go through unlimited",
                  error.storage_error)


def init_app(app: Flask) -> None:
    """Bind the limiter once per app; Redis keeps counts shared between processes when configured."""
    if "limiter" in app.extensions:
        return
    config: Config = app.config["WAITWELL"]
    app.config["KIOSK_TAP_LIMIT"] = rate_limit("KIOSK_TAP_LIMIT", app.config.get("KIOSK_TAP_LIMIT",
                                                                                DEFAULT_KIOSK_TAP_LIMIT))
    app.config.setdefault("RATELIMIT_ENABLED", True)  # the limiter is shared: no app inherits another's off
    app.config.setdefault("RATELIMIT_STORAGE_URI", config.redis_url or "memory://")
    app.config.setdefault("RATELIMIT_KEY_PREFIX", LIMIT_KEY_PREFIX)
    if app.config["RATELIMIT_STORAGE_URI"].startswith("redis"):
        # Storage errors as limits' StorageError (the kiosk check lets taps through on them), and a Redis
        # that does not answer costs a tap a second or two, not redis-py's default retries.
        app.config.setdefault("RATELIMIT_STORAGE_OPTIONS", {"wrap_exceptions": True, **quick_redis_options()})
    limiter.init_app(app)
    _skip_the_pass_before_every_request(app)

    @app.errorhandler(KioskLimitReached)
    def too_many_taps(error: KioskLimitReached) -> Any:
        response = error_response(429, "too_many_requests",
                                  "too many tickets were asked for from this kiosk just now; please wait a moment",
                                  limit=str(error.limit))
        response.headers["Retry-After"] = str(error.retry_after)
        return response

    @app.errorhandler(RateLimitExceeded)
    def too_many(error: RateLimitExceeded) -> Any:  # Flask-Limiter's limits, should any be configured
        response = error_response(429, "too_many_requests", "too many requests just now; please wait a moment",
                                  limit=str(error.description))
        return with_retry_after(response)


def _skip_the_pass_before_every_request(app: Flask) -> None:
    """Flask-Limiter looks for default and application-wide limits before every request of every page.
    Waitwell sets none (the routes with limits check them themselves), so that pass would find nothing,
    at about 35 µs a request; it is left out unless such limits are configured."""
    if any(app.config.get(setting) for setting in ("RATELIMIT_DEFAULT", "RATELIMIT_APPLICATION", "RATELIMIT_META")):
        return
    hooks = app.before_request_funcs.get(None, [])
    if limiter._check_request_limit in hooks:  # the hook Flask-Limiter registered above
        hooks.remove(limiter._check_request_limit)


def with_retry_after(response: Any) -> Any:
    """Retry-After on a refusal: the seconds until the limit that refused the request lets it through."""
    refused_by = limiter.current_limit
    if refused_by is not None:
        response.headers["Retry-After"] = str(max(1, math.ceil(refused_by.reset_at - time.time())))
    return response

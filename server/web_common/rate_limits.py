"""Rate limits on the public endpoints a device or a script can hammer (kiosk taps and check-ins, taking a
ticket through the API, looking up unknown ticket and booking tokens, online bookings), counted in
Flask-Limiter's storage: memory, or Redis when REDIS_URL is set, so every process counts the same hits."""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable
from functools import lru_cache
from typing import Any, TypeVar

from flask import Flask, current_app, request
from flask_limiter import Limiter, RateLimitExceeded
from flask_limiter.util import get_remote_address
from limits import RateLimitItem, parse_many
from limits.errors import StorageError

from waitwell.config import DEFAULT_DAILY_TICKET_CAP, Config, quick_redis_options, rate_limit, whole_number
from waitwell.domain.errors import NotFound
from waitwell.web_common.errors import error_page, error_response

log = logging.getLogger(__name__)
T = TypeVar("T")
LIMIT_KEY_PREFIX = "waitwell-limits"
# A person takes a ticket in a few seconds at best; a kiosk's page also retries a tap after a network drop.
DEFAULT_KIOSK_TAP_LIMIT = "30 per minute;10 per 10 seconds"
# POST /api/v1/tickets, from one address whoever signs the request: a desk issuing for the visitors in
# front of it takes a ticket every few seconds at most.
DEFAULT_ISSUE_LIMIT_PER_ADDRESS = "30 per minute;10 per 10 seconds"
# The same, for all callers of one office together: several desks, never a ticket a second for long.
DEFAULT_ISSUE_LIMIT_PER_OFFICE = "120 per minute;600 per hour"
# Unknown ticket and booking tokens looked up from one address (tokens carry 192 random bits: a person
# mistypes one now and then, only a scanner misses this often).
DEFAULT_TOKEN_GUESS_LIMIT = "30 per minute"
DEFAULTS = {"KIOSK_TAP_LIMIT": DEFAULT_KIOSK_TAP_LIMIT, "ISSUE_LIMIT_PER_ADDRESS": DEFAULT_ISSUE_LIMIT_PER_ADDRESS,
            "ISSUE_LIMIT_PER_OFFICE": DEFAULT_ISSUE_LIMIT_PER_OFFICE, "TOKEN_GUESS_LIMIT": DEFAULT_TOKEN_GUESS_LIMIT}


def device_and_address() -> str:
    """Limits count per kiosk and per address, so one stuck kiosk never locks the others out."""
    kiosk_id = (request.view_args or {}).get("kiosk_id", "-")
    return f"kiosk:{kiosk_id}|{get_remote_address()}"


# No X-RateLimit-* headers on every answer: each costs another look at the counts (a Redis round trip when
# they are shared, a tenth of a tap's work there). A refused request says when to try again (Retry-After).
limiter = Limiter(key_func=device_and_address, default_limits=[], headers_enabled=False)


def kiosk_tap_limit() -> str:
    return _setting("KIOSK_TAP_LIMIT")


class LimitReached(Exception):
    """A caller asked for more than `limit` allows; it may try again in `retry_after` seconds. `message` says
    what was refused, for the API's JSON (a page shows its own sentence)."""

    def __init__(self, limit: RateLimitItem, retry_after: int, message: str) -> None:
        super().__init__(message)
        self.limit = limit
        self.retry_after = retry_after
        self.message = message


def check_kiosk_limit() -> None:
    """Count this request against the kiosk limit, per kiosk, address and endpoint; raise LimitReached
    when it is over.

    Flask-Limiter's own strategy and storage, without its decorator: the decorator's bookkeeping took
    about 35 µs of CPU per request, and its pass before every request as much again, where this takes 5
    (a whole tap costs about 1.5 ms; docs/kiosk.md). As with the decorator, the limits are counted
    shortest window first and the first one that refuses ends the count. When the storage cannot be
    reached (Redis down), the tap goes through: a ticket matters more than the brake.
    """
    _count(kiosk_tap_limit(), device_and_address(), request.endpoint or "kiosk",
           "too many tickets were asked for from this kiosk just now; please wait a moment")


def check_issue_limits(office_id: int) -> None:
    """Count a ticket asked for through the API, per client address and per office, whoever signed the
    request (a leaked token or a runaway integration stops at the limit too); raise LimitReached when over."""
    _count(_setting("ISSUE_LIMIT_PER_ADDRESS"), f"address:{get_remote_address()}", "issue",
           "too many tickets were asked for from this address just now; please wait a moment")
    _count(_setting("ISSUE_LIMIT_PER_OFFICE"), f"office:{office_id}", "issue",
           "too many tickets were asked for in this office just now; please wait a moment")


def look_up_token(find: Callable[[], T]) -> T:
    """`find()` looks a ticket or booking up by its secret token. What it finds is always served, however
    many unknown tokens the address tried; a miss (NotFound) is counted for the address, and once the
    address is over the limit it is answered LimitReached (429) instead of the NotFound (404)."""
    try:
        return find()
    except NotFound:
        count_token_guess(get_remote_address())
        raise


def count_token_guess(address: str) -> None:
    """An unknown token was looked up from `address`; raise LimitReached when the address is over the limit."""
    _count(_setting("TOKEN_GUESS_LIMIT"), address, "token-guesses",
           "too many unknown tokens were tried from this address; please wait a minute")


def token_guesses_used_up(address: str) -> bool:
    """Whether the next unknown token from `address` would be refused (without counting one)."""
    if not limiter.enabled:
        return False
    scope = (current_app.config["RATELIMIT_KEY_PREFIX"], address, "token-guesses")
    try:
        return not all(limiter.limiter.test(limit, *scope) for limit in _limits(_setting("TOKEN_GUESS_LIMIT")))
    except StorageError as error:
        _storage_unreachable(error)
        return False


def _count(setting: str, key: str, scope: str, message: str) -> None:
    """Count one hit of `key` in `scope` against each limit of `setting`, shortest window first; the first
    limit that refuses ends the count and raises LimitReached. Unreachable counts let the request through."""
    if not limiter.enabled:  # RATELIMIT_ENABLED = False
        return
    counted = (current_app.config["RATELIMIT_KEY_PREFIX"], key, scope)
    try:
        strategy = limiter.limiter
        refused_by = next((limit for limit in _limits(setting) if not strategy.hit(limit, *counted)), None)
        if refused_by is None:
            return
        reset_at = strategy.get_window_stats(refused_by, *counted).reset_time
    except StorageError as error:
        _storage_unreachable(error)
        return
    raise LimitReached(refused_by, max(1, math.ceil(reset_at - time.time())), message)


def _setting(name: str) -> str:
    return str(current_app.config.get(name) or DEFAULTS[name])


@lru_cache(maxsize=16)
def _limits(setting: str) -> list[RateLimitItem]:
    return sorted(parse_many(setting))


UNREACHABLE_LOG_EVERY_SECONDS = 60.0
UNREACHABLE_LOGGED_KEY = "waitwell.limit_storage_error_logged_at"


def _storage_unreachable(error: StorageError) -> None:
    """Logged once a minute at most: every request meets the same outage."""
    now = time.monotonic()
    logged_at = current_app.extensions.get(UNREACHABLE_LOGGED_KEY)
    if logged_at is None or now - logged_at >= UNREACHABLE_LOG_EVERY_SECONDS:
        current_app.extensions[UNREACHABLE_LOGGED_KEY] = now
        log.error("the rate limits could not be counted (%s); requests go through unlimited meanwhile",
                  error.storage_error)


def init_app(app: Flask) -> None:
    """Read the limits and the daily cap, and bind the limiter once per app; Redis keeps counts shared between
    processes when configured."""
    if "limiter" in app.extensions:
        return
    config: Config = app.config["WAITWELL"]
    for name, default in DEFAULTS.items():  # a typo stops the app here, not a request later
        app.config[name] = rate_limit(name, app.config.get(name) or default)
    app.config["DAILY_TICKET_CAP"] = whole_number("DAILY_TICKET_CAP", app.config.get("DAILY_TICKET_CAP"),
                                                  DEFAULT_DAILY_TICKET_CAP)
    app.config.setdefault("RATELIMIT_ENABLED", True)  # the limiter is shared: no app inherits another's off
    app.config.setdefault("RATELIMIT_STORAGE_URI", config.redis_url or "memory://")
    app.config.setdefault("RATELIMIT_KEY_PREFIX", LIMIT_KEY_PREFIX)
    if app.config["RATELIMIT_STORAGE_URI"].startswith("redis"):
        # Storage errors as limits' StorageError (the kiosk check lets taps through on them), and a Redis
        # that does not answer costs a tap a second or two, not redis-py's default retries.
        app.config.setdefault("RATELIMIT_STORAGE_OPTIONS", {"wrap_exceptions": True, **quick_redis_options()})
    limiter.init_app(app)
    _skip_the_pass_before_every_request(app)

    @app.errorhandler(LimitReached)
    def over_a_limit(error: LimitReached) -> Any:
        """JSON for the API, the error page (in the visitor's language) for the pages; both say when to retry."""
        if request.path.startswith("/api/"):
            response = error_response(429, "too_many_requests", error.message, limit=str(error.limit))
        else:
            response = current_app.make_response(error_page(429))
            response.cache_control.no_store = True
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

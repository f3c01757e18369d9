"""Who may scrape /metrics. It names offices, services and printers, so it stays closed until the operator
says who may read it: scrapers that send WAITWELL_METRICS_TOKEN as a bearer token, or the addresses and ranges
on WAITWELL_METRICS_ALLOW (behind a reverse proxy, `waitwell serve --proxies` makes the address the scraper's)."""

from __future__ import annotations

import hmac
import ipaddress

from flask import Flask, Response, current_app, request

from waitwell.config import METRICS_ALLOW_SETTING, address_ranges

TOKEN_SETTING = "WAITWELL_METRICS_TOKEN"  # scrapers send "Authorization: Bearer <token>"
CLOSED = (f"/metrics is closed until you say who may read it: set {TOKEN_SETTING} (scrapers then send "
          f"'Authorization: Bearer <token>') or {METRICS_ALLOW_SETTING} (the scrapers' addresses, such as 10.0.0.5 "
          "or 10.0.0.0/24); see docs/deployment.md\n")


def check_settings(app: Flask) -> None:
    """Raise ConfigError now for an allow-list that cannot be read, rather than at the first scrape."""
    address_ranges(METRICS_ALLOW_SETTING, app.config.get(METRICS_ALLOW_SETTING))


def refusal() -> Response | None:
    """The answer refusing this request, or None when it may read /metrics."""
    token = str(current_app.config.get(TOKEN_SETTING) or "")
    allowed = address_ranges(METRICS_ALLOW_SETTING, current_app.config.get(METRICS_ALLOW_SETTING))
    if not token and not allowed:
        return _plain(403, CLOSED)
    if allowed and _from(allowed):
        return None
    if token:
        scheme, _, given = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), token.encode()):
            return None
        response = _plain(401, "a bearer token is needed for /metrics\n")
        response.headers["WWW-Authenticate"] = "Bearer"
        return response
    return _plain(403, f"{request.remote_addr} is not on {METRICS_ALLOW_SETTING}, which says who may read /metrics\n")


def _from(allowed: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]) -> bool:
    try:
        address = ipaddress.ip_address(request.remote_addr or "")
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return any(address.version == network.version and address in network for network in allowed)


def _plain(status: int, text: str) -> Response:
    return Response(text, status=status, mimetype="text/plain", headers={"Cache-Control": "no-store"})

"""The public addresses of a booking, for emails (no request around) and pages alike."""

from __future__ import annotations

MANAGE_PREFIX = "/appointments"
BOOKING_PREFIX = "/book"


def manage_url(base_url: str, token: str) -> str:
    """The booking's secret link: check in from the phone, reschedule, cancel."""
    return f"{base_url.rstrip('/')}{MANAGE_PREFIX}/{token}"


def calendar_url(base_url: str, token: str) -> str:
    return f"{manage_url(base_url, token)}/calendar.ics"


def booking_url(base_url: str, office_id: int | None = None) -> str:
    root = f"{base_url.rstrip('/')}{BOOKING_PREFIX}/"
    return f"{root}{office_id}" if office_id is not None else root

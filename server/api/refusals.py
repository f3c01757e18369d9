"""How the OpenAPI document describes the refusals of the abuse brakes (`bp.alt_response(status, **REFUSAL)`),
so a client can read from the document that it must authenticate and may be told to wait."""

from __future__ import annotations

from typing import Any

# The API's one error body (web_common/errors.py), as the document names it.
ERROR_BODY = {"$ref": "#/components/schemas/Error"}
RETRY_AFTER = {"Retry-After": {"description": "Seconds to wait before trying again",
                               "schema": {"type": "integer", "minimum": 1}}}

NOT_SIGNED_IN: dict[str, Any] = {
    "schema": ERROR_BODY,
    "description": "not_signed_in: no staff session and no valid API token (`Authorization: Bearer ...`)",
}
NOT_AUTHORIZED: dict[str, Any] = {
    "schema": ERROR_BODY,
    "description": "not_authorized: the caller is not staff of the service's office",
}
TOO_MANY_TICKETS: dict[str, Any] = {
    "schema": ERROR_BODY, "headers": RETRY_AFTER,
    "description": "too_many_requests: over the limit per client address or per office; "
                   "daily_ticket_cap_reached: the office has issued as many tickets today as a day allows",
}
TOO_MANY_GUESSES: dict[str, Any] = {
    "schema": ERROR_BODY, "headers": RETRY_AFTER,
    "description": "too_many_requests: this token is unknown, and so were too many others tried from this "
                   "address just now (a known token is always answered)",
}

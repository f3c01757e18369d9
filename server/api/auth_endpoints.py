"""Signing staff in and out, and API tokens for machines."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint

from waitwell.api.schemas import SignInRequest, StaffSchema, TokenRequest, TokenSchema
from waitwell.auth import configured_token_rules, staff, staff_required
from waitwell.services import credentials
from waitwell.staff.signing import sign_in_here, sign_out_here
from waitwell.web import uow

bp = Blueprint("auth", __name__, url_prefix="/api/v1/auth", description="Staff sign-in and API tokens")


@bp.post("/sign-in")
@bp.arguments(SignInRequest())
@bp.response(200, StaffSchema)
def sign_in(body: dict[str, Any]) -> Any:
    """Start a staff session (a cookie). Repeated failures from an address bring growing delays, never a lock:
    a try during one is refused with 429 `too_many_attempts` and `Retry-After` (seconds). The username is
    found whatever its case.

    Writes made with this cookie need the `X-CSRFToken` header: its value comes in the
    `X-CSRFToken` header of this answer (and of every /api answer to a signed-in session).
    """
    return sign_in_here(body["username"], body["password"])


@bp.post("/sign-out")
@bp.response(204)
def sign_out() -> None:
    """End the staff session."""
    sign_out_here()


@bp.get("/me")
@bp.response(200, StaffSchema)
@staff_required()
def me() -> Any:
    """Who is signed in."""
    return staff().member


@bp.post("/tokens")
@bp.arguments(TokenRequest())
@bp.response(201, TokenSchema)
@staff_required()
def create_token(body: dict[str, Any]) -> Any:
    """Create a bearer token for a machine; it is shown only in this answer. Needs a session signed in with
    a password (403 with a token).

    Clerks and supervisors create tokens acting as themselves, up to WAITWELL_STAFF_TOKEN_LIMIT live ones
    (409 beyond); administrators for anyone (`user_id`). `expires_in_days` sets its lifetime; without it the
    server's WAITWELL_API_TOKEN_DAYS applies (none when unset), and only administrators may ask for longer.
    """
    member = staff().member
    return credentials.create_token_for(uow(), creator=member, user_id=body.get("user_id", member.id),
                                        name=body["name"], days=body.get("expires_in_days"),
                                        rules=configured_token_rules())

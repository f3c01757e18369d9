"""Signing staff in and out, and API tokens for machines."""

from __future__ import annotations

from typing import Any

from flask_login import login_user, logout_user
from flask_smorest import Blueprint

from waitwell.api.schemas import SignInRequest, StaffSchema, TokenRequest, TokenSchema
from waitwell.auth import SignedInStaff, staff, staff_required
from waitwell.domain.errors import WaitwellError
from waitwell.services import accounts
from waitwell.web import uow

bp = Blueprint("auth", __name__, url_prefix="/api/v1/auth", description="Staff sign-in and API tokens")


class BadCredentials(WaitwellError):
    code = "bad_credentials"
    http_status = 401


@bp.post("/sign-in")
@bp.arguments(SignInRequest)
@bp.response(200, StaffSchema)
def sign_in(body: dict[str, Any]) -> Any:
    """Start a staff session (a cookie)."""
    member = accounts.authenticate(uow(read_only=True), username=body["username"], password=body["password"])
    if member is None:
        raise BadCredentials("wrong username or password")
    login_user(SignedInStaff(member))
    return member


@bp.post("/sign-out")
@bp.response(204)
def sign_out() -> None:
    """End the staff session."""
    logout_user()


@bp.get("/me")
@bp.response(200, StaffSchema)
@staff_required()
def me() -> Any:
    """Who is signed in."""
    return staff().member


@bp.post("/tokens")
@bp.arguments(TokenRequest)
@bp.response(201, TokenSchema)
@staff_required()
def create_token(body: dict[str, Any]) -> Any:
    """Create a bearer token acting as the signed-in user; it is shown only in this answer."""
    token = accounts.create_api_token(uow(), user_id=staff().member.id, name=body["name"])
    return {"token": token, "name": body["name"]}

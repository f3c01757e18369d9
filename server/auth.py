"""Who is calling: staff sessions (Flask-Login) and bearer API tokens for machines."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from flask import Flask, request
from flask_login import UserMixin, current_user

from waitwell.domain.errors import NotAuthorized, WaitwellError
from waitwell.extensions import login_manager
from waitwell.persistence import Role
from waitwell.services import accounts
from waitwell.services.accounts import StaffMember
from waitwell.web import uow

F = TypeVar("F", bound=Callable[..., Any])


class NotSignedIn(WaitwellError):
    code = "not_signed_in"
    http_status = 401


class SignedInStaff(UserMixin):
    """Flask-Login's view of a staff member."""

    def __init__(self, member: StaffMember) -> None:
        self.member = member

    def get_id(self) -> str:
        return str(self.member.id)

    @property
    def role(self) -> Role:
        return self.member.role

    def can_act_in(self, office_id: int) -> bool:
        return self.member.role == Role.ADMIN or office_id in self.member.office_ids


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.session_protection = "strong"

    @login_manager.user_loader
    def load_user(user_id: str) -> SignedInStaff | None:
        if not user_id.isdigit():
            return None
        member = accounts.load_staff_member(uow(read_only=True), int(user_id))
        return SignedInStaff(member) if member else None

    @login_manager.request_loader
    def load_user_from_token(req: Any) -> SignedInStaff | None:
        header = req.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return None
        member = accounts.staff_member_for_token(uow(), token.strip())
        return SignedInStaff(member) if member else None

    @login_manager.unauthorized_handler
    def unauthorized() -> Any:
        raise NotSignedIn("sign in as staff (session cookie) or send 'Authorization: Bearer <API token>'")


def staff() -> SignedInStaff:
    """The signed-in staff member; raises NotSignedIn for anonymous requests."""
    if not current_user.is_authenticated:
        raise NotSignedIn("sign in as staff (session cookie) or send 'Authorization: Bearer <API token>'")
    return cast(SignedInStaff, current_user._get_current_object())  # type: ignore[attr-defined]


def staff_required(role: Role = Role.CLERK) -> Callable[[F], F]:
    """Refuse anonymous callers (401) and staff below `role` (403)."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            user = staff()
            if not user.role.includes(role):
                raise NotAuthorized(f"this needs the {role.value} role; you are signed in as {user.role.value}")
            return view(*args, **kwargs)

        return cast(F, wrapped)

    return decorator


def require_office(office_id: int) -> None:
    """Refuse staff acting on an office they do not belong to."""
    if not staff().can_act_in(office_id):
        raise NotAuthorized("you are not a member of this office's staff")


def wants_json() -> bool:
    return request.path.startswith("/api/")

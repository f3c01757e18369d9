"""Who is calling and what they may do: staff sessions (Flask-Login), bearer API tokens, roles, offices, CSRF.

Every view that is not public carries `staff_required(role)`. The role and the office of the ids
in the URL are checked in a `before_request` hook, before the view parses its arguments, so a
refusal never depends on the body being valid; the decorator checks again inside the view.

CSRF: a request authenticated by the session cookie that changes something needs a CSRF token
(the hidden `csrf_token` field of a form, or the `X-CSRFToken` header for JSON). A request with
`Authorization: Bearer ...` is exempt: browsers never attach that header by themselves, so another
site cannot forge it. Anonymous requests carry no authority to abuse; the sign-in form has its own
token against login CSRF.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import Any, TypeVar, cast

from flask import Flask, Response, current_app, render_template, request, session
from flask_login import UserMixin, current_user, login_user, logout_user
from flask_wtf.csrf import CSRFError, CSRFProtect, generate_csrf

from waitwell.domain.errors import NotAuthorized, WaitwellError
from waitwell.extensions import login_manager
from waitwell.persistence import Role
from waitwell.services import access, accounts
from waitwell.services.accounts import StaffMember
from waitwell.web import uow

F = TypeVar("F", bound=Callable[..., Any])

csrf = CSRFProtect()
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
SESSION_LIFETIME = timedelta(hours=12)  # one working day; then sign in again
CSRF_HEADER = "X-CSRFToken"


class NotSignedIn(WaitwellError):
    code = "not_signed_in"
    http_status = 401


class SignedInStaff(UserMixin):
    """Flask-Login's view of a staff member."""

    def __init__(self, member: StaffMember, *, by_token: bool = False) -> None:
        self.member = member
        self.by_token = by_token

    def get_id(self) -> str:
        return str(self.member.id)

    @property
    def role(self) -> Role:
        return self.member.role

    def can_act_in(self, office_id: int) -> bool:
        return self.member.role == Role.ADMIN or office_id in self.member.office_ids


def init_app(app: Flask) -> None:
    """Sessions, tokens, the route guard, CSRF and secure cookie settings."""
    app.config.setdefault("PERMANENT_SESSION_LIFETIME", SESSION_LIFETIME)
    app.config.setdefault("REMEMBER_COOKIE_HTTPONLY", True)
    app.config.setdefault("REMEMBER_COOKIE_SAMESITE", "Lax")
    app.config.setdefault("SESSION_COOKIE_HTTPONLY", True)
    app.config.setdefault("SESSION_COOKIE_SAMESITE", "Lax")
    # A console stays open all day: the token lives as long as the session, not one hour.
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", None)
    # CSRF is checked by `_guard` below, with the API's bearer-token exemption.
    app.config["WTF_CSRF_CHECK_DEFAULT"] = False
    csrf.init_app(app)

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
        token = bearer_token()
        if not token:
            return None
        member = accounts.staff_member_for_token(uow(read_only=True), token, note_use=uow())
        return SignedInStaff(member, by_token=True) if member else None

    @login_manager.unauthorized_handler
    def unauthorized() -> Any:
        raise NotSignedIn("sign in as staff (session cookie) or send 'Authorization: Bearer <API token>'")

    app.before_request(_guard)
    app.after_request(_offer_csrf_token)
    app.register_error_handler(CSRFError, _csrf_failed)

    @app.context_processor
    def staff_context() -> dict[str, Any]:
        return {"signed_in": current_staff(), "Role": Role}


def staff() -> SignedInStaff:
    """The signed-in staff member; raises NotSignedIn for anonymous requests."""
    if not current_user.is_authenticated:
        raise NotSignedIn("sign in as staff (session cookie) or send 'Authorization: Bearer <API token>'")
    return cast(SignedInStaff, current_user._get_current_object())  # type: ignore[attr-defined]


def current_staff() -> SignedInStaff | None:
    """The signed-in staff member, or None (for templates and optional features)."""
    return staff() if current_user and current_user.is_authenticated else None


def staff_required(role: Role = Role.CLERK) -> Callable[[F], F]:
    """Refuse anonymous callers (401) and staff below `role` (403); marks the view for the route guard."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            require_role(role)
            return view(*args, **kwargs)

        wrapped.required_role = role  # type: ignore[attr-defined]  # copied outward by functools.wraps
        return cast(F, wrapped)

    return decorator


def public(view: F) -> F:
    """Mark a view as meant for anyone (kiosks, displays, citizens); the route audit test checks the mark."""
    view.public = True  # type: ignore[attr-defined]
    return view


def require_role(role: Role) -> SignedInStaff:
    user = staff()
    if not user.role.includes(role):
        raise NotAuthorized(f"this needs the {role.value} role; you are signed in as {user.role.value}")
    return user


def require_office(office_id: int) -> None:
    """Refuse staff acting on an office they do not belong to."""
    if not staff().can_act_in(office_id):
        raise NotAuthorized("you are not a member of this office's staff")


def visible_office_ids(all_office_ids: list[int]) -> list[int]:
    """The offices the signed-in member may see, in the given order (admins see all)."""
    user = staff()
    return [office_id for office_id in all_office_ids if user.can_act_in(office_id)]


def start_session(member: StaffMember) -> None:
    """Sign a staff member in: a fresh session that expires after a working day."""
    session.clear()  # no session fixation: nothing from before signing in survives
    session.permanent = True
    login_user(SignedInStaff(member))


def end_session() -> None:
    logout_user()
    session.clear()


def bearer_token() -> str:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def client_address() -> str:
    """The client's IP address (behind a proxy, configure ProxyFix so this is the real one)."""
    return request.remote_addr or ""


def wants_json() -> bool:
    return request.path.startswith("/api/")


def _guard() -> None:
    """Role and office checks for protected views, then CSRF for cookie-authenticated writes."""
    view = current_app.view_functions.get(request.endpoint or "")
    role = getattr(view, "required_role", None)
    if role is not None:
        require_role(role)
        for office_id in access.offices_named_by(uow(read_only=True), request.view_args or {}):
            require_office(office_id)
    if request.method in SAFE_METHODS or bearer_token() or not current_user.is_authenticated:
        return
    csrf.protect()


def _offer_csrf_token(response: Response) -> Response:
    """JSON clients signed in with a cookie read their CSRF token from this header (not from a 503: asking who is
    signed in would ask the database that just failed, and turn the outage's answer into a 500)."""
    if response.status_code == 503 or not request.path.startswith("/api/") or bearer_token():
        return response
    if current_user and current_user.is_authenticated:
        response.headers[CSRF_HEADER] = generate_csrf()
    return response


def _csrf_failed(error: CSRFError) -> Any:
    message = (f"{error.description} Forms need their csrf_token field; JSON requests signed in with a "
               f"session cookie need the {CSRF_HEADER} header (or use an API token).")
    if request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json":
        from waitwell.api.errors import error_response

        return error_response(400, "csrf_failed", message)
    return render_template("staff/csrf_failed.html", message=error.description), 400

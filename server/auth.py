"""Who is calling and what they may do: staff sessions (Flask-Login), bearer API tokens, roles, offices, CSRF.

Every view that is not public carries `staff_required(role)`. The role and the office of the ids
in the URL are checked in a `before_request` hook, before the view parses its arguments, so a
refusal never depends on the body being valid; the decorator checks again inside the view.

Sessions: a staff session lasts at most WAITWELL_SESSION_HOURS from signing in (never extended) and ends
after WAITWELL_SESSION_IDLE_MINUTES without the person doing anything (domain/credentials.py). The cookie
holds when it signed in, when the person last acted and the user's session generation; each request checks
all three, so signing out (which moves the generation on) ends every copy of the cookie.

CSRF: a request authenticated by the session cookie that changes something needs a CSRF token
(the hidden `csrf_token` field of a form, or the `X-CSRFToken` header for JSON). A request authenticated
by a valid `Authorization: Bearer ...` token is exempt: browsers never attach that header by themselves,
so another site cannot forge it. A bearer header that does not authenticate changes nothing: the cookie
session, if any, still needs its CSRF token. Anonymous requests carry no authority to abuse; the sign-in
form has its own token against login CSRF.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from functools import wraps
from typing import Any, TypeVar, cast

from flask import Flask, Response, current_app, g, render_template, request, session
from flask_login import UserMixin, current_user, login_user, logout_user
from flask_wtf.csrf import CSRFError, CSRFProtect, generate_csrf

from waitwell.credential_settings import session_rules, token_rules
from waitwell.domain.credentials import Credential, SessionRules, TokenRules
from waitwell.domain.errors import NotAuthorized, WaitwellError
from waitwell.extensions import login_manager
from waitwell.persistence import Role
from waitwell.services import access, accounts, credentials
from waitwell.services.accounts import StaffMember
from waitwell.web import runtime, uow

F = TypeVar("F", bound=Callable[..., Any])

csrf = CSRFProtect()
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
CSRF_HEADER = "X-CSRFToken"
SESSION_RULES_KEY = "waitwell.session_rules"
TOKEN_RULES_KEY = "waitwell.token_rules"
# What a staff session's cookie holds besides Flask-Login's keys.
SIGNED_IN_AT, SEEN_AT, GENERATION = "signed_in_at", "seen_at", "session_generation"
LOGIN_KEYS = ("_user_id", "_fresh", "_id", SIGNED_IN_AT, SEEN_AT, GENERATION)


class NotSignedIn(WaitwellError):
    code = "not_signed_in"
    http_status = 401


class SignedInStaff(UserMixin):
    """Flask-Login's view of a staff member."""

    def __init__(self, member: StaffMember, *, session_ends_at: datetime | None = None) -> None:
        self.member = member
        self.by_token = member.token_id is not None
        self.session_ends_at = session_ends_at

    @property
    def credential(self) -> Credential:
        """What this member signed in with, for a live connection to be dropped when it no longer holds."""
        return Credential(self.member.id, self.member.token_id, self.member.session_generation,
                          self.session_ends_at)

    def get_id(self) -> str:
        return str(self.member.id)

    @property
    def role(self) -> Role:
        return self.member.role

    def can_act_in(self, office_id: int) -> bool:
        return self.member.role == Role.ADMIN or office_id in self.member.office_ids


def init_app(app: Flask) -> None:
    """Sessions, tokens, the route guard, CSRF and secure cookie settings."""
    rules = app.extensions[SESSION_RULES_KEY] = session_rules(app.config)
    app.extensions[TOKEN_RULES_KEY] = token_rules(app.config)
    # Set, not defaulted: Flask's own default (31 days) is always there. The cookie's signature expires with
    # the longest session; `_session_member` ends it sooner.
    app.config["PERMANENT_SESSION_LIFETIME"] = rules.longest
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
        # A valid bearer token says who calls, whatever cookie comes along; an invalid one leaves the session.
        return _staff_by_token() or _session_member(user_id)

    @login_manager.request_loader
    def load_user_from_token(req: Any) -> SignedInStaff | None:
        return _staff_by_token()

    @login_manager.unauthorized_handler
    def unauthorized() -> Any:
        raise NotSignedIn("sign in as staff (session cookie) or send 'Authorization: Bearer <API token>'")

    app.before_request(_guard)
    app.after_request(_offer_csrf_token)
    app.after_request(_note_activity)
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
    """Sign a staff member in: a fresh session of the user's current session generation."""
    session.clear()  # no session fixation: nothing from before signing in survives
    session.permanent = True
    now = runtime().clock.now().timestamp()
    session.update({SIGNED_IN_AT: now, SEEN_AT: now, GENERATION: member.session_generation})
    login_user(SignedInStaff(member))


def end_session() -> None:
    """Sign out: every session of this user ends, on every browser (a copied cookie too), then this one."""
    user = current_staff()
    if user is not None and not user.by_token:
        credentials.end_sessions(uow(), user_id=user.member.id)
    logout_user()
    session.clear()


def keep_this_session() -> None:
    """After the signed-in person changed their own password, which ended all their sessions: this browser's
    session goes on, in the new generation (the others stay ended)."""
    user = current_staff()
    member = accounts.load_staff_member(uow(read_only=True), user.member.id) if user and not user.by_token else None
    if member is not None:
        session[GENERATION] = member.session_generation


def configured_session_rules() -> SessionRules:
    return cast(SessionRules, current_app.extensions[SESSION_RULES_KEY])


def configured_token_rules() -> TokenRules:
    return cast(TokenRules, current_app.extensions[TOKEN_RULES_KEY])


def bearer_token() -> str:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def client_address() -> str:
    """The client's IP address (behind a proxy, configure ProxyFix so this is the real one)."""
    return request.remote_addr or ""


def wants_json() -> bool:
    return request.path.startswith("/api/")


def _staff_by_token() -> SignedInStaff | None:
    """The staff member of the request's bearer token, or None; looked up once per request."""
    if "waitwell_token_staff" not in g:
        token = bearer_token()
        member = accounts.staff_member_for_token(uow(read_only=True), token, note_use=uow()) if token else None
        g.waitwell_token_staff = SignedInStaff(member) if member else None
    return cast(SignedInStaff | None, g.waitwell_token_staff)


def _session_member(user_id: str) -> SignedInStaff | None:
    """The staff member of the session cookie if that session still holds; otherwise the session is
    forgotten (its sign-in keys; the CSRF token stays for the sign-in form)."""
    member = accounts.load_staff_member(uow(read_only=True), int(user_id)) if user_id.isdigit() else None
    signed_in_at, seen_at = _moment(session.get(SIGNED_IN_AT)), _moment(session.get(SEEN_AT))
    rules = configured_session_rules()
    if (member is None or signed_in_at is None or seen_at is None
            or session.get(GENERATION) != member.session_generation
            or rules.why_over(signed_in_at=signed_in_at, seen_at=seen_at, now=runtime().clock.now())):
        for key in LOGIN_KEYS:
            session.pop(key, None)
        return None
    g.waitwell_session_checked = True
    return SignedInStaff(member, session_ends_at=rules.ends_at(signed_in_at))


def _moment(value: Any) -> datetime | None:
    return datetime.fromtimestamp(value, UTC) if isinstance(value, int | float) else None


def _guard() -> None:
    """Role and office checks for protected views, then CSRF for cookie-authenticated writes."""
    view = current_app.view_functions.get(request.endpoint or "")
    role = getattr(view, "required_role", None)
    if role is not None:
        require_role(role)
        for office_id in access.offices_named_by(uow(read_only=True), request.view_args or {}):
            require_office(office_id)
    if request.method in SAFE_METHODS or not current_user.is_authenticated or current_user.by_token:
        return
    csrf.protect()


def _offer_csrf_token(response: Response) -> Response:
    """JSON clients signed in with a cookie read their CSRF token from this header (not from a 503: asking who is
    signed in would ask the database that just failed, and turn the outage's answer into a 500)."""
    if response.status_code == 503 or not request.path.startswith("/api/"):
        return response
    if current_user and current_user.is_authenticated and not current_user.by_token:
        response.headers[CSRF_HEADER] = generate_csrf()
    return response


def _note_activity(response: Response) -> Response:
    """Keep a checked session alive when the person did something: a write, or a page they opened. The
    console's and dashboard's own refreshes (scripts asking for JSON) and their Socket.IO connections run
    while nobody is at the screen, so they do not count."""
    if g.get("waitwell_session_checked") and "_user_id" in session and _person_acting():
        session[SEEN_AT] = runtime().clock.now().timestamp()
    return response


def _person_acting() -> bool:
    if request.method not in SAFE_METHODS:
        return True
    mode = request.headers.get("Sec-Fetch-Mode")  # what the browser says it is doing, when it says so
    if mode is not None:
        return mode == "navigate"
    return not wants_json() and request.accept_mimetypes.best != "application/json"


def _csrf_failed(error: CSRFError) -> Any:
    message = (f"{error.description} Forms need their csrf_token field; JSON requests signed in with a "
               f"session cookie need the {CSRF_HEADER} header (or use an API token).")
    if request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json":
        from waitwell.web_common.errors import error_response

        return error_response(400, "csrf_failed", message)
    return render_template("staff/csrf_failed.html", message=error.description), 400

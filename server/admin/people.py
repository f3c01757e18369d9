"""Administration: staff accounts and roles, passwords and sign-in delays, and API tokens."""

from __future__ import annotations

from typing import Any

from flask import render_template, request, session, url_for
from wtforms import SelectChoice

from waitwell.admin.blueprint import bp, submit
from waitwell.admin.forms import NewUserForm, PasswordForm, TokenForm, UserForm, options
from waitwell.auth import configured_token_rules, keep_this_session, staff, staff_required
from waitwell.persistence import Role
from waitwell.services import accounts, admin_views, credentials, sign_in, staff_admin
from waitwell.web import uow
from waitwell.web_common import live_credentials
from waitwell.web_common.forms import EmptyForm

NEW_TOKEN_KEY = "waitwell_new_token"  # shown once, on the page the admin lands on, then forgotten


@bp.get("/users")
@staff_required(Role.ADMIN)
def users() -> Any:
    """Everyone's role, offices, and recent failed sign-ins (an account under attack says so)."""
    return render_template("admin/users.html", users=staff_admin.list_users(uow(read_only=True)),
                           failures=sign_in.recent_failures(uow(read_only=True)), actions=EmptyForm())


@bp.route("/users/new", methods=["GET", "POST"])
@staff_required(Role.ADMIN)
def new_user() -> Any:
    form = NewUserForm()
    form.office_ids.choices = _office_choices()
    return submit(form, lambda: accounts.create_user(
        uow(), username=form.username.data or "", password=form.password.data or "", role=Role(form.role.data),
        office_ids=form.office_ids.data or [], display_name=form.display_name.data or ""),
        audit="admin.user.create", target=f"user {form.username.data or ''}",
        done=lambda member: f"{member.username} can now sign in as {member.role.value}.",
        next_url=url_for("admin.users"), template="admin/user_form.html", user=None)


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@staff_required(Role.ADMIN)
def user(user_id: int) -> Any:
    row = staff_admin.get_user(uow(read_only=True), user_id=user_id)
    form = UserForm() if request.method == "POST" else UserForm(
        formdata=None, display_name=row.display_name, role=row.role.value, office_ids=list(row.office_ids),
        active=row.active)
    form.office_ids.choices = _office_choices()
    return submit(form, lambda: staff_admin.update_user(
        uow(), user_id=user_id, display_name=form.display_name.data or "", role=Role(form.role.data),
        office_ids=form.office_ids.data or [], active=bool(form.active.data), acting_user_id=staff().member.id),
        audit="admin.user.update", target=f"user {row.username}", done=f"{row.username} saved.",
        next_url=url_for("admin.users"), template="admin/user_form.html", user=row, password_form=PasswordForm(),
        actions=EmptyForm())


@bp.post("/users/<int:user_id>/password")
@staff_required(Role.ADMIN)
def set_password(user_id: int) -> Any:
    row = staff_admin.get_user(uow(read_only=True), user_id=user_id)
    password_form = PasswordForm()

    def reset() -> None:
        """A new password ends every session of theirs (persistence/accounts.py) and the consoles opened with
        them; an administrator resetting their own stays signed in here."""
        staff_admin.set_password(uow(), user_id=user_id, password=password_form.password.data or "")
        if user_id == staff().member.id:
            keep_this_session()
        live_credentials.recheck()

    return submit(password_form, reset,
                  audit="admin.user.password", target=f"user {row.username}",
                  done=f"New password set for {row.username}.", next_url=url_for("admin.user", user_id=user_id),
                  template="admin/user_form.html", user=row, password_form=password_form, actions=EmptyForm(),
                  form=_user_form(row))


@bp.post("/users/<int:user_id>/clear-sign-in-delays")
@staff_required(Role.ADMIN)
def clear_sign_in_delays(user_id: int) -> Any:
    """Forget someone's failed sign-ins from every address (after they were told of an attack, say)."""
    row = staff_admin.get_user(uow(read_only=True), user_id=user_id)
    return submit(EmptyForm(), lambda: sign_in.clear_delays(uow(), username=row.username),
                  audit="admin.user.clear_sign_in_delays", target=f"user {row.username}",
                  done=f"{row.username}'s failed sign-ins are forgotten: no address waits for them now.",
                  next_url=url_for("admin.users"),
                  template="admin/users.html", users=staff_admin.list_users(uow(read_only=True)),
                  failures=sign_in.recent_failures(uow(read_only=True)), actions=EmptyForm())


@bp.route("/tokens", methods=["GET", "POST"])
@staff_required(Role.ADMIN)
def tokens() -> Any:
    """API tokens for machines (kiosk PCs, displays, scripts); a new one is shown once."""
    form = _token_form(TokenForm())

    def create() -> credentials.NewToken:
        new = credentials.create_token_for(uow(), creator=staff().member, user_id=form.user_id.data or 0,
                                           name=form.name.data or "", days=form.expires_in_days.data,
                                           rules=configured_token_rules())
        session[NEW_TOKEN_KEY] = new.token
        return new

    shown = session.pop(NEW_TOKEN_KEY, None) if request.method == "GET" else None
    return submit(form, create, audit="admin.token.create", target=f"token {form.name.data or ''}",
                  done=f"Token {form.name.data} created: copy it now, it is not shown again.",
                  next_url=url_for("admin.tokens"), template="admin/tokens.html",
                  tokens=staff_admin.list_tokens(uow(read_only=True)), new_token=shown, actions=EmptyForm(),
                  default_days=configured_token_rules().default_days)


@bp.post("/tokens/<int:token_id>/revoke")
@staff_required(Role.ADMIN)
def revoke_token(token_id: int) -> Any:
    def revoke() -> staff_admin.TokenRow:
        row = staff_admin.revoke_token(uow(), token_id=token_id)
        live_credentials.recheck()  # its live connections in this process go now; the others' within seconds
        return row

    return submit(EmptyForm(), revoke,
                  audit="admin.token.revoke", target=f"token {token_id}",
                  done=lambda row: f"Token {row.name} revoked: requests with it are refused from now on.",
                  next_url=url_for("admin.tokens"), template="admin/tokens.html",
                  tokens=staff_admin.list_tokens(uow(read_only=True)), new_token=None, actions=EmptyForm(),
                  form=_token_form(TokenForm(formdata=None)), default_days=configured_token_rules().default_days)


def _office_choices() -> list[SelectChoice]:
    return options((o.id, o.name) for o in admin_views.all_offices(uow(read_only=True)))


def _user_form(row: staff_admin.UserRow) -> UserForm:
    form = UserForm(formdata=None, display_name=row.display_name, role=row.role.value,
                    office_ids=list(row.office_ids), active=row.active)
    form.office_ids.choices = _office_choices()
    return form


def _token_form(form: TokenForm) -> TokenForm:
    form.user_id.choices = options((u.id, f"{u.username} ({u.role.value})")
                                   for u in staff_admin.list_users(uow(read_only=True)) if u.active)
    return form

"""Counter console pages (blueprint `console`): pick a counter, sign in at it, work it.

The page is rendered once; its script reads `state` as JSON and sends each button press to
`actions/<name>` (JSON, with the X-CSRFToken header), refreshing on every live change.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, jsonify, redirect, render_template, request, url_for

from waitwell.auth import client_address, staff, staff_required
from waitwell.console.actions import ACTIONS
from waitwell.console.payloads import state_payload
from waitwell.domain.errors import NotFound, WaitwellError
from waitwell.persistence import Role
from waitwell.services import console_view, counter_sessions
from waitwell.web import uow
from waitwell.web_common.audit_recorder import note
from waitwell.web_common.errors import as_sentence
from waitwell.web_common.forms import EmptyForm

bp = Blueprint("console", __name__, url_prefix="/console", template_folder="templates", static_folder="static",
               static_url_path="/static")

SHORTCUTS = [
    ("N", "call-next", "Call next"),
    ("R", "recall", "Recall"),
    ("S", "start", "Start"),
    ("C", "complete", "Complete"),
    ("X", "no-show", "No-show"),
    ("T", "transfer", "Transfer"),
    ("O", "call", "Call out of turn"),
    ("P", "pause", "Break / resume"),
]


@bp.errorhandler(WaitwellError)
def console_error(error: WaitwellError) -> Any:
    """JSON for the script; pages fall back to the app's handling (a 401 goes to the sign-in page)."""
    if _wants_json():
        return jsonify({"error": {"code": error.code, "message": as_sentence(error.message)}}), error.http_status
    if error.http_status == 401:
        return redirect(url_for("auth_pages.sign_in", next=request.full_path))
    return render_template("staff/error.html", title="Not possible", message=as_sentence(error.message),
                           back=url_for("console.index")), error.http_status


@bp.get("/")
@staff_required(Role.CLERK)
def index() -> Any:
    """The counters of my offices, who is at each, and a button to sign in at one."""
    user = staff()
    office_ids = None if user.role == Role.ADMIN else sorted(user.member.office_ids)
    boards = console_view.counter_board(uow(read_only=True), office_ids=office_ids)
    mine = counter_sessions.counter_held_by(uow(read_only=True), user_id=user.member.id)
    return render_template("console/index.html", boards=boards, mine=mine, form=EmptyForm(),
                           may_override=user.role.includes(Role.SUPERVISOR))


@bp.post("/counters/<int:counter_id>/take")
@staff_required(Role.CLERK)
def take(counter_id: int) -> Any:
    """Sign in at a counter; refused with who holds it, unless a supervisor takes it over."""
    form = EmptyForm()
    if not form.validate_on_submit():
        flash("The form expired; please try again.", "error")
        return redirect(url_for("console.index"))
    user = staff()
    override = request.form.get("override") == "1"
    if override and not user.role.includes(Role.SUPERVISOR):
        override = False
    taken = counter_sessions.take_counter(uow(), counter_id=counter_id, user_id=user.member.id,
                                          address=client_address(), override=override)
    if taken.replaced is not None:
        note("counter.take_over", target=f"counter {taken.holder.counter_name}",
             replaced=taken.replaced.username)
        flash(f"You took {taken.holder.counter_name} over from {taken.replaced.display_name}.", "warning")
    else:
        note("counter.sign_in", target=f"counter {taken.holder.counter_name}")
    return redirect(url_for("console.counter", counter_id=counter_id))


@bp.post("/counters/<int:counter_id>/leave")
@staff_required(Role.CLERK)
def leave(counter_id: int) -> Any:
    """Sign out of the counter: it closes (refused while a ticket is still at it)."""
    form = EmptyForm()
    if form.validate_on_submit():
        counter_sessions.leave_counter(uow(), counter_id=counter_id, user_id=staff().member.id)
        note("counter.sign_out")
        flash("You have signed out of the counter; it is closed.", "success")
    return redirect(url_for("console.index"))


@bp.get("/counters/<int:counter_id>")
@staff_required(Role.CLERK)
def counter(counter_id: int) -> Any:
    """The console itself; only for the clerk signed in at this counter."""
    holder = counter_sessions.holder_of(uow(read_only=True), counter_id=counter_id)
    if holder is None or holder.user_id != staff().member.id:
        flash("Sign in at this counter first.", "warning")
        return redirect(url_for("console.index"))
    state = console_view.console_state(uow(read_only=True), counter_id=counter_id)
    return render_template("console/counter.html", state=state, payload=state_payload(state), shortcuts=SHORTCUTS,
                           form=EmptyForm())


@bp.get("/counters/<int:counter_id>/state")
@staff_required(Role.CLERK)
def state(counter_id: int) -> Any:
    """The console's state as JSON: polled, and fetched again after every live change."""
    return jsonify(state_payload(console_view.console_state(uow(read_only=True), counter_id=counter_id)))


@bp.post("/counters/<int:counter_id>/actions/<action>")
@staff_required(Role.CLERK)
def act(counter_id: int, action: str) -> Any:
    """One button press; answers with a message and the new state (or an error the console shows)."""
    handler = ACTIONS.get(action)
    if handler is None:
        raise NotFound(f"there is no console action {action!r}")
    user = staff()
    body = request.get_json(silent=True) or {}
    counter_sessions.require_holder(uow(read_only=True), counter_id=counter_id, user_id=user.member.id)
    try:
        outcome = handler(uow, counter_id, user.member.id, body)
    except WaitwellError as refusal:
        note(f"console.{action}", refused=refusal.message, **_detail(body))
        raise
    note(f"console.{action}", target=f"ticket {outcome.ticket_number}" if outcome.ticket_number else "",
         **_detail(body))
    payload = state_payload(console_view.console_state(uow(read_only=True), counter_id=counter_id))
    return jsonify({"message": outcome.message, "state": payload})


def _detail(body: dict[str, Any]) -> dict[str, Any]:
    return {key: body[key] for key in ("ticket_id", "service_id", "reason") if key in body}


def _wants_json() -> bool:
    return request.is_json or request.path.endswith("/state") or "/actions/" in request.path \
        or request.accept_mimetypes.best == "application/json"


"""Socket.IO handlers, one namespace per audience: displays, ticket holders, staff.

On connect each client joins its room and gets a full snapshot; afterwards it gets changes,
each with the office's feed version. A client that sees a gap emits "resync" for a new snapshot.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import current_app, request, session
from flask_login import current_user
from flask_socketio import Namespace, emit, join_room
from socketio.exceptions import ConnectionRefusedError as ConnectionRefused

from waitwell.domain.credentials import Credential
from waitwell.domain.errors import NotFound
from waitwell.persistence import Role
from waitwell.realtime import rooms
from waitwell.realtime.guesses import TokenGuesses
from waitwell.realtime.heartbeat import Heartbeat
from waitwell.realtime.snapshots import UNKNOWN_TICKET, Snapshots
from waitwell.services import accounts
from waitwell.services.accounts import StaffMember
from waitwell.services.printer_alerts import office_printer_alerts
from waitwell.web import uow
from waitwell.web_common import live_credentials

SNAPSHOTS_KEY = "waitwell.snapshots"
GUESSES_KEY = "waitwell.token_guesses"
WATCHERS_KEY = "waitwell.ticket_watchers"
HEARTBEAT_KEY = "waitwell.heartbeat"


def snapshots() -> Snapshots:
    return current_app.extensions[SNAPSHOTS_KEY]


def heartbeat() -> Heartbeat:
    return current_app.extensions[HEARTBEAT_KEY]


def token_guesses() -> TokenGuesses:
    return current_app.extensions[GUESSES_KEY]


def client_address() -> str:
    """The client's address (behind nginx, ProxyFix makes this the real one)."""
    return request.remote_addr or "unknown"


class DisplayNamespace(Namespace):
    """Lobby screens: auth {"display_id": 3}."""

    def on_connect(self, auth: dict[str, Any] | None = None) -> None:
        display_id = _int((auth or {}).get("display_id"))
        try:
            board = snapshots().display(display_id) if display_id else None
        except NotFound:
            board = None
        if board is None:
            raise ConnectionRefused("unknown display")
        session["display_id"] = display_id
        _join_and_send(rooms.display_room(display_id), board, lambda: snapshots().display(display_id))

    def on_resync(self, _data: Any = None) -> None:
        _resend(lambda: snapshots().display(session["display_id"]))


class TicketNamespace(Namespace):
    """A citizen's phone: auth {"token": "..."}. Every unknown token gets the same refusal."""

    def on_connect(self, auth: dict[str, Any] | None = None) -> None:
        token = str((auth or {}).get("token") or "")
        try:
            office_id, status = snapshots().ticket_of_office(token) if token else (None, None)
        except NotFound:
            office_id, status = None, None
        if status is None:  # a known token is always let in, however many unknown ones its address tried
            guesses = token_guesses()
            if guesses.blocked(client_address()):
                raise ConnectionRefused("too many unknown tickets from this address; wait a minute")
            guesses.missed(client_address())
            raise ConnectionRefused(UNKNOWN_TICKET)
        session["ticket_token"] = token
        watchers = current_app.extensions.get(WATCHERS_KEY)
        if watchers is not None and watchers.counts_phones and office_id is not None:
            watchers.joined(office_id, token)  # before the join: see watchers.py
            session["ticket_office"] = office_id
        _join_and_send(rooms.ticket_room(token), status, lambda: snapshots().ticket(token))

    def on_disconnect(self, _reason: Any = None) -> None:
        watchers = current_app.extensions.get(WATCHERS_KEY)
        office_id = session.get("ticket_office")
        if watchers is not None and office_id is not None:
            watchers.left(office_id, session["ticket_token"])

    def on_resync(self, _data: Any = None) -> None:
        _resend(lambda: snapshots().ticket(session["ticket_token"]))


class StaffNamespace(Namespace):
    """Staff consoles: a signed-in session (cookie) or auth {"token": API token}, plus {"office_id": 1}.

    Supervisors and admins join the supervisors' room (it carries more); clerks the staff room. Both get the
    office's printer alerts on connect and whenever they change.
    """

    def on_connect(self, auth: dict[str, Any] | None = None) -> None:
        auth = auth or {}
        office_id = _int(auth.get("office_id"))
        credential = _staff_credential(auth)
        if credential is None:
            raise ConnectionRefused("sign in as staff, or pass an API token as auth {'token': ...}")
        member, held_with = credential
        if not office_id or not (member.role == Role.ADMIN or office_id in member.office_ids):
            raise ConnectionRefused("you are not a member of this office's staff")
        live_credentials.hold(self.namespace, request.sid, held_with)  # type: ignore[attr-defined]
        supervising = member.role.includes(Role.SUPERVISOR)
        session["staff_office"] = (office_id, supervising)
        _join_and_send(rooms.supervisors_room(office_id) if supervising else rooms.staff_room(office_id),
                       snapshots().staff(office_id, supervisors=supervising),
                       lambda: snapshots().staff(office_id, supervisors=supervising))
        # Read once in the room: a change after this read is pushed to it (realtime/printer_alerts.py).
        emit(rooms.PRINTER_ALERTS, office_printer_alerts(uow(read_only=True), office_id).as_payload())

    def on_resync(self, _data: Any = None) -> None:
        office_id, supervising = session["staff_office"]
        _resend(lambda: snapshots().staff(office_id, supervisors=supervising))


def _join_and_send(room: str, snapshot: dict[str, Any], read_again: Callable[[], dict[str, Any]]) -> None:
    """Join the room, send the snapshot read before joining, then read it again and send that too if the
    office moved on meanwhile: a change published between the first read and the join reached no one
    here, and the next change may be long in coming (the call the phone is waiting for). Both carry the
    heartbeat's link read before the second read (see `_resend`)."""
    join_room(room)
    link = heartbeat().link()
    _send_snapshot(snapshot, link)
    try:
        again = read_again()
    except NotFound:  # gone in between (a past day's ticket): the first snapshot stands
        return
    if again["version"] != snapshot["version"]:
        _send_snapshot(again, link)


def _resend(read: Callable[[], dict[str, Any]]) -> None:
    """Answer a resync: the snapshot with the link of the heartbeat read before it, so a change this process
    missed while it did not hear the queue is in the snapshot or the link the client gets next is a new one."""
    link = heartbeat().link()
    _send_snapshot(read(), link)


def _send_snapshot(snapshot: dict[str, Any], link: str | None) -> None:
    # To this client alone, so not through the message queue: no other process has it (and Redis may be away).
    emit(rooms.SNAPSHOT, {**snapshot, "link": link}, ignore_queue=True)


def _staff_credential(auth: dict[str, Any]) -> tuple[StaffMember, Credential] | None:
    """The member of the session cookie or of the token in `auth`, with what they signed in with."""
    if current_user.is_authenticated:
        return current_user.member, current_user.credential
    token = str(auth.get("token") or "")
    member = accounts.staff_member_for_token(uow(read_only=True), token, note_use=uow()) if token else None
    return (member, Credential(member.id, member.token_id)) if member else None


def _int(value: Any) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if number > 0 else None

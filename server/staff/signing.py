"""Signing staff in and out over the web (pages and JSON API alike), with the audit log told either way."""

from __future__ import annotations

from waitwell.auth import client_address, current_staff, end_session, start_session
from waitwell.domain.errors import BadCredentials, TooManyAttempts
from waitwell.services import sign_in as signing_in
from waitwell.services.accounts import StaffMember
from waitwell.web import uow
from waitwell.web_common import live_credentials
from waitwell.web_common.audit_recorder import note


def sign_in_here(username: str, password: str) -> StaffMember:
    """Check the credentials (with the delay and lockout rules) and start a session; raises on refusal."""
    username = (username or "").strip()
    try:
        member = signing_in.sign_in(uow(), username=username, password=password, address=client_address())
    except (BadCredentials, TooManyAttempts) as refusal:
        note("sign_in.refused", target=f"user {username}"[:160], username=username, reason=refusal.message)
        raise
    start_session(member)
    note("sign_in", target=f"user {member.username}", username=member.username, user_id=member.id)
    return member


def sign_out_here() -> None:
    """End the person's every session (and the live consoles they opened with them); recorded under the person
    who was signed in."""
    user = current_staff()
    if user is not None:
        note("sign_out", target=f"user {user.member.username}", username=user.member.username,
             user_id=user.member.id)
    end_session()
    live_credentials.recheck()

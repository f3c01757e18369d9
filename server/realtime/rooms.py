"""Socket.IO namespaces and room names: one place, so the publisher and the handlers agree."""

from __future__ import annotations

DISPLAY_NAMESPACE = "/display"
TICKET_NAMESPACE = "/ticket"
STAFF_NAMESPACE = "/staff"

# Server -> client events. A client answers a gap in versions by emitting RESYNC.
SNAPSHOT = "snapshot"
CHANGE = "change"
RESYNC = "resync"


def display_room(display_id: int) -> str:
    return f"display:{display_id}"


def ticket_room(token: str) -> str:
    return f"ticket:{token}"


def staff_room(office_id: int) -> str:
    return f"office:{office_id}:staff"


def supervisors_room(office_id: int) -> str:
    return f"office:{office_id}:supervisors"

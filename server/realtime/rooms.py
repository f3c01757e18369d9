"""Socket.IO namespaces and room names: one place, so the publisher and the handlers agree."""

from __future__ import annotations

from typing import Any

DISPLAY_NAMESPACE = "/display"
TICKET_NAMESPACE = "/ticket"
STAFF_NAMESPACE = "/staff"

# Server -> client events. A client answers a gap in versions by emitting RESYNC.
SNAPSHOT = "snapshot"
CHANGE = "change"
RESYNC = "resync"
HEARTBEAT = "heartbeat"  # while this process hears the others' changes (heartbeat.py)
# Server -> staff: the office's printer problems and unprinted tickets, whole each time (no version).
PRINTER_ALERTS = "printer_alerts"


def display_room(display_id: int) -> str:
    return f"display:{display_id}"


TICKET_ROOM_PREFIX = "ticket:"


def ticket_room(token: str) -> str:
    return f"{TICKET_ROOM_PREFIX}{token}"


def watched_tickets(server: Any) -> set[str]:
    """The tokens of the tickets a phone follows through this process's Socket.IO server.

    python-socketio's manager keeps `rooms[namespace][room]` and drops a room when its last client leaves,
    so the ticket rooms listed there are exactly the watched ones (copied at once: other threads join
    and leave while this reads)."""
    listed = list(server.manager.rooms.get(TICKET_NAMESPACE, {}))
    return {room[len(TICKET_ROOM_PREFIX):] for room in listed
            if isinstance(room, str) and room.startswith(TICKET_ROOM_PREFIX)}


def staff_room(office_id: int) -> str:
    return f"office:{office_id}:staff"


def supervisors_room(office_id: int) -> str:
    return f"office:{office_id}:supervisors"

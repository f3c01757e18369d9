"""The console's JSON: the console state as the browser script reads it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from waitwell.services.console_view import ConsoleState, ServiceLine
from waitwell.services.counter_sessions import CounterHolder


def iso(moment: datetime | None) -> str | None:
    return moment.isoformat().replace("+00:00", "Z") if moment else None


def state_payload(state: ConsoleState) -> dict[str, Any]:
    current = state.current
    return {
        "now": iso(state.now),
        "office": {"id": state.office_id, "name": state.office_name, "timezone": state.timezone},
        "counter": {"id": state.counter_id, "name": state.counter_name, "state": state.counter_state.value},
        "holder": _holder(state.holder),
        "rules": {
            "min_seconds_between_recalls": state.rules.min_seconds_between_recalls,
            "max_recalls": state.rules.max_recalls,
            "auto_no_show_after_recalls": state.rules.auto_no_show_after_recalls,
        },
        "current": None if current is None else {
            "id": current.ticket.id,
            "number": current.ticket.number,
            "state": current.ticket.state.value,
            "service_id": current.ticket.service_id,
            "service_name": current.ticket.service_name,
            "called_at": iso(current.ticket.called_at),
            "started_at": iso(current.ticket.started_at),
            "waiting_since": iso(current.ticket.waiting_since),
            "call_count": current.ticket.call_count,
            "recalls_made": current.recalls_made,
            "next_recall_at": iso(current.next_recall_at),
            "auto_no_show_at": iso(current.auto_no_show_at),
        },
        "waiting": [
            {"id": t.id, "number": t.number, "service_id": t.service_id, "service_name": t.service_name,
             "colour": t.colour, "waiting_since": iso(t.waiting_since), "origin": t.origin}
            for t in state.waiting
        ],
        "lines": [_line(line) for line in state.lines],
        "transfer_targets": [_line(line) for line in state.transfer_targets],
        "others": [
            {"id": o.id, "name": o.name, "state": o.state.value, "clerk": o.clerk, "ticket_number": o.ticket_number,
             "ticket_state": o.ticket_state.value if o.ticket_state else None}
            for o in state.others
        ],
        "recent": [{"number": r.number, "state": r.state.value, "finished_at": iso(r.finished_at)}
                   for r in state.recent],
    }


def _line(line: ServiceLine) -> dict[str, Any]:
    return {"id": line.id, "name": line.name, "prefix": line.prefix, "colour": line.colour, "waiting": line.waiting}


def _holder(holder: CounterHolder | None) -> dict[str, Any] | None:
    if holder is None:
        return None
    return {"user_id": holder.user_id, "username": holder.username, "display_name": holder.display_name,
            "since": iso(holder.started_at)}

"""What each audience receives, shaped from one OfficeState.

Only ticket numbers, counters, counts and estimates: never a person's name, phone or email,
and never a ticket's token outside its own room.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from waitwell.domain.events import CounterChange, Event, TicketChange
from waitwell.domain.states import TicketState
from waitwell.realtime.office_state import OfficeState
from waitwell.services.displays import DisplayView
from waitwell.services.metrics.payloads import figure_payload

CALLS_FOR_ANNOUNCEMENTS = 12
# The kind of change that only brings new wait estimates (no ticket or counter changed).
WAITS_UPDATED = "waits_updated"


def iso(moment: datetime | None) -> str | None:
    return moment.isoformat().replace("+00:00", "Z") if moment else None


def event_kind(event: Event) -> str:
    """TicketCalled() -> "ticket_called": the name clients switch on."""
    return kind_name(type(event))


def kind_name(event_type: type[Event]) -> str:
    """TicketCalled -> "ticket_called"."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", event_type.__name__).lower()


def display_payload(state: OfficeState, display: DisplayView, kind: str | None = None) -> dict[str, Any]:
    """A lobby display's whole board: small enough to send complete with every change."""
    # More calls than shown: a display that missed a few changes still finds every call to announce.
    calls = [c for c in state.calls if display.shows_call(c.service_id, c.counter_id)][
        : max(display.calls_shown, CALLS_FOR_ANNOUNCEMENTS)]
    last_ten = _last_ten_figures(state)
    payload: dict[str, Any] = {
        "version": state.version,
        "server_time": iso(state.now),
        "office": {"name": state.name, "timezone": state.timezone},
        "display": {"id": display.id, "languages": list(display.languages), "calls_shown": display.calls_shown},
        "calls": [
            {
                "key": f"{c.number}.{c.call_count}",  # a recall is a new key, so it is announced again
                "number": c.number,
                "counter": c.counter_name,
                "service_id": c.service_id,
                "called_at": iso(c.called_at),
                "recall": c.call_count > 1,
            }
            for c in calls
        ],
        "services": [
            {"id": s.id, "name": s.name, "prefix": s.prefix, "waiting": s.waiting, "wait": s.wait,
             "last_ten": last_ten.get(s.id)}
            for s in state.services
            if s.active and display.shows_service(s.id)
        ],
        "last_ten": last_ten.get(None),
    }
    if kind is not None:
        payload["event"] = {"kind": kind}
    return payload


def latest_per_ticket(calls: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A display payload's calls as the board shows them: each ticket once, at its latest call (the feed has one
    entry per call, so that a recall is announced again)."""
    seen: set[str] = set()
    shown = []
    for call in calls:
        if call["number"] not in seen:
            seen.add(call["number"])
            shown.append(call)
    return shown


def _last_ten_figures(state: OfficeState) -> dict[int | None, dict[str, Any]]:
    """The last-10 figures by service id (None: the whole office), shaped as the /waits page shapes them."""
    waits = state.last_ten
    if waits is None:
        return {}
    figures: dict[int | None, dict[str, Any]] = {
        figure.service_id: figure_payload(figure, waits.now_local) for figure in waits.services}
    figures[None] = figure_payload(waits.office, waits.now_local)
    return figures


def ticket_payload(
    state: OfficeState,
    *,
    token: str,
    number: str,
    ticket_state: TicketState,
    service_id: int,
    counter_name: str | None,
    call_count: int,
    rating: int | None,
) -> dict[str, Any]:
    """One citizen's ticket as their phone shows it."""
    assert state.complete or ticket_state != TicketState.WAITING, "a place in line needs the whole office state"
    waiting = state.waiting_ticket(token) if ticket_state == TicketState.WAITING else None
    service = state.service(service_id)
    return {
        "version": state.version,
        "office": state.name,
        "number": number,
        "state": ticket_state.value,
        "service_id": service_id,
        "service": service.name if service else "",
        "people_ahead": waiting.people_ahead if waiting else None,
        "wait": waiting.wait if waiting else None,
        "last_called": service.last_called if service else None,
        "counter": counter_name if ticket_state in (TicketState.CALLED, TicketState.SERVING) else None,
        "call_count": call_count,
        "rating": rating,
    }


def staff_payload(
    state: OfficeState, event: dict[str, Any] | None = None, *, supervisors: bool = False
) -> dict[str, Any]:
    """The office as its staff see it: lines, counters and the waiting tickets in calling order."""
    assert state.complete, "staff see counters and waiting tickets: read the whole office state"
    payload: dict[str, Any] = {
        "version": state.version,
        "server_time": iso(state.now),
        "services": [
            {"id": s.id, "name": s.name, "prefix": s.prefix, "active": s.active, "waiting": s.waiting,
             "wait": s.wait, "last_called": s.last_called}
            for s in state.services
        ],
        "counters": [
            {"id": c.id, "name": c.name, "state": c.state,
             "ticket": {"id": c.ticket_id, "number": c.ticket_number, "state": c.ticket_state,
                        "service_id": c.service_id} if c.ticket_id else None}
            for c in state.counters
        ],
        "waiting": [
            {"id": w.id, "number": w.number, "service_id": w.service_id, "people_ahead": w.people_ahead,
             "waiting_since": iso(w.waiting_since), "wait": w.wait}
            for w in state.waiting
        ],
    }
    if event is not None:
        payload["event"] = event
    if supervisors:
        oldest: dict[int, datetime] = {}
        for ticket in state.waiting:
            oldest[ticket.service_id] = min(oldest.get(ticket.service_id, ticket.waiting_since), ticket.waiting_since)
        payload["supervision"] = {
            "longest_wait_minutes": {
                str(service_id): round((state.now - since).total_seconds() / 60, 1)
                for service_id, since in oldest.items()
            },
            "counters_open": sum(1 for c in state.counters if c.state == "open"),
            "people_waiting": len(state.waiting),
        }
    return payload


def staff_event(event: Event) -> dict[str, Any]:
    """What happened, for the staff console's log line."""
    described: dict[str, Any] = {"kind": event_kind(event), "occurred_at": iso(event.occurred_at)}
    if isinstance(event, TicketChange):
        described.update(ticket_id=event.ticket_id, number=event.number, service_id=event.service_id)
    counter_id = getattr(event, "counter_id", None)
    if counter_id is not None:
        described["counter_id"] = counter_id
    if isinstance(event, CounterChange):
        described["counter_name"] = event.counter_name
    return described

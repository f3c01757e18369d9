"""Snapshots on demand: what a screen gets when it connects, reconnects or notices a gap.

After a restart thousands of screens ask at once, so an office's state is read once and shared
while its feed version has not moved (and for a couple of seconds at most, as waits grow with time).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from waitwell.domain.errors import NotFound
from waitwell.domain.numbering import service_day
from waitwell.domain.states import TicketState
from waitwell.persistence import Counter, Office, Ticket
from waitwell.realtime.office_state import OfficeState, read_office_state
from waitwell.realtime.payloads import display_payload, staff_payload, ticket_payload
from waitwell.realtime.versions import current_version
from waitwell.realtime.wait_estimates import WaitsCache, compute_waits
from waitwell.runtime import Runtime
from waitwell.services.coalescing import Offload, run_here
from waitwell.services.displays import DisplayView, get_display
from waitwell.services.lookups import ACTIVE_STATES, get_office
from waitwell.services.metrics.waits import STALE_AFTER

MAX_AGE_SECONDS = 2.0
# The same words for every unknown or expired ticket: nothing to learn by guessing.
UNKNOWN_TICKET = "this ticket does not exist or has expired"


@dataclass(frozen=True)
class TicketRow:
    """The fields of one ticket its status page needs (no token: the caller has it)."""

    office_id: int
    number: str
    state: TicketState
    service_id: int
    counter_name: str | None
    call_count: int
    rating: int | None

    def payload(self, state: OfficeState, token: str) -> dict[str, Any]:
        return ticket_payload(state, token=token, number=self.number, ticket_state=self.state,
                              service_id=self.service_id, counter_name=self.counter_name,
                              call_count=self.call_count, rating=self.rating)


# More watched tickets than this are read with the rest of the office's and picked out here: one short
# statement instead of a list of hundreds of tokens.
MOST_TOKENS_LISTED = 200


def ticket_rows(session: Session, office_id: int, *, tokens: set[str] | None = None,
                any_state: bool = False) -> dict[str, TicketRow]:
    """Tickets of an office still in play (waiting, called, serving), or in any state, by token; only those
    with one of `tokens` when given."""
    if tokens is not None and not tokens:
        return {}
    query = _ticket_query().where(Ticket.office_id == office_id)
    if not any_state:
        query = query.where(Ticket.state.in_((TicketState.WAITING, *ACTIVE_STATES)))
    if tokens is not None and (any_state or len(tokens) <= MOST_TOKENS_LISTED):
        query = query.where(Ticket.token.in_(tokens))
    return {
        row.token: TicketRow(row.office_id, row.number, row.state, row.service_id, row.name, row.call_count,
                             row.rating)
        for row in session.execute(query) if tokens is None or row.token in tokens
    }


def _ticket_query() -> Any:
    return (
        select(Ticket.token, Ticket.office_id, Ticket.number, Ticket.state, Ticket.service_id, Counter.name,
               Ticket.call_count, Ticket.rating)
        .outerjoin(Counter, Counter.id == Ticket.counter_id)
    )


class Snapshots:
    """Builds snapshots for the handlers and pages, sharing each office's state between askers."""

    def __init__(self, runtime: Runtime, *, offload: Offload = run_here, stale_after: timedelta = STALE_AFTER) -> None:
        self._runtime = runtime
        self.stale_after = stale_after
        self._offload = offload
        self.waits = WaitsCache()
        # Asks for an office's estimates to be computed behind the request (the publisher's, once it exists).
        self.refresh_estimates: Callable[[int], None] | None = None
        self._states: dict[int, tuple[OfficeState, float]] = {}
        # Bumped by `forget`: a state whose read began before a change that has no version yet is not kept.
        self._generations: dict[int, int] = {}
        self._locks: dict[int, threading.Lock] = {}
        self._guard = threading.Lock()

    def generation(self, office_id: int) -> int:
        """Take this before reading a state, and hand it to `remember` with the state."""
        with self._guard:
            return self._generations.get(office_id, 0)

    def remember(self, state: OfficeState, generation: int) -> None:
        """Keep a state the publisher has just read, so the next askers need not read it again."""
        with self._guard:
            if generation != self._generations.get(state.office_id, 0):
                return  # the office changed while it was being read: the next asker reads it again
            cached = self._states.get(state.office_id)
            if cached is None or cached[0].version <= state.version:
                self._states[state.office_id] = (state, time.monotonic())

    def forget(self, office_id: int) -> None:
        """The office changed without a new version yet (issued tickets are published folded, a moment later)."""
        with self._guard:
            self._states.pop(office_id, None)
            self._generations[office_id] = self._generations.get(office_id, 0) + 1

    def office_state(self, office_id: int, *, reread: bool = False) -> OfficeState:
        """The office's state at its current feed version, read at most once per version and 2 seconds."""
        generation = self.generation(office_id)
        with self._lock_for(office_id), self._runtime.uow(read_only=True) as uow:
            version = current_version(uow.session, office_id)
            cached = self._states.get(office_id)
            if (cached and not reread and cached[0].version == version
                    and time.monotonic() - cached[1] < MAX_AGE_SECONDS):
                return cached[0]
            waits = self.waits.fresh(office_id)
            if waits is None and self.refresh_estimates is not None:
                # A connect or a page must not wait for a replay of the office (long when the line is long):
                # the last estimates or none, and new ones behind it (the publisher sends them when ready).
                waits = self.waits.latest(office_id)
                self.refresh_estimates(office_id)
            elif waits is None:  # no publisher to refresh them behind (a test's snapshots on their own)
                waits = compute_waits(uow.session, get_office(uow.session, office_id), uow.clock.now(), self._offload)
                self.waits.store(office_id, waits)
            state = read_office_state(uow.session, office_id, uow.clock.now(), version, waits,
                                      stale_after=self.stale_after)
            self.remember(state, generation)
            return state

    def display(self, display_id: int) -> dict[str, Any]:
        """A display's board; raises NotFound for an unknown display."""
        display: DisplayView = get_display(self._runtime.uow(read_only=True), display_id)
        return display_payload(self.office_state(display.office_id), display)

    def ticket(self, token: str) -> dict[str, Any]:
        """A ticket's status; raises NotFound, with one message for all, for unknown tokens and past days' tickets
        that are over (one still in line across midnight keeps its page)."""
        return self.ticket_of_office(token)[1]

    def ticket_of_office(self, token: str) -> tuple[int, dict[str, Any]]:
        """A ticket's office and status (the office for counting the phones that follow it)."""
        with self._runtime.uow(read_only=True) as uow:
            row = uow.session.execute(
                _ticket_query().add_columns(Ticket.service_day, Office.timezone)
                .join(Office, Office.id == Ticket.office_id).where(Ticket.token == token)
            ).one_or_none()
            today = service_day(uow.clock.now(), row.timezone) if row is not None else None
        if row is None or (row.service_day != today and row.state not in (TicketState.WAITING, *ACTIVE_STATES)):
            raise NotFound(UNKNOWN_TICKET)
        ticket = TicketRow(row.office_id, row.number, row.state, row.service_id, row.name, row.call_count, row.rating)
        state = self.office_state(ticket.office_id)
        if row.state == TicketState.WAITING and state.waiting_ticket(token) is None:
            # Issued after this state was read (in another process, or not yet published): read again,
            # or a phone that scans its ticket at once would be told no place in line.
            state = self.office_state(ticket.office_id, reread=True)
        return ticket.office_id, ticket.payload(state, token)

    def staff(self, office_id: int, *, supervisors: bool) -> dict[str, Any]:
        return staff_payload(self.office_state(office_id), supervisors=supervisors)

    def _lock_for(self, office_id: int) -> threading.Lock:
        with self._guard:
            return self._locks.setdefault(office_id, threading.Lock())

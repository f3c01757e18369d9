"""One clerk per counter: signing in at a counter, leaving it, and a supervisor taking it over."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import delete, select

from waitwell.domain.errors import Conflict, CounterTaken, InvalidInput, NotAuthorized
from waitwell.domain.states import CounterState
from waitwell.persistence import Counter, CounterSession, User
from waitwell.services import counters
from waitwell.services.lookups import current_ticket_at, get_counter
from waitwell.services.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class CounterHolder:
    counter_id: int
    counter_name: str
    user_id: int
    username: str
    display_name: str
    started_at: datetime


@dataclass(frozen=True)
class TakenCounter:
    holder: CounterHolder
    replaced: CounterHolder | None  # the clerk a supervisor took the counter over from


def holder_of(uow: UnitOfWork, *, counter_id: int) -> CounterHolder | None:
    """Who is signed in at a counter now, if anybody."""
    with uow:
        row = uow.session.get(CounterSession, counter_id)
        return holder_from_row(row) if row else None


def counter_held_by(uow: UnitOfWork, *, user_id: int) -> CounterHolder | None:
    """The counter a clerk is signed in at, if any (a clerk holds at most one)."""
    with uow:
        row = uow.session.scalar(select(CounterSession).where(CounterSession.user_id == user_id))
        return holder_from_row(row) if row else None


def take_counter(
    uow: UnitOfWork, *, counter_id: int, user_id: int, address: str = "", override: bool = False
) -> TakenCounter:
    """Sign a clerk in at a counter and open it.

    Refused with who holds it when another clerk is signed in there, unless `override` (a
    supervisor's decision, checked by the caller). A clerk moving to another counter leaves the
    previous one first, which is refused while a ticket is still at it.
    """
    previous = counter_held_by(uow, user_id=user_id)
    if previous is not None and previous.counter_id != counter_id:
        leave_counter(uow, counter_id=previous.counter_id, user_id=user_id)
    with uow:
        counter = get_counter(uow.session, counter_id, lock=True)
        if counter.archived_at is not None:
            raise InvalidInput(f"{counter.name} has been removed; pick another counter")
        now = uow.clock.now()
        row = uow.session.get(CounterSession, counter_id)
        replaced = None
        if row is not None and row.user_id != user_id:
            if not override:
                held = holder_from_row(row)
                since = held.started_at.astimezone(ZoneInfo(counter.office.timezone)).strftime("%H:%M")
                raise CounterTaken(
                    f"{counter.name} is taken by {held.display_name} ({held.username}) since {since}; "
                    "ask them to sign out of it, or ask a supervisor to take it over"
                )
            replaced = holder_from_row(row)
            uow.session.delete(row)
            uow.session.flush()
            row = None
        if row is None:
            row = CounterSession(counter_id=counter_id, user_id=user_id, started_at=now, last_seen_at=now,
                                 address=address[:45])
            uow.session.add(row)
        else:
            row.last_seen_at, row.address = now, address[:45]
        uow.session.flush()
        taken = TakenCounter(holder_from_row(row), replaced)
        was_closed = counter.state == CounterState.CLOSED
        uow.commit()
    if was_closed:
        counters.open_counter(uow, counter_id=counter_id, user_id=user_id)
    return taken


def leave_counter(uow: UnitOfWork, *, counter_id: int, user_id: int) -> None:
    """A clerk signs out of a counter: it closes, which is refused while a ticket is still at it."""
    holder = holder_of(uow, counter_id=counter_id)
    if holder is None or holder.user_id != user_id:
        raise NotAuthorized("you are not signed in at this counter")
    counters.close_counter(uow, counter_id=counter_id, user_id=user_id)
    with uow:
        uow.session.execute(delete(CounterSession).where(CounterSession.counter_id == counter_id,
                                                         CounterSession.user_id == user_id))
        uow.commit()


def release_counters(uow: UnitOfWork, *, office_id: int) -> int:
    """Sign everybody out of an office's counters that have no ticket (end of day); how many."""
    with uow:
        rows = uow.session.scalars(
            select(CounterSession).join(Counter, Counter.id == CounterSession.counter_id)
            .where(Counter.office_id == office_id)
        ).all()
        released = 0
        for row in rows:
            if current_ticket_at(uow.session, row.counter_id) is None:
                uow.session.delete(row)
                released += 1
        uow.commit()
        return released


def require_holder(uow: UnitOfWork, *, counter_id: int, user_id: int) -> CounterHolder:
    """Refuse console actions from anyone but the clerk signed in at the counter."""
    holder = holder_of(uow, counter_id=counter_id)
    if holder is None:
        raise Conflict("you are not signed in at this counter any more: sign in at it again")
    _refuse_another(holder, user_id)
    return holder


def refuse_another_holder(uow: UnitOfWork, *, counter_id: int, user_id: int) -> None:
    """Refuse an API call at a counter another clerk is signed in at: a script or a second device acts at a
    free counter or at its own person's, never under a signed-in clerk's feet (a supervisor takes a counter
    over in the console)."""
    holder = holder_of(uow, counter_id=counter_id)
    if holder is not None:
        _refuse_another(holder, user_id)


def _refuse_another(holder: CounterHolder, user_id: int) -> None:
    if holder.user_id != user_id:
        raise CounterTaken(f"{holder.counter_name} is now held by {holder.display_name} ({holder.username})")


def holder_from_row(row: CounterSession) -> CounterHolder:
    user: User = row.user
    return CounterHolder(row.counter_id, row.counter.name, user.id, user.username,
                         user.display_name or user.username, row.started_at)

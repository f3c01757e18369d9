"""Counter-side use cases: open, pause and close a counter; call, recall, serve and finish tickets."""

from __future__ import annotations

from sqlalchemy import case, select

from waitwell.domain import events
from waitwell.domain.calling import CallContext, CallingStrategy, strategy_named
from waitwell.domain.errors import (
    Conflict,
    CounterNotOpen,
    IllegalTransition,
    InvalidInput,
    NothingToCall,
)
from waitwell.domain.numbering import start_of_day
from waitwell.domain.recalls import RecallOutcome, decide_recall
from waitwell.domain.states import CounterState, TicketState, require_ticket_state
from waitwell.persistence import Counter, Ticket
from waitwell.services.counter_log import record_counter_state
from waitwell.services.history import record_history, ticket_fields
from waitwell.services.lookups import (
    LINE_FRONT,
    calling_candidates,
    could_exist,
    current_ticket_at,
    get_counter,
    get_service,
    get_ticket,
    recent_calls_at,
    waiting_candidates,
)
from waitwell.services.recall_rules import expire_if_due, mark_missed, office_rules
from waitwell.services.results import CounterView, TicketView
from waitwell.services.unit_of_work import UnitOfWork


def call_next(
    uow: UnitOfWork, *, counter_id: int, user_id: int | None = None, strategy: CallingStrategy | None = None
) -> TicketView:
    """Call the ticket the calling strategy ranks first among the counter's services.

    Atomic under concurrency: on PostgreSQL each pick is confirmed with a row lock
    that skips tickets another counter is taking (SKIP LOCKED), on SQLite the
    transaction holds the write lock from its first statement.
    """
    with uow:
        counter = _callable_counter(uow, counter_id)
        now = uow.clock.now()
        strategy = strategy or strategy_named(counter.office.calling_strategy)
        recent = recent_calls_at(uow.session, counter.id, start_of_day(now, counter.office.timezone))
        context = CallContext(counter_id=counter.id, now=now, recent_calls=recent)
        fronts = calling_candidates(uow.session, counter.office_id, counter.service_ids, strategy, now)
        ticket = _first_lockable(uow, [candidate.ticket_id for candidate in strategy.rank(fronts, context)])
        if ticket is None and len(fronts) >= LINE_FRONT:  # the fronts are all being called elsewhere: rank all
            everyone = waiting_candidates(uow.session, counter.office_id, counter.service_ids)
            ticket = _first_lockable(uow, [candidate.ticket_id for candidate in strategy.rank(everyone, context)])
        if ticket is None:
            raise NothingToCall(f"nobody is waiting for the services of {counter.name}")
        view = _call(uow, ticket, counter, user_id)
        uow.commit()
        return view


# How many of the ranked tickets one statement tries to lock.
LOCK_BATCH = 32


def _first_lockable(uow: UnitOfWork, ranked_ids: list[int]) -> Ticket | None:
    """The best-ranked ticket still waiting that no other transaction holds, locked until commit.

    One statement per batch of the ranking, not one per ticket: when many counters call at
    once they all start from the same ranking, and trying its tickets one by one cost each
    call a round trip per ticket the others had just taken. PostgreSQL locks rows in the
    ORDER BY order and SKIP LOCKED passes over taken ones, so LIMIT 1 locks exactly the first
    free ticket; a ticket called and committed meanwhile no longer matches `WAITING`.
    """
    for start in range(0, len(ranked_ids), LOCK_BATCH):
        batch = ranked_ids[start:start + LOCK_BATCH]
        ticket = uow.session.scalar(
            select(Ticket)
            .where(Ticket.id.in_(batch), Ticket.state == TicketState.WAITING)
            .order_by(case({ticket_id: rank for rank, ticket_id in enumerate(batch)}, value=Ticket.id))
            .limit(1)
            .with_for_update(skip_locked=True)
        )
        if ticket is not None:
            return ticket
    return None


def call_ticket(
    uow: UnitOfWork, *, counter_id: int, ticket_id: int, user_id: int | None = None, reason: str = ""
) -> TicketView:
    """Call one waiting ticket out of turn (a reason is kept in its history)."""
    with uow:
        counter = _callable_counter(uow, counter_id)
        ticket = _locked_ticket_or_none(uow, ticket_id)
        if ticket is None:
            raise InvalidInput(f"there is no ticket {ticket_id}")
        require_ticket_state(ticket.number, ticket.state, "call")
        if ticket.office_id != counter.office_id or ticket.service_id not in counter.service_ids:
            raise InvalidInput(
                f"{counter.name} does not serve {ticket.service.name}, the line of ticket {ticket.number}"
            )
        view = _call(uow, ticket, counter, user_id, out_of_turn=True, reason=reason)
        uow.commit()
        return view


def _callable_counter(uow: UnitOfWork, counter_id: int) -> Counter:
    counter = get_counter(uow.session, counter_id, lock=True)
    if counter.state != CounterState.OPEN:
        raise CounterNotOpen(f"{counter.name} is {counter.state.value}: open it before calling")
    busy = current_ticket_at(uow.session, counter.id)
    if busy is not None and expire_if_due(uow, busy):
        busy = None  # its holder never came after the last recall the office allows
    if busy is not None:
        raise IllegalTransition(
            f"{counter.name} still has ticket {busy.number} ({busy.state.value}): "
            "complete it, mark it as a no-show or transfer it first"
        )
    return counter


def _call(uow: UnitOfWork, ticket: Ticket, counter: Counter, user_id: int | None, **detail: object) -> TicketView:
    now = uow.clock.now()
    ticket.state = TicketState.CALLED
    ticket.counter = counter
    ticket.counter_id = counter.id
    ticket.served_by_id = user_id
    ticket.called_at = now
    ticket.first_called_at = ticket.first_called_at or now
    ticket.call_count += 1
    record_history(uow, ticket, "called", now, user_id=user_id, counter_id=counter.id,
                   **{k: v for k, v in detail.items() if v})
    uow.record(events.TicketCalled(**ticket_fields(ticket, now), counter_id=counter.id,
                                   counter_name=counter.name, call_count=ticket.call_count))
    return TicketView.of(ticket)


def recall(uow: UnitOfWork, *, ticket_id: int, user_id: int | None = None) -> TicketView:
    """Call the same ticket again to the same counter (the citizen did not come yet).

    The office's recall rules apply: too soon or one recall too many is refused
    (RecallTooSoon, RecallLimitReached); once the automatic no-show is due, the
    ticket becomes a no-show instead, and the returned ticket says so.
    """
    with uow:
        ticket = _locked_ticket(uow, ticket_id)
        require_ticket_state(ticket.number, ticket.state, "recall")
        now = uow.clock.now()
        assert ticket.called_at is not None, "a called ticket always has a call time"
        rules = office_rules(ticket.office)
        outcome = decide_recall(rules, number=ticket.number, call_count=ticket.call_count,
                                last_called_at=ticket.called_at, now=now)
        if outcome == RecallOutcome.NO_SHOW:
            mark_missed(uow, ticket, user_id=user_id, automatic=True, after_recalls=rules.auto_no_show_after_recalls)
            view = TicketView.of(ticket)
            uow.commit()
            return view
        ticket.called_at = now
        ticket.call_count += 1
        counter = ticket.counter
        assert counter is not None, "a called ticket always has a counter"
        record_history(uow, ticket, "recalled", now, user_id=user_id)
        uow.record(events.TicketRecalled(**ticket_fields(ticket, now), counter_id=counter.id,
                                         counter_name=counter.name, call_count=ticket.call_count))
        view = TicketView.of(ticket)
        uow.commit()
        return view


def start_service(uow: UnitOfWork, *, ticket_id: int, user_id: int | None = None) -> TicketView:
    """The citizen has arrived at the counter."""
    with uow:
        ticket = _locked_ticket(uow, ticket_id)
        require_ticket_state(ticket.number, ticket.state, "start")
        now = uow.clock.now()
        ticket.state = TicketState.SERVING
        ticket.started_at = now
        record_history(uow, ticket, "started", now, user_id=user_id)
        uow.record(events.ServiceStarted(**ticket_fields(ticket, now), counter_id=_counter_id(ticket)))
        view = TicketView.of(ticket)
        uow.commit()
        return view


def complete(uow: UnitOfWork, *, ticket_id: int, user_id: int | None = None) -> TicketView:
    """Service is finished (from called or serving: clerks often skip "start")."""
    with uow:
        ticket = _locked_ticket(uow, ticket_id)
        require_ticket_state(ticket.number, ticket.state, "complete")
        now = uow.clock.now()
        ticket.state = TicketState.DONE
        ticket.finished_at = now
        record_history(uow, ticket, "completed", now, user_id=user_id)
        uow.record(events.TicketCompleted(**ticket_fields(ticket, now), counter_id=ticket.counter_id))
        view = TicketView.of(ticket)
        uow.commit()
        return view


def mark_no_show(uow: UnitOfWork, *, ticket_id: int, user_id: int | None = None) -> TicketView:
    """The citizen did not come to the counter after being called."""
    with uow:
        ticket = _locked_ticket(uow, ticket_id)
        require_ticket_state(ticket.number, ticket.state, "no_show")
        mark_missed(uow, ticket, user_id=user_id)
        view = TicketView.of(ticket)
        uow.commit()
        return view


def transfer(uow: UnitOfWork, *, ticket_id: int, to_service_id: int, user_id: int | None = None) -> TicketView:
    """Move a ticket to another service's line, keeping its number and history.

    From a counter (called or serving) this is the next step of a multi-step visit,
    so its new wait starts now. A ticket still waiting (it took the wrong line) keeps
    its place in time.
    """
    with uow:
        ticket = _locked_ticket(uow, ticket_id)
        require_ticket_state(ticket.number, ticket.state, "transfer")
        target = get_service(uow.session, to_service_id)
        if target.office_id != ticket.office_id:
            raise InvalidInput(f"{target.name} is a service of another office")
        if target.id == ticket.service_id:
            raise InvalidInput(f"ticket {ticket.number} is already in the {target.name} line")
        if not target.active:
            raise InvalidInput(f"{target.name} is not taking tickets right now")
        now = uow.clock.now()
        from_service_id, from_counter_id = ticket.service_id, ticket.counter_id
        if ticket.state != TicketState.WAITING:
            ticket.waiting_since = now
        ticket.state = TicketState.WAITING
        ticket.service = target
        ticket.service_id = target.id
        ticket.counter = None
        ticket.counter_id = None
        ticket.called_at = None
        ticket.started_at = None
        record_history(uow, ticket, "transferred", now, user_id=user_id, counter_id=from_counter_id,
                       from_service_id=from_service_id, to_service_id=target.id)
        uow.record(events.TicketTransferred(**ticket_fields(ticket, now), from_service_id=from_service_id,
                                            counter_id=from_counter_id))
        view = TicketView.of(ticket)
        uow.commit()
        return view


def _locked_ticket(uow: UnitOfWork, ticket_id: int) -> Ticket:
    ticket = _locked_ticket_or_none(uow, ticket_id)
    if ticket is None:
        return get_ticket(uow.session, ticket_id)  # raises NotFound
    return ticket


def _locked_ticket_or_none(uow: UnitOfWork, ticket_id: int) -> Ticket | None:
    if not could_exist(ticket_id):
        return None
    return uow.session.scalar(select(Ticket).where(Ticket.id == ticket_id).with_for_update())


def _counter_id(ticket: Ticket) -> int:
    assert ticket.counter_id is not None, "a called or serving ticket always has a counter"
    return ticket.counter_id


def open_counter(uow: UnitOfWork, *, counter_id: int, user_id: int | None = None) -> CounterView:
    """Open a counter (or resume it after a pause) so it can call tickets."""
    return _set_counter_state(uow, counter_id, CounterState.OPEN, events.CounterOpened, user_id)


def pause_counter(uow: UnitOfWork, *, counter_id: int, user_id: int | None = None) -> CounterView:
    """A break: the counter finishes its current ticket but calls nobody new."""
    return _set_counter_state(uow, counter_id, CounterState.PAUSED, events.CounterPaused, user_id)


def close_counter(uow: UnitOfWork, *, counter_id: int, user_id: int | None = None) -> CounterView:
    """Close a counter; refused while it still has a ticket, so nobody is left standing at it."""
    return _set_counter_state(uow, counter_id, CounterState.CLOSED, events.CounterClosed, user_id)


def _set_counter_state(
    uow: UnitOfWork, counter_id: int, state: CounterState, event: type[events.CounterChange], user_id: int | None
) -> CounterView:
    with uow:
        counter = get_counter(uow.session, counter_id, lock=True)
        current = current_ticket_at(uow.session, counter.id)
        if state == CounterState.CLOSED and current is not None:
            raise Conflict(f"{counter.name} still has ticket {current.number}: finish or transfer it before closing")
        if counter.state == state:
            return CounterView.of(counter, current)
        now = uow.clock.now()
        counter.state = state
        record_counter_state(uow.session, counter, now, user_id=user_id)
        uow.record(
            event(office_id=counter.office_id, occurred_at=now, counter_id=counter.id, counter_name=counter.name)
        )
        view = CounterView.of(counter, current)
        uow.commit()
        return view

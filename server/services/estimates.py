"""Wait estimates for an office, from a snapshot of its database state (read-only use cases)."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, time, timedelta
from statistics import fmean
from typing import cast
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session, selectinload

from waitwell.domain.calling import Candidate
from waitwell.domain.numbering import service_day, start_of_day
from waitwell.domain.states import CounterState, TicketState
from waitwell.estimates.estimate import WaitEstimate
from waitwell.estimates.estimator import Predictor, estimate_waits, estimate_waits_and_new_tickets
from waitwell.estimates.rollforward import RECENT_CALLS
from waitwell.estimates.snapshot import (
    CounterSnapshot,
    CounterStateName,
    OfficeSnapshot,
    ServiceHistory,
    WaitingTicket,
)
from waitwell.persistence import Counter, CounterEvent, Office, Service, Ticket, TicketEvent
from waitwell.persistence.types import UTCDateTime
from waitwell.services.appointments.expected import expected_appointments
from waitwell.services.lookups import ACTIVE_STATES, get_office, get_service, waiting_candidates
from waitwell.services.no_shows import booking_habits, no_show_curve
from waitwell.services.unit_of_work import UnitOfWork

HISTORY_DAYS = 28  # service times and no-shows: four weeks covers every weekday a few times
SERVICE_SAMPLES = 200  # most recent service times kept per service
RECENT_WAITS = 50  # most recent waits kept per service (today only)
RECENT_BREAKS = 50  # most recent counter breaks

Roster = tuple[tuple[datetime, CounterStateName], ...]
ROSTER_DAYS = 7  # the usual day of each counter is its latest day with state changes within this many days


def office_snapshot(uow: UnitOfWork, office_id: int, *, history_days: int = HISTORY_DAYS) -> OfficeSnapshot:
    """The office as the estimator sees it now: counters and skills, waiting tickets, recent history."""
    with uow:
        return build_snapshot(uow.session, get_office(uow.session, office_id), uow.clock.now(), history_days)


def estimate_office(
    uow: UnitOfWork, office_id: int, *, predictor: Predictor | None = None
) -> dict[int, WaitEstimate]:
    """An estimate for every waiting ticket of an office, by ticket id."""
    return estimate_waits(office_snapshot(uow, office_id), predictor=predictor)


def estimates_for_new_tickets(uow: UnitOfWork, service_id: int, *, predictor: Predictor | None = None
                              ) -> dict[int, WaitEstimate]:
    """The wait of a ticket taken now (the figure on a kiosk's button) for every service of the office that
    has `service_id`, from one look at the office: a busy kiosk refreshes all its buttons at the cost of one."""
    with uow:
        service = get_service(uow.session, service_id)
        snapshot = build_snapshot(uow.session, service.office, uow.clock.now(), HISTORY_DAYS)
        service_ids = uow.session.scalars(select(Service.id).where(Service.office_id == service.office_id)).all()
    return estimate_waits_and_new_tickets(snapshot, service_ids, predictor=predictor, ticket_ids=())[1]


def build_snapshot(session: Session, office: Office, now: datetime, history_days: int) -> OfficeSnapshot:
    """Read everything the estimator needs in one transaction."""
    weights = session.execute(select(Service.id, Service.priority_weight).where(Service.office_id == office.id)).all()
    return OfficeSnapshot(
        now=now,
        counters=_counters(session, office, now),
        waiting=[
            WaitingTicket(c.ticket_id, c.service_id, c.waiting_since, c.priority_weight, c.is_appointment,
                          c.appointment_at)
            for c in waiting_candidates(session, office.id)
        ],
        history=_history(session, office, now, history_days),
        calling_strategy=office.calling_strategy,
        expected=expected_appointments(session, office.id, now),
        priority_weights={int(k): float(v) for k, v in weights},
        utc_offset_seconds=(now.astimezone(ZoneInfo(office.timezone)).utcoffset() or timedelta(0)).total_seconds(),
    )


def _counters(session: Session, office: Office, now: datetime) -> list[CounterSnapshot]:
    office_id = office.id
    counters = session.scalars(
        select(Counter).where(Counter.office_id == office_id).order_by(Counter.id)
        .options(selectinload(Counter.services))
    ).all()
    current = {
        row.counter_id: row
        for row in session.execute(
            select(Ticket.counter_id, Ticket.service_id, Ticket.called_at)
            .where(Ticket.office_id == office_id, Ticket.state.in_(ACTIVE_STATES))
        )
    }
    since = dict(session.execute(
        select(CounterEvent.counter_id, func.max(CounterEvent.occurred_at))
        .where(CounterEvent.office_id == office_id).group_by(CounterEvent.counter_id)
    ).all())
    usual = _usual_changes(session, office, now)
    recent = _recent_calls(session, office_id, start_of_day(now, office.timezone))
    snapshots = []
    for counter in counters:
        ticket = current.get(counter.id)
        snapshots.append(CounterSnapshot(
            id=counter.id,
            service_ids=counter.service_ids,
            state=cast(CounterStateName, counter.state.value),
            current_service_id=ticket.service_id if ticket else None,
            current_started_at=ticket.called_at if ticket else None,
            state_since=since.get(counter.id),
            usual_changes=usual.get(counter.id, ()),
            recent_calls=recent.get(counter.id, ()),
        ))
    return snapshots


def _recent_calls(session: Session, office_id: int, since: datetime) -> dict[int, tuple[Candidate, ...]]:
    """Each counter's latest calls since `since`, newest first, as `call_next` gives them to the calling strategy
    (`lookups.recent_calls_at`), read for every counter of the office at once."""
    newest_first = func.row_number().over(partition_by=TicketEvent.counter_id,
                                          order_by=(TicketEvent.occurred_at.desc(), TicketEvent.id.desc()))
    calls = (
        select(TicketEvent.counter_id, TicketEvent.ticket_id, TicketEvent.service_id, newest_first.label("rank"))
        .join(Counter, Counter.id == TicketEvent.counter_id)
        .where(Counter.office_id == office_id, TicketEvent.kind == "called", TicketEvent.occurred_at >= since)
        .subquery()
    )
    rows = session.execute(
        select(calls.c.counter_id, calls.c.ticket_id, calls.c.service_id, Ticket.waiting_since, Ticket.appointment_at)
        .join(Ticket, Ticket.id == calls.c.ticket_id)
        .where(calls.c.rank <= RECENT_CALLS).order_by(calls.c.counter_id, calls.c.rank)
    ).all()
    recent: dict[int, list[Candidate]] = defaultdict(list)
    for row in rows:
        recent[row.counter_id].append(Candidate(
            ticket_id=row.ticket_id, service_id=row.service_id, waiting_since=row.waiting_since,
            is_appointment=row.appointment_at is not None, appointment_at=row.appointment_at))
    return {counter_id: tuple(calls) for counter_id, calls in recent.items()}


def _usual_changes(session: Session, office: Office, now: datetime) -> dict[int, Roster]:
    """Each counter's state changes on the office's latest earlier day with any, placed on today's date."""
    zone = ZoneInfo(office.timezone)
    midnight = datetime.combine(now.astimezone(zone).date(), time(0), zone)
    rows = session.execute(
        select(CounterEvent.counter_id, CounterEvent.state, CounterEvent.occurred_at)
        .where(CounterEvent.office_id == office.id, CounterEvent.occurred_at < midnight,
               CounterEvent.occurred_at >= midnight - timedelta(days=ROSTER_DAYS))
        .order_by(CounterEvent.occurred_at, CounterEvent.id)
    ).all()
    if not rows:
        return {}
    last_day = max(row.occurred_at.astimezone(zone).date() for row in rows)
    changes: dict[int, list[tuple[datetime, CounterStateName]]] = defaultdict(list)
    for row in rows:
        local = row.occurred_at.astimezone(zone)
        if local.date() == last_day:
            today = datetime.combine(midnight.date(), local.time(), zone)
            changes[row.counter_id].append((today, cast(CounterStateName, CounterState(row.state).value)))
    return {counter_id: tuple(day) for counter_id, day in changes.items()}


def _history(session: Session, office: Office, now: datetime, history_days: int) -> ServiceHistory:
    since = now - timedelta(days=history_days)
    finished = (Ticket.office_id == office.id, Ticket.finished_at >= since, Ticket.called_at.is_not(None))
    counts: dict[TicketState, int] = dict(session.execute(  # type: ignore[arg-type]
        select(Ticket.state, func.count())
        .where(*finished, Ticket.state.in_((TicketState.DONE, TicketState.NO_SHOW)))
        .group_by(Ticket.state)
    ).all())
    called = counts.get(TicketState.DONE, 0) + counts.get(TicketState.NO_SHOW, 0)
    # A counter is busy with a no-show from the first call of its line, through the recalls (each of which moves
    # called_at), until it gives up: the time lost per no-show, on average, is what the replays spend on one.
    no_show_seconds = [
        (finished_at - (first_called_at if first_called_at >= waiting_since else called_at)).total_seconds()
        for called_at, first_called_at, waiting_since, finished_at in session.execute(
            select(Ticket.called_at, Ticket.first_called_at, Ticket.waiting_since, Ticket.finished_at)
            .where(*finished, Ticket.state == TicketState.NO_SHOW)
            .order_by(Ticket.finished_at.desc()).limit(RECENT_WAITS)
        )
    ]
    curve, booked_no_shows = no_show_curve(session, office.id, office.timezone, now, since)
    return ServiceHistory(
        service_seconds=_service_seconds(session, finished),
        recent_waits=_recent_waits(session, office, now),
        no_show_rate=counts.get(TicketState.NO_SHOW, 0) / called if called else 0.0,
        no_show_seconds=fmean(no_show_seconds) if no_show_seconds else ServiceHistory.no_show_seconds,
        pause_seconds=_recent_breaks(session, office.id, since),
        no_shows=curve,
        appointment_no_show_rate=booked_no_shows,
        bookings=booking_habits(session, office.id, now, since),
    )


def _recent_breaks(session: Session, office_id: int, since: datetime) -> tuple[float, ...]:
    """Lengths of the counters' recent breaks: from pausing to the counter's next change of state."""
    ended = func.lead(CounterEvent.occurred_at, type_=UTCDateTime()).over(partition_by=CounterEvent.counter_id,
                                                     order_by=(CounterEvent.occurred_at, CounterEvent.id))
    changes = (
        select(CounterEvent.state, CounterEvent.occurred_at, ended.label("ended_at"))
        .where(CounterEvent.office_id == office_id, CounterEvent.occurred_at >= since)
        .subquery()
    )
    rows = session.execute(
        select(changes.c.occurred_at, changes.c.ended_at)
        .where(changes.c.state == CounterState.PAUSED, changes.c.ended_at.is_not(None))
        .order_by(changes.c.occurred_at.desc()).limit(RECENT_BREAKS)
    ).all()
    return tuple((ended_at - began).total_seconds() for began, ended_at in rows)


def _service_seconds(session: Session, finished: tuple[ColumnElement[bool], ...]) -> dict[int, tuple[float, ...]]:
    """The most recent service times (called to finished) of each service, newest first."""
    newest_first = func.row_number().over(partition_by=Ticket.service_id, order_by=Ticket.finished_at.desc())
    recent = (
        select(Ticket.service_id, Ticket.called_at, Ticket.finished_at, newest_first.label("rank"))
        .where(*finished, Ticket.state == TicketState.DONE)
        .subquery()
    )
    rows = session.execute(
        select(recent.c.service_id, recent.c.called_at, recent.c.finished_at)
        .where(recent.c.rank <= SERVICE_SAMPLES).order_by(recent.c.service_id, recent.c.rank)
    )
    seconds: dict[int, list[float]] = defaultdict(list)
    for service_id, called_at, finished_at in rows:
        seconds[service_id].append((finished_at - called_at).total_seconds())
    return {k: tuple(v) for k, v in seconds.items()}


def _recent_waits(session: Session, office: Office, now: datetime) -> dict[int, tuple[float, ...]]:
    """Today's waits per service (first call minus waiting since), oldest first."""
    rows = session.execute(
        select(Ticket.service_id, Ticket.waiting_since, Ticket.first_called_at)
        .where(Ticket.office_id == office.id, Ticket.service_day == service_day(now, office.timezone),
               Ticket.first_called_at.is_not(None), Ticket.first_called_at >= Ticket.waiting_since)
        .order_by(Ticket.first_called_at.desc())
    ).all()
    waits: dict[int, list[float]] = defaultdict(list)
    for row in rows:
        if len(waits[row.service_id]) < RECENT_WAITS:
            waits[row.service_id].append((row.first_called_at - row.waiting_since).total_seconds())
    return {k: tuple(reversed(v)) for k, v in waits.items()}

"""One simulated office day as a discrete-event loop that drives the real engine through its use cases."""

from __future__ import annotations

import heapq
import itertools
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from waitwell.domain.clock import VirtualClock
from waitwell.domain.errors import NothingToCall
from waitwell.estimates.estimate import WaitEstimate
from waitwell.estimates.estimator import Predictor, estimate_waits
from waitwell.runtime import Runtime
from waitwell.services import counters, tickets
from waitwell.services.appointments.check_in import check_in_by_link, mark_no_shows
from waitwell.services.estimates import office_snapshot
from waitwell.simulation.bookings import book_the_day, window_closed_after
from waitwell.simulation.office import SimulatedOffice
from waitwell.simulation.result import TicketOutcome
from waitwell.simulation.scenario import CounterSpec, Scenario
from waitwell.simulation.visitors import Visitor


@dataclass
class Clerk:
    """A counter as the simulation drives it."""

    spec: CounterSpec
    counter_id: int
    state: str = "closed"  # open, paused, closed
    ticket_id: int | None = None
    off_duty: bool = False  # the shift is over: close once the current ticket is done
    until_empty: bool = False  # the shift is over but people are still inside: serve them first
    break_due: bool = False  # break time came while serving: the break starts once this customer is done


@dataclass
class Issued:
    visitor: Visitor
    ticket_id: int
    issued_at: datetime
    leaves_after: float  # seconds of waiting: the visitor's patience, shortened by the line seen on arrival
    waiting_at_issue: int  # people already waiting in the office when the ticket was taken
    predictions: dict[str, WaitEstimate] = field(default_factory=dict)
    first_called_at: datetime | None = None
    left: bool = False


class OfficeDay:
    """Runs one day: visitors take tickets, clerks open, call, serve, take breaks and close."""

    def __init__(
        self,
        runtime: Runtime,
        clock: VirtualClock,
        scenario: Scenario,
        office: SimulatedOffice,
        day: date,
        visitors: Sequence[Visitor],
        predictors: Sequence[Predictor] = (),
        clerks_rng: random.Random | None = None,
    ) -> None:
        self.runtime, self.clock, self.scenario, self.office = runtime, clock, scenario, office
        self.midnight = datetime.combine(day, time(0), ZoneInfo(scenario.timezone))
        self.visitors = visitors
        self.predictors = predictors
        self.clerks_rng = clerks_rng or random.Random(f"{scenario.name}:{day}:clerks")
        self.clerks = [Clerk(spec, office.counter_ids[spec.name]) for spec in scenario.counters]
        self.issued: dict[int, Issued] = {}
        self.engine_calls = 0
        self._queue: list[tuple[datetime, int, Callable[..., None], tuple[object, ...]]] = []
        self._order = itertools.count()

    # --- the loop -------------------------------------------------------------------------------

    def run(self) -> list[TicketOutcome]:
        tokens = self._book_the_day()
        for index, visitor in enumerate(self.visitors):
            if visitor.slot is not None and not visitor.comes:
                self._at(window_closed_after(visitor.slot), self._mark_missed_bookings)
            elif visitor.comes:
                self._at(visitor.arrives, self._arrive, visitor, tokens.get(index))
        for clerk in self.clerks:
            spec = clerk.spec
            self._at(spec.opens * 3600, self._start_shift, clerk)
            if spec.break_at is not None:  # clerks are late for their break by up to a few minutes
                late = self.clerks_rng.uniform(0, spec.break_late_minutes) * 60
                self._at(spec.break_at * 3600 + late, self._start_break, clerk)
            self._at(spec.closes * 3600, self._end_shift, clerk)
        while self._queue:
            moment, _, action, args = heapq.heappop(self._queue)
            self.clock.set(moment)
            action(*args)
        return [self._outcome(i) for i in self.issued.values() if i.first_called_at is not None]

    @property
    def never_called(self) -> int:
        return sum(1 for i in self.issued.values() if i.first_called_at is None)

    def _at(self, seconds_after_midnight: float, action: Callable[..., None], *args: object) -> None:
        moment = self.midnight + timedelta(seconds=seconds_after_midnight)
        self._after(moment, action, *args)

    def _after(self, moment: datetime, action: Callable[..., None], *args: object) -> None:
        heapq.heappush(self._queue, (moment, next(self._order), action, args))

    def _in(self, seconds: float, action: Callable[..., None], *args: object) -> None:
        self._after(self.clock.now() + timedelta(seconds=seconds), action, *args)

    # --- visitors -------------------------------------------------------------------------------

    def _book_the_day(self) -> dict[int, str]:
        """Every booking of the day, made the night before (the clock at midnight)."""
        if self.scenario.appointments is None:
            return {}
        self.clock.set(self.midnight)
        service_id = self.office.service_ids[self.scenario.appointments.prefix]
        tokens = book_the_day(self.runtime, service_id, self.midnight, self.visitors)
        self.engine_calls += len(tokens)
        return tokens

    def _arrive(self, visitor: Visitor, booking_token: str | None) -> None:
        service_id = self.office.service_ids[visitor.prefix]
        if booking_token is not None:
            checked_in = check_in_by_link(self.runtime.uow(), token=booking_token)
            assert checked_in.ticket is not None, "simulated bookings check in within their window"
            ticket = checked_in.ticket
        else:
            ticket = tickets.issue_ticket(self.runtime.uow(), service_id=service_id, origin="kiosk")
        self.engine_calls += 1
        waiting = sum(1 for i in self.issued.values() if i.first_called_at is None)
        patience = visitor.leaves_after * self.scenario.patience_in_line(waiting)
        issued = Issued(visitor, ticket.id, self.clock.now(), patience, waiting)
        self.issued[ticket.id] = issued
        if self.predictors:
            snapshot = office_snapshot(self.runtime.uow(read_only=True), self.office.office_id)
            for predictor in self.predictors:
                issued.predictions[predictor.name] = estimate_waits(snapshot, predictor=predictor,
                                                                     ticket_ids=(ticket.id,))[ticket.id]
        for clerk in self.clerks:
            if service_id in self._skills(clerk):
                self._try_call(clerk)

    # --- clerks ---------------------------------------------------------------------------------

    def _start_shift(self, clerk: Clerk) -> None:
        self._set_state(clerk, "open")
        self._try_call(clerk)

    def _mark_missed_bookings(self) -> None:
        mark_no_shows(self.runtime.uow())
        self.engine_calls += 1

    def _start_break(self, clerk: Clerk) -> None:
        if clerk.state != "open" or clerk.off_duty:
            return
        if clerk.ticket_id is not None:
            clerk.break_due = True  # finishes the customer first: the break starts (and ends) later
            return
        self._begin_break(clerk)

    def _begin_break(self, clerk: Clerk) -> None:
        self._set_state(clerk, "paused")
        self._in(clerk.spec.break_minutes * 60, self._end_break, clerk)

    def _end_break(self, clerk: Clerk) -> None:
        if clerk.state == "paused" and not clerk.off_duty:
            self._set_state(clerk, "open")
            self._try_call(clerk)

    def _end_shift(self, clerk: Clerk) -> None:
        clerk.off_duty = True
        # The last shifts of the day serve everyone already inside, as offices do at closing time.
        clerk.until_empty = clerk.spec.closes * 3600 >= self.scenario.doors_close * 3600
        if clerk.until_empty and clerk.state == "paused":
            self._set_state(clerk, "open")
        if clerk.ticket_id is None:
            self._after_ticket(clerk)

    def _after_ticket(self, clerk: Clerk) -> None:
        """The counter is free: call the next person, or close if the shift is over."""
        if clerk.off_duty and not clerk.until_empty:
            self._set_state(clerk, "closed")
        elif clerk.break_due and not clerk.off_duty:
            clerk.break_due = False
            self._begin_break(clerk)
        else:
            self._try_call(clerk)

    def _try_call(self, clerk: Clerk) -> None:
        if clerk.state != "open" or clerk.ticket_id is not None:
            return
        try:
            ticket = counters.call_next(self.runtime.uow(), counter_id=clerk.counter_id)
        except NothingToCall:
            self.engine_calls += 1
            if clerk.off_duty:
                self._set_state(clerk, "closed")
            return
        self.engine_calls += 1
        clerk.ticket_id = ticket.id
        issued = self.issued[ticket.id]
        issued.first_called_at = issued.first_called_at or self.clock.now()
        visitor = issued.visitor
        waited = (self.clock.now() - issued.issued_at).total_seconds()
        if waited >= issued.leaves_after:
            issued.left = True
            self._in(visitor.recall_after, self._recall, clerk, ticket.id)
            self._in(visitor.no_show_after, self._give_up, clerk, ticket.id)
        else:
            self._in(visitor.walk_seconds, self._start_service, ticket.id)
            self._in(visitor.walk_seconds + visitor.service_seconds, self._complete, clerk, ticket.id)

    def _recall(self, clerk: Clerk, ticket_id: int) -> None:
        counters.recall(self.runtime.uow(), ticket_id=ticket_id)
        self.engine_calls += 1

    def _give_up(self, clerk: Clerk, ticket_id: int) -> None:
        counters.mark_no_show(self.runtime.uow(), ticket_id=ticket_id)
        self.engine_calls += 1
        clerk.ticket_id = None
        self._after_ticket(clerk)

    def _start_service(self, ticket_id: int) -> None:
        counters.start_service(self.runtime.uow(), ticket_id=ticket_id)
        self.engine_calls += 1

    def _complete(self, clerk: Clerk, ticket_id: int) -> None:
        counters.complete(self.runtime.uow(), ticket_id=ticket_id)
        self.engine_calls += 1
        clerk.ticket_id = None
        self._after_ticket(clerk)

    def _set_state(self, clerk: Clerk, state: str) -> None:
        change = {"open": counters.open_counter, "paused": counters.pause_counter, "closed": counters.close_counter}
        change[state](self.runtime.uow(), counter_id=clerk.counter_id)
        self.engine_calls += 1
        clerk.state = state

    def _skills(self, clerk: Clerk) -> frozenset[int]:
        return frozenset(self.office.service_ids[p] for p in clerk.spec.prefixes)

    # --- results --------------------------------------------------------------------------------

    def _outcome(self, issued: Issued) -> TicketOutcome:
        assert issued.first_called_at is not None
        local = issued.issued_at.astimezone(self.midnight.tzinfo)
        return TicketOutcome(
            ticket_id=issued.ticket_id,
            prefix=issued.visitor.prefix,
            issued_hour=local.hour + local.minute / 60 + local.second / 3600,
            wait_minutes=(issued.first_called_at - issued.issued_at).total_seconds() / 60,
            left=issued.left,
            is_appointment=issued.visitor.is_appointment,
            waiting_at_issue=issued.waiting_at_issue,
            predictions=dict(issued.predictions),
        )

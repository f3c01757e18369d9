"""What the office's past says about people who are gone when their turn comes, read into the snapshot: walk-ins
gone when called by how long they had waited and in the last hour, bookings never kept, each counter's calls."""

from __future__ import annotations

from datetime import timedelta

from tests.appointments.support import booker, local, make_bookable_office
from tests.factories import issue, make_office
from waitwell.domain.clock import VirtualClock
from waitwell.runtime import Runtime
from waitwell.services import counters
from waitwell.services.appointments import booking
from waitwell.services.appointments.check_in import check_in_by_link, mark_no_shows
from waitwell.services.estimates import office_snapshot

MINUTE = 60.0


def call_after(runtime: Runtime, counter_id: int, *, gone: bool) -> None:
    called = counters.call_next(runtime.uow(), counter_id=counter_id)
    runtime.clock.advance(minutes=2)  # type: ignore[attr-defined]
    if gone:
        counters.mark_no_show(runtime.uow(), ticket_id=called.id)
    else:
        counters.complete(runtime.uow(), ticket_id=called.id)


def test_walk_ins_who_waited_long_were_more_often_gone(runtime: Runtime, clock: VirtualClock) -> None:
    office = make_office(runtime, counters={"Counter 1": ["A"]})
    counter_id = office.counters["Counter 1"]
    for round_ in range(12):  # each round: one called after 5 minutes (there), one after 60 (gone 3 times in 4)
        issue(runtime, office.services["A"])
        clock.advance(minutes=5)
        call_after(runtime, counter_id, gone=False)
        issue(runtime, office.services["A"])
        clock.advance(minutes=60)
        call_after(runtime, counter_id, gone=round_ % 4 != 0)
        clock.advance(hours=2)  # the next round's calls are no longer the last hour's

    curve = office_snapshot(runtime.uow(read_only=True), office.office_id).history.no_shows

    assert curve is not None
    assert curve.chance(5 * MINUTE) < 0.15
    assert curve.chance(60 * MINUTE) > 0.5


def test_the_last_hours_calls_move_the_chance(runtime: Runtime, clock: VirtualClock) -> None:
    office = make_office(runtime, counters={"Counter 1": ["A"]})
    counter_id = office.counters["Counter 1"]
    for _ in range(20):  # earlier: after 20 minutes, everyone there
        issue(runtime, office.services["A"])
        clock.advance(minutes=20)
        call_after(runtime, counter_id, gone=False)
    calm = office_snapshot(runtime.uow(read_only=True), office.office_id).history.no_shows
    for _ in range(6):  # the last hour: after 20 minutes, every one gone
        issue(runtime, office.services["A"])
        clock.advance(minutes=8)
        call_after(runtime, counter_id, gone=True)
    clock.advance(minutes=6)

    hurried = office_snapshot(runtime.uow(read_only=True), office.office_id).history.no_shows

    assert calm is not None and hurried is not None
    assert calm.recent_odds == 1.0
    assert hurried.recent_odds > 1.5
    assert hurried.chance(20 * MINUTE) > 2 * calm.chance(20 * MINUTE)


def test_bookings_never_kept_and_when_the_others_checked_in(runtime: Runtime, clock: VirtualClock) -> None:
    office = make_bookable_office(runtime, capacity=4)
    slot = local("2026-03-10", "10:00")
    clock.set(slot - timedelta(days=1))  # booked the day before
    tokens = [booking.book(runtime.uow(), service_id=office.service_id, starts_at=slot, booker=booker(name))
              .manage_token for name in ("Ana", "Bo", "Cy", "Di")]
    for token, minutes in zip(tokens[:3], (-12, -3, 4), strict=True):  # three come, one never does
        clock.set(slot + timedelta(minutes=minutes))
        check_in_by_link(runtime.uow(), token=token)
    clock.set(slot + timedelta(minutes=30))
    mark_no_shows(runtime.uow())

    habits = office_snapshot(runtime.uow(read_only=True), office.office_id).history.bookings

    assert habits.show_rate == 0.75
    assert habits.check_in_seconds == (-12 * MINUTE, -3 * MINUTE, 4 * MINUTE)


def test_each_counters_calls_of_today_as_call_next_sees_them(runtime: Runtime, clock: VirtualClock) -> None:
    office = make_office(runtime)  # Counter 1 serves A and B
    a, b = issue(runtime, office.services["A"]), issue(runtime, office.services["B"])
    first = counters.call_next(runtime.uow(), counter_id=office.counters["Counter 1"])
    counters.complete(runtime.uow(), ticket_id=first.id)
    counters.call_next(runtime.uow(), counter_id=office.counters["Counter 1"])

    shot = office_snapshot(runtime.uow(read_only=True), office.office_id)

    by_id = {c.id: c for c in shot.counters}
    assert [c.ticket_id for c in by_id[office.counters["Counter 1"]].recent_calls] == [b[0].id, a[0].id]
    assert by_id[office.counters["Counter 2"]].recent_calls == ()

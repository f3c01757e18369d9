"""Time zones and DST on the real engine: slots follow each office's wall clock, also across the change."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from tests.appointments.support import booker, local, make_bookable_office
from waitwell.domain.clock import VirtualClock
from waitwell.runtime import Runtime
from waitwell.services.appointments import booking, check_in, messages

LOS_ANGELES = "America/Los_Angeles"
EVERY_DAY = {day: [["09:00", "10:00"]] for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}


def test_each_office_offers_its_own_local_times(runtime: Runtime, clock: VirtualClock) -> None:
    east = make_bookable_office(runtime, weekly_hours=EVERY_DAY)
    west = make_bookable_office(runtime, name="Los Angeles DMV", timezone=LOS_ANGELES, weekly_hours=EVERY_DAY)
    day = date(2026, 3, 11)
    east_first = booking.available_slots(runtime.uow(), east.service_id, day)[0].starts_at
    west_first = booking.available_slots(runtime.uow(), west.service_id, day)[0].starts_at
    assert east_first == datetime(2026, 3, 11, 13, 0, tzinfo=UTC)  # 09:00 EDT
    assert west_first == datetime(2026, 3, 11, 16, 0, tzinfo=UTC)  # 09:00 PDT
    assert west_first == local(day, "09:00", LOS_ANGELES)


def test_booking_across_the_spring_dst_change_keeps_9_oclock(runtime: Runtime, clock: VirtualClock) -> None:
    clock.set(datetime(2026, 3, 6, 15, 0, tzinfo=UTC))  # Friday 10:00 EST, before the change
    office = make_bookable_office(runtime, weekly_hours=EVERY_DAY)
    saturday, sunday = (booking.available_slots(runtime.uow(), office.service_id, date(2026, 3, d))[0]
                        for d in (7, 8))
    assert saturday.starts_at == datetime(2026, 3, 7, 14, 0, tzinfo=UTC)  # 09:00 EST
    assert sunday.starts_at == datetime(2026, 3, 8, 13, 0, tzinfo=UTC)  # 09:00 EDT: clocks went forward at 02:00
    made = booking.book(runtime.uow(), service_id=office.service_id, starts_at=sunday.starts_at, booker=booker())

    clock.set(sunday.starts_at - timedelta(minutes=15))  # 08:45 EDT, one hour earlier in UTC than the day before
    result = check_in.check_in_by_link(runtime.uow(), token=made.manage_token)
    assert result.ticket is not None and result.ticket.number == "A001"


def test_the_reminder_is_a_fixed_time_before_the_slot_even_across_the_change(runtime: Runtime,
                                                                            clock: VirtualClock) -> None:
    clock.set(datetime(2026, 3, 6, 15, 0, tzinfo=UTC))
    office = make_bookable_office(runtime, weekly_hours=EVERY_DAY, reminder_minutes=24 * 60)
    slot = local("2026-03-08", "09:00")
    booking.book(runtime.uow(), service_id=office.service_id, starts_at=slot, booker=booker())
    day_before = slot - timedelta(hours=24)
    assert day_before == local("2026-03-07", "08:00")  # the night is an hour short: 08:00 EST, not 09:00
    clock.set(day_before - timedelta(seconds=1))
    assert messages.queue_due_reminders(runtime.uow()) == 0
    clock.set(day_before)
    assert messages.queue_due_reminders(runtime.uow()) == 1

"""Builders for appointment tests: an office whose first service can be booked, local times, a booker."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from tests.factories import OfficeSetup, make_office
from waitwell.runtime import Runtime
from waitwell.services.appointments import setup
from waitwell.services.appointments.booking import Booker

NEW_YORK = "America/New_York"
WEEKDAYS_9_TO_12 = {day: [["09:00", "12:00"]] for day in ("mon", "tue", "wed", "thu", "fri")}


@dataclass(frozen=True)
class BookableOffice:
    office: OfficeSetup
    service_id: int  # bookable ("Licence renewal", prefix A)
    other_service_id: int  # walk-in only ("Title", prefix B)

    @property
    def office_id(self) -> int:
        return self.office.office_id


def make_bookable_office(
    runtime: Runtime,
    *,
    capacity: int = 1,
    slot_minutes: int = 15,
    min_lead_minutes: int = 60,
    horizon_days: int = 30,
    early: int = 15,
    late: int = 10,
    reminder_minutes: int = 24 * 60,
    purge_after_days: int = 30,
    weekly_hours: dict[str, list[list[str]]] | None = None,
    counters: dict[str, list[str]] | None = None,
    calling_strategy: str = "appointments-on-time",
    name: str = "Hartford DMV",
    timezone: str = NEW_YORK,
) -> BookableOffice:
    office = make_office(runtime, name=name, timezone=timezone, counters=counters or {"Counter 1": ["A", "B"]})
    with runtime.uow() as uow:
        from waitwell.persistence import Office

        uow.session.get_one(Office, office.office_id).calling_strategy = calling_strategy
        uow.commit()
    setup.configure_office(runtime.uow(), office_id=office.office_id, check_in_early_minutes=early,
                           check_in_late_minutes=late, reminder_minutes_before=reminder_minutes,
                           purge_after_days=purge_after_days)
    setup.set_schedule(runtime.uow(), service_id=office.services["A"], weekly_hours=weekly_hours or WEEKDAYS_9_TO_12,
                       slot_minutes=slot_minutes, capacity=capacity, min_lead_minutes=min_lead_minutes,
                       horizon_days=horizon_days)
    return BookableOffice(office, office.services["A"], office.services["B"])


def local(day: str | date, hhmm: str, timezone: str = NEW_YORK) -> datetime:
    """A local wall-clock time in the office's zone, as aware UTC."""
    on = date.fromisoformat(day) if isinstance(day, str) else day
    return datetime.combine(on, time.fromisoformat(hhmm), ZoneInfo(timezone)).astimezone(UTC)


def booker(name: str = "Ana Pérez", email: str | None = "ana@example.org", phone: str | None = None,
           language: str = "en") -> Booker:
    return Booker(name=name, email=email, phone=phone, language=language)

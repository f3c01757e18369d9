"""`waitwell appointments ...`: turn bookings on for an office, set a service's bookable schedule, close a day,
and purge personal data (the scheduler purges too; this runs it now)."""

from __future__ import annotations

import json
from datetime import date

import click

from waitwell.commands.common import configured_database_url, open_runtime, user_errors
from waitwell.domain.errors import InvalidInput
from waitwell.services.appointments import privacy, setup


@click.group("appointments", short_help="Bookable schedules, closed days, and the privacy purge.")
def appointments() -> None:
    """Appointments: citizens book a slot online and check in at the kiosk.

    \b
    Examples:
      waitwell appointments enable --office 1
      waitwell appointments schedule --service 3 --hours '{"mon": [["09:00", "12:00"]]}' --capacity 2
      waitwell appointments closed-day --office 1 --day 2026-12-25 --reason "Christmas Day"
      waitwell appointments purge
    """


@appointments.command("enable")
@click.option("--office", "office_id", type=int, required=True, metavar="ID")
@click.option("--early", default=15, show_default=True, help="Minutes before the slot that check-in opens.")
@click.option("--late", default=10, show_default=True, help="Minutes after the slot that check-in closes.")
@click.option("--reminder-minutes", default=24 * 60, show_default=True, help="Reminder email this long before.")
@click.option("--purge-after-days", default=30, show_default=True, help="Names, emails, phones deleted after.")
@click.option("--off", is_flag=True, help="Stop taking bookings (existing ones stay).")
def enable(office_id: int, early: int, late: int, reminder_minutes: int, purge_after_days: int, off: bool) -> None:
    """Take bookings at an office, with its check-in window, reminder time and retention."""
    with open_runtime(configured_database_url()) as runtime, user_errors():
        policy = setup.configure_office(runtime.uow(), office_id=office_id, enabled=not off,
                                        check_in_early_minutes=early, check_in_late_minutes=late,
                                        reminder_minutes_before=reminder_minutes, purge_after_days=purge_after_days)
    state = "takes bookings" if policy.enabled else "takes no bookings"
    click.echo(f"Office {office_id} {state}: check-in from {early} min early to {late} min late, reminder "
               f"{reminder_minutes} min before, personal data kept {purge_after_days} days.")


@appointments.command("schedule")
@click.option("--service", "service_id", type=int, required=True, metavar="ID")
@click.option("--hours", required=True, help='Weekly hours as JSON, e.g. \'{"mon": [["09:00", "12:00"]]}\'.')
@click.option("--slot-minutes", default=15, show_default=True)
@click.option("--capacity", default=1, show_default=True, help="People per slot.")
@click.option("--lead-minutes", default=60, show_default=True, help="Bookings close this long before a slot.")
@click.option("--horizon-days", default=30, show_default=True, help="Bookings open this many days ahead.")
def schedule(service_id: int, hours: str, slot_minutes: int, capacity: int, lead_minutes: int,
             horizon_days: int) -> None:
    """Make a service bookable."""
    with open_runtime(configured_database_url()) as runtime, user_errors():
        try:
            weekly = json.loads(hours)
        except ValueError as error:
            raise InvalidInput(f"--hours is not JSON: {error}") from error
        setup.set_schedule(runtime.uow(), service_id=service_id, weekly_hours=weekly, slot_minutes=slot_minutes,
                           capacity=capacity, min_lead_minutes=lead_minutes, horizon_days=horizon_days)
    click.echo(f"Service {service_id} can be booked: {slot_minutes}-minute slots, {capacity} per slot.")


@appointments.command("closed-day")
@click.option("--office", "office_id", type=int, required=True, metavar="ID")
@click.option("--day", type=click.DateTime(formats=["%Y-%m-%d"]), required=True, metavar="YYYY-MM-DD")
@click.option("--service", "service_id", type=int, default=None, metavar="ID", help="Only this service.")
@click.option("--reason", default="", help="Shown to staff, e.g. a holiday's name.")
def closed_day(office_id: int, day: object, service_id: int | None, reason: str) -> None:
    """A day without bookings (a holiday). Bookings already made that day stay: block their slots to cancel them."""
    chosen: date = day.date()  # type: ignore[attr-defined]
    with open_runtime(configured_database_url()) as runtime, user_errors():
        setup.add_closure(runtime.uow(), office_id=office_id, day=chosen, reason=reason, service_id=service_id)
    click.echo(f"No bookings on {chosen.isoformat()}.")


@appointments.command("purge")
@click.option("--office", "office_id", type=int, default=None, metavar="ID", help="Only this office.")
@click.option("--older-than-days", type=int, default=None, metavar="N",
              help="Instead of each office's setting: appointments that ended more than N days ago.")
def purge(office_id: int | None, older_than_days: int | None) -> None:
    """Delete the names, emails and phone numbers of past appointments (the rest stays for the statistics)."""
    with open_runtime(configured_database_url()) as runtime, user_errors():
        count = privacy.purge_personal_data(runtime.uow(), office_id=office_id, older_than_days=older_than_days)
    click.echo(f"Personal data deleted from {count} past appointment(s).")

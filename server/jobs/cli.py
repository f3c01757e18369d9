"""`waitwell end-of-day`: close an office's day by hand (the scheduler does it at closing time; an office
without opening hours is closed only this way or from its admin page)."""

from __future__ import annotations

import getpass
from datetime import date

import click

from waitwell.commands.common import configured_database_url, open_runtime, user_errors
from waitwell.services import audit, end_of_day, offices


@click.command("end-of-day", short_help="Close the day: waiting tickets closed, counters closed.")
@click.option("--office", "office_id", type=int, metavar="ID", help="Only this office (default: every office).")
@click.option("--day", type=click.DateTime(formats=["%Y-%m-%d"]), metavar="YYYY-MM-DD",
              help="The office's local day to close (default: the day under way there: until a period past "
                   "midnight ends, the day it opened).")
def end_of_day_command(office_id: int | None, day: object) -> None:
    """Close the day now: tickets still waiting are cancelled with the reason "office closed",
    counters without a ticket close and their clerks are signed out. A ticket being served is left
    to its clerk. Safe to run again: it only closes what is still open. Offices without opening
    hours keep their line across midnight until the day is closed this way.

    \b
    Examples:
      waitwell end-of-day               every office, the day under way in its timezone
      waitwell end-of-day --office 2
    """
    chosen_day: date | None = day.date() if day is not None else None  # type: ignore[attr-defined]
    with open_runtime(configured_database_url()) as runtime, user_errors():
        ids = [office_id] if office_id is not None else [o.id for o in offices.list_offices(runtime.uow())]
        if not ids:
            click.echo("There is no office yet.")
        for one in ids:
            report = end_of_day.end_of_day(runtime.uow(), office_id=one, day=chosen_day, trigger="cli", again=True)
            audit.record(runtime.uow(), action="end_of_day", username=f"cli:{getpass.getuser()}", office_id=one,
                         target=f"office {report.office_name}", detail={"day": report.service_day.isoformat(),
                                                                         "summary": report.describe()})
            click.echo(report.describe())

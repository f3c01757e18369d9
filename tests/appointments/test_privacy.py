"""Privacy: names, emails and phones are for staff only (never on displays or status pages) and are purged a
configurable number of days after the appointment, by the scheduler and from the command line."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.appointments.support import BookableOffice, booker, local, make_bookable_office
from waitwell.appointments.jobs import run_appointment_jobs
from waitwell.cli import main
from waitwell.domain.clock import VirtualClock
from waitwell.persistence import Appointment, AppointmentState
from waitwell.realtime.snapshots import Snapshots
from waitwell.runtime import Runtime
from waitwell.services import counters, displays
from waitwell.services.appointments import booking, check_in, privacy

SLOT = local("2026-03-10", "11:00")
PERSONAL = ("Zelda Quintana", "zelda.q@example.org", "+1 860 555 0199")


def checked_in(runtime: Runtime, clock: VirtualClock) -> tuple[BookableOffice, str, str]:
    """A booking checked in from the phone: (the office, the ticket's token, the booking's link token)."""
    office = make_bookable_office(runtime, purge_after_days=7)
    made = booking.book(runtime.uow(), service_id=office.service_id, starts_at=SLOT,
                        booker=booker(PERSONAL[0], PERSONAL[1], PERSONAL[2]))
    clock.set(SLOT - timedelta(minutes=5))
    result = check_in.check_in_by_link(runtime.uow(), token=made.manage_token)
    assert result.ticket is not None
    return office, result.ticket.token, made.manage_token


def test_displays_and_status_pages_never_show_who_booked(runtime: Runtime, clock: VirtualClock,
                                                         client: FlaskClient) -> None:
    office, ticket_token, link = checked_in(runtime, clock)
    display = displays.register_display(runtime.uow(), office_id=office.office_id, name="Lobby")
    clock.set(SLOT)
    counters.call_next(runtime.uow(), counter_id=office.office.counters["Counter 1"])
    shown = [
        json.dumps(Snapshots(runtime).display(display.id), ensure_ascii=False),
        json.dumps(Snapshots(runtime).ticket(ticket_token), ensure_ascii=False),
        client.get(f"/display/{display.id}").text,
        client.get(f"/t/{ticket_token}").text,
        client.get(f"/appointments/{link}").text,
    ]
    for page in shown:
        for secret in (*PERSONAL, "Zelda", "zelda"):
            assert secret not in page


def test_personal_data_is_purged_after_the_configured_days(runtime: Runtime, clock: VirtualClock) -> None:
    checked_in(runtime, clock)
    clock.set(SLOT + timedelta(days=7))
    assert privacy.purge_personal_data(runtime.uow()) == 0  # the slot ended 11:15 seven days ago: not yet
    clock.advance(minutes=16)
    assert privacy.purge_personal_data(runtime.uow()) == 1
    with runtime.uow(read_only=True) as uow:
        row = uow.session.scalars(select(Appointment)).one()
        assert (row.name, row.email, row.phone, row.state) == (None, None, None, AppointmentState.CHECKED_IN)
        assert row.purged_at == clock.now()
    assert privacy.purge_personal_data(runtime.uow()) == 0


def test_the_scheduler_round_purges_too(runtime: Runtime, clock: VirtualClock, app: Flask) -> None:
    checked_in(runtime, clock)
    clock.set(SLOT + timedelta(days=8))
    assert run_appointment_jobs(app).purged == 1


@pytest.fixture
def cli_env(runtime: Runtime, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", runtime.database_url)
    monkeypatch.setenv("WAITWELL_INSTANCE", str(tmp_path / "instance"))


def test_the_command_line_purges_now(runtime: Runtime, clock: VirtualClock, cli_env: None) -> None:
    """The command runs on the wall clock: the booking (March 2026) is some whole days in its past."""
    office, _, _ = checked_in(runtime, clock)
    days_ago = (datetime.now(UTC) - (SLOT + timedelta(minutes=15))).days
    assert days_ago >= 1
    # Two days of margin, not one: the run may cross the moment the booking turns one day older.
    kept = CliRunner().invoke(main, ["appointments", "purge", "--older-than-days", str(days_ago + 2)],
                              catch_exceptions=False)
    assert kept.exit_code == 0 and "Personal data deleted from 0 past appointment(s)." in kept.output
    purged = CliRunner().invoke(main, ["appointments", "purge", "--office", str(office.office_id),
                                       "--older-than-days", str(days_ago - 1)])
    assert purged.exit_code == 0 and "Personal data deleted from 1 past appointment(s)." in purged.output
    refused = CliRunner().invoke(main, ["appointments", "purge", "--older-than-days", "-1"])
    assert refused.exit_code == 1 and "cannot be negative" in refused.output


def test_the_command_line_sets_up_bookings(runtime: Runtime, cli_env: None) -> None:
    office = make_bookable_office(runtime)
    runner = CliRunner()
    enabled = runner.invoke(main, ["appointments", "enable", "--office", str(office.office_id), "--early", "20"])
    assert enabled.exit_code == 0 and "check-in from 20 min early" in enabled.output
    scheduled = runner.invoke(main, ["appointments", "schedule", "--service", str(office.other_service_id),
                                     "--hours", '{"mon": [["13:00", "15:00"]]}', "--capacity", "3"])
    assert scheduled.exit_code == 0, scheduled.output
    assert [s.service_name for s in booking.bookable_services(runtime.uow())] == ["Licence renewal", "Title"]
    wrong = runner.invoke(main, ["appointments", "schedule", "--service", str(office.other_service_id),
                                 "--hours", '{"someday": []}'])
    assert wrong.exit_code == 1 and "unknown weekday 'someday'" in wrong.output
    closed = runner.invoke(main, ["appointments", "closed-day", "--office", str(office.office_id),
                                  "--day", "2026-12-25", "--reason", "Christmas Day"])
    assert closed.exit_code == 0 and "No bookings on 2026-12-25." in closed.output

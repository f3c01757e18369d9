"""`waitwell serve` waits for a database that is not up yet (a machine booting, PostgreSQL restarting).

Started by systemd or a container at the same moment as PostgreSQL, the server used to exit at once;
now it tries again with growing pauses, saying each time why and when it tries next, and gives up with a
clear message (exit status 1) only when the database has not come up within the allowed time.
"""

from __future__ import annotations

import time

import click
from sqlalchemy.exc import SQLAlchemyError

from waitwell.commands.common import shown
from waitwell.persistence.database import make_engine
from waitwell.persistence.unavailable import unavailable_reason

DEFAULT_WAIT_SECONDS = 180
FIRST_PAUSE_SECONDS = 1.0
LONGEST_PAUSE_SECONDS = 15.0


def wait_for_database(database_url: str, within: float) -> None:
    """Return once a connection to the database opens. Raises click.ClickException when the database stays
    unreachable for `within` seconds, and at once when it refuses the connection for good."""
    deadline = time.monotonic() + within
    pause = FIRST_PAUSE_SECONDS
    attempt = 0
    while True:
        attempt += 1
        reason = _why_unreachable(database_url)
        if reason is None:
            if attempt > 1:
                click.echo(f"The database {shown(database_url)} answered (attempt {attempt}).", err=True)
            return
        left = deadline - time.monotonic()
        if left <= 0:
            raise click.ClickException(
                f"the database {shown(database_url)} could not be reached within {within:g} s ({attempt} attempts; "
                f"last: {reason}). Start it or check DATABASE_URL; --wait-for-database SECONDS waits longer")
        pause = min(pause, left)
        click.echo(f"The database {shown(database_url)} cannot be reached (attempt {attempt}: {reason}); "
                   f"trying again in {pause:.2g} s, for up to {left:.0f} s more.", err=True)
        time.sleep(pause)
        pause = min(pause * 2, LONGEST_PAUSE_SECONDS)


def _why_unreachable(database_url: str) -> str | None:
    """Why a connection cannot be opened right now, or None once one opens. A refusal that no waiting
    changes (an unknown database or role, a wrong password) is a click.ClickException at once."""
    engine = make_engine(database_url)
    try:
        with engine.connect():
            return None
    except SQLAlchemyError as error:
        reason = unavailable_reason(error)
        if reason is None:
            said = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
            raise click.ClickException(f"cannot connect to the database {shown(database_url)}: {said}. Waiting will "
                                       "not change this: check DATABASE_URL") from error
        return reason
    finally:
        engine.dispose()

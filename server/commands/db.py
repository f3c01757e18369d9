"""`waitwell db`: create, migrate and inspect the database schema (Alembic)."""

from __future__ import annotations

import logging
import sys

import click

from waitwell.commands.common import configured_database_url, schema_state, shown
from waitwell.persistence import migrate


@click.group(short_help="Create, migrate and inspect the database schema.")
def db() -> None:
    """Create, migrate and inspect the database schema (Alembic migrations).

    The database is DATABASE_URL (e.g. postgresql://user@host/waitwell), or else the SQLite
    file waitwell.db in the instance folder (WAITWELL_INSTANCE, default ./instance).
    """


@db.command()
def upgrade() -> None:
    """Create the tables or migrate them to the newest schema (safe to run again)."""
    url = configured_database_url()
    before = schema_state(url)
    _show_alembic_progress()
    try:
        migrate.upgrade(url)
    except migrate.MigrationRefused as refusal:
        raise click.ClickException(str(refusal)) from refusal
    after = schema_state(url)
    if before.current == after.current:
        click.echo(f"{shown(url)} was already {after.describe()}.")
    else:
        click.echo(f"{shown(url)} is now {after.describe()}.")


@db.command()
@click.argument("revision")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def downgrade(revision: str, yes: bool) -> None:
    """Undo migrations down to REVISION: a revision id, -1 for one step, or base for none.

    Downgrading drops the tables and columns of the undone migrations, with their data.
    """
    url = configured_database_url()
    click.echo(f"{shown(url)} is {schema_state(url).describe()}.")
    if not yes:
        click.confirm(f"Downgrade to {revision}? Data in undone tables and columns is lost", abort=True)
    _show_alembic_progress()
    migrate.downgrade(url, revision)
    click.echo(f"{shown(url)} is now {schema_state(url).describe()}.")


@db.command()
@click.option("--check", is_flag=True, help="Exit with status 1 when the database is not at the newest migration.")
def current(check: bool) -> None:
    """Show the database's migration and whether it is the newest one."""
    url = configured_database_url()
    state = schema_state(url)
    click.echo(f"{shown(url)} is {state.describe()}.")
    if not state.up_to_date:
        click.echo("Run `waitwell db upgrade` to migrate it.")
        if check:
            sys.exit(1)


class _MigrationProgress(logging.Handler):
    """Echoes Alembic's "Running upgrade a -> b" lines to the terminal."""

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if message.startswith("Running "):
            click.echo(f"  {message}", err=True)


def _show_alembic_progress() -> None:
    """Alembic logs each migration it runs; show those lines to the person running the command."""
    logger = logging.getLogger("alembic.runtime.migration")
    if not any(isinstance(handler, _MigrationProgress) for handler in logger.handlers):
        logger.addHandler(_MigrationProgress())
    logger.setLevel(logging.INFO)

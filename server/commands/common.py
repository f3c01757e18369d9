"""What the commands share: which database, whether its schema is current, domain errors as messages."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import click
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from waitwell.config import Config
from waitwell.domain.errors import WaitwellError
from waitwell.persistence.database import make_engine
from waitwell.persistence.migrate import alembic_config, is_up_to_date
from waitwell.printers.errors import PrinterLibraryError
from waitwell.runtime import Runtime

UPGRADE_HINT = "run `waitwell db upgrade` first (with the same DATABASE_URL and WAITWELL_INSTANCE)"


def configured_database_url() -> str:
    """DATABASE_URL, or the SQLite file in the instance folder (created if missing)."""
    return Config.from_env().database_url


def shown(database_url: str) -> str:
    """The URL as it may be printed: without its password."""
    return make_url(database_url).render_as_string(hide_password=True)


@dataclass(frozen=True)
class SchemaState:
    """Which migrations a database has, against the newest ones this Waitwell ships."""

    current: tuple[str, ...]
    newest: tuple[str, ...]
    up_to_date: bool

    def describe(self) -> str:
        current = ", ".join(self.current) or "no migration (empty database)"
        if self.up_to_date:
            return f"at {current} (the newest)"
        return f"at {current}; the newest is {', '.join(self.newest)}"


def schema_state(database_url: str) -> SchemaState:
    """Read the database's Alembic revision; a database that cannot be reached is a clear error."""
    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            current = tuple(sorted(MigrationContext.configure(connection).get_current_heads()))
        up_to_date = is_up_to_date(engine, database_url)
    except SQLAlchemyError as error:
        raise click.ClickException(f"cannot use the database {shown(database_url)}: {error}") from error
    finally:
        engine.dispose()
    newest = tuple(sorted(ScriptDirectory.from_config(alembic_config(database_url)).get_heads()))
    return SchemaState(current, newest, up_to_date)


def require_current_schema(database_url: str) -> None:
    """Refuse to work on a database that is not at the newest migration."""
    state = schema_state(database_url)
    if not state.up_to_date:
        raise click.ClickException(f"the database {shown(database_url)} is {state.describe()}: {UPGRADE_HINT}")


@contextmanager
def open_runtime(database_url: str) -> Iterator[Runtime]:
    """The engine on a database whose schema is current, disposed of afterwards."""
    require_current_schema(database_url)
    runtime = Runtime(database_url)
    try:
        yield runtime
    finally:
        runtime.dispose()


@contextmanager
def user_errors() -> Iterator[None]:
    """Show a domain or printer error as a one-line message and exit status 1, not a traceback."""
    try:
        yield
    except (WaitwellError, PrinterLibraryError) as error:
        raise click.ClickException(error.message) from error

"""`waitwell db upgrade / current / downgrade` on real databases."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from tests.cli.conftest import Cli
from waitwell.persistence.migrate import alembic_config


def newest_revision() -> str:
    heads = ScriptDirectory.from_config(alembic_config("sqlite://")).get_heads()
    assert len(heads) == 1, f"the migrations must have exactly one head, not {heads}"
    return heads[0]


def test_upgrade_creates_the_sqlite_file_in_the_instance_folder_and_current_shows_the_newest(
    waitwell: Cli, instance: Path
) -> None:
    code, output = waitwell("db", "current", "--check")
    assert code == 1
    assert "no migration (empty database)" in output
    assert "waitwell db upgrade" in output

    code, output = waitwell("db", "upgrade")
    assert code == 0, output
    assert f"is now at {newest_revision()} (the newest)" in output
    assert "Running upgrade  -> 0001" in output
    assert "tickets" in inspect(create_engine(f"sqlite:///{instance / 'waitwell.db'}")).get_table_names()

    code, output = waitwell("db", "current", "--check")
    assert code == 0, output
    assert f"at {newest_revision()} (the newest)" in output


def test_upgrade_twice_changes_nothing(waitwell: Cli) -> None:
    waitwell("db", "upgrade")
    code, output = waitwell("db", "upgrade")
    assert code == 0
    assert "was already at" in output


def test_downgrade_to_base_asks_first_and_removes_the_tables(waitwell: Cli, instance: Path) -> None:
    waitwell("db", "upgrade")
    code, output = waitwell("db", "downgrade", "base", input="n\n")
    assert code == 1
    assert "Aborted" in output
    assert "tickets" in inspect(create_engine(f"sqlite:///{instance / 'waitwell.db'}")).get_table_names()

    code, output = waitwell("db", "downgrade", "base", "--yes")
    assert code == 0, output
    assert "is now at no migration (empty database)" in output
    assert "tickets" not in inspect(create_engine(f"sqlite:///{instance / 'waitwell.db'}")).get_table_names()


@pytest.fixture
def empty_postgres_url(postgres_server_url: str) -> Iterator[str]:
    """A new, empty database on the test PostgreSQL server, dropped afterwards."""
    server = make_url(postgres_server_url).set(drivername="postgresql+psycopg")
    name = f"waitwell_cli_{uuid.uuid4().hex[:10]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.mark.postgres
def test_upgrade_uses_database_url_for_postgresql(
    waitwell: Cli, empty_postgres_url: str, instance: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", empty_postgres_url)
    code, output = waitwell("db", "upgrade")
    assert code == 0, output
    code, output = waitwell("db", "current", "--check")
    assert code == 0, output
    assert f"at {newest_revision()} (the newest)" in output
    assert "postgresql" in output
    assert not (instance / "waitwell.db").exists()


def test_an_unreachable_database_is_a_message_not_a_traceback(waitwell: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql://nobody:secret@127.0.0.1:1/none")
    code, output = waitwell("db", "current")
    assert code == 1
    assert "cannot use the database postgresql://nobody:***@127.0.0.1:1/none" in output
    assert "secret" not in output

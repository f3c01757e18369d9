"""Migration 0008 keeps usernames in one form (NFKC, case-folded), and refuses, changing nothing, when two existing
accounts would become one. On SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from click.testing import CliRunner
from sqlalchemy import text

from waitwell.cli import main
from waitwell.persistence.database import make_engine
from waitwell.persistence.migrate import MigrationRefused, upgrade

BEFORE = "0007_indexes_for_long_lines"


def with_users(url: str, usernames: list[str]) -> None:
    upgrade(url, BEFORE)
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            for username in usernames:
                connection.execute(text(
                    "INSERT INTO users (username, display_name, password_hash, role, active, created_at) "
                    "VALUES (:username, :username, 'x', 'clerk', :active, :now)"),
                    {"username": username, "active": True, "now": datetime(2026, 1, 5, tzinfo=UTC)})
    finally:
        engine.dispose()


def state(url: str) -> tuple[str, list[str]]:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            version = connection.execute(text("SELECT version_num FROM alembic_version")).scalar_one()
            names = list(connection.execute(text("SELECT username FROM users ORDER BY id")).scalars())
            return version, names
    finally:
        engine.dispose()


def test_existing_usernames_are_kept_in_their_normalised_form(empty_database_url: str) -> None:
    with_users(empty_database_url, ["Alice", "ＢＯＢ", "maría", "carol"])
    upgrade(empty_database_url)
    assert state(empty_database_url)[1] == ["alice", "bob", "maría", "carol"]


def test_two_accounts_that_would_become_one_stop_the_upgrade_and_nothing_changes(empty_database_url: str) -> None:
    with_users(empty_database_url, ["Alice", "alice", "Bob", "carol"])
    with pytest.raises(MigrationRefused) as refused:
        upgrade(empty_database_url)
    assert "these accounts would become one: 'Alice' and 'alice'. Rename all but one" in str(refused.value)
    assert state(empty_database_url) == (BEFORE, ["Alice", "alice", "Bob", "carol"])


def test_waitwell_db_upgrade_says_so_in_one_message(tmp_path, monkeypatch) -> None:
    url = f"sqlite:///{tmp_path / 'waitwell.db'}"
    with_users(url, ["Maria", "MARIA"])
    monkeypatch.setenv("DATABASE_URL", url)
    result = CliRunner().invoke(main, ["db", "upgrade"])
    assert result.exit_code == 1
    assert "Error: usernames are now the same account whatever their case" in result.output
    assert "'Maria' and 'MARIA'" in result.output and "Traceback" not in result.output
    assert state(url) == (BEFORE, ["Maria", "MARIA"])

"""A new SQLite database and its journal are readable by Waitwell's user only (0600, like the secret key),
whatever the umask: the file holds staff accounts and visitors' data."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from waitwell.persistence.migrate import upgrade
from waitwell.runtime import Runtime
from waitwell.services import offices


@pytest.fixture
def usual_umask() -> Iterator[None]:
    """The umask most services start with: files are created 0644 unless the program says otherwise."""
    previous = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(previous)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_database_and_its_journal_are_private(tmp_path: Path, usual_umask: None) -> None:
    database = tmp_path / "waitwell.db"
    upgrade(f"sqlite:///{database}")
    runtime = Runtime(f"sqlite:///{database}")
    try:
        offices.create_office(runtime.uow(), name="Hartford DMV", timezone="America/New_York")
        journal = [Path(f"{database}-wal"), Path(f"{database}-shm")]
        assert all(path.exists() for path in journal), "WAL mode keeps its journal while connections are open"
        assert {str(path.name): oct(mode(path)) for path in [database, *journal]} == {
            "waitwell.db": "0o600", "waitwell.db-wal": "0o600", "waitwell.db-shm": "0o600"}
    finally:
        runtime.dispose()


def test_an_existing_database_keeps_its_mode(tmp_path: Path, usual_umask: None) -> None:
    """An operator who chose a mode (a backup user in the file's group, say) keeps it."""
    database = tmp_path / "waitwell.db"
    database.touch(mode=0o640)
    database.chmod(0o640)
    upgrade(f"sqlite:///{database}")
    assert mode(database) == 0o640

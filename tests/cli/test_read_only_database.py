"""A SQLite database Waitwell cannot write is named as read-only, with what to do, by the CLI and the app alike.

SQLite itself says only "unable to open database file". The files are made read-only for real: with chmod
for a normal user; as root, who writes through any chmod, with the immutable flag (`chattr +i`).
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.cli.conftest import Cli
from waitwell.app import create_app
from waitwell.config import Config
from waitwell.persistence.sqlite_file import DatabaseNotWritable
from waitwell.runtime import Runtime
from waitwell.services import offices

USER = pwd.getpwuid(os.geteuid()).pw_name
ReadOnly = Callable[[Path], Callable[[], object]]


@pytest.fixture
def read_only() -> Iterator[ReadOnly]:
    """Makes a file or folder read-only for this process; returns how to make it writable again (done at the
    end of the test in any case)."""
    undo: list[Callable[[], object]] = []

    def make(path: Path) -> Callable[[], object]:
        if os.geteuid() != 0:
            mode = path.stat().st_mode
            path.chmod(0o555 if path.is_dir() else 0o444)
            undo.append(lambda: path.chmod(mode))
        else:
            chattr = shutil.which("chattr")
            done = subprocess.run([chattr, "+i", str(path)], capture_output=True, text=True) if chattr else None
            if done is None or done.returncode != 0:
                pytest.skip("running as root, where chmod does not stop writes, and `chattr +i` is not available "
                            f"here to make {path} read-only ({done.stderr.strip() if done else 'no chattr'})")
            undo.append(lambda: subprocess.run([chattr, "-i", str(path)], check=True))
        assert not os.access(path, os.W_OK), f"{path} is still writable"
        return undo[-1]

    yield make
    for step in reversed(undo):
        step()


@pytest.fixture
def stored(waitwell: Cli, instance: Path) -> Path:
    """A migrated database in the instance folder, holding one office."""
    code, output = waitwell("db", "upgrade")
    assert code == 0, output
    database = instance / "waitwell.db"
    runtime = Runtime(f"sqlite:///{database}")
    offices.create_office(runtime.uow(), name="Hartford DMV", timezone="America/New_York")
    runtime.dispose()
    return database


def test_a_read_only_database_file_is_named_with_its_user_and_what_to_do(
    waitwell: Cli, stored: Path, read_only: ReadOnly
) -> None:
    read_only(stored)
    expected = f"the database file {stored} is read-only for user {USER}: make it and its folder writable"
    for command in (["db", "current"], ["db", "upgrade"], ["end-of-day"], ["serve"]):
        code, output = waitwell(*command)
        assert code == 1, (command, output)
        assert expected in output, (command, output)
    with pytest.raises(DatabaseNotWritable) as raised:
        create_app(Config(instance_path=stored.parent, database_url=f"sqlite:///{stored}", secret_key="x"))
    assert str(raised.value) == expected


def test_a_read_only_folder_is_named_too_since_sqlite_writes_its_journal_there(
    waitwell: Cli, stored: Path, read_only: ReadOnly
) -> None:
    writable_again = read_only(stored.parent)
    code, output = waitwell("end-of-day")
    assert code == 1
    assert (f"the folder {stored.parent} of the database file {stored} is read-only for user {USER} "
            "(SQLite writes its journal next to the file): make it and its folder writable") in output

    writable_again()  # nothing stored was lost
    code, output = waitwell("end-of-day")
    assert code == 0, output
    assert "Hartford DMV" in output

"""A SQLite file this process can write, checked before SQLite would only say "unable to open database file".

SQLite writes the file itself and, next to it, its journal (`-wal`, `-shm`); Waitwell keeps its writer lock
there too (`-writer.lock`). So the file, those companions and their folder must all be writable.
The file holds staff accounts and visitors' data, so Waitwell creates it readable by its own user only.
"""

from __future__ import annotations

import contextlib
import os
import pwd
from pathlib import Path

from sqlalchemy.engine import URL

from waitwell.config import ConfigError

COMPANIONS = ("-wal", "-shm", "-journal", "-writer.lock")


class DatabaseNotWritable(ConfigError):
    """The SQLite database file, a file next to it or its folder cannot be written by this process's user."""


def require_writable(url: URL) -> None:
    """Refuse a SQLite file Waitwell could not write, saying which path, for which user, and what to do.

    In-memory databases and SQLite URIs (`?uri=true`, e.g. `mode=ro`) are left to SQLite."""
    if not url.database or url.database == ":memory:" or url.query.get("uri") in ("true", "1"):
        return
    path = Path(os.path.abspath(url.database))
    folder = path.parent
    user = _user()
    if not folder.is_dir():
        raise DatabaseNotWritable(f"the folder {folder} of the database file {path} does not exist: "
                                  f"create it, writable for user {user}")
    if path.exists() and not _writable(path):
        raise DatabaseNotWritable(f"the database file {path} is read-only for user {user}: "
                                  f"make it and its folder writable")
    if not _writable(folder):
        raise DatabaseNotWritable(f"the folder {folder} of the database file {path} is read-only for user {user} "
                                  f"(SQLite writes its journal next to the file): make it and its folder writable")
    for companion in (Path(f"{path}{suffix}") for suffix in COMPANIONS):
        if companion.exists() and not _writable(companion):
            raise DatabaseNotWritable(f"{companion}, next to the database file {path}, is read-only for user "
                                      f"{user}: make it, the database file and their folder writable")


def create_private(url: URL) -> None:
    """Create a missing SQLite file, empty, with mode 0600 (like the secret key) whatever the umask: SQLite would
    create it 0644, readable by every user of the machine, and gives its journal (`-wal`, `-shm`) the mode of the
    database file. An existing file keeps its mode."""
    if not url.database or url.database == ":memory:" or url.query.get("uri") in ("true", "1"):
        return
    with contextlib.suppress(FileExistsError):
        os.close(os.open(os.path.abspath(url.database), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


def _writable(path: Path) -> bool:
    """Whether this process may write `path` (the kernel's answer: it knows about root, ACLs, `chattr +i` and
    read-only mounts)."""
    return os.access(path, os.W_OK, effective_ids=os.access in os.supports_effective_ids)


def _user() -> str:
    """The user this process writes as (not $USER, which sudo or a service manager may leave behind)."""
    try:
        return pwd.getpwuid(os.geteuid()).pw_name
    except KeyError:  # a uid without a name, as in some containers
        return f"uid {os.geteuid()}"

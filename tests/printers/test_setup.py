"""Importing the printing package leaves python-escpos' cache in one place and nothing on stdout."""

from __future__ import annotations

import os
import subprocess
import sys


def test_import_uses_the_cache_folder_and_prints_nothing(tmp_path) -> None:
    home, temp = tmp_path / "home", tmp_path / "tmp"
    home.mkdir()
    temp.mkdir()
    environment = {key: value for key, value in os.environ.items() if not key.startswith(("ESCPOS_", "XDG_"))}
    environment.update(HOME=str(home), TMPDIR=str(temp))
    script = "import os, waitwell.printers.render; print(os.environ['ESCPOS_CAPABILITIES_PICKLE_DIR'])"

    for _run in range(2):  # the second run reads the cached pickle
        result = subprocess.run([sys.executable, "-c", script], env=environment, capture_output=True, text=True,
                                check=True, timeout=60)
        assert result.stdout.strip() == str(home / ".cache" / "waitwell" / "escpos")
        assert result.stderr == ""
    assert [path.suffix for path in (home / ".cache" / "waitwell" / "escpos").iterdir()] == [".pickle"]
    assert list(temp.iterdir()) == []  # no stray temp folder per process

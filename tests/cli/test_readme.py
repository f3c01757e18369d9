"""The README's two commands and its curl walkthrough stay true: CI runs the one, the API has the others."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from flask import Flask
from werkzeug.exceptions import MethodNotAllowed, NotFound

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text()
CI_RUN = ROOT / ".ci" / "run"


def command_after(marker: str) -> str:
    """The first command line after a `<!-- marker -->` comment, as .ci/run reads it."""
    lines = README[README.index(f"<!-- {marker}"):].splitlines()[1:]
    return next(line for line in lines if line.strip() and not line.startswith("```"))


def test_the_demo_command_installs_into_a_venv_and_starts_the_demo() -> None:
    assert command_after("demo-command") == (
        "python3 -m venv .venv && .venv/bin/pip install -e . && .venv/bin/waitwell demo"
    )


def test_ci_runs_the_readme_test_command() -> None:
    assert command_after("test-command") == (
        "python3 -m venv .venv && .venv/bin/pip install -e '.[test]' && .venv/bin/pytest"
    )
    script = CI_RUN.read_text()
    assert os.access(CI_RUN, os.X_OK)
    assert "set -euo pipefail" in script
    assert "<!-- test-command" in script  # it reads the command from the README, so they cannot drift


def walkthrough_requests() -> list[tuple[str, str]]:
    """(method, path) of every `curl ... $WW/...` line in the README."""
    found = []
    for line in README.replace("\\\n", " ").splitlines():
        if not line.startswith("curl "):
            continue
        path = re.search(r"\$WW(/\S*)", line)
        assert path, line
        method = "POST" if "-X POST" in line or " -d " in line else "GET"
        concrete = re.sub(r"<[^>]+>", "some-token", path.group(1))
        found.append((method, "/api/v1" + concrete))
    return found


@pytest.mark.parametrize(("method", "path"), walkthrough_requests())
def test_every_curl_in_the_walkthrough_names_an_existing_endpoint(app: Flask, method: str, path: str) -> None:
    adapter = app.url_map.bind("localhost")
    try:
        endpoint, _ = adapter.match(path, method=method)
    except (NotFound, MethodNotAllowed) as error:
        pytest.fail(f"README: {method} {path} is not an endpoint ({error.__class__.__name__})")
    assert endpoint != "static"


def test_the_walkthrough_covers_the_whole_visit() -> None:
    paths = " ".join(path for _, path in walkthrough_requests())
    for step in ("/offices", "/services", "/tickets", "/auth/sign-in", "/open", "/call-next", "/complete"):
        assert step in paths

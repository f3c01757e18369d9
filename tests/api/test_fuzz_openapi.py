"""Property-based fuzzing of the whole API from its OpenAPI document (schemathesis, pinned in the test extra),
as an anonymous caller and as staff (an administrator's API token), over real HTTP to the app on a real port.

Every operation gets its documented examples, the coverage phase's boundary and invalid values, unsupported
methods, and a few random valid and invalid requests. Every check must hold: no server error (5xx), each answer
with a documented status, content type, headers and body, invalid input refused, missing auth refused. The one
check left out is "schema-valid input accepted": the document cannot say everything the services refuse (an
IANA time zone, a ticket prefix free in that office), and those refusals are 422s with the real error body.
Bounded: a handful of random examples per operation, well under a minute for both roles on a busy machine.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from tests.factories import issue, make_staff
from tests.kiosk.support import make_kiosk
from tests.support.live import LiveServer
from tests.support.ports import free_port
from waitwell.persistence import Role
from waitwell.runtime import Runtime
from waitwell.services import accounts

SCHEMATHESIS = Path(sys.executable).parent / "schemathesis"
EXAMPLES_PER_OPERATION = "5"
RUN_TIMEOUT_SECONDS = 300  # a hung run fails here; a normal one takes 15 to 30 s per role


@pytest.fixture
def served_office(app: Flask, runtime: Runtime) -> Iterator[str]:
    """An office with services, counters, a kiosk with its printer and people waiting, served on a real port."""
    setup = make_kiosk(runtime, printer={"connection": "network",
                                         "settings": {"host": "127.0.0.1", "port": free_port()}})
    issue(runtime, setup.office.services["A"], 3)
    with LiveServer(app) as server:
        yield server.url


def fuzz(base_url: str, workdir: Path, *headers: str) -> subprocess.CompletedProcess[str]:
    """One schemathesis run; its caches go to `workdir`, not into the repository."""
    if not SCHEMATHESIS.exists():
        pytest.fail(f"{SCHEMATHESIS} is missing: pip install -e '.[test]' (schemathesis is in the test extra)")
    header_options = [option for header in headers for option in ("--header", header)]
    return subprocess.run(
        [str(SCHEMATHESIS), "run", f"{base_url}/api/v1/openapi.json", "--phases", "examples,coverage,fuzzing",
         "--max-examples", EXAMPLES_PER_OPERATION, "--checks", "all", "--exclude-checks", "positive_data_acceptance",
         "--workers", "1", "--no-shrink", "--generation-database", "none", "--no-color", *header_options],
        capture_output=True, text=True, timeout=RUN_TIMEOUT_SECONDS, cwd=workdir,
    )


def assert_clean(run: subprocess.CompletedProcess[str]) -> None:
    summary = run.stdout[run.stdout.rfind("=" * 20 + " SUMMARY"):] if "SUMMARY" in run.stdout else run.stdout[-3000:]
    failures = run.stdout[run.stdout.find("FAILURES"):] if "FAILURES" in run.stdout else ""
    assert run.returncode == 0, f"schemathesis found problems:\n{failures[:12000]}\n{summary}\n{run.stderr[-2000:]}"
    selected, tested = re.search(r"Selected: (\d+)/\d+", summary), re.search(r"Tested: (\d+)", summary)
    assert selected and tested and selected.group(1) == tested.group(1), f"not every operation was tested:\n{summary}"


@pytest.mark.slow
def test_fuzzing_as_an_anonymous_caller_finds_nothing(served_office: str, tmp_path: Path) -> None:
    assert_clean(fuzz(served_office, tmp_path))


@pytest.mark.slow
def test_fuzzing_as_staff_finds_nothing(served_office: str, runtime: Runtime, tmp_path: Path) -> None:
    admin = make_staff(runtime, [], role=Role.ADMIN, username="fuzzing-admin")
    token = accounts.create_api_token(runtime.uow(), user_id=admin.id, name="fuzzing")
    assert_clean(fuzz(served_office, tmp_path, f"Authorization: Bearer {token}"))

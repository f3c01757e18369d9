"""Shared fixtures: a real SQLite file, a real PostgreSQL database, Redis, a virtual clock, the app.

PostgreSQL and Redis come from TEST_DATABASE_URL and TEST_REDIS_URL. Without them those tests
skip with the reason; under CI=true a missing service fails the run instead.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from tests.database_cleanup import empty_database
from tests.support.live import LiveServer
from waitwell.app import create_app
from waitwell.config import Config
from waitwell.domain.clock import VirtualClock
from waitwell.persistence.migrate import upgrade
from waitwell.runtime import Runtime

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"

# 10:00 in New York on a Tuesday (after the March 2026 DST change).
DEFAULT_START = datetime(2026, 3, 10, 14, 0, tzinfo=UTC)


def unavailable(service: str, reason: str) -> None:
    """Skip a test whose service is missing; under CI that is a failure, never a silent skip."""
    if IN_CI:
        pytest.fail(f"{service} is required when CI=true but {reason}", pytrace=False)
    pytest.skip(f"{service} not available: {reason}")


@pytest.fixture
def artifacts_dir(request: pytest.FixtureRequest) -> Path:
    """test-artifacts/<area> (git-ignored, e.g. test-artifacts/kiosk for tests/kiosk/...): screenshots, previews
    and other files to look at after a run, as a visitor or a clerk would see them."""
    folder = ARTIFACTS / request.node.module.__name__.split(".")[1]
    folder.mkdir(parents=True, exist_ok=True)
    return folder


# --- Browser ------------------------------------------------------------------------------------

CHROMIUM = "/usr/bin/chromium"
# The brief's flags for this closed network, plus the autoplay flag kiosks and lobby TVs run with.
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--autoplay-policy=no-user-gesture-required"]


class WaitingBrowser:
    """Playwright's Browser whose new pages and contexts bypass the pages' Content-Security-Policy unless told
    `bypass_csp=False`: the tests wait with `page.wait_for_function`, which Playwright runs by evaluating a string
    in the page, and the policy forbids eval. tests/security/test_csp_browser.py opens every page under it."""

    def __init__(self, browser: Any) -> None:
        self.browser = browser

    def new_context(self, **options: Any) -> Any:
        return self.browser.new_context(**{"bypass_csp": True, **options})

    def new_page(self, **options: Any) -> Any:
        return self.browser.new_page(**{"bypass_csp": True, **options})

    def __getattr__(self, name: str) -> Any:
        return getattr(self.browser, name)


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    """Headless Chromium from Debian, driven by Playwright (never `playwright install`)."""
    if not Path(CHROMIUM).exists():
        unavailable("Chromium", f"{CHROMIUM} is missing (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as error:
        unavailable("Playwright", str(error))
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield WaitingBrowser(browser)
        browser.close()


# --- SQLite -----------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated database file per run, copied for each test (migrating is the slow part)."""
    path = tmp_path_factory.mktemp("template") / "waitwell.db"
    upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture
def sqlite_url(tmp_path: Path, sqlite_template: Path) -> str:
    path = tmp_path / "waitwell.db"
    shutil.copyfile(sqlite_template, path)
    return f"sqlite:///{path}"


# --- PostgreSQL -------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def postgres_server_url() -> str:
    url = os.environ.get("TEST_DATABASE_URL", "")
    if not url:
        unavailable("PostgreSQL", "TEST_DATABASE_URL is not set (e.g. postgresql://postgres@127.0.0.1:5432/test)")
    engine = create_engine(_psycopg(url))
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as error:  # noqa: BLE001 - any failure means "not reachable"
        unavailable("PostgreSQL", f"cannot connect to {make_url(url).render_as_string()}: {error}")
    finally:
        engine.dispose()
    return url


@pytest.fixture(scope="session")
def postgres_database(postgres_server_url: str) -> Iterator[str]:
    """A database of our own on the test server, migrated, dropped at the end of the run."""
    name = f"waitwell_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(_psycopg(postgres_server_url), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(_psycopg(postgres_server_url)).set(database=name).render_as_string(hide_password=False)
    try:
        upgrade(url)
        yield url
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def postgres_cleaner(postgres_database: str) -> Iterator[Engine]:
    engine = create_engine(postgres_database, poolclass=NullPool)
    yield engine
    engine.dispose()


@pytest.fixture
def postgres_url(postgres_database: str, postgres_cleaner: Engine) -> Iterator[str]:
    """The run's PostgreSQL database, emptied after each test (rows deleted, ids restarted)."""
    yield postgres_database
    empty_database(postgres_cleaner)


def _psycopg(url: str) -> str:
    parsed = make_url(url)
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest) -> str:
    """Run the test once on SQLite and once on PostgreSQL."""
    return request.getfixturevalue(f"{request.param}_url")


# --- Redis --------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def redis_url() -> str:
    url = os.environ.get("TEST_REDIS_URL", "")
    if not url:
        unavailable("Redis", "TEST_REDIS_URL is not set (e.g. redis://127.0.0.1:6379/0)")
    import redis

    try:
        redis.Redis.from_url(url, socket_timeout=2).ping()
    except Exception as error:  # noqa: BLE001
        unavailable("Redis", f"cannot reach {url}: {error}")
    return url


# --- Engine and app ----------------------------------------------------------------------------


@pytest.fixture
def clock() -> VirtualClock:
    return VirtualClock(DEFAULT_START)


@pytest.fixture
def runtime(sqlite_url: str, clock: VirtualClock) -> Iterator[Runtime]:
    """The engine on a fresh SQLite file with a virtual clock."""
    engine_runtime = Runtime(sqlite_url, clock=clock)
    yield engine_runtime
    engine_runtime.dispose()


@pytest.fixture
def any_runtime(database_url: str, clock: VirtualClock) -> Iterator[Runtime]:
    """The engine on SQLite and, in a second run, on PostgreSQL."""
    engine_runtime = Runtime(database_url, clock=clock)
    yield engine_runtime
    engine_runtime.dispose()


@pytest.fixture
def app(runtime: Runtime, tmp_path: Path) -> Flask:
    config = Config(instance_path=tmp_path / "instance", database_url=runtime.database_url, testing=True,
                    secret_key="test-secret")
    return create_app(config, runtime=runtime)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def live(app: Flask) -> Iterator[LiveServer]:
    """The app served on a loopback port, for browsers, Socket.IO clients and print agents."""
    with LiveServer(app) as server:
        yield server

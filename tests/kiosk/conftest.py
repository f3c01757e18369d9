"""Browser fixtures for the kiosk: headless Chromium, and the app served on a real port with its print worker."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from tests.conftest import unavailable
from tests.printing.support import start_fast_worker
from tests.realtime.support import LiveServer

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
PORTRAIT = {"width": 1080, "height": 1920}
LANDSCAPE = {"width": 1920, "height": 1080}


@pytest.fixture(scope="module")
def chromium() -> Iterator[object]:
    """Headless Chromium from Debian, driven by Playwright (never `playwright install`)."""
    if not Path(CHROMIUM).exists():
        unavailable("Chromium", f"{CHROMIUM} is missing (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as error:
        unavailable("Playwright", str(error))
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def live_kiosk(app: Flask) -> Iterator[LiveServer]:
    """The app on a free port in a server thread, printing through its worker like `waitwell serve`."""
    worker = start_fast_worker(app)
    with LiveServer(app) as server:
        yield server
    worker.stop()


@pytest.fixture
def artifacts_dir() -> Path:
    """test-artifacts/kiosk (git-ignored): the kiosk's screenshots, to look at as a visitor would."""
    from tests.conftest import ARTIFACTS

    folder = ARTIFACTS / "kiosk"
    folder.mkdir(parents=True, exist_ok=True)
    return folder

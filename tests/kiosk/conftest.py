"""Kiosk fixtures: the app served on a real port with its print worker, and where screenshots go."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask

from tests.printing.support import start_fast_worker
from tests.support.live import LiveServer

PORTRAIT = {"width": 1080, "height": 1920}
LANDSCAPE = {"width": 1920, "height": 1080}


@pytest.fixture
def live_kiosk(app: Flask) -> Iterator[LiveServer]:
    """The app on a free port in a server thread, printing through its worker like `waitwell serve`."""
    worker = start_fast_worker(app)
    with LiveServer(app) as server:
        yield server
    worker.stop()

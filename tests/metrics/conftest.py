"""Fixtures for the metrics' browser tests: headless Chromium and the app on a real port."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask

from tests.realtime.support import LiveServer


@pytest.fixture
def live(app: Flask) -> Iterator[LiveServer]:
    with LiveServer(app) as server:
        yield server

"""Fixtures for the print worker tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask

from tests.printing.support import start_fast_worker
from waitwell.printing.worker import PrintWorker


@pytest.fixture
def worker(app: Flask) -> Iterator[PrintWorker]:
    started = start_fast_worker(app)
    yield started
    started.stop()

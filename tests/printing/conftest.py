"""Fixtures for the print worker: the app with its worker running fast retries, and printers on loopback."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest
from flask import Flask

from tests.printers.fake_printer import FakeNetworkPrinter
from waitwell import printing
from waitwell.printing.retry import RetryPolicy
from waitwell.printing.worker import PrintWorker


class FakePrinterOnPort(FakeNetworkPrinter):
    """The same fake printer, listening on a chosen port: a printer that comes back after refusing connections."""

    def __init__(self, port: int, **options: object) -> None:
        super().__init__(**options)  # type: ignore[arg-type]
        self._server.close()
        self._server = socket.create_server(("127.0.0.1", port))
        self._server.settimeout(0.1)
        self.port = port


@pytest.fixture
def worker(app: Flask) -> Iterator[PrintWorker]:
    """The app's print worker, started as `waitwell serve` would, with retries every fraction of a second."""
    app.config["PRINT_RETRY_POLICY"] = RetryPolicy(first_delay=0.2, max_delay=0.5)
    app.config["PRINTER_STATUS_SECONDS"] = 60
    started = printing.start_worker(app)
    assert isinstance(started, PrintWorker)
    yield started
    started.stop()

"""Fixtures for the printing tests: a ticket factory and a fake network printer."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.printers.fake_printer import FakeNetworkPrinter
from waitwell.printers.ticket import TicketPrint

STATUS_URL = "https://queue.example.gov/t/9f3KxQ2mZt7Lw0aB"


def make_ticket(**overrides: Any) -> TicketPrint:
    """A ticket as the kiosk would print it; override any field."""
    values: dict[str, Any] = {
        "office_name": "Springfield DMV",
        "service_name": "Driver license renewal",
        "number": "A007",
        "issued_at_local": "Tue 10 Mar 2026 10:04",
        "people_ahead": 3,
        "estimated_wait": "10–20 min",
        "status_url": STATUS_URL,
        "footer_line": "Scan to follow your place in line",
        "language": "en",
    }
    values.update(overrides)
    return TicketPrint(**values)


@pytest.fixture
def ticket_factory() -> Callable[..., TicketPrint]:
    return make_ticket


@pytest.fixture
def fake_printer() -> Iterator[FakeNetworkPrinter]:
    with FakeNetworkPrinter() as printer:
        yield printer

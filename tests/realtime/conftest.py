"""Realtime fixtures: an office with a registered display, and a clerk signed in to the live server."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests

from tests.factories import PASSWORD, OfficeSetup, make_office, make_staff
from tests.support.live import LiveServer
from waitwell.persistence import Role
from waitwell.runtime import Runtime
from waitwell.services import displays
from waitwell.services.displays import DisplayView


@pytest.fixture
def office(runtime: Runtime) -> OfficeSetup:
    return make_office(runtime, counters={"Counter 1": ["A", "B"], "Counter 2": ["B"], "Counter 3": ["A"]})


@pytest.fixture
def display(runtime: Runtime, office: OfficeSetup) -> DisplayView:
    return displays.register_display(runtime.uow(), office_id=office.office_id, name="Main hall",
                                     languages=["en-US", "es-US"])


@pytest.fixture
def clerk_http(runtime: Runtime, office: OfficeSetup, live: LiveServer) -> Iterator[requests.Session]:
    """A clerk of the office signed in to the live server over HTTP; closed before the server stops."""
    member = make_staff(runtime, [office.office_id], role=Role.CLERK)
    with requests.Session() as http:
        response = http.post(f"{live.url}/api/v1/auth/sign-in",
                             json={"username": member.username, "password": PASSWORD})
        assert response.status_code == 200, response.text
        http.headers["X-CSRFToken"] = response.headers["X-CSRFToken"]  # cookie-signed JSON writes need it
        yield http

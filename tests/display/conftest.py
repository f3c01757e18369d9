"""Fixtures for the display and status pages: an office with a registered display, a signed-in clerk."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import pytest
import requests

from tests.factories import PASSWORD, OfficeSetup, make_office, make_staff
from tests.support.live import LiveServer
from waitwell.persistence import Role
from waitwell.runtime import Runtime
from waitwell.services import displays
from waitwell.services.displays import DisplayView

FULL_HD = {"width": 1920, "height": 1080}
ULTRA_HD = {"width": 3840, "height": 2160}
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def office(runtime: Runtime) -> OfficeSetup:
    return make_office(runtime, name="Hartford DMV",
                       services=(("Licence renewal", "A"), ("Title and registration", "B"), ("Road test", "R")),
                       counters={"Counter 1": ["A", "B"], "Counter 2": ["B"], "Counter 3": ["A", "R"]})


@pytest.fixture
def display(runtime: Runtime, office: OfficeSetup) -> DisplayView:
    return displays.register_display(runtime.uow(), office_id=office.office_id, name="Main hall",
                                     languages=["en-US", "es-US"])


@contextlib.contextmanager
def signed_in_clerk(runtime: Runtime, office_ids: list[int], url: str) -> Iterator[requests.Session]:
    """A clerk signed in over HTTP, with the CSRF header cookie-signed writes need; closed at the end."""
    member = make_staff(runtime, office_ids, role=Role.CLERK)
    with requests.Session() as http:
        response = http.post(f"{url}/api/v1/auth/sign-in", json={"username": member.username, "password": PASSWORD})
        assert response.status_code == 200, response.text
        http.headers["X-CSRFToken"] = response.headers["X-CSRFToken"]
        yield http


@pytest.fixture
def clerk_http(runtime: Runtime, office: OfficeSetup, live: LiveServer) -> Iterator[requests.Session]:
    with signed_in_clerk(runtime, [office.office_id], live.url) as http:
        yield http

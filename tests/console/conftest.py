from __future__ import annotations

import pytest

from tests.console.support import StaffBrowser, signed_in
from tests.factories import make_office, make_staff
from waitwell.persistence import Role


@pytest.fixture
def office(runtime):
    """Counter 1 serves A and B, Counter 2 serves B; both closed until a clerk signs in."""
    return make_office(runtime, open_counters=False)


@pytest.fixture
def other_office(runtime):
    return make_office(runtime, name="Norwich DMV", services=(("Registration", "R"),), counters={"Desk 1": ["R"]},
                       open_counters=False)


@pytest.fixture
def clerk(app, runtime, office) -> StaffBrowser:
    return signed_in(app, make_staff(runtime, [office.office_id], username="maria"), address="10.0.0.11")


@pytest.fixture
def second_clerk(app, runtime, office) -> StaffBrowser:
    return signed_in(app, make_staff(runtime, [office.office_id], username="james"), address="10.0.0.12")


@pytest.fixture
def supervisor(app, runtime, office) -> StaffBrowser:
    return signed_in(app, make_staff(runtime, [office.office_id], role=Role.SUPERVISOR, username="sam"))


def take(browser: StaffBrowser, counter_id: int, **data):
    return browser.post_form(f"/console/counters/{counter_id}/take", data)


def act(browser: StaffBrowser, counter_id: int, action: str, body=None):
    return browser.post_json(f"/console/counters/{counter_id}/actions/{action}", body)


def state(browser: StaffBrowser, counter_id: int):
    return browser.get_json(f"/console/counters/{counter_id}/state")

from __future__ import annotations

import pytest

from tests.console.support import StaffBrowser, signed_in
from tests.factories import make_office, make_staff
from waitwell.persistence import Role


@pytest.fixture
def office(runtime):
    return make_office(runtime, open_counters=False)


@pytest.fixture
def admin(app, runtime, office) -> StaffBrowser:
    browser = signed_in(app, make_staff(runtime, [], role=Role.ADMIN, username="root"))
    browser.refresh_token("/admin/")
    return browser


def page(browser: StaffBrowser, url: str) -> str:
    response = browser.client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)[:2000]
    return response.get_data(as_text=True)

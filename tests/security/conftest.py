"""Security fixtures: an office and its clerk, maria."""

from __future__ import annotations

import pytest

from tests.factories import OfficeSetup, make_office, make_staff
from waitwell.runtime import Runtime
from waitwell.services.accounts import StaffMember


@pytest.fixture
def office(runtime: Runtime) -> OfficeSetup:
    return make_office(runtime)


@pytest.fixture
def clerk(runtime: Runtime, office: OfficeSetup) -> StaffMember:
    return make_staff(runtime, [office.office_id], username="maria")

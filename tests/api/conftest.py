"""API fixtures: an office with staff, a second office, and clients signed in by token or by session."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.security import generate_password_hash

from tests.factories import PASSWORD, OfficeSetup, make_office
from waitwell.persistence import Office, Role, User
from waitwell.runtime import Runtime
from waitwell.services import accounts, offices
from waitwell.services.accounts import StaffMember


@dataclass(frozen=True)
class Hartford:
    """Counter 1 serves A and B, Counter 2 serves B (both open), Counter 3 serves A (closed); R is inactive."""

    office: OfficeSetup
    other: OfficeSetup  # New Haven: another office
    inactive_service_id: int


@dataclass(frozen=True)
class Clerk:
    """A clerk of Hartford only, with an API token."""

    member: StaffMember
    token: str

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


@pytest.fixture
def hartford(runtime: Runtime) -> Hartford:
    office = make_office(runtime, counters={"Counter 1": ["A", "B"], "Counter 2": ["B"]})
    closed = offices.add_counter(runtime.uow(), office_id=office.office_id, name="Counter 3",
                                 service_ids=[office.services["A"]])
    office = OfficeSetup(office.office_id, office.services, {**office.counters, "Counter 3": closed})
    inactive = offices.add_service(runtime.uow(), office_id=office.office_id, name="Road test", prefix="R",
                                   active=False)
    other = make_office(runtime, name="New Haven DMV", services=(("Licence renewal", "A"),),
                        counters={"Counter 1": ["A"]})
    return Hartford(office, other, inactive.id)


@pytest.fixture(scope="session")
def password_hash() -> str:
    """PASSWORD hashed once: a salted scrypt hash takes a tenth of a second, too slow to repeat per test."""
    return generate_password_hash(PASSWORD)


def add_staff(runtime: Runtime, password_hash: str, username: str, role: Role, office_ids: list[int]) -> StaffMember:
    """A staff account whose password is PASSWORD (as `accounts.create_user` makes, minus the hashing time)."""
    with runtime.uow() as uow:
        offices = uow.session.scalars(select(Office).where(Office.id.in_(office_ids))).all()
        user = User(username=username, display_name=username, password_hash=password_hash, role=role, active=True,
                    created_at=runtime.clock.now(), offices=list(offices))
        uow.session.add(user)
        uow.session.flush()
        member = StaffMember.of(user)
        uow.commit()
        return member


@pytest.fixture
def clerk(runtime: Runtime, hartford: Hartford, password_hash: str) -> Clerk:
    member = add_staff(runtime, password_hash, "clerk", Role.CLERK, [hartford.office.office_id])
    return Clerk(member, accounts.create_api_token(runtime.uow(), user_id=member.id, name="counter 1 tablet"))


@pytest.fixture
def admin_auth(runtime: Runtime, password_hash: str) -> dict[str, str]:
    """Bearer headers of an administrator (who may act in every office)."""
    admin = add_staff(runtime, password_hash, "admin", Role.ADMIN, [])
    return {"Authorization": f"Bearer {accounts.create_api_token(runtime.uow(), user_id=admin.id, name='setup')}"}


@pytest.fixture
def staff_client(client: FlaskClient, clerk: Clerk) -> FlaskClient:
    """A client that sends the clerk's bearer token with every request."""
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {clerk.token}"
    return client

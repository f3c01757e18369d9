"""Deterministic builders of offices, staff and tickets for tests."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from flask import Flask
from flask.testing import FlaskClient

from waitwell.domain.states import CounterState
from waitwell.persistence import Role
from waitwell.runtime import Runtime
from waitwell.services import accounts, offices, tickets
from waitwell.services.accounts import StaffMember
from waitwell.services.results import TicketView

PASSWORD = "correct-horse-battery"


@dataclass(frozen=True)
class OfficeSetup:
    office_id: int
    services: dict[str, int]  # by prefix
    counters: dict[str, int]  # by name


def make_office(
    runtime: Runtime,
    *,
    name: str = "Hartford DMV",
    timezone: str = "America/New_York",
    services: Sequence[tuple[str, str]] = (("Licence renewal", "A"), ("Title", "B")),
    counters: Mapping[str, Sequence[str]] | None = None,
    open_counters: bool = True,
    weights: Mapping[str, float] | None = None,
    opening_hours: Mapping[str, list[list[str]]] | None = None,
    refuse_tickets_when_closed: bool = False,
) -> OfficeSetup:
    """An office with services (name, prefix) and counters serving services by prefix."""
    counters = counters if counters is not None else {"Counter 1": ["A", "B"], "Counter 2": ["B"]}
    office = offices.create_office(runtime.uow(), name=name, timezone=timezone, opening_hours=opening_hours,
                                   refuse_tickets_when_closed=refuse_tickets_when_closed)
    service_ids = {
        prefix: offices.add_service(runtime.uow(), office_id=office.id, name=service_name, prefix=prefix,
                                    priority_weight=(weights or {}).get(prefix, 1.0)).id
        for service_name, prefix in services
    }
    state = CounterState.OPEN if open_counters else CounterState.CLOSED
    counter_ids = {
        counter_name: offices.add_counter(runtime.uow(), office_id=office.id, name=counter_name,
                                          service_ids=[service_ids[p] for p in prefixes], state=state)
        for counter_name, prefixes in counters.items()
    }
    return OfficeSetup(office.id, service_ids, counter_ids)


def make_staff(
    runtime: Runtime, office_ids: Sequence[int], *, role: Role = Role.CLERK, username: str | None = None
) -> StaffMember:
    return accounts.create_user(runtime.uow(), username=username or f"{role.value}-{'-'.join(map(str, office_ids))}",
                                password=PASSWORD, role=role, office_ids=office_ids)


def issue(runtime: Runtime, service_id: int, count: int = 1, *, minutes_apart: float = 0) -> list[TicketView]:
    """Issue `count` tickets, moving the virtual clock between them."""
    issued = []
    for index in range(count):
        if index and minutes_apart:
            runtime.clock.advance(minutes=minutes_apart)  # type: ignore[attr-defined]
        issued.append(tickets.issue_ticket(runtime.uow(), service_id=service_id))
    return issued


def sign_in(client: FlaskClient, member: StaffMember) -> None:
    """Sign in with a session cookie; later writes carry the CSRF token the answer gave, as a browser's script would."""
    response = client.post("/api/v1/auth/sign-in", json={"username": member.username, "password": PASSWORD})
    assert response.status_code == 200, response.get_json()
    client.environ_base["HTTP_X_CSRFTOKEN"] = response.headers["X-CSRFToken"]


def signed_in_client(app: Flask, member: StaffMember) -> FlaskClient:
    """A test client of its own (another browser) signed in as `member`."""
    client = app.test_client()
    sign_in(client, member)
    return client

"""The demo office: loaded once, never duplicated, and its printed credentials work."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from waitwell.demo import COUNTERS, SERVICES, DemoCredentialsMissing, load_demo
from waitwell.domain.states import CounterState
from waitwell.persistence import ApiToken, Counter, Office, Service, User
from waitwell.runtime import Runtime

COUNTED = (Office, Service, Counter, User, ApiToken)


def row_counts(runtime: Runtime) -> dict[str, int]:
    with runtime.uow(read_only=True) as uow:
        return {model.__name__: uow.session.scalar(select(func.count()).select_from(model)) or 0 for model in COUNTED}


def test_loading_twice_adds_nothing_the_second_time(runtime: Runtime, tmp_path: Path) -> None:
    credentials_file = tmp_path / "demo-credentials.json"
    first = load_demo(runtime, credentials_file)
    after_first = row_counts(runtime)
    second = load_demo(runtime, credentials_file)

    assert first.created and not second.created
    assert row_counts(runtime) == after_first == {"Office": 1, "Service": 5, "Counter": 8, "User": 3, "ApiToken": 1}
    assert second.credentials == first.credentials
    assert second.service_ids == first.service_ids
    assert second.counter_ids == first.counter_ids


def test_the_demo_office_is_a_dmv_branch_with_overlapping_counters(runtime: Runtime, tmp_path: Path) -> None:
    site = load_demo(runtime, tmp_path / "demo-credentials.json")
    assert list(site.service_ids) == ["Licence renewal", "Registration", "New licence", "Title", "Road-test check-in"]
    with runtime.uow(read_only=True) as uow:
        office = uow.session.get(Office, site.credentials.office_id)
        assert office is not None
        assert office.timezone == "America/New_York"
        assert office.opening_hours["mon"] == [["08:00", "16:30"]]
        services = uow.session.scalars(select(Service)).all()
        assert all(s.prefix and s.description and s.target_wait_minutes > 0 for s in services)
        counters = uow.session.scalars(select(Counter)).all()
        states = {c.name: c.state for c in counters}
        skills = [frozenset(s.prefix for s in c.services) for c in counters]
    assert len(counters) == len(COUNTERS) == 8
    assert sum(state == CounterState.OPEN for state in states.values()) == 4
    # Overlapping skill sets: some service is served by several counters that differ in what else they serve.
    assert any(a != b and a & b for a in skills for b in skills)
    assert {s.prefix for s in SERVICES} == set().union(*skills)


def test_the_printed_clerk_password_and_token_work_through_the_api(
    runtime: Runtime, client: FlaskClient, tmp_path: Path
) -> None:
    site = load_demo(runtime, tmp_path / "demo-credentials.json")
    clerk = next(a for a in site.credentials.accounts if a.role == "clerk")

    signed_in = client.post("/api/v1/auth/sign-in", json={"username": clerk.username, "password": clerk.password})
    assert signed_in.status_code == 200, signed_in.get_json()
    assert signed_in.get_json()["office_ids"] == [site.credentials.office_id]

    me = client.application.test_client().get(
        "/api/v1/auth/me", headers={"Authorization": f"Bearer {site.credentials.clerk_token}"}
    )
    assert me.status_code == 200
    assert me.get_json()["username"] == "demo-clerk"


def test_credentials_are_kept_private_in_the_instance_folder(runtime: Runtime, tmp_path: Path) -> None:
    credentials_file = tmp_path / "demo-credentials.json"
    load_demo(runtime, credentials_file)
    assert credentials_file.stat().st_mode & 0o077 == 0


def test_a_lost_credentials_file_is_reported_with_the_way_out(runtime: Runtime, tmp_path: Path) -> None:
    credentials_file = tmp_path / "demo-credentials.json"
    load_demo(runtime, credentials_file)
    credentials_file.unlink()
    with pytest.raises(DemoCredentialsMissing, match="--reset"):
        load_demo(runtime, credentials_file)

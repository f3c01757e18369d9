"""A live staff connection ends with its credential: a revoked or expired token, a session signed out.

Real python-socketio clients against the app on a real port (and a separate server process), no mocks."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
import requests
import socketio
from flask import Flask

from tests.console.support import signed_in
from tests.factories import make_office, make_staff
from tests.realtime.support import FeedFollower, following
from tests.realtime.test_ticket_and_staff_feeds import refused
from tests.support.processes import app_server
from tests.support.waiting import DEADLINE_SECONDS, wait_until
from waitwell.app import create_app
from waitwell.config import Config
from waitwell.persistence import Role
from waitwell.realtime.rooms import STAFF_NAMESPACE
from waitwell.runtime import Runtime
from waitwell.services import accounts, staff_admin


@pytest.fixture
def recheck_seconds() -> float:
    """How often the app checks its live connections' credentials by itself: never, within a test, unless the
    test says so (so a drop seen at once comes from the request that revoked or signed out)."""
    return 3600.0


@pytest.fixture
def app(runtime: Runtime, tmp_path: Path, recheck_seconds: float) -> Flask:
    config = Config(instance_path=tmp_path / "instance", database_url=runtime.database_url, testing=True,
                    secret_key="test-secret", extra={"WAITWELL_CREDENTIAL_RECHECK_SECONDS": recheck_seconds})
    return create_app(config, runtime=runtime)


def console_with_token(url: str, office_id: int, token: str) -> FeedFollower:
    return FeedFollower(url, STAFF_NAMESPACE, {"office_id": office_id, "token": token}, reconnection=False).connect()


def dropped(console: FeedFollower, timeout: float = DEADLINE_SECONDS) -> None:
    wait_until(lambda: not console.client.connected, timeout, "the server to drop the console")


def test_revoking_a_token_drops_its_live_console_at_once(app, live, office, runtime):
    token = accounts.create_api_token(runtime.uow(), user_id=make_staff(runtime, [office.office_id]).id,
                                      name="counter PC")
    other = accounts.create_api_token(runtime.uow(), user_id=make_staff(runtime, [office.office_id],
                                                                        username="jonas").id, name="jonas PC")
    console = console_with_token(live.url, office.office_id, token)
    bystander = console_with_token(live.url, office.office_id, other)
    with following(console, bystander):
        admin = signed_in(app, make_staff(runtime, [], role=Role.ADMIN, username="root"))
        admin.refresh_token("/admin/")
        token_id = next(t.id for t in staff_admin.list_tokens(runtime.uow()) if t.name == "counter PC")
        assert admin.post_form(f"/admin/tokens/{token_id}/revoke").status_code == 302
        dropped(console)
        assert "sign in" in refused(live.url, STAFF_NAMESPACE, {"office_id": office.office_id, "token": token})
        assert bystander.client.connected  # another token's console stays


def test_signing_out_drops_the_consoles_opened_with_that_session(live, office, clerk_http):
    cookie = "; ".join(f"{c.name}={c.value}" for c in clerk_http.cookies)
    headers = {"Cookie": cookie, "User-Agent": clerk_http.headers["User-Agent"]}
    console = FeedFollower(live.url, STAFF_NAMESPACE, {"office_id": office.office_id}, headers=headers,
                           reconnection=False).connect()
    with following(console):
        assert clerk_http.post(f"{live.url}/api/v1/auth/sign-out").status_code == 204
        dropped(console)
        assert "sign in" in refused_with_cookie(live.url, office.office_id, headers)


def refused_with_cookie(url: str, office_id: int, headers: dict[str, str]) -> str:
    """The refusal a browser with this cookie gets from the staff room, or fail if it was let in."""
    client = socketio.Client(reconnection=False)
    reasons: list[str] = []
    client.on("connect_error", lambda data: reasons.append(str((data or {}).get("message", data))),
              namespace=STAFF_NAMESPACE)
    try:
        client.connect(url, namespaces=[STAFF_NAMESPACE], auth={"office_id": office_id}, headers=headers,
                       transports=["polling"], wait_timeout=5)
    except socketio.exceptions.ConnectionError:
        return reasons[0]
    finally:
        threading.Thread(target=client.disconnect, daemon=True).start()
    pytest.fail("the ended session opened the staff room again")


@pytest.mark.parametrize("recheck_seconds", [0.2])
def test_a_token_revoked_without_a_request_here_is_dropped_by_the_periodic_check(live, office, runtime,
                                                                                 recheck_seconds):
    """As when another process or the command line revokes it: this process hears of it by checking."""
    token = accounts.create_api_token(runtime.uow(), user_id=make_staff(runtime, [office.office_id]).id,
                                      name="counter PC")
    console = console_with_token(live.url, office.office_id, token)
    with following(console):
        staff_admin.revoke_token(runtime.uow(), token_id=staff_admin.list_tokens(runtime.uow())[0].id)
        dropped(console)


@pytest.mark.parametrize("recheck_seconds", [0.2])
def test_a_token_that_expires_drops_its_console(live, office, runtime, clock, recheck_seconds):
    token = accounts.create_api_token(runtime.uow(), user_id=make_staff(runtime, [office.office_id]).id,
                                      name="counter PC", expires_at=clock.now() + timedelta(hours=1))
    console = console_with_token(live.url, office.office_id, token)
    with following(console):
        clock.advance(minutes=59)
        assert console.client.connected
        clock.advance(minutes=1)
        dropped(console)


@pytest.fixture
def shared(sqlite_url: str) -> Iterator[Runtime]:
    """The database a separate server process uses too, driven from the test with the wall clock."""
    runtime = Runtime(sqlite_url)
    yield runtime
    runtime.dispose()


@pytest.mark.slow
def test_a_token_revoked_in_one_process_is_dropped_by_another(shared, sqlite_url, tmp_path, monkeypatch):
    office = make_office(shared, name="Two-process office")
    token = accounts.create_api_token(shared.uow(), user_id=make_staff(shared, [office.office_id]).id, name="PC")
    monkeypatch.setenv("WAITWELL_CREDENTIAL_RECHECK_SECONDS", "1")
    with app_server(sqlite_url, tmp_path) as server:
        console = console_with_token(server.url, office.office_id, token)
        with following(console):
            staff_admin.revoke_token(shared.uow(), token_id=staff_admin.list_tokens(shared.uow())[0].id)
            dropped(console, timeout=30)
            me = requests.get(f"{server.url}/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"}, timeout=10)
            assert me.status_code == 401

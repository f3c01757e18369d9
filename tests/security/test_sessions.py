"""Staff sessions: at most 12 hours from signing in, 30 minutes without the person doing anything, and over
for every copy of the cookie once the person signs out or their password changes. Time is the app's clock."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.security import generate_password_hash

from tests.console.support import signed_in
from tests.factories import make_staff, signed_in_client
from waitwell.app import create_app
from waitwell.config import Config, ConfigError
from waitwell.persistence import Role, User

NEW_PASSWORD = "a-fresh-long-passphrase-42"
# What the console's and dashboard's scripts send when they refresh by themselves.
BACKGROUND = {"Accept": "application/json", "Sec-Fetch-Mode": "cors"}


def copy_of(app: Flask, client: FlaskClient) -> FlaskClient:
    """Another browser holding a copy of the client's session cookie (stolen, or left on a shared PC)."""
    thief = app.test_client()
    thief.set_cookie("session", client.get_cookie("session").value)
    return thief


def opens_the_console(client: FlaskClient) -> bool:
    """A person opens the console page: it shows (200) or sends them to the sign-in page."""
    response = client.get("/console/")
    assert response.status_code in (200, 302), response.status_code
    return response.status_code == 200 and "/sign-in" not in response.headers.get("Location", "")


def signed_in_as(client: FlaskClient) -> str | None:
    response = client.get("/api/v1/auth/me")
    return response.get_json()["username"] if response.status_code == 200 else None


def test_a_session_ends_twelve_hours_after_signing_in_however_busy(app, clerk, clock):
    assert app.permanent_session_lifetime == timedelta(hours=12)  # not Flask's 31 days
    client = signed_in_client(app, clerk)
    for _ in range(35):  # a page every 20 minutes: never idle, until 11 h 40 min
        clock.advance(minutes=20)
        assert opens_the_console(client)
    clock.advance(minutes=19)
    assert opens_the_console(client)
    clock.advance(minutes=1)  # 12 hours since signing in
    assert not opens_the_console(client)
    assert client.get("/console/").headers["Location"].startswith("/sign-in")
    assert signed_in_as(client) is None


def test_thirty_minutes_without_doing_anything_end_a_session(app, clerk, clock):
    client = signed_in_client(app, clerk)
    clock.advance(minutes=29)
    assert opens_the_console(client)
    clock.advance(minutes=29)  # 58 minutes after signing in, 29 after the last page
    assert opens_the_console(client)
    clock.advance(minutes=30)
    assert not opens_the_console(client)
    assert signed_in_as(client) is None


def test_the_consoles_own_refreshes_do_not_keep_a_session_alive(app, clerk, office, clock):
    """The console fetches its state every 30 s while it is open, whoever sits there: an unattended counter
    PC must still sign itself out. Its refresh is then refused (401), and the console reloads into the sign-in
    page."""
    client = signed_in_client(app, clerk)
    state = f"/console/counters/{office.counters['Counter 1']}/state"
    for _ in range(5):
        clock.advance(minutes=5)
        assert client.get(state, headers=BACKGROUND).status_code == 200
        assert client.get("/api/v1/auth/me", headers=BACKGROUND).status_code == 200
    clock.advance(minutes=5)  # 30 minutes since the person last did something
    assert client.get(state, headers=BACKGROUND).status_code == 401
    assert signed_in_as(client) is None


def test_a_button_press_counts_as_doing_something(app, clerk, office, clock):
    client = signed_in_client(app, clerk)
    clock.advance(minutes=25)
    take = client.post(f"/console/counters/{office.counters['Counter 1']}/take",
                       data={"csrf_token": client.environ_base["HTTP_X_CSRFTOKEN"]})
    assert take.status_code == 302 and "/sign-in" not in take.headers["Location"]
    clock.advance(minutes=25)
    assert signed_in_as(client) == "maria"


def test_the_lifetimes_are_settings(runtime, clerk, clock, tmp_path: Path):
    config = Config(instance_path=tmp_path / "instance", database_url=runtime.database_url, testing=True,
                    secret_key="test-secret",
                    extra={"WAITWELL_SESSION_HOURS": "2", "WAITWELL_SESSION_IDLE_MINUTES": "90"})
    app = create_app(config, runtime=runtime)
    assert app.permanent_session_lifetime == timedelta(hours=2)
    client = signed_in_client(app, clerk)
    clock.advance(minutes=80)
    assert opens_the_console(client)
    clock.advance(minutes=39)
    assert opens_the_console(client)
    clock.advance(minutes=1)
    assert not opens_the_console(client)


def test_an_unreadable_setting_stops_the_app_by_name(runtime, tmp_path: Path):
    config = Config(instance_path=tmp_path / "instance", database_url=runtime.database_url, testing=True,
                    secret_key="test-secret", extra={"WAITWELL_SESSION_IDLE_MINUTES": "half an hour"})
    with pytest.raises(ConfigError, match="WAITWELL_SESSION_IDLE_MINUTES must be a number above 0"):
        create_app(config, runtime=runtime)


def test_signing_out_ends_every_copy_of_the_session(app, clerk):
    client = signed_in_client(app, clerk)
    copy = copy_of(app, client)
    elsewhere = signed_in_client(app, clerk)  # the same person signed in on another PC
    assert signed_in_as(copy) == "maria"
    assert client.post("/api/v1/auth/sign-out").status_code == 204
    assert signed_in_as(copy) is None
    assert not opens_the_console(copy)
    assert signed_in_as(elsewhere) is None
    assert signed_in_as(signed_in_client(app, clerk)) == "maria"  # signing in again starts afresh


def test_signing_out_on_the_page_ends_every_copy_too(app, clerk):
    browser = signed_in(app, clerk)
    copy = copy_of(app, browser.client)
    assert browser.post_form("/sign-out").status_code == 302
    assert signed_in_as(copy) is None


def test_a_new_password_ends_every_session(app, clerk, runtime):
    client = signed_in_client(app, clerk)
    copy = copy_of(app, client)
    with runtime.uow() as uow:  # however the password is changed
        uow.session.get(User, clerk.id).password_hash = generate_password_hash(NEW_PASSWORD)
        uow.commit()
    assert signed_in_as(client) is None
    assert signed_in_as(copy) is None


def test_an_administrators_reset_ends_the_persons_sessions(app, clerk, runtime):
    admin = signed_in(app, make_staff(runtime, [], role=Role.ADMIN, username="root"))
    admin.refresh_token("/admin/")
    client = signed_in_client(app, clerk)
    assert admin.post_form(f"/admin/users/{clerk.id}/password", {"password": NEW_PASSWORD}).status_code == 302
    assert signed_in_as(client) is None
    assert admin.client.get("/admin/users").status_code == 200


def test_an_administrator_resetting_their_own_password_stays_signed_in_only_here(app, runtime):
    admin = signed_in(app, make_staff(runtime, [], role=Role.ADMIN, username="root"))
    admin.refresh_token("/admin/")
    copy = copy_of(app, admin.client)
    assert admin.post_form(f"/admin/users/{admin.member.id}/password", {"password": NEW_PASSWORD}).status_code == 302
    assert admin.client.get("/admin/users").status_code == 200
    assert copy.get("/admin/users").status_code == 302
